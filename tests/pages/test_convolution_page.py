"""AppTest runs of pages/convolution.py: widgets, shown numbers, errors and URL settings."""

import base64
import json

import numpy as np
import pytest
from apptest import ROOT, check_answer, markdown_text, open_page, predict_first_on
from streamlit.testing.v1 import AppTest

import convviz as cv
from convviz.draw import conv_view as view
from convviz.draw import render
from convviz.draw.conv_animation import animation_fit
from convviz.draw.conv_grid import conv_grid_payload
from convviz.draw.conv_view import coverage, plan_values, step_equation
from convviz.draw.numbers import format_value
from convviz.imaging.drawing import drawing_to_grid
from convviz.serve.params import grid_to_text
from convviz.teach import arithmetic as ar
from convviz.teach.examples import PRESETS, make_input, rgb_filters, rgb_input
from convviz.ui.drawn_input import DRAWN


def _run(**params: str) -> AppTest:
    return open_page("pages/convolution.py", params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _shown_value(at: AppTest) -> str:
    (metric,) = at.metric
    return metric.value


def _equation(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def _payload(at: AppTest) -> dict:
    """The data the page sent to the grid view component in the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.component_name == "convviz.grid"
             and e.proto.id.endswith("-conv.grid")]  # the step view (not the coverage grid)
    return json.loads(el.proto.json)


def _pick(at: AppTest, step: int) -> AppTest:
    """What the browser does when the player stops at ``step`` (0-based): a new report."""
    seq = at.session_state["conv.grid.seen"]["seq"] + 1 if "conv.grid.seen" in at.session_state \
        else 1
    at.session_state["conv.grid"] = {"pick": {"step": step, "seq": seq}}
    return at.run()


def test_default_page_shows_the_first_window():
    at = _run()
    _ok(at)
    plan = cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array)
    step = plan.step(0)
    assert _shown_value(at) == format_value(step.value) == "18"
    first, second = step_equation(step, plan.kernel)
    assert first in _equation(at) and second in _equation(at)
    assert any("floor((7 + 0 + 0 - 3) / 1) + 1 = 5" in c.value for c in at.code)
    assert at.get("page_link"), "every page ends with a next link"
    assert any("address" in c.value for c in at.caption)  # the share hint


def test_the_step_the_browser_reports_is_shown_below_and_in_the_link():
    at = _run(**{"conv.preset": "random", "conv.seed": "3",
                 "conv.x": grid_to_text(make_input("random", 6, 6, seed=3))})
    plan = cv.conv_plan(make_input("random", 6, 6, seed=3), cv.KERNELS["sobel_x"].array)
    assert _payload(at)["step"] == 0
    _pick(at, 2)
    _ok(at)
    want = format_value(plan.step(2).value)
    assert _shown_value(at) == want
    assert at.metric[0].label.startswith(f"Step 3 of {plan.n_steps}: output[0, 2]")
    assert f"= {want} → output[0, 2]" in _equation(at)
    assert at.query_params["conv.pos"] == "2"  # the URL and the share link follow
    assert any("conv.pos=2" in c.value for c in at.code)
    assert _payload(at)["step"] == 2  # the browser is told where Python is
    _pick(at, 1)
    assert _shown_value(at) == format_value(plan.step(1).value)


def test_an_old_report_does_not_override_a_step_set_since():
    at = _run()
    _pick(at, 3)
    at.session_state["conv.pos"] = 1  # as the training page's "open step by step" does
    at.run()
    _ok(at)
    plan = cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array)
    assert _shown_value(at) == format_value(plan.step(1).value)
    assert _payload(at)["step"] == 1
    _pick(at, 3)  # the same step again, a new report: heard
    assert _shown_value(at) == format_value(plan.step(3).value)


def test_a_step_past_the_end_is_clipped():
    at = _run(**{"conv.pos": "40"})
    _ok(at)
    plan = cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array)
    assert _shown_value(at) == format_value(plan.step(plan.n_steps - 1).value)
    assert _payload(at)["step"] == plan.n_steps - 1


def test_the_payload_holds_the_engines_numbers():
    at = _run(**{"conv.pad": "1", "conv.stride": "2"})
    _ok(at)
    plan = cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array, padding=1,
                        stride=2)
    sent = _payload(at)
    assert sent == json.loads(json.dumps(conv_grid_payload(plan)))
    assert sent["n_steps"] == plan.n_steps == 16


def test_main_widgets_change_the_numbers():
    at = _run()
    at.slider(key="conv.stride").set_value(2).run()
    at.selectbox(key="conv.pad_kind").set_value("same").run()
    at.selectbox(key="conv.pad_mode").set_value("reflect").run()
    at.slider(key="conv.dil").set_value(2).run()
    at.selectbox(key="conv.kname").set_value("laplacian_4").run()
    at.toggle(key="conv.flip").set_value(True).run()
    at.number_input(key="conv.bias").set_value(1.5).run()
    _pick(at, 1)
    _ok(at)
    plan = cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["laplacian_4"].array, 1.5,
                        stride=2, padding="same", padding_mode="reflect", dilation=2,
                        flip=True)
    step = plan.step(1)
    assert _shown_value(at) == format_value(step.value)
    assert " + 1.5 = " in _equation(at)
    assert any("ceil(7 / 2) = 4" in c.value for c in at.code)
    assert at.query_params["conv.kname"] == "laplacian_4"
    assert at.query_params["conv.stride"] == "2"


def test_number_padding_and_kernel_resize():
    at = _run()
    at.number_input(key="conv.pad").set_value(2).run()
    assert any("(7 + 2 + 2 - 3)" in c.value for c in at.code)
    at.number_input(key="conv.krows").set_value(4).run()
    _ok(at)
    assert at.selectbox(key="conv.kname").value == "custom"
    kernel = at.session_state["conv.k"]
    assert kernel.shape == (4, 3) and not kernel[3].any()  # padded with a row of zeros
    assert any("even side" in i.value for i in at.info)  # the symmetry imbalance note


def test_presets_and_input_size():
    at = _run()
    at.selectbox(key="conv.preset").set_value("random").run()
    at.number_input(key="conv.seed").set_value(5).run()
    assert np.array_equal(at.session_state["conv.x"], make_input("random", 7, 7, seed=5))
    at.number_input(key="conv.rows").set_value(9).run()
    _ok(at)
    # An unedited preset is rebuilt at the new size (not padded with zeros).
    assert np.array_equal(at.session_state["conv.x"], make_input("random", 9, 7, seed=5))
    assert any("(9 + 0 + 0 - 3)" in c.value for c in at.code)


def test_rgb_mode_and_several_filters():
    at = _run(**{"conv.mode": "rgb"})
    _ok(at)
    x = make_input("digit", 7, 7, channels=3)
    filters = rgb_filters(cv.KERNELS["sobel_x"].array, 2)
    plan = cv.conv_plan(x, filters[..., 0])
    assert _shown_value(at) == format_value(plan.step(0).value)
    assert _equation(at).startswith("#### Channel sums: R (")
    assert any("depth 2" in c.value for c in at.caption)
    at.slider(key="conv.nf").set_value(4).run()
    at.selectbox(key="conv.filt").set_value(2).run()
    _ok(at)
    plan2 = cv.conv_plan(x, rgb_filters(cv.KERNELS["sobel_x"].array, 4)[..., 1])
    assert _shown_value(at) == format_value(plan2.step(0).value)
    assert any("depth 4" in c.value for c in at.caption)
    sent = _payload(at)  # filter 2's step view: its three slices and products
    assert [p["id"] for p in sent["panels"]] == [
        f"{kind}.{ch}" for ch in "RGB" for kind in ("input", "kernel", "products")] + ["output"]
    assert sent == json.loads(json.dumps(conv_grid_payload(plan2)))
    at.slider(key="conv.nf").set_value(1).run()  # the stepped filter follows
    _ok(at)
    assert at.selectbox(key="conv.filt").value == 1


@pytest.mark.parametrize(("params", "message"), [
    ({"conv.dil": "3", "conv.x": grid_to_text(np.ones((5, 5))), "conv.kname": "custom",
      "conv.k": grid_to_text(np.ones((7, 7)))}, "wider than the padded input"),
    ({"conv.pad_kind": "full", "conv.pad_mode": "reflect", "conv.kname": "custom",
      "conv.x": grid_to_text(np.ones((5, 5))), "conv.k": grid_to_text(np.ones((7, 7)))},
     "reflect"),
])
def test_invalid_combination_is_explained(params, message):
    at = _run(**params)
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert at.selectbox(key="conv.kname").value == "custom"  # the inputs stay
    assert any("no output" in c.value for c in at.code) or message == "reflect"
    assert not at.metric
    at.radio(key="conv.mode").set_value("rgb").run()  # RGB mode explains it too
    assert not at.exception and len(at.error) == 1
    at.number_input(key="conv.krows").set_value(3).run()
    at.number_input(key="conv.kcols").set_value(3).run()
    at.slider(key="conv.dil").set_value(1).run()
    _ok(at)  # fixed: the page recovers
    assert at.metric


def test_bad_url_values_are_reported_and_ignored():
    at = _run(**{"conv.stride": "9", "conv.x": "1,2;3,4", "conv.pad_mode": "mirror"})
    assert not at.exception
    assert len(at.warning) == 3
    assert at.slider(key="conv.stride").value == 1
    assert at.session_state["conv.x"].shape == (7, 7)


def test_url_opens_the_same_example():
    x = make_input("random", 8, 6, seed=7)
    k = np.array([[1.0, -1.0], [0.5, 2.0]])
    at = _run(**{"conv.x": grid_to_text(x), "conv.kname": "custom", "conv.k": grid_to_text(k),
                 "conv.stride": "2", "conv.pad": "1", "conv.bias": "-0.5", "conv.flip": "1"})
    _ok(at)
    plan = cv.conv_plan(x, k, -0.5, stride=2, padding=1, flip=True)
    assert _shown_value(at) == format_value(plan.step(0).value)
    assert at.number_input(key="conv.rows").value == 8
    assert at.number_input(key="conv.kcols").value == 2


def test_border_and_kernel_size_text_is_true():
    at = _run()
    _ok(at)
    text = markdown_text(at)
    assert "as often as the rest" not in text and "each side loses" not in text
    assert "K - 1 cells per side" not in text and "the smallest size with a centre" not in text
    assert "the smallest odd size that sees its neighbours (1x1 has a centre too" in text
    assert "at stride 1 each axis loses k_eff - 1 cells, (k_eff - 1) / 2 at each border" in text
    assert "a 28x28 input gives 26x26, 1 cell at each border" in text
    assert "**output = floor((n + p_before + p_after - k_eff) / s) + 1**, " \
        "**k_eff = d (k - 1) + 1**" in text
    assert ar.padding_coverage_text(3) in text
    cov = coverage(cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array))
    assert f"the top-left corner {cov[0, 0]}, the busiest cell {cov.max()}." in \
        _captions(at)
    assert _coverage_grid(at) == [str(v) for v in cov.ravel()]
    at.number_input(key="conv.pad").set_value(1).run()
    assert "the top-left corner 4, the busiest cell 9." in _captions(at)
    cov = coverage(cv.conv_plan(make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array,
                                padding=1))
    assert _coverage_grid(at) == [str(v) for v in cov.ravel()]


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def _coverage_grid(at: AppTest) -> list[str]:
    """The counts the page sent to the coverage grid view (a static panel)."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-conv.coverage")]
    payload = json.loads(el.proto.json)
    assert payload["n_steps"] == 1 and payload["panels"][0]["legend"]
    return payload["panels"][0]["text"]


