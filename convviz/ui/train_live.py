"""Live training on the training page: Start / Pause / Resume / Reset and a fragment that
trains a slice per tick and redraws the progress, curves, filters and feature maps.

The model and its history live in the session's :class:`~convviz.nn.train.Trainer`
(``st.session_state["train.trainer"]``); ``train.running`` is the flag the buttons flip.
The buttons sit outside the fragment, so a click starts a full run, which turns the
fragment's timer on or off. Only the training slots are shared by all sessions: they
give turns, and count the trainings so that each page can say how many share the server.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from convviz.draw import render
from convviz.inside.inspect import (
    feature_maps_grid,
    filters_payload,
    rgb_filters_picture,
    vector_payload,
)
from convviz.inside.predictions import probabilities
from convviz.nn.model_files import conv_layers
from convviz.nn.train import Trainer
from convviz.serve.session import TICK_SECONDS, history_columns, max_trainings, training_tick
from convviz.serve.slots import Slots
from convviz.ui.boot import foreground
from convviz.ui.grid_view import grid_view
from convviz.ui.runs import NewRunWatch, session_key, timer_fragment
from convviz.ui.train_setup import restore_settings

TICK_EVERY = 2.0  # seconds between fragment runs while training
FILTERS_SHOWN = 16  # the first layer's filters shown as numbers (the first 16 of more)
# Seconds a tick waits for a free slot: when more people train than there are slots, they
# take turns, and each tick trains (and redraws something new) once per turn. A click on
# Pause ends the wait at once (a convviz.ui.runs.NewRunWatch is the tick's stop).
SLOT_WAIT = 10.0
# Compute seconds a tick trains in a full run of the page (Start's click, a new held-out
# sample): that run answers a click, so it trains a short slice and the timer's ticks
# train full ones (TICK_SECONDS). The same for every session, so turns stay fair.
CLICK_SECONDS = 0.05


@st.cache_resource
def training_slots() -> Slots:
    """The server's training slots, shared by every session (taken in turn)."""
    return Slots(max_trainings())


def session_id() -> str:
    """This session's id: who checks in to the training slots."""
    return session_key()


def sharing_note(others: int, size: int) -> str | None:
    """What a training page says when ``others`` other trainings share ``size`` slots.

    Examples
    --------
    >>> sharing_note(0, 1) is None
    True
    >>> sharing_note(2, 1)[:44]
    'Sharing the server with 2 other trainings: t'
    """
    if others <= 0:
        return None
    head = f"Sharing the server with {others} other training{'s' if others != 1 else ''}: "
    if others + 1 > size:
        return head + (f"the server trains {size} at a time, so you take turns, and each "
                       "goes slower than alone.")
    return head + "each has a slot of its own, and all of them share the server's cores."


def _stop_training() -> None:
    """Not training any more (Pause, Reset, the end): this session counts no more."""
    st.session_state["train.running"] = False
    training_slots().checkout(session_id())


def _start() -> None:
    ss = st.session_state
    record = ss.get("train.record")
    if ss.get("train.stale") and record is not None:
        restore_settings(record)  # it trains this model: the page shows its settings
    ss["train.running"] = True


def _pause() -> None:
    _stop_training()


def _reset() -> None:
    ss = st.session_state
    _stop_training()
    trainer = ss.get("train.trainer")
    if ss.get("train.stale") or trainer is None:
        ss["train.trainer"] = None  # the page builds a new one from the settings
    else:
        trainer.reset()


