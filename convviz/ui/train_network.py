"""The training page's *Whole network* tab: every layer for one held-out sample, in columns
from the input to the softmax, and the numbers of one unit.

The columns are the ``convviz.network`` browser component (``convviz/ui/web/network.js``):
it draws them once from :func:`convviz.inside.network_payload.network_payload`, lights what
a hovered unit reads, and reports a clicked unit as its state ``unit = {column, position,
seq}``. :func:`heard_unit` turns a new report into the choice widgets' values before they
are drawn, so a click and the widgets pick the same unit. The unit's numbers are the
engine's (:func:`convviz.inside.network_view.unit_computation`), shown as grid views.

Keys: ``train.nv_col`` (the column, 1 = the first layer, the last = the softmax),
``train.nv_map``, ``train.nv_row``, ``train.nv_cell`` (1-based) or ``train.nv_num`` for a
vector; components ``train.nv_net`` (the columns) and ``train.nv_grid`` (the numbers).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from convviz.inside.network_payload import network_payload
from convviz.inside.network_view import unit_computation
from convviz.inside.unit_payload import unit_payload
from convviz.nn.model import Sequential
from convviz.nn.train import Trainer
from convviz.ui.grid_view import grid_view

__all__ = ["NETWORK_COMPONENT", "column_shapes", "heard_unit", "whole_network"]

NETWORK_COMPONENT = "convviz.network"
NET_KEY = "train.nv_net"
_KEYS = {"col": "train.nv_col", "map": "train.nv_map", "row": "train.nv_row",
         "cell": "train.nv_cell", "num": "train.nv_num"}


@functools.cache
def _network() -> Callable[..., Any]:
    """The mounting command, registered once per process on first use (not at import:
    outside a running app Streamlit has not read the package's component manifest)."""
    return st.components.v2.component(NETWORK_COMPONENT, js="network.js", css="network.css")


def column_shapes(model: Sequential) -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of every column of the view: the input, each layer, the softmax.

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> column_shapes(Sequential([Dense(3)], input_shape=(2,)))
    [('input', (2,)), ('dense_1', (3,)), ('softmax', (3,))]
    """
    return ([("input", model.input_shape)]
            + [(layer.name, layer.output_shape) for layer in model.layers]
            + [("softmax", model.output_shape)])


def heard_unit(key: str, n_columns: int) -> bool:
    """Set the choice widgets from the component's last click, if it is new.

    A click is new when its ``seq`` differs from the last one handled. Returns True when
    the widgets were set.
    """
    ss = st.session_state
    state = ss.get(key)
    unit = state.get("unit") if isinstance(state, Mapping) else None
    if not isinstance(unit, Mapping) or dict(unit) == ss.get(f"{key}.seen"):
        return False
    ss[f"{key}.seen"] = dict(unit)
    column, pos = unit.get("column"), unit.get("position")
    if not (isinstance(column, int) and 1 <= column < n_columns and isinstance(pos, list)
            and pos and all(isinstance(v, int) and v >= 0 for v in pos)):
        return False
    ss[_KEYS["col"]] = column
    if len(pos) == 3:
        ss[_KEYS["row"]], ss[_KEYS["cell"]], ss[_KEYS["map"]] = (v + 1 for v in pos)
    else:
        ss[_KEYS["num"]] = pos[0] + 1
    return True


def _clamp(key: str, hi: int) -> int:
    ss = st.session_state
    v = ss.get(key, 1)
    ss[key] = min(max(1, v if isinstance(v, int) and not isinstance(v, bool) else 1), hi)
    return ss[key]


def _choose(model: Sequential, class_names: tuple[str, ...]) -> tuple[int, tuple[int, ...]]:
    """The column and 0-based position the widgets pick (a clicked unit set them)."""
    shapes = column_shapes(model)
    ss = st.session_state
    if ss.get(_KEYS["col"]) not in range(1, len(shapes)):
        ss[_KEYS["col"]] = 1
        h, w = shapes[1][1][:2] if len(shapes[1][1]) == 3 else (1, 1)
        ss[_KEYS["row"]], ss[_KEYS["cell"]] = h // 2 + 1, w // 2 + 1  # the middle: ink
    a, b, c, d = st.columns([2, 1, 1, 1])
    a.selectbox("Layer", range(1, len(shapes)), key=_KEYS["col"],
                format_func=lambda i: f"{shapes[i][0]} ({'×'.join(map(str, shapes[i][1]))})")
    ci = ss[_KEYS["col"]]
    shape = shapes[ci][1]
    if len(shape) == 3:
        h, w, ch = shape
        for box, key, label, hi in ((b, "map", "Map", ch), (c, "row", "Row", h),
                                    (d, "cell", "Column", w)):
            _clamp(_KEYS[key], hi)
            box.number_input(f"{label} (1 to {hi})", 1, hi, key=_KEYS[key])
        return ci, (ss[_KEYS["row"]] - 1, ss[_KEYS["cell"]] - 1, ss[_KEYS["map"]] - 1)
    n = shape[0]
    _clamp(_KEYS["num"], n)
    if ci >= len(shapes) - 2 and len(class_names) == n:  # the scores, the probabilities
        b.selectbox("Class", range(1, n + 1), key=_KEYS["num"],
                    format_func=lambda k: class_names[k - 1])
    else:
        b.number_input(f"Number (1 to {n})", 1, n, key=_KEYS["num"])
    return ci, (ss[_KEYS["num"]] - 1,)


def _columns_payload(trainer: Trainer, sample: int) -> dict[str, Any]:
    """The columns' payload, kept while the model, its step and the sample stay (a click
    only moves the picked unit)."""
    ss = st.session_state
    sig = (id(trainer), id(trainer.model), trainer.step, sample)
    kept = ss.get("train.nv_payload")
    if not kept or kept[0] != sig:
        ds = trainer.dataset
        kept = (sig, network_payload(trainer.model, ds.x_test[sample], ds.class_names))
        ss["train.nv_payload"] = kept
    return kept[1]


def _about(u: Any, class_names: tuple[str, ...]) -> str:
    if len(u.position) == 3:
        r, c, ch = u.position
        where = f"map {ch + 1}, row {r + 1}, column {c + 1}"
    elif u.kind == "softmax":
        where = f"class “{class_names[u.position[0]]}”"
    else:
        where = f"number {u.position[0] + 1}"
    head = f"**{u.name}, {where}**"
    reads = u.reads
    if u.kind == "conv2d":
        kh, kw, cin = u.inputs.shape
        r0, r1 = reads["rows"]
        c0, c1 = reads["cols"]
        maps = "its one map" if cin == 1 else f"**all {cin} maps**"
        return (f"{head} reads a {kh}×{kw} window of {maps} of {u.source} (rows "
                f"{r0 + 1} to {r1}, columns {c0 + 1} to {c1}"
                + (", partly on the zero padding" if u.pad_mask.any() else "") + "). Each "
                "number is multiplied by the filter's weight at the same place, in the same "
                "map; all the products are added, and the filter's bias is added to the sum.")
    if u.kind == "max_pool2d":
        return (f"{head} reads a window of the same map of {u.source} and keeps its largest "
                "number (circled); the others are dropped.")
    if u.kind == "avg_pool2d":
        return f"{head} reads a window of the same map of {u.source} and takes its mean."
    if u.kind == "relu":
        return (f"{head} reads one number, the same place in {u.source}, and passes it on "
                "if it is positive; a negative number becomes 0.")
    if u.kind == "flatten":
        return (f"{head} reads one number of {u.source}: Flatten lays the maps out in one "
                "row: row by row, cell by cell, and within a cell map by map. Nothing is "
                "computed.")
    if u.kind == "dense":
        return (f"{head} reads **every** number of {u.source} ({u.count:,}), multiplies "
                "each by its own weight, adds the products and its bias.")
    return (f"{head}: softmax turns the {u.count} scores of {u.source} into probabilities: "
            "e to the power of each score, divided by the sum of them all (each score has "
            "the largest subtracted first: the same factor above and below the line, so the "
            "answer does not change).")


def whole_network(trainer: Trainer, sample: int) -> None:
    """The tab: the columns for held-out ``sample`` (0-based) and one unit's numbers."""
    model, ds = trainer.model, trainer.dataset
    if not ds.n_test:
        st.info("There is no held-out sample to look at.")
        return
    label = int(ds.y_test[sample])
    shapes = column_shapes(model)
    heard_unit(NET_KEY, len(shapes))
    st.markdown(
        f"Held-out sample {sample + 1} (a “{ds.class_names[label]}”) through **every layer** "
        "of this network, from the input on the left to the softmax's probabilities on the "
        "right, as CNN Explainer draws its network. Each layer's maps share one colour "
        "scale (its legend is under it). **Hover** a unit to light the numbers it reads in "
        "the layer before; **click** it, or choose it below, to see the numbers it computes.")
    try:
        ci, pos = _choose(model, ds.class_names)
        u = unit_computation(model, ds.x_test[sample], ci - 1, pos)
        payload = _columns_payload(trainer, sample)
    except (ValueError, TypeError) as exc:
        st.error(f"The network cannot be shown: {exc}.")
        return
    data = {**payload, "picked": {"column": ci, "position": list(pos)}}
    _network()(data=data, key=NET_KEY, default={"unit": None}, on_unit_change=lambda: None,
               width="stretch", height="content")
    if payload["left_out"]:
        st.caption(payload["left_out"])
    st.markdown(_about(u, ds.class_names))
    grid_view(unit_payload(u, class_names=ds.class_names), key="train.nv_grid")
    st.caption(f"These are the numbers the network computed for this sample: {u.name}'s own "
               f"output here is {u.output:.6g}; rebuilt from the parts above in float64 it is "
               f"{u.recomputed:.6g}. The grids round to 3 significant digits.")
