"""Filters on your image: a photo through several kernels, their feature maps, the sweep."""

import numpy as np
import streamlit as st

import convviz as cv
from convviz.draw import encode, numbers, render
from convviz.draw.colors import DISPLAY_MODES, display_legend
from convviz.draw.html_legend import legend_html
from convviz.engine.padding import PADDING_MODES
from convviz.imaging import filter_bank as fb
from convviz.imaging import filters as imf
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.samples import SAMPLE_IMAGES
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_detail import window_detail, window_detail_payload
from convviz.serve.params import Param, bool_param, choice_param, grid_param, int_param
from convviz.teach.examples import resize_grid
from convviz.ui.boot import ensure_app
from convviz.ui.downloads import budgeted_download
from convviz.ui.grid_editor import grid_editor, replace_grid
from convviz.ui.grid_view import grid_view
from convviz.ui.image_input import SOURCES, choose_image, take_new_image
from convviz.ui.kept import kept, memo
from convviz.ui.nav import next_link
from convviz.ui.state import init_settings, save_settings, share_hint
from convviz.ui.sweep_view import show_sweep

ensure_app()

PAD_KINDS = ("same", "valid", "full", "number")
DISPLAY = {"signed": "signed (blue − / red +)", "relu": "ReLU: max(0, x)", "abs": "absolute value"}
BOOST = 99.5  # percentile shown at full colour when boosting weak edges
SPECS = {
    "img.source": choice_param("sample", list(SOURCES)),
    "img.sample": choice_param("grace_hopper", list(SAMPLE_IMAGES)),
    "img.size": choice_param(512, imf.WORKING_SIZES),
    "img.view": choice_param("gray", ["gray", "rgb"]),
    "img.kernels": Param(["sobel_x", "sobel_y", "laplacian_4"], imf.parse_kernel_list,
                         imf.dump_kernel_list),
    "img.custom": grid_param([[2, 1, 0], [1, 0, -1], [0, -1, -2]], max_side=11,
                             limit=99),
    "img.stride": int_param(1, 1, 4),
    "img.pad_kind": choice_param("same", PAD_KINDS),
    "img.pad": int_param(1, 0, 5),
    "img.pad_mode": choice_param("zeros", PADDING_MODES),
    "img.dil": int_param(1, 1, 4),
    "img.display": choice_param("signed", DISPLAY_MODES),
    "img.boost": bool_param(True),
    "img.inspect": choice_param("sobel_x", imf.KERNEL_CHOICES),
    "img.row": int_param(165, 0, 4095),
    "img.col": int_param(150, 0, 4095),
    "img.zoom": bool_param(False),
    "img.zsize": int_param(16, 8, 32),
    "img.frame": int_param(1, 1, 1024),  # the sweep's frame (1-based) where it last stopped
}
ss = st.session_state

st.title("Filters on your image")
st.markdown(
    "The first layer of a CNN slides a handful of small kernels over the whole photo. Each "
    "kernel is a **pattern detector**: where the pixels under it look like its pattern the "
    "sum is large, elsewhere it is near zero. What one kernel leaves behind is a **feature "
    "map**, and the maps of all the kernels, stacked, are the layer's output. Edge kernels "
    "like Sobel are what trained networks tend to learn in their first layer: **early "
    "layers find edges**, later layers combine them into textures, parts and objects.")
for msg in init_settings(SPECS):
    st.warning(msg)

c_img, c_show = st.columns([1, 1.4], gap="large")
with c_img:
    st.subheader("1. The image")
    work = choose_image("img", imf.WORKING_SIZES)
    img = work.image  # (H, W, C), float32 in [0, 1]
    st.radio("Channels", ["gray", "rgb"], key="img.view", horizontal=True,
             format_func={"gray": "grayscale (luma)", "rgb": "RGB: each channel, summed"}.get)
