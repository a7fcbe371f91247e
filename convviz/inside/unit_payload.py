"""One unit's numbers as grids for the browser's grid view, with the lines that add them up.

:func:`unit_payload` takes a :class:`~convviz.inside.network_view.UnitComputation` and lays
out what the unit reads and computes: a convolution's window, weights and products per input
map (the maps that add most, when there are many) and every map's sum; a pool's window with
its winner circled; a Dense unit's largest products with their inputs and weights; the
softmax's scores, exponentials and probabilities. Every grid has its legend; the lines
under them add the parts up to the layer's own output. Pure: no streamlit.

>>> from convviz.inside.network_view import unit_computation
>>> from convviz.nn import Dense, MaxPool2D, Flatten, Sequential
>>> model = Sequential([MaxPool2D(2), Flatten(), Dense(2)], input_shape=(2, 2, 1))
>>> u = unit_computation(model, np.array([[1.0, 4.0], [3.0, 2.0]])[..., None], 0, (0, 0, 0))
>>> p = unit_payload(u)
>>> p["panels"][0]["text"], p["panels"][0]["flags"], p["steps"]["lines"][0]
(['1', '4', '3', '2'], [0, 2, 0, 0], ['the largest of the 4 numbers in the window = 4'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.draw import render as R
from convviz.draw.grid_data import MARK, PAD, diverging_legend, grid_panel
from convviz.draw.numbers import format_value
from convviz.draw.static_grids import static_payload
from convviz.inside.network_view import SOFTMAX, UnitComputation

__all__ = ["unit_lines", "unit_payload"]


def _v(x: float) -> str:
    return format_value(float(x), digits=4)


def _texts(values: np.ndarray, pad: np.ndarray | None = None) -> np.ndarray:
    out = np.empty(values.shape, dtype=object)
    for idx, v in np.ndenumerate(values):
        out[idx] = "" if (pad is not None and pad[idx]) or np.isnan(v) else format_value(
            float(v), digits=3)
    return out


def _panel(pid: str, title: str, values: np.ndarray, *, pad: np.ndarray | None = None,
           flags: np.ndarray | None = None, hover: Any = None,
           legend_title: str = "colour: blue < 0 < red") -> dict[str, Any]:
    v = np.asarray(values, dtype=np.float64)
    v2 = v if v.ndim == 2 else v.reshape(1, -1)
    pad2 = None if pad is None else pad.reshape(v2.shape)
    finite = np.where(np.isnan(v2), 0.0, v2)
    colors = R.diverging_colors(finite, R.full_scale(finite))
    if pad2 is not None:
        colors = np.where(pad2[..., None], np.uint8(R.PAD_FILL), colors).astype(np.uint8)
        flags = (np.zeros(v2.shape, int) if flags is None else flags.reshape(v2.shape)) \
            | np.where(pad2, PAD, 0)
    return grid_panel(pid, title=title, text=_texts(v2, pad2), colors=colors,
                      flags=None if flags is None else flags.reshape(v2.shape),
                      hover=None if hover is None else np.asarray(hover, dtype=object).reshape(
                          v2.shape),
                      legend=diverging_legend(finite, legend_title))


def unit_lines(u: UnitComputation, class_names: Sequence[str] | None = None) -> list[str]:
    """The arithmetic of the unit, one line each, ending in the layer's own output.

    Examples
    --------
    >>> from convviz.inside.network_view import unit_computation
    >>> from convviz.nn import Dense, Sequential
    >>> model = Sequential([Dense(1)], input_shape=(2,))
    >>> model.layers[0].params["weight"][:] = [[2.0], [3.0]]
    >>> unit_lines(unit_computation(model, [1.0, 1.0], 0, 0))
    ['sum of the 2 products = 5', '+ bias 0 = 5', 'dense_1 computes 5']
    """
    if not isinstance(u, UnitComputation):
        raise TypeError(f"`u` must be a UnitComputation, got {type(u).__name__}")
    out = f"{u.name} computes {_v(u.output)}"
    if u.kind == "conv2d":
        kh, kw, c = u.inputs.shape
        first = (f"{c} maps × {kh}×{kw} window = {c * kh * kw} products"
                 + (" (padding reads 0)" if u.pad_mask.any() else "")
                 + f": their sum = {_v(u.total)}")
        return [first, f"+ bias {_v(u.bias)} = {_v(u.recomputed)}", out]
    if u.kind == "dense":
        return [f"sum of the {u.count} products = {_v(u.total)}",
                f"+ bias {_v(u.bias)} = {_v(u.recomputed)}", out]
    if u.kind == "max_pool2d":
        return [f"the largest of the {u.count} numbers in the window = {_v(u.total)}"]
    if u.kind == "avg_pool2d":
        total = float(np.nansum(np.where(u.pad_mask, np.nan, u.inputs)))
        return [f"the mean of the {u.count} numbers in the window = {_v(total)} / {u.count} "
                f"= {_v(u.total)}"]
    if u.kind == "relu":
        return [f"max({_v(u.total)}, 0) = {_v(u.recomputed)}", out]
    if u.kind == "flatten":
        return [f"{u.source}'s number, passed on: {_v(u.total)}"]
    if u.kind == SOFTMAX:
        k = u.position[0]
        name = class_names[k] if class_names else str(k + 1)
        return [f"p({name}) = e^(z − max z) / (sum of all {u.count}) = "
                f"{_v(u.products[k])} / {_v(u.total)} = {_v(u.recomputed)}",
                f"softmax gives {u.output:.2%}"]
    raise ValueError(f"`u.kind` {u.kind!r} is not a kind this view knows")


def unit_payload(u: UnitComputation, *, class_names: Sequence[str] | None = None,
                 max_maps: int = 4, max_terms: int = 16) -> dict[str, Any]:
    """The grids of one unit's numbers, as a static grid-view payload.

    Parameters
    ----------
    u : UnitComputation
    class_names : sequence of str, optional
        For the softmax: the cells' read-outs name the classes.
    max_maps : int
        A convolution reading more input maps shows the window, weights and products of
        the ``max_maps`` maps whose products add up to the most (by size); a grid of every
        map's sum follows.
    max_terms : int
        A Dense unit with more inputs shows the ``max_terms`` largest products (by size),
        with their inputs and weights; the lines say what the rest add up to.

    Returns
    -------
    dict
        A :func:`convviz.draw.static_grids.static_payload`.

    Examples
    --------
    >>> from convviz.inside.network_view import unit_computation
    >>> from convviz.nn import Conv2D, Dense, Flatten, Sequential
    >>> model = Sequential([Conv2D(1, 2), Flatten(), Dense(2)], input_shape=(3, 3, 3))
    >>> p = unit_payload(unit_computation(model, np.ones((3, 3, 3)), 0, (0, 0, 0)), max_maps=2)
    >>> [q["id"] for q in p["panels"]]
    ['in1', 'w1', 'p1', 'in3', 'w3', 'p3', 'sums']
    """
    lines = unit_lines(u, class_names)
    max_maps = check_int(max_maps, "max_maps", minimum=1)
    max_terms = check_int(max_terms, "max_terms", minimum=1)
    panels: list[dict[str, Any]] = []
    layout: list[list[list[str]]] = []
    if u.kind == "conv2d":
        c = u.inputs.shape[2]
        sums = u.products.sum(axis=(0, 1))  # (C_in,)
        order = list(range(c)) if c <= max_maps else sorted(
            np.argsort(-np.abs(sums), kind="stable")[:max_maps].tolist())
        for ch in order:
            k = ch + 1
            panels += [
                _panel(f"in{k}", f"{u.source} map {k}", u.inputs[..., ch], pad=u.pad_mask,
                       legend_title="colour: input, blue < 0 < red"),
                _panel(f"w{k}", "× weights", u.weights[..., ch],
                       legend_title="colour: weight, blue < 0 < red"),
                _panel(f"p{k}", f"= products, sum {_v(sums[ch])}", u.products[..., ch],
                       pad=u.pad_mask, legend_title="colour: product, blue < 0 < red"),
            ]
            layout.append([[f"in{k}"], [f"w{k}"], [f"p{k}"]])
        if c > 1:
            per_row = min(c, 8)  # 8 a row: wide enough for their numbers at 1024 px
            rows = -(-c // per_row)
            grid = np.full(rows * per_row, np.nan)
            grid[:c] = sums
            hover = [f"map {k + 1}: its products sum to {_v(s)}" for k, s in enumerate(sums)]
            hover += [""] * (rows * per_row - c)
            panels.append(_panel("sums", f"each map's sum, maps 1 to {c} (row by row)",
                                 grid.reshape(rows, per_row), hover=hover,
                                 legend_title="colour: sum, blue < 0 < red"))
            layout.append([["sums"]])
        if len(order) < c:
            lines.insert(0, f"Shown: the {len(order)} maps whose products add up to the most "
                            f"(by size), of {c}; every map's sum is in the last grid.")
    elif u.kind in ("max_pool2d", "avg_pool2d"):
        flags = np.zeros(u.inputs.shape, int)
        if u.winner is not None:
            flags[u.winner] = MARK
        panels.append(_panel("window", f"{u.source} map {u.position[2] + 1}, the window",
                             u.inputs, pad=u.pad_mask, flags=flags,
                             legend_title="colour: value, blue < 0 < red"))
        layout.append([["window"]])
    elif u.kind == "dense":
        n = u.count
        idx = np.arange(n) if n <= max_terms else np.sort(
            np.argsort(-np.abs(u.products), kind="stable")[:max_terms])
        hover = [f"number {i + 1} of {u.source}" for i in idx]
        for pid, title, vals in (("inputs", f"{u.source}, numbers "
                                  + ", ".join(str(i + 1) for i in idx[:4])
                                  + (", ..." if len(idx) > 4 else ""), u.inputs[idx]),
                                 ("weights", "× weights", u.weights[idx]),
                                 ("products", "= products", u.products[idx])):
            panels.append(_panel(pid, title, vals, hover=hover))
            layout.append([[pid]])
        if len(idx) < n:
            shown = float(u.products[idx].sum())
            lines.insert(0, f"Shown: the {len(idx)} largest products (by size) of {n}; they "
                            f"add up to {_v(shown)}, the other {n - len(idx)} to "
                            f"{_v(u.total - shown)}.")
    elif u.kind == SOFTMAX:
        names = list(class_names) if class_names else [str(k + 1) for k in range(u.count)]
        hover = [f"class {name}" for name in names]
        panels += [_panel("scores", f"scores z ({u.source})", u.inputs, hover=hover),
                   _panel("exp", "e^(z − max z)", u.products, hover=hover)]
        layout += [[["scores"]], [["exp"]]]
    else:  # ReLU, Flatten: one number in, one out
        panels += [_panel("in", f"{u.source}", u.inputs.reshape(1, 1)),
                   _panel("out", f"{u.name}", np.array([[u.output]]))]
        layout.append([["in"], ["out"]])
    return static_payload(panels, layout, lines=lines)
