"""Convolution, step by step: every product and sum of one window at a time."""

from functools import partial

import numpy as np
import streamlit as st

import convviz as cv
from convviz.draw import conv_view as view
from convviz.draw import render
from convviz.draw.conv_animation import (
    animation_fit,
    animation_gif,
    animation_numbers_left_out,
)
from convviz.draw.conv_grid import conv_grid_payload
from convviz.draw.static_grids import coverage_payload
from convviz.engine.padding import PADDING_MODES
from convviz.serve import params as prm
from convviz.teach import arithmetic as ar
from convviz.teach import examples as ex
from convviz.teach.page_questions import conv_page_question
from convviz.ui.boot import ensure_app
from convviz.ui.channel_groups import GROUP_SPECS, channels_and_groups
from convviz.ui.downloads import budgeted_download
from convviz.ui.drawn_input import drawn_input
from convviz.ui.grid_editor import grid_editor, replace_grid
from convviz.ui.grid_view import grid_view, heard_step
from convviz.ui.nav import next_link
from convviz.ui.predict import another_question, predict_panel, predict_toggle
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()

PAD_KINDS = ("number", "valid", "same", "full")
KNAMES = (*cv.KERNELS, "custom")
fmt = view.fmt  # up to 4 significant digits, as in the grids and equations


def _grid(default: np.ndarray, lo: int, hi: int, name: str) -> prm.Param:
    return prm.Param(default, lambda t: ex.check_grid_shape(prm.text_to_grid(t, limit=99), lo,
                                                            hi, name), prm.grid_to_text)


SPECS = {
    "conv.mode": prm.choice_param("gray", ["gray", "rgb"]),
    "conv.preset": prm.choice_param("digit", list(ex.INPUT_CHOICES)),
    "conv.seed": prm.int_param(0, 0, 9999),
    "conv.x": _grid(ex.make_input("digit", 7, 7), 5, 12, "input"),
    "conv.kname": prm.choice_param("sobel_x", KNAMES),
    "conv.k": _grid(cv.KERNELS["sobel_x"].array, 1, 7, "kernel"),
    "conv.stride": prm.int_param(1, 1, 4),
    "conv.pad_kind": prm.choice_param("number", PAD_KINDS),
    "conv.pad": prm.int_param(0, 0, 3),
    "conv.pad_mode": prm.choice_param("zeros", PADDING_MODES),
    "conv.dil": prm.int_param(1, 1, 3),
    "conv.bias": prm.float_param(0.0, -10.0, 10.0),
    "conv.flip": prm.bool_param(False),
    "conv.nf": prm.int_param(2, 1, len(ex.FILTER_MIX)),
    "conv.filt": prm.int_param(1, 1, len(ex.FILTER_MIX)),
    "conv.pos": prm.int_param(0, 0, 9999),  # the step shown, 0-based (the player's)
    **GROUP_SPECS,  # the "Channels and groups" section
}
ss = st.session_state

st.title("Convolution, step by step")
st.markdown(
    "A **kernel** (a small grid of weights) slides over the input. At each position the "
    "cells under it are **multiplied element-wise** by the weights and the products are "
    "**summed** (plus a bias) into **one cell** of the output, the *feature map*. In a CNN "
    "the weights are not chosen by hand: they are **learned**, and the first layer's "
    "kernels usually end up as edge and corner detectors much like the presets below."
)
for msg in init_settings(SPECS):
    st.warning(msg)
predict_toggle()


def _refill() -> None:
    if ss["conv.preset"] == ex.GIVEN:  # nothing to make it from: keep the grid
        return
    replace_grid("conv.x", ex.make_input(ss["conv.preset"], *ss["conv.x"].shape,
                                      seed=ss["conv.seed"]))


def _resize_input() -> None:
    old, shape, seed = ss["conv.x"], (ss["conv.rows"], ss["conv.cols"]), ss["conv.seed"]
    pristine = ss["conv.preset"] in ex.PRESETS and np.array_equal(
        old, ex.make_input(ss["conv.preset"], *old.shape, seed=seed))
    replace_grid("conv.x", ex.make_input(ss["conv.preset"], *shape, seed=seed)
                 if pristine else ex.resize_grid(old, *shape))  # keep hand edits