rgb = ss["img.view"] == "rgb" and img.shape[2] == 3
with c_show:
    st.image(memo("img.preview", (work.token, rgb), lambda: encode.jpeg_bytes(
        render.to_rgb(img if rgb else to_grayscale(img)))), output_format="JPEG",
             caption=f"{work.label}: {img.shape[0]}x{img.shape[1]} pixels, "
             f"{'3 channels (R, G, B)' if rgb else '1 channel (gray)'}, values 0 to 1")
    if note := imf.downscale_note(work.original, img.shape):
        st.info(note)
    if ss["img.view"] == "rgb" and not rgb:
        st.caption("This image has one channel only, so RGB and grayscale are the same.")


def _resize_custom() -> None:
    replace_grid("img.custom", resize_grid(ss["img.custom"], ss["img.krows"], ss["img.kcols"]))


st.subheader("2. The filters")
c_k, c_geo = st.columns([1.4, 1], gap="large")
with c_k:
    st.multiselect("Kernels (one feature map each)", imf.KERNEL_CHOICES, key="img.kernels",
                   max_selections=imf.MAX_KERNELS, format_func=lambda n: imf.kernel_label(n)[0])
    names = list(ss["img.kernels"])
    if "custom" in names:
        ss["img.krows"], ss["img.kcols"] = ss["img.custom"].shape
        a, b = st.columns(2)
        a.number_input("Your kernel's rows", 1, 11, key="img.krows", on_change=_resize_custom)
        b.number_input("Your kernel's columns", 1, 11, key="img.kcols", on_change=_resize_custom)
        grid_editor("img.custom", lo=-99, hi=99, help="A weight (-99 to 99).")
with c_geo:
    a, b = st.columns(2)
    a.slider("Stride", 1, 4, key="img.stride")
    b.slider("Dilation", 1, 4, key="img.dil")
    a.selectbox("Padding", PAD_KINDS, key="img.pad_kind",
                help="same: keep the size (for stride 1); valid: none; full: every overlap.")
    if ss["img.pad_kind"] == "number":
        b.number_input("Padding (pixels per side)", 0, 5, key="img.pad")
    b.selectbox("Padding mode", PADDING_MODES, key="img.pad_mode")
    st.radio("Show values as", DISPLAY_MODES, key="img.display", format_func=DISPLAY.get,
             horizontal=True)
    st.toggle("Boost weak edges (the strongest 0.5 % saturate)", key="img.boost")

if not names:
    st.warning("Pick at least one kernel above to see its feature map.")
    save_settings(SPECS)
    st.stop()
display, pct = ss["img.display"], BOOST if ss["img.boost"] else 100.0
padding = ss["img.pad"] if ss["img.pad_kind"] == "number" else ss["img.pad_kind"]
geo = {"stride": ss["img.stride"], "padding": padding, "dilation": ss["img.dil"],
       "padding_mode": ss["img.pad_mode"]}
kernels = {n: (np.asarray(ss["img.custom"], np.float32) if n == "custom"
               else cv.KERNELS[n].array) for n in names}


kern_key = tuple((n, tuple(map(tuple, k.tolist()))) for n, k in kernels.items())
geo_key = tuple(geo.items())
share = work.token[0] == "sample"  # a sample's maps serve every session; an upload's, one
try:
    views = [kept("img.maps", (work.token, rgb, k, geo_key, display, pct),
                  lambda k=k: fb.map_view(img, np.array(k[1], np.float32),
                                          channels="rgb" if rgb else "gray", display=display,
                                          percentile=pct, **geo), shared=share)
             for k in kern_key]
except (ValueError, TypeError) as exc:
    st.error(f"These settings give no feature map: {exc}. Try less dilation, a smaller "
             "kernel, or zeros padding (reflect and circular need padding smaller than the "
             "image).")
    save_settings(SPECS)
    st.stop()
maps = [v.fmap for v in views]


