"""Page items: what a printed page is made of, each with its height and its drawing.

An item is anything with a ``height`` in inches and a ``draw(ax, x, y)`` that draws it
with its top left at ``(x, y)`` inches from the page's top left (:class:`Item`):
lines of text (:class:`TextLines`), a table of numbers or words with its padding dashed
and its window outlined (:class:`Table`), tables side by side (:class:`TableRows`), a line
to write an answer on (:class:`AnswerLine`), lines for a name and a date
(:class:`NameDateLine`) and empty room (:class:`Space`). The type sizes and the gaps
between items live here. Items are made to fit a column by
:class:`convviz.draw.column_layout.Layout` and placed on pages by
:func:`convviz.draw.print_pages.paginate`.

Examples
--------
>>> items = with_gaps([TextLines(["Add the outlined numbers."]), AnswerLine("a number")])
>>> [type(it).__name__ for it in items]
['TextLines', 'Space', 'AnswerLine']
>>> round(sum(it.height for it in items), 4)
0.6739
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from convviz.draw.text_measure import FONT, line_height

__all__ = ["CAPTION_PT", "GAP", "GREY", "GRID_PT", "SMALL_PT", "TEXT_PT", "TITLE_PT",
           "AnswerLine", "Item", "NameDateLine", "Space", "Table", "TableRows", "TextLines",
           "with_gaps"]

TEXT_PT = 11.0  #: body text: comfortable on paper
SMALL_PT = 9.0  #: page headers, hints, row and column numbers
CAPTION_PT = 10.0  #: a table's title
GRID_PT = 11.0  #: the numbers in a table's cells, before a wide table shrinks them
TITLE_PT = 18.0  #: a page head's title
GAP = 0.1  #: inches between the items of a block (and between rows of tables)
GREY = "0.35"  #: secondary text and cell borders


class Item(Protocol):
    """What a page holds: a height in inches, and a drawing at ``(x, y)`` inches from the
    page's top left (the axes of :func:`convviz.draw.print_pages.draw_pages` run in
    inches, y downwards)."""

    @property
    def height(self) -> float: ...

    def draw(self, ax: Any, x: float, y: float) -> None: ...


@dataclass
class TextLines:
    """Lines of text already wrapped, one font; drawn from the top, blank lines kept.

    Examples
    --------
    >>> t = TextLines(["one", "two", "three"])
    >>> round(t.height / line_height(TEXT_PT))
    3
    >>> head, rest = t.split(2.5 * line_height(TEXT_PT))
    >>> head.lines, rest.lines
    (['one', 'two'], ['three'])
    """

    lines: list[str]
    size: float = TEXT_PT
    family: str = FONT
    weight: str = "normal"
    color: str = "black"

    @property
    def height(self) -> float:
        return len(self.lines) * line_height(self.size)

    def split(self, room: float) -> tuple[TextLines, TextLines] | None:
        """The lines that fit in ``room`` inches and the rest; None when not one line
        fits or all do."""
        k = int(room // line_height(self.size))
        if k < 1 or k >= len(self.lines):
            return None
        return (TextLines(self.lines[:k], self.size, self.family, self.weight, self.color),
                TextLines(self.lines[k:], self.size, self.family, self.weight, self.color))

    def draw(self, ax: Any, x: float, y: float) -> None:
        lh = line_height(self.size)
        for i, line in enumerate(self.lines):
            if line.strip():
                ax.text(x, y + i * lh + (lh - self.size / 72) / 2, line, va="top", ha="left",
                        fontsize=self.size, family=self.family, weight=self.weight,
                        color=self.color, parse_math=False, clip_on=False)


@dataclass
class Table:
    """One table of numbers (or words): a title above, cells, the padding dashed around
    them, a window outlined, row and column numbers outside when ``indexed``.

    Make one with :meth:`convviz.draw.column_layout.Layout.table` or
    :meth:`~convviz.draw.column_layout.Layout.grid`, which size the columns.

    Attributes
    ----------
    title : list of str
        The title's lines, wrapped.
    cells : list of list of str
        The cells' text, (rows, columns).
    col_widths : list of float
        Each column's width, inches.
    header : list of str
        A bold first row (a table of words), or empty.
    window : (int, int, int, int) or None
        ``(r0, c0, r1, c1)``, ends excluded, in cell coordinates (negative or past the end
        in the padding): shaded and outlined.
    pad : (int, int, int, int)
        Padding cells drawn dashed and empty around the cells: top, left, bottom, right.
    indexed : bool
        Row and column numbers outside the cells.
    row_height : float
        Inches.
    size : float
        The cells' font size, points.
    title_width : float
        The widest title line, inches.
    """

    title: list[str]
    cells: list[list[str]]
    col_widths: list[float]
    header: list[str] = field(default_factory=list)
    window: tuple[int, int, int, int] | None = None
    pad: tuple[int, int, int, int] = (0, 0, 0, 0)
    indexed: bool = False
    row_height: float = 0.3
    size: float = GRID_PT
    title_width: float = 0.0

    @property
    def edge(self) -> float:
        """A padding cell's width: the widest column's."""
        return max(self.col_widths) if self.col_widths else 0.0

    @property
    def label_width(self) -> float:
        """The row numbers' column, inches (0 when not indexed)."""
        return 0.12 + 0.08 * len(str(len(self.cells) - 1)) if self.indexed else 0.0

    @property
    def label_height(self) -> float:
        """The column numbers' row, inches (0 when not indexed)."""
        return line_height(SMALL_PT) if self.indexed else 0.0

    @property
    def title_height(self) -> float:
        return len(self.title) * line_height(CAPTION_PT)

    @property
    def grid_width(self) -> float:
        """The cells, the padding and the row numbers, without the title."""
        return self.label_width + sum(self.col_widths) + (self.pad[1] + self.pad[3]) * self.edge

    @property
    def width(self) -> float:
        return max(self.grid_width, self.title_width)

    @property
    def height(self) -> float:
        n = len(self.cells) + (1 if self.header else 0) + self.pad[0] + self.pad[2]
        return self.title_height + self.label_height + n * self.row_height

    def col_x(self, c: int) -> float:
        """The left of column ``c`` from the left of column 0, inches (padding columns,
        ``c < 0`` or past the last, are :attr:`edge` wide)."""
        cw = self.col_widths
        if c <= 0:
            return c * self.edge
        if c >= len(cw):
            return sum(cw) + (c - len(cw)) * self.edge
        return sum(cw[:c])

    def draw(self, ax: Any, x: float, y: float) -> None:
        from matplotlib.patches import Rectangle

        def label(tx: float, ty: float, text: str, ha: str, va: str) -> None:
            ax.text(tx, ty, text, ha=ha, va=va, fontsize=SMALL_PT, family=FONT,
                    color=GREY, parse_math=False, clip_on=False)

        lh = line_height(CAPTION_PT)
        for i, line in enumerate(self.title):
            ax.text(x, y + i * lh + (lh - CAPTION_PT / 72) / 2, line, ha="left", va="top",
                    fontsize=CAPTION_PT, family=FONT, parse_math=False, clip_on=False)
        rh, cw, edge = self.row_height, self.col_widths, self.edge
        pt, pl, pb, pr = self.pad
        n_r, n_c = len(self.cells), len(cw)
        x0 = x + self.label_width + pl * edge  # the left of the input's own cells
        top = y + self.title_height + self.label_height
        if self.header:
            for j, text in enumerate(self.header):
                cx = x0 + self.col_x(j)
                ax.add_artist(Rectangle((cx, top), cw[j], rh, facecolor="0.9",
                                       edgecolor=GREY, lw=0.6))
                ax.text(cx + cw[j] / 2, top + rh / 2, text, ha="center",
                        va="center_baseline", fontsize=self.size, family=FONT,
                        weight="bold", parse_math=False)
            top += rh
        y0 = top + pt * rh  # the top of the input's own cells
        if self.indexed:
            for j in range(n_c):
                label(x0 + self.col_x(j) + cw[j] / 2, top - 0.03, str(j), "center", "bottom")
            for i in range(n_r):
                label(x0 - pl * edge - 0.06, y0 + (i + 0.5) * rh, str(i), "right",
                      "center_baseline")
        for i in range(-pt, n_r + pb):  # the padding, dashed and empty
            for j in range(-pl, n_c + pr):
                if not (0 <= i < n_r and 0 <= j < n_c):
                    ax.add_artist(Rectangle((x0 + self.col_x(j), y0 + i * rh), edge, rh,
                                           fill=False, edgecolor="0.55", lw=0.6,
                                           linestyle=(0, (2, 2))))
        if self.window is not None:
            r0, c0, r1, c1 = self.window
            left, right = x0 + self.col_x(c0), x0 + self.col_x(c1)
            ax.add_artist(Rectangle((left, y0 + r0 * rh), right - left, (r1 - r0) * rh,
                                   facecolor="0.87", edgecolor="none"))
        for i, row in enumerate(self.cells):
            for j, text in enumerate(row):
                cx = x0 + self.col_x(j)
                ax.add_artist(Rectangle((cx, y0 + i * rh), cw[j], rh, fill=False,
                                       edgecolor=GREY, lw=0.6))
                ax.text(cx + cw[j] / 2, y0 + (i + 0.5) * rh, text, ha="center",
                        va="center_baseline", fontsize=self.size, family=FONT,
                        parse_math=False)
        if self.window is not None:
            ax.add_artist(Rectangle((left, y0 + r0 * rh), right - left, (r1 - r0) * rh,
                                   fill=False, edgecolor="black", lw=2.4))


