"""Pictures of the gradients view: the kernel gradient step by step, max pooling's routing
and one SGD update, as uint8 RGB images (pure: no streamlit).

Gradients are small numbers (0.0012 is typical), so the grids here print as many decimals as
two significant digits of the largest value need (:func:`auto_decimals`), in a font shrunk to
fit the cell; every number is one the engine computed (:mod:`convviz.inside.gradients`).

>>> from convviz.inside.gradients import kernel_gradient_plan
>>> plan = kernel_gradient_plan(np.ones((4, 4, 1)), np.full((2, 2, 1), 0.01), 0, 0,
...                             kernel_size=3)
>>> render_kernel_gradient_step(plan, 0).dtype
dtype('uint8')
>>> kernel_gradient_equation(plan, 0)
'dW[0, 0] = (0.01×1) + (0.01×1) + (0.01×1) + (0.01×1) = 0.04'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import as_float_array, check_int
from convviz.draw import numbers
from convviz.draw import render as R
from convviz.draw.conv_view import cell_size, input_image, plan_values
from convviz.engine.conv_steps import ConvPlan
from convviz.inside.gradients import Route

__all__ = ["auto_decimals", "kernel_gradient_equation", "number_grid",
           "render_kernel_gradient_step", "render_routing", "render_update"]


def auto_decimals(values: Any, *, digits: int = 2, lo: int = 2, hi: int = 6) -> int:
    """Decimals that show ``digits`` significant digits of the largest ``|value|``.

    Examples
    --------
    >>> auto_decimals([0.5, -1.0]), auto_decimals([0.0123]), auto_decimals([0.0])
    (2, 3, 2)
    """
    top = float(np.max(np.abs(np.asarray(values, dtype=np.float64)), initial=0.0))
    if not (math.isfinite(top) and top > 0):
        return lo
    return int(np.clip(digits - 1 - math.floor(math.log10(top)), lo, hi))


def number_grid(values: Any, *, cell: int, decimals: int | None = None,
                colors: np.ndarray | None = None, pad_mask: np.ndarray | None = None,
                window: tuple[Iterable[int], Iterable[int]] | None = None,
                marks: Iterable[tuple[int, int]] = (),
                hidden: np.ndarray | None = None) -> np.ndarray:
    """:func:`convviz.draw.render.draw_grid` with the numbers' font shrunk to fit each cell.

    ``decimals`` defaults to :func:`auto_decimals` of the values; below an 8 px font the
    numbers are left out (colours only), as ``draw_grid`` does for cells under 18 px.

    Examples
    --------
    >>> number_grid(np.array([[0.00123, -0.0005]]), cell=40).shape
    (41, 81, 3)
    """
    v = np.asarray(values, dtype=np.float64)
    decimals = auto_decimals(v) if decimals is None else check_int(decimals, "decimals",
                                                                    minimum=0)
    img = R.draw_grid(v, cell=cell, colors=colors, pad_mask=pad_mask, window=window,
                      marks=marks, hidden=hidden, show_numbers=False)
    texts = [[numbers.format_value(float(x), decimals) for x in row] for row in v]
    longest = max((t for row in texts for t in row), key=len, default="")
    size = int(cell * 0.30)
    while size >= 8 and R.font(size).getlength(longest) > cell - 4:
        size -= 1
    if size < 8:
        return img
    bg = R.diverging_colors(v) if colors is None else np.asarray(colors, dtype=np.uint8)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    for (r, c), text in np.ndenumerate(np.array(texts, dtype=object)):
        if (hidden is not None and hidden[r, c]) or (pad_mask is not None and pad_mask[r, c]
                                                      and v[r, c] == 0):
            continue  # a padding zero reads better as hatching alone
        luma = 0.299 * bg[r, c, 0] + 0.587 * bg[r, c, 1] + 0.114 * bg[r, c, 2]
        draw.text((c * cell + cell / 2, r * cell + cell / 2), text, font=R.font(size),
                  fill=(0, 0, 0) if luma > 140 else (255, 255, 255), anchor="mm")
    return np.asarray(pil)


def _check_plan(plan: Any, index: int) -> int:
    if not isinstance(plan, ConvPlan) or plan.padded.ndim != 2:
        raise TypeError("`plan` must be a single-channel ConvPlan from kernel_gradient_plan, "
                        f"got {type(plan).__name__}")
    index = check_int(index, "index", minimum=0)
    if index >= plan.n_steps:
        raise ValueError(f"`index` must be in 0..{plan.n_steps - 1}, got {index}")
    return index


def render_kernel_gradient_step(plan: ConvPlan, index: int, *,
                                cell: int | None = None) -> np.ndarray:
    """One step of a kernel gradient: input, output gradient, products, gradient so far.

    Parameters
    ----------
    plan : ConvPlan
        From :func:`convviz.inside.gradients.kernel_gradient_plan`.
    index : int
        The step: kernel entry ``divmod(index, kW)``.
    cell : int, optional
        Cell side in pixels; default fitted to the largest grid.

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)
        Side by side: the layer input (padding hatched, the cells of this step outlined,
        ``stride`` apart), the output gradient (which slides like a kernel), their products,
        and the kernel gradient filled in up to this step.
    """
    index = _check_plan(plan, index)
    step = plan.step(index)
    if cell is None:
        cell = cell_size(max(plan.padded.shape), budget=420, lo=14, hi=48)
    grads = plan_values(plan)  # (kH, kW), the whole kernel gradient
    hidden = (np.arange(grads.size) > index).reshape(grads.shape)
    u, v = step.out_pos
    kcell = max(cell, 40)
    return R.hstack([
        R.label_fit(input_image(plan, step, cell=cell), "layer input", size=16),
        R.label_fit(number_grid(plan.kernel, cell=cell), "output gradient", size=16),
        R.label_fit(number_grid(step.products, cell=cell), "products", size=16),
        R.label_fit(number_grid(grads, cell=kcell, hidden=hidden, window=((u,), (v,)),
                                decimals=auto_decimals(grads)), "kernel gradient", size=16),
    ], gap=20)


def kernel_gradient_equation(plan: ConvPlan, index: int, *, max_terms: int = 4) -> str:
    """"dW[u, v] = (g×x) + ... = sum" for one step, or "sum of the N products" when long.

    ``g`` is the output gradient and ``x`` the input cell; the sum is the step's value.
    """
    index = _check_plan(plan, index)
    step = plan.step(index)
    u, v = step.out_pos
    dec = auto_decimals(np.concatenate([step.products.ravel(), [step.value]]))
    total = numbers.format_value(step.value, dec)
    if step.products.size > max_terms:
        return f"dW[{u}, {v}] = sum of the {step.products.size} products = {total}"
    gd, xd = auto_decimals(plan.kernel), auto_decimals(step.patch)
    fv = numbers.format_value
    terms = " + ".join(f"({fv(float(g), gd)}×{fv(float(x), xd)})"
                       for g, x in zip(plan.kernel.ravel(), step.patch.ravel(), strict=True))
    return f"dW[{u}, {v}] = {terms} = {total}"


def render_routing(x_channel: Any, dout_channel: Any, routed: Any, winners: Sequence[Route],
                   *, step: int | None = None, cell: int | None = None) -> np.ndarray:
    """Max pooling's backward for one channel: input with winners, dout, routed gradient.

    Parameters
    ----------
    x_channel : array_like, shape (H, W)
        The pool's input channel.
    dout_channel : array_like, shape (H', W')
        d loss / d the pool's output, that channel.
    routed, winners
        From :func:`convviz.inside.gradients.maxpool_routing`.
    step : int, optional
        Highlight one window (row-major): its cells, its output cell and its winner;
        otherwise every winner is circled.
    cell : int, optional

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)
    """
    x = as_float_array(x_channel, "x_channel", ndims=(2,))
    d = as_float_array(dout_channel, "dout_channel", ndims=(2,))
    g = as_float_array(routed, "routed", ndims=(2,))
    if g.shape != x.shape or len(winners) != d.size:
        raise ValueError(f"`routed` {g.shape} must match `x_channel` {x.shape} and `winners` "
                         f"({len(winners)}) must have one entry per cell of `dout_channel` "
                         f"{d.shape}")
    if step is not None:
        step = check_int(step, "step", minimum=0)
        if step >= len(winners):
            raise ValueError(f"`step` must be in 0..{len(winners) - 1}, got {step}")
    chosen = winners if step is None else [winners[step]]
    cell = cell or cell_size(max(x.shape), budget=420, lo=14, hi=48)
    wins = [w.in_pos for w in chosen]
    out_win = None if step is None else ((chosen[0].out_pos[0],), (chosen[0].out_pos[1],))
    in_win = None if step is None else ((wins[0][0],), (wins[0][1],))
    x_win = None if step is None else (chosen[0].rows, chosen[0].cols)
    return R.hstack([
        R.label_fit(number_grid(x, cell=cell, window=x_win, marks=wins),
                    "pool input (winners circled)", size=16),
        R.label_fit(number_grid(d, cell=max(cell, 40), window=out_win),
                    "gradient at the output", size=16),
        R.label_fit(number_grid(g, cell=cell, window=in_win, marks=wins),
                    "gradient at the input", size=16),
    ], gap=20)


def render_update(before: Any, grad: Any, after: Any, *, lr: float,
                  cell: int = 56) -> np.ndarray:
    """One SGD update of a kernel: before, gradient, -lr × gradient, after, side by side.

    ``before`` and ``after`` share one colour scale and enough decimals to show the change.

    Examples
    --------
    >>> from convviz.inside.gradients import sgd_update_view
    >>> render_update(*sgd_update_view(np.ones((3, 3)), np.ones((3, 3)), 0.1), lr=0.1).ndim
    3
    """
    b = as_float_array(before, "before", ndims=(2,))
    g = as_float_array(grad, "grad", ndims=(2,))
    a = as_float_array(after, "after", ndims=(2,))
    if not b.shape == g.shape == a.shape:
        raise ValueError(f"`before`, `grad` and `after` must have one shape, got {b.shape}, "
                         f"{g.shape} and {a.shape}")
    delta = -float(lr) * g  # the change SGD adds: after = before + delta
    dec = max(auto_decimals(np.concatenate([b.ravel(), a.ravel()])), auto_decimals(delta))
    vmax = R.full_scale(np.concatenate([b.ravel(), a.ravel()]))  # one scale for both
    return R.hstack([
        R.label_fit(number_grid(b, cell=cell, decimals=dec,
                                colors=R.diverging_colors(b, vmax)), "before", size=16),
        R.label_fit(number_grid(g, cell=cell), "gradient", size=16),
        R.label_fit(number_grid(delta, cell=cell), f"− lr × gradient (lr = {lr:g})", size=16),
        R.label_fit(number_grid(a, cell=cell, decimals=dec,
                                colors=R.diverging_colors(a, vmax)), "after", size=16),
    ], gap=20)