def _channels(kernel: np.ndarray) -> tuple[np.ndarray, list[bytes], list[float]]:
    """The R, G, B responses of one filter and their sum, (H', W', 4), their pictures and
    the magnitude each is coloured to."""
    resp = fb.channel_responses(img, kernel, **geo)
    tops = [fb.display_vmax(resp[..., :3], display, pct)] * 3 + [
        fb.display_vmax(resp[..., 3], display, pct)]  # one scale for R, G and B
    step, scale = fb.display_grid(resp.shape)
    return resp, [encode.jpeg_bytes(fb.map_picture(resp[::step, ::step, c], display,
                                                    vmax=tops[c], scale=scale))
                  for c in range(4)], tops


def _legend(vmax: float) -> None:
    """The colour legend of a picture above it, in HTML: its text keeps its size however
    the column scales the picture."""
    st.html(legend_html(display_legend(display, vmax)))


if ss["img.inspect"] not in names:
    ss["img.inspect"] = names[0]
k_in = names.index(ss["img.inspect"])
out_h, out_w = maps[k_in].shape
if take_new_image("img"):  # a new picture: its centre, not the old one's point
    ss["img.row"], ss["img.col"] = out_h // 2, out_w // 2
ss["img.row"], ss["img.col"] = min(ss["img.row"], out_h - 1), min(ss["img.col"], out_w - 1)
point = (ss["img.row"], ss["img.col"])
st.markdown("**Feature maps**: one per kernel, like the output channels of a conv layer. The "
            "orange cross marks the point inspected below.")
per_row = min(3, len(names))
for start in range(0, len(names), per_row):
    for col, i in zip(st.columns(per_row), range(start, min(start + per_row, len(names))),
                      strict=False):
        h, w = maps[i].shape
        at = views[i].at(point) if (h, w) == (out_h, out_w) else None  # the orange cross
        col.image(kept("img.pics", (work.token, rgb, kern_key[i], geo_key, display, pct, at),
                       lambda v=views[i], at=at: encode.jpeg_bytes(
                           v.picture if at is None else fb.mark_point(v.picture, at)),
                       shared=False),  # per point: in the session (cheap to make)
                  caption=f"{imf.kernel_label(names[i])[1]} ({h}x{w})", output_format="JPEG")
        with col:
            _legend(views[i].vmax)
c_shape, c_formula = st.columns([1, 1.6], gap="large")
with c_shape:
    depth, c_in = len(maps), 3 if rgb else 1
    if len({m.shape for m in maps}) == 1:
        st.markdown(f"Layer output shape\n### ({out_h}, {out_w}, {depth})")
    else:
        st.markdown("Layer output\n### sizes differ")
        st.caption("Kernels of different sizes without 'same' padding give maps of different "
                   "sizes; a real conv layer uses one kernel size for all its filters.")
    st.caption(f"Input ({img.shape[0]}, {img.shape[1]}, {c_in}) through {depth} filter(s): "
               f"{depth} feature map(s), the depth of the output.")
    titles = [f"{imf.kernel_label(n)[0]} ({m.shape[0]}x{m.shape[1]})"
              for n, m in zip(names, maps, strict=True)]
    png_fit = fb.maps_png_fit(views)  # from the maps' sizes: nothing is drawn yet
    budgeted_download("Download the feature maps (PNG)", key="img.png", mime="image/png",
                      file_name="feature_maps.png", icon=":material/download:", plan=png_fit,
                      help="The feature maps as shown: each with its own colour scale and "
                      "colour bar, named by its kernel.",
                      make=lambda: fb.maps_png(views, titles, display, fit=png_fit))
with c_formula:
    kh, kw = kernels[names[k_in]].shape
    sizes = [imf.stack_equation(cv.explain_output_size(
        img.shape[a], (kh, kw)[a], stride=geo["stride"], padding=padding,
        dilation=geo["dilation"])) for a in (0, 1)]
    st.markdown(f"Output size for **{imf.kernel_label(names[k_in])[0]}** ({kh}x{kw}):")
    st.code(f"rows:\n{sizes[0]}\ncolumns:\n{sizes[1]}", language=None, wrap_lines=True)

