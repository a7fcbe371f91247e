"""Printed pages: text, tables of numbers and lines to write on, laid out on A4 and saved as PDF.

A page is built from *items*: anything with a ``height`` in inches and a
``draw(ax, x, y)`` that draws it with its top left at ``(x, y)`` inches from the page's
top left (:class:`TextLines`, :class:`Table`, :class:`TableRows`, :class:`AnswerLine`,
:class:`NameDateLine`, :class:`Space`). A :class:`Layout` makes them for a column of a
given width: it measures every line of text (:class:`TextMeasure`, as matplotlib's Agg
renderer lays text out) and wraps it to the column, and sizes a table's cells to their
numbers, shrinking the numbers of a table too wide for the column. A :class:`Grid` is a
2-D array of numbers with a window outlined and the padding around it drawn dashed.

:func:`paginate` places a page head, then numbered blocks of items one below the other,
each on a new page when it does not fit below the last (a block taller than a page breaks
between its items, or between the lines of a text), so nothing runs over a margin.
:func:`draw_pages` draws the pages as matplotlib Figures (object-oriented API, no pyplot),
A4 portrait (:data:`PAGE_SIZE`), with a header line and "page i of n" on each, and
:func:`pdf_bytes` writes Figures with ``PdfPages`` under
:data:`convviz.draw.plot_lock.PLOT_LOCK` (matplotlib is not thread-safe): TrueType fonts
embedded as text (``pdf.fonttype`` 42: a reader can search and copy it) and no creation
date, so the same pages give byte-identical files.

Examples
--------
>>> import numpy as np
>>> layout = Layout(TextMeasure(), TEXT_WIDTH)
>>> grid = layout.grid(Grid("input", np.arange(9).reshape(3, 3), window=(0, 0, 2, 2)))
>>> pages = paginate([[layout.text("Add the outlined numbers."), grid]],
...                  [layout.text("Exercises", size=TITLE_PT, weight="bold")])
>>> pdf = pdf_bytes(lambda: draw_pages(pages, header="convviz · Exercises"),
...                 title="Exercises")
>>> pdf[:5], len(pages)
(b'%PDF-', 1)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from convviz.draw.plot_lock import PLOT_LOCK

__all__ = ["BLOCK_GAP", "CAPTION_PT", "CAPTION_WIDTH", "FONT", "FULL_WIDTH", "GAP",
           "GREY", "GRID_PT", "MARGIN", "MONO", "NUMBER_COLUMN", "PAGE_SIZE", "SMALL_PT",
           "TEXT_LEFT", "TEXT_PT", "TEXT_WIDTH", "TITLE_PT", "AnswerLine", "Grid", "Item",
           "Layout", "NameDateLine", "Page", "Space", "Table", "TableRows", "TextLines",
           "TextMeasure", "draw_pages", "line_height", "number_text", "paginate",
           "pdf_bytes", "with_gaps"]

PAGE_SIZE = (8.27, 11.69)  #: A4 portrait, inches
MARGIN = 0.6  #: inches on every side
NUMBER_COLUMN = 0.4  #: inches: a numbered block's number, left of its items
TEXT_LEFT = MARGIN + NUMBER_COLUMN  #: inches: the left of a numbered block's items
TEXT_WIDTH = PAGE_SIZE[0] - MARGIN - TEXT_LEFT  #: inches: a numbered block's column
FULL_WIDTH = PAGE_SIZE[0] - 2 * MARGIN  #: inches: the page head's column, margin to margin
TEXT_PT = 11.0  #: body text: comfortable on paper
SMALL_PT = 9.0  #: page headers, hints, row and column numbers
CAPTION_PT = 10.0  #: a table's title
CAPTION_WIDTH = 3.4  #: inches: a longer line before a table is a paragraph, not its title
GRID_PT = 11.0  #: the numbers in a table's cells, before a wide table shrinks them
TITLE_PT = 18.0  #: a page head's title
LEAD = 1.4  # line height over font size
GAP = 0.1  #: inches between the items of a block (and between rows of tables)
BLOCK_GAP = 0.3  #: inches between numbered blocks
FONT = "DejaVu Sans"  #: shipped with matplotlib: the same glyphs on every machine
MONO = "DejaVu Sans Mono"  #: code
GREY = "0.35"  #: secondary text and cell borders


class Item(Protocol):
    """What a page holds: a height in inches, and a drawing at ``(x, y)`` inches from the
    page's top left (the axes of :func:`draw_pages` run in inches, y downwards)."""

    @property
    def height(self) -> float: ...

    def draw(self, ax: Any, x: float, y: float) -> None: ...


def line_height(size: float) -> float:
    """The height of one line of text of ``size`` points, in inches (1.4 times the size).

    Examples
    --------
    >>> round(line_height(10.0), 4)
    0.1944
    """
    return size * LEAD / 72


# ---------------------------------------------------------------------------------------
# measuring


class TextMeasure:
    """Text widths in inches, as matplotlib's Agg renderer lays the text out (cached).

    Examples
    --------
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


# ---------------------------------------------------------------------------------------
# items


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

    Make one with :meth:`Layout.table` or :meth:`Layout.grid`, which size the columns.

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
    """Tables side by side in rows, ``gap`` inches apart (:meth:`Layout.side_by_side`
    fills the rows)."""

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


# ---------------------------------------------------------------------------------------
# grids of numbers


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


# ---------------------------------------------------------------------------------------
# making items for a column


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


# ---------------------------------------------------------------------------------------
# pages


@dataclass
class Page:
    """The items on one page, each with where its top left goes: ``(item, x, y)``,
    inches from the page's top left."""

    placed: list[tuple[Item, float, float]] = field(default_factory=list)