def _pick_kernel() -> None:
    if ss["conv.kname"] != "custom":
        replace_grid("conv.k", cv.KERNELS[ss["conv.kname"]].array)


def _resize_kernel() -> None:
    replace_grid("conv.k", ex.resize_grid(ss["conv.k"], ss["conv.krows"], ss["conv.kcols"]))
    ss["conv.kname"] = "custom"


def _edited_kernel() -> None:
    ss["conv.kname"] = "custom"


ss["conv.rows"], ss["conv.cols"] = ss["conv.x"].shape
ss["conv.krows"], ss["conv.kcols"] = ss["conv.k"].shape
rgb = st.radio("Input channels", ["gray", "rgb"], key="conv.mode", horizontal=True,
               format_func={"gray": "1 channel", "rgb": "3 channels (RGB)"}.get) == "rgb"
if not rgb:
    st.caption("A colour image has 3 channels (R, G, B): pick \"3 channels\" to see how a "
               "filter gets one kernel slice per channel and several filters give several "
               "feature maps.")
c_in, c_k, c_geo = st.columns([1, 1, 1.05], gap="medium")  # 1024 px: "replicate" fits
with c_in:
    st.subheader("Input")
    menu = st.container()  # filled after the pad below: a new drawing sets "Start from"
    with st.expander("Draw the input"):
        drawn_input()
    menu.selectbox("Start from", [*ex.PRESETS, *[ex.GIVEN] * (ss["conv.preset"] == ex.GIVEN)],
                   key="conv.preset", on_change=_refill,
                   format_func=partial(ex.input_label, given=ss.get("conv.given")))
    a, b, c = menu.columns(3)
    a.number_input("Rows", 5, 12, key="conv.rows", on_change=_resize_input)
    b.number_input("Columns", 5, 12, key="conv.cols", on_change=_resize_input)
    c.number_input("Seed", 0, 9999, key="conv.seed", on_change=_refill,
                   disabled=ss["conv.preset"] != "random", help="Random integers: same seed, "
                   "same grid.")
    if rgb:
        x = ex.rgb_input(ss["conv.preset"], ss["conv.x"], seed=ss["conv.seed"])
        st.caption("RGB mode builds the input from the preset, the size and the seed (that is "
                   "what the link stores); cell edits apply to the 1-channel grid only."
                   if ss["conv.preset"] != ex.GIVEN else "RGB mode repeats the given grid in "
                   "R, G and B: it has no colours of its own.")
    else:
        with st.expander(f"Edit the {ss['conv.rows']}x{ss['conv.cols']} input cell by cell"):
            x = grid_editor("conv.x", lo=-99, hi=99, help="Type a number (-99 to 99).")
with c_k:
    st.subheader("Kernel" + (" (one slice per channel)" if rgb else ""))
    st.selectbox("Preset", KNAMES, key="conv.kname", on_change=_pick_kernel,
                 format_func=lambda n: cv.KERNELS[n].title if n in cv.KERNELS else "custom")
    a, b = st.columns(2)
    a.number_input("Kernel rows", 1, 7, key="conv.krows", on_change=_resize_kernel)
    b.number_input("Kernel columns", 1, 7, key="conv.kcols", on_change=_resize_kernel)
    k2 = grid_editor("conv.k", on_edit=_edited_kernel, lo=-99, hi=99)
    kn = ss["conv.kname"]
    st.caption(cv.KERNELS[kn].meaning if kn in cv.KERNELS else
               "Your own weights. In a trained CNN, the network finds these numbers itself.")
    if any(s % 2 == 0 for s in k2.shape):
        st.info(f"A {k2.shape[0]}x{k2.shape[1]} kernel has an even side, so no centre cell: "
                "each output sits half a cell off the input cells (\"symmetry imbalance\").")
    with st.expander("Kernel size: 3x3, 1x1, 5x5, 7x7 ..."):
        st.markdown(
            "- **3x3** is the usual choice: the smallest odd size that sees its neighbours "
            "(1x1 has a centre too, but sees only its own cell), and two stacked 3x3 layers "
            "see as far as one 5x5 with fewer weights.\n- **1x1** looks at one "
            "cell only: with several channels it *mixes channels* (a weighted sum of R, G, B "
            "per pixel).\n- **5x5, 7x7, 11x11** see more at once but the output **shrinks "
            "faster** (at stride 1 without padding each axis loses K - 1 cells) and cost "
            "more.\n"
            "- **Even** "
            "sizes (2x2, 4x4) have no centre cell: the output is shifted half a cell.")
