"""Column layout: page items made to fit a column of a given width.

A :class:`Layout` measures every line of text (:class:`convviz.draw.text_measure.TextMeasure`)
and wraps it to the column, and sizes a table's cells to their numbers, shrinking the
numbers of a table too wide for the column; it can set tables side by side in rows. A
:class:`Grid` is a 2-D array of numbers with a window outlined and the padding around it
drawn dashed, which :meth:`Layout.grid` makes into a table of square cells
(:func:`number_text` writes each number).

Examples
--------
>>> import numpy as np
>>> layout = Layout(TextMeasure(), 3.0)
>>> table = layout.grid(Grid("input", np.arange(9).reshape(3, 3), window=(0, 0, 2, 2)))
>>> table.title, table.cells[1], table.width <= 3.0
(['input'], ['3', '4', '5'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from convviz.draw.page_items import CAPTION_PT, GRID_PT, TEXT_PT, Table, TableRows, TextLines
from convviz.draw.text_measure import FONT, TextMeasure

__all__ = ["CAPTION_WIDTH", "Grid", "Layout", "number_text"]

CAPTION_WIDTH = 3.4  #: inches: a longer line before a table is a paragraph, not its title


def number_text(v: float) -> str:
    """A grid cell's number: an integer without decimals, else 4 significant digits.

    Examples
    --------
    >>> number_text(3.0), number_text(-0.5), number_text(2 / 3)
    ('3', '-0.5', '0.6667')
    """
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.4g}"


@dataclass
class Grid:
    """A 2-D array of numbers to draw as a table (:meth:`Layout.grid`).

    Attributes
    ----------
    name : str
        Its title when no caption is given (e.g. ``"input, channel 0"``).
    values : ndarray, shape (H, W)
    window : (int, int, int, int) or None
        ``(r0, c0, r1, c1)`` in the grid's coordinates, ends excluded: outlined.
    pad : (int, int, int, int)
        Padding cells around it, drawn dashed: top, left, bottom, right.
    notes : str
        What the drawing marks, after the title (``"window outlined"``).
    """

    name: str
    values: np.ndarray
    window: tuple[int, int, int, int] | None = None
    pad: tuple[int, int, int, int] = (0, 0, 0, 0)
    notes: str = ""

    def title(self, caption: str | None = None) -> str:
        """``caption`` (or the name when None) and the notes.

        Examples
        --------
        >>> Grid("input", np.zeros((2, 2)), notes="window outlined").title("Input (2 x 2)")
        'Input (2 x 2): window outlined'
        """
        head = self.name if caption is None else caption
        if not self.notes:
            return head
        return f"{head}: {self.notes}" if head else self.notes


class Layout:
    """Makes items that fit a column ``width`` inches wide, measuring with ``measure``.

    Examples
    --------
    >>> layout = Layout(TextMeasure(), 2.0)
    >>> t = layout.text("a sentence long enough to need more than one line here")
    >>> len(t.lines) > 1
    True
    >>> wide = Layout(TextMeasure(), 3.0).table("", [[str(123456 * j) for j in range(1, 6)]])
    >>> wide.width <= 3.0, wide.size  # smaller numbers, never past the margin
    (True, 8.0)
    """

    def __init__(self, measure: TextMeasure, width: float) -> None:
        if not isinstance(measure, TextMeasure):
            raise TypeError(f"`measure` must be a TextMeasure, got {type(measure).__name__}")
        if isinstance(width, bool) or not isinstance(width, int | float) or width <= 0:
            raise ValueError(f"`width` must be a positive number of inches, got {width!r}")
        self.measure = measure
        self.width = width

    def text(self, text: str, *, size: float = TEXT_PT, weight: str = "normal",
             family: str = FONT, color: str = "black", indent: str = "") -> TextLines:
        """``text`` wrapped to the column; a newline starts a new line."""
        lines: list[str] = []
        for hard in text.split("\n"):
            lines += self.measure.wrap(hard, self.width, size, family, weight, indent)
        return TextLines(lines, size, family, weight, color)

    def fits_caption(self, line: str) -> bool:
        """Whether ``line`` is short enough to title a table (:data:`CAPTION_WIDTH`)."""
        return self.measure.width(line, CAPTION_PT) <= CAPTION_WIDTH

    def table(self, title: str, cells: list[list[str]], *, header: Sequence[str] = (),
              square: bool = False, indexed: bool = False,
              window: tuple[int, int, int, int] | None = None,
              pad: tuple[int, int, int, int] = (0, 0, 0, 0)) -> Table:
        """A table of ``cells`` (rows of text, short rows filled with empty cells), its
        columns as wide as their text (all as wide as the widest when ``square``), the
        numbers made smaller (down to 7 points) until it fits the column; ``title``
        wrapped above it."""
        n_c = max([len(header)] + [len(r) for r in cells])
        cells = [list(r) + [""] * (n_c - len(r)) for r in cells]
        head = list(header) + [""] * (n_c - len(header)) if header else []
        size = GRID_PT
        while True:  # a wide table: smaller numbers, never past the margin
            widths = [max([self.measure.width(r[j], size) for r in cells]
                          + ([self.measure.width(head[j], size, weight="bold")] if head else [])
                          ) + 0.16 for j in range(n_c)]
            if square:
                widths = [max(*widths, 0.34 * size / GRID_PT)] * n_c
            p = Table([], cells, widths, head, window, pad, indexed,
                      0.3 * size / GRID_PT, size)
            if p.grid_width <= self.width or size <= 7:
                break
            size -= 0.5
        if title:  # wrapped to the grid's width, or a little wider for a narrow grid
            room = min(self.width, max(p.grid_width, CAPTION_WIDTH))
            p.title = self.measure.wrap(title, room, CAPTION_PT)
            p.title_width = max(self.measure.width(t, CAPTION_PT) for t in p.title)
        return p

    def grid(self, g: Grid, *, indexed: bool = True, caption: str | None = None) -> Table:
        """``g`` as a table of square cells: its title (:meth:`Grid.title`), its window
        (dropped when empty) and padding; row and column numbers when ``indexed``."""
        cells = [[number_text(v) for v in row] for row in g.values]
        window = g.window
        if window is not None and not (window[2] > window[0] and window[3] > window[1]):
            window = None
        return self.table(g.title(caption), cells, square=True, indexed=indexed,
                          window=window, pad=g.pad)

    def side_by_side(self, tables: Sequence[Table]) -> TableRows:
        """``tables`` in a row, a new row when the next does not fit the column."""
        rows: list[list[Table]] = [[]]
        used = 0.0
        gap = TableRows([]).gap
        for p in tables:
            if rows[-1] and used + gap + p.width > self.width:
                rows.append([])
                used = 0.0
            used += (gap if rows[-1] else 0.0) + p.width
            rows[-1].append(p)
        return TableRows(rows, gap)
