"""The gradients view's grids, for the browser's grid view (:mod:`convviz.draw.grid_data`):
the kernel gradient step by step, max pooling's routing of the gradient, one SGD update
(pure: no streamlit).

Gradients are small numbers (0.0012 is typical), so the grids here print as many decimals as
two significant digits of the largest value need (:func:`auto_decimals`); the browser sizes
the cells to its column and hides numbers that would be under 12 px (a hover read-out shows
them). Every number is one the engine computed (:mod:`convviz.inside.gradients`); colours
come from the scales of :mod:`convviz.draw.render`, with a legend on every coloured grid.

>>> from convviz.inside.gradients import kernel_gradient_plan
>>> plan = kernel_gradient_plan(np.ones((4, 4, 1)), np.full((2, 2, 1), 0.01), 0, 0,
...                             kernel_size=3)
>>> kernel_gradient_payload(plan)["steps"]["value"][:2]
['0.04', '0.04']
>>> kernel_gradient_equation(plan, 0)
'dW[0, 0] = (0.01×1) + (0.01×1) + (0.01×1) + (0.01×1) = 0.04'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_int
from convviz.draw import numbers
from convviz.draw import render as R
from convviz.draw.grid_data import (
    PAD,
    grid_panel,
    grid_payload,
    ramp_legend,
)
from convviz.engine.conv_steps import ConvPlan
from convviz.inside.gradients import Route

__all__ = ["auto_decimals", "kernel_gradient_equation", "kernel_gradient_payload",
           "routing_payload", "update_payload"]


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


def _check_plan(plan: Any, index: int) -> int:
    if not isinstance(plan, ConvPlan) or plan.padded.ndim != 2:
        raise TypeError("`plan` must be a single-channel ConvPlan from kernel_gradient_plan, "
                        f"got {type(plan).__name__}")
    index = check_int(index, "index", minimum=0)
    if index >= plan.n_steps:
        raise ValueError(f"`index` must be in 0..{plan.n_steps - 1}, got {index}")
    return index


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




def _text(values: Any, decimals: int) -> np.ndarray:
    """Each value written with ``decimals`` (the one rounding rule of convviz.draw.numbers)."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = numbers.format_value(float(v), decimals)
    return out


def _scale_legend(vmax: float, decimals: int, title: str = "colour: blue < 0 < red"
                  ) -> dict[str, Any]:
    """The legend of the diverging scale of full magnitude ``vmax``."""
    fv = numbers.format_value
    return ramp_legend(title, R.DIVERGING.astype(np.uint8),
                       [fv(-vmax, decimals), "0", fv(vmax, decimals)])


