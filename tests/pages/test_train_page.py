"""AppTest runs of pages/train.py: the default model, training slices (each full run of a
running page trains one slice: AppTest does not tick fragments), Pause, Reset, the data
choice and uploads, saving and loading a model, the tabs and the step-by-step link."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile

import numpy as np
import pytest
from apptest import open_page
from PIL import Image
from streamlit.testing.v1 import AppTest

from convviz.draw.numbers import format_value
from convviz.inside.predictions import probabilities
from convviz.inside.user_images import fit_drawing
from convviz.nn.model_files import model_bytes
from convviz.nn.presets import ARCHITECTURES, model_from_preset
from convviz.stack.summary import RELU_WHY
from convviz.ui import train_live
from convviz.ui.train_live import sharing_note, training_slots

PAGE = "pages/train.py"
TINY = "C4k3:relu;M2;F;D10"


def _run(**params: str) -> AppTest:
    return open_page(PAGE, params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _trainer(at: AppTest):
    return at.session_state["train.trainer"]


def _train(at: AppTest, slices: int = 1) -> AppTest:
    """Press Start and let ``slices`` full runs train (one slice each), then Pause."""
    at.button(key="train.start").click().run()
    for _ in range(slices - 1):
        at.run()
    _ok(at)
    return at.button(key="train.pause").click().run()


def _tab(at: AppTest, name: str) -> AppTest:
    at.session_state["train.tab"] = name
    return at.run()


def _png(h: int, w: int, value: int = 255) -> bytes:
    buf = io.BytesIO()
    img = np.zeros((h, w), np.uint8)
    img[h // 4: 3 * h // 4, w // 3: 2 * w // 3] = value
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


def test_default_page_builds_the_default_model():
    at = _run()
    _ok(at)
    assert not at.error and not at.warning
    assert at.title[0].value == "Train a CNN"
    trainer = _trainer(at)
    assert trainer.dataset.name == "Handwritten digits" and trainer.step == 0
    assert at.selectbox(key="train.preset").value == "small"
    assert _metric(at, "Held-out accuracy") == "–"
    assert {b.key for b in at.button} >= {"train.start", "train.reset"}
    assert at.query_params["train.arch"] == ARCHITECTURES["small"].text
    assert at.query_params["train.data"] == "digits"
    assert any("9,930 parameters" in e.label for e in at.expander)


def test_start_trains_slices_and_pause_shows_the_results():
    at = _run(**{"train.arch": TINY})
    at.button(key="train.start").click().run()
    _ok(at)
    assert at.session_state["train.running"] and len(_trainer(at).history) == 1
    assert _metric(at, "Held-out accuracy").endswith("%")
    assert {b.key for b in at.button} >= {"train.pause", "train.reset"}
    at.run().run()
    assert len(_trainer(at).history) == 3 and _trainer(at).step > 0
    assert not at.tabs  # no after-training views while it runs
    at.button(key="train.pause").click().run()
    _ok(at)
    assert not at.session_state["train.running"] and len(_trainer(at).history) == 3
    assert "train.resume" in {b.key for b in at.button}
    assert [t.label for t in at.tabs] == ["Results", "Predict", "Step by step", "Gradients",
                                          "What it looks at", "Whole network",
                                          "Save or load"]
    assert _metric(at, "Accuracy on all held-out images").endswith("%")
    assert len(at.get("image")) > 10  # confusion matrix, mistakes, filters, feature maps


def test_reset_starts_over():
    at = _train(_run(**{"train.arch": TINY}))
    assert _trainer(at).step > 0
    at.button(key="train.reset").click().run()
    _ok(at)
    assert _trainer(at).step == 0 and not _trainer(at).history
    assert "train.start" in {b.key for b in at.button}


def test_switching_to_shapes_builds_a_model_for_them():
    at = _run(**{"train.arch": TINY})
    at.radio(key="train.data").set_value("shapes").run()
    _ok(at)
    trainer = _trainer(at)
    assert trainer.dataset.name == "Shapes" and trainer.model.input_shape == (28, 28, 1)
    assert trainer.model.output_shape == (trainer.dataset.n_classes,)
    assert any("Training on “Shapes”" in c.value for c in at.caption)


def test_settings_changed_after_training_wait_for_reset():
    at = _train(_run(**{"train.arch": TINY}))
    trained = _trainer(at)
    at.radio(key="train.data").set_value("shapes").run()
    _ok(at)
    assert _trainer(at) is trained  # kept until Reset
    assert any("settings changed" in w.value for w in at.warning)
    at.button(key="train.reset").click().run()
    assert _trainer(at).dataset.name == "Shapes" and _trainer(at).step == 0


def test_a_bad_zip_shows_an_error_and_keeps_the_data():
    at = _run(**{"train.arch": TINY})
    at.radio(key="train.data").set_value("images_zip").run()
    assert any("Until a file is uploaded" in i.value for i in at.info)
    at.file_uploader(key="train.zip").set_value(("mine.zip", b"not a zip", "application/zip"))
    at.run()
    _ok(at)
    assert at.error and "keeps the data it had" in at.error[0].value
    assert _trainer(at).dataset.name == "Handwritten digits"


def test_a_good_zip_becomes_the_training_data():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k in range(4):
            zf.writestr(f"data/bright/{k}.png", _png(12, 12, 255))
            zf.writestr(f"data/dim/{k}.png", _png(12, 12, 90))
    at = _run(**{"train.arch": TINY, "train.data": "images_zip"})
    at.file_uploader(key="train.zip").set_value(("mine.zip", buf.getvalue(), "application/zip"))
    at.run()
    _ok(at)
    assert not at.error
    trainer = _trainer(at)
    assert trainer.dataset.class_names == ("bright", "dim")
    assert trainer.model.input_shape == (28, 28, 1) and trainer.model.output_shape == (2,)


def test_a_bad_architecture_is_explained_and_nothing_is_built():
    at = _run(**{"train.arch": "C4k3;M2;M2;M2;M2;F;D10"})
    _ok(at)
    assert any("cannot be trained on this data" in e.value for e in at.error)
    assert "train.trainer" not in at.session_state or _trainer(at) is None
    assert at.button(key="train.start").disabled


def test_url_settings_set_the_trainer():
    at = _run(**{"train.arch": TINY, "train.opt": "sgd", "train.lr": "0.1",
                 "train.batch": "64", "train.epochs": "3", "train.seed": "7"})
    _ok(at)
    config = _trainer(at).config
    assert (config.optimizer, config.lr, config.batch_size, config.epochs, config.seed) == \
        ("sgd", 0.1, 64, 3, 7)
    bad = _run(**{"train.batch": "7"})
    assert any("train.batch=7" in w.value for w in bad.warning)


def test_choosing_an_optimizer_takes_its_learning_rate():
    at = _run(**{"train.arch": TINY})
    at.selectbox(key="train.opt").select("sgd").run()
    assert at.number_input(key="train.lr").value == pytest.approx(0.05)
    assert _trainer(at).config.lr == pytest.approx(0.05)  # not trained yet: rebuilt


def test_waiting_for_a_training_slot(monkeypatch):
    monkeypatch.setattr(train_live, "SLOT_WAIT", 0.05)  # not the server's 10 s wait
    slots = training_slots()
    taken = 0
    while slots.acquire(blocking=False):  # every slot busy elsewhere
        taken += 1
    try:
        at = _run(**{"train.arch": TINY})
        at.button(key="train.start").click().run()
        _ok(at)
        assert any("Waiting for a training slot" in i.value for i in at.info)
        assert _trainer(at).step == 0
    finally:
        for _ in range(taken):
            slots.release()
    at.run()
    assert _trainer(at).step > 0 and not at.info


def test_model_download_and_load_round_trip():
    at = _train(_run(**{"train.arch": TINY}))
    saved = model_bytes(_trainer(at).model)
    weights = _trainer(at).model.layers[0].params["weight"].copy()
    at.button(key="train.reset").click().run()  # back to the initial weights
    assert not np.array_equal(_trainer(at).model.layers[0].params["weight"], weights)
    at = _tab(at, "Save or load")
    assert at.get("download_button")
    at.file_uploader(key="train.model_file").set_value(("m.npz", saved,
                                                        "application/octet-stream"))
    at.run()
    _ok(at)
    np.testing.assert_array_equal(_trainer(at).model.layers[0].params["weight"], weights)
    assert any("loaded from “m.npz”" in c.value for c in at.caption)
    assert not any("settings changed" in w.value for w in at.warning)
    kept = _trainer(at)
    at.file_uploader(key="train.model_file").set_value(("bad.npz", b"damaged",
                                                        "application/octet-stream"))
    at.run()
    assert any("Could not load “bad.npz”" in e.value for e in at.error)
    assert _trainer(at) is kept
    other = model_from_preset("tiny", (28, 28, 1), 10)  # made for 28x28 images
    at.file_uploader(key="train.model_file").set_value(("shapes.npz", model_bytes(other),
                                                        "application/octet-stream"))
    at.run()
    assert any("(28, 28, 1)" in e.value and "kept" in e.value for e in at.error)
    assert _trainer(at) is kept


def test_gradient_view_renders():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Gradients")
    _ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "kernel gradient" in text and "Through max pooling" in text
    assert "One SGD update" in text
    assert any(m.value.startswith("`dW[0, 0] = ") for m in at.markdown)
    sent = _grids(at)
    assert {"train.g_grid", "train.g_route", "train.g_update"} <= set(sent)
    kernel = sent["train.g_grid"]
    assert kernel["n_steps"] == 9 and kernel["step"] == 0
    at.session_state["train.g_grid"] = {"pick": {"step": 4, "seq": 1}}  # the player stopped
    at.run()
    _ok(at)
    assert any(m.value.startswith("`dW[1, 1] = ") for m in at.markdown)
    assert _grids(at)["train.g_grid"]["step"] == 4
    # The numbers sent are the layer's own backward pass, as the caption below says.
    caption = next(c.value for c in at.caption if c.value.startswith("The layer's own"))
    exact = float(re.search(r"dW\[1, 1\] = (\S+) \(", caption).group(1))
    shown = float(kernel["steps"]["value"][4])
    assert shown == pytest.approx(exact, rel=0.05, abs=1e-6)
    assert kernel["steps"]["lines"][4][0] == next(
        m.value for m in at.markdown if m.value.startswith("`dW[1, 1] = "))[1:-1]


def _grids(at: AppTest) -> dict[str, dict]:
    """The grid views of the last run, by key: what each sent to the browser."""
    return {e.proto.id.split("-", 2)[-1]: json.loads(e.proto.json)
            for e in at.get("bidi_component") if e.proto.component_name == "convviz.grid"}


def test_predict_a_sample_and_an_uploaded_image():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Predict")
    _ok(at)
    assert _metric(at, "The network answers") in [str(d) for d in range(10)]
    at.radio(key="train.pred_src").set_value("upload").run()
    at.file_uploader(key="train.pred_img").set_value(("seven.png", _png(40, 30), "image/png"))
    at.run()
    _ok(at)
    assert not at.error
    assert any("as the network sees it" in c for im in at.get("image") for c in im.captions)
    at.file_uploader(key="train.pred_img").set_value(("x.png", b"nope", "image/png")).run()
    assert any("Could not use “x.png”" in e.value for e in at.error)


def _pad_value(cells: np.ndarray) -> dict:
    """What the drawing pad's JavaScript sends: 64x64 bytes, row-major, base64."""
    return {"side": 64, "ink": base64.b64encode(cells.astype(np.uint8).tobytes()).decode()}


