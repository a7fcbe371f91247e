"""Pictures and sentences for one step of a convolution (pure: no streamlit).

Every number comes from a :class:`~convviz.engine.conv_steps.ConvPlan` and its
:class:`~convviz.engine.steps.Step`: the products and channel sums the engine computed, its
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

from collections.abc import Iterable
from functools import partial

import numpy as np
from PIL import Image, ImageDraw

from convviz.draw import numbers, render
from convviz.engine.conv import conv2d
from convviz.engine.conv_steps import ConvPlan
from convviz.engine.steps import Step

__all__ = ["CHANNEL_NAMES", "add_window", "bias_equation", "cell_size", "channel_colors",
           "coverage", "fmt", "hide_cells", "input_base", "input_image", "kernel_image",
           "output_base", "output_image", "plan_values", "products_image", "step_equation",
           "terms_equation"]

#: The names of an RGB input's channels, in order.
CHANNEL_NAMES = ("R", "G", "B")
_CHANNEL_RGB = np.array([[255, 60, 60], [40, 190, 40], [70, 120, 255]], dtype=np.float64)
#: Values (inputs, products, sums, outputs) with up to 4 significant digits, so a product
#: such as 9 × 1/16 = 0.5625 shows all its digits; weights use numbers.weight_format.
fmt = partial(numbers.format_value, digits=4)


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
    wfmt = numbers.weight_format(kernel)  # 1/16 for a box blur's 0.0625, as in its grid
    terms = [f"({wfmt(float(w))}×{fmt(float(x))})"
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
    """The whole (H', W') feature map of a plan, from :func:`convviz.conv2d`.

    The plan's input is already padded and its kernel already flipped, so this is the
    same arithmetic as its steps, in one vectorised call.

    Examples
    --------
    >>> from convviz import conv_plan
    >>> plan_values(conv_plan(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), 1.0)).tolist()
    [[46.0, 55.0], [82.0, 91.0]]
    """
    return conv2d(plan.padded, plan.kernel, plan.bias, stride=plan.stride,
                  dilation=plan.dilation)


def coverage(plan: ConvPlan) -> np.ndarray:
    """How many windows use each input cell (padding excluded), shape (H, W).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> coverage(conv_plan(np.zeros((4, 4)), np.ones((3, 3))))[:, 0].tolist()
    [1, 2, 2, 1]
    """
    counts = np.zeros(plan.pad_mask.shape, dtype=int)
    (sh, sw), (dh, dw) = plan.stride, plan.dilation
    out_r, out_c = plan.out_shape
    for a in range(plan.kernel.shape[0]):  # one pass per kernel tap, not per window
        rows = a * dh + sh * np.arange(out_r)
        for b in range(plan.kernel.shape[1]):
            counts[np.ix_(rows, b * dw + sw * np.arange(out_c))] += 1
    (top, bottom), (left, right) = plan.pads
    return counts[top:counts.shape[0] - bottom, left:counts.shape[1] - right]


def add_window(img: np.ndarray, rows: Iterable[int], cols: Iterable[int], *,
               cell: int) -> np.ndarray:
    """A copy of a :func:`~convviz.draw.render.draw_grid` image with cells outlined as its
    ``window=`` argument does (cheap: only the outlines are drawn on a cached grid)."""
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    thick = max(2, cell // 14)
    for r in rows:
        for c in cols:
            draw.rectangle([c * cell, r * cell, (c + 1) * cell, (r + 1) * cell],
                           outline=render.WINDOW_COLOR, width=thick)
    return np.asarray(pil)


def hide_cells(img: np.ndarray, hidden: np.ndarray, *, cell: int) -> np.ndarray:
    """A copy of a grid image with the ``hidden`` cells emptied (white, grid lines kept).

    Examples
    --------
    >>> img = render.draw_grid(np.ones((1, 2)), cell=20)
    >>> int(hide_cells(img, np.array([[False, True]]), cell=20)[10, 30].min())
    255
    """
    out = img.copy()
    for r, c in zip(*np.nonzero(hidden), strict=True):
        out[r * cell + 1:(r + 1) * cell, c * cell + 1:(c + 1) * cell] = 255
    return out


def input_base(padded: np.ndarray, pad_mask: np.ndarray, *, cell: int,
               channel: int | None = None) -> np.ndarray:
    """The padded input (one channel of it) with padding hatched, no window.

    Gray (black = lowest, white = highest) for one channel; black to the channel's
    colour for R, G, B. The scale covers the whole padded input.
    """
    data = padded if channel is None else padded[..., channel]
    vmin, vmax = min(0.0, float(padded.min())), max(1.0, float(padded.max()))
    colors = (render.gray_colors(data, vmin, vmax) if channel is None
              else channel_colors(data, channel, vmin, vmax))
    return render.draw_grid(data, cell=cell, colors=colors, pad_mask=pad_mask, fmt=fmt)


def input_image(plan: ConvPlan, step: Step | None, *, cell: int,
                channel: int | None = None, base: np.ndarray | None = None) -> np.ndarray:
    """The padded input with padding hatched and the window of ``step`` outlined.

    ``base`` is :func:`input_base` of the same plan, when the caller has it cached.
    """
    if base is None:
        base = input_base(plan.padded, plan.pad_mask, cell=cell, channel=channel)
    return base if step is None else add_window(base, step.rows, step.cols, cell=cell)


def kernel_image(kernel: np.ndarray, *, cell: int) -> np.ndarray:
    """A 2-D kernel (or one slice) on the diverging scale, its weights as
    :func:`convviz.draw.numbers.weight_format` writes them (1/16 for a box blur's 0.0625)."""
    return render.draw_grid(kernel, cell=cell, fmt=numbers.weight_format(kernel))


def products_image(step: Step, *, cell: int, channel: int | None = None) -> np.ndarray:
    """The element-wise products of one window (one channel's), diverging scale."""
    prods = step.products if channel is None else step.products[..., channel]
    return render.draw_grid(prods, cell=cell, fmt=fmt)


def output_base(values: np.ndarray, *, cell: int) -> np.ndarray:
    """The whole feature map on the diverging scale of all its values."""
    return render.draw_grid(values, cell=cell, colors=render.diverging_colors(values), fmt=fmt)


def output_image(values: np.ndarray, upto: int | None, *, cell: int,
                 base: np.ndarray | None = None) -> np.ndarray:
    """The feature map filled in up to step ``upto`` (row-major), that cell outlined.

    ``upto=None`` shows every cell with no outline. The colour scale is fixed by the
    whole map so that colours do not shift while it fills in. ``base`` is
    :func:`output_base` of the same values, when the caller has it cached.
    """
    if base is None:
        base = output_base(values, cell=cell)
    if upto is None:
        return base
    hidden = (np.arange(values.size) > upto).reshape(values.shape)
    r, c = divmod(upto, values.shape[1])
    return add_window(hide_cells(base, hidden, cell=cell), (r,), (c,), cell=cell)

