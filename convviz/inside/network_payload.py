"""What the browser's whole-network view draws: every column's numbers as colour levels, once.

The ``convviz.network`` component (``convviz/ui/web/network.js``, mounted by
:mod:`convviz.ui.train_network`) gets this payload and draws every column of
:func:`convviz.inside.network_view.network_activations` side by side, from the input to the
softmax: a layer's feature maps as small pictures, a long vector as a block of cells, the
class scores and the probabilities as labelled rows. Hovering a unit lights the cells it
reads in the column before it (computed in the browser from each column's ``reads``);
clicking it tells Python, which then builds that unit's numbers
(:func:`convviz.inside.network_view.unit_computation`). This module is pure: no streamlit.

Compact on purpose (a seed004 network has 64 maps a layer): each number is sent as one byte,
its colour level (0 to 255) on its column's scale, the bytes deflated (zlib) and base64'd.
The browser colours level ``q`` with ``scales[scale][q]``, the colour the same scale
function gives to that level's value (:func:`scale_palette`), so the browser and the
server-drawn pictures agree. The exact numbers are not sent: a clicked unit's are.

Payload schema (version 1)::

    {"schema": 1, "token": str,      # changes when any number or the layout changes
     "scales": {"signed": [hex] * 256, "relu": [hex] * 256, "gray": [hex] * 256},
     "columns": [column, ...],
     "picked": {"column": int, "position": [int, ...]} | None,
     "left_out": str | None}         # what the budget left out, said under the view

    column = {"index": int, "layer": int (into model.layers; -1 input, L softmax),
              "name": str, "kind": str, "shape": [int, ...], "title": str,
              "scale": "signed" | "relu" | "gray", "legend": legend,
              "maps": {"rows", "cols", "channels", "shown", "per_row", "cell"} | None,
              "cells": {"n", "per_row", "cell"} | None,     # a long vector, row-major
              "rows": [{"label": str, "text": str}] | None, # scores and probabilities
              "levels": str,                   # base64 of zlib of uint8, channel by channel
              "reads": reads | None}           # how a unit reads the column before

    reads = {"kind": "window", "size": [kH, kW], "stride": [sH, sW], "pad": [top, left],
             "channels": "all" | "same"}       # convolution ("all"), pooling ("same")
          | {"kind": "same"}                   # ReLU: the same cell
          | {"kind": "flat", "shape": [H, W, C]}   # Flatten: index -> (row, col, channel)
          | {"kind": "all"}                    # Dense, softmax: everything

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(5, 5, 1))
>>> p = network_payload(model, np.zeros((5, 5, 1)), ("a", "b", "c"))
>>> [(c["name"], c["scale"]) for c in p["columns"]]
[('input', 'gray'), ('conv2d_1', 'signed'), ('relu_1', 'relu'), ('flatten_1', 'relu'), \
('dense_1', 'signed'), ('softmax', 'relu')]
>>> p["columns"][1]["reads"]
{'kind': 'window', 'size': [3, 3], 'stride': [1, 1], 'pad': [0, 0], 'channels': 'all'}
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.draw import render as R
from convviz.draw.colors import sequential_colors
from convviz.draw.grid_data import hex_colors, ramp_legend
from convviz.draw.numbers import format_value
from convviz.inside.network_view import SOFTMAX, Column, network_activations
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import Dense, Flatten, ReLU
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

__all__ = ["BUDGET_BYTES", "LEVELS", "SCALES", "column_levels", "decode_levels", "level_values",
           "network_payload", "scale_palette"]

SCALES = ("signed", "relu", "gray")  #: the colour scales a column can be on
LEVELS = 256  #: colour levels per scale: one byte a number
BUDGET_BYTES = 400_000  #: the most the columns' levels may take, base64'd
_TILE = 34  # css px: a map's longer side when a layer has many maps
_BIG = 112  # css px: ... when it has one
_HEIGHT = 300  # css px: the tallest a column of maps may grow before more go on a row


def level_values(scale: str, vmax: float) -> np.ndarray:
    """The value each colour level stands for on ``scale`` with full colour at ``vmax``.

    "signed": -vmax (level 0) to vmax (level 255); "relu" and "gray": 0 to vmax.

    Examples
    --------
    >>> level_values("signed", 1.0)[[0, 255]].tolist(), float(level_values("relu", 2.0)[255])
    ([-1.0, 1.0], 2.0)
    """
    if scale not in SCALES:
        raise ValueError(f"`scale` must be one of {SCALES}, got {scale!r}")
    t = np.arange(LEVELS) / (LEVELS - 1)
    return (2 * t - 1) * vmax if scale == "signed" else t * vmax


def scale_palette(scale: str) -> list[str]:
    """The colour of every level of ``scale``, as ``"#rrggbb"``, by the scale's own function.

    "signed" is :func:`convviz.draw.render.diverging_colors` (blue < 0 < red), "relu"
    :func:`convviz.draw.colors.sequential_colors` (viridis from 0), "gray"
    :func:`convviz.draw.render.gray_colors` (black 0 to white): the colours of the
    server-drawn feature maps, at each level's value.

    Examples
    --------
    >>> p = scale_palette("signed")
    >>> len(p), p[0], p[255]
    (256, '#2166ac', '#b2182b')
    """
    v = level_values(scale, 1.0)
    rgb = (R.diverging_colors(v, 1.0) if scale == "signed" else sequential_colors(v, 1.0)
           if scale == "relu" else R.gray_colors(v, 0.0, 1.0))
    return hex_colors(rgb)


def column_levels(values: Any, scale: str, vmax: float) -> np.ndarray:
    """Each value's colour level (uint8) on ``scale`` with full colour at ``vmax``: the
    nearest level, values beyond the scale at its ends.

    Examples
    --------
    >>> column_levels(np.array([-2.0, 0.0, 0.5, 1.0]), "signed", 1.0).tolist()
    [0, 128, 191, 255]
    """
    v = np.asarray(values, dtype=np.float64) / vmax
    t = (np.clip(v, -1, 1) + 1) / 2 if scale == "signed" else np.clip(v, 0, 1)
    return np.rint(np.nan_to_num(t) * (LEVELS - 1)).astype(np.uint8)


def _encode(levels: np.ndarray) -> str:
    return base64.b64encode(zlib.compress(levels.tobytes(), 9)).decode("ascii")


def decode_levels(text: str) -> np.ndarray:
    """The uint8 levels of a column's ``levels`` string (what the browser decodes).

    Examples
    --------
    >>> decode_levels(_encode(np.array([0, 7, 255], np.uint8))).tolist()
    [0, 7, 255]
    """
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=np.uint8)


def _scale_of(col: Column, before: str | None) -> str:
    """Viridis from 0 where every value is >= 0 by construction (ReLU, the probabilities,
    a pool or Flatten of such), gray for the input, else the signed scale."""
    if col.kind == "input":
        return "gray" if float(col.values.min(initial=0.0)) >= 0 else "signed"
    if col.kind in ("relu", SOFTMAX):
        return "relu"
    if col.kind in ("max_pool2d", "avg_pool2d", "flatten") and before in ("relu", "gray"):
        return before
    return "signed"


def _reads(layer: Any, prev_shape: tuple[int, ...]) -> dict[str, Any] | None:
    if isinstance(layer, Conv2D):
        return {"kind": "window", "size": list(layer.kernel_size), "stride": list(layer.stride),
                "pad": [layer.pads[0][0], layer.pads[1][0]], "channels": "all"}
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        return {"kind": "window", "size": list(layer.pool_size), "stride": list(layer.stride),
                "pad": [layer.pads[0][0], layer.pads[1][0]], "channels": "same"}
    if isinstance(layer, ReLU):
        return {"kind": "same"}
    if isinstance(layer, Flatten):
        return {"kind": "flat", "shape": list(prev_shape)}
    if isinstance(layer, Dense):
        return {"kind": "all"}
    raise TypeError(f"the whole-network view does not know {type(layer).__name__} layers")


def _legend(scale: str, vmax: float) -> dict[str, Any]:
    colors = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)]
                       for h in scale_palette(scale)[::15]], np.uint8)
    if scale == "signed":
        return ramp_legend("blue < 0 < red", colors,
                           [format_value(-vmax, digits=3), "0", format_value(vmax, digits=3)])
    title = "black 0, white high" if scale == "gray" else "0 dark, high yellow"
    return ramp_legend(title, colors, ["0", format_value(vmax, digits=3)])


def _map_layout(h: int, w: int, c: int) -> dict[str, Any]:
    """Up to 8 maps one above the other, as large as the column's height allows; more in
    rows of 2, 4, 8, ... small maps, the column about ``_HEIGHT`` tall."""
    if c <= 8:
        per_row, tile = 1, max(_TILE, min(_BIG, _HEIGHT // c - 2))
    else:
        per_row = 1 << math.ceil(math.log2(math.ceil(c * (_TILE + 2) / _HEIGHT)))
        per_row, tile = min(per_row, c), _TILE
    return {"rows": h, "cols": w, "per_row": per_row, "cell": round(tile / max(h, w), 3)}


def _cell_layout(n: int) -> dict[str, Any]:
    per_row = max(1, math.ceil(math.sqrt(n)))
    cell = max(3, min(16, 192 // per_row))
    return {"n": n, "per_row": per_row, "cell": cell}


def network_payload(model: Sequential, x_single: Any, class_names: Sequence[str], *,
                    picked: tuple[int, tuple[int, ...]] | None = None,
                    max_maps: int = 64, budget: int = BUDGET_BYTES) -> dict[str, Any]:
    """The whole-network view of one example, for the ``convviz.network`` component.

    Parameters
    ----------
    model : Sequential
        A classifier (the last layer gives the class scores).
    x_single : array_like, shape ``model.input_shape``
    class_names : sequence of str
        One per class: the labels of the scores and probabilities.
    picked : (column, position), optional
        The unit Python shows: outlined, with the cells it reads lit.
    max_maps : int
        Send at most this many maps of a layer (the first ones).
    budget : int
        The most the levels may take (bytes, base64'd); over it, the maps sent per layer
        are halved until they fit, and ``left_out`` says so.

    Returns
    -------
    dict
        JSON-ready (see the module's schema).

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> p = network_payload(Sequential([Dense(2)], input_shape=(3,)), [0.0, 0.5, 1.0],
    ...                     ("no", "yes"))
    >>> [c["kind"] for c in p["columns"]], p["columns"][2]["rows"][0]["label"]
    (['input', 'dense', 'softmax'], 'no')
    """
    max_maps = check_int(max_maps, "max_maps", minimum=1)
    budget = check_int(budget, "budget", minimum=1)
    cols = network_activations(model, x_single)
    names = [str(n) for n in class_names]
    if len(names) != cols[-1].values.size:
        raise ValueError(f"`class_names` must name the model's {cols[-1].values.size} classes, "
                         f"got {len(names)}")
    while True:
        columns, left = _columns(model, cols, names, max_maps)
        size = sum(len(c["levels"]) for c in columns)
        if size <= budget or max_maps == 1:
            break
        max_maps = max(1, max_maps // 2)
    token = hashlib.sha1(json.dumps(columns, sort_keys=True).encode()).hexdigest()[:16]
    pick = None
    if picked is not None:
        pick = {"column": int(picked[0]), "position": [int(v) for v in picked[1]]}
    return {"schema": 1, "token": token, "scales": {s: scale_palette(s) for s in SCALES},
            "columns": columns, "picked": pick,
            "left_out": (f"Only the first {max_maps} maps of each layer are drawn, to keep "
                         f"the page light ({', '.join(left)} have more)." if left else None)}


def _columns(model: Sequential, cols: list[Column], names: list[str], max_maps: int
             ) -> tuple[list[dict[str, Any]], list[str]]:
    out, left, before = [], [], None
    n_layers = len(model.layers)
    for col in cols:
        scale = _scale_of(col, before)
        before = scale
        v = col.values.astype(np.float64)
        # the input's gray and the probabilities run 0 to 1, whatever this example's values
        vmax = 1.0 if scale == "gray" or col.kind == SOFTMAX else R.full_scale(v)
        layer = col.index - 1  # -1: the input; n_layers: the softmax
        entry: dict[str, Any] = {
            "index": col.index, "layer": layer, "name": col.name, "kind": col.kind,
            "shape": list(col.shape), "scale": scale, "legend": _legend(scale, vmax),
            "maps": None, "cells": None, "rows": None,
            "reads": (None if layer < 0 else {"kind": "all"} if layer == n_layers
                      else _reads(model.layers[layer], cols[col.index - 1].shape)),
        }
        shape_text = "×".join(map(str, col.shape))
        entry["title"] = f"{col.name} {shape_text}" if col.kind != SOFTMAX else "softmax"
        if v.ndim == 3:
            h, w, c = v.shape
            shown = min(c, max_maps)
            if shown < c:
                left.append(col.name)
            entry["maps"] = {**_map_layout(h, w, shown), "channels": c, "shown": shown}
            planes = v[..., :shown].transpose(2, 0, 1)  # (shown, H, W): map by map
            entry["levels"] = _encode(column_levels(planes, scale, vmax))
        else:
            if col.kind == SOFTMAX:
                entry["rows"] = [{"label": name, "text": f"{p:.1%}"}
                                 for name, p in zip(names, v, strict=True)]
            elif layer == n_layers - 1:  # the class scores
                entry["rows"] = [{"label": name, "text": format_value(s, digits=3)}
                                 for name, s in zip(names, v, strict=True)]
            else:
                entry["cells"] = _cell_layout(v.size)
            entry["levels"] = _encode(column_levels(v, scale, vmax))
        out.append(entry)
    return out, left
