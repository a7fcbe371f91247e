"""A picture of one unit's receptive field on the input, as SVG text.

The input is drawn at its size (one square per pixel, scaled to fit), the pixels the unit
reaches filled orange (the window colour of the step views, :data:`render.WINDOW_COLOR`),
and its whole window, padding included, outlined dashed where it leaves the input. The
picture is vector text: the page puts it in the document (``st.html``), so its labels stay
real text at 14 px whatever the input's size, and a browser test can read what was drawn
from the ``data-`` attributes: ``data-rows`` and ``data-cols`` (first and last reached row
and column), ``data-reached`` (how many pixels) on the ``<svg>``.

Examples
--------
>>> svg = field_svg((6, 6), (1, 2, 3), (2, 3, 4), ((1, 3), (2, 4)), title="unit (1, 1)")
>>> 'data-rows="1 3"' in svg, 'data-reached="9"' in svg
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from convviz.draw import render

__all__ = ["FONT_PX", "field_svg", "runs"]

FONT_PX = 14  #: the picture's text size (never under the house's 12 px)
_MAX_BOXES = 2500  # more separate pieces than this: fill the outline, say it has gaps


def runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive stretches of sorted ``indices`` as (first, last) pairs.

    >>> runs([0, 1, 2, 5, 7, 8])
    [(0, 2), (5, 5), (7, 8)]
    """
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def field_svg(input_hw: tuple[int, int], rows: Sequence[int], cols: Sequence[int],
              window: tuple[tuple[int, int], tuple[int, int]], *, title: str,
              window_text: str = "its window", max_px: int = 360) -> str:
    """An SVG picture of the input with a unit's field.

    Parameters
    ----------
    input_hw : (int, int)
        The input's rows and columns.
    rows, cols : sequences of int
        The input rows and columns the unit reaches (sorted; every pair is reached).
    window : ((int, int), (int, int))
        The unit's window, first and last row and column, inclusive, unclipped (outside
        the input it lies on padding).
    title : str
        A line above the picture.
    window_text : str
        What the dashed outline is, in the legend (its size is added).
    max_px : int
        The longest side of the drawn input, in px.

    Returns
    -------
    str
        ``<svg ...>...</svg>``.
    """
    h, w = int(input_hw[0]), int(input_hw[1])
    (w0, w1), (v0, v1) = window
    # the canvas holds the input and the window's part in the padding
    top, left = min(0, w0), min(0, v0)
    bottom, right = max(h - 1, w1), max(w - 1, v1)
    span = max(bottom - top + 1, right - left + 1)
    cell = max_px / span
    pad = 12
    y0 = pad + FONT_PX + 10  # below the title

    def x(c: float) -> float:
        return round(pad + (c - left) * cell, 2)

    def y(r: float) -> float:
        return round(y0 + (r - top) * cell, 2)

    width = x(right + 1) + pad
    legend_y = y(bottom + 1) + 14
    height = legend_y + 2 * (FONT_PX + 8) + pad
    width = max(width, 330)
    orange = _hex(render.WINDOW_COLOR)
    reached = len(rows) * len(cols)
    box_rows, box_cols = runs(rows), runs(cols)
    first_last = (f'data-rows="{rows[0]} {rows[-1]}" data-cols="{cols[0]} {cols[-1]}"'
                  if reached else 'data-rows="" data-cols=""')
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
             f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'class="convviz-field" {first_last} data-reached="{reached}" '
             f'font-family="sans-serif" font-size="{FONT_PX}">',
             f'<title>{escape(title)}</title>',
             f'<text x="{pad}" y="{pad + FONT_PX}">{escape(title)}</text>',
             f'<rect x="{x(0)}" y="{y(0)}" width="{round(w * cell, 2)}" '
             f'height="{round(h * cell, 2)}" fill="#f2f2f2" stroke="#555" stroke-width="1"/>']
    if cell >= 5:  # pixel lines while they stay apart
        lines = [f'M{x(0)} {y(r)}H{x(w)}' for r in range(1, h)]
        lines += [f'M{x(c)} {y(0)}V{y(h)}' for c in range(1, w)]
        parts.append(f'<path d="{"".join(lines)}" stroke="#d0d0d0" stroke-width="1"/>')
    if reached and len(box_rows) * len(box_cols) <= _MAX_BOXES:
        for r0, r1 in box_rows:
            for c0, c1 in box_cols:
                parts.append(f'<rect class="seen" x="{x(c0)}" y="{y(r0)}" '
                             f'width="{round((c1 - c0 + 1) * cell, 2)}" '
                             f'height="{round((r1 - r0 + 1) * cell, 2)}" fill="{orange}"/>')
    elif reached:
        parts.append(f'<rect class="seen" x="{x(cols[0])}" y="{y(rows[0])}" '
                     f'width="{round((cols[-1] - cols[0] + 1) * cell, 2)}" '
                     f'height="{round((rows[-1] - rows[0] + 1) * cell, 2)}" fill="{orange}" '
                     'fill-opacity="0.5"/>')
    parts.append(f'<rect class="window" x="{x(v0)}" y="{y(w0)}" '
                 f'width="{round((v1 - v0 + 1) * cell, 2)}" '
                 f'height="{round((w1 - w0 + 1) * cell, 2)}" fill="none" stroke="#000" '
                 'stroke-width="2" stroke-dasharray="6 4"/>')
    sw = FONT_PX
    parts.append(f'<rect x="{pad}" y="{legend_y}" width="{sw}" height="{sw}" fill="{orange}"/>'
                 f'<text x="{pad + sw + 6}" y="{legend_y + sw - 2}">input pixels the unit sees '
                 f'({len(rows)}×{len(cols)} of {h}×{w})</text>')
    ly = legend_y + FONT_PX + 8
    parts.append(f'<rect x="{pad}" y="{ly}" width="{sw}" height="{sw}" fill="none" '
                 'stroke="#000" stroke-width="2" stroke-dasharray="4 3"/>'
                 f'<text x="{pad + sw + 6}" y="{ly + sw - 2}">{escape(window_text)} ({w1 - w0 + 1}×'
                 f'{v1 - v0 + 1}); grey: the input</text>')
    parts.append("</svg>")
    return "".join(parts)
