"""The step-by-step animation of a convolution as a GIF, within one click's budget.

One frame per step: the padded input with the window outlined, the kernel, the products
of the window and the output filled in up to the step (the pictures of
:mod:`convviz.draw.conv_view`). A frame is the fixed parts (drawn once) with the step's parts
painted in, and frames stream into :func:`convviz.draw.gif_stream.write_gif`, so memory holds
one frame. Before any drawing, :func:`animation_cost` estimates the GIF from the plan's
sizes alone and :func:`animation_fit` proposes what fits one click's budget (every k-th
step, smaller cells) with a sentence saying so; :func:`animation_gif` makes it.

>>> import numpy as np
>>> from convviz import conv_plan
>>> plan = conv_plan(np.arange(16.0).reshape(4, 4), np.ones((3, 3)))
>>> fit = animation_fit(plan)
>>> fit.frames, fit.size, fit.note
((0, 1, 2, 3), 40, None)
>>> animation_gif(plan, fit)[:6]
b'GIF89a'
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from convviz.base import budget, memory
from convviz.draw import numbers, render
from convviz.draw.conv_view import (
    fmt,
    hide_cells,
    input_base,
    kernel_image,
    output_base,
    plan_values,
    products_image,
)
from convviz.draw.gif_stream import make_palette, write_gif
from convviz.engine.conv_steps import ConvPlan

__all__ = ["ANIMATION_CELLS", "ANIMATION_FPS", "animation_cost", "animation_fit",
           "animation_frames", "animation_gif", "animation_numbers_left_out", "animation_shape"]

#: Cell sides (px) an animation may use, preferred first; at 24 px the numbers still read.
ANIMATION_CELLS = (40, 32, 24)
ANIMATION_FPS = 2.0  #: steps per second in the GIF
_CAPTION = 20  # caption font size (px); a caption strip is int(1.6 * size) high
_GAP = 24  # between panels

# Measured on this project's 2-core machine (Python 3.11, Pillow 13; see the report in
# benchmarks/bench_exports.py), then rounded up so the estimate errs on the safe side:
_SECONDS_PER_MPX = 0.012  # drawing, palette lookup and LZW per megapixel of frame
_SECONDS_FIXED = 0.8  # the fixed parts and the palette, once
_BYTES_PER_FRAME_MPX = 4_000  # GIF bytes per frame per megapixel (only changes are written)
_WORK_BYTES_PER_PX = 36  # frame, canvas, Pillow's RGBX copy, indices, previous frame, mask


def animation_shape(plan: ConvPlan, cell: int) -> tuple[int, int]:
    """(height, width) in pixels of every frame of :func:`animation_frames`, from sizes.

    Examples
    --------
    >>> from convviz import conv_plan
    >>> animation_shape(conv_plan(np.zeros((4, 4)), np.ones((3, 3))), 20)
    (113, 316)
    """
    _check(plan)
    hp, wp = plan.pad_mask.shape
    kh, kw = plan.kernel.shape
    oh, ow = plan.out_shape
    strip = int(_CAPTION * 1.6)
    height = strip + max(hp, kh, oh) * cell + 1
    width = (wp + 2 * kw + ow) * cell + 4 + 3 * _GAP
    return height, width


def _check(plan: ConvPlan) -> None:
    if not isinstance(plan, ConvPlan):
        raise TypeError(f"`plan` must be a ConvPlan, got {type(plan).__name__}")
    if plan.padded.ndim != 2:
        raise ValueError("`plan` must be single-channel (2-D) for an animation")


def _ring(out: np.ndarray, y0: int, x0: int, y1: int, x1: int, t: int) -> None:
    """The outline ImageDraw.rectangle([x0, y0, x1, y1], width=t) draws (inclusive box)."""
    color = np.uint8(render.WINDOW_COLOR)
    out[y0:y0 + t, x0:x1 + 1] = color
    out[y1 - t + 1:y1 + 1, x0:x1 + 1] = color
    out[y0:y1 + 1, x0:x0 + t] = color
    out[y0:y1 + 1, x1 - t + 1:x1 + 1] = color


def animation_frames(plan: ConvPlan, *, cell: int = 40,
                     steps: Sequence[int] | None = None) -> Iterator[np.ndarray]:
    """The steps of a single-channel plan as frames: input | kernel | products | output.

    Parameters
    ----------
    plan : ConvPlan
        A single-channel (2-D) plan.
    cell : int
        Cell side in pixels.
    steps : sequence of int, optional
        The steps to draw (default all of them), each in ``0 .. plan.n_steps - 1``.

    Yields
    ------
    ndarray of uint8, shape :func:`animation_shape`
        One frame per step, drawn when asked for (a generator: one frame in memory).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> plan = conv_plan(np.zeros((4, 4)), np.ones((3, 3)))
    >>> frames = list(animation_frames(plan, cell=20, steps=[0, 3]))
    >>> len(frames), frames[0].shape[:2] == animation_shape(plan, 20)
    (2, True)
    """
    _check(plan)
    cell = int(cell)
    steps = range(plan.n_steps) if steps is None else list(steps)
    for s in steps:
        if not 0 <= s < plan.n_steps:
            raise ValueError(f"`steps` must be in 0..{plan.n_steps - 1}, got {s}")
    return _frames(plan, cell, steps)


def _frames(plan: ConvPlan, cell: int, steps: Sequence[int]) -> Iterator[np.ndarray]:
    values = plan_values(plan)  # (H', W')
    in_base = input_base(plan.padded, plan.pad_mask, cell=cell)
    out_base = output_base(values, cell=cell)
    hidden = hide_cells(out_base, np.ones(values.shape, bool), cell=cell)
    kern = kernel_image(plan.kernel, cell=cell)
    prod_shape = kern.shape
    blank = np.full(prod_shape, 255, np.uint8)
    canvas = render.hstack([render.label(in_base, ""), render.label(kern, "kernel"),
                            render.label(blank, "products"), render.label(hidden, "output")],
                           gap=_GAP)
    strip = int(_CAPTION * 1.6)
    in_w = in_base.shape[1]
    px = in_w + _GAP + kern.shape[1] + _GAP  # products panel's left edge
    ox = px + kern.shape[1] + _GAP  # output panel's left edge
    thick = max(2, cell // 14)
    width = values.shape[1]
    for index in steps:
        step = plan.step(index)
        frame = canvas.copy()
        frame[:strip, :in_w] = render.label(np.zeros((0, in_w, 3), np.uint8),
                                            f"input, step {index + 1}")
        for r in step.rows:  # every tap of the window, as conv_view.add_window draws it
            for c in step.cols:
                _ring(frame, strip + r * cell, c * cell, strip + (r + 1) * cell,
                      (c + 1) * cell, thick)
        frame[strip:strip + prod_shape[0], px:px + prod_shape[1]] = products_image(
            step, cell=cell)
        r, c = divmod(index, width)
        out = frame[strip:strip + out_base.shape[0], ox:ox + out_base.shape[1]]
        out[:r * cell] = out_base[:r * cell]  # rows filled in, then this row up to the step
        out[r * cell:(r + 1) * cell, :(c + 1) * cell + 1] = out_base[
            r * cell:(r + 1) * cell, :(c + 1) * cell + 1]
        _ring(out, r * cell, c * cell, (r + 1) * cell, (c + 1) * cell, thick)
        yield frame


def animation_numbers_left_out(plan: ConvPlan, cell: int) -> bool:
    """Whether the animation at ``cell`` px leaves numbers out: a number too long for its
    cell at 12 px (the smallest drawn, :data:`convviz.draw.render.MIN_FONT`) in the input,
    the kernel, any step's products or the output shows only its cell's colour; say so
    beside the GIF (:data:`convviz.draw.render.NUMBERS_LEFT_OUT`).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> plan = conv_plan(np.arange(16.0).reshape(4, 4) * 10, np.ones((3, 3)))
    >>> animation_numbers_left_out(plan, 40), animation_numbers_left_out(plan, 24)
    (False, True)
    """
    _check(plan)
    cell = int(cell)
    if (render.numbers_left_out(plan.padded, cell, fmt=fmt)
            or render.numbers_left_out(plan.kernel, cell, fmt=numbers.weight_format(plan.kernel))
            or render.numbers_left_out(plan_values(plan), cell, fmt=fmt)):
        return True
    (kh, kw), (sh, sw), (dh, dw) = plan.kernel.shape, plan.stride, plan.dilation
    oh, ow = plan.out_shape
    taps = np.lib.stride_tricks.sliding_window_view(
        plan.padded, ((kh - 1) * dh + 1, (kw - 1) * dw + 1))[::sh, ::sw][:oh, :ow, ::dh, ::dw]
    products = np.unique(taps * plan.kernel)  # every step's products, (H', W', kH, kW)
    return bool(render.numbers_left_out(products[None], cell, fmt=fmt))


def animation_cost(plan: ConvPlan, *, cell: int = ANIMATION_CELLS[0],
                   frames: int | None = None) -> budget.Cost:
    """The estimated cost of a GIF of ``frames`` steps (default all) at ``cell`` px.

    From the plan's sizes alone: nothing is drawn.

    Examples
    --------
    >>> from convviz import conv_plan
    >>> c = animation_cost(conv_plan(np.zeros((12, 12)), np.ones((7, 7)), padding="full",
    ...                              dilation=3))
    >>> c.frames, c.frame_bytes, c.fits
    (900, 22006404, False)
    """
    frames = plan.n_steps if frames is None else int(frames)
    h, w = animation_shape(plan, cell)
    mpx = h * w / 1e6
    output = int(frames * mpx * _BYTES_PER_FRAME_MPX + h * w * 0.25)  # + the first frame
    return budget.Cost("the animation", frames=frames, frame_bytes=h * w * 3,
                       peak_bytes=h * w * _WORK_BYTES_PER_PX + output, output_bytes=output,
                       seconds=_SECONDS_FIXED + frames * mpx * _SECONDS_PER_MPX)


def animation_fit(plan: ConvPlan, *, cells: Sequence[int] = ANIMATION_CELLS) -> budget.Fit:
    """What one click's GIF of ``plan`` holds: every step at 40 px cells when that fits,
    else smaller cells and every k-th step (see :func:`convviz.base.budget.fit_frames`).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> fit = animation_fit(conv_plan(np.zeros((12, 12)), np.ones((7, 7)), padding="full",
    ...                               dilation=3))
    >>> fit.total, fit.every > 1, fit.cost.fits, fit.note.startswith("The animation in full")
    (900, True, True, True)
    """
    _check(plan)
    return budget.fit_frames(plan.n_steps, list(cells),
                             lambda n, cell: animation_cost(plan, cell=cell, frames=n))


def animation_gif(plan: ConvPlan, fit: budget.Fit | None = None, *,
                  fps: float = ANIMATION_FPS) -> bytes:
    """The GIF of ``fit`` (default :func:`animation_fit`): its steps at its cell size.

    Raises
    ------
    convviz.base.budget.OverBudgetError
        When ``fit``'s cost passes one click's budget.
    convviz.base.memory.MemoryLimitError
        Before any drawing, when the server's memory limit would be passed.
    """
    fit = animation_fit(plan) if fit is None else fit
    cost = budget.check(animation_cost(plan, cell=fit.size, frames=len(fit.frames)))
    with memory.reserve(cost.peak_bytes, "the animation"):
        frames = animation_frames(plan, cell=fit.size, steps=fit.frames)
        first = next(frames)
        last = next(animation_frames(plan, cell=fit.size, steps=[plan.n_steps - 1]))
        palette = make_palette([first, last])  # the output full and empty, every colour
        del last
        buf = io.BytesIO()
        write_gif(buf, itertools.chain([first], frames), fps=fps, palette=palette,
                  last_duration=max(1500, round(1000 / fps)))
        return buf.getvalue()
