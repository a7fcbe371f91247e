"""Sweep export: the animated GIF and the feature-map PNG."""

from __future__ import annotations

import io

import numpy as np
import pytest
from memory import peak_growth
from PIL import Image

from convviz.base import budget, memory
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_export import (
    feature_maps_png,
    gif_frames,
    sweep_gif,
    sweep_gif_fit,
    sweep_gif_numbers_left_out,
    sweep_gif_shape,
)
from convviz.imaging.sweep_frames import render_sweep_frame

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _image(h: int, w: int, c: int | None = None, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


def test_gif_is_animated_with_the_requested_frames():
    plan = sweep_plan(_image(20, 24), SOBEL_X)
    data = sweep_gif(plan, max_frames=7, fps=5)
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.format == "GIF" and gif.is_animated and gif.n_frames == 7
        assert (gif.height, gif.width) == render_sweep_frame(plan, 0).shape[:2]
        assert gif.info["duration"] == 200


def test_gif_frames_are_spread_evenly_and_end_on_the_last():
    plan = sweep_plan(_image(20, 24), SOBEL_X)
    assert gif_frames(plan, 100) == list(range(20))
    picks = gif_frames(plan, 5)
    assert picks[0] == 0 and picks[-1] == 19 and len(set(picks)) == 5
    assert gif_frames(plan, 1) == [19]


def test_gif_of_a_big_image_is_shrunk_to_max_side():
    plan = sweep_plan(_image(300, 200), SOBEL_X)
    with Image.open(io.BytesIO(sweep_gif(plan, max_frames=3, max_side=100))) as gif:
        assert gif.n_frames == 3 and gif.height < 160


def test_gif_colours_match_the_frame_closely():
    plan = sweep_plan(_image(16, 16), SOBEL_X, padding="valid")
    with Image.open(io.BytesIO(sweep_gif(plan, max_frames=2))) as gif:
        gif.seek(1)
        last = np.asarray(gif.convert("RGB")).astype(int)
    frame = render_sweep_frame(plan, plan.n_frames - 1).astype(int)
    assert np.abs(last - frame).mean() < 4


def test_gif_bad_options():
    plan = sweep_plan(_image(8, 8), SOBEL_X)
    with pytest.raises(ValueError, match="`fps`"):
        sweep_gif(plan, fps=0)
    with pytest.raises(ValueError, match="`max_frames`"):
        sweep_gif(plan, max_frames=0)


def test_feature_maps_png_one_and_several():
    fmap = np.linspace(-1, 1, 12).reshape(3, 4)
    with Image.open(io.BytesIO(feature_maps_png(fmap, "abs", scale=2))) as im:
        assert im.format == "PNG" and im.size == (8, 6)
    stack = np.stack([fmap, -fmap], axis=-1)  # (3, 4, 2)
    with Image.open(io.BytesIO(feature_maps_png(stack))) as im:
        assert im.size == (4 + 8 + 4, 3)


@pytest.mark.parametrize("shape, kernel, geo, side", [
    ((20, 24), SOBEL_X, {}, 512), ((300, 200), SOBEL_X, {}, 100),
    ((64, 64), np.ones((11, 11)), dict(dilation=4, padding="full"), 512),
    ((90, 77), SOBEL_X, dict(stride=3), 256)])
def test_the_gif_size_is_known_before_drawing(shape, kernel, geo, side):
    plan = sweep_plan(_image(*shape), kernel, **geo)
    with Image.open(io.BytesIO(sweep_gif(plan, max_frames=2, max_side=side))) as gif:
        assert (gif.height, gif.width) == sweep_gif_shape(plan, side)


def test_a_gif_over_the_budget_is_cut_and_says_so():
    plan = sweep_plan(_image(400, 400), SOBEL_X, by_rows=False, n_frames=4000)
    fit = sweep_gif_fit(plan, max_frames=4000, max_side=2048)
    assert not fit.wanted.fits and fit.cost.fits and fit.reduced
    assert fit.note.startswith("The sweep in full (4000 frames) would need")
    assert f"{len(fit.frames)} of 4000 frames" in fit.note
    with pytest.raises(budget.OverBudgetError, match="The sweep would need"):
        sweep_gif(plan, max_frames=4000, max_side=2048)
    small = sweep_plan(_image(20, 24), SOBEL_X)
    fit = sweep_gif_fit(small, max_frames=7, max_side=128)
    with Image.open(io.BytesIO(sweep_gif(small, max_frames=7, max_side=999, fit=fit))) as gif:
        assert gif.n_frames == 7 and (gif.height, gif.width) == sweep_gif_shape(small, 128)


def test_a_refused_gif_paints_nothing(monkeypatch):
    plan = sweep_plan(_image(20, 24), SOBEL_X)
    monkeypatch.setenv(memory.MEMORY_ENV, "256")
    monkeypatch.setattr(memory, "process_rss_bytes", lambda: 256 * 2**20)
    with pytest.raises(memory.MemoryLimitError, match="the sweep needs about"):
        sweep_gif(plan)
    assert not plan.layers_cache  # no panel was drawn


def test_the_gif_is_written_frame_by_frame():
    """400 frames of a zoomed sweep at 512 px (about 0.45 MB of indices each): the peak
    grows by a few frames, not by all of them (holding every frame grew it by 180 MB)."""
    growth, (n, frame_mb) = peak_growth("""
        import numpy as np
        from convviz.imaging.sweep import sweep_plan
        from convviz.imaging.sweep_export import sweep_gif, sweep_gif_shape
        img = np.random.default_rng(0).random((256, 256)).astype(np.float32)
        plan = sweep_plan(img, np.ones((11, 11)), dilation=4, padding="full",
                          region=(100, 100, 20), by_rows=False, n_frames=400)
        sweep_gif(plan, max_frames=2)  # warm up: the panels are drawn once per plan
    """, """
        import io
        from PIL import Image
        data = sweep_gif(plan, max_frames=400)
        h, w = sweep_gif_shape(plan)
        with Image.open(io.BytesIO(data)) as gif:
            result = [gif.n_frames, h * w / 2**20]
    """)
    assert n == 400
    assert growth < 12 * frame_mb, f"the peak grew by {growth:.1f} MB"


def test_the_gif_counts_the_numbers_its_cells_leave_out():
    x = np.full((8, 8), -123.25)  # "-123.25": 7 characters, about 45 px wide at 12 px
    plan = sweep_plan(x, np.ones((3, 3)), padding="valid")  # a 6x6 map of -1109.25
    assert sweep_gif_numbers_left_out(plan, max_side=512) == 64 + 36  # 64 px cells: too long
    small = sweep_plan(np.full((8, 8), 0.5), np.ones((3, 3)), padding="valid")
    assert sweep_gif_numbers_left_out(small, max_side=512) == 0  # "0.5" and "4.5" fit
    assert sweep_gif_numbers_left_out(small, max_side=128) == 64 + 36  # 16 px: no numbers
    photo = sweep_plan(np.random.default_rng(0).random((200, 200)), np.ones((3, 3)))
    assert sweep_gif_numbers_left_out(photo) == 0  # pixels: a picture, not a grid of numbers


def test_an_rgb_sweep_counts_only_the_feature_maps_numbers():
    rgb = np.full((8, 8, 3), 0.5)
    plan = sweep_plan(rgb, np.ones((3, 3)), channels="rgb", padding="valid")
    assert plan.fmap.shape == (6, 6)
    assert sweep_gif_numbers_left_out(plan, max_side=128) == 36  # the input shows colours


def test_a_strided_maps_cells_are_wider_than_the_inputs():
    plan = sweep_plan(np.full((16, 16), 0.5), np.ones((3, 3)), stride=2, padding="valid")
    # The windows cover 15x15 input cells: 512 // 15 = 34 px input cells, 68 px map cells,
    # every number fits; at 256, 17 px input cells (no numbers) and 34 px map cells (4.5).
    assert plan.fmap.shape == (7, 7) and np.all(plan.fmap == 4.5)
    assert sweep_gif_numbers_left_out(plan, max_side=512) == 0
    assert sweep_gif_numbers_left_out(plan, max_side=256) == 15 * 15
