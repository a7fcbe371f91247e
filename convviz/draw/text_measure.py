"""Measuring printed text: the typeface, the height of a line, and text widths and wrapping.

Printed pages are set in :data:`FONT` (:data:`MONO` for code), fonts shipped with
matplotlib, so every machine lays the same text out the same way. A line of text is
:func:`line_height` tall (1.4 times its size); :class:`TextMeasure` gives a text's width
in inches as matplotlib's Agg renderer lays it out, and wraps a text to a width, so an
item can be sized before it is placed on a page.

Examples
--------
>>> m = TextMeasure()
>>> m.wrap("one two three", 10.0, 11.0)
['one two three']
>>> round(line_height(11.0) * 72, 1)  # points
15.4
"""

from __future__ import annotations

__all__ = ["FONT", "MONO", "TextMeasure", "line_height"]

LEAD = 1.4  # line height over font size
FONT = "DejaVu Sans"  #: shipped with matplotlib: the same glyphs on every machine
MONO = "DejaVu Sans Mono"  #: code


def line_height(size: float) -> float:
    """The height of one line of text of ``size`` points, in inches (1.4 times the size).

    Examples
    --------
    >>> round(line_height(10.0), 4)
    0.1944
    """
    return size * LEAD / 72


class TextMeasure:
    """Text widths in inches, as matplotlib's Agg renderer lays the text out (cached).

    Examples
    --------
    >>> from convviz.draw.page_items import TEXT_PT
    >>> m = TextMeasure()
    >>> m.width("12", TEXT_PT) < m.width("1234", TEXT_PT)
    True
    >>> lines = m.wrap("the output shrinks by the kernel size minus one", 1.2, TEXT_PT)
    >>> len(lines) > 1 and all(m.width(line, TEXT_PT) <= 1.2 for line in lines)
    True
    """

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg

        self._renderer = RendererAgg(8, 8, 72)  # at 72 dpi a pixel is a point
        self._cache: dict[tuple[str, float, str, str], float] = {}

    def width(self, text: str, size: float, family: str = FONT,
              weight: str = "normal") -> float:
        """The width of ``text`` in inches at ``size`` points, with a little room (2 %)
        for the PDF's own metrics."""
        from matplotlib.font_manager import FontProperties

        key = (text, size, family, weight)
        if key not in self._cache:
            prop = FontProperties(family=family, size=size, weight=weight)
            w, _, _ = self._renderer.get_text_width_height_descent(text, prop, ismath=False)
            self._cache[key] = w / 72 * 1.02  # a little room for the PDF's own metrics
        return self._cache[key]

    def wrap(self, text: str, width: float, size: float, family: str = FONT,
             weight: str = "normal", indent: str = "") -> list[str]:
        """Greedy word wrap to ``width`` inches; a word wider than the line is cut, and
        every line after the first starts with ``indent``."""
        words = text.split(" ")
        lines: list[str] = []
        line = ""
        for word in words:
            trial = word if not line else f"{line} {word}"
            if self.width(trial, size, family, weight) <= width or not line.strip():
                line = trial
            else:
                lines.append(line)
                line = indent + word
            while self.width(line, size, family, weight) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and self.width(line[:cut], size, family, weight) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = indent + line[cut:]
        lines.append(line)
        return lines
