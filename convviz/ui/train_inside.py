"""The "What it looks at" tab of the training page: for a held-out sample, an upload or a
drawing, the answer and its probabilities, the saliency of a class, and one closer look:
occlusion, Grad-CAM, the smallest change that flips the answer, what a class or a filter
responds to, or where one unit's receptive field lies.

The numbers come from :mod:`convviz.inside.occlusion`, :mod:`~convviz.inside.grad_cam`,
:mod:`~convviz.inside.flip`, :mod:`~convviz.inside.visualisation` and
:mod:`~convviz.inside.unit_field`, each the model's own passes; the pictures from
:mod:`convviz.inside.attribution_pictures`. Every computation's cost is counted before it
starts (:func:`~convviz.inside.cost.attribution_cost`) and kept within one click's budget
(:mod:`convviz.base.budget`).

Keys: ``train.in_src``, ``train.in_img``, ``train.in_colours``, ``train.in_pad`` (the
drawing pad), ``train.in_target``, ``train.in_view``; occlusion ``train.in_patch``,
``train.in_stride``, ``train.in_fill``; Grad-CAM ``train.in_cam_layer``; the flip
``train.in_flip_to``, ``train.in_eps``, ``train.in_steps``; the picture ``train.in_vis_of``,
``train.in_vis_class``, ``train.in_vis_layer``, ``train.in_vis_filter``,
``train.in_vis_steps``, ``train.in_vis_go`` (and ``train.in_vis_made``, the last picture);
the receptive field ``train.in_rf_layer``, ``train.in_rf_row``, ``train.in_rf_col``,
``train.in_rf_filter``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from convviz.base.budget import MAX_SECONDS
from convviz.draw.numbers import format_value
from convviz.inside.attribution_pictures import box_picture, map_panel, picture_panel
from convviz.inside.checks import spatial_layers
from convviz.inside.cost import attribution_cost
from convviz.inside.flip import flip_steps
from convviz.inside.grad_cam import grad_cam
from convviz.inside.occlusion import occlusion, occlusion_positions
from convviz.inside.predictions import probabilities
from convviz.inside.unit_field import unit_gradient, unit_receptive_box
from convviz.inside.visualisation import class_visualisation
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import ReLU
from convviz.nn.model import Sequential
from convviz.nn.saliency import saliency
from convviz.nn.train import Trainer
from convviz.ui.model_input import drawn_input, uploaded_input

__all__ = ["SOURCES", "VIEWS", "cam_layers", "fitting_steps", "fitting_stride", "looks_at"]

SOURCES = {"sample": "The chosen held-out sample", "upload": "Your image", "draw": "Draw it"}
VIEWS = {"occlusion": "Occlusion", "gradcam": "Grad-CAM", "flip": "Flip the answer",
         "picture": "What a class or filter responds to", "field": "A unit's receptive field"}
FILLS = {0.5: "grey (0.5)", 0.0: "black (0)", 1.0: "white (1)"}


# -- pure helpers (tested without a page) -------------------------------------------------------

def cam_layers(model: Sequential) -> list[tuple[int, str]]:
    """The layers Grad-CAM is offered on: each convolution's rectified maps (the ReLU right
    after it) or, without one, its own output, as (layer index, label).

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU
    >>> cam_layers(Sequential([Conv2D(2, 3), ReLU(), MaxPool2D(2), Conv2D(2, 3), Flatten(),
    ...                        Dense(3)], input_shape=(12, 12, 1)))
    [(1, 'conv2d_1, after its ReLU'), (3, 'conv2d_2')]
    """
    out = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Conv2D):
            nxt = model.layers[i + 1] if i + 1 < len(model.layers) else None
            if isinstance(nxt, ReLU):
                out.append((i + 1, f"{layer.name}, after its ReLU"))
            else:
                out.append((i, layer.name))
    return out


def fitting_stride(model: Sequential, patch: int, stride: int) -> int | None:
    """The smallest stride from ``stride`` to ``patch`` whose occlusion fits one click's
    budget (its forward passes counted first), or None when none does.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> fitting_stride(Sequential([Flatten(), Dense(2)], input_shape=(28, 28, 1)), 3, 1)
    1
    """
    h, w = model.input_shape[:2]
    for s in range(stride, patch + 1):
        passes = len(occlusion_positions(h, patch, s)) * len(occlusion_positions(w, patch, s))
        if attribution_cost(model, forward=passes + 1, what="the occlusion map").fits:
            return s
    return None


def fitting_steps(model: Sequential, steps: int) -> int:
    """The most of ``steps`` forward-and-backward passes that fit one click's budget (at
    least 1).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> fitting_steps(Sequential([Flatten(), Dense(2)], input_shape=(28, 28, 1)), 300)
    300
    """
    if attribution_cost(model, backward=steps).fits:
        return steps
    lo, hi = 1, steps  # the cost grows with the steps: the largest that fits, by halving
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if attribution_cost(model, backward=mid).fits:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _name(names: Sequence[str], k: int) -> str:
    return f"“{names[k]}”"


def _probability_chart(columns: dict[str, np.ndarray], names: Sequence[str]) -> None:
    st.bar_chart(pd.DataFrame(columns, index=list(names)), x_label="class",
                 y_label="probability", height=260, stack=False, sort=False)


# -- the input -------------------------------------------------------------------------------

def _choose_input(trainer: Trainer, sample: int) -> tuple[np.ndarray | None, str]:
    ds = trainer.dataset
    src = st.session_state.get("train.in_src", "sample")
    if src == "draw":
        return drawn_input(trainer, key="train.in_pad", hint=(
            " on the pad: the answer, its probabilities and the saliency follow every "
            "stroke.")), "your drawing as the network sees it (cut to its ink, sized " \
                                "and centred like the training images)"
    if src == "sample" and ds.n_test:
        return ds.x_test[sample], (f"held-out sample {sample + 1}, a "
                                   f"{_name(ds.class_names, int(ds.y_test[sample]))}")
    return (uploaded_input(trainer, file_key="train.in_img", colours_key="train.in_colours"),
            "your image as the network sees it")


# -- the tab -----------------------------------------------------------------------------------

def looks_at(trainer: Trainer, sample: int) -> None:
    """The tab: choose an image, see the answer and the saliency, then one closer look."""
    model, ds = trainer.model, trainer.dataset
    names = list(ds.class_names)
    st.radio("Image to look at", list(SOURCES), key="train.in_src", horizontal=True,
             format_func=SOURCES.get)
    left, right = st.columns([1, 1.4], gap="large")
    with left:
        x, what = _choose_input(trainer, sample)
        if x is not None:
            st.image(picture_panel(x, title="the input"),
                     caption=f"The input: {what} ({'x'.join(map(str, x.shape))}; the grey "
                     "scale beside it gives the pixel values).")
    if x is None:
        return
    p = probabilities(model, x)
    best = int(np.argmax(p))
    with right:
        st.metric("The network answers", names[best], f"probability {p[best]:.3f}",
                  delta_color="off", delta_arrow="off")
        _probability_chart({"probability": p}, names)
        st.caption("Softmax turns the last layer's scores into probabilities that add up "
                   "to 1; the answer is the largest.")

    options = [-1] + list(range(len(names)))
    target = st.selectbox(
        "Explain the score of", options, key="train.in_target",
        format_func=lambda k: "the answer" if k < 0 else f"class {names[k]}")
    target = best if target is None or target < 0 else int(target)
    _saliency(model, x, target, names)

    st.divider()
    st.radio("Look closer", list(VIEWS), key="train.in_view", horizontal=True,
             format_func=VIEWS.get)
    view = st.session_state["train.in_view"]
    try:
        {"occlusion": _occlusion, "gradcam": _grad_cam, "flip": _flip,
         "picture": _picture, "field": _field}[view](trainer, x, target, p)
    except (ValueError, TypeError) as exc:
        st.error(f"This view cannot be shown: {exc}.")


def _saliency(model: Sequential, x: np.ndarray, target: int, names: Sequence[str]) -> None:
    g = saliency(model, x, target).sum(axis=2)  # (H, W): over the colour channels
    st.image(map_panel(x, g, signed=True, titles=("saliency", "over the input")),
             caption=f"**Saliency** of {_name(names, target)}: d score / d pixel, computed by "
             "the network's own backward pass from that class's score (before softmax). Red: "
             "brightening the pixel a little would raise the score; blue: lower it; white: "
             "no effect"
             + (" (summed over the colour channels)" if x.shape[2] > 1 else "")
             + ". Over the input, the stronger the value, the more its colour covers the "
             "pixel.")


def _occlusion(trainer: Trainer, x: np.ndarray, target: int, p: np.ndarray) -> None:
    model, names = trainer.model, list(trainer.dataset.class_names)
    side = min(model.input_shape[:2])
    ss = st.session_state
    ss["train.in_patch"] = min(max(1, int(ss.get("train.in_patch", max(1, side // 7)))), side)
    a, b, c = st.columns(3)
    patch = a.slider("Patch side (pixels)", 1, side, key="train.in_patch")
    ss["train.in_stride"] = min(max(1, int(ss.get("train.in_stride", patch))), patch)
    stride = b.slider("Stride (pixels between positions)", 1, max(patch, 2),
                      key="train.in_stride", disabled=patch == 1)
    stride = min(stride, patch)
    fill = c.radio("Patch colour", list(FILLS), key="train.in_fill", format_func=FILLS.get,
                   horizontal=True)
    used = fitting_stride(model, patch, stride)
    if used is None:
        st.warning(f"Even at stride {patch} this would take more than one click's "
                   f"{MAX_SECONDS:g} s of work on this model: choose a larger patch.")
        return
    if used != stride:
        st.info(f"At stride {stride} the map would take more than one click's "
                f"{MAX_SECONDS:g} s of work on this model (one forward pass per position), "
                f"so it is made at stride {used}.")
    occ = occlusion(model, x, target, patch=patch, stride=used, fill=fill)
    st.image(map_panel(x, occ.pixel_map, signed=True,
                       titles=("drop in probability", "over the input")),
             caption=f"**Occlusion** (Zeiler and Fergus, 2014): a {patch}x{patch} "
             f"{FILLS[fill]} patch covers the input at {len(occ.rows)}x{len(occ.cols)} "
             f"positions, {used} pixel{'s' if used > 1 else ''} apart, one forward pass "
             f"each ({occ.passes} in all). Each pixel shows the mean drop of "
             f"p({names[target]}) = {occ.base:.3f} over the positions that cover it. Red: "
             "covering it lowers the probability, so the network uses what is there; blue: "
             "covering it raises the probability.")


def _grad_cam(trainer: Trainer, x: np.ndarray, target: int, p: np.ndarray) -> None:
    model, names = trainer.model, list(trainer.dataset.class_names)
    layers = cam_layers(model)
    if not layers:
        st.info("Grad-CAM needs a convolution layer; this model has none.")
        return
    labels = dict(layers)
    ss = st.session_state
    if ss.get("train.in_cam_layer") not in labels:
        ss["train.in_cam_layer"] = layers[-1][0]  # the paper's choice: the last one
    layer = st.selectbox("Layer", list(labels), key="train.in_cam_layer",
                         format_func=labels.get)
    cam = grad_cam(model, x, target, layer=layer)
    h, w, k = cam.maps.shape
    st.image(map_panel(x, cam.cam, signed=False, titles=("Grad-CAM", "over the input")),
             caption=f"**Grad-CAM** (Selvaraju and colleagues, 2017) of "
             f"{_name(names, target)} on {labels[layer]}: each of its {k} maps is weighted "
             "by the mean, over the map, of d score / d map (the score before softmax); the "
             "weighted maps are added up and the negative parts set to 0 (a ReLU), leaving "
             "where the layer's features raise the score. The "
             f"{h}x{w} result is stretched bilinearly to {model.input_shape[0]}x"
             f"{model.input_shape[1]}: it is as coarse as the layer.")
    if not cam.coarse.any():
        st.info(f"Here the weighted sum is 0 or negative everywhere, so the map is blank: "
                f"by Grad-CAM's measure no region of {labels[layer]} raises the score of "
                f"{_name(names, target)}. Try another layer, or the saliency and occlusion.")
    top = np.argsort(cam.weights)[::-1][:3]
    st.caption("The largest weights: " + ", ".join(
        f"map {i + 1}: {format_value(float(cam.weights[i]), 3)}" for i in top) + ".")


def _flip(trainer: Trainer, x: np.ndarray, target: int, p: np.ndarray) -> None:
    model, names = trainer.model, list(trainer.dataset.class_names)
    best = int(np.argmax(p))
    ss = st.session_state
    others = [k for k in np.argsort(p)[::-1].tolist() if k != best]
    if ss.get("train.in_flip_to") not in others:
        ss["train.in_flip_to"] = others[0]  # the runner-up
    a, b, c = st.columns(3)
    to = a.selectbox("Push toward", others, key="train.in_flip_to",
                     format_func=lambda k: f"class {names[k]}")
    eps = b.slider("Change per step (epsilon)", 0.005, 0.2, 0.02, step=0.005,
                   key="train.in_eps", format="%.3f")
    steps = c.slider("At most this many steps", 1, 200, 50, key="train.in_steps")
    used = fitting_steps(model, steps)
    if used < steps:
        st.info(f"{steps} steps would take more than one click's {MAX_SECONDS:g} s of work "
                f"on this model: at most {used} are taken.")
    flip = flip_steps(model, x, int(to), epsilon=eps, steps=used)
    if flip.flipped:
        st.success(f"The answer became {_name(names, int(to))} after {flip.steps} "
                   f"step{'s' if flip.steps > 1 else ''}: no pixel changed by more than "
                   f"{flip.largest_change:.3f}.")
    else:
        now = int(np.argmax(flip.after))
        s = "s" if flip.steps > 1 else ""
        st.warning(f"After {flip.steps} step{s} the answer is still {_name(names, now)}, not "
                   f"{_name(names, int(to))}: allow more steps or a larger change per step.")
    # the panel gets the page's width: in a column it would be scaled, its legend under 12 px
    st.image(map_panel(x, flip.perturbation.sum(axis=2), signed=True,
                       titles=("the change", "over the input")),
             caption="**The change** made to the input: each step moves every pixel by "
             f"epsilon = {eps:g} in the direction that raises log p({names[int(to)]}) "
             "(the sign of its gradient, from the network's own backward pass), kept "
             "within 0 to 1; it stops as soon as the answer is that class. Red: "
             "brightened; blue: darkened.")
    left, right = st.columns([1, 1.4], gap="large")
    left.image(picture_panel(flip.image, title="the changed input"),
               caption="The changed input, as the network now sees it.")
    with right:
        _probability_chart({"before": flip.before, "after": flip.after}, names)
        st.caption("The probabilities before and after the change. Small changes made "
                   "on purpose to change the answer are called adversarial examples "
                   "(Goodfellow and colleagues, 2015); with a small epsilon a person may "
                   "hardly see them.")


def _picture(trainer: Trainer, x: np.ndarray, target: int, p: np.ndarray) -> None:
    model, names = trainer.model, list(trainer.dataset.class_names)
    ss = st.session_state
    convs = [i for i in spatial_layers(model) if isinstance(model.layers[i], Conv2D)]
    kinds = ["class"] + (["filter"] if convs else [])
    if ss.get("train.in_vis_of") not in kinds:
        ss["train.in_vis_of"] = "class"
    of = st.radio("A picture of what raises", kinds, key="train.in_vis_of", horizontal=True,
                  format_func={"class": "a class's score",
                               "filter": "a filter's mean response"}.get)
    a, b, c = st.columns(3)
    if of == "class":
        if ss.get("train.in_vis_class") not in range(len(names)):
            ss["train.in_vis_class"] = target
        a.selectbox("Class", list(range(len(names))), key="train.in_vis_class",
                    format_func=lambda i: names[i])
    else:
        if ss.get("train.in_vis_layer") not in convs:
            ss["train.in_vis_layer"] = convs[0]
        layer = a.selectbox("Layer", convs, key="train.in_vis_layer",
                            format_func=lambda i: model.layers[i].name)
        n = model.layers[layer].output_shape[2]
        ss["train.in_vis_filter"] = min(max(1, int(ss.get("train.in_vis_filter", 1))), n)
        b.number_input(f"Filter (1 to {n})", 1, n, key="train.in_vis_filter")
    steps = c.slider("Steps", 10, 300, 150, step=10, key="train.in_vis_steps")
    sig, said, used, _ = _picture_request(trainer)
    if used < steps:
        st.info(f"{steps} steps would take more than one click's {MAX_SECONDS:g} s of work "
                f"on this model: {used} are taken.")
    st.button("Make the picture", key="train.in_vis_go", icon=":material/brush:",
              on_click=_make_picture, args=(trainer,))
    made = ss.get("train.in_vis_made")
    if not made or made[0] != sig:
        st.caption(f"Gradient ascent on the input, {used} steps (a forward and a backward "
                   "pass each): press the button.")
        return
    _, said, vis = made
    left, right = st.columns([1.4, 1], gap="large")
    left.image(picture_panel(vis.image, title="a rough picture"),
               caption=f"**What raises {said}**: starting from grey with a little noise, "
               f"{used} steps of gradient ascent on the input, each on the picture shifted "
               "by a random offset of up to 1 pixel, then blurred slightly (a Gaussian of "
               "0.5 pixel) and kept within 0 to 1 (Simonyan and colleagues, 2014; Olah and "
               f"colleagues, 2017). At {model.input_shape[0]}x{model.input_shape[1]} pixels "
               "and with a small network this is a rough picture: strokes that raise it, "
               "not a portrait of what the network has learned.")
    with right:
        st.line_chart(pd.DataFrame({"objective": vis.objective}), x_label="step",
                      y_label="the value raised", height=220)
        st.caption(f"{said[:1].upper()}{said[1:]} at each step: it rises as the picture "
                   "changes.")


def _picture_request(trainer: Trainer) -> tuple[tuple, str, int, dict]:
    """What the picture's widgets ask for now: (its signature, what it raises in words, the
    steps within the budget, the arguments of class_visualisation)."""
    ss, model = st.session_state, trainer.model
    names = list(trainer.dataset.class_names)
    if ss.get("train.in_vis_of") == "filter":
        layer, f = int(ss["train.in_vis_layer"]), int(ss["train.in_vis_filter"])
        goal = {"layer": layer, "channel": f - 1}
        said = f"the mean response of filter {f} of {model.layers[layer].name}"
    else:
        k = int(ss["train.in_vis_class"])
        goal, said = {"target": k}, f"the score of {_name(names, k)}"
    used = fitting_steps(model, int(ss.get("train.in_vis_steps", 150)))
    return (id(model), trainer.step, tuple(sorted(goal.items())), used), said, used, goal


def _make_picture(trainer: Trainer) -> None:
    """The button's callback: make the picture the widgets ask for, keep it with them."""
    sig, said, used, goal = _picture_request(trainer)
    st.session_state["train.in_vis_made"] = (sig, said, class_visualisation(
        trainer.model, steps=used, **goal))


