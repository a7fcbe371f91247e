"""Pooling: max, average and global pooling, one window at a time."""

from functools import partial

import numpy as np
import streamlit as st

import convviz as cv
from convviz.draw import render
from convviz.draw.pool_grid import pool_grid_payload
from convviz.draw.pool_shift import shift_payload
from convviz.serve.params import (
    Param,
    bool_param,
    choice_param,
    grid_to_text,
    int_param,
    text_to_grid,
)
from convviz.teach import codegen, pool_text
from convviz.teach.examples import check_grid_shape, random_grid
from convviz.teach.page_questions import POOL_ASKS, pool_page_question
from convviz.ui.boot import ensure_app
from convviz.ui.grid_editor import grid_editor, replace_grid
from convviz.ui.grid_view import grid_view, heard_step
from convviz.ui.nav import next_link
from convviz.ui.predict import another_question, predict_on, predict_panel, predict_toggle
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()

MODES = {"max": "Max pooling", "avg": "Average pooling", "gmax": "Global max pooling",
         "gavg": "Global average pooling"}
SPECS = {
    "pool.n": int_param(6, 4, 12),
    "pool.seed": int_param(0, 0, 9999),
    "pool.x": Param(random_grid(6, 6, seed=0),
                    lambda t: check_grid_shape(text_to_grid(t, max_side=12, limit=99), 2, 12,
                                               "input"),
                    grid_to_text),
    "pool.mode": choice_param("max", list(MODES)),
    "pool.k": int_param(2, 1, 4),
    "pool.tied": bool_param(True),
    "pool.s": int_param(2, 1, 4),
    "pool.p": int_param(0, 0, 2),
    "pool.ceil": bool_param(False),
    "pool.cip": bool_param(True),
    "pool.pos": int_param(0, 0, 9999),  # the step shown, 0-based (the player's)
}
ss = st.session_state


def _regenerate() -> None:
    replace_grid("pool.x", random_grid(ss["pool.n"], ss["pool.n"], seed=ss["pool.seed"]))


# A first visit whose link has no grid builds the grid from the link's size and seed.
fresh = not any(k in ss or k in st.query_params for k in ("pool.x", "_keep.pool.x"))
for msg in init_settings(SPECS):
    st.warning(msg)
if fresh:
    ss["pool.x"] = random_grid(ss["pool.n"], ss["pool.n"], seed=ss["pool.seed"])
side = np.shape(ss["pool.x"])
if side[0] == side[1] and 4 <= side[0] <= 12:
    ss["pool.n"] = side[0]  # a grid from a link sets the size slider

st.title("Pooling")
st.markdown(
    "A pooling layer slides a window over a feature map, like a convolution, but has **no "
    "weights**: each window is summarised by one number. **Max pooling** keeps the "
    "largest value (the strongest response), **average pooling** the mean, and **global** "
    "pooling summarises the whole map in one value per channel. With a 2x2 window and "
    "stride 2 each side halves and the map has one value for every four inputs, so the "
    "next layers have a quarter of the cells to work on."
)
predict_toggle()

controls, view = st.columns([1, 2.4], gap="large")
with controls:
    st.radio("Pooling", list(MODES), key="pool.mode", format_func=MODES.get)
    mode = ss["pool.mode"]
    local = mode in ("max", "avg")
    st.slider("Pool size (window k x k)", 1, 4, key="pool.k", disabled=not local)
    st.checkbox("Stride = pool size (windows do not overlap)", key="pool.tied",
                disabled=not local)
    if ss["pool.tied"]:
        ss["pool.s"] = ss["pool.k"]
    st.slider("Stride", 1, 4, key="pool.s", disabled=not local or ss["pool.tied"])
    st.slider("Padding", 0, 2, key="pool.p", disabled=not local,
              help="At most half the pool size (pool size // 2), as PyTorch requires; "
                   "within it every window keeps at least one input cell.")
    st.checkbox("ceil_mode (round the output size up)", key="pool.ceil", disabled=not local)
    st.checkbox("count_include_pad (average: divide by padding cells too)", key="pool.cip",
                disabled=mode != "avg")
    st.divider()
    st.slider("Input size (random grid)", 4, 12, key="pool.n", on_change=_regenerate)
    st.number_input("Random seed", 0, 9999, key="pool.seed", on_change=_regenerate)

k, s, p, ceil, cip = ss["pool.k"], ss["pool.s"], ss["pool.p"], ss["pool.ceil"], ss["pool.cip"]
x = np.asarray(ss["pool.x"], dtype=np.float64)
vmax = render.full_scale(x)


@st.cache_data(max_entries=32, show_spinner=False)
def _payload(x: np.ndarray, settings: dict, vmax: float) -> dict:
    """Every window once, with its arithmetic (the browser plays them)."""
    plan = cv.pool_plan(x, **settings)
    cip = settings.get("count_include_pad", True)
    return pool_grid_payload(plan, lines=pool_text.plan_lines(plan, count_include_pad=cip),
                             vmax=vmax)


@st.cache_data(max_entries=32, show_spinner=False)
def _global_payload(x: np.ndarray, kind: str, value: float, vmax: float) -> dict:
    """The whole map as one window."""
    plan = cv.pool_plan(x, x.shape, mode=kind)
    return pool_grid_payload(plan, lines=[[pool_text.global_pool_text(x, kind, value)]],
                             vmax=vmax)


