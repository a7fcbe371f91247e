"""AppTest runs of the training page's *Whole network* tab: on a freshly trained and on a
loaded model, the columns sent are the model's, a click in the browser (the component's
state) picks the unit the widgets then show, and the unit's numbers are the engine's."""

from __future__ import annotations

import json

import numpy as np
from apptest import open_page
from streamlit.testing.v1 import AppTest

from convviz.draw.numbers import format_value
from convviz.inside.network_view import unit_computation
from convviz.nn.model_files import model_bytes
from convviz.nn.presets import model_from_preset

PAGE = "pages/train.py"
TINY = "C4k3:relu;M2;F;D10"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _sent(at: AppTest) -> dict[str, dict]:
    """What each browser component of the last run was sent, by key."""
    return {e.proto.id.split("-", 2)[-1]: json.loads(e.proto.json)
            for e in at.get("bidi_component")}


def _tab(at: AppTest) -> AppTest:
    at.session_state["train.tab"] = "Whole network"
    return at.run()


def _trained() -> AppTest:
    at = open_page(PAGE, {"train.arch": TINY})
    at.button(key="train.start").click().run()
    at.button(key="train.pause").click().run()
    return _tab(at)


def _unit_lines(at: AppTest) -> list[str]:
    return _sent(at)["train.nv_grid"]["steps"]["lines"][0]


def test_the_tab_sends_every_column_and_the_default_units_numbers():
    at = _trained()
    _ok(at)
    trainer = at.session_state["train.trainer"]
    model, ds = trainer.model, trainer.dataset
    net = _sent(at)["train.nv_net"]
    names = [c["name"] for c in net["columns"]]
    assert names == ["input", *[layer.name for layer in model.layers], "softmax"]
    assert [r["label"] for r in net["columns"][-1]["rows"]] == list(ds.class_names)
    # the middle of the first layer's first map, as the widgets say
    assert net["picked"] == {"column": 1, "position": [7, 7, 0]}
    assert at.session_state["train.nv_row"] == at.session_state["train.nv_cell"] == 8
    u = unit_computation(model, ds.x_test[0], 0, (7, 7, 0))
    assert _unit_lines(at)[-1] == f"conv2d_1 computes {format_value(u.output, digits=4)}"
    assert any(m.value.startswith("**conv2d_1, map 1, row 8, column 8** reads a 3×3 window")
               for m in at.markdown)


def test_a_click_in_the_browser_picks_the_unit_and_keeps_the_columns():
    at = _trained()
    token = _sent(at)["train.nv_net"]["token"]
    at.session_state["train.nv_net"] = {"unit": {"column": 3, "position": [2, 5, 3], "seq": 1}}
    at.run()
    _ok(at)
    ss = at.session_state
    assert (ss["train.nv_col"], ss["train.nv_row"], ss["train.nv_cell"], ss["train.nv_map"]) \
        == (3, 3, 6, 4)
    net = _sent(at)["train.nv_net"]
    assert net["picked"] == {"column": 3, "position": [2, 5, 3]} and net["token"] == token
    trainer = ss["train.trainer"]
    u = unit_computation(trainer.model, trainer.dataset.x_test[0], 2, (2, 5, 3))
    assert _unit_lines(at)[0] == (f"the largest of the 4 numbers in the window = "
                                  f"{format_value(u.output, digits=4)}")
    # the same click heard again changes nothing: the widgets may move on
    ss["train.nv_row"] = 1
    at.run()
    assert at.session_state["train.nv_row"] == 1
    # a malformed report is ignored
    at.session_state["train.nv_net"] = {"unit": {"column": 99, "position": [0], "seq": 2}}
    at.run()
    _ok(at)
    assert at.session_state["train.nv_col"] == 3


def test_the_softmax_is_picked_by_class_name():
    at = _trained()
    n = len(at.session_state["train.trainer"].model.layers)
    at.session_state["train.nv_col"] = n + 1
    at.run()
    at.selectbox(key="train.nv_num").set_value(4).run()
    _ok(at)
    trainer = at.session_state["train.trainer"]
    u = unit_computation(trainer.model, trainer.dataset.x_test[0], n, (3,))
    assert _unit_lines(at)[-1] == f"softmax gives {u.output:.2%}"
    assert any(m.value.startswith("**softmax, class “3”**") for m in at.markdown)


def test_a_loaded_model_and_another_sample():
    model = model_from_preset("tiny", (16, 16, 1), 10, seed=5)
    at = open_page(PAGE, {"train.arch": TINY})
    at.session_state["train.tab"] = "Save or load"
    at.run()
    at.file_uploader(key="train.model_file").set_value(("m.npz", model_bytes(model),
                                                        "application/octet-stream"))
    at.run()
    at = _tab(at)
    at.number_input(key="train.sample").set_value(5).run()
    _ok(at)
    loaded = at.session_state["train.trainer"]
    np.testing.assert_array_equal(loaded.model.layers[0].params["weight"],
                                  model.layers[0].params["weight"])
    net = _sent(at)["train.nv_net"]
    assert [c["name"] for c in net["columns"]][1:-1] == [layer.name for layer in model.layers]
    u = unit_computation(model, loaded.dataset.x_test[4], 0, (7, 7, 0))
    assert _unit_lines(at)[-1] == f"conv2d_1 computes {format_value(u.output, digits=4)}"
    assert any("Held-out sample 5" in m.value for m in at.markdown)