@dataclass
class TableRows:
    """Tables side by side in rows, ``gap`` inches apart
    (:meth:`convviz.draw.column_layout.Layout.side_by_side` fills the rows)."""

    rows: list[list[Table]]
    gap: float = 0.35

    @property
    def height(self) -> float:
        return sum(max(p.height for p in row) for row in self.rows) + GAP * (len(self.rows) - 1)

    def draw(self, ax: Any, x: float, y: float) -> None:
        for row in self.rows:
            cx = x
            for p in row:
                p.draw(ax, cx, y)
                cx += p.width + self.gap
            y += max(p.height for p in row) + GAP


@dataclass
class AnswerLine:
    """"Answer:" in bold and a line to write on, with ``hint`` in small grey after it
    (e.g. "a whole number"; nothing when empty)."""

    hint: str

    @property
    def height(self) -> float:
        return 0.36

    def draw(self, ax: Any, x: float, y: float) -> None:
        base = y + 0.26
        ax.text(x, base, "Answer:", va="baseline", ha="left", fontsize=TEXT_PT, family=FONT,
                weight="bold", parse_math=False, clip_on=False)
        ax.plot([x + 0.85, x + 3.6], [base + 0.03, base + 0.03], color="black", lw=0.8,
                clip_on=False)
        if self.hint:
            ax.text(x + 3.75, base, f"({self.hint})", va="baseline", ha="left",
                    fontsize=SMALL_PT, family=FONT, color=GREY, parse_math=False,
                    clip_on=False)


