"""The training page's "Compare two settings": two runs that differ in one setting, trained
in turn on the server's training slots, their curves overlaid, their final held-out
accuracies, the difference of their confusion matrices, and a PNG report.

The logic is :mod:`convviz.serve.compare`; the two trainers live in
``st.session_state["cmp.run"]`` (a :class:`~convviz.serve.compare.Comparison`), and
``cmp.running`` is the flag Start and Pause flip. A fragment trains one slice per tick, of
the run that is behind, with the same slots, waits and yielding as the page's own training.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from convviz.inside.compare_report import difference_payload, report_cost, report_png
from convviz.nn.augment import MAX_SHIFT
from convviz.serve.compare import (
    DOWNSAMPLING,
    VARIABLES,
    Comparison,
    build_comparison,
    compare_tick,
    confusion_difference,
    curve_rows,
    first_conv_filters,
    paired_settings,
    strided_text,
)
from convviz.serve.session import TICK_SECONDS, TrainSettings
from convviz.ui.boot import foreground
from convviz.ui.downloads import budgeted_download
from convviz.ui.grid_view import grid_view
from convviz.ui.runs import NewRunWatch, timer_fragment
from convviz.ui.train_live import (
    CLICK_SECONDS,
    SLOT_WAIT,
    TICK_EVERY,
    session_id,
    training_slots,
)
from convviz.ui.train_setup import DataInUse, shifts_label

__all__ = ["chart_spec", "compare_section"]

_OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD", "momentum": "SGD with momentum 0.9"}


def chart_spec(metric: str, title: str, labels: tuple[str, str]) -> dict:
    """A Vega-Lite spec: ``metric`` against the epoch, one line per run, its legend naming
    each run by its value (solid the first, dashed the second)."""
    y: dict = {"field": metric, "type": "quantitative", "title": title}
    if metric != "loss":
        y["scale"] = {"domain": [0, 1]}
    series = {"field": "run", "type": "nominal", "sort": list(labels),
              "scale": {"domain": list(labels), "range": ["#2166ac", "#b2182b"]},
              "legend": {"orient": "bottom", "title": None, "labelFontSize": 13,
                         "labelLimit": 400}}
    return {
        "transform": [{"filter": f"isValid(datum['{metric}'])"}],
        "mark": {"type": "line", "strokeWidth": 2.5, "point": True},
        "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch"},
                     "y": y, "color": series,
                     "strokeDash": {**series, "scale": {"domain": list(labels),
                                                        "range": [[1, 0], [6, 3]]}}},
    }


def _stop() -> None:
    st.session_state["cmp.running"] = False
    training_slots().checkout(session_id())


def _ask() -> None:
    st.session_state["cmp.asked"] = True


def _resume() -> None:
    st.session_state["cmp.running"] = True


def _values(variable: str, arch: str, running: bool) -> tuple:
    """The two values' inputs for ``variable``; returns the values."""
    a, b = st.columns(2)
    if variable == "lr":
        return (a.number_input("First learning rate", 1e-5, 1.0, 0.002, format="%g",
                               key="cmp.lr_a", disabled=running),
                b.number_input("Second learning rate", 1e-5, 1.0, 0.02, format="%g",
                               key="cmp.lr_b", disabled=running))
    if variable == "optimizer":
        names = list(_OPTIMIZER_NAMES)
        return (a.selectbox("First optimizer", names, 0, format_func=_OPTIMIZER_NAMES.get,
                            key="cmp.opt_a", disabled=running),
                b.selectbox("Second optimizer", names, 1, format_func=_OPTIMIZER_NAMES.get,
                            key="cmp.opt_b", disabled=running))
    if variable == "filters":
        n = first_conv_filters(arch)
        return (a.number_input("First run: filters", 1, 64, n, key="cmp.f_a",
                               disabled=running),
                b.number_input("Second run: filters", 1, 64, min(64, 2 * n), key="cmp.f_b",
                               disabled=running))
    if variable == "augment":
        return (a.number_input("First run: shift up to (pixels)", 0, MAX_SHIFT, 0,
                               key="cmp.aug_a", disabled=running,
                               help="0: the training images as they are"),
                b.number_input("Second run: shift up to (pixels)", 0, MAX_SHIFT, 2,
                               key="cmp.aug_b", disabled=running,
                               help="Each training image moves by its own random whole-pixel "
                               "shift, up to this many pixels each way, zeros shifted in: "
                               "a new shift at every step."))
    a.markdown(f"**Pooling**: `{arch}`")
    try:
        b.markdown(f"**Strided convolution**: `{strided_text(arch)}`")
    except ValueError:
        b.caption("This architecture has no pooling right after a convolution to replace.")
    return DOWNSAMPLING


