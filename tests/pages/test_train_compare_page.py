"""AppTest runs of the training page's "Compare two settings": set up a comparison, train
both runs with the pure tick (AppTest ticks no fragment timer), and see both curves, the
final accuracies, the confusion difference and the report."""

from __future__ import annotations

import json

import numpy as np
from apptest import open_page
from streamlit.testing.v1 import AppTest

from convviz.serve.compare import compare_tick, confusion_difference
from convviz.serve.slots import Slots

PAGE = "pages/train.py"
TINY = "C4k3:relu;M2;F;D10"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _sent(at: AppTest) -> dict[str, dict]:
    return {e.proto.id.split("-", 2)[-1]: json.loads(e.proto.json)
            for e in at.get("bidi_component")}


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _compare(variable: str) -> AppTest:
    at = open_page(PAGE, {"train.arch": TINY, "train.epochs": "1"})
    _ok(at)
    at.selectbox(key="cmp.var").set_value(variable).run()
    at.button(key="cmp.start").click().run()
    _ok(at)
    return at


def test_a_comparison_trains_both_runs_in_turn_and_shows_curves_and_difference():
    at = _compare("lr")
    comp = at.session_state["cmp.run"]
    assert at.session_state["cmp.running"]
    assert comp.pair.labels == ("learning rate 0.002", "learning rate 0.02")
    assert comp.trainers[0].step > 0  # the click's own run trained a first slice
    slots = Slots(1)
    while not comp.done:
        compare_tick(comp, slots, max_seconds=0.2)
    at.run()
    _ok(at)
    assert not at.session_state["cmp.running"]
    specs = [s for s in _charts(at) if "run" in json.dumps(s)]
    assert len(specs) == 2  # loss and held-out accuracy, one series per run
    assert all(s["encoding"]["color"]["sort"] == list(comp.pair.labels) for s in specs)
    ds = comp.trainers[0].dataset
    payload = _sent(at)["cmp.diff"]
    diff = confusion_difference(comp)
    assert payload["panels"][0]["text"][0] == (f"{diff[0, 0]:+d}" if diff[0, 0] else "0")
    assert len(payload["panels"][0]["text"]) == ds.n_classes ** 2
    metrics = {m.label: m.value for m in at.metric}
    acc = comp.trainers[1].evaluate()[0]
    assert metrics["Final: held-out accuracy, learning rate 0.02"] == f"{acc:.1%}"
    assert [b for b in at.get("download_button") if "cmp.report" in b.proto.id]


def test_filter_counts_give_two_models_of_different_widths():
    at = _compare("filters")
    comp = at.session_state["cmp.run"]
    assert [t.model.layers[0].params["weight"].shape[3] for t in comp.trainers] == [4, 8]
    assert not comp.same_init
    at.button(key="cmp.pause").click().run()
    _ok(at)
    assert not at.session_state["cmp.running"]
    assert "cmp.diff" in _sent(at)  # paused: results so far
    assert any(m.label.startswith("So far") for m in at.metric)


def test_the_downsampling_comparison_folds_pools_into_strides():
    at = _compare("downsampling")
    comp = at.session_state["cmp.run"]
    assert [s.arch_text for s in comp.pair.settings] == [TINY, "C4k3s2:relu;F;D10"]
    assert comp.same_init
    comp.reset()  # both back to their initial weights: the same ones
    np.testing.assert_array_equal(*(t.model.layers[0].params["weight"]
                                    for t in comp.trainers))


def test_the_augmentation_comparison_shifts_the_second_runs_images():
    at = _compare("augment")
    comp = at.session_state["cmp.run"]
    assert [s.augment for s in comp.pair.settings] == [0, 2]
    assert comp.pair.labels == ("no augmentation", "shifts up to 2 px")
    assert [t.config.augment for t in comp.trainers] == [0, 2]
    intro = next(m.value for m in at.markdown if "differ in one setting" in m.value)
    assert "augmentation is not offered" not in intro and "shifted by a few pixels" in intro
