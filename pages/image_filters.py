"""Filters on your image: a photo through several kernels, their feature maps, the sweep."""

import numpy as np
import streamlit as st

import convviz as cv
from convviz import image_filters as imf
from convviz import render
from convviz.examples import resize_grid
from convviz.images import to_grayscale
from convviz.padding import PADDING_MODES
from convviz.samples import SAMPLE_IMAGES
from convviz.sweep import default_scale, sweep_plan
from convviz.sweep_colors import DISPLAY_MODES
from convviz.sweep_detail import render_window_detail, window_detail
from convviz.sweep_export import sweep_gif
from convviz.sweep_frames import render_sweep_frame
from convviz.ui.grid_editor import grid_editor, replace_grid
from convviz.ui.image_input import SOURCES, choose_image
from convviz.ui.nav import next_link
from convviz.ui.params import Param, bool_param, choice_param, grid_param, int_param
from convviz.ui.player import Player
from convviz.ui.state import init_settings, save_settings, share_hint

PAD_KINDS = ("same", "valid", "full", "number")
DISPLAY = {"signed": "signed (blue − / red +)", "relu": "ReLU: max(0, x)", "abs": "absolute value"}
SPECS = {
    "img.source": choice_param("sample", list(SOURCES)),
    "img.sample": choice_param("grace_hopper", list(SAMPLE_IMAGES)),
    "img.size": choice_param(512, imf.WORKING_SIZES),
    "img.view": choice_param("gray", ["gray", "rgb"]),
    "img.kernels": Param(["sobel_x", "sobel_y", "laplacian_4"], imf.parse_kernel_list,
                         imf.dump_kernel_list),
    "img.custom": grid_param([[2, 1, 0], [1, 0, -1], [0, -1, -2]], max_side=11),
    "img.stride": int_param(1, 1, 4),
    "img.pad_kind": choice_param("same", PAD_KINDS),
    "img.pad": int_param(1, 0, 5),
    "img.pad_mode": choice_param("zeros", PADDING_MODES),
    "img.dil": int_param(1, 1, 4),
    "img.display": choice_param("signed", DISPLAY_MODES),
    "img.inspect": choice_param("sobel_x", imf.KERNEL_CHOICES),
    "img.row": int_param(165, 0, 4095),
    "img.col": int_param(150, 0, 4095),
    "img.zoom": bool_param(False),
    "img.zsize": int_param(16, 8, 32),
}
ss = st.session_state


def _memo(key: str, token: tuple, make):
    """``make()``, kept in session state until ``token`` changes (one value per key)."""
    held = ss.get(key)
    if held is None or held[0] != token:
        held = ss[key] = (token, make())
    return held[1]


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
    st.image(_memo("img.preview", (work.token, rgb),
                   lambda: render.to_rgb(img if rgb else to_grayscale(img))),
             caption=f"{work.label}: {img.shape[0]}x{img.shape[1]} pixels, "
             f"{'3 channels (R, G, B)' if rgb else '1 channel (gray)'}, values 0 to 1")
    note = imf.downscale_note(work.original, img.shape)
    if note:
        st.info(note)
    if ss["img.view"] == "rgb" and not rgb:
        st.caption("This image has one channel only, so RGB and grayscale are the same.")


def _resize_custom() -> None:
    replace_grid("img.custom", resize_grid(ss["img.custom"], ss["img.krows"], ss["img.kcols"]))


st.subheader("2. The filters")
c_k, c_geo = st.columns([1.4, 1], gap="large")
with c_k:
    st.multiselect("Kernels (one feature map each)", imf.KERNEL_CHOICES, key="img.kernels",
                   max_selections=imf.MAX_KERNELS,
                   format_func=lambda n: imf.kernel_label(n)[0])
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

if not names:
    st.warning("Pick at least one kernel above to see its feature map.")
    save_settings(SPECS)
    st.stop()
display = ss["img.display"]
padding = ss["img.pad"] if ss["img.pad_kind"] == "number" else ss["img.pad_kind"]
geo = {"stride": ss["img.stride"], "padding": padding, "dilation": ss["img.dil"],
       "padding_mode": ss["img.pad_mode"]}
kernels = {n: (np.asarray(ss["img.custom"], np.float32) if n == "custom"
               else cv.KERNELS[n].array) for n in names}
channels = "rgb" if rgb else "gray"