def test_predict_a_drawing_from_the_pad():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Predict")
    at.radio(key="train.pred_src").set_value("draw").run()
    _ok(at)
    pads = [e for e in at.main if getattr(e, "key", None) == "train.pred_pad"]
    assert len(pads) == 1 and pads[0].proto.component_name == "convviz.drawpad"
    assert "The network answers" not in [m.label for m in at.metric]  # nothing drawn yet
    assert any("Draw a digit (0 to 9)" in c.value for c in at.caption)
    cells = np.zeros((64, 64))
    cells[10:54, 30:36] = 255  # a "1"
    at.session_state["train.pred_pad"] = {"drawing": _pad_value(cells)}  # a stroke ended
    at.run()
    _ok(at)
    trainer = _trainer(at)
    x = fit_drawing(cells / 255, trainer.model.input_shape, trainer.dataset.x_train)
    best = int(np.argmax(probabilities(trainer.model, x)))
    assert _metric(at, "The network answers") == trainer.dataset.class_names[best]
    assert any("Your drawing as the network sees it" in c for im in at.get("image")
               for c in im.captions)


def test_an_animated_upload_to_predict_says_only_its_first_frame_is_used():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Predict")
    at.radio(key="train.pred_src").set_value("upload").run()
    frames = [Image.new("L", (30, 40), v) for v in (0, 255, 128)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    at.file_uploader(key="train.pred_img").set_value(("anim.gif", buf.getvalue(), "image/gif"))
    at.run()
    _ok(at)
    assert "This GIF is an animation of 3 frames: only its first frame is used." in [
        i.value for i in at.info]


def test_open_a_learned_kernel_step_by_step():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Step by step")
    _ok(at)
    kernel = _trainer(at).model.layers[0].params["weight"][:, :, 0, 0]
    at.button(key="train.sv_open").click().run()
    _ok(at)
    assert at.title[0].value == "Convolution, step by step"
    np.testing.assert_array_equal(at.session_state["conv.k"], np.round(kernel.astype(float), 2))
    assert at.session_state["conv.kname"] == "custom"
    menu = at.selectbox(key="conv.preset")  # the input is named as what it is
    assert menu.value == "given"
    label = menu.options[-1]
    assert re.fullmatch(r"a \d+x\d+ patch of held-out sample \d+ \(a “\d”\)", label), label


def test_training_stops_by_itself_at_the_end():
    at = _run(**{"train.arch": TINY, "train.epochs": "1", "train.batch": "256"})
    at.button(key="train.start").click().run()
    for _ in range(20):
        if not at.session_state["train.running"]:
            break
        at.run()
    _ok(at)
    trainer = _trainer(at)
    assert trainer.done and trainer.step == trainer.total_steps
    assert not at.session_state["train.running"]
    assert at.button(key="train.resume").disabled
    assert any(s.value.startswith("Finished: 1 epoch,") for s in at.success)
    assert at.tabs  # the results are there


def test_mnist_files_upload():
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(buf, x_train=rng.integers(0, 256, (40, 12, 12), dtype=np.uint8),
             y_train=np.arange(40) % 4, x_test=rng.integers(0, 256, (8, 12, 12), dtype=np.uint8),
             y_test=np.arange(8) % 4)
    at = _run(**{"train.arch": TINY, "train.data": "mnist_files"})
    at.file_uploader(key="train.mnist").set_value([("mnist.npz", buf.getvalue(),
                                                    "application/octet-stream")])
    at.run()
    _ok(at)
    assert not at.error
    trainer = _trainer(at)
    assert trainer.model.input_shape == (12, 12, 1) and trainer.model.output_shape == (4,)
    assert trainer.dataset.n_test == 8


def test_a_deeper_conv_layer_with_several_input_channels():
    at = _train(_run(**{"train.arch": "C4k3:relu;M2;C6k3:relu;M2;F;D10"}))
    at = _tab(at, "Gradients")
    at.selectbox(key="train.g_layer").select(3).run()  # conv2d_2: 4 input channels
    at.number_input(key="train.g_channel").set_value(3).run()
    _ok(at)
    assert not at.error
    assert any("(filter 1, channel 3)" in c.value for c in at.caption)
    at = _tab(at, "Step by step")
    at.selectbox(key="train.sv_layer").select(3).run()
    at.number_input(key="train.sv_channel").set_value(4).run()
    _ok(at)
    assert not at.error
    assert any("plus the other channels' sums" in m.value for m in at.markdown)


def test_the_page_says_how_many_other_trainings_share_the_server():
    # A fresh server-wide Slots: trainings left running by earlier tests in this process
    # would count for up to SEEN_FOR seconds and change the numbers below.
    training_slots.clear()
    slots = training_slots()
    others = ("test-other-1", "test-other-2")
    for who in others:
        slots.checkin(who)
    try:
        at = _run(**{"train.arch": TINY})
        assert not any("Sharing the server" in c.value for c in at.caption)  # not training
        at.button(key="train.start").click().run()
        _ok(at)
        note = sharing_note(2, slots.size)
        assert note.startswith("Sharing the server with 2 other trainings:")
        assert any(note in c.value for c in at.caption), [c.value for c in at.caption]
        assert slots.trainings == 3  # this page counts too
        slots.checkout(others[0])
        at.run()
        assert any("Sharing the server with 1 other training:" in c.value for c in at.caption)
        at.button(key="train.pause").click().run()
        assert slots.trainings == 1  # paused: this page no longer counts
    finally:
        for who in others:
            slots.checkout(who)
    at.button(key="train.resume").click().run()
    _ok(at)
    assert not any("Sharing the server" in c.value for c in at.caption)  # alone
    at.button(key="train.pause").click().run()
    assert slots.trainings == 0


def _edit(at: AppTest, edited: dict) -> AppTest:
    """Apply architecture-table edits the way the browser reports them, then run."""
    key = f"train.editor{at.session_state['train.ver']}"
    at.session_state[key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return at.run()


def _summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("| # | Layer |"))


def test_an_untrainable_table_turns_start_off_and_says_why():
    # The issue: "Keras MNIST, scaled down", row 3's kernel 11: Start trained the old model.
    at = _run()
    at.selectbox(key="train.preset").select("keras_mnist_small").run()
    at = _edit(at, {2: {"size": 11}})
    _ok(at)
    assert any("cannot be trained on this data" in e.value for e in at.error)
    assert at.button(key="train.start").disabled and at.button(key="train.reset").disabled
    beside = [w.value for w in at.warning if w.value.startswith("**Start and Reset are off**")]
    assert beside and "layer 3 (Conv2D)" in beside[0], [w.value for w in at.warning]
    assert _trainer(at) is None  # no stale 3x3 model left to train or to open up
    assert not at.tabs
    # the expander names the failing layer, never the partial count of the layers before it
    assert [e.label for e in at.expander if e.label.startswith("Shapes and parameters")] == [
        "Shapes and parameters for (16, 16, 1) images: layer 3 does not fit"]
    at = _edit(at, {2: {"size": 3}})  # fixed: the model is built from the table
    assert not at.button(key="train.start").disabled
    assert _trainer(at).model.layers[3].kernel_size == (3, 3)


def test_resume_after_edits_trains_and_shows_the_trained_model():
    at = _train(_run(**{"train.arch": "C4k3:relu;M2;F;D10", "train.data": "shapes"}))
    trained, step = _trainer(at), _trainer(at).step
    at = _edit(at, {0: {"units": 6, "size": 5}})  # the next model's settings
    at.selectbox(key="train.opt").select("sgd").run()
    assert any("settings changed" in w.value for w in at.warning)
    assert "| 1 | Conv2D | (24, 24, 6) |" in _summary(at)
    at.button(key="train.resume").click().run()
    _ok(at)
    assert _trainer(at) is trained and trained.step > step
    # the locked table, the summary and the settings show the model being trained
    table = at.data_editor[0].value
    assert (table["units"][0], table["size"][0], table["units"].iloc[-1]) == (4, 3, 7)
    assert at.data_editor[0].proto.disabled
    assert "| 1 | Conv2D | (26, 26, 4) |" in _summary(at)
    assert any(e.label.endswith(f"{trained.model.n_params:,} parameters") for e in at.expander)
    assert at.selectbox(key="train.opt").value == "adam"
    assert not any("settings changed" in w.value for w in at.warning)
    at.button(key="train.pause").click().run()
    assert at.session_state["train.arch"] == "C4k3:relu;M2;F;D10"  # the table it came from


def test_a_bad_edit_after_training_turns_resume_and_reset_off():
    at = _train(_run(**{"train.arch": "C4k3:relu;M2;C4k3:relu;M2;F;D10"}))
    trained = _trainer(at)
    at = _edit(at, {2: {"size": 11}})
    _ok(at)
    assert at.button(key="train.resume").disabled and at.button(key="train.reset").disabled
    assert any(w.value.startswith("**Resume and Reset are off**") for w in at.warning)
    assert _trainer(at) is trained  # the trained model is kept, and still opens up
    assert at.tabs


def test_the_architecture_says_why_relu_is_needed():
    at = _run()
    _ok(at)
    assert any(f"applies ReLU after it (no extra parameters), {RELU_WHY}." in c.value
               for c in at.caption)
    assert "collapse into one linear map" in RELU_WHY


def test_the_training_text_explains_adam_and_the_cosine_schedule():
    at = _run(**{"train.arch": TINY})
    text = " ".join(m.value for m in at.markdown)
    assert "w ← w − learning rate × gradient" in text  # plain SGD, the idea
    assert "trains with **Adam** by default" in text
    assert "running averages" in text and "squared gradient" in text and "momentum" in text
    assert "half a cosine" in text and "to 0" in text


def test_the_sgd_update_is_said_to_lower_the_loss_only_for_a_small_enough_rate():
    at = _tab(_train(_run(**{"train.arch": TINY})), "Gradients")
    _ok(at)
    update = next(m.value for m in at.markdown if m.value.startswith("**One SGD update**"))
    assert "small enough" in update and "overshoot" in update
    assert "Adam" in update and "squared gradient" in update  # what training does instead
    lr_now = _trainer(at).optimizer.lr
    assert f"{lr_now:.3g}" in update  # the cosine-lowered rate of the last step
    sgd = _tab(_train(_run(**{"train.arch": TINY, "train.opt": "sgd"})), "Gradients")
    update = next(m.value for m in sgd.markdown if m.value.startswith("**One SGD update**"))
    assert "small enough" in update and "Adam" not in update
    mom = _tab(_train(_run(**{"train.arch": TINY, "train.opt": "momentum"})), "Gradients")
    update = next(m.value for m in mom.markdown if m.value.startswith("**One SGD update**"))
    assert "0.9 × the v of the step before" in update


def test_the_numbers_inside_the_network_are_grid_views_of_its_own_numbers():
    at = _train(_run(**{"train.arch": TINY}))
    _ok(at)
    trainer = _trainer(at)
    model, ds = trainer.model, trainer.dataset
    grids = _grids(at)
    w = model.layers[0].params["weight"]  # (3, 3, 1, 4)
    filters = grids["train.filters"]
    assert [p["title"] for p in filters["panels"]] == [f"filter {f + 1}" for f in range(4)]
    for f, panel in enumerate(filters["panels"]):
        assert panel["text"] == [format_value(float(v)) for v in w[:, :, 0, f].ravel()]
        assert panel["legend"] is not None
    x = ds.x_test[0]  # the default sample
    (flat,) = [out for name, out in model.activations(x) if name.startswith("flatten")]
    (dense,) = [out for name, out in model.activations(x) if name.startswith("dense")]
    vectors = [v for k, v in grids.items() if k.startswith("train.vec.")]
    assert len(vectors) == 2  # the Flatten and the Dense outputs
    shown = [[t for t in v["panels"][0]["text"] if t] for v in vectors]
    assert [format_value(float(v)) for v in flat] in shown
    assert [format_value(float(v)) for v in dense] in shown
    cm = trainer.confusion_matrix()
    (panel,) = grids["train.confusion"]["panels"]
    assert panel["rows"] == panel["cols"] == 11
    assert panel["text"][:11] == ["", *ds.class_names]
    assert panel["text"][12:22] == [str(int(v)) for v in cm[0]]
    assert panel["legend"]["ticks"] == ["0%", "50%", "100%"]
    at = _tab(at, "Step by step")
    _ok(at)
    (patch, kernel) = _grids(at)["train.sv_grid"]["panels"]
    assert kernel["text"] == [format_value(float(v)) for v in w[:, :, 0, 0].ravel()]
    assert patch["legend"] and kernel["legend"]