def _input_menu(at: AppTest):
    box = at.selectbox(key="conv.preset")
    return box.value, box.options[-1]  # the choice and the text the given grid shows


def test_a_given_grid_is_not_labelled_as_a_preset():
    grid = make_input("random", 6, 6, seed=8)
    at = _run(**{"conv.preset": "given", "conv.x": grid_to_text(grid)})
    _ok(at)
    assert _input_menu(at) == ("given", "the grid given by a link or another page")
    np.testing.assert_array_equal(at.session_state["conv.x"], grid)
    at.number_input(key="conv.rows").set_value(8).run()  # a given grid is cropped or padded
    _ok(at)
    np.testing.assert_array_equal(at.session_state["conv.x"][:6], grid)
    assert not at.session_state["conv.x"][6:].any()
    at.radio(key="conv.mode").set_value("rgb").run()  # the same grid in R, G and B
    _ok(at)
    at.radio(key="conv.mode").set_value("gray").run()
    at.selectbox(key="conv.preset").select("edge").run()
    _ok(at)
    assert at.selectbox(key="conv.preset").value == "edge"
    assert len(at.selectbox(key="conv.preset").options) == len(PRESETS)  # given: only when given


def test_a_grid_sent_by_another_page_shows_what_it_is():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    grid = np.arange(36.0).reshape(6, 6) % 7
    at.session_state["conv.preset"] = "given"  # as the training page's button sets them
    at.session_state["conv.x"] = grid
    at.session_state["conv.given"] = "a 6x6 patch of sample 3"
    at.switch_page("pages/convolution.py").run()
    _ok(at)
    assert _input_menu(at) == ("given", "a 6x6 patch of sample 3")
    at.number_input(key="conv.cols").set_value(5).run()  # a cell edit keeps the choice
    _ok(at)
    assert _input_menu(at) == ("given", "a 6x6 patch of sample 3")
    np.testing.assert_array_equal(at.session_state["conv.x"], grid[:, :5])