def paginate(problems: Sequence[Sequence[Item]], head: Sequence[Item]) -> list[Page]:
    """Place ``head`` at the top of the first page, then each block below the last,
    numbered from 1.

    The head spans the margins (make it with a :class:`Layout` :data:`FULL_WIDTH` wide);
    a block's items go at :data:`TEXT_LEFT`, with its number (``"1."``) in the column left
    of them (make them :data:`TEXT_WIDTH` wide). A block that does not fit below the last
    starts a new page; one taller than a page breaks between its items, or between the
    lines of a :class:`TextLines`.

    Parameters
    ----------
    problems : sequence of sequence of Item
        The numbered blocks, in order.
    head : sequence of Item
        What the first page starts with (a title, lines to write a name on).

    Returns
    -------
    list of Page

    Raises
    ------
    ValueError
        When an item other than text is taller than a page (nowhere to break it).

    Examples
    --------
    >>> layout = Layout(TextMeasure(), TEXT_WIDTH)
    >>> long = layout.text("\\n".join(f"line {i}" for i in range(60)))
    >>> pages = paginate([[layout.text("First.")], [long]], [])
    >>> len(pages), pages[1].placed[0][0].lines  # block 2 starts page 2, ends on page 3
    (3, ['2.'])
    """
    w, h = PAGE_SIZE
    top, bottom = MARGIN + 0.35, h - MARGIN - 0.3  # room for the header and footer lines
    pages = [Page()]
    y = top
    for it in head:
        pages[-1].placed.append((it, MARGIN, y))
        y += it.height
    y += BLOCK_GAP
    for k, items in enumerate(problems, start=1):
        total = sum(it.height for it in items)
        if y + total > bottom and pages[-1].placed and y > top:
            pages.append(Page())
            y = top
        number = TextLines([f"{k}."], weight="bold")
        pages[-1].placed.append((number, MARGIN, y))
        queue = list(items)
        while queue:
            it = queue.pop(0)
            if y + it.height <= bottom + 1e-9:
                pages[-1].placed.append((it, TEXT_LEFT, y))
                y += it.height
                continue
            parts = it.split(bottom - y) if isinstance(it, TextLines) else None
            if parts is not None:
                pages[-1].placed.append((parts[0], TEXT_LEFT, y))
                queue.insert(0, parts[1])
            elif y == top:  # taller than an empty page: cannot be placed
                raise ValueError(f"problem {k} holds an item taller than a page "
                                 f"({it.height:.1f} in)")
            else:
                queue.insert(0, it)
            pages.append(Page())
            y = top
        y += BLOCK_GAP
    return pages


def draw_pages(pages: Sequence[Page], *, header: str) -> list[Any]:
    """The pages as matplotlib Figures, A4 portrait, ``header`` at the top left of each
    and "page i of n" at the bottom right.

    Call it while holding :data:`convviz.draw.plot_lock.PLOT_LOCK` (matplotlib is not
    thread-safe), and draw or save the figures before releasing it; :func:`pdf_bytes` does.

    Parameters
    ----------
    pages : sequence of Page
        From :func:`paginate`.
    header : str
        E.g. ``"convviz · Worksheet · Version A (seed 0)"``.

    Returns
    -------
    list of matplotlib.figure.Figure
        One per page, 8.27 x 11.69 in; the axes run in inches from the top left.

    Examples
    --------
    >>> with PLOT_LOCK:
    ...     figures = draw_pages([Page(), Page()], header="convviz")
    >>> len(figures), figures[1].get_size_inches().tolist()
    (2, [8.27, 11.69])
    """
    from matplotlib.figure import Figure

    if not isinstance(header, str):
        raise TypeError(f"`header` must be str, got {type(header).__name__}")
    w, h = PAGE_SIZE
    figures = []
    for i, page in enumerate(pages, start=1):
        fig = Figure(figsize=PAGE_SIZE, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)  # inches from the page's top left
        ax.axis("off")
        for it, x, y in page.placed:
            it.draw(ax, x, y)
        ax.text(MARGIN, MARGIN, header, va="top", ha="left",
                fontsize=SMALL_PT, family=FONT, color=GREY, parse_math=False)
        ax.text(w - MARGIN, h - MARGIN, f"page {i} of {len(pages)}", va="bottom",
                ha="right", fontsize=SMALL_PT, family=FONT, color=GREY, parse_math=False)
        figures.append(fig)
    return figures


def pdf_bytes(make_figures: Callable[[], Sequence[Any]], *, title: str) -> bytes:
    """Call ``make_figures`` and write the Figures it returns as one PDF.

    The Figures are made and written under :data:`~convviz.draw.plot_lock.PLOT_LOCK`, with
    TrueType fonts embedded with their text (``pdf.fonttype`` 42), :data:`FONT` as the
    default family and no creation date in the metadata, so the same pages give the same
    bytes.

    Parameters
    ----------
    make_figures : callable
        Takes nothing, returns the matplotlib Figures in page order (e.g. a call of
        :func:`draw_pages`); it runs while the lock is held.
    title : str
        The PDF's Title metadata.

    Returns
    -------
    bytes
        The PDF.

    Examples
    --------
    >>> pdf = pdf_bytes(lambda: draw_pages([Page()], header="convviz"), title="Blank")
    >>> pdf[:5], b"CreationDate" in pdf
    (b'%PDF-', False)
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    if not callable(make_figures):
        raise TypeError(f"`make_figures` must be callable, got {type(make_figures).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"`title` must be str, got {type(title).__name__}")
    buf = io.BytesIO()
    # no creation date: the same pages give the same bytes
    meta = {"Title": title, "Creator": "convviz", "CreationDate": None}
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42, "font.family": FONT}):
        figures = make_figures()
        with PdfPages(buf, metadata=meta) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return buf.getvalue()
