"""Column layout: numbers print short, an empty window is dropped, a wide table gets
smaller numbers to stay inside its column, and tables side by side start a new row when the
column is full."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.draw.column_layout import Grid, Layout
from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.print_pages import FULL_WIDTH, TEXT_WIDTH
from convviz.draw.text_measure import TextMeasure

X = np.arange(25).reshape(5, 5) % 7 - 2
M = TextMeasure()
LAYOUT = Layout(M, TEXT_WIDTH)


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



@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: Layout(M, 0), ValueError, r"`width` must be a positive number of inches, got 0"),
    (lambda: Layout(M, True), ValueError, r"`width` must be a positive number of inches"),
    (lambda: Layout("m", 2.0), TypeError, r"`measure` must be a TextMeasure, got str"),
])
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
    assert not PLOT_LOCK.locked()