def controls(trainer: Trainer | None, stale: bool, problem: str | None = None) -> None:
    """Start (or Pause, or Resume) and Reset, with a line on the state of the run.

    ``problem`` says why the settings cannot make a model (an architecture that does not
    fit the data, say): Start, Resume and Reset are then off, and the reason is shown
    beside them. Resume (or Start) with settings changed since the model was built puts
    its settings back on the page: what trains is what the page shows.
    """
    ss = st.session_state
    running = bool(ss.get("train.running")) and trainer is not None
    blocked = problem is not None and not running
    a, b, c = st.columns([1, 1, 3], vertical_alignment="center")
    if running:
        a.button("Pause", icon=":material/pause:", key="train.pause", type="primary",
                 width="stretch", on_click=_pause)
        label = "Pause"
    elif trainer is None or trainer.step == 0:
        a.button("Start", icon=":material/play_arrow:", key="train.start", type="primary",
                 width="stretch", on_click=_start, disabled=trainer is None or blocked)
        label = "Start"
    else:
        a.button("Resume", icon=":material/play_arrow:", key="train.resume", type="primary",
                 width="stretch", on_click=_start, disabled=trainer.done or blocked)
        label = "Resume"
    b.button("Reset", icon=":material/replay:", key="train.reset", width="stretch",
             on_click=_reset, help="Start over with the settings above: fresh initial "
             "weights, an empty history.",
             disabled=(trainer is None and not stale) or blocked)
    if blocked:
        c.warning(f"**{label} and Reset are off** until the settings can make a model: "
                  f"{problem}.", icon=":material/block:")
    elif trainer is None:
        c.caption("Fix the settings above to build a model.")
    elif trainer.diverged:
        c.error("Training diverged: the loss became infinite. Lower the learning rate and "
                "press Reset.")
    elif trainer.done:
        n = trainer.config.epochs
        c.success(f"Finished: {n} epoch{'s' if n != 1 else ''}, {trainer.step:,} steps. To "
                  "train longer, raise Epochs and press Reset (it starts over).",
                  icon=":material/check_circle:")
    elif running:
        c.caption(f"Training: every {TICK_EVERY:g} s, a slice of about {TICK_SECONDS:g} s "
                  "(shorter while other people's pages run on this server), then everything "
                  "is redrawn. When more people train than the server has room for, they "
                  "take turns.")
    elif trainer.step:
        c.caption(f"Paused after {trainer.step:,} steps.")
    if stale and trainer is not None and trainer.step and not blocked:
        st.warning("The settings changed since this model was built. **Reset** starts a new "
                   "model with them; **Resume** goes on with this one and puts its settings "
                   "back.", icon=":material/tune:")


def _metric_row(trainer: Trainer) -> None:
    last = trainer.history[-1] if trainer.history else None
    cols = st.columns(4)
    acc = None if last is None or last.test_acc is None else f"{last.test_acc:.1%}"
    cols[0].metric("Held-out accuracy", acc or "–", help="On test images the network never "
                   "trains on (up to 512 of them, the same ones every time).")
    cols[1].metric("Train accuracy", "–" if last is None else f"{last.train_acc:.1%}",
                   help="On the training batches of the last update, before each step.")
    cols[2].metric("Loss", "–" if last is None else f"{last.loss:.3f}",
                   help="Mean cross-entropy of the last update's training batches.")
    cols[3].metric("Examples per second", "–" if last is None
                   else f"{last.examples_per_sec:,.0f}")


def _chart_spec(fields: list[str], title: str, unit_range: bool) -> dict:
    """A Vega-Lite line chart of ``fields`` against the epoch (no Altair: cheap per tick)."""
    y = {"field": "value", "type": "quantitative", "title": title}
    if unit_range:
        y["scale"] = {"domain": [0, 1]}
    return {
        "transform": [{"fold": fields, "as": ["curve", "value"]},
                      {"filter": "isValid(datum.value)"}],
        "mark": {"type": "line"},
        "encoding": {
            "x": {"field": "epoch", "type": "quantitative", "title": "epoch"},
            "y": y,
            # no legend (it squeezes the plot): the caption names the solid and dashed lines
            "color": {"field": "curve", "type": "nominal", "sort": fields, "legend": None},
            "strokeDash": {"field": "curve", "type": "nominal", "sort": fields,
                           "legend": None},
        },
    }


def _curves(trainer: Trainer) -> None:
    if not trainer.history:
        st.caption("The loss and accuracy curves appear here once training starts.")
        return
    df = pd.DataFrame(history_columns(trainer.history))
    a, b = st.columns(2)
    with a:
        st.markdown("**Loss** (lower is better)")
        st.vega_lite_chart(df, _chart_spec(["loss"], "loss", False), width="stretch",
                           height=220)
    with b:
        st.markdown("**Accuracy** (higher is better)")
        st.vega_lite_chart(df, _chart_spec(["train accuracy", "held-out accuracy"],
                                           "accuracy", True), width="stretch", height=220)
        st.caption("Solid, dark: train accuracy (on the batches it learns from). Dashed, "
                   "light: held-out accuracy (on images it never trains on).")


