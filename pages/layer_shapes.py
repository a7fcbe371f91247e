"""Layer shapes: a stack of layers, each output shape and parameter count, and softmax."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from convviz.draw.field_picture import field_svg
from convviz.engine.softmax import shift_logits, softmax_parts
from convviz.serve.params import Param, grid_to_text, int_param, text_to_grid
from convviz.stack.spec import (
    MAX_LAYERS,
    PADDINGS,
    PRESET_NOTES,
    PRESETS,
    layers_from_text,
    layers_to_text,
)
from convviz.stack.summary import (
    ACTIVATIONS,
    BYTES_PER_VALUE,
    KINDS,
    NOT_COMPUTED,
    POOLS,
    dense_equivalent_params,
    format_bytes,
    format_shape,
    layer_problem,
    summarize,
    uncounted_note,
)
from convviz.teach.page_questions import LAYER_ASKS, layer_page_question
from convviz.ui.boot import ensure_app
from convviz.ui.layer_table import frame_specs, layers_frame
from convviz.ui.layout import side_by_side
from convviz.ui.nav import next_link
from convviz.ui.predict import predict_on, predict_panel, predict_toggle
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()

DEFAULT = "Classic Keras MNIST"
LOGITS = (-1.0, 0.5, 1.5, 1.0, -0.5, 0.0, -2.0, 4.0, 0.5, 2.0)  # a network that sees a "7"
LOGIT_LIMIT = 1000.0  # each logit's input range is -1000 to 1000


def _logits(text: str) -> tuple[float, ...]:
    values = text_to_grid(text, max_side=10).ravel()
    if values.size != 10 or np.abs(values).max() > LOGIT_LIMIT:
        raise ValueError("needs 10 numbers between -1000 and 1000")
    return tuple(float(v) for v in values)


SPECS = {
    "shapes.h": int_param(28, 1, 4096),
    "shapes.w": int_param(28, 1, 4096),
    "shapes.c": int_param(1, 1, 4096),
    "shapes.layers": Param(layers_to_text(PRESETS[DEFAULT][1]),
                           lambda t: layers_to_text(layers_from_text(t))),
    "shapes.logits": Param(LOGITS, _logits, lambda v: grid_to_text([v])),
    "shapes.rf": int_param(0, 0, MAX_LAYERS),  # the layer whose field is drawn; 0: the last
}
ss = st.session_state
for msg in init_settings(SPECS):
    st.warning(msg)
ss.setdefault("shapes.ver", 0)
editor_key = f"shapes.editor{ss['shapes.ver']}"
if editor_key not in ss:  # a fresh table (first visit, back from another page, a preset)
    ss["shapes.base"] = ss["shapes.layers"]
for d in range(10):
    if f"shapes.z{d}" not in ss:
        ss[f"shapes.z{d}"] = ss["shapes.logits"][d]


def _load_preset() -> None:
    name = ss["shapes.preset"]
    if name in PRESETS:
        (ss["shapes.h"], ss["shapes.w"], ss["shapes.c"]), layers = PRESETS[name]
        ss["shapes.layers"] = layers_to_text(layers)
        ss["shapes.rf"] = 0  # its own default layer for the receptive field
        ss["shapes.ver"] += 1  # a new table key: the old table's edits are dropped


st.title("Layer shapes: from an image to ten probabilities")
st.markdown("Stack layers and follow the **shape** of the data and the number of **weights** "
            "(parameters) through the whole network, as Keras's `model.summary()` prints them.")
predict_toggle()

settings, build = side_by_side([1, 1.7], key="shapes-build", gap="large")
with settings:
    preset_box = st.container()
    st.markdown("**Input shape** (height, width, channels)")
    for col, key, label in zip(st.columns(3), ("h", "w", "c"), ("Height", "Width", "Channels"),
                               strict=True):
        col.number_input(label, 1, 4096, step=1, key=f"shapes.{key}")
with build:
    base = layers_frame(ss["shapes.base"])
    num = st.column_config.NumberColumn
    edited = st.data_editor(
        base, key=editor_key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "layer": st.column_config.SelectboxColumn("Layer", options=KINDS, required=True),
            "units": num("Filters/units", min_value=1, step=1,
                         help="Conv2D: number of filters. Dense: number of units."),
            "size": num("Size", min_value=1, step=1, width="small",
                        help="Conv2D: kernel side (3 means 3x3). Pooling: window side."),
            "stride": num("Stride", min_value=1, step=1, width="small",
                          help="Empty: the default, 1 for Conv2D, the window for pooling."),
            "padding": st.column_config.SelectboxColumn(
                "Padding", options=PADDINGS, width="small",
                help="valid: none; same: keep ceil(n / stride); 1, 2: that many per side."),
            "activation": st.column_config.SelectboxColumn("Activation", options=ACTIVATIONS,
                                                           width="small"),
        })
    specs = frame_specs(edited)
    complete = all(layer_problem(s) is None for s in specs)
    if complete:  # only a stack without bad cells goes in the link
        ss["shapes.layers"] = layers_to_text(specs)
    st.caption("Add a row with the **+** under the table; select rows and press the bin to "
               "delete them. In the link this stack is written "
               f"`{ss['shapes.layers'] or '(empty)'}`"
               + ("." if complete else " (the last stack without a bad cell)."))

shape = (ss["shapes.h"], ss["shapes.w"], ss["shapes.c"])
match = next((n for n, (sh, ly) in PRESETS.items()
              if sh == shape and layers_to_text(ly) == ss["shapes.layers"]), "Custom")
ss["shapes.preset"] = match
with preset_box:
    st.selectbox("Preset", [*PRESETS, "Custom"], key="shapes.preset", on_change=_load_preset)
    st.caption(PRESET_NOTES.get(match, "Your own stack: edit the table."))

summary = summarize(shape, specs)
st.subheader("Summary")
revealed = True  # False while "Predict first" waits for an answer
askable = {r.index + 1: f"{r.index + 1}: {r.name} ({r.kind})" for r in summary.rows
           if not r.error}  # no output shapes in the names: they are answers
if predict_on() and askable:
    a1, a2 = st.columns(2)
    ask = a1.radio("Ask for", list(LAYER_ASKS), key="shapes.ask", horizontal=True,
                   format_func=LAYER_ASKS.get)
    if ss.get("shapes.ask_layer") not in askable:
        ss["shapes.ask_layer"] = max(askable)
    a2.selectbox("About layer", list(askable), key="shapes.ask_layer", format_func=askable.get)
    at = ss["shapes.ask_layer"] - 1
    question = layer_page_question(
        [(sp.kind, sp.filters_or_units, sp.kernel_size, sp.stride, sp.padding) for sp in specs],
        at, summary.rows[at].input_shape, ask)
    if question is None:
        st.caption(f"No question about {LAYER_ASKS[ask]} for layer {at + 1}: pick another "
                   "layer or another question.")
    revealed = predict_panel(question, key="shapes.predict")
    if not revealed:
        st.info("The tables of shapes, parameters and receptive fields appear once you have "
                "answered.")
if revealed:
    table, side = side_by_side([2.6, 1], key="shapes-summary", gap="large")
    with table:
        lines = ["| # | Layer (type) | Output shape | Param # | Output size | Param count |",
                 "|---|---|---|--:|---|---|", f"| | input | {format_shape(shape)} | 0 | | |"]
        for r in summary.rows:
            if r.error == NOT_COMPUTED:
                cells = ["-", "-", "not computed: an earlier layer has no output", ""]
            elif r.error:
                cells = ["⚠ none", "-", f"⚠ **problem:** {r.error}", ""]
            else:
                note = f" (ℹ {r.note})" if r.note else ""
                cells = [format_shape(r.output_shape), f"{r.params:,}", r.size_text + note,
                         r.params_text]
            lines.append(f"| {r.index + 1} | {r.name} ({r.kind}) | " + " | ".join(cells) + " |")
        st.markdown("\n".join(lines))
    with side:
        st.metric("Total params", f"{summary.total_params:,}")
        st.metric("Output shape", format_shape(summary.output_shape))
        if not summary.ok:
            st.caption("The total counts only the layers that have an output.")
        if not summary.rows:
            st.info("The stack is empty: add rows to the table (the **+** below it).")
        first = next((r for r in summary.rows if r.error), None)
        if first:
            st.error(f"Layer {first.index + 1}, {first.name} ({first.kind}): {first.error}")
        st.markdown(
            "**Reading the shapes.** A 3x3 'valid' convolution loses one pixel on each side "
            "(28 → 26) and its depth becomes its number of filters. A 2x2 pool with stride 2 "
            "halves each side, rounding down (11 → 5). Flatten lines every value up in one "
            "list; Dense gives as many values as it has units. **Parameters**: each filter has "
            "one kH x kW weight grid per input channel plus a bias; a Dense layer has one weight "
            "per (input, unit) pair plus a bias per unit; pooling and Flatten learn nothing. "
            "The batch axis (Keras's `None`) is left out.")

    st.subheader("Receptive field, multiply-adds and memory")
    lines = ["| # | Layer (type) | Output shape | Receptive field | Multiply-adds | "
             "Activations (float32) |", "|---|---|---|---|--:|--:|",
             f"| | input | {format_shape(shape)} | 1×1 | | {math.prod(shape):,} values, "
             f"{format_bytes(math.prod(shape) * BYTES_PER_VALUE)} |"]
    for r in summary.rows:
        if r.error:
            lines.append(f"| {r.index + 1} | {r.name} ({r.kind}) | - | - | - | - |")
            continue
        field = r.field.text() if r.field else "-"
        lines.append(f"| {r.index + 1} | {r.name} ({r.kind}) | {format_shape(r.output_shape)} | "
                     f"{field} | {r.macs_text} | {r.values:,} values, "
                     f"{format_bytes(r.act_bytes)} |")
    lines.append(f"| | **total** | | | **{summary.total_macs:,}** | **{summary.total_values:,} "
                 f"values, {format_bytes(summary.total_bytes)}** |")
    st.markdown("\n".join(lines))
    st.caption(
        "**Receptive field**: how many input pixels one unit sees along a side, and the jump, "
        "how far apart neighbouring units' fields start (size_l = size_(l−1) + (k − 1) × "
        "jump_(l−1), jump_l = jump_(l−1) × stride; pooling counts as a window, ReLU and Flatten "
        "change nothing). A Dense layer after Flatten, and global pooling, read every unit of the "
        "map before them: they see the union of those fields. **Multiply-adds**: one per weight "
        "per output position, biases not counted (H'×W'×k×k×C_in×C_out for Conv2D, inputs × units "
        "for Dense). **Activations**: the values each layer outputs for one image, 4 bytes each at "
        "float32; the total leaves the input out. A batch of N images needs N times as much.")

    st.subheader("Click a layer: one unit's receptive field on the input")
    with_field = [r for r in summary.rows if r.field is not None and not r.error]
    if not with_field:
        st.info("No layer to show: the receptive field needs an (H, W, C) input and a layer with "
                "an output.")
    else:
        windowed = [r for r in with_field if r.kind == "Conv2D" or r.kind in POOLS]
        default = (windowed or with_field)[-1].index + 1
        options = [r.index + 1 for r in with_field]
        if ss["shapes.rf"] not in options:
            ss["shapes.rf"] = default
        names = {r.index + 1: f"{r.index + 1}: {r.name} ({r.kind}) → {format_shape(r.output_shape)}"
                 for r in with_field}
        pick_col, pic_col = side_by_side([1, 1.3], key="shapes-field", gap="large")
        with pick_col:
            st.selectbox("Layer", options, key="shapes.rf", format_func=names.get)
            row = summary.rows[ss["shapes.rf"] - 1]
            field = row.field
            unit = field.centre()
            rows_seen, cols_seen = field.reach(unit)
            (w0, w1), (v0, v1) = field.window(unit)
            h, w = field.input_hw
            if field.combined:
                st.markdown(
                    f"Every unit of **{row.name}** reads all {field.units[0]}×{field.units[1]} "
                    f"positions of the map before it, so it sees the union of their fields: "
                    f"**{field.text()}**"
                    + ("." if field.whole() else
                       f" (the windows before it never reach the rest of the {h}×{w} input)."))
            else:
                st.markdown(
                    f"The centre unit {unit} of **{row.name}**'s {field.units[0]}×{field.units[1]} "
                    f"map sees a **{field.size}×{field.size}** window of the input (jump "
                    f"{field.jump}: the next unit's window starts {field.jump} pixel"
                    f"{'s' * (field.jump > 1)} further): rows {w0} to {w1}, columns {v0} to {v1}.")
                outside = (w0 < 0 or v0 < 0 or w1 >= h or v1 >= w)
                if outside:
                    st.caption("Part of the window lies outside the input (rows or columns below 0 "
                               f"or above {h - 1}): there it sees padding.")
            if rows_seen and cols_seen:
                st.caption(f"Input pixels it depends on: rows {rows_seen[0]}–{rows_seen[-1]}, "
                           f"columns {cols_seen[0]}–{cols_seen[-1]}, {len(rows_seen)}×"
                           f"{len(cols_seen)} = {len(rows_seen) * len(cols_seen):,} pixels: "
                           "change one of them and this unit can change; change any other and "
                           "it cannot.")
            else:
                st.caption("Its window lies on padding only: no input pixel reaches it.")
            if field.gaps(unit):
                st.caption("The field has holes: a window narrower than the stride before it "
                           "skips pixels, so only the orange pixels inside the outline reach it.")
        with pic_col:
            what = (f"{row.name}: all of the map before it" if field.combined
                    else f"{row.name}: unit {unit}")
            st.image(field_svg((h, w), rows_seen, cols_seen, ((w0, w1), (v0, v1)), title=what,
                              window_text="the windows of all its inputs" if field.combined
                              else "its window"))

st.header("Why convolution rather than a dense layer?")
why, numbers = side_by_side([1, 1.2], key="shapes-why", gap="large")
with why:
    st.markdown(
        "- **Local patterns.** An edge or a corner lives in a few neighbouring pixels, so "
        "each output value looks at a small window, not at the whole image.\n"
        "- **The same weights everywhere.** One filter slides over every position, so a "
        "pattern learned in one place is found anywhere: shift the input and the feature "
        "map shifts with it (translation *equivariance*). The answer staying the same when "
        "the input moves (*invariance*) comes only approximately, from pooling and global "
        "pooling.\n"
        "- **A hierarchy of patterns.** Deeper layers look at windows of windows: edges, "
        "then corners and strokes, then parts of a digit.\n"
        "- **Far fewer parameters**, as the numbers on the right show: locality removes the "
        "connections to far-away pixels, sharing removes the copies per position.")
with numbers:
    weighted = [r for r in summary.rows if r.params]
    if not revealed:
        st.info("The parameter counts appear once you have answered.")
    elif weighted:
        table = ["| Layer | this network | local, own weights per position | "
                 "dense, all to all |",
                 "|---|--:|--:|--:|"]
        table += [f"| {r.name} | {r.params:,} | {r.local_params:,} | {r.dense_params:,} |"
                  for r in weighted]
        table.append(f"| **total** | **{summary.total_params:,}** | "
                     f"**{summary.total_local:,}** | **{summary.total_dense:,}** |")
        st.markdown("**The same layers, the same input and output shapes, three ways to "
                    "connect them:**\n\n" + "\n".join(table))
        st.markdown(
            f"A fully connected network with the same hidden widths, every Conv2D replaced by "
            f"a Dense layer from all its input values to all its output values (pooling "
            f"kept), needs **{summary.total_dense:,}** parameters: "
            f"**{summary.dense_ratio:,.0f} times** this network's {summary.total_params:,}.")
        dense = [r.output_shape[-1] for r in summary.rows if r.kind == "Dense" and r.params]
        if dense and len(summary.input_shape) == 3:
            mlp = dense_equivalent_params(summary.input_shape, dense[:-1], dense[-1])
            widths = " → ".join(map(str, dense))
            st.caption(
                f"A plain dense network with only the dense widths "
                f"({' × '.join(map(str, summary.input_shape))} inputs → {widths}) has "
                f"{mlp:,} parameters, but it reads the image as a list of unrelated numbers: "
                "it must learn a pattern separately at every position, and its first layer "
                "grows with the number of pixels.")
        if gap := uncounted_note(summary):
            st.caption(gap)
    else:
        st.info(uncounted_note(summary) or "No layer with weights yet.")

st.header("The classification part: flatten, dense layers, softmax")
text, demo = side_by_side([1.1, 1], key="shapes-softmax", gap="large")
flat = next((r for r in summary.rows if r.kind == "Flatten" and r.output_shape), None)
with text:
    st.markdown(
        "The convolutions find *where* patterns are; the classifier decides *what* the image "
        "is. **Flatten** lines the last feature maps up in one list"
        + (f" (here {format_shape(flat.input_shape)} → {flat.output_shape[0]} values)"
           if flat and revealed else "")
        + ". **Dense** (fully connected) layers mix all of them. The last Dense layer has one "
        "unit per class and gives a raw score, a **logit**, for each. **Softmax** turns the "
        "logits into probabilities: `p_i = exp(z_i) / Σ exp(z_j)`, all positive, summing to 1, "
        "the biggest logit getting the biggest share.\n\n"
        "Edit the ten logits: adding the same number to all of them changes nothing, which is "
        "why we subtract the largest first (`exp(1000)` would overflow).")
    grid = st.columns(5)
    for d in range(10):
        grid[d % 5].number_input(f"logit {d}", -LOGIT_LIMIT, LOGIT_LIMIT, step=0.5,
                                 key=f"shapes.z{d}")

    def _shift(by: float) -> None:
        shift = shift_logits([ss[f"shapes.z{i}"] for i in range(10)], by, limit=LOGIT_LIMIT)
        ss.update({f"shapes.z{i}": v for i, v in enumerate(shift.logits)})
        ss["shapes.shift_note"] = shift.note

    stuck = shift_logits([ss[f"shapes.z{i}"] for i in range(10)], 100.0, limit=LOGIT_LIMIT)
    b1, b2 = st.columns(2)
    b1.button("Add 100 to every logit", key="shapes.shift", on_click=_shift, args=(100.0,),
              disabled=stuck.added == 0)
    b2.button("Reset the logits", key="shapes.reset_logits",
              on_click=lambda: ss.update({f"shapes.z{i}": LOGITS[i] for i in range(10)}))
    if note := ss.pop("shapes.shift_note", None):
        st.info(note)
    if stuck.added == 0:
        st.caption(stuck.note)
    ss["shapes.logits"] = tuple(float(ss[f"shapes.z{d}"]) for d in range(10))
    parts = softmax_parts(ss["shapes.logits"])
    st.dataframe(pd.DataFrame({"digit": range(10), "logit z": ss["shapes.logits"],
                               "z − max z": parts.shifted, "exp(z − max z)": parts.exps,
                               "probability": parts.probs}).round(4),
                 hide_index=True, width="stretch")
    st.caption(f"Sum of exp(z − max z) = {parts.total:.4f}; each probability is its share "
               "of that sum, so the probabilities add up to 1.")
with demo:
    best = int(np.argmax(parts.probs))
    st.metric("The network answers", f"digit {best}", f"probability {parts.probs[best]:.3f}",
              delta_color="off", delta_arrow="off")
    st.bar_chart(pd.DataFrame({"probability": parts.probs}, index=[str(d) for d in range(10)]),
                 x_label="digit", y_label="probability", height=420)

save_settings(SPECS)
share_hint()
next_link("pages/layer_shapes.py")
