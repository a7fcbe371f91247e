"""Tests for convviz.teach.examples: preset grids and default RGB filters."""

import numpy as np
import pytest

import convviz as cv
from convviz.teach.examples import (
    FILTER_MIX,
    GIVEN,
    INPUT_CHOICES,
    PRESETS,
    check_grid_shape,
    digit_grid,
    edge_grid,
    input_label,
    make_input,
    random_grid,
    resize_grid,
    rgb_filters,
    rgb_input,
)

SIZES = [(5, 5), (7, 7), (12, 12), (5, 12), (12, 5), (6, 9)]


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize(("rows", "cols"), SIZES)
def test_presets_shape_dtype_and_range(preset, rows, cols):
    for channels, shape in ((1, (rows, cols)), (3, (rows, cols, 3))):
        grid = make_input(preset, rows, cols, seed=4, channels=channels)
        assert grid.shape == shape
        assert grid.dtype == np.float64
        assert grid.min() >= 0 and grid.max() <= 9
        assert np.array_equal(grid, np.round(grid))  # small integers, checkable by hand


@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_are_deterministic(preset):
    a = make_input(preset, 8, 6, seed=11, channels=3)
    b = make_input(preset, 8, 6, seed=11, channels=3)
    assert np.array_equal(a, b)


def test_random_grid_uses_the_seed():
    a = random_grid(7, 7, seed=1)
    assert np.array_equal(a, np.random.default_rng(1).integers(0, 10, (7, 7)))
    assert not np.array_equal(a, random_grid(7, 7, seed=2))
    rgb = random_grid(5, 5, seed=1, channels=3)
    assert not np.array_equal(rgb[..., 0], rgb[..., 1])  # independent channels


def test_edge_grid():
    g = edge_grid(5, 7)
    assert np.all(g[:, :3] == 0) and np.all(g[:, 3:] == 9)
    assert np.all(edge_grid(3, 6)[:, 3:] == 9)


@pytest.mark.parametrize(("rows", "cols"), SIZES)
def test_digit_is_a_seven(rows, cols):
    g = digit_grid(rows, cols)
    ink = g > 0
    assert set(np.unique(g)) == {0.0, 9.0}
    # A one-cell empty margin, the bar on row 1, a stroke down to the second-last row.
    assert not ink[0].any() and not ink[-1].any() and not ink[:, 0].any()
    assert ink[1, 1:cols - 1].all()
    assert all(ink[r].any() for r in range(1, rows - 1))
    # The stroke moves left (or stays) going down: the bottom ink is left of the top-right.
    bottom_cols = np.nonzero(ink[rows - 2])[0]
    assert bottom_cols.max() < cols - 2


@pytest.mark.parametrize(("rows", "cols"), SIZES)
def test_digit_stroke_is_connected(rows, cols):
    ink = digit_grid(rows, cols) > 0
    for r in range(1, rows - 2):  # each row's ink touches the next row's (8-neighbours)
        upper, lower = np.nonzero(ink[r])[0], np.nonzero(ink[r + 1])[0]
        assert np.abs(upper[:, None] - lower[None, :]).min() <= 1


def test_rgb_versions():
    digit = make_input("digit", 7, 7, channels=3)
    mask = digit_grid(7, 7) > 0
    assert np.all(digit[mask] == [9, 6, 0]) and np.all(digit[~mask] == [1, 2, 7])
    edge = make_input("edge", 6, 8, channels=3)
    assert np.array_equal(edge[..., 0], edge_grid(6, 8))
    assert np.all(edge[:3, :, 1] == 0) and np.all(edge[3:, :, 1] == 9)  # horizontal edge
    assert np.array_equal(edge[..., 2], edge_grid(6, 8)[:, ::-1])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"preset": "stripes"}, ValueError, "preset"),
    ({"rows": 0}, ValueError, "rows"),
    ({"cols": 2.5}, TypeError, "cols"),
    ({"channels": 2}, ValueError, "channels"),
    ({"seed": -1, "preset": "random"}, ValueError, "seed"),
])
def test_make_input_errors(kwargs, error, match):
    args = {"preset": "edge", "rows": 5, "cols": 5} | kwargs
    with pytest.raises(error, match=match):
        make_input(args.pop("preset"), args.pop("rows"), args.pop("cols"), **args)


def test_resize_grid_crops_and_pads_with_zeros():
    k = np.arange(9.0).reshape(3, 3)
    assert resize_grid(k, 2, 2).tolist() == [[0, 1], [3, 4]]
    big = resize_grid(k, 4, 5)
    assert big.shape == (4, 5)
    assert np.array_equal(big[:3, :3], k) and not big[3:].any() and not big[:, 3:].any()
    with pytest.raises(ValueError, match="2-D"):
        resize_grid(np.zeros((2, 2, 2)), 2, 2)


def test_check_grid_shape():
    assert check_grid_shape(np.zeros((5, 12)), 5, 12).shape == (5, 12)
    with pytest.raises(ValueError, match="`input` must have 5 to 12"):
        check_grid_shape(np.zeros((4, 6)), 5, 12, "input")
    with pytest.raises(ValueError, match="kernel"):
        check_grid_shape(np.zeros((8, 1)), 1, 7, "kernel")


def test_rgb_filters_layout_and_feature_maps():
    k = cv.KERNELS["sobel_x"].array
    w = rgb_filters(k, 3)
    assert w.shape == (3, 3, 3, 3)
    for f in range(3):
        for c in range(3):
            assert np.allclose(w[:, :, c, f], FILTER_MIX[f][0][c] * k)
    x = make_input("random", 6, 6, seed=0, channels=3)
    maps = cv.conv2d(x, w, 0.5)
    assert maps.shape == (4, 4, 3)  # one feature map per filter: depth 3
    # Filter 3 is "green only": the same as convolving the green channel alone.
    assert np.allclose(maps[..., 2], cv.conv2d(x[..., 1], k, 0.5))


def test_rgb_filters_errors():
    with pytest.raises(ValueError, match="n_filters"):
        rgb_filters(np.ones((3, 3)), len(FILTER_MIX) + 1)
    with pytest.raises(ValueError, match="n_filters"):
        rgb_filters(np.ones((3, 3)), 0)
    with pytest.raises(ValueError, match="2-D"):
        rgb_filters(np.ones((3, 3, 3)), 1)


# an input given by a link or another page


def test_a_given_input_is_labelled_as_what_it_is():
    label = "a 7x7 patch of held-out sample 17 (a “3”)"
    assert GIVEN in INPUT_CHOICES and GIVEN not in PRESETS
    assert input_label(GIVEN, given=label) == label
    assert input_label(GIVEN) == "the grid given by a link or another page"
    assert input_label("digit", given=label) == PRESETS["digit"]
    with pytest.raises(ValueError, match="`preset` must be one of"):
        input_label("nonsense")


def test_rgb_input_of_a_given_grid_repeats_it_in_each_channel():
    grid = np.arange(30.0).reshape(5, 6)
    x = rgb_input(GIVEN, grid, seed=3)
    assert x.shape == (5, 6, 3) and all(np.array_equal(x[..., c], grid) for c in range(3))
    assert np.array_equal(rgb_input("random", grid, seed=3),
                          make_input("random", 5, 6, seed=3, channels=3))
    with pytest.raises(ValueError, match="`preset` must be one of"):
        make_input(GIVEN, 5, 5)  # nothing to make it from