@st.cache_data(max_entries=16, show_spinner=False)
def _maps(token: tuple, _image: np.ndarray, kern: tuple, channels: str, geo: tuple,
          display: str) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Feature maps and their pictures (the image is identified by ``token``)."""
    maps = imf.feature_maps(_image, [np.array(k, np.float32) for _, k in kern],
                            channels=channels, **dict(geo))
    scale = max(1, 256 // max(maps[0].shape))
    return maps, [imf.map_tile(m, display, scale=scale) for m in maps], scale


@st.cache_data(max_entries=8, show_spinner=False)
def _channels(token: tuple, _image: np.ndarray, kern: tuple, geo: tuple,
              display: str) -> tuple[np.ndarray, list[np.ndarray]]:
    resp = imf.channel_responses(_image, np.array(kern, np.float32), **dict(geo))  # (H', W', 4)
    top = float(np.abs(resp[..., :3]).max()) or 1.0  # one scale for R, G and B
    return resp, [imf.map_tile(resp[..., c], display, vmax=top if c < 3 else None)
                  for c in range(4)]


kern_key = tuple((n, tuple(map(tuple, k.tolist()))) for n, k in kernels.items())
geo_key = tuple(geo.items())
try:
    maps, tiles, mscale = _maps(work.token, img, kern_key, channels, geo_key, display)
except (ValueError, TypeError) as exc:
    st.error(f"These settings give no feature map: {exc}. Try less dilation, a smaller "
             "kernel, or zeros padding (reflect and circular need padding smaller than the "
             "image).")
    save_settings(SPECS)
    st.stop()

if ss["img.inspect"] not in names:
    ss["img.inspect"] = names[0]
k_in = names.index(ss["img.inspect"])
out_h, out_w = maps[k_in].shape
ss["img.row"], ss["img.col"] = min(ss["img.row"], out_h - 1), min(ss["img.col"], out_w - 1)
point = (ss["img.row"], ss["img.col"])

c_maps, c_info = st.columns([3, 1], gap="large")
with c_maps:
    st.markdown("**Feature maps**: one per kernel, like the output channels of a conv layer "
                "(orange cross: the point inspected below).")
    per_row = min(3, len(names))
    for start in range(0, len(names), per_row):
        cols = st.columns(per_row)
        for col, n in zip(cols, names[start:start + per_row], strict=False):
            i = names.index(n)
            title, meaning = imf.kernel_label(n)
            at = (point[0] * mscale + mscale // 2, point[1] * mscale + mscale // 2)
            shown = imf.mark_point(tiles[i], at) if maps[i].shape == maps[k_in].shape \
                else tiles[i]
            col.image(shown, caption=f"{title}, {maps[i].shape[0]}x{maps[i].shape[1]}: "
                      f"{meaning}")
with c_info:
    shapes = {m.shape for m in maps}
    depth = len(maps)
    c_in = 3 if rgb else 1
    if len(shapes) == 1:
        st.metric("Layer output shape", f"({out_h}, {out_w}, {depth})")
    else:
        st.metric("Layer output", "sizes differ")
        st.caption("Kernels of different sizes without 'same' padding give maps of different "
                   "sizes; a real conv layer uses one kernel size for all its filters.")
    st.caption(f"Input ({img.shape[0]}, {img.shape[1]}, {c_in}) → {depth} filter"
               f"{'s' if depth > 1 else ''} → {depth} feature map{'s' if depth > 1 else ''}.")
    kh, kw = kernels[names[k_in]].shape
    sizes = [cv.explain_output_size(img.shape[a], (kh, kw)[a], stride=geo["stride"],
                                    padding=padding, dilation=geo["dilation"]) for a in (0, 1)]
    st.markdown(f"Output size for **{imf.kernel_label(names[k_in])[0]}** ({kh}x{kw}):")
    st.code(f"rows:    {sizes[0]}\ncolumns: {sizes[1]}", language=None, wrap_lines=True)

if rgb:
    st.markdown(f"**One filter on a colour image: {imf.kernel_label(names[k_in])[0]}**. A "
                "filter has one slice per input channel (here the same kernel on R, G and "
                "B). Each slice gives a response; **the three responses add up into the "
                "filter's one feature map**.")
    resp, ctiles = _channels(work.token, img, kern_key[k_in][1], geo_key, display)
    cols = st.columns(4)
    for c, what in enumerate(("R response", "G response", "B response", "R + G + B = the map")):
        cols[c].image(ctiles[c], caption=f"{what}: {render.format_value(resp[point][c], 3)} at "
                      f"{point}" + (" (own colour scale)" if c == 3 else ""))

st.subheader("3. One kernel up close")
c_a, c_b, c_c = st.columns([1.2, 1, 1.2], gap="large")
c_a.selectbox("Kernel to inspect and sweep", names, key="img.inspect",
              format_func=lambda n: imf.kernel_label(n)[0])
c_b.number_input(f"Output row (0 to {out_h - 1})", 0, out_h - 1, key="img.row")
c_b.number_input(f"Output column (0 to {out_w - 1})", 0, out_w - 1, key="img.col")
c_c.toggle("Zoom: sweep the pixels around this point one by one", key="img.zoom")
c_c.slider("Zoom region (pixels per side)", 8, 32, key="img.zsize", disabled=not ss["img.zoom"])
kernel = kernels[names[k_in]]
try:
    region = None
    if ss["img.zoom"]:
        region = imf.zoom_region(cv.conv_plan(img[..., 0], kernel, **geo), point,
                                 ss["img.zsize"])
    pkey = (work.token, channels, kern_key[k_in], geo_key, region)
    held = ss.get("img.plan")
    if held is None or held[0] != pkey:  # one plan per session: its frame cache survives reruns
        n = None if region is None else region[2] ** 2  # zoomed: every window, cell by cell
        held = (pkey, sweep_plan(img, kernel, channels=channels, region=region,
                                 by_rows=None if region is None else False, n_frames=n, **geo))
        ss["img.plan"] = held
    plan = held[1]
except (ValueError, TypeError) as exc:
    st.error(f"This sweep cannot be drawn: {exc}")
    plan = None

if plan is not None:
    values = [(imf.kernel_label(n)[0], render.format_value(float(m[point]), 4))
              for n, m in zip(names, maps, strict=True) if m.shape == maps[k_in].shape]
    st.markdown(f"**At output cell {point}**: " + ", ".join(f"{t} = **{v}**" for t, v in values))
    with st.expander(f"The numbers of the window at {point}: pixels × kernel = products, "
                     "summed", expanded=True):
        st.image(_memo("img.detail", (pkey, point),
                       lambda: render_window_detail(window_detail(plan, point))))

    st.markdown("**The sweep**: left, the input with the kernel's window (orange); right, "
                "the feature map filled in up to the window" + (
                    ", pixel by pixel" if region else ", a row of windows per frame on a "
                    "big image") + ". Below, the numbers of the current window.")
    scale = max(default_scale(plan, 640), 24) if region else default_scale(plan)
    player = Player("img.sweep", plan.n_frames, default_speed=10, speeds=(1, 2, 5, 10, 15, 20))
    player.controls()

    def draw(i: int) -> None:
        r, c = plan.position(i)
        where = f"output row {r}" if plan.by_rows else f"output cell ({r}, {c})"
        st.image(render_sweep_frame(plan, i, scale=scale, display=display),
                 caption=f"Frame {i + 1} of {plan.n_frames}: the window of {where}.")
        st.image(_memo("img.fdetail", (pkey, i),
                       lambda: render_window_detail(window_detail(plan, i))))

    player.show(draw)

    st.markdown("**Export for slides**")
    a, b = st.columns(2)
    a.download_button(
        "Download the sweep (GIF)", key="img.gif", on_click="ignore", mime="image/gif",
        file_name=f"sweep_{names[k_in]}.gif", icon="🎞️",
        data=lambda p=plan, f=float(ss[player.speed_key]), d=display: sweep_gif(
            p, fps=f, display=d, max_frames=min(p.n_frames, 400) if region else 100))
    b.download_button(
        "Download the feature maps (PNG)", key="img.png", on_click="ignore", mime="image/png",
        file_name="feature_maps.png", icon="🖼️",
        data=lambda m=maps, d=display: imf.maps_png(m, d))

with st.expander("Signed, ReLU or absolute value?"):
    st.markdown(
        "- **Signed** shows the sums as they are: blue below zero, white at zero, red above. "
        "Sobel x is red where the image gets brighter to the right and blue where it gets "
        "darker.\n- **ReLU** shows what a CNN passes on after the usual activation: negative "
        "sums become 0, so only one direction of each edge survives.\n- **Absolute value** "
        "shows the edge strength whatever its direction.")

save_settings(SPECS)
share_hint()
st.caption("An uploaded image or a camera photo cannot travel in a link: the link keeps the "
           "settings and opens with the sample photo.")
next_link("pages/image_filters.py")
