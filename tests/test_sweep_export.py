"""Sweep export: the animated GIF and the feature-map PNG."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz.sweep import sweep_plan
from convviz.sweep_export import feature_maps_png, gif_frames, sweep_gif
from convviz.sweep_frames import render_sweep_frame

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
