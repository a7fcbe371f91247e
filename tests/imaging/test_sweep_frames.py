"""Sweep frames: the window where it is, the map revealed so far, per-plan caching."""

from __future__ import annotations

import numpy as np
import pytest

from convviz import conv2d
from convviz.draw.colors import feature_map_rgb, sequential_colors
from convviz.draw.render import WINDOW_COLOR
from convviz.imaging.sweep import SweepPlan, sweep_plan
from convviz.imaging.sweep_frames import panel_boxes, render_sweep_frame

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _image(h: int, w: int, c: int | None = None, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


def _crop(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    return frame[box[0]:box[1], box[2]:box[3]]


def _orange_bbox(panel: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(np.all(panel == WINDOW_COLOR, axis=-1))
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


@pytest.mark.parametrize("kwargs", [{}, {"region": (5, 5, 6)}, {"stride": 2, "dilation": 2},
                                    {"channels": "rgb"}])
def test_frame_shape_is_the_same_for_every_frame(kwargs):
    plan = sweep_plan(_image(24, 30, 3), SOBEL_X, **kwargs)
    shapes = {render_sweep_frame(plan, k).shape for k in range(plan.n_frames)}
    assert len(shapes) == 1
    assert render_sweep_frame(plan, 0).dtype == np.uint8


@pytest.mark.parametrize("display", ["signed", "relu", "abs"])
def test_revealed_colours_are_those_of_the_engine_map(display):
    img = _image(30, 26)
    plan = sweep_plan(img, SOBEL_X)
    expected = feature_map_rgb(conv2d(img, SOBEL_X, padding="same"), mode=display)
    box = panel_boxes(plan, scale=1, display=display)["feature_map"]
    last = _crop(render_sweep_frame(plan, plan.n_frames - 1, scale=1, display=display), box)
    np.testing.assert_array_equal(last, expected)
    mid = _crop(render_sweep_frame(plan, 9, scale=1, display=display), box)  # rows 0..9 shown
    np.testing.assert_array_equal(mid[:10], expected[:10])
    assert not np.any(np.all(mid[10:] == expected[10:], axis=(1, 2)))


def test_first_frame_reveals_one_cell_last_frame_all():
    plan = sweep_plan(_image(6, 6), SOBEL_X, padding="valid")  # 4x4 output
    box = panel_boxes(plan, scale=1)["feature_map"]
    expected = feature_map_rgb(plan.fmap)
    first = _crop(render_sweep_frame(plan, 0, scale=1), box)
    shown = np.all(first == expected, axis=-1)
    assert shown[0, 0] and shown.sum() <= 2  # (0, 0), and perhaps a cell equal by chance
    np.testing.assert_array_equal(_crop(render_sweep_frame(plan, 15, scale=1), box), expected)


def test_window_outline_is_where_the_window_is_on_a_grid():
    plan = sweep_plan(_image(6, 6), SOBEL_X, padding="same")
    scale = 10
    box = panel_boxes(plan, scale=scale)["input"]
    for frame in (0, 8, 35):
        i, j = plan.position(frame)  # the window's padded rows i..i+2, cols j..j+2
        full = render_sweep_frame(plan, frame, scale=scale)
        assert _orange_bbox(_crop(full, box)) == (i * scale, (i + 3) * scale + 1, j * scale,
                                                  (j + 3) * scale + 1)
        # and the output cell being written is outlined in the feature map
        fmap_box = panel_boxes(plan, scale=scale)["feature_map"]
        assert _orange_bbox(_crop(full, fmap_box)) == (i * scale, (i + 1) * scale + 1,
                                                       j * scale, (j + 1) * scale + 1)


def test_row_band_covers_the_windows_of_the_current_row():
    plan = sweep_plan(_image(30, 30), SOBEL_X, padding="valid")  # 28x28, by rows
    box = panel_boxes(plan, scale=1)["input"]
    panel = _crop(render_sweep_frame(plan, 10, scale=1), box)
    # windows of output row 10 cover input rows 10..12, all 30 columns; the ring is outside
    assert _orange_bbox(panel) == (10 - 2, 13 + 2, 0, 30)


def test_dilated_window_outlines_its_taps_when_zoomed():
    plan = sweep_plan(_image(10, 10), SOBEL_X, dilation=2, padding="valid")
    frame = render_sweep_frame(plan, 0, scale=10)
    panel = _crop(frame, panel_boxes(plan, scale=10)["input"])
    orange = np.all(panel == WINDOW_COLOR, axis=-1)
    # taps sit on rows and columns 0, 2, 4 (10 px each); gaps between them stay clear
    assert orange[25, 20] and orange[25, 30] and orange[20, 25] and orange[30, 25]
    assert not orange[25, 25] and not orange[15, 15]


def test_frames_are_pure_functions_of_the_index():
    plan = sweep_plan(_image(9, 9), SOBEL_X)
    a = render_sweep_frame(plan, 5)
    render_sweep_frame(plan, 50)
    np.testing.assert_array_equal(a, render_sweep_frame(plan, 5))
    np.testing.assert_array_equal(a, render_sweep_frame(sweep_plan(_image(9, 9), SOBEL_X), 5))


@pytest.mark.parametrize("frame", [-1, 64, 1000])
def test_frame_out_of_range_names_frame(frame):
    plan = sweep_plan(_image(8, 8), SOBEL_X)
    with pytest.raises(ValueError, match="`frame`"):
        render_sweep_frame(plan, frame)


def test_frame_of_wrong_type_and_bad_options():
    plan = sweep_plan(_image(8, 8), SOBEL_X)
    with pytest.raises(TypeError, match="`frame`"):
        render_sweep_frame(plan, 1.5)
    with pytest.raises(ValueError, match="`display`"):
        render_sweep_frame(plan, 0, display="log")
    with pytest.raises(ValueError, match="`scale`"):
        render_sweep_frame(plan, 0, scale=0)
    with pytest.raises(ValueError, match="`vmax`"):
        render_sweep_frame(plan, 0, vmax=-1.0)
    with pytest.raises(TypeError, match="`plan`"):
        render_sweep_frame("plan", 0)


def test_big_zoom_prints_numbers_and_is_bigger():
    plan = sweep_plan(_image(40, 40), SOBEL_X, region=(10, 10, 8))
    assert render_sweep_frame(plan, 0).shape[0] > 400  # 10x10 pixels at 48 px per cell


def test_relu_frame_shows_negative_values_as_zero():
    img = _image(8, 8)
    plan = sweep_plan(img, SOBEL_X)
    box = panel_boxes(plan, scale=1, display="relu")["feature_map"]
    last = _crop(render_sweep_frame(plan, plan.n_frames - 1, scale=1, display="relu"), box)
    zero = sequential_colors(0.0, 1.0)
    assert np.all(last[plan.fmap <= 0] == zero)


def test_plan_is_hashable_and_caches_per_plan():
    plan = sweep_plan(_image(8, 8), SOBEL_X)
    assert isinstance(plan, SweepPlan) and {plan: 1}[plan] == 1
    render_sweep_frame(plan, 0)
    render_sweep_frame(plan, 0, display="abs")
    assert len(plan.layers_cache) == 2