def _field(trainer: Trainer, x: np.ndarray, target: int, p: np.ndarray) -> None:
    model = trainer.model
    ss = st.session_state
    layers = spatial_layers(model)
    if ss.get("train.in_rf_layer") not in layers:
        ss["train.in_rf_layer"] = layers[0]
    a, b, c, d = st.columns(4)
    layer = a.selectbox("Layer", layers, key="train.in_rf_layer",
                        format_func=lambda i: f"{model.layers[i].name} "
                        f"({'x'.join(map(str, model.layers[i].output_shape))})")
    h, w, n = model.layers[layer].output_shape
    for key, top in (("train.in_rf_row", h), ("train.in_rf_col", w),
                     ("train.in_rf_filter", n)):
        ss[key] = min(max(1, int(ss.get(key, (top + 1) // 2))), top)
    row = b.number_input(f"Row (1 to {h})", 1, h, key="train.in_rf_row")
    col = c.number_input(f"Column (1 to {w})", 1, w, key="train.in_rf_col")
    f = d.number_input(f"Map (1 to {n})", 1, n, key="train.in_rf_filter")
    box = unit_receptive_box(model, layer, int(row) - 1, int(col) - 1)
    grad = unit_gradient(model, x, layer, int(row) - 1, int(col) - 1, int(f) - 1).sum(axis=2)
    size = box.size
    inside = box.clipped(model.input_shape[:2])
    outside = size[0] * size[1] - (inside.bottom - inside.top + 1) * (
        inside.right - inside.left + 1)
    name = model.layers[layer].name
    st.image(box_picture(x, box), caption=(
        f"**The receptive field** of the unit at row {row}, column {col} of {name} (orange): "
        f"input rows {box.top + 1} to {box.bottom + 1} and columns {box.left + 1} to "
        f"{box.right + 1}, {size[0]}x{size[1]} pixels, from the kernels, strides and "
        "paddings of the layers up to it. "
        + (f"{outside} of its pixels lie in the padding (hatched): zeros the layers added "
           "around the border." if outside else "It lies wholly inside the input.")))
    st.image(map_panel(x, grad, signed=True, titles=("d unit / d pixel", "over the input")),
             caption=f"The unit's input gradient for map {f} (the network's own backward "
             "pass from that one number): how each pixel moves it. It is 0 outside the "
             "field; inside, a ReLU that is off or a max-pool cell that lost its window can "
             "make it 0 too.")
