"""Train a CNN: set it up, train it live, then open it up (filters, maps, gradients)."""

import dataclasses

import streamlit as st

from convviz.serve.session import build_trainer
from convviz.ui import (
    train_compare,
    train_grads,
    train_inside,
    train_live,
    train_network,
    train_results,
)
from convviz.ui import train_setup as setup
from convviz.ui.boot import ensure_app
from convviz.ui.layout import side_by_side
from convviz.ui.nav import next_link
from convviz.ui.state import init_settings, save_settings, share_hint

ensure_app()
train_results.switch_if_asked()

ss = st.session_state
st.title("Train a CNN")
st.markdown(
    "Train a small convolutional network **here, in seconds**, on real handwritten digits, "
    "generated shapes or your own pictures, and watch it learn. Then open it up: the "
    "filters it learned, what every layer makes of one image, and the gradients that "
    "taught it. Everything is computed by convviz's own numpy code.")
for msg in init_settings(setup.SPECS):
    st.warning(msg)
ss.setdefault("train.running", False)
trainer = ss.get("train.trainer")
running = bool(ss["train.running"]) and trainer is not None

st.header("1. Set it up")
data_col, arch_col = side_by_side([1, 1.5], key="train-setup", gap="large")
with data_col:
    data = setup.choose_data(running)
    st.divider()
    settings = setup.training_knobs(running)
ds = data.dataset
record = ss.get("train.record")
with arch_col:  # while it trains, the table shows the model being trained, locked
    choice = setup.architecture_editor(ds.input_shape, ds.n_classes, running,
                                       locked=record["fitted"] if record and running else None)
arch, problem = choice.text, choice.problem

sig = (data.token, arch, settings.optimizer, settings.lr, settings.batch_size,
       settings.epochs, settings.seed, settings.augment)
if trainer is not None and ss.get("train.sig") is None:
    # a model just loaded from a file: these are now its settings
    ss["train.sig"], ss["train.record"] = sig, setup.settings_record(data, arch)
stale = trainer is not None and ss.get("train.sig") != sig
ss["train.stale"] = stale and arch is not None
untrained = trainer is not None and trainer.step == 0 and not ss.get("train.from_file")
if arch is None and untrained and not running:
    ss["train.trainer"] = trainer = None  # the table makes no model: none to start or show
fresh = trainer is None or (stale and untrained)
if arch is not None and not running and fresh:
    try:
        trainer = build_trainer(dataclasses.replace(settings, arch_text=arch), ds)
    except (ValueError, TypeError) as exc:
        st.error(f"Cannot build this model: {exc}.")
        problem = f"cannot build this model: {exc}"
    else:
        ss["train.trainer"], ss["train.sig"], ss["train.from_file"] = trainer, sig, None
        ss["train.record"] = setup.settings_record(data, arch)
        ss["train.stale"] = stale = False

st.header("2. Train it")
st.markdown(
    "**How a CNN learns.** For each image the last layer gives one score per class, and "
    "softmax turns the scores into probabilities. The **cross-entropy loss** is "
    "−log(the probability of the true class): near 0 when the network is sure and right, "
    "large when it is sure and wrong. **Backpropagation** runs the chain rule from the loss "
    "back through every layer, and gives each weight its **gradient**: how much the loss "
    "would grow if that weight grew a little. Through a convolution, a kernel's gradient is "
    "the layer's input correlated with the gradient of its output; through max pooling, the "
    "gradient flows only to the cell that won each window (see *Gradients* below). "
    "**Stochastic gradient descent** then moves every weight a small step against its "
    "gradient, `w ← w − learning rate × gradient`, using a small random **batch** of images "
    "per step (the gradient is the mean over the batch). This page trains with **Adam** by "
    "default, which builds on that step: it keeps two running averages for every weight, "
    "one of its gradient (so a step keeps going the way recent steps went, as momentum "
    "does) and one of its squared gradient, and divides the first by the square root of "
    "the second, so each weight gets its own step size, roughly the learning rate, "
    "however large or small its gradients are. The learning rate is not fixed either: it "
    "falls from the value you set to 0 along half a cosine over the run, so early steps "
    "are large and the last ones small. Step after step, the **loss falls and the accuracy "
    "rises**. The *held-out* "
    "accuracy is measured on images the network never trains on: it shows whether it "
    "learned the classes or only memorised its examples.")
train_live.controls(ss.get("train.trainer"), ss["train.stale"], problem)
trainer = ss.get("train.trainer")
sample = 0
if trainer is not None and trainer.dataset.n_test:
    n_test = trainer.dataset.n_test
    ss["train.sample"] = min(max(1, int(ss.get("train.sample", 1))), n_test)
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    left.number_input(f"Held-out sample to look at (1 to {n_test:,})", 1, n_test,
                      key="train.sample")
    right.markdown(
        "**What a trained network sees.** The first layer's kernels start as random noise "
        "and become detectors of edges, strokes and blobs. The feature maps show where each "
        "filter responds in one image: early maps keep the picture's layout, deeper ones are "
        "smaller, more numerous and more abstract, until Flatten and Dense turn them into "
        "one score per class. LeNet-5 (LeCun and colleagues, 1998) read handwritten digits "
        "on bank cheques this way; the *LeNet-like* architecture follows it.")
    sample = ss["train.sample"] - 1
train_live.live_view(sample)

if trainer is not None and not ss["train.running"]:
    st.header("3. Open it up")
    if trainer.step == 0 and not ss.get("train.from_file"):
        st.caption("The model is untrained: press Start first. (These views work on any "
                   "model, even a random one: try them before and after.)")
    tabs = st.tabs(["Results", "Predict", "Step by step", "Gradients", "What it looks at",
                    "Whole network", "Save or load"],
                   key="train.tab", on_change="rerun")
    views = (lambda: train_results.results(trainer),
             lambda: train_results.predict(trainer, sample),
             lambda: train_results.step_view(trainer, sample),
             lambda: train_grads.gradients(trainer, sample),
             lambda: train_inside.looks_at(trainer, sample),
             lambda: train_network.whole_network(trainer, sample),
             lambda: train_results.save_or_load(trainer, ds, settings))
    for tab, view in zip(tabs, views, strict=True):
        if tab.open:
            with tab:
                view()

train_compare.compare_section(settings, arch, data, bool(ss["train.running"]))

save_settings(setup.SPECS)
share_hint()
next_link("pages/train.py")