def _live(tick: bool) -> None:
    ss = st.session_state
    comp: Comparison | None = ss.get("cmp.run")
    if comp is None:
        return
    if ss.get("cmp.running"):
        with NewRunWatch() as clicked:
            i, done = compare_tick(comp, training_slots(), wait=SLOT_WAIT,
                                   max_seconds=TICK_SECONDS if tick else CLICK_SECONDS,
                                   foreground=foreground(), stop=clicked, who=session_id())
        if done.status == "waiting":
            st.info("Waiting for a training slot: other people are training on this server "
                    "right now.", icon=":material/hourglass_top:")
        if comp.done:
            _stop()
            st.rerun()
    a_t, b_t = comp.trainers
    labels = comp.pair.labels
    st.progress(comp.progress, text=f"“{labels[0]}”: step {a_t.step:,} of "
                f"{a_t.total_steps:,} · “{labels[1]}”: step {b_t.step:,} of "
                f"{b_t.total_steps:,}")
    rows = curve_rows(comp)
    if not rows:
        st.caption("The two runs' curves appear here once they start.")
        return
    df = pd.DataFrame(rows)
    left, right = st.columns(2)
    with left:
        st.markdown("**Loss** (lower is better)")
        st.vega_lite_chart(df, chart_spec("loss", "loss", labels), width="stretch",
                           height=240)
    with right:
        st.markdown("**Held-out accuracy** (higher is better)")
        st.vega_lite_chart(df, chart_spec("held-out accuracy", "accuracy", labels),
                           width="stretch", height=240)
    if ss.get("cmp.running"):
        return
    _results(comp, rows)


def _results(comp: Comparison, rows: list[dict]) -> None:
    """Final accuracies, the confusion difference and the report (not while training)."""
    ds = comp.trainers[0].dataset
    if not ds.n_test:
        st.caption("This data set has no held-out images: no accuracies to compare.")
        return
    labels = comp.pair.labels
    accs = tuple(t.evaluate()[0] for t in comp.trainers)
    done = comp.done
    cols = st.columns(2)
    for col, label, acc, t in zip(cols, labels, accs, comp.trainers, strict=True):
        col.metric(f"{'Final' if done else 'So far'}: held-out accuracy, {label}", f"{acc:.1%}",
                   help=f"On all {ds.n_test:,} test images, after {t.step:,} steps.")
    diff = confusion_difference(comp)
    grid_view(difference_payload(diff, ds.class_names, labels), key="cmp.diff")
    notes = ["Both runs: the same seed and the same batches in the same order;",
             "the same initial weights." if comp.same_init else
             "different initial weights (the two models' weights differ in shape)."]
    st.caption(" ".join(notes))
    title = f"{VARIABLES[comp.pair.variable].capitalize()}: {labels[0]} against {labels[1]}"
    budgeted_download(
        "Download the comparison report (PNG)", key="cmp.report", file_name="comparison.png",
        mime="image/png", icon=":material/download:", plan=report_cost(ds.n_classes),
        make=lambda: report_png(rows, labels, accs, diff, ds.class_names, title=title,
                                notes=notes))


def compare_section(settings: TrainSettings, arch: str | None, data: DataInUse,
                    main_running: bool) -> None:
    """Draw "Compare two settings" for the page's settings and architecture.

    Parameters
    ----------
    settings : TrainSettings
        The page's training settings (both runs share all but the varied one).
    arch : str or None
        The page's architecture text (None: the table makes no model).
    data : DataInUse
        The page's data set (:func:`convviz.ui.train_setup.choose_data`).
    main_running : bool
        The page's own training runs: the comparison pauses meanwhile.
    """
    ss = st.session_state
    st.header("4. Compare two settings")
    st.markdown(
        "Train **two networks that differ in one setting** and see what that setting does. "
        "Both start from the same seed (and the same initial weights when their weights "
        "have the same shapes), and both see the same batches of training images in the "
        "same order (with augmentation, each of those images shifted by a few pixels), so "
        "any difference comes from the setting. They train in turn on this server's "
        "training slot, one slice each.")
    comp: Comparison | None = ss.get("cmp.run")
    if main_running and ss.get("cmp.running"):
        _stop()
    running = bool(ss.get("cmp.running")) and comp is not None
    if arch is None:
        st.caption("Fix the architecture above to compare two settings.")
        return
    variable = st.selectbox("The setting to vary", list(VARIABLES), format_func=VARIABLES.get,
                            key="cmp.var", disabled=running)
    values = _values(variable, arch, running)
    a, b, c = st.columns([1, 1, 3], vertical_alignment="center")
    start = bool(ss.pop("cmp.asked", False)) and not running
    if running:
        a.button("Pause", key="cmp.pause", icon=":material/pause:", type="primary",
                 width="stretch", on_click=_stop)
    else:
        # a callback, not the click's return value: the page may rerun before it reads it
        a.button("Compare", key="cmp.start", icon=":material/compare_arrows:",
                 type="primary", width="stretch", disabled=main_running, on_click=_ask)
        if comp is not None and comp.trainers[0].step and not comp.done:
            b.button("Resume", key="cmp.resume", icon=":material/play_arrow:",
                     width="stretch", disabled=main_running, on_click=_resume)
    if main_running:
        c.caption("Pause the training above to run a comparison.")
    else:
        shifts = ("" if variable == "augment" else
                  f", random shifts ({shifts_label(settings.augment)})")
        c.caption(f"Same data, architecture, batch size ({settings.batch_size}), epochs "
                  f"({settings.epochs}){shifts} and seed ({settings.seed}) as above. Compare "
                  "starts two new runs.")
    if start:
        try:
            pair = paired_settings(dataclasses.replace(settings, arch_text=arch), variable,
                                   values)
            comp = build_comparison(pair, data.dataset)
        except (ValueError, TypeError) as exc:
            st.error(f"Cannot compare these: {exc}.")
        else:
            ss["cmp.run"], ss["cmp.running"], ss["cmp.data"] = comp, True, data.token
            st.rerun()  # drawn again running: Pause, the choices locked, the timer on
    if comp is not None and ss.get("cmp.data") != data.token and not running:
        st.caption("These runs trained on another data set than the one chosen above.")
    timer_fragment(_live, run_every=TICK_EVERY if running else None)()