with c_geo:
    st.subheader("Sliding")
    st.slider("Stride", 1, 4, key="conv.stride", help="How many cells the window moves.")
    a, b = st.columns([1.3, 1])
    a.selectbox("Padding", PAD_KINDS, key="conv.pad_kind",
                help="valid: none; same: keep ceil(n / stride); full: every overlap.")
    if ss["conv.pad_kind"] == "number":
        b.number_input("Padding (cells per side)", 0, 3, key="conv.pad")
    a.selectbox("Padding mode", PADDING_MODES, key="conv.pad_mode",
                help="What the padding cells hold: zeros, a mirror of the border, the "
                "border repeated, or the opposite side (circular).")
    b.slider("Dilation", 1, 3, key="conv.dil", help="Gaps between the kernel's taps.")
    st.number_input("Bias (added to every sum)", -10.0, 10.0, step=0.5, key="conv.bias")
    st.toggle("true convolution (flip the kernel 180°)", key="conv.flip")
    st.caption("CNN libraries compute **cross-correlation**: the kernel is laid on the input "
               "as written. True convolution first rotates it by 180°; for learned weights "
               "it makes no difference, for Sobel x it flips the sign of the edges.")
    if rgb:
        st.slider("Number of filters", 1, len(ex.FILTER_MIX), key="conv.nf")
        ss["conv.filt"] = min(ss["conv.filt"], ss["conv.nf"])
        st.selectbox("Step through filter", list(range(1, ss["conv.nf"] + 1)), key="conv.filt")

padding = ss["conv.pad"] if ss["conv.pad_kind"] == "number" else ss["conv.pad_kind"]
geo = {"stride": ss["conv.stride"], "padding": padding, "dilation": ss["conv.dil"],
       "padding_mode": ss["conv.pad_mode"], "flip": ss["conv.flip"]}
bias = float(ss["conv.bias"])
filters = ex.rgb_filters(k2, ss["conv.nf"]) if rgb else None  # (kH, kW, 3, F)
kernel = filters[..., ss["conv.filt"] - 1] if rgb else k2
try:
    plan = cv.conv_plan(x, kernel, bias, **geo)
except (ValueError, TypeError) as exc:
    plan = None
    st.error(f"This convolution cannot be computed: {exc}. Try a smaller kernel or dilation, "
             "more padding, or (for reflect and circular padding) less padding than the "
             "input's side.")
sizes = [cv.explain_output_size(x.shape[a], k2.shape[a], stride=ss["conv.stride"],
                                padding=padding, dilation=ss["conv.dil"]) for a in (0, 1)]

st.header("Step through the windows")


@st.cache_data(max_entries=32, show_spinner=False)
def _payload(x: np.ndarray, kernel: np.ndarray, bias: float, geo: dict) -> dict:
    return conv_grid_payload(cv.conv_plan(x, kernel, bias, **geo))  # every step, once


@st.cache_data(max_entries=32, show_spinner=False)
def _output_base(values: np.ndarray, cell: int) -> np.ndarray:
    return view.output_base(values, cell=cell)


def _formula() -> None:
    st.code(f"rows:    {sizes[0]}\ncolumns: {sizes[1]}", language=None, wrap_lines=True)


revealed = True  # False while "Predict first" waits for an answer
if plan is not None:
    pos = heard_step("conv.grid", "conv.pos", plan.n_steps)  # where the player stopped
    revealed = predict_panel(conv_page_question(x, kernel, bias, plan.step(pos).out_pos,
                                                **geo), key="conv.predict")
    another_question("Another cell", key="conv.predict", pos_key="conv.pos",
                     n_steps=plan.n_steps)
