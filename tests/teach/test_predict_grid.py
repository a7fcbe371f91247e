"""Grids written out for questions: the Markdown table, the window's input rows and columns."""

import numpy as np
import pytest

from convviz.engine.conv_steps import conv_plan
from convviz.teach.predict_grid import grid_table, is_whole, padded_window, to_lists


def test_grid_table_numbers_rows_and_columns():
    lines = grid_table(np.array([[1, -2, 3], [0.25, 5, 6]])).splitlines()
    assert lines[0] == "|   | 0 | 1 | 2 |"
    assert lines[1] == "|---|---|---|---|"
    assert lines[3] == "| **1** | 0.25 | 5 | 6 |"
    with pytest.raises(ValueError, match="`a` must be 2-D"):
        grid_table(np.zeros(3))


def test_padded_window_matches_the_engines_window():
    x = np.arange(49.0).reshape(7, 7)
    plan = conv_plan(x, np.ones((3, 3)), stride=2, padding=1, dilation=2)
    step = plan.step(1)  # output cell (0, 1): padded columns 2, 4, 6
    r0, c0, r1, c1 = padded_window(step.origin, step.rows, step.cols, plan.pads)
    assert (r0, c0, r1, c1) == (-1, 1, 4, 6)
    xp = np.pad(x, 1)
    assert np.array_equal(xp[r0 + 1:r1 + 1:2, c0 + 1:c1 + 1:2], step.patch)


def test_is_whole_and_to_lists():
    assert is_whole([[1, 2], [3, -4]]) and not is_whole([1.5]) and not is_whole([np.inf])
    assert to_lists(np.array([[1.0, 2.5], [3.0, -0.0]])) == [[1, 2.5], [3, 0]]
    assert to_lists(np.float64(4.0)) == 4
