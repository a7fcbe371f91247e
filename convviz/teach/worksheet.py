"""Printable worksheets: a seeded set of questions as an A4 PDF, and its answer key.

:func:`worksheet_pdfs` asks :func:`convviz.teach.question_bank.questions` for ``n``
questions on the chosen topics (the same seed gives the same questions) and lays them out
on A4 portrait pages (8.27 x 11.69 in): the sheet has a title, the version (a letter from
the seed, :func:`version_name`), name and date lines, and the problems numbered, each with
its prompt as plain text (:mod:`convviz.teach.plain_markdown`), its grids drawn as tables
of numbers (the input with the window outlined, the kernel) and an answer line. The key
has the same numbers, each problem's answer, its working, and the wrong answers the
question recognises with the mistake that makes each.

This module says what the pages hold; :mod:`convviz.draw` lays it out: every line of text
is measured before it is placed and wrapped to the page's width
(:mod:`~convviz.draw.column_layout`); a problem moves to the next page when it does not fit
below the last one, so nothing runs over a margin (:mod:`~convviz.draw.print_pages`). The
pages are matplotlib figures (object-oriented API, no pyplot) written with ``PdfPages``
(:mod:`~convviz.draw.pdf_file`), TrueType fonts embedded as text (``pdf.fonttype`` 42: a
reader can search and copy it) and no creation date, so the same seed gives byte-identical
files.
Matplotlib is not thread-safe: the pages are drawn under
:data:`convviz.draw.plot_lock.PLOT_LOCK`. What a worksheet costs, before any work, and the
most problems it holds: :mod:`convviz.teach.worksheet_cost`.

Examples
--------
>>> sheet, key = worksheet_pdfs(["output-size"], 2, seed=0)
>>> sheet[:5], key[:5]
(b'%PDF-', b'%PDF-')
>>> version_name(0), version_name(1), version_name(26)
('A', 'B', 'AA')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw.column_layout import Grid, Layout
from convviz.draw.page_items import (
    GREY,
    TEXT_PT,
    TITLE_PT,
    AnswerLine,
    Item,
    NameDateLine,
    Space,
    Table,
    with_gaps,
)
from convviz.draw.pdf_file import pdf_bytes
from convviz.draw.print_pages import FULL_WIDTH, PAGE_SIZE, TEXT_WIDTH, draw_pages, paginate
from convviz.draw.text_measure import MONO, TextMeasure
from convviz.teach.plain_markdown import Block, markdown_blocks
from convviz.teach.question_bank import check_topics
from convviz.teach.question_bank import questions as make_questions
from convviz.teach.questions import Question, format_answer
from convviz.teach.worksheet_cost import check_problem_count

__all__ = ["DRAWN_GRIDS", "PAGE_SIZE", "check_request", "questions_pdf", "version_name",
           "worksheet_pages", "worksheet_pdfs"]

_WORKING_SPACE = 0.45  # inches: room to work above the answer line


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
        How many problems, 1 to :data:`~convviz.teach.worksheet_cost.MAX_QUESTIONS`.
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
    check_problem_count(n)
    _check_seed(seed)
    return names


# ---------------------------------------------------------------------------------------
# a question's Markdown as print items


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


def _question_grids(q: Question) -> list[Grid]:
    """The question's input and kernel as 2-D grids (an (H, W, C) array gives one grid per
    channel, numbered from 0 as the prompt numbers them); the input carries the window and
    the padding ring."""
    out: list[Grid] = []
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
            out.append(Grid(name, a, w, pad, notes))
        else:
            out += [Grid(f"{name}, channel {c}", a[:, :, c], w, pad, notes)
                    for c in range(a.shape[2])]
    return out


def _markdown_items(layout: Layout, text: str, grids: Sequence[Grid] = ()) -> list[Item]:
    """Print items for ``text``. A table or code block of numbers equal to one of ``grids``
    is drawn as that grid (its window and padding) and used up; the grids left over are
    drawn after the text. A short one-line paragraph ending in ":" just before a table is
    the table's title, and tables in a row are drawn side by side."""
    items: list[Item] = []
    pending: list[Table] = []
    left = list(grids)

    def flush() -> None:
        if pending:
            items.append(layout.side_by_side(list(pending)))
            pending.clear()

    def match(values: np.ndarray | None) -> Grid | None:
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
                and layout.fits_caption(b.lines[0])
                and nxt is not None and (nxt.kind == "table" or (
                    nxt.kind == "code" and _code_numbers(nxt.lines) is not None))):
            caption = b.lines[0].removesuffix(":")
            continue
        if b.kind == "table":
            values, indexed = _table_numbers(b)
            g = match(values)
            if g is None and values is not None:
                g = Grid("", values)
            if g is not None:
                pending.append(layout.grid(g, indexed=indexed, caption=caption))
            else:
                pending.append(layout.table(caption or "", [list(r) for r in b.rows],
                                            header=b.header))
            caption = None
            continue
        if b.kind == "code":
            values = _code_numbers(b.lines)
            if values is not None:
                pending.append(layout.grid(match(values) or Grid("", values),
                                           indexed=False, caption=caption))
                caption = None
                continue
        flush()
        items.extend(_block_items(layout, b))
    flush()
    if left:  # grids the text does not write out
        items.append(layout.side_by_side([layout.grid(g) for g in left]))
    return items


