"""Printed pages: page items placed on A4 pages, and the pages drawn.

:func:`paginate` places a page head, then numbered blocks of items
(:mod:`convviz.draw.page_items`, made to fit a column by
:class:`convviz.draw.column_layout.Layout`) one below the other, each on a new page when
it does not fit below the last (a block taller than a page breaks between its items, or
between the lines of a text), so nothing runs over a margin. The page's geometry lives
here: A4 portrait (:data:`PAGE_SIZE`), its margins, and the columns a page head
(:data:`FULL_WIDTH`) and a numbered block's items (:data:`TEXT_WIDTH`) are made for.
:func:`draw_pages` draws the pages as matplotlib Figures (object-oriented API, no pyplot),
with a header line and "page i of n" on each;
:func:`convviz.draw.pdf_file.pdf_bytes` writes them as a PDF.

Examples
--------
>>> import numpy as np
>>> from convviz.draw.column_layout import Grid, Layout
>>> from convviz.draw.page_items import TITLE_PT
>>> from convviz.draw.pdf_file import pdf_bytes
>>> from convviz.draw.text_measure import TextMeasure
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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from convviz.draw.page_items import GREY, SMALL_PT, Item, TextLines
from convviz.draw.text_measure import FONT

__all__ = ["BLOCK_GAP", "FULL_WIDTH", "MARGIN", "NUMBER_COLUMN", "PAGE_SIZE", "TEXT_LEFT",
           "TEXT_WIDTH", "Page", "draw_pages", "paginate"]

PAGE_SIZE = (8.27, 11.69)  #: A4 portrait, inches
MARGIN = 0.6  #: inches on every side
NUMBER_COLUMN = 0.4  #: inches: a numbered block's number, left of its items
TEXT_LEFT = MARGIN + NUMBER_COLUMN  #: inches: the left of a numbered block's items
TEXT_WIDTH = PAGE_SIZE[0] - MARGIN - TEXT_LEFT  #: inches: a numbered block's column
FULL_WIDTH = PAGE_SIZE[0] - 2 * MARGIN  #: inches: the page head's column, margin to margin
BLOCK_GAP = 0.3  #: inches between numbered blocks


@dataclass
class Page:
    """The items on one page, each with where its top left goes: ``(item, x, y)``,
    inches from the page's top left."""

    placed: list[tuple[Item, float, float]] = field(default_factory=list)


def paginate(problems: Sequence[Sequence[Item]], head: Sequence[Item]) -> list[Page]:
    """Place ``head`` at the top of the first page, then each block below the last,
    numbered from 1.

    The head spans the margins (make it with a
    :class:`~convviz.draw.column_layout.Layout` :data:`FULL_WIDTH` wide);
    a block's items go at :data:`TEXT_LEFT`, with its number (``"1."``) in the column left
    of them (make them :data:`TEXT_WIDTH` wide). A block that does not fit below the last
    starts a new page; one taller than a page breaks between its items, or between the
    lines of a :class:`~convviz.draw.page_items.TextLines`.

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
    >>> from convviz.draw.column_layout import Layout
    >>> from convviz.draw.text_measure import TextMeasure
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
    thread-safe), and draw or save the figures before releasing it;
    :func:`convviz.draw.pdf_file.pdf_bytes` does.

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
    >>> from convviz.draw.plot_lock import PLOT_LOCK
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
