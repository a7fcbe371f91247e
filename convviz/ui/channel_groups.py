"""The convolution page's "Channels and groups" section: input channels as slabs, a groups
control from standard to grouped to depthwise, the 1x1 (pointwise) convolution, and
depthwise-separable versus standard, each with its parameters and multiply-adds.

The page adds :data:`GROUP_SPECS` to its settings (so the link keeps them) and calls
:func:`channels_and_groups` with its input, its kernel and its geometry. The numbers come
from :mod:`convviz.teach.groups` (which runs :func:`convviz.conv2d`) and the pictures from
:mod:`convviz.draw.channel_links`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from convviz.draw.channel_links import MAX_CHANNELS, links_svg
from convviz.serve.params import int_param
from convviz.teach import groups as gr

__all__ = ["GROUP_SPECS", "channels_and_groups"]

GROUP_SPECS = {
    "conv.g_cin": int_param(4, 1, MAX_CHANNELS),
    "conv.g_cout": int_param(4, 1, MAX_CHANNELS),
    "conv.groups": int_param(1, 1, MAX_CHANNELS),
}


def _label(g: int, c_in: int) -> str:
    return f"{g} ({gr.kind_of(g, c_in)})"


def _counts(cost: gr.ConvCost) -> None:
    """Output shape, parameters and multiply-adds with their formulas."""
    st.markdown(f"**Parameters: {cost.params:,}**  \nkH×kW×(C_in / groups)×C_out + C_out = "
                f"{cost.params_text}")
    st.markdown(f"**Multiply-adds: {cost.macs:,}**  \nH'×W'×kH×kW×(C_in / groups)×C_out = "
                f"{cost.macs_text}")
    st.caption(f"Output shape (from running the convolution): {cost.out_shape}")


def channels_and_groups(x: np.ndarray, kernel2d: np.ndarray, geo: Mapping[str, Any]) -> None:
    """Draw the section for the page's input ``x`` ((H, W) or (H, W, 3)), its 2-D kernel
    and its geometry (``stride``, ``padding``, ``dilation``, ``padding_mode``, ``flip``)."""
    ss = st.session_state
    st.header("Channels and groups")
    st.markdown(
        "A real layer's input has many **channels** (3 for RGB, 32 or 64 after a few "
        "layers). A standard filter has one slice per input channel. With **groups** the "
        "channels and the filters are split into groups and each filter reads only its own "
        "group's channels: fewer weights and fewer multiply-adds. With as many groups as "
        "channels the convolution is **depthwise**: each channel is filtered on its own. "
        f"Below, the input is your {x.shape[0]}x{x.shape[1]} grid repeated as every channel "
        "and each slice is your kernel: only the shapes matter for the counts.")
    a, b, c = st.columns(3)
    a.slider("Input channels (C_in)", 1, MAX_CHANNELS, key="conv.g_cin")
    b.slider("Filters (C_out)", 1, MAX_CHANNELS, key="conv.g_cout")
    c_in, c_out = ss["conv.g_cin"], ss["conv.g_cout"]
    choices = gr.group_choices(c_in, c_out)
    if ss["conv.groups"] not in choices:  # channels changed under it: the nearest below
        ss["conv.groups"] = max(g for g in choices if g <= ss["conv.groups"])
    if len(choices) > 1:
        c.select_slider("Groups", choices, key="conv.groups",
                        format_func=lambda g: _label(g, c_in),
                        help="Only numbers that divide both the channels and the filters.")
    else:
        c.markdown(f"**Groups:** 1 only: {c_in} channel{'s' * (c_in > 1)} and {c_out} "
                   f"filter{'s' * (c_out > 1)} have no other common divisor.")
    groups = ss["conv.groups"]
    if why := gr.groups_not_offered(c_in, c_out):
        st.caption(why)
    xc = gr.channels_input(x, c_in)
    try:
        cost = gr.conv_cost(xc, kernel2d, c_out=c_out, groups=groups, geo=geo)
        point = gr.conv_cost(xc, np.ones((1, 1)), c_out=c_out, groups=1, geo={})
        sep = gr.separable(xc, kernel2d, c_out=c_out, geo=geo)
    except (ValueError, TypeError) as exc:
        st.info(f"No counts with these settings: the convolution has no output ({exc}). "
                "Fix the kernel, dilation or padding above.")
        return
    kh, kw = cost.kh, cost.kw
    # the picture on its own row, at its own width: in a column it would be scaled down
    # and its 14 px text with it
    st.image(links_svg(c_in, c_out, groups, slice_text=f"{kh}×{kw}",
                       title=f"{_label(groups, c_in)}: each filter reads "
                             f"{c_in // groups} of the {c_in} channels"))
    with st.container():
        st.markdown(f"**{cost.kind.capitalize()} convolution, groups = {groups}**")
        _counts(cost)
        if cost.kind == "depthwise" and c_out > c_in:
            st.caption(f"Each channel has {c_out // c_in} filters of its own (Keras calls "
                       "this the depth multiplier).")
        st.code(f"torch.nn.Conv2d({c_in}, {c_out}, kernel_size=({kh}, {kw}), "
                f"groups={groups})", language="python", wrap_lines=True)

    st.subheader("1x1 (pointwise) convolution: mixing channels")
    st.image(links_svg(c_in, c_out, 1, slice_text="1×1",
                       title=f"1x1: each filter mixes all {c_in} channels of one pixel"))
    with st.container():
        st.markdown(
            "A **1x1** kernel sees one pixel, but through every channel: each output value "
            "is a weighted sum of the C_in values at the same pixel, plus a bias. The size "
            "stays, the depth becomes C_out: it **mixes channels** (and cheaply changes "
            "their number).")
        _counts(point)

    st.subheader("Depthwise-separable versus standard")
    dw, pw, std = sep.depthwise, sep.pointwise, sep.standard
    oh, ow = std.out_shape[:2]
    st.markdown(
        f"The same input ({xc.shape[0]}, {xc.shape[1]}, {c_in}) and the same output "
        f"{std.out_shape}, two ways: a standard {kh}x{kw} convolution, or a depthwise "
        f"{kh}x{kw} one (each channel on its own) followed by a 1x1 one that mixes the "
        "channels (MobileNet's building block).")
    table = [
        "| | parameters | multiply-adds |", "|---|--:|--:|",
        f"| depthwise {kh}x{kw}, groups = {c_in} | {dw.params_text} | {dw.macs_text} |",
        f"| pointwise 1x1, {c_in} → {c_out} | {pw.params_text} | {pw.macs_text} |",
        f"| **depthwise-separable** | **{sep.params:,}** | **{sep.macs:,}** |",
        f"| standard {kh}x{kw}, {c_in} → {c_out} | {std.params_text} | {std.macs_text} |",
        f"| **separable / standard** | **{sep.params_ratio:.3f}** | "
        f"**{sep.macs_ratio:.3f}** |"]
    st.markdown("\n".join(table))
    st.caption(
        f"For the multiply-adds the ratio is exactly 1/C_out + 1/(kH×kW) = 1/{c_out} + "
        f"1/{kh * kw} = {1 / c_out + 1 / (kh * kw):.3f}: the depthwise part does the "
        f"{kh}x{kw} work once per channel, not once per filter. Biases make the parameter "
        "ratio a little different.")
