"""AppTest runs of pages/transposed.py: the engine's numbers reach the grid views, extremes
run, bad settings get the engine's message, settings round-trip through the URL, predict first,
and the practice question below the page."""

import json

import numpy as np
from apptest import check_answer, markdown_text, open_page, predict_first_on
from streamlit.testing.v1 import AppTest

import convviz as cv
from convviz.draw.conv_view import fmt
from convviz.draw.transpose_grid import scatter_payload
from convviz.teach import transposed as tr
from convviz.teach import transposed_practice as tp
from convviz.ui.nav import PAGES

PAGE = "pages/transposed.py"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _payload(at: AppTest, key: str) -> dict:
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}")]
    assert el.proto.component_name == "convviz.grid"
    return json.loads(el.proto.json)


def test_it_follows_padding_stride_dilation_in_the_guided_path():
    paths = [p.path for p in PAGES]
    assert paths[paths.index("pages/output_size.py") + 1] == PAGE


def test_defaults_send_the_engines_scatter_and_say_the_two_ways_agree():
    at = open_page(PAGE)
    _ok(at)
    x = tr.make_input("random", 3, seed=0)
    plan = cv.transpose_plan(x, np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    sent = _payload(at, "tr.grid")
    want = scatter_payload(plan)
    assert sent["token"] == want["token"]
    out = next(p for p in sent["panels"] if p["id"] == "output")
    assert out["frames"][-1]["text"] == [fmt(v) for v in plan.output.ravel()]
    assert at.metric[0].value == "6 x 6"
    text = markdown_text(at)
    assert "are **equal, every cell" in text
    assert "turns **7 x 7** and **8 x 8** both into **4 x 4**" in text
    conv = _payload(at, "tr.conv")
    assert conv["steps"]["value"] == [fmt(v) for v in plan.output.ravel()]
    matrix = _payload(at, "tr.matrix")
    assert [(p["rows"], p["cols"]) for p in matrix["panels"] if p["id"] in ("C", "CT")] == [
        (4, 16), (16, 4)]


def test_the_largest_settings_run():
    at = open_page(PAGE, {"tr.n": "6", "tr.k": "4", "tr.s": "3", "tr.p": "2", "tr.op": "2",
                          "tr.d": "2", "tr.b": "-9", "tr.kp": "random", "tr.inp": "count",
                          "tr.img": "grace_hopper", "tr.resize": "bilinear"})
    _ok(at)
    plan = cv.transpose_plan(tr.make_input("count", 6), tr.make_kernel("random", 4), -9.0,
                             stride=3, padding=2, output_padding=2, dilation=2)
    assert at.metric[0].value == f"{plan.out_shape[0]} x {plan.out_shape[1]}"
    assert _payload(at, "tr.grid")["n_steps"] == 36
    assert "Keras refuses" in at.code[-2].value


def test_padding_that_crops_everything_gets_the_engines_message():
    at = open_page(PAGE, {"tr.n": "2", "tr.k": "1", "tr.s": "1", "tr.p": "2"})
    assert not at.exception
    (err,) = at.error
    assert "crops away every row" in err.value
    assert not [e for e in at.get("bidi_component") if e.proto.id.endswith("-tr.grid")]
    assert _payload(at, "tr.matrix")["n_steps"] == 4  # the rest of the page still teaches


def test_only_valid_output_paddings_are_offered():
    at = open_page(PAGE, {"tr.s": "1", "tr.op": "2"})
    _ok(at)
    radio = next(r for r in at.radio if r.key == "tr.op")
    assert list(radio.options) == ["0"] and radio.value == 0
    at.slider(key="tr.s").set_value(3).run()
    radio = next(r for r in at.radio if r.key == "tr.op")
    assert list(radio.options) == ["0", "1", "2"]


def test_settings_round_trip_through_the_url():
    params = {"tr.n": "4", "tr.inp": "ones", "tr.seed": "7", "tr.k": "2", "tr.kp": "bilinear",
              "tr.s": "3", "tr.p": "0", "tr.op": "2", "tr.d": "1", "tr.b": "1.5",
              "tr.img": "flower", "tr.resize": "bilinear", "tr.pos": "5", "tr.cpos": "0",
              "tr.mpos": "2"}
    at = open_page(PAGE, params)
    _ok(at)
    for key, value in params.items():
        assert at.query_params[key] == value, key
    assert "**Stamp 6 of 16**" in markdown_text(at)
    assert at.session_state["tr.kp"] == "bilinear"


def test_the_browser_reporting_a_step_moves_the_text_and_url():
    at = open_page(PAGE)
    at.session_state["tr.grid"] = {"pick": {"step": 4, "seq": 1}}
    at.run()
    _ok(at)
    assert "**Stamp 5 of 9**: input[1, 1]" in markdown_text(at)
    assert at.query_params["tr.pos"] == "4"


def _practice(at: AppTest):
    """The practice question the page asks now."""
    n = at.session_state["tr.practice_n"] if "tr.practice_n" in at.session_state else 0
    return tp.random_practice_question(np.random.default_rng(n))


def _numbers(values) -> str:
    return ", ".join(str(int(v)) for v in values)


def test_practice_names_a_mistake_and_counts_in_the_progress_without_hiding_the_page():
    at = open_page(PAGE)
    _ok(at)
    q = _practice(at)
    assert "Practice: transposed sizes" in [h.value for h in at.header]
    assert q.prompt in markdown_text(at)
    for _ in range(20):  # a question with a named mistake
        q = _practice(at)
        if q.mistakes:
            break
        at.button(key="tr.practice.new").click().run()
    wrong = q.mistakes[0]
    at = check_answer(at, "tr.practice", _numbers(wrong.answer))
    assert not at.exception
    (err,) = at.error
    assert f"if you {wrong.name}. The answer is {q.answer_text()}." in err.value
    assert at.metric[0].value == "6 x 6"  # the page's own size, shown all along
    at.switch_page("pages/home.py").run()
    assert "**Transposed convolution's output size**: 0 right of 1 answered" in \
        markdown_text(at)


def test_a_right_practice_answer_counts_and_new_question_is_seeded():
    at = open_page(PAGE)
    q = _practice(at)
    at = check_answer(at, "tr.practice", _numbers(q.answer))
    _ok(at)
    assert at.success[0].value == f"Right: {q.answer_text()}."
    assert at.session_state["learner.progress"].counts == {"transposed": (1, 1)}
    kinds = {q.kind}
    for i in range(1, 12):  # the 11th question is the first on one layer's size
        at.button(key="tr.practice.new").click().run()
        assert at.session_state["tr.practice_n"] == i
        q = _practice(at)
        assert q == tp.random_practice_question(np.random.default_rng(i))
        assert q.prompt in markdown_text(at)
        kinds.add(q.kind)
    _ok(at)
    assert kinds == {"transposed_size", "transposed_output_padding", "transposed_unet"}


def _size_shown(at: AppTest) -> bool:
    ids = [e.proto.id for e in at.get("bidi_component")]
    shown = [bool(at.metric), any(i.endswith("-tr.grid") for i in ids),
             any(i.endswith("-tr.conv") for i in ids),
             any("nn.ConvTranspose2d" in c.value for c in at.code)]
    assert len(set(shown)) == 1, shown
    return shown[0]


def test_predict_first_hides_the_output_size_until_the_output_padding_mistake_is_named():
    at = predict_first_on(open_page("pages/transposed.py"))
    _ok(at)
    assert not _size_shown(at)
    assert not any("maps" in m.value and "With this page's settings" in m.value
                   for m in at.markdown)  # the output_padding sentence names the size
    forgot = cv.transpose_output_size(3, 3, stride=2, padding=1, output_padding=0)
    right = cv.transpose_output_size(3, 3, stride=2, padding=1, output_padding=1)
    assert (forgot, right) == (5, 6)
    at = check_answer(at, "tr.predict", f"{forgot} x {forgot}")
    (err,) = at.error
    assert "forgot the output padding" in err.value and "The answer is (6, 6)" in err.value
    assert _size_shown(at) and at.metric[0].value == "6 x 6"


def test_predict_first_right_answer_reveals_the_transposed_page():
    at = predict_first_on(open_page("pages/transposed.py",
                                    {"tr.k": "2", "tr.p": "0", "tr.op": "0"}))
    side = cv.transpose_output_size(3, 2, stride=2)
    at = check_answer(at, "tr.predict", str(side))
    _ok(at)
    assert at.success[0].value == f"Right: ({side}, {side})."
    assert _size_shown(at)
