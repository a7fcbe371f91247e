"""AppTest runs of the training page's setup (convviz/ui/train_setup.py): the "Random shifts
(augmentation)" control, its default, its value in the run that starts, in the link and
across pages, and its check against the images' size."""

from __future__ import annotations

import io

import numpy as np
from apptest import open_page
from streamlit.testing.v1 import AppTest

import convviz.nn.train as train_module
from convviz.nn.augment import MAX_SHIFT

PAGE = "pages/train.py"
TINY = "C4k3:relu;M2;F;D10"
KEY = "train.augment"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _run(**params: str) -> AppTest:
    at = open_page(PAGE, {"train.arch": TINY, **params})
    _ok(at)
    return at


def _control(at: AppTest):
    (found,) = [w for w in at.select_slider if w.key == KEY]
    return found


def test_the_shifts_control_sits_with_the_knobs_and_is_off_by_default():
    at = _run()
    control = _control(at)
    assert control.label == "Random shifts (augmentation)"
    assert control.value == 0 and list(control.options) == ["off"] + [
        f"up to {n} px" for n in range(1, MAX_SHIFT + 1)]
    assert "own random whole-pixel shift" in control.help and "black (0)" in control.help
    assert "held-out images are never shifted" in control.help
    assert "up or down and, drawn separately, left or right" in control.help
    trainer = at.session_state["train.trainer"]
    assert trainer.config.augment == 0
    assert at.query_params[KEY] == "0"


def test_a_run_started_with_shifts_2_trains_with_them(monkeypatch):
    calls = []
    real = train_module.shift_batch

    def spy(xb, rng, max_shift):
        calls.append(max_shift)
        return real(xb, rng, max_shift)

    monkeypatch.setattr(train_module, "shift_batch", spy)
    at = _run()
    _control(at).set_value(2).run()
    _ok(at)
    assert at.session_state["train.trainer"].config.augment == 2  # rebuilt, untrained
    at.button(key="train.start").click().run()
    _ok(at)
    trainer = at.session_state["train.trainer"]
    assert trainer.step > 0 and trainer.config.augment == 2
    assert calls and set(calls) == {2}  # every step's batch was shifted by up to 2 px
    assert at.query_params[KEY] == "2"
    assert _control(at).disabled  # frozen while it trains, as the other knobs
    at.button(key="train.pause").click().run()
    # changed after training: the model keeps its shifts until Reset, and says so
    _control(at).set_value(0).run()
    _ok(at)
    assert at.session_state["train.trainer"].config.augment == 2
    assert any("settings changed" in w.value for w in at.warning)
    at.button(key="train.reset").click().run()
    _ok(at)
    assert at.session_state["train.trainer"].config.augment == 0


def test_resume_puts_the_runs_shifts_back():
    at = _run()
    _control(at).set_value(3).run()
    at.button(key="train.start").click().run()
    at.button(key="train.pause").click().run()
    _control(at).set_value(1).run()
    at.button(key="train.resume").click().run()
    _ok(at)
    assert _control(at).value == 3
    assert at.session_state["train.trainer"].config.augment == 3


def test_the_link_sets_the_shifts_and_a_bad_value_is_said():
    assert _control(_run(**{KEY: "3"})).value == 3
    at = _run(**{KEY: "9"})
    assert _control(at).value == 0
    assert any(f"`{KEY}=9` was ignored" in w.value for w in at.warning)


def test_the_shifts_are_kept_on_another_page_and_back():
    at = _run()
    _control(at).set_value(2).run()
    at.switch_page("pages/pooling.py").run()
    _ok(at)
    at.switch_page(PAGE).run()
    _ok(at)
    assert _control(at).value == 2


def test_shifts_too_large_for_small_images_are_refused_in_words():
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(buf, x_train=rng.integers(0, 256, (40, 12, 12), dtype=np.uint8),
             y_train=np.arange(40) % 4, x_test=rng.integers(0, 256, (8, 12, 12), dtype=np.uint8),
             y_test=np.arange(8) % 4)
    at = _run(**{"train.data": "mnist_files", KEY: "4"})
    at.file_uploader(key="train.mnist").set_value([("mnist.npz", buf.getvalue(),
                                                    "application/octet-stream")])
    at.run()
    _ok(at)
    assert any("at most 3 pixels for 12x12 images" in e.value for e in at.error)
    assert at.button(key="train.start").disabled
    _control(at).set_value(3).run()
    _ok(at)
    assert not at.error
    trainer = at.session_state["train.trainer"]
    assert trainer.model.input_shape == (12, 12, 1) and trainer.config.augment == 3


def _compare_caption(at: AppTest) -> str:
    (caption,) = [c.value for c in at.caption if "Compare starts" in c.value]
    return caption


def test_compare_says_both_runs_keep_the_pages_shifts():
    at = _run(**{KEY: "2"})
    assert "epochs (20), random shifts (up to 2 px) and seed (0) as above" in _compare_caption(at)
    assert "random shifts (off)" in _compare_caption(_run())
    at.selectbox(key="cmp.var").set_value("augment").run()  # then the two runs' own shifts
    assert "random shifts" not in _compare_caption(at)