def _block_items(layout: Layout, b: Block) -> list[Item]:
    if b.kind == "heading":
        return [layout.text(b.lines[0], weight="bold")]
    if b.kind == "code":
        return [layout.text("\n".join(b.lines), size=TEXT_PT - 1, family=MONO,
                            indent="    ")]
    if b.kind == "bullet":
        marker = b.lines[0].split(" ", 1)[0]
        return [layout.text(b.lines[0], indent=" " * (len(marker) + 2))]
    return [layout.text("\n".join(b.lines))]


def _sheet_problem(layout: Layout, q: Question) -> list[Item]:
    items = with_gaps(_markdown_items(layout, q.prompt, _question_grids(q)))
    return [*items, Space(_WORKING_SPACE), AnswerLine(q.answer_hint)]


def _key_problem(layout: Layout, q: Question) -> list[Item]:
    items: list[Item] = [layout.text(f"Answer: {q.answer_text()}", weight="bold")]
    items += _markdown_items(layout, q.working)
    if q.mistakes:
        wrong = "; ".join(f"{format_answer(m.answer)} ({m.name})" for m in q.mistakes)
        items.append(layout.text(f"Wrong answers and the mistake behind each: {wrong}.",
                                 size=TEXT_PT - 1, color=GREY))
    return with_gaps(items)


# ---------------------------------------------------------------------------------------
# pages


def _head(layout: Layout, title: str, subtitle: str, key: bool) -> list[Item]:
    head = layout.text("Answer key" if key else title, size=TITLE_PT, weight="bold")
    items: list[Item] = [head, Space(0.05),
                         layout.text(f"{title}, {subtitle}" if key else subtitle)]
    if not key:
        items += [Space(0.15), NameDateLine(), Space(0.1),
                  layout.text("Write each answer on its line; work in the space above it.",
                              color=GREY)]
    else:
        items += [Space(0.1),
                  layout.text("Each problem's answer and its working; under them, the wrong "
                              "answers that a named mistake gives, with the mistake.",
                              color=GREY)]
    return items


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
    >>> import io
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
    if not isinstance(questions, Sequence) or not all(isinstance(q, Question)
                                                        for q in questions):
        raise TypeError("`questions` must be a sequence of Question")
    if not questions:
        raise ValueError("`questions` must hold at least one Question, got none")
    layout = Layout(TextMeasure(), TEXT_WIDTH)
    head = _head(Layout(layout.measure, FULL_WIDTH), title, version, key)
    problems = [(_key_problem if key else _sheet_problem)(layout, q) for q in questions]
    kind = "Answer key" if key else "Worksheet"
    return draw_pages(paginate(problems, head), header=f"convviz · {kind} · {version}")


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
    if not isinstance(title, str) or not isinstance(version, str):
        raise TypeError("`title` and `version` must be str")
    return pdf_bytes(lambda: worksheet_pages(questions, title=title, version=version, key=key),
                     title=f"{title}, {version}" + (": answer key" if key else ""))


def worksheet_pdfs(topics: str | Sequence[str], n: int, seed: int) -> tuple[bytes, bytes]:
    """A printable worksheet and its answer key, as two A4 PDFs.

    Parameters
    ----------
    topics : str or sequence of str
        Keys of :data:`convviz.teach.question_bank.TOPICS` (``"output-size"``,
        ``"convolution"``, ``"pooling"``, ...), a list or one comma-separated string; the
        problems cycle through them in this order.
    n : int
        How many problems, 1 to :data:`~convviz.teach.worksheet_cost.MAX_QUESTIONS`.
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
