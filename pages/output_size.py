"""Padding, stride, dilation: how they set the output size, with every window drawn."""

import numpy as np
import streamlit as st

import convviz as cv
from convviz.draw import encode, render
from convviz.draw.window_grid import DONE, window_grid_payload
from convviz.engine.padding import PADDING_MODES
from convviz.serve.params import choice_param, int_param
from convviz.teach import arithmetic as ar
from convviz.teach import codegen, exercise
from convviz.teach.page_questions import size_page_question
from convviz.ui.boot import ensure_app
from convviz.ui.grid_view import grid_view, heard_step
from convviz.ui.nav import next_link
from convviz.ui.predict import practice_block, predict_panel, predict_toggle
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()

PAD_CHOICES = (0, 1, 2, 3, 4, 5, "valid", "same", "full")
SPECS = {
    "size.h": int_param(7, 1, 16),
    "size.w": int_param(7, 1, 16),
    "size.k": int_param(3, 1, 11),
    "size.s": int_param(1, 1, 5),
    "size.p": choice_param(0, PAD_CHOICES),
    "size.d": int_param(1, 1, 4),
    "size.rule": choice_param("torch", list(ar.RULES)),
    "size.mode": choice_param("zeros", PADDING_MODES),
    "size.pos": int_param(0, 0, 9999),  # the window shown, 0-based (the player's)
}
# Examples to try: (height, width, kernel, stride, padding, dilation)
EXAMPLES = {
    "7x7, 3x3, no padding": (7, 7, 3, 1, 0, 1),
    "Same padding": (7, 7, 3, 1, "same", 1),
    "Stride 2": (7, 7, 3, 2, 1, 1),
    "Dilation 2": (7, 7, 3, 1, 0, 2),
    "Even kernel, same": (6, 6, 4, 1, "same", 1),
    "Too wide": (5, 5, 5, 1, 1, 2),
}
PAD_LABEL = {"valid": "valid (none)", "same": "same (ceil(n / s) outputs)",
             "full": "full (k_eff - 1 each side)"}
ss = st.session_state


def _load(values: tuple) -> None:
    for key, v in zip(("size.h", "size.w", "size.k", "size.s", "size.p", "size.d"), values,
                      strict=True):
        ss[key] = v


def _pads(colors: np.ndarray, mask: np.ndarray, cell: int) -> dict:
    """Hatch the padding when cells are big enough to see it; tiny cells get plain grey
    (hatching thousands of tiny cells is slow and unreadable)."""
    if cell >= 12:
        return {"colors": colors, "pad_mask": mask}
    return {"colors": np.where(mask[..., None], np.uint8(render.PAD_FILL), colors)}


def _times(n: int) -> str:
    return f"{n} window" + ("" if n == 1 else "s")


@st.cache_data(max_entries=32, show_spinner=False)
def _payload(h: int, w: int, k: int, s: int, p, d: int, ceil: bool) -> dict:
    """Every window once (the browser plays them)."""
    return window_grid_payload(ar.window_grid((h, w), k, s, p, d, ceil_mode=ceil))