if rgb:
    st.markdown(f"**One filter on a colour image: {imf.kernel_label(names[k_in])[0]}**. A "
                "filter has one slice per input channel (here the same kernel on R, G and "
                "B). Each slice gives a response; **the three responses add up into the "
                "filter's one feature map** (R, G, B share one colour scale).")
    resp, ctiles, ctops = kept("img.channels",
                               (work.token, kern_key[k_in], geo_key, display, pct),
                               lambda: _channels(kernels[names[k_in]]), shared=share, entries=2)
    for c, (col, what) in enumerate(zip(st.columns(4), ("R response", "G response",
                                                        "B response", "R + G + B"),
                                        strict=True)):
        col.image(ctiles[c], output_format="JPEG",
                  caption=f"{what}: {numbers.format_value(resp[point][c], 3)} at {point}")
        with col:
            _legend(ctops[c])

st.subheader("3. One kernel up close")
c_a, c_b, c_c = st.columns([1.2, 1, 1.2], gap="large")
c_a.selectbox("Kernel to inspect and sweep", names, key="img.inspect",
              format_func=lambda n: imf.kernel_label(n)[0])
c_b.number_input(f"Output row (0 to {out_h - 1})", 0, out_h - 1, key="img.row")
c_b.number_input(f"Output column (0 to {out_w - 1})", 0, out_w - 1, key="img.col")
c_c.toggle("Zoom in on this point", key="img.zoom",
           help="Sweep only the pixels around the point, one window at a time, with numbers.")
c_c.slider("Zoom region (pixels per side)", 8, 32, key="img.zsize", disabled=not ss["img.zoom"])
kernel = kernels[names[k_in]]
try:
    region = imf.zoom_region(cv.conv_plan(img[..., 0], kernel, **geo), point,
                             ss["img.zsize"]) if ss["img.zoom"] else None
    pkey = (work.token, rgb, kern_key[k_in], geo_key, region)
    plan = memo("img.plan", pkey, lambda: sweep_plan(  # one plan per session: frames cached
        img, kernel, channels="rgb" if rgb else "gray", region=region,
        by_rows=None if region is None else False,
        n_frames=None if region is None else region[2] ** 2, **geo))
except (ValueError, TypeError) as exc:
    st.error(f"This sweep cannot be drawn: {exc}")
    plan = None

if plan is not None:
    values = [f"{imf.kernel_label(n)[0]} = **{numbers.format_value(float(m[point]), 4)}**"
              for n, m in zip(names, maps, strict=True) if m.shape == (out_h, out_w)]
    st.markdown(f"**At output cell {point}**: " + ", ".join(values))
    with st.expander(f"The window of {point}: pixels × kernel = products, then their sum",
                     expanded=True):
        grid_view(memo("img.detail", (pkey, point),
                       lambda: window_detail_payload(window_detail(plan, point))),
                  key="img.detail_grid")
    st.markdown("**The sweep**: left, the input with the kernel's window (orange); right, "
                "the feature map filled in up to the window, " + (
                    "one pixel at a time." if region else "a row of windows per frame.")
                + " Below, the numbers of the current window.")
    show_sweep("img.sweep", plan, pkey, restart=(work.token, region), frame_key="img.frame",
               display=display, vmax=views[k_in].vmax, file_name=f"sweep_{names[k_in]}.gif",
               zoom=region is not None)

with st.expander("Signed, ReLU or absolute value?"):
    st.markdown(
        "- **Signed** shows the sums as they are: blue below zero, white at zero, red above. "
        "Sobel x is red where the image gets brighter to the right and blue where it gets "
        "darker.\n- **ReLU** shows what a CNN passes on after its usual activation: negative "
        "sums become 0, so only one direction of each edge survives.\n- **Absolute value** "
        "shows the edge strength whatever its direction.")

save_settings(SPECS)
share_hint()
st.caption("An uploaded image or a camera photo cannot travel in a link: the link keeps the "
           "settings and opens with the sample photo.")
next_link("pages/image_filters.py")
