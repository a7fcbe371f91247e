"""After training: the confusion matrix and the most confident mistakes, a prediction with its
softmax probabilities, saving and loading the model, and "Open in the step-by-step view".

Keys: ``train.pred_src``, ``train.pred_img``, ``train.pred_colours``, ``train.pred_pad`` (the
drawing pad), ``train.model_file``,
``train.sv_layer``, ``train.sv_filter``, ``train.sv_channel``, ``train.sv_open``; internal
``train.model_seen`` (the id of the last model file read), ``train.model_bad`` and
``train.from_file`` (the name of the file the current model came from, or None).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from convviz.draw import conv_view, render
from convviz.draw.static_grids import patch_kernel_payload
from convviz.inside.predictions import confusion_payload, probabilities
from convviz.inside.step_view import kernel_patch_for_step_view, rounded_step_value
from convviz.nn.data import Dataset
from convviz.nn.io import ModelFileError
from convviz.nn.model_files import load_model_for, model_bytes, model_to_text
from convviz.nn.train import Trainer
from convviz.serve.session import TrainSettings, step_view_state
from convviz.ui.grid_editor import replace_grid
from convviz.ui.grid_view import grid_view
from convviz.ui.kernel_picker import pick_kernel
from convviz.ui.model_input import drawn_input, uploaded_input
from convviz.ui.train_setup import replace_architecture


def _picture(x: np.ndarray, side: int = 96) -> np.ndarray:
    return render.upscale(render.to_rgb(x), max(1, side // max(x.shape[:2])))


def results(trainer: Trainer) -> None:
    """Accuracy on every held-out image, the confusion matrix, the confident mistakes."""
    ds = trainer.dataset
    if ds.n_test == 0:
        st.info("This data set has no held-out images to judge the model on.")
        return
    acc, _ = trainer.evaluate()
    st.metric("Accuracy on all held-out images", f"{acc:.1%}",
              f"{round(acc * ds.n_test):,} of {ds.n_test:,} right", delta_color="off",
              delta_arrow="off")
    left, right = st.columns([3, 2], gap="large")  # the matrix: room for its numbers
    with left:
        st.markdown("**Confusion matrix**: row = the true class, column = the answer; the "
                    "diagonal holds the right answers.")
        grid_view(confusion_payload(trainer.confusion_matrix(), ds.class_names),
                  key="train.confusion")
    with right:
        mistakes = trainer.most_confident_mistakes(8)
        st.markdown("**The most confident mistakes**: wrong answers given with the highest "
                    "probability. Some are honest mistakes, some are badly written or "
                    "mislabelled.")
        if not len(mistakes.indices):
            st.success("No mistakes on the held-out images.")
        cols = st.columns(4)
        for k, (i, t, p, c) in enumerate(zip(mistakes.indices, mistakes.true,
                                             mistakes.predicted, mistakes.confidence,
                                             strict=True)):
            cols[k % 4].image(_picture(ds.x_test[i]),
                              caption=f"true {ds.class_names[t]}, said {ds.class_names[p]} "
                              f"({c:.0%})")


def predict(trainer: Trainer, sample: int) -> None:
    """The softmax probabilities for a held-out image, an uploaded one or a drawing."""
    ds = trainer.dataset
    st.radio("Image to classify", ["sample", "upload", "draw"], key="train.pred_src",
             horizontal=True, format_func={"sample": "The chosen held-out sample",
                                           "upload": "Your image", "draw": "Draw it"}.get)
    left, right = st.columns([1, 2], gap="large")
    with left:
        if st.session_state["train.pred_src"] == "draw":
            x = drawn_input(trainer, key="train.pred_pad",
                            hint=", as large as you like, anywhere on the pad.")
            caption = ("Your drawing as the network sees it: cut to its ink, then sized and "
                       "centred the way the training images are")
        elif st.session_state["train.pred_src"] == "sample" and ds.n_test:
            x = ds.x_test[sample]
            caption = f"Held-out sample {sample + 1}, a “{ds.class_names[ds.y_test[sample]]}”"
        else:
            x = uploaded_input(trainer, file_key="train.pred_img",
                               colours_key="train.pred_colours")
            caption = "Your image as the network sees it"
        if x is None:
            return
        st.image(_picture(x, 192), caption=f"{caption} ({x.shape[0]}x{x.shape[1]}x"
                 f"{x.shape[2]})")
    with right:
        p = probabilities(trainer.model, x)
        best = int(np.argmax(p))
        st.metric("The network answers", ds.class_names[best], f"probability {p[best]:.3f}",
                  delta_color="off", delta_arrow="off")
        st.bar_chart(pd.DataFrame({"probability": p}, index=list(ds.class_names)),
                     x_label="class", y_label="probability", height=300)
        st.caption("Softmax turns the last layer's scores into probabilities that add up "
                   "to 1; the answer is the largest.")


def _load_model(dataset: Dataset, settings: TrainSettings) -> None:
    ss = st.session_state
    file = st.file_uploader("Load a model (.npz saved by this page)", type=["npz"],
                            key="train.model_file")
    if file is None or ss.get("train.model_seen") == file.file_id:
        return
    bad = ss.setdefault("train.model_bad", {})
    if file.file_id not in bad:
        try:
            model = load_model_for(file.getvalue(), dataset)
            trainer = Trainer(model, dataset, settings.config())
        except (ModelFileError, ValueError, TypeError) as exc:
            bad[file.file_id] = f"Could not load “{file.name}”: {exc}."
        else:
            ss["train.model_seen"] = file.file_id
            ss["train.trainer"], ss["train.running"] = trainer, False
            ss["train.from_file"] = file.name
            ss["train.sig"] = None  # the page adopts the current settings as the model's
            text = model_to_text(model)
            if text is not None:
                replace_architecture(text)
            st.rerun()
    st.error(bad[file.file_id] + " The current model is kept.")


def save_or_load(trainer: Trainer, dataset: Dataset, settings: TrainSettings) -> None:
    """Download the model as a .npz file; load one made for ``dataset`` (the chosen data),
    to be trained further with ``settings``."""
    a, b = st.columns(2, gap="large")
    with a:
        st.download_button("Download the model (.npz)", key="train.download",
                           data=lambda: model_bytes(trainer.model), file_name="convviz_cnn.npz",
                           mime="application/octet-stream", on_click="ignore",
                           icon=":material/download:")
        st.caption(f"{trainer.model.n_params:,} weights and the architecture, in a numpy "
                   "`.npz` file (no pickles). Load it here later, or in Python with "
                   "`convviz.nn.load_model`.")
    with b:
        _load_model(dataset, settings)
        name = st.session_state.get("train.from_file")
        if name:
            st.caption(f"The model was loaded from “{name}”; Reset goes back to its "
                       "weights.")
        else:
            st.caption(f"A model trained on “{dataset.name}” "
                       f"({'x'.join(map(str, dataset.input_shape))} images, "
                       f"{dataset.n_classes} classes) fits here.")


def _set_step_view(state: dict) -> None:
    """Give the convolution page these values (its widgets prefer session values over the
    URL, so the link alone would not do) and ask the page to switch there."""
    ss = st.session_state
    for key, value in state.items():
        if key in ("conv.x", "conv.k"):
            replace_grid(key, value)
        else:
            ss[key] = value
        ss["_keep." + key] = ss[key]
    ss["train.goto_conv"] = True


def switch_if_asked() -> None:
    """Switch to the convolution page after "Open in the step-by-step view" was pressed.

    The button's callback sets the flag (a callback cannot switch pages itself).
    """
    if st.session_state.pop("train.goto_conv", False):
        st.switch_page("pages/convolution.py")


def step_view(trainer: Trainer, sample: int) -> None:
    """Pick a learned kernel; open it with a patch of the sample on the convolution page."""
    model, ds = trainer.model, trainer.dataset
    picked = pick_kernel(model, "train.sv", has_sample=bool(ds.n_test))
    if picked is None:
        return
    layer, f, ch = picked
    c_in = model.layers[layer].params["weight"].shape[2]
    try:
        patch = kernel_patch_for_step_view(
            model, layer, f, ds.x_test[sample], channel=ch, sample_name=f"held-out sample "
            f"{sample + 1} (a “{ds.class_names[ds.y_test[sample]]}”)")
        state = step_view_state(patch)
    except (ValueError, TypeError) as exc:
        st.error(f"This kernel cannot be opened step by step: {exc}.")
        return
    left, right = st.columns([2, 1], gap="large")
    with left:
        grid_view(patch_kernel_payload(patch.input_patch, patch.kernel,
                                       pad_mask=patch.pad_mask), key="train.sv_grid")
    with right:
        r, col = patch.layer_pos
        st.markdown(
            f"Filter {patch.filter_index + 1} of {model.layers[patch.layer_index].name} "
            f"responds most strongly at row {r + 1}, column {col + 1} of its feature map: "
            f"**{patch.layer_value:.4f}** (this channel's sum {patch.channel_sum:.4f} plus "
            f"the bias {patch.bias:.4f}"
            + (", plus the other channels' sums" if c_in > 1 else "") + ").")
        st.caption(f"The convolution page gets the numbers rounded to 2 decimals, so its "
                   f"value there is {conv_view.fmt(rounded_step_value(patch))}.")
        st.button("Open in the step-by-step view", key="train.sv_open", type="primary",
                  icon=":material/open_in_new:", on_click=_set_step_view, args=(state,))
