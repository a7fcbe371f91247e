"""Pictures and sentences for one step of a convolution (pure: no streamlit).

Every number comes from a :class:`~convviz.conv_steps.ConvPlan` and its
:class:`~convviz.steps.Step`: the products and channel sums the engine computed, its
``value`` (sum + bias) and its window geometry. This module only lays them out.

Examples
--------
>>> import numpy as np
>>> from convviz import conv_plan
>>> plan = conv_plan(np.arange(9.0).reshape(3, 3), np.array([[1.0, -1.0]]), 0.5)
>>> step_equation(plan.step(0), plan.kernel)
('(1×0) + (-1×1) = -1', '-1 + 0.5 = -0.5')
"""

from __future__ import annotations

import numpy as np

from . import render
from .conv_steps import ConvPlan
from .examples import CHANNEL_NAMES
from .steps import Step

__all__ = ["bias_equation", "cell_size", "channel_colors", "coverage", "input_image",
           "kernel_image", "output_image", "plan_values", "products_image", "step_equation",
           "step_frame", "terms_equation"]

_CHANNEL_RGB = np.array([[255, 60, 60], [40, 190, 40], [70, 120, 255]], dtype=np.float64)
fmt = render.format_value


def cell_size(n_cells: int, *, budget: int = 620, lo: int = 30, hi: int = 56) -> int:
    """Cell side in pixels so that ``n_cells`` fit in ``budget`` pixels, within [lo, hi].

    Examples
    --------
    >>> cell_size(5), cell_size(18), cell_size(40)
    (56, 34, 30)
    """
    return int(max(lo, min(hi, budget // max(1, n_cells))))


def channel_colors(values: np.ndarray, channel: int, vmin: float, vmax: float) -> np.ndarray:
    """Black (vmin) to the channel's colour (vmax): how a colour channel looks alone.

    Returns
    -------
    ndarray of uint8, shape (..., 3)

    Examples
    --------
    >>> channel_colors(np.array([0.0, 9.0]), 0, 0, 9).tolist()
    [[0, 0, 0], [255, 60, 60]]
    """
    v = np.asarray(values, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip((v - vmin) / span, 0, 1)[..., None]
    return np.rint(t * _CHANNEL_RGB[channel]).astype(np.uint8)


def terms_equation(patch: np.ndarray, kernel: np.ndarray, products: np.ndarray, *,
                   max_terms: int = 9) -> str:
    """"(w×x) + ... = sum" for one 2-D window, or "sum of the N products = sum" when long.

    The weight comes first in each term; the sum is the engine's ``products`` summed.

    Examples
    --------
    >>> p = np.array([[3.0, 5.0]]); k = np.array([[-1.0, 0.0]])
    >>> terms_equation(p, k, p * k)
    '(-1×3) + (0×5) = -3'
    >>> terms_equation(np.ones((4, 4)), np.ones((4, 4)), np.ones((4, 4)))
    'sum of the 16 products = 16'
    """
    total = fmt(float(products.sum()))
    if products.size > max_terms:
        return f"sum of the {products.size} products = {total}"
    terms = [f"({fmt(float(w))}×{fmt(float(x))})"
             for w, x in zip(kernel.ravel(), patch.ravel(), strict=True)]
    return " + ".join(terms) + f" = {total}"


def bias_equation(total: float, bias: float, value: float) -> str:
    """"total + bias = value", with a negative bias written as a subtraction.

    Examples
    --------
    >>> bias_equation(12.0, 0.5, 12.5), bias_equation(3.0, -1.0, 2.0)
    ('12 + 0.5 = 12.5', '3 − 1 = 2')
    """
    sign = "−" if bias < 0 else "+"
    return f"{fmt(total)} {sign} {fmt(abs(bias))} = {fmt(value)}"


def step_equation(step: Step, kernel: np.ndarray, *, max_terms: int = 9) -> tuple[str, str]:
    """The two lines under a step: the products summed, then "+ bias = output".

    For a multi-channel step the first line adds up the per-channel sums
    ("R 12 + G -3 + B 4 = 13"); :func:`terms_equation` on one channel gives its detail.
    """
    if step.channel_sums is not None:
        names = CHANNEL_NAMES if len(step.channel_sums) == 3 else [
            f"channel {c + 1}" for c in range(len(step.channel_sums))]
        total = float(step.channel_sums.sum())
        first = " + ".join(f"{n} ({fmt(float(s))})" for n, s in
                           zip(names, step.channel_sums, strict=True)) + f" = {fmt(total)}"
    else:
        total = float(step.products.sum())
        first = terms_equation(step.patch, kernel, step.products, max_terms=max_terms)
    return first, bias_equation(total, step.bias, step.value)


def plan_values(plan: ConvPlan) -> np.ndarray:
    """Every output value, step by step, as the (H', W') feature map.

    Examples
    --------
    >>> from convviz import conv_plan
    >>> plan_values(conv_plan(np.arange(16.0).reshape(4, 4), np.ones((3, 3)))).tolist()
    [[45.0, 54.0], [81.0, 90.0]]
    """
    return np.array([plan.step(i).value for i in range(plan.n_steps)]).reshape(plan.out_shape)


def coverage(plan: ConvPlan) -> np.ndarray:
    """How many windows use each input cell (padding excluded), shape (H, W).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> coverage(conv_plan(np.zeros((4, 4)), np.ones((3, 3))))[:, 0].tolist()
    [1, 2, 2, 1]
    """
    counts = np.zeros(plan.pad_mask.shape, dtype=int)
    for i in range(plan.n_steps):
        rows, cols = plan.window(i)
        counts[np.ix_(rows, cols)] += 1
    (top, bottom), (left, right) = plan.pads
    return counts[top:counts.shape[0] - bottom, left:counts.shape[1] - right]


def _input_colors(plan: ConvPlan, channel: int | None) -> np.ndarray:
    data = plan.padded if channel is None else plan.padded[..., channel]
    vmin, vmax = min(0.0, float(plan.padded.min())), max(1.0, float(plan.padded.max()))
    if channel is None:
        return render.gray_colors(data, vmin, vmax)
    return channel_colors(data, channel, vmin, vmax)


def input_image(plan: ConvPlan, step: Step | None, *, cell: int,
                channel: int | None = None) -> np.ndarray:
    """The padded input (one channel of it) with padding hatched and the window outlined."""
    data = plan.padded if channel is None else plan.padded[..., channel]
    window = None if step is None else (step.rows, step.cols)
    return render.draw_grid(data, cell=cell, colors=_input_colors(plan, channel),
                            pad_mask=plan.pad_mask, window=window)


def kernel_image(kernel: np.ndarray, *, cell: int) -> np.ndarray:
    """A 2-D kernel (or one slice) on the diverging scale."""
    return render.draw_grid(kernel, cell=cell)


def products_image(step: Step, *, cell: int, channel: int | None = None) -> np.ndarray:
    """The element-wise products of one window (one channel's), diverging scale."""
    prods = step.products if channel is None else step.products[..., channel]
    return render.draw_grid(prods, cell=cell)


def output_image(values: np.ndarray, upto: int | None, *, cell: int) -> np.ndarray:
    """The feature map filled in up to step ``upto`` (row-major), that cell outlined.

    ``upto=None`` shows every cell with no outline. The colour scale is fixed by the
    whole map so that colours do not shift while it fills in.
    """
    colors = render.diverging_colors(values)
    if upto is None:
        return render.draw_grid(values, cell=cell, colors=colors)
    hidden = (np.arange(values.size) > upto).reshape(values.shape)
    r, c = divmod(upto, values.shape[1])
    return render.draw_grid(values, cell=cell, colors=colors, hidden=hidden,
                            window=((r,), (c,)))


def step_frame(plan: ConvPlan, values: np.ndarray, index: int, *, cell: int = 40
               ) -> np.ndarray:
    """One animation frame of a single-channel plan: input | kernel | products | output."""
    step = plan.step(index)
    parts = [
        render.label(input_image(plan, step, cell=cell), f"input, step {index + 1}"),
        render.label(kernel_image(plan.kernel, cell=cell), "kernel"),
        render.label(products_image(step, cell=cell), "products"),
        render.label(output_image(values, index, cell=cell), "output"),
    ]
    return render.hstack(parts, gap=24)