def _pad_value(cells: np.ndarray) -> dict:
    """What the drawing pad's JavaScript sends: 64x64 bytes, row-major, base64."""
    return {"side": 64, "ink": base64.b64encode(cells.astype(np.uint8).tobytes()).decode()}


def test_a_drawing_becomes_the_input_grid():
    at = _run()
    _ok(at)
    pads = [e for e in at.main if getattr(e, "key", None) == "conv.drawpad"]
    assert len(pads) == 1 and json.loads(pads[0].proto.json)["grid"] == [7, 7]
    assert any("Draw the input" == e.label for e in at.expander)
    cells = np.zeros((64, 64))
    cells[:, 16:32] = 255  # a vertical bar, the second quarter
    at.session_state["conv.drawpad"] = {"drawing": _pad_value(cells)}  # a stroke ended
    at.run()
    _ok(at)
    grid = at.session_state["conv.x"]
    np.testing.assert_array_equal(grid, drawing_to_grid(cells / 255, 7, 7))
    assert grid.max() == 9 and grid[:, 0].sum() == 0
    assert _input_menu(at) == ("given", DRAWN)
    at.number_input(key="conv.rows").set_value(10).run()  # drawn again at the new size
    _ok(at)
    np.testing.assert_array_equal(at.session_state["conv.x"],
                                  drawing_to_grid(cells / 255, 10, 7))
    at.selectbox(key="conv.preset").select("edge").run()  # a preset replaces it
    at.number_input(key="conv.cols").set_value(8).run()
    _ok(at)
    np.testing.assert_array_equal(at.session_state["conv.x"], make_input("edge", 10, 8))


