"""Transposed convolution: the scatter step by step, as a convolution, as a matrix, sizes."""

import numpy as np
import streamlit as st

import convviz as cv
from convviz.draw import render
from convviz.draw.conv_view import fmt
from convviz.draw.static_grids import gray_grid_payload
from convviz.draw.transpose_grid import (
    adjoint_payload,
    as_conv_payload,
    matrix_payload,
    scatter_payload,
)
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.samples import SAMPLE_IMAGES, load_sample
from convviz.imaging.upsampling import RESIZES, crop_box, upsample_both
from convviz.serve.params import choice_param, float_param, int_param
from convviz.teach import transposed as tr
from convviz.teach import transposed_practice as tp
from convviz.teach.page_questions import transposed_page_question
from convviz.ui.boot import ensure_app
from convviz.ui.grid_view import grid_view, heard_step
from convviz.ui.nav import next_link
from convviz.ui.predict import practice_block, predict_panel, predict_toggle
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()

SPECS = {
    "tr.n": int_param(3, 2, 6),
    "tr.inp": choice_param("random", list(tr.INPUT_PRESETS)),
    "tr.seed": int_param(0, 0, 9999),
    "tr.k": int_param(3, 1, 4),
    "tr.kp": choice_param("ones", list(tr.KERNEL_PRESETS)),
    "tr.s": int_param(2, 1, 3),
    "tr.p": int_param(1, 0, 2),
    "tr.op": int_param(1, 0, 2),
    "tr.d": int_param(1, 1, 2),
    "tr.b": float_param(0.0, -9.0, 9.0),
    "tr.img": choice_param("china", list(SAMPLE_IMAGES)),
    "tr.resize": choice_param("nearest", list(RESIZES)),
    "tr.pos": int_param(0, 0, 9999),  # the scatter's step, 0-based (the player's)
    "tr.cpos": int_param(0, 0, 9999),  # the direct convolution's step
    "tr.mpos": int_param(0, 0, 9999),  # the matrix view's step
}
# Examples to try: (input side, kernel side, stride, padding, output_padding, dilation)
EXAMPLES = {
    "U-Net up (k2, s2)": (3, 2, 2, 0, 0, 1),
    "k3, s2, p1, op1": (3, 3, 2, 1, 1, 1),
    "Stride 1 (full conv)": (3, 3, 1, 0, 0, 1),
    "k4, s2, p1 (DCGAN)": (3, 4, 2, 1, 0, 1),
    "Stride 3 > kernel": (3, 2, 3, 0, 0, 1),
}
ss = st.session_state


def _load(values: tuple) -> None:
    for key, v in zip(("tr.n", "tr.k", "tr.s", "tr.p", "tr.op", "tr.d"), values, strict=True):
        ss[key] = v


for msg in init_settings(SPECS):
    st.warning(msg)

st.title("Transposed convolution")
st.markdown(
    "A convolution reads a k x k window and writes **one** cell. A **transposed "
    "convolution** goes the other way: every input cell **writes** a k x k patch, its value "
    "times the kernel (a *stamp*), into a larger output; neighbouring stamps start `stride` "
    "cells apart, and where they overlap they **add up**. Then `padding` crops cells off "
    "every side. It is how decoders, U-Nets and GAN generators make a small feature map "
    "larger with learned weights. It is not the inverse of a convolution: it gives back the "
    "input's *shape*, not its numbers (the matrix view below shows why it is called "
    "*transposed*). Other names: fractionally strided convolution, \"deconvolution\"."
)
predict_toggle()

controls, view = st.columns([1, 2.4], gap="large")
with controls:
    st.caption("Try an example:")
    for i, (name, values) in enumerate(EXAMPLES.items()):
        st.button(name, key=f"tr.ex{i}", on_click=_load, args=(values,), width="stretch")
    st.slider("Input size (n x n)", 2, 6, key="tr.n")
    st.selectbox("Input", list(tr.INPUT_PRESETS), key="tr.inp", format_func=tr.INPUT_PRESETS.get,
                 help=tr.INPUT_HELP)
    st.number_input("Seed (random input and kernel)", 0, 9999, key="tr.seed")
    st.slider("Kernel size (k x k)", 1, 4, key="tr.k")
    st.selectbox("Kernel", list(tr.KERNEL_PRESETS), key="tr.kp",
                 format_func=tr.KERNEL_PRESETS.get, help=tr.KERNEL_HELP)
    st.slider("Stride s (how far apart the stamps start)", 1, 3, key="tr.s")
    st.slider("Padding p (cropped off each side)", 0, 2, key="tr.p")
    st.slider("Dilation d (gaps inside a stamp)", 1, 2, key="tr.d")
    allowed = tr.output_paddings(ss["tr.s"], ss["tr.d"])
    if ss["tr.op"] not in allowed:
        ss["tr.op"] = allowed[-1]  # only values PyTorch accepts are offered
    st.radio("output_padding (rows/columns added at the bottom/right)", allowed, key="tr.op",
             horizontal=True, help="PyTorch accepts values smaller than the stride or the "
                                   "dilation; see 'Why output_padding' below.")
    st.number_input("Bias (added to every output cell)", -9.0, 9.0, step=0.5, key="tr.b")

