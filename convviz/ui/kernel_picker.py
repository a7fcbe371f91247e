"""Pick one learned kernel of a trained model: a conv layer, a filter and an input channel.

Shared by the training page's *Step by step* and *Gradients* views. The choices live in
session state under ``<prefix>_layer``, ``<prefix>_filter`` and ``<prefix>_channel``
(1-based, kept within the chosen layer's sizes).
"""

from __future__ import annotations

import streamlit as st

from convviz.nn.model import Sequential
from convviz.nn.model_files import conv_layers


def clamp(key: str, hi: int) -> None:
    """Keep the 1-based number in ``st.session_state[key]`` within 1..``hi``."""
    ss = st.session_state
    ss[key] = min(max(1, int(ss.get(key, 1))), hi)


def pick_kernel(model: Sequential, prefix: str, *, has_sample: bool = True
                ) -> tuple[int, int, int] | None:
    """Draw the three choices in three columns; return (layer index, filter, channel),
    the last two 0-based, or None (with a note) when there is nothing to pick."""
    convs = conv_layers(model)
    if not convs or not has_sample:
        st.info("This model has no convolution layer (or there is no held-out sample).")
        return None
    ss = st.session_state
    if ss.get(f"{prefix}_layer") not in convs:
        ss[f"{prefix}_layer"] = convs[0]
    a, b, c = st.columns(3)
    a.selectbox("Conv layer", convs, key=f"{prefix}_layer",
                format_func=lambda i: f"{model.layers[i].name} (layer {i + 1})")
    layer = ss[f"{prefix}_layer"]
    _, _, c_in, n_f = model.layers[layer].params["weight"].shape
    clamp(f"{prefix}_filter", n_f)
    clamp(f"{prefix}_channel", c_in)
    b.number_input(f"Filter (1 to {n_f})", 1, n_f, key=f"{prefix}_filter")
    c.number_input(f"Input channel (1 to {c_in})", 1, c_in, key=f"{prefix}_channel",
                   disabled=c_in == 1)
    return layer, ss[f"{prefix}_filter"] - 1, ss[f"{prefix}_channel"] - 1
