"""The training page's settings: the data, the architecture editor and the training knobs.

Keys (all under ``train.``): the URL settings ``train.data``, ``train.arch``, ``train.opt``,
``train.lr``, ``train.batch``, ``train.epochs``, ``train.seed``, ``train.augment`` (see
:data:`SPECS`); the
widgets ``train.preset``, ``train.editor<ver>`` (``train.locked`` while training runs),
``train.zip``, ``train.zip_size``, ``train.zip_rgb``, ``train.mnist``; internal
``train.ver``, ``train.base``, ``train.in_use`` (the data set training uses),
``train.upload`` and ``train.bad``.

The settings a model was built with are kept beside it (:func:`settings_record`): while it
trains, the page shows those (:func:`restore_settings`, and the locked table of
:func:`architecture_editor`), never edits made since.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import streamlit as st

from convviz.nn.augment import MAX_SHIFT
from convviz.nn.data import (
    DATASETS,
    UPLOADS,
    Dataset,
    DatasetError,
    load_builtin,
    load_image_folder_zip,
    load_mnist_files,
)
from convviz.nn.presets import ARCHITECTURES, DEFAULT_ARCHITECTURE
from convviz.nn.train_config import OPTIMIZERS
from convviz.nn.trainable import TRAINABLE_KINDS, check_specs
from convviz.serve.params import Param, choice_param, float_param, int_param
from convviz.serve.session import TrainSettings, default_lr
from convviz.stack.spec import (
    PADDINGS,
    layers_from_text,
    layers_to_text,
)
from convviz.stack.summary import (
    NOT_COMPUTED,
    RELU_WHY,
    Summary,
    format_shape,
    layer_problem,
    summarize,
)
from convviz.ui.layer_table import frame_specs, layers_frame

DATA_CHOICES = (*DATASETS, *UPLOADS)
BATCHES = (8, 16, 32, 64, 128, 256)
OPT_NAMES = {"adam": "Adam", "sgd": "SGD", "momentum": "SGD with momentum 0.9"}
ZIP_SIZES = (16, 24, 28, 32, 48, 64)

SPECS = {
    "train.data": choice_param("digits", DATA_CHOICES),
    "train.arch": Param(ARCHITECTURES[DEFAULT_ARCHITECTURE].text,
                        lambda t: layers_to_text(layers_from_text(t))),
    "train.opt": choice_param("adam", OPTIMIZERS),
    "train.lr": float_param(default_lr("adam"), 1e-4, 1.0),
    "train.batch": choice_param(32, BATCHES),
    "train.epochs": int_param(20, 1, 200),
    "train.seed": int_param(0, 0, 9999),
    "train.augment": int_param(0, 0, MAX_SHIFT),
}

#: The help of "Random shifts (augmentation)": what :func:`convviz.nn.augment.shift_batch`
#: does in :class:`~convviz.nn.train.Trainer` (tests/nn/test_augment.py and test_train.py
#: check each of these claims on the code).
SHIFTS_HELP = (
    "Each step, every training image moves by its own random whole-pixel shift: up to this "
    "many pixels up or down and, drawn separately, left or right, with black (0) shifted in "
    "at the edges. Train accuracy is measured on the shifted images; held-out images are "
    "never shifted. Same Seed, same shifts, and the batches' order does not change.")


def shifts_label(pixels: int) -> str:
    """How the shifts control and the readouts name a largest shift of ``pixels``.

    >>> shifts_label(0), shifts_label(2)
    ('off', 'up to 2 px')
    """
    return f"up to {pixels} px" if pixels else "off"


@dataclass(frozen=True)
class DataInUse:
    """The data set training uses and what identifies it (kind, file ids, size)."""

    token: tuple
    dataset: Dataset


@dataclass(frozen=True)
class ArchChoice:
    """The architecture table's answer: the stack's text when it can be trained on the
    data (its last Dense fitted to the classes), else None and the reason."""

    text: str | None
    problem: str | None = None


def settings_record(data: DataInUse, fitted: str | None) -> dict:
    """The settings now on the page, as the model built from them keeps them.

    ``data`` is the data set it trains on, ``fitted`` the architecture it was built from
    (the table's text with the last Dense fitted to the classes).
    """
    ss = st.session_state
    record = {key: ss[key] for key in SPECS}
    record["train.data"] = data.token[0]  # the data it trains on (not a failed upload)
    record["train.in_use"] = data
    if data.token[0] == "images_zip":
        record["train.zip_size"], record["train.zip_rgb"] = data.token[2], data.token[3] == 3
    record["fitted"] = fitted
    return record


def restore_settings(record: dict) -> None:
    """Put the settings of ``record`` (:func:`settings_record`) back on the page (call it
    from a callback, before the widgets are drawn): the table starts afresh from them."""
    ss = st.session_state
    for key, value in record.items():
        if key != "fitted":
            ss[key] = value
    ss["train.ver"] = ss.get("train.ver", 0) + 1


@st.cache_resource(max_entries=4, show_spinner="Loading the data set...")
def _builtin(name: str) -> Dataset:
    # Shared by every session: a Dataset is frozen and its arrays are read-only.
    return load_builtin(name)


def _load_upload(kind: str, token: tuple, files) -> Dataset | None:
    """Load an upload once per token; a bad one shows its error (each run) and gives None."""
    ss = st.session_state
    held = ss.get("train.upload")
    if held is not None and held.token == token:
        return held.dataset
    bad = ss.setdefault("train.bad", {})
    if token not in bad:
        try:
            if kind == "images_zip":
                ds = load_image_folder_zip(files.getvalue(), size=token[2], channels=token[3])
            else:
                ds = load_mnist_files(list(files))
        except (DatasetError, ValueError, TypeError) as exc:
            if len(bad) > 20:
                bad.clear()
            bad[token] = str(exc)
        else:
            ss["train.upload"] = DataInUse(token, ds)
            return ds
    st.error(f"{bad[token]} Training keeps the data it had.")
    return None


def choose_data(disabled: bool) -> DataInUse:
    """Draw the data choice (and uploaders); return the data set training uses.

    A failed or missing upload keeps the data set used before, and says so.
    """
    ss = st.session_state
    titles = {k: info.title for k, info in {**DATASETS, **UPLOADS}.items()}
    st.radio("Data", DATA_CHOICES, key="train.data", format_func=titles.get,
             horizontal=True, disabled=disabled)
    kind = ss["train.data"]
    info = DATASETS.get(kind) or UPLOADS[kind]
    st.caption(info.description)
    chosen = None
    if kind in DATASETS:
        chosen = DataInUse((kind,), _builtin(kind))
    elif kind == "images_zip":
        file = st.file_uploader("A .zip with one folder of images per class", type=["zip"],
                                key="train.zip", disabled=disabled)
        a, b = st.columns(2)
        ss.setdefault("train.zip_size", 28)
        a.select_slider("Image size (pixels per side)", ZIP_SIZES, key="train.zip_size",
                        disabled=disabled, help="Bigger trains slower.")
        b.toggle("Keep colour (3 channels)", key="train.zip_rgb", disabled=disabled)
        if file is not None:
            token = ("images_zip", file.file_id, ss["train.zip_size"],
                     3 if ss["train.zip_rgb"] else 1)
            ds = _load_upload(kind, token, file)
            chosen = None if ds is None else DataInUse(token, ds)
    else:
        files = st.file_uploader("MNIST files: the IDX files (optionally .gz) or one .npz",
                                 accept_multiple_files=True, key="train.mnist",
                                 disabled=disabled)
        if files:
            token = ("mnist_files", *(f.file_id for f in files))
            ds = _load_upload(kind, token, files)
            chosen = None if ds is None else DataInUse(token, ds)
    held = ss.get("train.in_use")
    if chosen is None:
        chosen = held if held is not None else DataInUse(("digits",), _builtin("digits"))
        st.info(f"Until a file is uploaded and read, training uses “{chosen.dataset.name}”.")
    if not disabled:
        ss["train.in_use"] = chosen
    elif held is not None:
        chosen = held  # the settings are frozen while training runs
    ds = chosen.dataset
    st.caption(f"**Training on “{ds.name}”**: {ds.n_train:,} training and {ds.n_test:,} "
               f"held-out images of shape {format_shape(ds.input_shape)}, "
               f"{ds.n_classes} classes ({', '.join(ds.class_names[:12])}"
               f"{', ...' if ds.n_classes > 12 else ''}).")
    for note in ds.notes:
        st.caption(f"ℹ {note}")
    return chosen


def _load_preset() -> None:
    ss = st.session_state
    name = ss["train.preset"]
    if name in ARCHITECTURES:
        ss["train.arch"] = ARCHITECTURES[name].text
        ss["train.ver"] = ss.get("train.ver", 0) + 1  # a fresh table: its edits dropped


def replace_architecture(text: str) -> None:
    """Show ``text`` in the architecture table (e.g. a loaded model's)."""
    ss = st.session_state
    ss["train.arch"] = text
    ss["train.ver"] = ss.get("train.ver", 0) + 1


def _summary_table(summary: Summary) -> str:
    lines = ["| # | Layer | Output shape | Parameters |", "|---|---|---|--:|",
             f"| | input | {format_shape(summary.input_shape)} | 0 |"]
    for r in summary.rows:
        if r.error == NOT_COMPUTED:
            cells = "- | -"
        elif r.error:
            cells = f"⚠ {r.error} | -"
        else:
            cells = f"{format_shape(r.output_shape)} | {r.params:,}"
        lines.append(f"| {r.index + 1} | {r.kind} | {cells} |")
    return "\n".join(lines)


def architecture_editor(input_shape: tuple[int, ...], n_classes: int,
                        disabled: bool, locked: str | None = None) -> ArchChoice:
    """The preset menu, the layer table and its live summary for ``input_shape``.

    ``locked`` (while training runs) is the text of the model being trained: the table,
    disabled, and the summary show it exactly, whatever was edited before. Returns the
    stack's text when it can be trained on this data, else None and the reason (shown).
    """
    ss = st.session_state
    ss.setdefault("train.ver", 0)
    key = f"train.editor{ss['train.ver']}"
    if locked is not None:
        key, disabled = "train.locked", True
    elif key not in ss:  # a fresh table: first visit, back from another page, a preset
        ss["train.base"] = ss["train.arch"]
    match = next((k for k, a in ARCHITECTURES.items() if a.text == ss["train.arch"]), "custom")
    ss["train.preset"] = match
    titles = {k: a.title for k, a in ARCHITECTURES.items()}
    st.selectbox("Architecture", [*ARCHITECTURES, "custom"], key="train.preset",
                 format_func=lambda k: titles.get(k, "Your own (edit the table)"),
                 on_change=_load_preset, disabled=disabled)
    st.caption(ARCHITECTURES[match].description if match in ARCHITECTURES
               else "Your own stack: edit the table.")
    base = layers_frame(ss["train.base"] if locked is None else locked)
    num = st.column_config.NumberColumn
    edited = st.data_editor(
        base, key=key, num_rows="dynamic", hide_index=True, width="stretch", disabled=disabled,
        column_config={
            "layer": st.column_config.SelectboxColumn("Layer", options=TRAINABLE_KINDS,
                                                      required=True, width=110),
            "units": num("Filters/units", min_value=1, max_value=512, step=1, width=95,
                         help="Conv2D: number of filters. Dense: number of units."),
            "size": num("Size", min_value=1, max_value=11, step=1, width=55,
                        help="Conv2D: kernel side (3 means 3x3). Pooling: window side."),
            "stride": num("Stride", min_value=1, max_value=4, step=1, width=60,
                          help="Empty: the default, 1 for Conv2D, the window for pooling."),
            "padding": st.column_config.SelectboxColumn(
                "Padding", options=PADDINGS, width=80,
                help="valid: none; same: keep ceil(n / stride)."),
            "activation": st.column_config.SelectboxColumn(
                "Activation", options=("relu", "softmax"), width=90,
                help="relu after a Conv2D or Dense; the last Dense gives the class scores "
                "(softmax is applied by the loss)."),
        })
    specs = frame_specs(edited)
    if locked is None and all(layer_problem(s) is None for s in specs):
        ss["train.arch"] = layers_to_text(specs)
    try:
        fitted, summary = check_specs(specs, input_shape, n_classes)
        problem = None
    except (ValueError, TypeError) as exc:
        problem = str(exc)
        last = specs[-1] if specs else None
        fitted = specs
        if last is not None and last.kind == "Dense":
            fitted = specs[:-1] + [dataclasses.replace(last, filters_or_units=n_classes)]
        summary = summarize(input_shape, fitted)
    counted = (f"{summary.total_params:,} parameters" if summary.ok else
               f"layer {next(i for i, r in enumerate(summary.rows, 1) if r.error)} "
               "does not fit")  # a partial count is not the model's size
    with st.expander(f"Shapes and parameters for {format_shape(input_shape)} images: "
                     f"{counted}", expanded=True):
        st.markdown(_summary_table(summary))
        st.caption(f"The last Dense layer gets one unit per class ({n_classes} here). A "
                   f"row with relu applies ReLU after it (no extra parameters), {RELU_WHY}.")
    if problem:
        st.error(f"This architecture cannot be trained on this data: {problem}.")
        return ArchChoice(None, problem)
    return ArchChoice(layers_to_text(fitted))


def _optimizer_changed() -> None:
    ss = st.session_state
    ss["train.lr"] = default_lr(ss["train.opt"])


def training_knobs(disabled: bool) -> TrainSettings:
    """Optimizer, learning rate, batch size, epochs, seed and random shifts (augmentation);
    returns the settings."""
    ss = st.session_state
    a, b = st.columns(2)
    a.selectbox("Optimizer", OPTIMIZERS, key="train.opt", format_func=OPT_NAMES.get,
                on_change=_optimizer_changed, disabled=disabled,
                help="Adam adapts a step size per weight; SGD takes plain steps down the "
                "gradient; momentum keeps some of the previous step.")
    b.number_input("Learning rate", 1e-4, 1.0, step=0.001, format="%.4f", key="train.lr",
                   disabled=disabled, help="The size of each step. Too large and the loss "
                   "jumps around or blows up; too small and learning crawls. It falls "
                   "along a half cosine to 0 over the run.")
    a, b, c = st.columns(3)
    a.select_slider("Batch size", BATCHES, key="train.batch", disabled=disabled,
                    help="Images per step: the gradient is the mean over the batch.")
    b.number_input("Epochs", 1, 200, key="train.epochs", disabled=disabled,
                   help="Passes over the training images.")
    c.number_input("Seed", 0, 9999, key="train.seed", disabled=disabled,
                   help="The initial weights and the order of the images: same seed, "
                   "same run.")
    st.select_slider("Random shifts (augmentation)", range(MAX_SHIFT + 1), key="train.augment",
                     format_func=shifts_label, disabled=disabled, help=SHIFTS_HELP)
    return TrainSettings(arch_text=ss["train.arch"], optimizer=ss["train.opt"],
                         lr=float(ss["train.lr"]), batch_size=int(ss["train.batch"]),
                         epochs=int(ss["train.epochs"]), seed=int(ss["train.seed"]),
                         augment=int(ss["train.augment"]))