n, k, s, p, op, d, bias = (ss["tr.n"], ss["tr.k"], ss["tr.s"], ss["tr.p"], ss["tr.op"],
                           ss["tr.d"], float(ss["tr.b"]))
x = tr.make_input(ss["tr.inp"], n, seed=ss["tr.seed"])
kernel = tr.make_kernel(ss["tr.kp"], k, seed=ss["tr.seed"])
settings = {"stride": s, "padding": p, "output_padding": op, "dilation": d}


@st.cache_data(max_entries=32, show_spinner=False)
def _scatter(x: np.ndarray, kernel: np.ndarray, bias: float, settings: dict) -> dict:
    """Every stamp once (the browser plays them)."""
    return scatter_payload(cv.transpose_plan(x, kernel, bias, **settings))


@st.cache_data(max_entries=32, show_spinner=False)
def _as_conv(x: np.ndarray, kernel: np.ndarray, bias: float, settings: dict) -> dict:
    return as_conv_payload(x, kernel, bias, **settings)


try:
    plan = cv.transpose_plan(x, kernel, bias, **settings)
except (ValueError, TypeError) as exc:
    plan = None
    with view:
        st.error(f"{exc}. Lower the padding, or use a larger input, kernel or stride.")

revealed = True  # False while "Predict first" waits for an answer
if plan is not None:
    out_n = plan.out_shape[0]
    with view:
        revealed = predict_panel(transposed_page_question(n, k, **settings),
                                 key="tr.predict")
        if revealed:
            st.metric("Output size", f"{out_n} x {out_n}", delta=f"from {n} x {n}",
                      delta_color="off", delta_arrow="off")
            st.code(tr.formula_text(n, k, stride=s, padding=p, output_padding=op, dilation=d),
                    language=None, wrap_lines=True)
            pos = heard_step("tr.grid", "tr.pos", plan.n_steps)  # where the player stopped
            st.caption("Play, step, drag the slider or use the arrow keys and space (click the "
                       "grids first). Hover an input cell to light the output cells its stamp "
                       "feeds (click it to pin its step); hover an output cell to read its "
                       "equation, every product that adds into it.")
            grid_view({**_scatter(x, kernel, bias, settings), "step": pos}, key="tr.grid")
            stamp = plan.stamp(pos)
            kept = sum(c is not None for c in stamp.out_cells)
            r, c = stamp.input_cell
            st.markdown(
                f"**Stamp {pos + 1} of {plan.n_steps}**: input[{r}, {c}] = "
                f"{fmt(stamp.value)} times the kernel, written from row {r} × {s} = {r * s}, "
                f"column {c} × {s} = {c * s} of the stamped grid; {kept} of its "
                f"{len(stamp.cells)} products land in the output"
                + (", the rest in the cropped border." if kept < len(stamp.cells) else "."))

st.header("The same result as a direct convolution")
if plan is not None and revealed:
    t = cv.transpose_as_conv(x, kernel, **settings)
    direct = cv.conv2d(t.padded, t.kernel, dilation=t.dilation) + bias
    same = direct.shape == plan.output.shape and bool(np.allclose(direct, plan.output))
    (top, bottom), _ = t.pads
    inserted = t.inserted.shape[0]
    pad_text = (f"pad d × (k − 1) − p = {d} × ({k} − 1) − {p} = {top} "
                f"zero{'' if top == 1 else 's'} on each side"
                if top >= 0 else
                f"crop {-top} (d × (k − 1) − p = {top} is negative: the padding crops more "
                "than the kernel adds)")
    st.markdown(
        f"1. Insert s − 1 = {s - 1} zero{'' if s == 2 else 's'} between neighbouring input "
        f"cells: {n} x {n} becomes {inserted} x {inserted}.\n"
        f"2. {pad_text[0].upper() + pad_text[1:]}"
        + (f", plus output_padding = {op} more at the bottom and right" if op else "")
        + f": {t.padded.shape[0]} x {t.padded.shape[1]}.\n"
        f"3. Slide the kernel **rotated by 180 degrees** over it at stride 1"
        + (f" (dilation {d})" if d > 1 else "") + ", as an ordinary convolution.")
    verdict = ("equal, every cell (checked now, with this page's numbers)" if same else
               "NOT equal")
    st.markdown(f"Its {direct.shape[0]} x {direct.shape[1]} output and the scatter's "
                f"{out_n} x {out_n} output are **{verdict}**.")
    cpos = heard_step("tr.conv", "tr.cpos", out_n * out_n)
    grid_view({**_as_conv(x, kernel, bias, settings), "step": cpos}, key="tr.conv")
    st.caption("Hatched cells are the padding; the zeros between the input's numbers are the "
               "inserted ones. The stride of the transposed convolution has become the "
               "spacing of the input: hence \"fractionally strided\".")
