"""Printed pages: text is measured and wrapped to its column, a grid is drawn cell by cell
with its padding dashed and its window outlined, blocks break across pages without
running past a margin, every page has its header and number, and the PDF is written under
the matplotlib lock with the same bytes for the same pages."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D
from pdf_text import page_count, pdf_pages, pdf_text
from plot_lock_probe import lock_held_at_figures

from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.print_pages import (
    FULL_WIDTH,
    MARGIN,
    PAGE_SIZE,
    TEXT_LEFT,
    TEXT_WIDTH,
    TITLE_PT,
    AnswerLine,
    Grid,
    Layout,
    NameDateLine,
    Page,
    Space,
    TextLines,
    TextMeasure,
    draw_pages,
    line_height,
    number_text,
    paginate,
    pdf_bytes,
    with_gaps,
)

X = np.arange(25).reshape(5, 5) % 7 - 2
M = TextMeasure()
LAYOUT = Layout(M, TEXT_WIDTH)


def _drawn(pages, header="convviz · Test"):
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42}):
        figures = draw_pages(pages, header=header)
        for fig in figures:
            FigureCanvasAgg(fig).draw()
    return figures


def _inside(box, margin=MARGIN):
    w, h = PAGE_SIZE
    eps = 0.02 * 72
    return (box.x0 >= margin * 72 - eps and box.x1 <= (w - margin) * 72 + eps
            and box.y0 >= margin * 72 - eps and box.y1 <= (h - margin) * 72 + eps)


def _boxes(fig):
    """Each text's and patch's box on ``fig``, in points."""
    renderer = fig.canvas.get_renderer()
    to_points = Affine2D().scale(72 / fig.dpi)
    ax = fig.axes[0]
    return [(getattr(a, "get_text", lambda: "")(),
             a.get_window_extent(renderer).transformed(to_points))
            for a in [*ax.texts, *ax.patches, *ax.lines]]


def test_wrapped_lines_fit_their_width_keep_every_word_and_cut_a_word_too_long():
    text = "each axis loses the kernel size minus one " * 6
    lines = M.wrap(text.strip(), 2.0, 11.0)
    assert len(lines) > 2
    assert all(M.width(line, 11.0) <= 2.0 for line in lines)
    assert " ".join(lines).split() == text.split()
    long = M.wrap("x" * 200, 1.0, 11.0)
    assert len(long) > 1 and "".join(long) == "x" * 200
    assert all(M.width(line, 11.0) <= 1.0 for line in long)
    assert M.wrap("a b c d e f g h", 0.3, 11.0, indent="  ")[1].startswith("  ")


def test_text_splits_between_its_lines_where_the_room_ends():
    t = LAYOUT.text("\n".join(f"line {i}" for i in range(10)), weight="bold")
    assert t.height == pytest.approx(10 * line_height(11.0))
    head, rest = t.split(3.5 * line_height(11.0))
    assert head.lines == [f"line {i}" for i in range(3)]
    assert rest.lines == [f"line {i}" for i in range(3, 10)]
    assert head.weight == rest.weight == "bold"
    assert t.split(0.5 * line_height(11.0)) is None  # not one line fits
    assert t.split(10.5 * line_height(11.0)) is None  # all fit, just
    assert t.split(20 * line_height(11.0)) is None


def test_a_grid_is_drawn_cell_by_cell_with_the_padding_dashed_and_the_window_outlined():
    g = Grid("input", X, window=(-1, 1, 2, 4), pad=(1, 1, 1, 1), notes="window outlined")
    table = LAYOUT.grid(g, caption="Input (5 x 5)")
    assert table.title == ["Input (5 x 5): window outlined"]
    [fig] = _drawn([Page([(table, TEXT_LEFT, 1.0)])])
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    at = texts.index("Input (5 x 5): window outlined")
    assert texts[at + 1:at + 11] == [str(c) for c in range(5)] * 2  # column, row numbers
    assert texts[at + 11:at + 36] == [number_text(v) for v in X.ravel()]  # reading order
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    cells = [p for p in rects if not p.get_fill() and p.get_linestyle() == "solid"
             and p.get_linewidth() < 1]
    assert len(cells) == 25
    cw, ch = cells[0].get_width(), cells[0].get_height()
    assert cw == pytest.approx(table.col_widths[0]) and ch == pytest.approx(table.row_height)
    dashed = [p for p in rects if p.get_linestyle() != "solid"]
    assert len(dashed) == 7 * 7 - 25  # the padding ring, one cell wide
    [window] = [p for p in rects if p.get_linewidth() > 2]
    assert (window.get_width(), window.get_height()) == pytest.approx((3 * cw, 3 * ch))
    first = min(cells, key=lambda p: (p.get_y(), p.get_x()))  # cell (0, 0)
    assert window.get_x() == pytest.approx(first.get_x() + cw)  # from column 1
    assert window.get_y() == pytest.approx(first.get_y() - ch)  # from the padding row
    [shade] = [p for p in rects if p.get_fill() and p.get_edgecolor()[3] == 0]
    assert shade.get_bbox().bounds == pytest.approx(window.get_bbox().bounds)


def test_an_empty_window_is_not_drawn_and_numbers_print_short():
    table = LAYOUT.grid(Grid("kernel", np.array([[1.0, 0.5], [2 / 3, -2.0]]),
                             window=(1, 1, 1, 2)), indexed=False)
    assert table.window is None and table.title == ["kernel"]
    assert table.cells == [["1", "0.5"], ["0.6667", "-2"]]


def test_a_wide_table_gets_smaller_numbers_and_stays_inside_its_column():
    values = np.full((2, 30), 123456.0)
    narrow = Layout(M, 3.0)
    table = narrow.grid(Grid("wide", values))
    assert table.size < 11.0
    assert table.grid_width <= 3.0 or table.size == 7.0
    assert narrow.grid(Grid("small", X)).size == 11.0


def test_tables_side_by_side_start_a_new_row_when_the_column_is_full():
    layout = Layout(M, 3.0)
    tables = [layout.grid(Grid(f"g{i}", X)) for i in range(4)]
    rows = layout.side_by_side(tables)
    assert [len(r) for r in rows.rows] == [1, 1, 1, 1]  # each 5-wide grid fills 3 inches
    wide = Layout(M, FULL_WIDTH).side_by_side(tables)
    assert len(wide.rows) < 4 and sum(map(len, wide.rows)) == 4
    for row in wide.rows:
        assert sum(t.width for t in row) + wide.gap * (len(row) - 1) <= FULL_WIDTH
    assert rows.height > wide.height


def test_blocks_are_numbered_and_one_that_does_not_fit_starts_a_new_page():
    head = [Layout(M, FULL_WIDTH).text("Exercises", size=TITLE_PT, weight="bold"),
            NameDateLine()]
    block = with_gaps([LAYOUT.grid(Grid("input", np.zeros((12, 12)))), Space(0.45),
                       AnswerLine("a whole number")])
    pages = paginate([block] * 5, head)
    assert len(pages) > 1
    assert pages[0].placed[0] == (head[0], MARGIN, MARGIN + 0.35)
    numbers = [it.lines[0] for p in pages for it, x, _ in p.placed if x == MARGIN
               and isinstance(it, TextLines) and it.lines[0].endswith(".")]
    assert numbers == ["1.", "2.", "3.", "4.", "5."]
    for p in pages:  # whole blocks only: each number with its grid and its answer line
        kinds = [type(it).__name__ for it, _, _ in p.placed]
        assert kinds.count("AnswerLine") == kinds.count("Table")
    assert all(x == TEXT_LEFT for p in pages for it, x, _ in p.placed
               if not isinstance(it, TextLines | NameDateLine))
    for fig in _drawn(pages):
        for text, box in _boxes(fig):
            assert _inside(box), text


def test_a_text_longer_than_a_page_breaks_between_its_lines_and_keeps_them_all():
    steps = [f"step {i}: {i} + 1 = {i + 1}" for i in range(120)]
    blocks = [[LAYOUT.text("First.")], [LAYOUT.text("\n".join(steps))], [LAYOUT.text("Last.")]]
    pages = paginate(blocks, [])
    assert len(pages) >= 3
    for fig in _drawn(pages):
        for text, box in _boxes(fig):
            assert _inside(box), text
    pdf = pdf_bytes(lambda: draw_pages(pages, header="convviz · Steps"), title="Steps")
    lines = pdf_text(pdf).splitlines()
    assert [line for line in lines if line.startswith("step ")] == steps
    assert lines.index("First.") < lines.index("step 0: 0 + 1 = 1")
    assert lines.index("step 119: 119 + 1 = 120") < lines.index("Last.")


def test_an_item_taller_than_a_page_that_cannot_break_is_refused():
    tall = LAYOUT.grid(Grid("tall", np.zeros((40, 3))))
    with pytest.raises(ValueError, match=r"problem 2 holds an item taller than a page"):
        paginate([[LAYOUT.text("fine")], [tall]], [])


def test_every_page_has_its_header_its_number_and_the_a4_size():
    pages = [Page([(LAYOUT.text(f"text {i}"), TEXT_LEFT, 2.0)]) for i in range(3)]
    pdf = pdf_bytes(lambda: draw_pages(pages, header="convviz · Worksheet · Version B"),
                    title="Three pages")
    assert page_count(pdf) == 3
    assert pdf_pages(pdf) == [[f"text {i - 1}", "convviz · Worksheet · Version B",
                               f"page {i} of 3"] for i in (1, 2, 3)]  # items, header, footer
    assert pdf.count(b"/MediaBox [ 0 0 595.44 841.68 ]") == 3  # 8.27 x 11.69 in
    for fig in _drawn(pages):
        assert tuple(fig.get_size_inches()) == pytest.approx(PAGE_SIZE)
        for text, box in _boxes(fig):
            assert _inside(box), text


def test_the_same_pages_give_the_same_bytes_with_the_fonts_embedded_as_text():
    def make():
        return draw_pages(paginate([[LAYOUT.text("Same."), LAYOUT.grid(Grid("g", X))]],
                                   []), header="convviz")

    a = pdf_bytes(make, title="Same")
    assert pdf_bytes(make, title="Same") == a
    assert b"CreationDate" not in a and b"/Title (Same)" in a and b"/Creator (convviz)" in a
    assert b"/FontFile2" in a  # TrueType embedded (pdf.fonttype 42), searchable text
    assert pdf_bytes(make, title="Other") != a


def test_the_figures_are_made_and_written_under_the_one_matplotlib_lock(monkeypatch):
    held = lock_held_at_figures(monkeypatch)
    pdf_bytes(lambda: draw_pages([Page(), Page()], header="convviz"), title="Locked")
    assert held == [True, True]
    assert not PLOT_LOCK.locked()

    def fail():
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"):
        pdf_bytes(fail, title="Failed")
    assert not PLOT_LOCK.locked()


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: Layout(M, 0), ValueError, r"`width` must be a positive number of inches, got 0"),
    (lambda: Layout(M, True), ValueError, r"`width` must be a positive number of inches"),
    (lambda: Layout("m", 2.0), TypeError, r"`measure` must be a TextMeasure, got str"),
    (lambda: draw_pages([Page()], header=None), TypeError, r"`header` must be str, got "),
    (lambda: pdf_bytes([], title="x"), TypeError, r"`make_figures` must be callable, got"),
    (lambda: pdf_bytes(lambda: [], title=3), TypeError, r"`title` must be str, got int"),
])
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
    assert not PLOT_LOCK.locked()
