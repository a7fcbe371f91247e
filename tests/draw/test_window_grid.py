"""Tests for convviz.draw.window_grid: the window grid's payload holds the layout's numbers."""

import json

import numpy as np
import pytest

from convviz.draw import grid_data as gd
from convviz.draw import render
from convviz.draw.window_grid import DONE, window_grid_payload, window_line
from convviz.teach.arithmetic import window_grid


def _panel(payload, panel_id):
    return next(p for p in payload["panels"] if p["id"] == panel_id)


@pytest.mark.parametrize("args", [
    ((7, 7), 3, 1, 0, 1), ((7, 7), 3, 1, "same", 1), ((7, 7), 3, 2, 1, 1),
    ((7, 7), 3, 1, 0, 2), ((6, 6), 4, 1, "same", 1), ((5, 9), 2, 3, 2, 1),
    ((9, 9), 3, 2, "full", 2), ((1, 1), 1, 1, 0, 1),
])
@pytest.mark.parametrize("ceil", [False, True])
def test_payload_equals_the_layout(args, ceil):
    grid = window_grid(*args, ceil_mode=ceil)
    p = window_grid_payload(grid)
    assert json.loads(json.dumps(p)) == p
    counts, mask = grid.counts(), grid.pad_mask
    hp, wp = mask.shape
    inp, out = _panel(p, "input"), _panel(p, "output")
    assert (inp["rows"], inp["cols"], inp["role"]) == (hp, wp, "source")
    assert inp["text"] == [str(int(v)) for v in counts.ravel()]
    assert inp["flags"] == [gd.PAD if m else 0 for m in mask.ravel()]
    want = np.where(mask[..., None], np.uint8(render.PAD_FILL),
                    render.diverging_colors(counts, vmax=float(max(counts.max(), 1))))
    assert [p["palette"][i] for i in inp["colors"]] == gd.hex_colors(want.astype(np.uint8))
    assert (out["rows"], out["cols"], out["reveal"]) == (*grid.out_shape, True)
    assert out["text"] == [str(i + 1) for i in range(grid.n_windows)]
    assert set(out["colors"]) == {p["palette"].index(gd.hex_colors(DONE)[0])}
    assert p["steps"]["window"] is None and p["n_steps"] == grid.n_windows
    windows = [gd.box_cells(b) for b in p["steps"]["boxes"]]
    for i in range(grid.n_windows):
        rows, cols = grid.window(i)
        assert windows[i] == [r * wp + c for r in rows for c in cols]  # every tap, dilated
        assert p["steps"]["target"][i] == i and p["steps"]["value"][i] == str(i + 1)
        assert p["steps"]["lines"][i] == [window_line(i, grid.n_windows, rows, cols)]
    # What hovering an input cell says: the windows whose taps hold it, the layout's count.
    covered = np.bincount(np.concatenate(windows), minlength=hp * wp).reshape(hp, wp)
    np.testing.assert_array_equal(covered, counts)


def test_the_largest_layout_stays_small():
    grid = window_grid((16, 16), 11, 1, "full", 4)  # 3,136 windows of 121 taps
    p = window_grid_payload(grid)
    assert grid.n_windows == 3136 and p["n_steps"] == 3136
    assert len(json.dumps(p)) < 700_000  # 0.66 MB; its cell lists alone would take 2.2 MB


def test_window_line_names_the_taps():
    assert window_line(8, 9, (2, 4, 6), (2, 4, 6)) == (
        "Window 9 of 9: taps on padded rows 2 to 6 (every 2nd), columns 2 to 6 (every 2nd)")
    assert window_line(0, 1, (0, 4, 8), (3,)) == (
        "Window 1 of 1: taps on padded rows 0 to 8 (every 4th), column 3")


def test_no_window_and_not_a_grid():
    with pytest.raises(ValueError, match="`grid` must have at least one window"):
        window_grid_payload(window_grid((5, 5), 5, 1, 1, 2))
    with pytest.raises(TypeError, match="`grid` must be a WindowGrid, got int"):
        window_grid_payload(3)