question = partial(pool_page_question, x, mode, k, s, p, ceil_mode=ceil, count_include_pad=cip)
revealed = True  # False while "Predict first" waits for an answer
with view:
    if not local:
        kind = "max" if mode == "gmax" else "avg"
        value = float(cv.global_pool(x, kind))
        revealed = predict_panel(question(index=(0, 0)), key="pool.predict")
    if not local and revealed:
        st.markdown(f"**{pool_text.pool_count_text(x.shape, (1, 1))}**")
        st.code(pool_text.global_pool_text(x, kind, value), language=None)
        grid_view(_global_payload(x, kind, value, vmax), key="pool.global")
        st.caption("Global pooling needs no window settings: the window is the whole map. "
                   + ("The circled cell is the maximum (the first one, row by row, on ties)."
                      if kind == "max" else "Every cell counts once."))
    elif local:
        settings = {"pool_size": k, "stride": s, "padding": p, "mode": mode, "ceil_mode": ceil,
                    "count_include_pad": cip}
        try:
            plan = cv.pool_plan(x, **settings)
            out = cv.pool2d(x, **settings)
        except (ValueError, TypeError) as exc:
            plan = None
            st.error(f"{exc}. Lower the padding or pick a larger pool size.")
        if plan is not None:
            pos = heard_step("pool.grid", "pool.pos", plan.n_steps)  # where the player stopped
            ask = st.radio("Ask for", list(POOL_ASKS), key="pool.ask", horizontal=True,
                           format_func=POOL_ASKS.get) if predict_on() else "value"
            revealed = predict_panel(question(index=plan.step(pos).out_pos, ask=ask),
                                     key="pool.predict")
            if ask == "value":
                another_question("Another window", key="pool.predict", pos_key="pool.pos",
                                 n_steps=plan.n_steps)
        if plan is not None and revealed:
            st.markdown(f"**{pool_text.pool_count_text(x.shape, out.shape, k, s)}** "
                        f"({x.shape[0]} x {x.shape[1]} → {out.shape[0]} x {out.shape[1]}).")
            st.caption("Play, step, drag the slider or use the arrow keys and space (click "
                       "the grids first). Hover an output cell to see its window, click it to "
                       "pin that step; hover an input cell to light every output cell it "
                       "feeds.")
            grid_view({**_payload(x, settings, vmax), "step": pos}, key="pool.grid")
            step = plan.step(pos)
            i, j = step.out_pos
            pads = plan.pad_mask[np.ix_(step.rows, step.cols)]
            st.markdown(f"**Window {pos + 1} of {plan.n_steps}** → output cell "
                        f"(row {i + 1}, column {j + 1}):")
            st.code(pool_text.pool_step_text(step, pads, count_include_pad=cip),
                    language=None, wrap_lines=True)
            notes = ["The orange outline is the window"]
            if mode == "max":
                notes.append("the circle marks the winner (the first one, row by row, on "
                             "ties); max pooling pads with -∞, so padding never wins")
            elif p:
                notes.append("padding counts as 0" + (" and the divisor includes it" if cip
                                                      else ", and the divisor leaves it out"))
            if ceil and out.shape != cv.pool2d(x, k, stride=s, padding=p, mode=mode).shape:
                notes.append("ceil_mode adds the last, partial windows: cells past the edge "
                             "(hatched) are never counted")
            st.caption("; ".join(notes) + ".")
    with st.expander("✏️ Edit the input numbers"):
        st.caption("Click a cell and type; the pooling above updates.")
        grid_editor("pool.x", lo=-99, hi=99)

st.header("Why pool?")
st.markdown(
    "- **Less to compute.** 2x2 pooling with stride 2 gives one value per four inputs (the "
    "largest of the four for max pooling, their mean for average pooling): the next "
    "layer's maps have a quarter of the cells.\n"
    "- **A little shift invariance.** Max pooling reports *that* a feature fired somewhere "
    "in the window, not exactly where, so nudging the input by a pixel often leaves the "
    "output unchanged (below). Only a little: a shift across a window's border does change "
    "it.\n"
    "- **Global pooling** turns each whole feature map into one number, a common way to end "
    "a network before its dense classifier."
)
grid_view(shift_payload([pool_text.shift_demo(k)[1] for k in (0, 1, 2)]), key="pool.shift")
st.caption("Each column: a 6x6 map above its 2x2, stride-2 max pooling. The strong values "
           "move one cell but stay inside their 2x2 windows, so the pooled map is identical; "
           "two cells moves them into the next windows.")

if revealed:  # the code prints the output shape
    with st.expander("The same layer in PyTorch and Keras"):
        layer = {"max": "maxpool", "avg": "avgpool", "gmax": "globalmax", "gavg": "globalavg"}[mode]
        try:
            torch_code, keras_code = codegen.framework_code(
                x.shape, k, stride=s, padding=p, layer=layer, ceil_mode=ceil, count_include_pad=cip)
            c1, c2 = st.columns(2)
            c1.code(torch_code, language="python", wrap_lines=True)
            c2.code(keras_code, language="python", wrap_lines=True)
        except ValueError as exc:
            st.error(str(exc))

save_settings(SPECS)
share_hint()
next_link("pages/pooling.py")
