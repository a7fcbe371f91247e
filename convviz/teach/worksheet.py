"""Printable worksheets: a seeded set of questions as an A4 PDF, and its answer key.

:func:`worksheet_pdfs` asks :func:`convviz.teach.question_bank.questions` for ``n``
questions on the chosen topics (the same seed gives the same questions) and lays them out
on A4 portrait pages (8.27 x 11.69 in): the sheet has a title, the version (a letter from
the seed, :func:`version_name`), name and date lines, and the problems numbered, each with
its prompt as plain text (:mod:`convviz.teach.plain_markdown`), its grids drawn as tables
of numbers (the input with the window outlined, the kernel) and an answer line. The key
has the same numbers, each problem's answer, its working, and the wrong answers the
question recognises with the mistake that makes each.

Every line of text is measured before it is placed and wrapped to the page's width; a
problem moves to the next page when it does not fit below the last one, so nothing runs
over a margin. The pages are matplotlib figures (object-oriented API, no pyplot) written
with ``PdfPages``, TrueType fonts embedded as text (``pdf.fonttype`` 42: a reader can
search and copy it) and no creation date, so the same seed gives byte-identical files.
Matplotlib is not thread-safe: the pages are drawn under
:data:`convviz.draw.plot_lock.PLOT_LOCK`.

Examples
--------
>>> sheet, key = worksheet_pdfs(["output-size"], 2, seed=0)
>>> sheet[:5], key[:5]
(b'%PDF-', b'%PDF-')
>>> version_name(0), version_name(1), version_name(26)
('A', 'B', 'AA')
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convviz.base.budget import Cost
from convviz.draw.plot_lock import PLOT_LOCK
from convviz.teach.plain_markdown import Block, markdown_blocks
from convviz.teach.question_bank import check_topics
from convviz.teach.question_bank import questions as make_questions
from convviz.teach.questions import Question, format_answer

__all__ = ["DRAWN_GRIDS", "MAX_QUESTIONS", "PAGE_SIZE", "check_request", "questions_pdf",
           "version_name", "worksheet_cost", "worksheet_pages", "worksheet_pdfs"]

PAGE_SIZE = (8.27, 11.69)  #: A4 portrait, inches
MAX_QUESTIONS = 40  #: the most problems one worksheet holds (some 15 pages, and the key)

_MARGIN = 0.6  # inches on every side
_NUMBER_COL = 0.4  # the problem number's column
_TEXT_PT = 11.0  # body text: comfortable on paper
_SMALL_PT = 9.0  # page headers, hints, row and column numbers
_CAPTION_PT = 10.0  # a grid's title
_CAPTION_WIDTH = 3.4  # inches: a longer line before a table is a paragraph, not its title
_GRID_PT = 11.0  # the numbers in a grid's cells
_TITLE_PT = 18.0
_LEAD = 1.4  # line height over font size
_GAP = 0.1  # between the items of a problem
_PROBLEM_GAP = 0.3  # between problems
_WORKING_SPACE = 0.45  # room to work above the answer line
_FONT = "DejaVu Sans"  # shipped with matplotlib: the same glyphs on every machine
_MONO = "DejaVu Sans Mono"
_GREY = "0.35"


def version_name(seed: int) -> str:
    """The letters a sheet is known by: seed 0 is version A, 1 is B, 25 is Z, 26 is AA.

    Examples
    --------
    >>> [version_name(s) for s in (0, 3, 25, 26, 27, 701, 702)]
    ['A', 'D', 'Z', 'AA', 'AB', 'ZZ', 'AAA']
    """
    _check_seed(seed)
    letters = ""
    k = seed + 1
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(ord("A") + r) + letters
    return letters


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be an integer >= 0, got {seed!r}")


def check_request(topics: str | Sequence[str], n: int, seed: int) -> list[str]:
    """Check a worksheet's settings; return the topics as a list.

    Parameters
    ----------
    topics : str or sequence of str
        Keys of :data:`convviz.teach.question_bank.TOPICS`, as a list or one
        comma-separated string (``"output-size,convolution"``).
    n : int
        How many problems, 1 to :data:`MAX_QUESTIONS`.
    seed : int
        0 or more: the version.

    Raises
    ------
    TypeError, ValueError
        Naming the argument, the value and what is valid (an unknown topic: every valid
        one).

    Examples
    --------
    >>> check_request("output-size, pooling", 8, 3)
    ['output-size', 'pooling']
    >>> check_request(["pooling"], 41, 0)
    Traceback (most recent call last):
    ...
    ValueError: `n` must be an integer from 1 to 40, got 41
    """
    names = check_topics(topics)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_QUESTIONS:
        raise ValueError(f"`n` must be an integer from 1 to {MAX_QUESTIONS}, got {n!r}")
    _check_seed(seed)
    return names


def worksheet_cost(n: int) -> Cost:
    """What one worksheet (sheet and key) costs, before any work.

    Measured on this project's 2-core machine while others worked on it: about 0.15 s per
    problem (both files; 40 problems, 27 pages, took 6 s) and under 10 kB of PDF per page
    after the fonts, which each file embeds once.

    Examples
    --------
    >>> worksheet_cost(40).fits
    True
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_QUESTIONS:
        raise ValueError(f"`n` must be an integer from 1 to {MAX_QUESTIONS}, got {n!r}")
    pages = 2 * (1 + n // 3)  # the sheet and the key, three problems or more a page
    return Cost("the worksheet", pages, 0, 40 * 2**20, 60_000 + 10_000 * pages,
                0.5 + 0.15 * n)


# ---------------------------------------------------------------------------------------
# measuring


class _Measure:
    """Text widths in inches, as matplotlib's Agg renderer lays the text out."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg

        self._renderer = RendererAgg(8, 8, 72)  # at 72 dpi a pixel is a point
        self._cache: dict[tuple[str, float, str, str], float] = {}

    def width(self, text: str, size: float, family: str = _FONT,
              weight: str = "normal") -> float:
        from matplotlib.font_manager import FontProperties

        key = (text, size, family, weight)
        if key not in self._cache:
            prop = FontProperties(family=family, size=size, weight=weight)
            w, _, _ = self._renderer.get_text_width_height_descent(text, prop, ismath=False)
            self._cache[key] = w / 72 * 1.02  # a little room for the PDF's own metrics
        return self._cache[key]

    def wrap(self, text: str, width: float, size: float, family: str = _FONT,
             weight: str = "normal", indent: str = "") -> list[str]:
        """Greedy word wrap to ``width`` inches; a word wider than the line is cut."""
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


def _line_height(size: float) -> float:
    return size * _LEAD / 72


# ---------------------------------------------------------------------------------------
# what a page holds: items of a known height, drawn at (x, y) from the page's top left


@dataclass
class _Text:
    lines: list[str]
    size: float = _TEXT_PT
    family: str = _FONT
    weight: str = "normal"
    color: str = "black"

    @property
    def height(self) -> float:
        return len(self.lines) * _line_height(self.size)

    def split(self, room: float) -> tuple[_Text, _Text] | None:
        k = int(room // _line_height(self.size))
        if k < 1 or k >= len(self.lines):
            return None
        return (_Text(self.lines[:k], self.size, self.family, self.weight, self.color),
                _Text(self.lines[k:], self.size, self.family, self.weight, self.color))

    def draw(self, ax: Any, x: float, y: float) -> None:
        lh = _line_height(self.size)
        for i, line in enumerate(self.lines):
            if line.strip():
                ax.text(x, y + i * lh + (lh - self.size / 72) / 2, line, va="top", ha="left",
                        fontsize=self.size, family=self.family, weight=self.weight,
                        color=self.color, parse_math=False, clip_on=False)


@dataclass
class _Panel:
    """One table of numbers (or words): a title above, cells, the padding dashed around
    them, a window outlined, row and column numbers outside when ``indexed``."""

    title: list[str]  # lines, wrapped
    cells: list[list[str]]
    col_widths: list[float]
    header: list[str] = field(default_factory=list)  # a bold first row (a table of words)
    window: tuple[int, int, int, int] | None = None  # r0, c0, r1, c1 (ends excluded)
    pad: tuple[int, int, int, int] = (0, 0, 0, 0)  # padding cells: top, left, bottom, right
    indexed: bool = False
    row_height: float = 0.3
    size: float = _GRID_PT
    title_width: float = 0.0

    @property
    def edge(self) -> float:  # a padding cell's width
        return max(self.col_widths) if self.col_widths else 0.0

    @property
    def label_width(self) -> float:
        return 0.12 + 0.08 * len(str(len(self.cells) - 1)) if self.indexed else 0.0

    @property
    def label_height(self) -> float:
        return _line_height(_SMALL_PT) if self.indexed else 0.0

    @property
    def title_height(self) -> float:
        return len(self.title) * _line_height(_CAPTION_PT)

    @property
    def grid_width(self) -> float:
        return self.label_width + sum(self.col_widths) + (self.pad[1] + self.pad[3]) * self.edge

    @property
    def width(self) -> float:
        return max(self.grid_width, self.title_width)

    @property
    def height(self) -> float:
        n = len(self.cells) + (1 if self.header else 0) + self.pad[0] + self.pad[2]
        return self.title_height + self.label_height + n * self.row_height

    def _col_x(self, c: int) -> float:
        """The left of column ``c`` from the left of column 0 (padding columns are
        :attr:`edge` wide)."""
        cw = self.col_widths
        if c <= 0:
            return c * self.edge
        if c >= len(cw):
            return sum(cw) + (c - len(cw)) * self.edge
        return sum(cw[:c])

    def draw(self, ax: Any, x: float, y: float) -> None:
        from matplotlib.patches import Rectangle

        def label(tx: float, ty: float, text: str, ha: str, va: str) -> None:
            ax.text(tx, ty, text, ha=ha, va=va, fontsize=_SMALL_PT, family=_FONT,
                    color=_GREY, parse_math=False, clip_on=False)

        lh = _line_height(_CAPTION_PT)
        for i, line in enumerate(self.title):
            ax.text(x, y + i * lh + (lh - _CAPTION_PT / 72) / 2, line, ha="left", va="top",
                    fontsize=_CAPTION_PT, family=_FONT, parse_math=False, clip_on=False)
        rh, cw, edge = self.row_height, self.col_widths, self.edge
        pt, pl, pb, pr = self.pad
        n_r, n_c = len(self.cells), len(cw)
        x0 = x + self.label_width + pl * edge  # the left of the input's own cells
        top = y + self.title_height + self.label_height
        if self.header:
            for j, text in enumerate(self.header):
                cx = x0 + self._col_x(j)
                ax.add_artist(Rectangle((cx, top), cw[j], rh, facecolor="0.9",
                                       edgecolor=_GREY, lw=0.6))
                ax.text(cx + cw[j] / 2, top + rh / 2, text, ha="center",
                        va="center_baseline", fontsize=self.size, family=_FONT,
                        weight="bold", parse_math=False)
            top += rh
        y0 = top + pt * rh  # the top of the input's own cells
        if self.indexed:
            for j in range(n_c):
                label(x0 + self._col_x(j) + cw[j] / 2, top - 0.03, str(j), "center", "bottom")
            for i in range(n_r):
                label(x0 - pl * edge - 0.06, y0 + (i + 0.5) * rh, str(i), "right",
                      "center_baseline")
        for i in range(-pt, n_r + pb):  # the padding, dashed and empty
            for j in range(-pl, n_c + pr):
                if not (0 <= i < n_r and 0 <= j < n_c):
                    ax.add_artist(Rectangle((x0 + self._col_x(j), y0 + i * rh), edge, rh,
                                           fill=False, edgecolor="0.55", lw=0.6,
                                           linestyle=(0, (2, 2))))
        if self.window is not None:
            r0, c0, r1, c1 = self.window
            left, right = x0 + self._col_x(c0), x0 + self._col_x(c1)
            ax.add_artist(Rectangle((left, y0 + r0 * rh), right - left, (r1 - r0) * rh,
                                   facecolor="0.87", edgecolor="none"))
        for i, row in enumerate(self.cells):
            for j, text in enumerate(row):
                cx = x0 + self._col_x(j)
                ax.add_artist(Rectangle((cx, y0 + i * rh), cw[j], rh, fill=False,
                                       edgecolor=_GREY, lw=0.6))
                ax.text(cx + cw[j] / 2, y0 + (i + 0.5) * rh, text, ha="center",
                        va="center_baseline", fontsize=self.size, family=_FONT,
                        parse_math=False)
        if self.window is not None:
            ax.add_artist(Rectangle((left, y0 + r0 * rh), right - left, (r1 - r0) * rh,
                                   fill=False, edgecolor="black", lw=2.4))


@dataclass
class _Panels:
    """Tables side by side, wrapping to a new row when the line is full."""

    rows: list[list[_Panel]]
    gap: float = 0.35

    @property
    def height(self) -> float:
        return sum(max(p.height for p in row) for row in self.rows) + _GAP * (len(self.rows) - 1)

    def draw(self, ax: Any, x: float, y: float) -> None:
        for row in self.rows:
            cx = x
            for p in row:
                p.draw(ax, cx, y)
                cx += p.width + self.gap
            y += max(p.height for p in row) + _GAP


@dataclass
class _AnswerLine:
    hint: str

    @property
    def height(self) -> float:
        return 0.36

    def draw(self, ax: Any, x: float, y: float) -> None:
        base = y + 0.26
        ax.text(x, base, "Answer:", va="baseline", ha="left", fontsize=_TEXT_PT, family=_FONT,
                weight="bold", parse_math=False, clip_on=False)
        ax.plot([x + 0.85, x + 3.6], [base + 0.03, base + 0.03], color="black", lw=0.8,
                clip_on=False)
        if self.hint:
            ax.text(x + 3.75, base, f"({self.hint})", va="baseline", ha="left",
                    fontsize=_SMALL_PT, family=_FONT, color=_GREY, parse_math=False,
                    clip_on=False)


@dataclass
class _Space:
    height: float

    def draw(self, ax: Any, x: float, y: float) -> None:
        return None


# ---------------------------------------------------------------------------------------
# a question as items


def _number_text(v: float) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.4g}"


def _numbers(rows: Sequence[Sequence[str]]) -> np.ndarray | None:
    """Rows of cells as a 2-D array of numbers, or None when a cell is not a number or the
    rows differ in length."""
    try:
        values = [[float(c.replace("−", "-")) for c in row] for row in rows]
    except ValueError:
        return None
    if not values or not values[0] or any(len(r) != len(values[0]) for r in values):
        return None
    return np.array(values)


def _table_numbers(b: Block) -> tuple[np.ndarray | None, bool]:
    """A table of numbers as an array, and whether it was numbered: a header of column
    numbers ``| | 0 | 1 |`` and each row starting with its number (as
    :func:`convviz.teach.predict_grid.grid_table` writes a grid)."""
    n = len(b.header)
    if (n > 1 and b.header[0] == "" and b.header[1:] == tuple(str(j) for j in range(n - 1))
            and all(len(r) == n and r[0] == str(i) for i, r in enumerate(b.rows))):
        return _numbers([r[1:] for r in b.rows]), True
    return (None if b.header else _numbers(b.rows)), False


_ROW_NUMBERS = re.compile(r"^[\s\[\](),;]*-?\d+(?:\.\d+)?(?:[\s,;\[\]()]+-?\d+(?:\.\d+)?)*"
                          r"[\s\[\](),;]*$")


def _code_numbers(lines: Sequence[str]) -> np.ndarray | None:
    """A code block that is only rows of numbers (``1 2 3`` or ``[1, 2, 3]``), as numbers."""
    rows = [line for line in lines if line.strip()]
    if not rows or not all(_ROW_NUMBERS.match(line) for line in rows):
        return None
    return _numbers([re.findall(r"-?\d+(?:\.\d+)?", line) for line in rows])


#: The ``Question.grids`` entries drawn as grids (the rest, such as "window", "pads" and
#: "cell", describe them).
DRAWN_GRIDS = ("input", "kernel")


@dataclass
class _Grid:
    """One 2-D slice of a question's grid, to draw: its numbers, its name, what the
    drawing marks (``notes``), the window (input coordinates, ends excluded) and the
    padding around it (top, left, bottom, right)."""

    name: str
    values: np.ndarray
    window: tuple[int, int, int, int] | None = None
    pad: tuple[int, int, int, int] = (0, 0, 0, 0)
    notes: str = ""

    def title(self, caption: str | None = None) -> str:
        """``caption`` (the prompt's words for this grid, or the name) and the notes."""
        head = self.name if caption is None else caption
        if not self.notes:
            return head
        return f"{head}: {self.notes}" if head else self.notes


def _question_grids(q: Question) -> list[_Grid]:
    """The question's input and kernel as 2-D grids (an (H, W, C) array gives one grid per
    channel, numbered from 0 as the prompt numbers them); the input carries the window and
    the padding ring."""
    out: list[_Grid] = []
    window = q.grids.get("window")
    win = (tuple(int(v) for v in window)
           if isinstance(window, list | tuple) and len(window) == 4 else None)
    pads = q.grids.get("pads")
    for name in DRAWN_GRIDS:
        if name not in q.grids:
            continue
        try:
            a = np.asarray(q.grids[name], dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if a.ndim not in (2, 3) or not a.size:
            continue
        w = win if name == "input" else None
        pad = (0, 0, 0, 0)
        if name == "input":
            try:
                (top, bottom), (left, right) = pads
                pad = (int(top), int(left), int(bottom), int(right))
            except (TypeError, ValueError):
                pass
            if w is not None:  # the padding reaches at least as far as the window
                h_, w_ = a.shape[:2]
                pad = (max(pad[0], -w[0]), max(pad[1], -w[1]), max(pad[2], w[2] - h_),
                       max(pad[3], w[3] - w_))
        notes = ", ".join(n for n, on in (("padding dashed", any(pad)),
                                          ("window outlined", w is not None)) if on)
        if a.ndim == 2:
            out.append(_Grid(name, a, w, pad, notes))
        else:
            out += [_Grid(f"{name}, channel {c}", a[:, :, c], w, pad, notes)
                    for c in range(a.shape[2])]
    return out


class _Builder:
    """Turns Markdown blocks and grids into items that fit ``width`` inches."""

    def __init__(self, measure: _Measure, width: float) -> None:
        self.m = measure
        self.width = width

    def text(self, text: str, *, size: float = _TEXT_PT, weight: str = "normal",
             family: str = _FONT, color: str = "black", indent: str = "") -> _Text:
        lines: list[str] = []
        for hard in text.split("\n"):
            lines += self.m.wrap(hard, self.width, size, family, weight, indent)
        return _Text(lines, size, family, weight, color)

    def panel(self, title: str, cells: list[list[str]], *, header: Sequence[str] = (),
              square: bool = False, indexed: bool = False,
              window: tuple[int, int, int, int] | None = None,
              pad: tuple[int, int, int, int] = (0, 0, 0, 0)) -> _Panel:
        n_c = max([len(header)] + [len(r) for r in cells])
        cells = [list(r) + [""] * (n_c - len(r)) for r in cells]
        head = list(header) + [""] * (n_c - len(header)) if header else []
        size = _GRID_PT
        while True:  # a wide table: smaller numbers, never past the margin
            widths = [max([self.m.width(r[j], size) for r in cells]
                          + ([self.m.width(head[j], size, weight="bold")] if head else [])
                          ) + 0.16 for j in range(n_c)]
            if square:
                widths = [max(*widths, 0.34 * size / _GRID_PT)] * n_c
            p = _Panel([], cells, widths, head, window, pad, indexed,
                       0.3 * size / _GRID_PT, size)
            if p.grid_width <= self.width or size <= 7:
                break
            size -= 0.5
        if title:  # wrapped to the grid's width, or a little wider for a narrow grid
            room = min(self.width, max(p.grid_width, _CAPTION_WIDTH))
            p.title = self.m.wrap(title, room, _CAPTION_PT)
            p.title_width = max(self.m.width(t, _CAPTION_PT) for t in p.title)
        return p

    def grid(self, g: _Grid, *, indexed: bool = True, caption: str | None = None) -> _Panel:
        cells = [[_number_text(v) for v in row] for row in g.values]
        window = g.window
        if window is not None and not (window[2] > window[0] and window[3] > window[1]):
            window = None
        return self.panel(g.title(caption), cells, square=True, indexed=indexed,
                          window=window, pad=g.pad)

    def panels(self, panels: list[_Panel]) -> _Panels:
        rows: list[list[_Panel]] = [[]]
        used = 0.0
        gap = _Panels([]).gap
        for p in panels:
            if rows[-1] and used + gap + p.width > self.width:
                rows.append([])
                used = 0.0
            used += (gap if rows[-1] else 0.0) + p.width
            rows[-1].append(p)
        return _Panels(rows, gap)

    def markdown(self, text: str, grids: Sequence[_Grid] = ()) -> list[Any]:
        """Items for ``text``. A table or code block of numbers equal to one of ``grids``
        is drawn as that grid (its window and padding) and used up; the grids left over
        are drawn after the text. A short one-line paragraph ending in ":" just before a
        table is the table's title, and tables in a row are drawn side by side."""
        items: list[Any] = []
        pending: list[_Panel] = []
        left = list(grids)

        def flush() -> None:
            if pending:
                items.append(self.panels(list(pending)))
                pending.clear()

        def match(values: np.ndarray | None) -> _Grid | None:
            for g in left:
                if values is not None and g.values.shape == values.shape \
                        and np.allclose(g.values, values):
                    left.remove(g)
                    return g
            return None

        blocks = markdown_blocks(text)
        caption: str | None = None  # a one-line paragraph ending in ":" before a table
        for i, b in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if (b.kind == "paragraph" and len(b.lines) == 1 and b.lines[0].endswith(":")
                    and self.m.width(b.lines[0], _CAPTION_PT) <= _CAPTION_WIDTH
                    and nxt is not None and (nxt.kind == "table" or (
                        nxt.kind == "code" and _code_numbers(nxt.lines) is not None))):
                caption = b.lines[0].removesuffix(":")
                continue
            if b.kind == "table":
                values, indexed = _table_numbers(b)
                g = match(values)
                if g is None and values is not None:
                    g = _Grid("", values)
                if g is not None:
                    pending.append(self.grid(g, indexed=indexed, caption=caption))
                else:
                    pending.append(self.panel(caption or "", [list(r) for r in b.rows],
                                              header=b.header))
                caption = None
                continue
            if b.kind == "code":
                values = _code_numbers(b.lines)
                if values is not None:
                    pending.append(self.grid(match(values) or _Grid("", values),
                                             indexed=False, caption=caption))
                    caption = None
                    continue
            flush()
            items.extend(self._block(b))
        flush()
        if left:  # grids the text does not write out
            items.append(self.panels([self.grid(g) for g in left]))
        return items

    def _block(self, b: Block) -> list[Any]:
        if b.kind == "heading":
            return [self.text(b.lines[0], weight="bold")]
        if b.kind == "code":
            return [self.text("\n".join(b.lines), size=_TEXT_PT - 1, family=_MONO,
                              indent="    ")]
        if b.kind == "bullet":
            marker = b.lines[0].split(" ", 1)[0]
            return [self.text(b.lines[0], indent=" " * (len(marker) + 2))]
        return [self.text("\n".join(b.lines))]


def _with_gaps(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for it in items:
        if out:
            out.append(_Space(_GAP))
        out.append(it)
    return out


def _sheet_problem(b: _Builder, q: Question) -> list[Any]:
    items = _with_gaps(b.markdown(q.prompt, _question_grids(q)))
    return [*items, _Space(_WORKING_SPACE), _AnswerLine(q.answer_hint)]


def _key_problem(b: _Builder, q: Question) -> list[Any]:
    items: list[Any] = [b.text(f"Answer: {q.answer_text()}", weight="bold")]
    items += b.markdown(q.working)
    if q.mistakes:
        wrong = "; ".join(f"{format_answer(m.answer)} ({m.name})" for m in q.mistakes)
        items.append(b.text(f"Wrong answers and the mistake behind each: {wrong}.",
                            size=_TEXT_PT - 1, color=_GREY))
    return _with_gaps(items)


# ---------------------------------------------------------------------------------------
# pages


@dataclass
class _Page:
    placed: list[tuple[Any, float, float]] = field(default_factory=list)  # item, x, y


def _paginate(problems: list[list[Any]], head: list[Any], x_text: float) -> list[_Page]:
    """Place the title items, then each problem below the last, on a new page when it does
    not fit (a problem taller than a page breaks between its items, or inside a text)."""
    w, h = PAGE_SIZE
    top, bottom = _MARGIN + 0.35, h - _MARGIN - 0.3  # room for the header and footer lines
    pages = [_Page()]
    y = top
    for it in head:
        pages[-1].placed.append((it, _MARGIN, y))
        y += it.height
    y += _PROBLEM_GAP
    for k, items in enumerate(problems, start=1):
        total = sum(it.height for it in items)
        if y + total > bottom and pages[-1].placed and y > top:
            pages.append(_Page())
            y = top
        number = _Text([f"{k}."], weight="bold")
        pages[-1].placed.append((number, _MARGIN, y))
        queue = list(items)
        while queue:
            it = queue.pop(0)
            if y + it.height <= bottom + 1e-9:
                pages[-1].placed.append((it, x_text, y))
                y += it.height
                continue
            parts = it.split(bottom - y) if isinstance(it, _Text) else None
            if parts is not None:
                pages[-1].placed.append((parts[0], x_text, y))
                queue.insert(0, parts[1])
            elif y == top:  # taller than an empty page: cannot be placed
                raise ValueError(f"problem {k} holds an item taller than a page "
                                 f"({it.height:.1f} in)")
            else:
                queue.insert(0, it)
            pages.append(_Page())
            y = top
        y += _PROBLEM_GAP
    return pages


def _head(b: _Builder, title: str, subtitle: str, key: bool) -> list[Any]:
    head = b.text("Answer key" if key else title, size=_TITLE_PT, weight="bold")
    items: list[Any] = [head, _Space(0.05), b.text(f"{title}, {subtitle}" if key else subtitle)]
    if not key:
        items += [_Space(0.15), _NameLine(), _Space(0.1),
                  b.text("Write each answer on its line; work in the space above it.",
                         color=_GREY)]
    else:
        items += [_Space(0.1),
                  b.text("Each problem's answer and its working; under them, the wrong "
                         "answers that a named mistake gives, with the mistake.",
                         color=_GREY)]
    return items


@dataclass
class _NameLine:
    @property
    def height(self) -> float:
        return 0.4

    def draw(self, ax: Any, x: float, y: float) -> None:
        base = y + 0.3
        for label, x0, x1 in (("Name:", x, x + 4.4), ("Date:", x + 4.8, x + 7.0)):
            ax.text(x0, base, label, va="baseline", ha="left", fontsize=_TEXT_PT,
                    family=_FONT, parse_math=False, clip_on=False)
            ax.plot([x0 + 0.6, x1], [base + 0.03, base + 0.03], color="black", lw=0.8,
                    clip_on=False)


def worksheet_pages(questions: Sequence[Question], *, title: str, version: str,
                    key: bool = False) -> list[Any]:
    """The pages of a sheet (or of its key) as matplotlib Figures, A4 portrait.

    Call it while holding :data:`convviz.draw.plot_lock.PLOT_LOCK` (matplotlib is not
    thread-safe), and draw or save the figures before releasing it.

    Parameters
    ----------
    questions : sequence of Question
        The problems, numbered from 1 in this order.
    title : str
        The first page's title line, e.g. ``"Worksheet: output size, pooling"``.
    version : str
        Printed under the title and on every page's header, e.g. ``"Version D (seed 3)"``.
    key : bool
        False: the sheet (prompts, grids, answer lines); True: the answer key (answers,
        working, the wrong answers each question recognises).

    Returns
    -------
    list of matplotlib.figure.Figure
        One per page, 8.27 x 11.69 in.

    Examples
    --------
    >>> from convviz.draw.plot_lock import PLOT_LOCK
    >>> q = Question("output-size", "output_size", "A 7 x 7 input, a 3 x 3 kernel: the "
    ...              "output's side?", (5.0,), "(7 - 3) / 1 + 1 = 5")
    >>> with PLOT_LOCK:
    ...     pages = worksheet_pages([q], title="Worksheet", version="Version A")
    ...     png = io.BytesIO()
    ...     pages[0].savefig(png, format="png", dpi=30)
    >>> len(pages), pages[0].get_size_inches().tolist()
    (1, [8.27, 11.69])
    """
    from matplotlib.figure import Figure

    if not isinstance(questions, Sequence) or not all(isinstance(q, Question)
                                                        for q in questions):
        raise TypeError("`questions` must be a sequence of Question")
    if not questions:
        raise ValueError("`questions` must hold at least one Question, got none")
    w, h = PAGE_SIZE
    x_text = _MARGIN + _NUMBER_COL
    b = _Builder(_Measure(), w - _MARGIN - x_text)
    head_builder = _Builder(b.m, w - 2 * _MARGIN)
    kind = "Answer key" if key else "Worksheet"
    head = _head(head_builder, title, version, key)
    problems = [(_key_problem if key else _sheet_problem)(b, q) for q in questions]
    pages = _paginate(problems, head, x_text)
    figures = []
    for i, page in enumerate(pages, start=1):
        fig = Figure(figsize=PAGE_SIZE, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)  # inches from the page's top left
        ax.axis("off")
        for it, x, y in page.placed:
            it.draw(ax, x, y)
        ax.text(_MARGIN, _MARGIN, f"convviz · {kind} · {version}", va="top", ha="left",
                fontsize=_SMALL_PT, family=_FONT, color=_GREY, parse_math=False)
        ax.text(w - _MARGIN, h - _MARGIN, f"page {i} of {len(pages)}", va="bottom",
                ha="right", fontsize=_SMALL_PT, family=_FONT, color=_GREY, parse_math=False)
        figures.append(fig)
    return figures


def questions_pdf(questions: Sequence[Question], *, title: str, version: str,
                  key: bool = False) -> bytes:
    """The sheet (or its answer key) for these questions, as an A4 PDF.

    Draws :func:`worksheet_pages` under :data:`~convviz.draw.plot_lock.PLOT_LOCK` and
    writes them with ``PdfPages``: TrueType fonts embedded with their text (``pdf.fonttype``
    42) and no creation date, so the same questions give the same bytes.

    Parameters
    ----------
    questions : sequence of Question
    title, version, key
        As in :func:`worksheet_pages`.

    Returns
    -------
    bytes
        The PDF.

    Examples
    --------
    >>> q = Question("output-size", "output_size", "A **7 x 7** input, a 3 x 3 kernel: "
    ...              "the output's side?", (5.0,), "(7 - 3) / 1 + 1 = 5")
    >>> questions_pdf([q], title="Worksheet", version="Version A")[:5]
    b'%PDF-'
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    if not isinstance(title, str) or not isinstance(version, str):
        raise TypeError("`title` and `version` must be str")
    buf = io.BytesIO()
    # no creation date: the same worksheet gives the same bytes
    meta = {"Title": f"{title}, {version}" + (": answer key" if key else ""),
            "Creator": "convviz", "CreationDate": None}
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42, "font.family": _FONT}):
        figures = worksheet_pages(questions, title=title, version=version, key=key)
        with PdfPages(buf, metadata=meta) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return buf.getvalue()


def worksheet_pdfs(topics: str | Sequence[str], n: int, seed: int) -> tuple[bytes, bytes]:
    """A printable worksheet and its answer key, as two A4 PDFs.

    Parameters
    ----------
    topics : str or sequence of str
        Keys of :data:`convviz.teach.question_bank.TOPICS` (``"output-size"``,
        ``"convolution"``, ``"pooling"``, ...), a list or one comma-separated string; the
        problems cycle through them in this order.
    n : int
        How many problems, 1 to :data:`MAX_QUESTIONS`.
    seed : int
        0 or more. The same seed gives byte-identical files; another seed another version
        (seed 0 is version A, 1 is B: :func:`version_name`).

    Returns
    -------
    (bytes, bytes)
        The sheet and the answer key, each a PDF.

    Raises
    ------
    ValueError
        A bad ``topics``, ``n`` or ``seed``, named in the message with what is valid.

    Examples
    --------
    >>> sheet, key = worksheet_pdfs("pooling", 1, seed=5)
    >>> sheet.startswith(b"%PDF-") and sheet != key
    True
    """
    names = check_request(topics, n, seed)
    qs = make_questions(names, int(n), int(seed))
    shown = ", ".join(dict.fromkeys(t.replace("-", " ") for t in names))
    title = f"Worksheet: {shown}"
    version = f"Version {version_name(int(seed))} (seed {int(seed)})"
    return (questions_pdf(qs, title=title, version=version),
            questions_pdf(qs, title=title, version=version, key=True))
