"""Page items: a text splits between its lines where the room ends, and a table is drawn
cell by cell with its padding dashed and its window outlined."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.patches import Rectangle
from page_figures import drawn

from convviz.draw.column_layout import Grid, Layout, number_text
from convviz.draw.print_pages import TEXT_LEFT, TEXT_WIDTH, Page
from convviz.draw.text_measure import TextMeasure, line_height

X = np.arange(25).reshape(5, 5) % 7 - 2
LAYOUT = Layout(TextMeasure(), TEXT_WIDTH)


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
    [fig] = drawn([Page([(table, TEXT_LEFT, 1.0)])])
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