def test_the_gif_says_when_its_cells_are_too_small_for_some_numbers():
    at = _run()  # the 7x7 digit and Sobel x: 40 px cells, every number fits at 12 px
    _ok(at)
    assert not [c for c in at.caption if "cells too small for a 12 px number" in c.value]
    x = make_input("random", 12, 12, seed=1)
    at = _run(**{"conv.x": grid_to_text(x), "conv.kname": "custom",
                 "conv.k": grid_to_text(np.full((7, 7), -2.0)), "conv.pad_kind": "full",
                 "conv.dil": "3"})
    _ok(at)
    plan = cv.conv_plan(x, np.full((7, 7), -2.0), padding="full", dilation=3)
    fit = animation_fit(plan)
    assert fit.size == 24 and render.numbers_left_out(plan_values(plan), 24, fmt=view.fmt)
    (note,) = [c.value for c in at.caption if "cells too small for a 12 px number" in c.value]
    assert note.startswith("In the GIF's 24 px cells, cells too small for a 12 px number show "
                           "only their colour")


def _step_shown(at: AppTest) -> bool:
    shown = [bool(at.metric), any(e.proto.id.endswith("-conv.grid")
                                  for e in at.get("bidi_component"))]
    assert len(set(shown)) == 1, shown
    return shown[0]