if plan is not None and revealed:
    st.caption("Play, step, drag the slider or use the arrow keys and space (click the grids "
               "first). Hover an output cell to see its window and sum, click it to pin "
               "that step; hover an input cell to light every output cell it feeds.")
    grid_view({**_payload(x, kernel, bias, geo), "step": pos}, key="conv.grid")
    step = plan.step(pos)
    r, c = step.out_pos
    st.caption("Where the player last stopped (the page's link opens this step):")
    st.metric(f"Step {pos + 1} of {plan.n_steps}: output[{r}, {c}] (row {r + 1}, "
              f"column {c + 1})", fmt(step.value))
    first, second = view.step_equation(step, plan.kernel)
    what = "Channel sums" if rgb else "Sum of products"
    st.markdown(f"#### {what}: {first}\n#### Plus bias: {second} → output[{r}, {c}]")
    _formula()
    if not rgb:
        fit = animation_fit(plan)  # from the sizes alone: nothing is drawn yet
        budgeted_download(
            "Download the animation (GIF)", key="conv.gif", file_name="convolution.gif",
            mime="image/gif", plan=fit, make=lambda: animation_gif(plan, fit),
            help="Every step as an animated GIF (2 steps a second), for slides.")
        if animation_numbers_left_out(plan, fit.size):
            st.caption(f"In the GIF's {fit.size} px cells, {render.NUMBERS_LEFT_OUT} (no "
                       "number is drawn under 12 px); hover a cell of the grids above to read "
                       "its number.")
else:
    _formula()

if rgb:
    st.header("One filter, one feature map")
    st.markdown(
        "A filter has **one slice per input channel**. Each slice gives a channel sum; the "
        "channel sums **add up, plus one bias, into one output cell**. So one filter makes "
        "one feature map, and the **output depth is the number of filters**.")
    try:
        maps = cv.conv2d(x, filters, bias, **geo)  # (H', W', F)
    except (ValueError, TypeError):
        maps = None  # already explained above
    if maps is not None and revealed:
        st.caption(f"Input {x.shape} with {maps.shape[-1]} filters of shape {filters.shape[:3]}"
                   f" gives an output of shape {maps.shape}: depth {maps.shape[-1]}.")
        cols = st.columns(len(ex.FILTER_MIX))
        for f in range(maps.shape[-1]):
            mix, meaning = ex.FILTER_MIX[f]
            weights = ", ".join(f"{n} × {fmt(w)}"
                                for n, w in zip(view.CHANNEL_NAMES, mix, strict=True))
            cols[f].image(_output_base(maps[..., f], view.cell_size(
                max(maps.shape[:2]), budget=280, lo=22, hi=40)),
                caption=f"filter {f + 1} → feature map {f + 1}: slices = kernel ({weights}),"
                f" {meaning}")

with st.expander("Why the border counts less, and why the output shrinks", expanded=False):
    small, big = cv.output_size(7, 3), cv.output_size(28, 3)
    st.markdown(
        "A corner cell fits in fewer window positions than a central one: the border is "
        "**used less**, and without padding the output shrinks: at stride 1 each axis loses "
        "k_eff - 1 cells, (k_eff - 1) / 2 at each border when that is whole: "
        f"a 7x7 input and a 3x3 kernel give {small}x{small}, a 28x28 input gives "
        f"{big}x{big}, {(28 - big) // 2} cell at each border. Per axis, with the letters of "
        "the formula under the steps: **output = floor((n + p_before + p_after - k_eff) / s)"
        " + 1**, **k_eff = d (k - 1) + 1** (n input cells, k kernel, p padding, s stride, "
        f"d dilation).\n\n{ar.padding_coverage_text(3)}")
    if plan is not None:
        cov = view.coverage(plan)
        grid_view(coverage_payload(cov), key="conv.coverage")
        st.caption("How many windows use each input cell, with these settings: "
                   f"the top-left corner {cov[0, 0]}, the busiest cell {cov.max()}.")

channels_and_groups(x, k2, geo)

save_settings(SPECS)
share_hint()
next_link("pages/convolution.py")
