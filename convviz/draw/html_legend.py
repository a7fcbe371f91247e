"""A colour legend as HTML: a bar through the scale's colours with its tick labels under it.

Beside a picture a page shows scaled to its column (a feature map), a legend drawn into the
picture shrinks with it (14 px ticks came out at 6 px in a third of a 1024 px page). As
HTML the browser writes it at its own size, :data:`LEGEND_FONT` px whatever the picture's
scale. The legend is the dict of :func:`convviz.draw.grid_data.ramp_legend` or
:func:`convviz.draw.colors.display_legend`; every text is escaped.

Examples
--------
>>> html = legend_html({"title": "colour", "colors": ["#000000", "#ffffff"],
...                     "ticks": ["0", "<1>"]})
>>> "linear-gradient(to right, #000000, #ffffff)" in html, "&lt;1&gt;" in html
(True, True)
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["LEGEND_FONT", "legend_html"]

LEGEND_FONT = 14  #: px: the title and the tick labels (never under 12)
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def legend_html(legend: Mapping[str, Any], *, max_width: int = 320) -> str:
    """The HTML of ``legend``: its title, a bar through its colours (evenly spaced, left to
    right) and its ticks evenly spaced under the bar (the first at the left end, the last at
    the right end), in elements of the classes ``cv-legend``, ``cv-legend-title``,
    ``cv-legend-bar`` and ``cv-legend-ticks``.

    Parameters
    ----------
    legend : mapping
        ``{"title": str, "colors": ["#rrggbb", ...] (at least 2), "ticks": [str, ...]}``.
    max_width : int
        The widest the legend gets, in px (it is as wide as its column up to that).

    Returns
    -------
    str

    Examples
    --------
    >>> h = legend_html({"title": "t", "colors": ["#2166ac", "#b2182b"], "ticks": ["-1", "1"]})
    >>> h.count("<span"), 'font-size:14px' in h
    (2, True)
    """
    colors = [str(c) for c in legend.get("colors", ())]
    if len(colors) < 2 or not all(_HEX.fullmatch(c) for c in colors):
        raise ValueError(f"`legend` colours must be at least 2 '#rrggbb' strings, got {colors}")
    ticks = [html.escape(str(t)) for t in legend.get("ticks", ())]
    if len(ticks) < 2:
        raise ValueError(f"`legend` must hold at least 2 ticks, got {ticks}")
    if isinstance(max_width, bool) or not isinstance(max_width, int) or max_width < 80:
        raise ValueError(f"`max_width` must be a whole number of px >= 80, got {max_width!r}")
    font = f"font-size:{LEGEND_FONT}px;line-height:1.3"
    spans = "".join(f"<span>{t}</span>" for t in ticks)
    return (
        f'<div class="cv-legend" style="max-width:{max_width}px;margin:0 0 8px 0">'
        f'<div class="cv-legend-title" style="{font};margin-bottom:2px">'
        f'{html.escape(str(legend.get("title", "")))}</div>'
        f'<div class="cv-legend-bar" style="height:12px;border:1px solid #9a9a9a;'
        f'background:linear-gradient(to right, {", ".join(colors)})"></div>'
        f'<div class="cv-legend-ticks" style="display:flex;justify-content:space-between;'
        f'{font}">{spans}</div></div>')