elif plan is not None:
    st.info("This section shows the output's size: it appears once you have answered the "
            "question above.")
else:
    st.info("Pick settings with an output above to see the same result as a convolution.")

st.header("Why \"transposed\": the matrix view")
k3 = kernel if kernel.shape == (3, 3) else tr.bilinear_kernel(3)
x4 = tr.make_input("random", 4, seed=ss["tr.seed"])
C = cv.conv_matrix((4, 4), k3)
st.markdown(
    f"A convolution is linear in its input, so for a fixed kernel it is one matrix. A 3x3 "
    f"kernel over a 4x4 input (stride 1, no padding) has 2x2 outputs: the matrix C is "
    f"**{C.shape[0]} x {C.shape[1]}**, one row per output cell, holding the kernel's weights "
    "in the columns of the input cells it reads, zeros elsewhere; `C @ x` (x read row by row "
    "as 16 numbers) is the convolution. Its transpose **C.T** is "
    f"{C.T.shape[0]} x {C.T.shape[1]}: it takes 4 numbers back to 16, and that *is* the "
    "transposed convolution with the same kernel."
    + ("" if kernel.shape == (3, 3) else " (Your kernel is not 3x3, so this uses the 3x3 "
       "bilinear kernel.)"))
mpos = heard_step("tr.matrix", "tr.mpos", 4)
grid_view({**matrix_payload(k3, x4), "step": mpos}, key="tr.matrix")
y = cv.conv2d(x4, k3)
adj, adj_same = adjoint_payload(k3, y)
back = (C.T @ y.ravel()).reshape(4, 4)
st.markdown(
    "Now apply C.T to the convolution's own 2x2 output y: "
    + ("`C.T @ y` and `conv_transpose2d(y, kernel)` are **equal**, cell by cell (checked "
       "now). " if adj_same else "they are **not** equal. ")
    + "The result has x's shape, 4x4, but "
    + ("not x's numbers" if not np.allclose(back, x4) else "here also x's numbers")
    + ": the transpose restores the shape, not the values.")
grid_view(adj, key="tr.adj")

st.header("Why PyTorch asks for output_padding")
base = tr.output_padding_cases(4, 3, stride=2, padding=1)
st.markdown(
    "A stride-2 convolution rounds down, so it maps several input sizes to the same "
    "output size: `Conv2d(kernel_size=3, stride=2, padding=1)` turns "
    + " and ".join(f"**{size} x {size}**" for size, _ in base)
    + " both into **4 x 4** (checked: "
    + ", ".join(f"{size} → {cv.output_size(size, 3, stride=2, padding=1)}" for size, _ in base)
    + "). Going back, the transposed convolution cannot know which one you had; "
    "`output_padding` picks it:")
st.code("\n".join(
    f"ConvTranspose2d(kernel_size=3, stride=2, padding=1, output_padding={o}): 4 → "
    f"{cv.transpose_output_size(4, 3, stride=2, padding=1, output_padding=o)}"
    for _, o in base), language=None)
if plan is not None and s > 1 and revealed:
    cases = tr.output_padding_cases(out_n, k, stride=s, padding=p, dilation=d)
    if cases:
        st.markdown(
            f"With this page's settings: `Conv2d(kernel_size={k}, stride={s}, padding={p}"
            + (f", dilation={d}" if d > 1 else "") + ")` maps "
            + " and ".join(f"{size}" for size, _ in cases)
            + f" {'both' if len(cases) == 2 else 'all'} to {out_n}; the transposed one gives "
            "back " + ", ".join(f"{size} with output_padding={o}"
                                           for size, o in cases) + ".")
st.caption("output_padding adds rows and columns at the bottom and right only; it must be "
           "smaller than the stride or the dilation (PyTorch raises otherwise).")