def kernel_gradient_payload(plan: ConvPlan, *, step: int = 0) -> dict[str, Any]:
    """Every step of a kernel gradient as a grid-view payload: one weight's gradient a step.

    Parameters
    ----------
    plan : ConvPlan
        From :func:`convviz.inside.gradients.kernel_gradient_plan`: the layer input (one
        channel, padded) and the output gradient (one feature map) sliding over it as a
        kernel, ``stride`` apart.
    step : int
        The 0-based step the browser starts at.

    Returns
    -------
    dict
        Panels ``"input"`` (source, ``(Hp, Wp)``: the layer input in gray, padding hatched;
        the step's window lights the cells that met the output gradient), ``"dout"`` (the
        output gradient), ``"products"`` (per step) and ``"grad"`` (target, ``(kH, kW)``:
        the kernel gradient filling in; step ``u * kW + v`` is ``dW[u, v]``). Each step's
        line is :func:`kernel_gradient_equation`.

    Examples
    --------
    >>> from convviz.inside.gradients import kernel_gradient_plan
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> p = kernel_gradient_payload(kernel_gradient_plan(x, np.full((2, 2, 1), 0.5), 0, 0,
    ...                                                  kernel_size=3))
    >>> p["n_steps"], p["steps"]["label"][4], p["steps"]["value"][4], p["steps"]["window"][4]
    (9, 'dW[1, 1]', '15', [5, 6, 9, 10])
    """
    _check_plan(plan, 0)
    steps = [plan.step(i) for i in range(plan.n_steps)]
    hp, wp = plan.pad_mask.shape
    kh, kw = plan.out_shape
    grads = np.array([s.value for s in steps], dtype=np.float64).reshape(kh, kw)
    prods = np.stack([s.products for s in steps])  # (steps, H', W')
    xd, gd_, pd, wd = (auto_decimals(plan.padded), auto_decimals(plan.kernel),
                       auto_decimals(prods), auto_decimals(grads))
    vmin, vmax = min(0.0, float(plan.padded.min())), max(1.0, float(plan.padded.max()))
    gray = np.where(plan.pad_mask[..., None], np.uint8(R.PAD_FILL),
                    R.gray_colors(plan.padded, vmin, vmax)).astype(np.uint8)
    fv = numbers.format_value
    frames = [{"text": _text(s.products, pd), "colors": R.diverging_colors(s.products),
               "ticks": _scale_legend(R.full_scale(s.products), pd)["ticks"]} for s in steps]
    panels = [
        grid_panel("input", title=f"layer input, one channel ({hp}x{wp})", role="source",
                   text=_text(plan.padded, xd), colors=gray,
                   flags=np.where(plan.pad_mask, PAD, 0),
                   caption="hatched grey = padding" if plan.pad_mask.any() else None,
                   legend=ramp_legend("colour: input value",
                                      np.array([[0, 0, 0], [255, 255, 255]], np.uint8),
                                      [fv(vmin, xd), fv(vmax, xd)])),
        grid_panel("dout", title="output gradient (slides like a kernel)",
                   text=_text(plan.kernel, gd_), colors=R.diverging_colors(plan.kernel),
                   legend=_scale_legend(R.full_scale(plan.kernel), gd_)),
        grid_panel("products", title="products: input × output gradient",
                   text=_text(steps[0].products * 0, pd),
                   colors=R.diverging_colors(steps[0].products * 0), frames=frames,
                   legend=_scale_legend(R.full_scale(steps[0].products), pd)),
        grid_panel("grad", title=f"kernel gradient ({kh}x{kw}), filled in so far",
                   role="target", reveal=True, text=_text(grads, wd),
                   colors=R.diverging_colors(grads),
                   legend=_scale_legend(R.full_scale(grads), wd)),
    ]
    return grid_payload(
        panels, [[["input"], ["dout", "products"], ["grad"]]],
        window=[[r * wp + c for r in s.rows for c in s.cols] for s in steps],
        lines=[[kernel_gradient_equation(plan, i)] for i in range(plan.n_steps)],
        value=[fv(s.value, wd) for s in steps],
        label=[f"dW[{s.out_pos[0]}, {s.out_pos[1]}]" for s in steps],
        target=[s.index for s in steps], step=step)


