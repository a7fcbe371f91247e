"""The convolution step view's payload for the browser's grid view (schema:
:mod:`convviz.draw.grid_data`): the engine's numbers for every step of a
:class:`~convviz.engine.conv_steps.ConvPlan`, sent once per rerun.

Examples
--------
>>> from convviz import conv_plan
>>> plan = conv_plan(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), 1.0)
>>> p = conv_grid_payload(plan, step=1)
>>> p["n_steps"], [q["id"] for q in p["panels"]], p["steps"]["value"]
(4, ['input', 'kernel', 'products', 'output'], ['46', '55', '82', '91'])
>>> p["steps"]["window"][1]
[1, 2, 3, 5, 6, 7, 9, 10, 11]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from convviz.draw import numbers, render
from convviz.draw.conv_view import CHANNEL_NAMES, channel_colors, fmt, step_equation
from convviz.draw.grid_data import (
    PAD,
    diverging_legend,
    grid_panel,
    grid_payload,
    ramp_legend,
)
from convviz.engine.conv_steps import ConvPlan

__all__ = ["conv_grid_payload"]


def _memo(write: Callable[[float], str]) -> Callable[[Any], np.ndarray]:
    """``write`` over an array, each distinct value written once (products repeat a lot)."""
    seen: dict[float, str] = {}

    def text(values: Any) -> np.ndarray:
        arr = np.asarray(values, dtype=np.float64)
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            if v not in seen:
                seen[v] = write(v)
            out[idx] = seen[v]
        return out

    return text


def _with_padding(colors: np.ndarray, pad_mask: np.ndarray) -> np.ndarray:
    return np.where(pad_mask[..., None], np.uint8(render.PAD_FILL), colors).astype(np.uint8)


def conv_grid_payload(plan: ConvPlan, *, step: int = 0) -> dict[str, Any]:
    """The convolution step view of ``plan``, every step, as a grid-view payload.

    One channel: the padded input (source), the kernel, the products of the step's window
    (per step) and the output (target, filling in). ``C`` channels: per channel its input,
    kernel slice and products (with the channel's sum under them), then the output. The
    colours are those of :mod:`convviz.draw.conv_view` (and so of the GIF): the input in
    gray (one channel) or black to the channel's colour, kernel and products on the
    diverging scale of their own values, the output on the diverging scale of the whole map.
    The output cells show each step's ``value``, the numbers the engine computed.

    Parameters
    ----------
    plan : ConvPlan
    step : int
        The 0-based step to start at.

    Returns
    -------
    dict
        The payload (module schema).

    Examples
    --------
    >>> from convviz import conv_plan
    >>> plan = conv_plan(np.ones((3, 3, 3)), np.ones((2, 2, 3)), -1.0)
    >>> p = conv_grid_payload(plan)
    >>> p["steps"]["lines"][0]
    ['Channel sums: R (4) + G (4) + B (4) = 12', 'Plus bias: 12 − 1 = 11 → output[0, 0]']
    >>> p["panels"][2]["notes"][0]
    'R sum (4 products): 4'
    """
    if not isinstance(plan, ConvPlan):
        raise TypeError(f"`plan` must be a ConvPlan, got {type(plan).__name__}")
    steps = [plan.step(i) for i in range(plan.n_steps)]
    write = _memo(fmt)
    hp, wp = plan.pad_mask.shape
    oh, ow = plan.out_shape
    multi = plan.padded.ndim == 3
    values = np.array([s.value for s in steps]).reshape(oh, ow)  # the steps' own values
    flags = np.where(plan.pad_mask, PAD, 0)
    vmin, vmax = min(0.0, float(plan.padded.min())), max(1.0, float(plan.padded.max()))
    pad_note = "hatched grey = padding" if plan.pad_mask.any() else None

    def products_frames(channel: int | None) -> list[dict[str, Any]]:
        out = []
        for s in steps:
            prods = s.products if channel is None else s.products[..., channel]
            out.append({"text": write(prods), "colors": render.diverging_colors(prods),
                        "ticks": diverging_legend(prods)["ticks"]})
        return out

    panels: list[dict[str, Any]] = []
    layout: list[list[list[str]]] = []
    channels = range(plan.padded.shape[-1]) if multi else [None]
    for ch in channels:
        name = "" if ch is None else (CHANNEL_NAMES[ch] if plan.padded.shape[-1] == 3
                                      else f"channel {ch + 1}")
        sfx = "" if ch is None else f".{name}"
        data = plan.padded if ch is None else plan.padded[..., ch]
        kern = plan.kernel if ch is None else plan.kernel[..., ch]
        if ch is None or plan.padded.shape[-1] != 3:
            colors = render.gray_colors(data, vmin, vmax)
            ramp = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
        else:
            colors = channel_colors(data, ch, vmin, vmax)
            ramp = channel_colors(np.array([vmin, vmax]), ch, vmin, vmax)
        title = (f"Padded input ({hp}x{wp})" if ch is None else f"{name} input ({hp}x{wp})")
        panels.append(grid_panel(
            "input" + sfx, title=title, role="source", text=write(data),
            colors=_with_padding(colors, plan.pad_mask), flags=flags, caption=pad_note,
            legend=ramp_legend("colour: input value", ramp, [fmt(vmin), fmt(vmax)])))
        wfmt = numbers.weight_format(kern)
        panels.append(grid_panel(
            "kernel" + sfx, title="kernel as applied" if ch is None else f"{name} slice",
            text=np.vectorize(lambda w, f=wfmt: f(float(w)), otypes=[object])(kern),
            colors=render.diverging_colors(kern), legend=diverging_legend(kern)))
        notes = None if ch is None else [
            f"{name} sum ({s.products[..., ch].size} products): "
            f"{fmt(float(s.channel_sums[ch]))}" for s in steps]
        panels.append(grid_panel(
            "products" + sfx, title="products: input cell × weight", text=write(kern * 0),
            colors=render.diverging_colors(kern * 0), frames=products_frames(ch),
            notes=notes, legend=diverging_legend(steps[0].products)))
        if ch is None:
            layout.append([["input"], ["kernel", "products"], ["output"]])
        else:
            layout.append([["input" + sfx], ["kernel" + sfx], ["products" + sfx]])
    panels.append(grid_panel(
        "output", title=f"output ({oh}x{ow}), filled in so far", role="target", reveal=True,
        text=write(values), colors=render.diverging_colors(values),
        legend=diverging_legend(values)))
    if multi:
        layout.append([["output"]])
    what = "Channel sums" if multi else "Sum of products"
    lines, label = [], []
    for s in steps:
        r, c = s.out_pos
        first, second = step_equation(s, plan.kernel)
        lines.append([f"{what}: {first}", f"Plus bias: {second} → output[{r}, {c}]"])
        label.append(f"output[{r}, {c}] (row {r + 1}, column {c + 1})")
    window = [[r * wp + c for r in s.rows for c in s.cols] for s in steps]
    return grid_payload(panels, layout, window=window, lines=lines,
                        value=[fmt(s.value) for s in steps], label=label,
                        target=[s.index for s in steps], step=step)
