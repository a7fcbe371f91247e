"""The convolution page's animation: frames, their cost before drawing, the GIF in budget."""

from __future__ import annotations

import io

import numpy as np
import pytest
from memory import peak_growth
from PIL import Image

import convviz as cv
from convviz.base import budget, memory
from convviz.draw import conv_view as view
from convviz.draw import render
from convviz.draw.conv_animation import (
    animation_cost,
    animation_fit,
    animation_frames,
    animation_gif,
    animation_shape,
)

SOBEL = cv.KERNELS["sobel_x"].array


def _reference(plan: cv.ConvPlan, index: int, cell: int) -> np.ndarray:
    """A frame composed from conv_view's pictures one by one (the first implementation)."""
    values = view.plan_values(plan)
    step = plan.step(index)
    return render.hstack([
        render.label(view.input_image(plan, step, cell=cell), f"input, step {index + 1}"),
        render.label(view.kernel_image(plan.kernel, cell=cell), "kernel"),
        render.label(view.products_image(step, cell=cell), "products"),
        render.label(view.output_image(values, index, cell=cell), "output"),
    ], gap=24)


@pytest.mark.parametrize("geo", [dict(stride=2), dict(padding="full", dilation=2),
                                 dict(padding=1, stride=(1, 2))])
def test_frames_are_the_step_pictures(geo):
    x = np.arange(42.0).reshape(6, 7) % 9
    plan = cv.conv_plan(x, SOBEL, 0.5, **geo)
    steps = sorted({0, 1, plan.n_steps // 2, plan.n_steps - 1})
    frames = list(animation_frames(plan, cell=24, steps=steps))
    assert len(frames) == len(steps)
    for k, frame in zip(steps, frames, strict=True):
        assert frame.shape[:2] == animation_shape(plan, 24)
        assert np.array_equal(frame, _reference(plan, k, 24)), f"step {k}"


def test_frames_check_their_arguments():
    with pytest.raises(ValueError, match="single-channel"):
        animation_frames(cv.conv_plan(np.ones((5, 5, 3)), np.ones((3, 3, 3))))
    with pytest.raises(ValueError, match=r"`steps` must be in 0..8, got 9"):
        animation_frames(cv.conv_plan(np.ones((5, 5)), SOBEL), steps=[9])
    with pytest.raises(TypeError, match="`plan` must be a ConvPlan"):
        animation_shape(np.ones((3, 3)), 20)


def _largest() -> cv.ConvPlan:
    """The page's largest settings: 12x12 input, 7x7 kernel, dilation 3, "full", stride 1."""
    x = np.random.default_rng(0).integers(0, 10, (12, 12)).astype(float)
    return cv.conv_plan(x, np.ones((7, 7)), 0.0, padding="full", dilation=3)


def test_the_largest_settings_are_cut_to_fit_and_say_so():
    plan = _largest()
    assert plan.n_steps == 900
    wanted = animation_cost(plan)
    assert wanted.frame_bytes == 1953 * 3756 * 3 and not wanted.fits
    fit = animation_fit(plan)
    assert fit.cost.fits and fit.total == 900 and fit.frames[-1] == 899
    assert fit.every > 1 and len(fit.frames) < 900
    assert f"every {fit.every}" in fit.note and f"{len(fit.frames)} of 900 frames" in fit.note
    with pytest.raises(budget.OverBudgetError, match="The animation would need about"):
        animation_gif(plan, budget.Fit(tuple(range(900)), 900, 40, 1, wanted, wanted, None))


def test_a_small_plan_keeps_every_step():
    plan = cv.conv_plan(np.ones((5, 5)), SOBEL)
    fit = animation_fit(plan)
    assert fit.frames == tuple(range(9)) and fit.size == 40 and fit.note is None
    with Image.open(io.BytesIO(animation_gif(plan, fit))) as gif:
        assert gif.n_frames == 9 and gif.size == animation_shape(plan, 40)[::-1]


def test_a_refused_gif_draws_nothing(monkeypatch):
    plan = cv.conv_plan(np.ones((5, 5)), SOBEL)
    monkeypatch.setenv(memory.MEMORY_ENV, "256")
    monkeypatch.setattr(memory, "process_rss_bytes", lambda: 255 * 2**20)
    drawn = []
    monkeypatch.setattr(view, "input_base", lambda *a, **k: drawn.append(1))
    with pytest.raises(memory.MemoryLimitError, match="the animation needs about"):
        animation_gif(plan)
    assert not drawn


@pytest.mark.slow  # encodes the largest GIF the page offers
def test_the_largest_animation_stays_within_its_budget():
    """The 900-step case that took the server to 23 GB: the GIF the page offers is made
    with a peak under one click's memory budget, and is as small as estimated."""
    growth, (frames, size, est_bytes, est_peak) = peak_growth("""
        import numpy as np
        import convviz as cv
        from convviz.draw.conv_animation import animation_fit, animation_gif
        x = np.random.default_rng(0).integers(0, 10, (12, 12)).astype(float)
        plan = cv.conv_plan(x, np.ones((7, 7)), 0.0, padding="full", dilation=3)
        animation_gif(cv.conv_plan(np.ones((5, 5)), np.ones((3, 3))))  # warm up
    """, """
        import io
        from PIL import Image
        fit = animation_fit(plan)
        data = animation_gif(plan, fit)
        with Image.open(io.BytesIO(data)) as gif:
            n = gif.n_frames
        result = [n, len(data), fit.cost.output_bytes, fit.cost.peak_bytes]
    """)
    assert frames > 100
    assert size <= est_bytes <= budget.MAX_OUTPUT_BYTES
    assert growth * 2**20 <= est_peak <= budget.MAX_WORK_BYTES