def routing_payload(x_channel: Any, dout_channel: Any, routed: Any, winners: Sequence[Route],
                    *, step: int = 0) -> dict[str, Any]:
    """Max pooling's backward for one channel, one window a step, as a grid-view payload.

    Parameters
    ----------
    x_channel : array_like, shape (H, W)
        The pool's input channel.
    dout_channel : array_like, shape (H', W')
        d loss / d the pool's output, that channel.
    routed, winners
        From :func:`convviz.inside.gradients.maxpool_routing`.
    step : int
        The 0-based window the browser starts at.

    Returns
    -------
    dict
        Panels ``"input"`` and ``"routed"`` (sources, ``(H, W)``: the window lit, its
        winner circled in ``steps["marks"]``) and ``"dout"`` (target, ``(H', W')``). The
        gradient panels share one colour scale: the same colour is the same number.

    Examples
    --------
    >>> from convviz.inside.gradients import maxpool_routing
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8.]])[..., None]
    >>> routed, winners = maxpool_routing(x, np.full((2, 2, 1), 0.5))
    >>> p = routing_payload(x[..., 0], np.full((2, 2), 0.5), routed, winners)
    >>> p["steps"]["marks"][0], p["steps"]["window"][0], p["steps"]["lines"][0][0]
    ([4], [0, 1, 4, 5], "The window's largest value, 4 at input[1, 0], takes the whole \
gradient 0.5; its 3 other cells get 0.")
    """
    x = as_float_array(x_channel, "x_channel", ndims=(2,))
    d = as_float_array(dout_channel, "dout_channel", ndims=(2,))
    g = as_float_array(routed, "routed", ndims=(2,))
    if g.shape != x.shape or len(winners) != d.size:
        raise ValueError(f"`routed` {g.shape} must match `x_channel` {x.shape} and `winners` "
                         f"({len(winners)}) must have one entry per cell of `dout_channel` "
                         f"{d.shape}")
    h, w = x.shape
    xd, gd_ = auto_decimals(x), auto_decimals(np.concatenate([d.ravel(), g.ravel()]))
    top = R.full_scale(np.concatenate([d.ravel(), g.ravel()]))  # one scale for both
    fv = numbers.format_value
    panels = [
        grid_panel("input", title="pool input (the window's winner circled)", role="source",
                   text=_text(x, xd), colors=R.diverging_colors(x),
                   legend=_scale_legend(R.full_scale(x), xd)),
        grid_panel("dout", title="gradient at the output", role="target", text=_text(d, gd_),
                   colors=R.diverging_colors(d, top), legend=_scale_legend(top, gd_)),
        grid_panel("routed", title="gradient at the input (0 except at winners)",
                   role="source", text=_text(g, gd_), colors=R.diverging_colors(g, top),
                   legend=_scale_legend(top, gd_)),
    ]
    lines, value, label = [], [], []
    for r in winners:
        (i, j), n = r.in_pos, len(r.rows) * len(r.cols)
        lines.append([f"The window's largest value, {fv(r.value, xd)} at input[{i}, {j}], "
                      f"takes the whole gradient {fv(r.grad, gd_)}; its {n - 1} other cells "
                      "get 0."])
        value.append(fv(r.grad, gd_))
        label.append(f"gradient sent from output[{r.out_pos[0]}, {r.out_pos[1]}] to "
                     f"input[{i}, {j}]")
    return grid_payload(
        panels, [[["input"], ["dout"], ["routed"]]],
        window=[[a * w + b for a in r.rows for b in r.cols] for r in winners],
        marks=[[r.in_pos[0] * w + r.in_pos[1]] for r in winners],
        target=[r.out_pos[0] * d.shape[1] + r.out_pos[1] for r in winners],
        lines=lines, value=value, label=label, step=step)


def update_payload(before: Any, grad: Any, after: Any, *, lr: float) -> dict[str, Any]:
    """One SGD update of a kernel as a one-step grid-view payload: before, gradient,
    -lr × gradient, after.

    ``before`` and ``after`` share one colour scale and enough decimals to show the change.

    Examples
    --------
    >>> from convviz.inside.gradients import sgd_update_view
    >>> p = update_payload(*sgd_update_view(np.ones((2, 2)), np.ones((2, 2)), 0.1), lr=0.1)
    >>> [q["text"][0] for q in p["panels"]], p["n_steps"]
    (['1', '1', '-0.1', '0.9'], 1)
    """
    b = as_float_array(before, "before", ndims=(2,))
    g = as_float_array(grad, "grad", ndims=(2,))
    a = as_float_array(after, "after", ndims=(2,))
    if not b.shape == g.shape == a.shape:
        raise ValueError(f"`before`, `grad` and `after` must have one shape, got {b.shape}, "
                         f"{g.shape} and {a.shape}")
    delta = -float(lr) * g  # the change SGD adds: after = before + delta
    both = np.concatenate([b.ravel(), a.ravel()])
    dec = max(auto_decimals(both), auto_decimals(delta))
    vmax = R.full_scale(both)  # one scale for before and after
    gdec, ddec = auto_decimals(g), auto_decimals(delta)
    panels = [
        grid_panel("before", title="before", text=_text(b, dec),
                   colors=R.diverging_colors(b, vmax), legend=_scale_legend(vmax, dec)),
        grid_panel("grad", title="gradient", text=_text(g, gdec), colors=R.diverging_colors(g),
                   legend=_scale_legend(R.full_scale(g), gdec)),
        grid_panel("delta", title=f"− lr × gradient (lr = {lr:g})", text=_text(delta, ddec),
                   colors=R.diverging_colors(delta),
                   legend=_scale_legend(R.full_scale(delta), ddec)),
        grid_panel("after", title="after", text=_text(a, dec),
                   colors=R.diverging_colors(a, vmax), legend=_scale_legend(vmax, dec)),
    ]
    return grid_payload(panels, [[["before"], ["grad"], ["delta"], ["after"]]], window=[[]],
                        lines=[["after = before − lr × gradient, every weight at once"]],
                        value=[f"{lr:g}"], label=["lr"])