st.header("The checkerboard artefact")
c1, c2 = st.columns(2)
c1.selectbox("Photo", list(SAMPLE_IMAGES), key="tr.img", format_func=SAMPLE_IMAGES.get)
c2.radio("Resize by", list(RESIZES), key="tr.resize", horizontal=True)


@st.cache_data(max_entries=8, show_spinner=False)
def _photo(name: str, resize: str):
    gray = to_grayscale(load_sample(name, max_side=128))[..., 0] * 255.0
    return upsample_both(gray, resize=resize)


u = _photo(ss["tr.img"], ss["tr.resize"])


def _u8(a: np.ndarray) -> np.ndarray:
    """Gray levels as an RGB picture (clipped to 0..255)."""
    return render.to_rgb(np.clip(a / 255.0, 0.0, 1.0))


rows, cols = crop_box(u.transposed.shape, 16)
tiles = [
    render.label_fit(render.upscale(_u8(u.small), 4), f"downsampled by 2 ({u.small.shape[0]}x"
                     f"{u.small.shape[1]})", size=16),
    render.label_fit(render.upscale(_u8(u.transposed), 2), "(a) transposed conv, stride 2",
                     size=16),
    render.label_fit(render.upscale(_u8(u.resized), 2), f"(b) {ss['tr.resize']} resize, then "
                     "3x3 conv", size=16),
]
st.image(render.hstack(tiles), width="stretch")
zooms = [render.label_fit(render.upscale(_u8(img[rows, cols]), 12), name, size=16)
         for img, name in ((u.transposed, "(a) zoomed 16x16 crop"),
                           (u.resized, "(b) the same crop"))]
st.image(render.hstack(zooms), width="stretch")
phase = u.counts[2:-2, 2:-2]
levels = sorted({int(v) for v in np.unique(phase)})
st.markdown(
    "(a) is `conv_transpose2d(small, kernel, stride=2, padding=1, output_padding=1)` with a "
    "uniform 3x3 kernel (every weight 4/9, so the average brightness stays); (b) enlarges "
    "first and then convolves with a 3x3 box blur at stride 1. A 3x3 stamp placed every 2 "
    "pixels does not divide evenly: away from the border each output pixel is reached by "
    + ", ".join(map(str, levels[:-1])) + f" or {levels[-1]} stamps, in a repeating 2x2 pattern "
    "(below), so a flat area comes out as light and dark squares: the **checkerboard**. "
    "In (b) every output pixel is the same 9-weight average of its neighbours. Odena, Dumoulin and "
    "Olah, [\"Deconvolution and Checkerboard Artifacts\"](https://distill.pub/2016/deconv-"
    "checkerboard/) (Distill, 2016), describe this uneven overlap, show that trained "
    "networks often keep the pattern, and recommend resize-then-convolve. A kernel size "
    "divisible by the stride (4x4 at stride 2) overlaps evenly in the middle; a learned kernel "
    "can still put the pattern back.")
corner = u.counts[:8, :8]
grid_view(gray_grid_payload(corner, lo=0, hi=float(u.counts.max()),
                            title="stamps per output pixel (top-left 8x8)",
                            legend_title="colour: stamps, black 0, white the most"),
          key="tr.counts")

st.header("In code")
if plan is not None and revealed:
    torch_code, keras_code = tr.framework_code((n, n), k, stride=s, padding=p,
                                               output_padding=op, dilation=d)
    a, b = st.columns(2)
    a.markdown("**PyTorch** (`nn.ConvTranspose2d`)")
    a.code(torch_code, language="python", wrap_lines=True)
    b.markdown("**Keras** (`layers.Conv2DTranspose`)")
    b.code(keras_code, language="python", wrap_lines=True)
    st.caption("PyTorch's weight has shape (in_channels, out_channels, k, k); Keras' kernel "
               "(k, k, filters, in_channels). Keras knows only padding=\"valid\" and \"same\": "
               "without output_padding \"valid\" gives n × s + max(k_eff − s, 0) and \"same\" "
               "n × s; with it, (n − 1) × s + k_eff − 2 × pad + output_padding, pad 0 or "
               "k_eff // 2.")


def _new_practice() -> None:
    ss["tr.practice_n"] = ss.get("tr.practice_n", 0) + 1


st.header("Practice: transposed sizes")
st.caption("One layer, the output_padding that gives a size back, or a U-Net decoder; your "
           "answers count in \"Your progress\" on the home page.")
st.button("New question", key="tr.practice.new", on_click=_new_practice)
practice_block(tp.random_practice_question(np.random.default_rng(ss.get("tr.practice_n", 0))),
               key="tr.practice")

save_settings(SPECS)
share_hint()
next_link("pages/transposed.py")
