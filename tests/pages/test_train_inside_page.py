"""AppTest runs of the training page's "What it looks at" tab: the answer and the saliency
of a held-out sample, a drawing (the answer follows the pad) and an upload; every closer look
(occlusion within the budget, Grad-CAM, the flip, the class picture, the receptive field) on
a freshly trained model and on one loaded from a file."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
from apptest import open_page
from PIL import Image
from streamlit.testing.v1 import AppTest

from convviz.inside import cost
from convviz.inside.flip import flip_steps
from convviz.inside.grad_cam import grad_cam
from convviz.inside.predictions import probabilities
from convviz.inside.unit_field import unit_receptive_box
from convviz.inside.user_images import fit_drawing
from convviz.nn.model_files import model_bytes
from convviz.ui import train_inside
from convviz.ui.train_inside import fitting_stride

PAGE = "pages/train.py"
TINY = "C4k3:relu;M2;F;D10"
TAB = "What it looks at"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _trainer(at: AppTest):
    return at.session_state["train.trainer"]


def _trained_tab() -> AppTest:
    at = open_page(PAGE, {"train.arch": TINY})
    at.button(key="train.start").click().run()
    at.run()
    at.button(key="train.pause").click().run()
    at.session_state["train.tab"] = TAB
    at.run()
    _ok(at)
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _captions(at: AppTest) -> str:
    return "\n".join(c for im in at.get("image") for c in im.captions)


def _view(at: AppTest, view: str) -> AppTest:
    at.radio(key="train.in_view").set_value(view).run()
    _ok(at)
    return at


def _pad_value(cells: np.ndarray) -> dict:
    """What the drawing pad's JavaScript sends: 64x64 bytes, row-major, base64."""
    return {"side": 64, "ink": base64.b64encode(cells.astype(np.uint8).tobytes()).decode()}


def test_the_tab_shows_the_answer_and_the_saliency_of_the_sample():
    at = _trained_tab()
    assert TAB in [t.label for t in at.tabs]
    trainer = _trainer(at)
    x = trainer.dataset.x_test[0]
    p = probabilities(trainer.model, x)
    assert _metric(at, "The network answers") == trainer.dataset.class_names[int(p.argmax())]
    text = _captions(at)
    assert "held-out sample 1" in text
    assert "**Saliency** of “" + trainer.dataset.class_names[int(p.argmax())] + "”" in text
    assert "the network's own backward pass" in text
    # labels that do not change with the answer (a browser keeps a widget's old labels)
    assert at.selectbox(key="train.in_target").options[:2] == ["the answer", "class 0"]
    at.selectbox(key="train.in_target").set_value(3).run()
    _ok(at)
    assert "**Saliency** of “3”" in _captions(at)