def _inside(trainer: Trainer, sample: int) -> None:
    """The first layer's filters (their weights as numbers), the sample with the network's
    answer, and every layer's output for it. Numbers go to the browser's grid view; the
    feature maps stay pictures, one a row at their own size (never scaled down, so their
    labels keep 12 px or more)."""
    model, ds = trainer.model, trainer.dataset
    if not ds.n_test:
        st.caption("This data set has no held-out images to look inside the network with.")
        return
    x = ds.x_test[sample]
    convs = conv_layers(model)
    if convs:
        w = model.layers[convs[0]].params["weight"]
        st.markdown(f"**The first layer's {w.shape[3]} learned filters** "
                    f"({w.shape[0]}x{w.shape[1]}, {w.shape[2]} channel"
                    f"{'s' if w.shape[2] > 1 else ''}; blue negative, red positive)")
        if w.shape[2] == 3:  # colour filters: a picture each, as the filter sees colour
            st.image(rgb_filters_picture(w), width="content")  # never scaled down
        else:
            grid_view(filters_payload(w, max_filters=FILTERS_SHOWN), key="train.filters")
    else:
        st.caption("This architecture has no convolution: no filters to show.")
    left, right = st.columns([1, 2], gap="large", vertical_alignment="center")
    p = probabilities(model, x)
    best = int(np.argmax(p))
    img = render.upscale(render.to_rgb(x), max(1, 160 // max(x.shape[:2])))
    left.image(img, caption=f"Held-out sample {sample + 1}: a "
               f"“{ds.class_names[int(ds.y_test[sample])]}”")
    right.metric("The network says", ds.class_names[best], f"{p[best]:.0%} sure",
                 delta_color="off", delta_arrow="off")
    with st.expander("Every layer's feature maps for this sample", expanded=True,
                     icon=":material/layers:"):
        for k, (name, out) in enumerate(model.activations(x)):
            caption = f"{k + 1}. {name}: output {tuple(out.shape)}"
            if out.ndim == 3:
                st.image(feature_maps_grid(out, max_maps=16, tile=56), caption=caption)
            else:  # a vector: its numbers (hidden, and read on hover, when there are many)
                grid_view(vector_payload(out, title=caption), key=f"train.vec.{k}")


def _redraw_after_pause(tick: bool) -> None:
    """A timer tick (``tick``) sent just before Pause reached the server: drawing a
    fragment alone could leave the images and the download button outside it pointing at
    media files this run discards. Redraw the whole page instead (the timers are off)."""
    if not st.session_state.get("train.running") and tick:
        st.rerun()


def live_view(sample: int) -> None:
    """The fragment: train one slice per tick while running, then redraw it all.

    A tick every ``TICK_EVERY`` seconds, training for about half of it: a redraw costs the
    browser a good part of a redraw of the whole page (0.1-0.4 s of CPU in Chromium),
    whatever changed, so fewer and fuller ticks keep a classroom's laptops, and a server's
    other users, responsive.
    """
    ss = st.session_state
    running = bool(ss.get("train.running"))

    def _live(tick: bool) -> None:
        trainer: Trainer | None = ss.get("train.trainer")
        if trainer is None:
            return
        with st.container(key="train-live"):  # assets/app.css: not dimmed at every tick
            _draw(trainer, tick)

    def _draw(trainer: Trainer, tick: bool) -> None:
        _redraw_after_pause(tick)
        if ss.get("train.running"):
            slots, me = training_slots(), session_id()
            # A click (Pause, leaving the page) ends the tick at once, even in its wait for
            # a slot; the run then ends, once the slice is recorded and the slot free.
            with NewRunWatch() as clicked:
                done = training_tick(trainer, slots, wait=SLOT_WAIT,
                                     max_seconds=TICK_SECONDS if tick else CLICK_SECONDS,
                                     foreground=foreground(), stop=clicked, who=me)
            if done.status == "waiting":
                st.info("Waiting for a training slot: other people are training on this "
                        "server right now. Training goes on as soon as a slot is free.",
                        icon=":material/hourglass_top:")
            if trainer.done:
                _stop_training()
                st.rerun()  # a full run redraws the buttons and stops the timer
            note = sharing_note(slots.others(me), slots.size)
            if note:
                st.caption(f":material/group: {note}")
        st.progress(trainer.progress, text=f"Step {trainer.step:,} of {trainer.total_steps:,}"
                    f" · epoch {trainer.epoch:.1f} of {trainer.config.epochs}")
        _metric_row(trainer)
        _curves(trainer)
        _inside(trainer, max(0, min(sample, trainer.dataset.n_test - 1)))

    timer_fragment(_live, run_every=TICK_EVERY if running else None)()