@dataclass
class NameDateLine:
    """"Name:" and "Date:", each with a line to write on (7 inches wide in all)."""

    @property
    def height(self) -> float:
        return 0.4

    def draw(self, ax: Any, x: float, y: float) -> None:
        base = y + 0.3
        for label, x0, x1 in (("Name:", x, x + 4.4), ("Date:", x + 4.8, x + 7.0)):
            ax.text(x0, base, label, va="baseline", ha="left", fontsize=TEXT_PT,
                    family=FONT, parse_math=False, clip_on=False)
            ax.plot([x0 + 0.6, x1], [base + 0.03, base + 0.03], color="black", lw=0.8,
                    clip_on=False)


@dataclass
class Space:
    """Empty room, ``height`` inches."""

    height: float

    def draw(self, ax: Any, x: float, y: float) -> None:
        return None


def with_gaps(items: Sequence[Item], gap: float = GAP) -> list[Item]:
    """``items`` with a :class:`Space` of ``gap`` inches between each two.

    Examples
    --------
    >>> [type(it).__name__ for it in with_gaps([TextLines(["a"]), TextLines(["b"])])]
    ['TextLines', 'Space', 'TextLines']
    """
    out: list[Item] = []
    for it in items:
        if out:
            out.append(Space(gap))
        out.append(it)
    return out