@st.cache_data(max_entries=32)
def _thumbnails(h: int, w: int, k: int, s: int, p, d: int, ceil: bool, cap: int = 36):
    """Small multiples: the padded grid once per window (evenly spaced when there are many),
    each a PNG with no text in it (its number is an HTML caption, 12 px or more at any
    width), with its window number, and how many windows there are."""
    g = ar.window_grid((h, w), k, s, p, d, ceil_mode=ceil)
    picks = np.unique(np.linspace(0, g.n_windows - 1, min(cap, g.n_windows)).round().astype(int))
    t = int(np.clip(130 // max(g.pad_mask.shape), 2, 16))
    tiles = []
    for i in picks:
        taps = g.window(int(i))
        colors = np.full(g.pad_mask.shape + (3,), 255, np.uint8)
        colors[np.ix_(*taps)] = DONE  # the window's taps, filled as well as outlined
        tile = render.draw_grid(np.zeros(g.pad_mask.shape), cell=t, window=taps,
                                show_numbers=False, **_pads(colors, g.pad_mask, t))
        tile = np.pad(tile, ((0, 0), (0, 12), (0, 0)), constant_values=255)  # apart
        tiles.append(encode.png_bytes(tile))  # encoded once
    return tiles, [int(i) + 1 for i in picks], g.n_windows


for msg in init_settings(SPECS):
    st.warning(msg)

st.title("Padding, stride, dilation and the output size")
st.markdown(
    "A kernel of size **k** slides over an input of size **n** (each axis on its own). "
    "**Padding** adds cells around the border, **stride** is how far the window jumps, "
    "**dilation** spreads the kernel's taps apart. Together they fix how many window "
    "positions fit, and that is the output size:"
)
st.latex(r"\text{out} = \left\lfloor \frac{n + p_\text{before} + p_\text{after} - "
         r"k_\text{eff}}{s} \right\rfloor + 1, \qquad k_\text{eff} = d\,(k - 1) + 1")
predict_toggle()

controls, view = st.columns([1, 2.4], gap="large")
with controls:
    st.caption("Try an example:")
    for i, (name, values) in enumerate(EXAMPLES.items()):
        st.button(name, key=f"size.ex{i}", on_click=_load, args=(values,), width="stretch")
    st.slider("Input height n (rows)", 1, 16, key="size.h")
    st.slider("Input width n (columns)", 1, 16, key="size.w")
    st.slider("Kernel size k", 1, 11, key="size.k")
    st.slider("Stride s", 1, 5, key="size.s")
    st.selectbox("Padding p", PAD_CHOICES, key="size.p",
                 format_func=lambda v: PAD_LABEL.get(v, f"{v} on each side"))
    st.slider("Dilation d (1 = no gaps)", 1, 4, key="size.d")
    st.radio("Framework rule", list(ar.RULES), key="size.rule", format_func=ar.RULES.get,
             help="PyTorch and Keras convolutions round down; PyTorch's pooling can round "
                  "up with ceil_mode=True.")
    st.selectbox("Padding mode (code only)", PADDING_MODES, key="size.mode",
                 disabled=ss["size.rule"] == "pool_ceil",
                 help="What fills the padding; it changes the values, not the sizes.")

h, w, k, s = ss["size.h"], ss["size.w"], ss["size.k"], ss["size.s"]
p, d, rule, mode = ss["size.p"], ss["size.d"], ss["size.rule"], ss["size.mode"]
ceil = rule == "pool_ceil"
grid = ar.window_grid((h, w), k, s, p, d, ceil_mode=ceil)
explain = {ax: cv.explain_output_size(n, k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
           for ax, n in (("rows", h), ("columns", w))}

with view:
    if grid.reason:
        st.error(f"**No output** {grid.reason.removeprefix('no output ')}.")
        bad = grid.rows if grid.rows.reason else grid.cols
        st.markdown(ar.no_fit_hint(bad))
    notes = ar.rule_notes((h, w), k, stride=s, padding=p, dilation=d, rule=rule,
                          padding_mode=mode)
    refused = any(level == "error" for level, _ in notes)  # PyTorch cannot compute it
    revealed = predict_panel(None if grid.reason else size_page_question(
        h, w, k, s, p, d, rule, refused=refused), key="size.predict")  # True: show sizes
    if revealed and not grid.reason and not refused:
        oh, ow = grid.out_shape
        st.metric("Output size", f"{oh} x {ow}", delta=f"from {h} x {w}", delta_color="off",
                  delta_arrow="off")
    if revealed and h == w:
        st.code(f"rows and columns:\n{explain['rows']}", language=None, wrap_lines=True)
    elif revealed:
        st.code("\n".join(f"{ax}:\n{text}" for ax, text in explain.items()), language=None,
                wrap_lines=True)
    for level, text in notes:
        {"error": st.error, "warning": st.warning}.get(level, st.info)(text)
    if revealed and not grid.reason:
        pos = heard_step("size.grid", "size.pos", grid.n_windows)  # where the player stopped
        st.caption("Play, step, drag the slider or use the arrow keys and space (click the "
                   "grids first). Hover an output cell to see its window, click it to pin it; "
                   "hover an input cell to light every output cell whose window covers it.")
        grid_view({**_payload(h, w, k, s, p, d, ceil), "step": pos}, key="size.grid")
        taps = grid.window(pos)
        i, j = divmod(pos, grid.out_shape[1])
        st.caption(f"Window {pos + 1} of {grid.n_windows}: taps on padded rows "
                   f"{list(taps[0])} and columns {list(taps[1])}, giving output cell "
                   f"(row {i + 1}, column {j + 1}). Hatched grey cells are padding; the "
                   "number in each cell counts the windows that cover it.")

st.header("What each setting does")
(t1, t2), (t3, t4) = st.columns(2, gap="large"), st.columns(2, gap="large")  # long texts: 2 a row
inner = grid.counts(include_padding=False) if not grid.reason else None
with t1:
    st.subheader("Borders and shrinking")
    small, big = cv.output_size(7, 3), cv.output_size(28, 3)
    st.markdown(
        "A border cell sits under fewer windows than a central one, so the edges count "
        "less, and without padding the output shrinks: at stride 1 each axis loses "
        "k_eff − 1 = d (k − 1) cells, "
        f"{grid.rows.eff - 1} for this kernel. 7x7 with 3x3 gives {small}x{small}; "
        f"28x28 gives {big}x{big}, {(28 - big) // 2} cell lost at each border."
        + (f" Here the top-left input cell is under {_times(inner[0, 0])}, the busiest "
           f"under {_times(inner.max())}." if inner is not None else "")
    )
with t2:
    st.subheader("Padding")
    st.markdown(
        f"Zeros around the border put the border cells under more windows, and (k_eff − 1) / 2 "
        f"of them on each side keep the size at stride 1. {ar.padding_coverage_text(3)}\n\n"
        f"**valid** means no padding; {ar.same_padding_text(w, k, s, d)}\n\n"
        "Other modes fill the border differently: *reflect* (mirror; PyTorch needs the "
        "padding smaller than the input's side), *replicate* (repeat the edge, any "
        "padding), *circular* (wrap around; at most the input's side)."
    )
with t3:
    st.subheader("Stride")
    by_stride = [ar.window_grid(w, k, st_, p, d, ceil_mode=ceil).cols.out for st_ in (1, 2)]
    st.markdown(
        "The step between windows. Stride 2 roughly halves each side and the windows "
        "overlap less; stride larger than the kernel skips cells (count 0)."
        + (f" Across these {w} columns: stride 1 gives {by_stride[0]} outputs, stride 2 "
           f"gives {by_stride[1]}." if all(by_stride) and revealed else "")
    )
with t4:
    st.subheader("Dilation")
    st.markdown(
        "Gaps between the kernel's taps: the same k x k weights see a wider area, "
        f"k_eff = d (k − 1) + 1. Here a {k}x{k} kernel at dilation {d} spans "
        f"{grid.rows.eff}x{grid.rows.eff} cells with {k * k} weights."
    )

if not grid.reason and revealed:
    st.header("Every window position")
    tiles, numbered, total = _thumbnails(h, w, k, s, p, d, ceil)
    st.image(tiles, caption=[f"window {i}" for i in numbered])  # each at its own size
    st.caption(f"All {total} windows, numbered as the output cells." if len(tiles) == total
               else f"{len(tiles)} of the {total} windows, evenly spaced; the player above "
               "steps through all of them.")
    st.header("The same layer in code")
    layer = "maxpool" if ceil else "conv"
    torch_code, keras_code = codegen.framework_code((h, w), k, stride=s, padding=p, dilation=d,
                                               layer=layer, ceil_mode=ceil,
                                               padding_mode="zeros" if ceil else mode)
    c1, c2 = st.columns(2)
    c1.markdown("**PyTorch**")
    c1.code(torch_code, language="python", wrap_lines=True)
    c2.markdown("**Keras**")
    c2.code(keras_code, language="python", wrap_lines=True)


def _new_practice() -> None:
    ss["size.practice_n"] = ss.get("size.practice_n", 0) + 1


def _draw_practice(ex: dict) -> None:
    _load((ex["size"], ex["size"], ex["kernel_size"], ex["stride"], ex["padding"],
           ex["dilation"]))
    ss["size.rule"] = "keras" if ex["padding"] == "same" else "torch"  # the question's rule


st.header("Practice: output sizes")
st.caption("A random layer each time; your answers count in \"Your progress\" on the home page.")
ex, practice = exercise.random_practice(np.random.default_rng(ss.get("size.practice_n", 0)))
b1, b2, _ = st.columns([1, 1.3, 2])
b1.button("New question", key="size.practice.new", on_click=_new_practice, width="stretch")
b2.button("Draw it above", key="size.practice.draw", on_click=_draw_practice, args=(ex,),
          disabled=ex["size"] > 16, width="stretch",
          help="Load these settings into the grid (inputs up to 16).")
practice_block(practice, key="size.practice")

save_settings(SPECS)
share_hint()
next_link("pages/output_size.py")