def _default_maps():
    x, k = make_input("digit", 7, 7), cv.KERNELS["sobel_x"].array
    return cv.conv2d(x, k), cv.conv2d(x, k, flip=True)


def test_predict_first_asks_for_the_current_cell_and_names_the_flipped_kernel():
    right, flipped = _default_maps()
    step = int(np.flatnonzero(right.ravel() != flipped.ravel())[0])
    r, c = divmod(step, right.shape[1])
    at = predict_first_on(_pick(_run(), step))
    assert not at.exception
    assert not _step_shown(at)
    assert f"output cell **(row {r}, column {c})**" in markdown_text(at)
    at = check_answer(at, "conv.predict", format_value(flipped[r, c]))
    (err,) = at.error
    assert "flipped the kernel" in err.value and f"The answer is {format_value(right[r, c])}" \
        in err.value
    assert _step_shown(at) and _shown_value(at) == format_value(right[r, c])


def test_predict_first_right_answer_reveals_and_another_cell_asks_again():
    right, _ = _default_maps()
    at = predict_first_on(_run())
    at = check_answer(at, "conv.predict", format_value(right[0, 0]))
    assert at.success[0].value == f"Right: {format_value(right[0, 0])}."
    assert _step_shown(at)
    (another,) = [b for b in at.button if b.label == "Another cell"]
    at = another.click().run()
    _ok(at)
    assert at.session_state["conv.pos"] != 0
    assert not _step_shown(at)  # a new cell, not answered yet


def test_predict_first_with_three_channels_names_the_missing_channel_sum():
    at = predict_first_on(_run(**{"conv.mode": "rgb"}))
    assert not at.exception and not _step_shown(at)
    xr = rgb_input("digit", np.asarray(at.session_state["conv.x"], float), seed=0)
    filters = rgb_filters(cv.KERNELS["sobel_x"].array, 2)  # (3, 3, 3, F); filter 1 shown
    right = cv.conv2d(xr, filters[..., 0])[0, 0]
    one = cv.conv2d(xr[..., :1], filters[..., :1, 0])[0, 0]
    assert right != one
    assert "**Predict first**" in markdown_text(at)
    at = check_answer(at, "conv.predict", format_value(one))
    assert "forgot to sum over channels" in at.error[0].value
    assert _shown_value(at) == format_value(right)


def test_predict_first_on_a_true_convolution_names_the_unflipped_kernel():
    right, flipped = _default_maps()  # here the page computes the flipped one
    step = int(np.flatnonzero(right.ravel() != flipped.ravel())[0])
    r, c = divmod(step, right.shape[1])
    at = predict_first_on(_pick(_run(**{"conv.flip": "true"}), step))
    assert not at.exception and not _step_shown(at)
    at = check_answer(at, "conv.predict", format_value(right[r, c]))
    assert "did not flip the kernel" in at.error[0].value
    assert _step_shown(at) and _shown_value(at) == format_value(flipped[r, c])