def test_a_drawing_is_answered_and_explained_as_it_is_drawn():
    at = _trained_tab()
    at.radio(key="train.in_src").set_value("draw").run()
    _ok(at)
    pads = [e for e in at.main if getattr(e, "key", None) == "train.in_pad"]
    assert len(pads) == 1 and pads[0].proto.component_name == "convviz.drawpad"
    assert "The network answers" not in [m.label for m in at.metric]  # nothing drawn yet
    trainer = _trainer(at)
    answers = []
    for cells in (np.zeros((64, 64)), np.zeros((64, 64))):
        answers.append(cells)
    answers[0][10:54, 30:36] = 255  # a "1"
    answers[1][10:16, 14:50] = 255  # then a "7": a bar on top and a slanted stroke
    for r in range(16, 56):
        answers[1][r, 46 - (r - 16) // 2: 52 - (r - 16) // 2] = 255
    shown = []
    for cells in answers:
        at.session_state["train.in_pad"] = {"drawing": _pad_value(cells)}  # a stroke ended
        at.run()
        _ok(at)
        x = fit_drawing(cells / 255, trainer.model.input_shape, trainer.dataset.x_train)
        best = int(np.argmax(probabilities(trainer.model, x)))
        assert _metric(at, "The network answers") == trainer.dataset.class_names[best]
        assert "your drawing as the network sees it" in _captions(at)
        shown.append(best)
    assert "**Saliency** of “" + trainer.dataset.class_names[shown[-1]] + "”" in _captions(at)


def test_an_upload_is_explained():
    at = _trained_tab()
    at.radio(key="train.in_src").set_value("upload").run()
    buf = io.BytesIO()
    img = np.zeros((40, 30), np.uint8)
    img[8:32, 12:18] = 255
    Image.fromarray(img).save(buf, format="PNG")
    at.file_uploader(key="train.in_img").set_value(("one.png", buf.getvalue(), "image/png"))
    at.run()
    _ok(at)
    assert "your image as the network sees it" in _captions(at)
    assert "**Saliency**" in _captions(at)


def test_occlusion_counts_its_passes_and_keeps_to_the_budget(monkeypatch):
    at = _view(_trained_tab(), "occlusion")
    assert at.slider(key="train.in_patch").value == 2  # 16 // 7
    text = _captions(at)
    # 16x16 input, a 2x2 patch every 2 pixels: 8 x 8 positions and the uncovered image
    assert "at 8x8 positions, 2 pixels apart, one forward pass each (65 in all)" in text
    at.slider(key="train.in_patch").set_value(4).run()
    at.slider(key="train.in_stride").set_value(1).run()
    _ok(at)
    assert "at 13x13 positions, 1 pixel apart" in _captions(at)
    # a slower machine: the same map would pass one click's budget, so a wider stride
    monkeypatch.setattr(cost, "MACS_PER_SECOND", 5e4)
    at.run()
    _ok(at)
    note = next(i.value for i in at.info if i.value.startswith("At stride 1"))
    used = int(re.search(r"made at stride (\d+)", note).group(1))
    assert used == fitting_stride(_trainer(at).model, 4, 1) and 1 < used <= 4
    assert f"{used} pixels apart" in _captions(at)


def test_grad_cam_on_the_last_convolutions_rectified_maps():
    at = _view(_trained_tab(), "gradcam")
    assert at.selectbox(key="train.in_cam_layer").value == 1  # relu_1 after conv2d_1
    text = _captions(at)
    assert "**Grad-CAM** (Selvaraju and colleagues, 2017)" in text
    assert "on conv2d_1, after its ReLU: each of its 4 maps" in text
    assert "The 14x14 result is stretched bilinearly to 16x16" in text


def _flip_said(at: AppTest, to: int, epsilon: float, steps: int) -> None:
    """The sentence the tab shows is the engine's own count of steps."""
    trainer = _trainer(at)
    want = flip_steps(trainer.model, trainer.dataset.x_test[0], to, epsilon=epsilon,
                      steps=steps)
    name = trainer.dataset.class_names[to]
    if want.flipped:
        assert at.success[0].value.startswith(f"The answer became “{name}” after "
                                              f"{want.steps} step")
        assert f"no pixel changed by more than {want.largest_change:.3f}" in at.success[0].value
    else:
        now = trainer.dataset.class_names[int(np.argmax(want.after))]
        s = "s" if steps > 1 else ""
        assert at.warning[0].value.startswith(
            f"After {steps} step{s} the answer is still “{now}”, not “{name}”")


def test_a_blank_grad_cam_says_why(monkeypatch):
    at = _view(_trained_tab(), "gradcam")
    trainer = _trainer(at)
    cam = grad_cam(trainer.model, trainer.dataset.x_test[0],
                   int(probabilities(trainer.model, trainer.dataset.x_test[0]).argmax()),
                   layer=1)
    said = any("the map is blank" in i.value for i in at.info)
    assert said == (not cam.coarse.any())  # said exactly when the engine's map is blank

    def blank(*args, **kwargs):
        cam = grad_cam(*args, **kwargs)
        return cam._replace(cam=0 * cam.cam, coarse=0 * cam.coarse)

    monkeypatch.setattr(train_inside, "grad_cam", blank)
    at.run()
    _ok(at)
    assert any("the weighted sum is 0 or negative everywhere, so the map is blank" in i.value
               for i in at.info)


def test_the_flip_says_how_many_steps_it_took():
    at = _view(_trained_tab(), "flip")
    to = at.selectbox(key="train.in_flip_to").value
    _flip_said(at, to, 0.02, 50)
    at.slider(key="train.in_steps").set_value(1).run()
    at.slider(key="train.in_eps").set_value(0.005).run()
    _ok(at)
    _flip_said(at, to, 0.005, 1)
    at.slider(key="train.in_steps").set_value(200).run()
    at.slider(key="train.in_eps").set_value(0.05).run()
    _ok(at)
    _flip_said(at, to, 0.05, 200)
    assert at.success  # with room enough, it flips
    assert "**The change** made to the input" in _captions(at)


def test_the_class_picture_is_made_on_request_and_labelled_rough():
    at = _view(_trained_tab(), "picture")
    assert "press the button" in " ".join(c.value for c in at.caption)
    at.selectbox(key="train.in_vis_class").set_value(7)
    at.slider(key="train.in_vis_steps").set_value(20)
    at.button(key="train.in_vis_go").click().run()
    _ok(at)
    text = _captions(at)
    assert "**What raises the score of “7”**" in text and "20 steps" in text
    assert "rough picture" in text
    made = at.session_state["train.in_vis_made"][2]
    assert len(made.objective) == 21
    at.radio(key="train.in_vis_of").set_value("filter").run()
    at.number_input(key="train.in_vis_filter").set_value(2).run()
    at.button(key="train.in_vis_go").click().run()
    _ok(at)
    assert "the mean response of filter 2 of conv2d_1" in _captions(at)


def test_the_receptive_field_is_drawn_where_the_box_says():
    at = _view(_trained_tab(), "field")
    at.selectbox(key="train.in_rf_layer").set_value(2).run()  # the pool: 7x7 maps
    at.number_input(key="train.in_rf_row").set_value(1).run()
    at.number_input(key="train.in_rf_col").set_value(7).run()
    _ok(at)
    box = unit_receptive_box(_trainer(at).model, 2, 0, 6)
    assert box == (0, 12, 3, 15)  # 3x3 conv then 2x2 pool: 4x4 pixels, jump 2
    text = _captions(at)
    assert ("row 1, column 7 of max_pool2d_1 (orange): input rows 1 to 4 and columns 13 "
            "to 16, 4x4 pixels") in text
    assert "It lies wholly inside the input." in text


def test_the_tab_works_on_a_loaded_model():
    at = _trained_tab()
    saved = model_bytes(_trainer(at).model)
    at.button(key="train.reset").click().run()
    at.session_state["train.tab"] = "Save or load"
    at.run()
    at.file_uploader(key="train.model_file").set_value(("m.npz", saved,
                                                        "application/octet-stream"))
    at.run()
    _ok(at)
    assert at.session_state["train.from_file"] == "m.npz"
    at.session_state["train.tab"] = TAB
    at.run()
    _ok(at)
    for view in ("occlusion", "gradcam", "flip", "picture", "field"):
        _view(at, view)
    assert "**Saliency**" in _captions(at)
