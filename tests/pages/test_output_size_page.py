"""AppTest runs of pages/output_size.py: widgets, shown sizes, errors, code, predict first and
the practice question."""

import json

import numpy as np
import pytest
from apptest import answer_box, check_answer, markdown_text, open_page, predict_first_on
from streamlit.testing.v1 import AppTest

import convviz as cv
from convviz.draw.window_grid import window_grid_payload
from convviz.teach import arithmetic as ar
from convviz.teach import exercise
from convviz.teach.questions import CONCEPTS
from convviz.ui.nav import PAGES


def _next_title() -> str:
    paths = [p.path for p in PAGES]
    return PAGES[paths.index("pages/output_size.py") + 1].title


def _run(**params: str) -> AppTest:
    return open_page("pages/output_size.py", params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _size(at: AppTest) -> str:
    (metric,) = at.metric
    return metric.value


def _codes(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def _payload(at: AppTest) -> dict:
    """The data the page sent to the grid view component in the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-size.grid")]
    assert el.proto.component_name == "convviz.grid"
    return json.loads(el.proto.json)


def _pick(at: AppTest, step: int) -> AppTest:
    """What the browser does when its player stops at ``step`` (0-based): a new report."""
    seen = at.session_state["size.grid.seen"] if "size.grid.seen" in at.session_state else None
    at.session_state["size.grid"] = {"pick": {"step": step, "seq": seen["seq"] + 1 if seen
                                              else 1}}
    return at.run()


def test_default_is_7x7_with_3x3():
    at = _run()
    _ok(at)
    assert _size(at) == "5 x 5"
    assert "floor((7 + 0 + 0 - 3) / 1) + 1 = 5" in _codes(at)
    assert ('nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=0, dilation=1, '
            'padding_mode="zeros")') in _codes(at)
    assert "layers.Conv2D(8, kernel_size=3" in _codes(at)
    assert any("28x28 gives 26x26" in m.value for m in at.markdown)
    assert any(f"Next: {_next_title()}" in link.label for link in at.get("page_link"))


def test_widgets_change_the_size():
    at = _run()
    at.slider(key="size.k").set_value(5).run()
    at.selectbox(key="size.p").select("same").run()
    _ok(at)
    assert _size(at) == "7 x 7"
    at.slider(key="size.s").set_value(2).run()
    at.selectbox(key="size.p").select(1).run()
    at.slider(key="size.w").set_value(12).run()
    _ok(at)
    expect = (cv.output_size(7, 5, stride=2, padding=1), cv.output_size(12, 5, stride=2, padding=1))
    assert _size(at) == f"{expect[0]} x {expect[1]}" == "3 x 5"
    assert "rows:" in _codes(at) and "columns:" in _codes(at)


def test_dilation_and_the_step_slider():
    at = _run()
    at.slider(key="size.d").set_value(2).run()
    _ok(at)
    assert _size(at) == "3 x 3"
    assert "k_eff = d * (k - 1) + 1 = 2 * (3 - 1) + 1 = 5" in _codes(at)
    _pick(at, 8)  # the player stopped on the last window
    _ok(at)
    assert any("Window 9 of 9: taps on padded rows [2, 4, 6]" in c.value for c in at.caption)
    assert at.query_params["size.pos"] == "8"  # the URL and the share link follow
    sent = _payload(at)
    assert sent["step"] == 8
    want = window_grid_payload(ar.window_grid((7, 7), 3, 1, 0, 2), step=8)
    assert sent == json.loads(json.dumps(want))
    assert len(at.get("image")) == 1  # the thumbnails only: no server-drawn window frame


def test_invalid_combination_is_explained_not_raised():
    at = _run()
    at.button(key="size.ex5").click().run()  # the "Too wide" example
    assert not at.exception
    assert not at.metric
    text = " ".join(e.value for e in at.error)
    assert "the kernel, 9 wide with dilation, is wider than the padded input, 7" in text
    assert any("a kernel of at most 4 at dilation 2" in m.value for m in at.markdown)


def test_framework_rules():
    at = _run(**{"size.s": "2", "size.d": "2", "size.h": "9", "size.w": "9"})
    at.radio(key="size.rule").set_value("keras").run()
    assert not at.exception
    assert any("Keras refuses strides > 1" in w.value for w in at.warning)
    assert "Keras raises ValueError here" in _codes(at)
    at = _run(**{"size.k": "2", "size.s": "2", "size.h": "5", "size.w": "5",
                 "size.rule": "pool_ceil"})
    _ok(at)
    assert _size(at) == "3 x 3"
    assert "ceil_mode=True" in _codes(at)
    assert "ceil((5 + 0 + 0 - 2) / 2) + 1 = 3" in _codes(at)
    at = _run(**{"size.p": "same", "size.s": "2"})
    assert not at.exception
    assert any('PyTorch refuses padding="same"' in w.value for w in at.warning)
    assert _size(at) == "4 x 4"


def test_url_settings_and_bad_url_values():
    at = _run(**{"size.h": "28", "size.k": "4"})
    assert not at.exception
    assert any("size.h=28" in w.value for w in at.warning)  # out of range: default used
    assert _size(at) == "4 x 4"
    assert at.query_params["size.k"] in ("4", ["4"])  # written back to the URL


def _practice(at: AppTest):
    """The practice question the page asks now: its settings and the question."""
    n = at.session_state["size.practice_n"] if "size.practice_n" in at.session_state else 0
    return exercise.random_practice(np.random.default_rng(n))


def _home_progress(at: AppTest) -> str:
    at.switch_page("pages/home.py").run()
    return markdown_text(at)


def test_practice_is_asked_below_the_page_with_predict_first_off():
    at = _run()
    _ok(at)
    ex, q = _practice(at)
    assert ex == exercise.random_practice(np.random.default_rng(0))[0]
    assert "Practice: output sizes" in [h.value for h in at.header]
    assert q.prompt in markdown_text(at)
    assert _size(at) == "5 x 5"  # the page is not hidden


def test_a_practice_mistake_is_named_and_counts_in_the_progress():
    at = _run()
    ex, q = _practice(at)
    wrong = q.mistakes[0]
    at = check_answer(at, "size.practice", f"{int(wrong.answer[0])} x {int(wrong.answer[1])}")
    assert not at.exception
    (err,) = at.error
    assert f"if you {wrong.name}. The answer is {q.answer_text()}." in err.value
    assert _size(at) == "5 x 5"
    assert f"**{CONCEPTS[q.concept]}**: 0 right of 1 answered" in _home_progress(at)


def test_a_right_practice_answer_counts_once_in_the_progress():
    at = _run()
    ex, q = _practice(at)
    right = cv.output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                           padding=ex["padding"], dilation=ex["dilation"])
    at = check_answer(at, "size.practice", f"{right}x{right}")
    _ok(at)
    assert at.success[0].value == f"Right: ({right}, {right})."
    at = check_answer(at, "size.practice", str(right))  # the same question again: counted once
    assert at.session_state["learner.progress"].counts == {q.concept: (1, 1)}


def test_practice_text_that_is_not_a_size_is_explained_and_not_counted():
    at = check_answer(_run(), "size.practice", "about five")
    assert not at.exception and not at.error
    assert at.warning[0].value == "Type 2 numbers, like (5, 5); you typed 'about five'."
    assert "learner.progress" not in at.session_state


def test_new_practice_question_is_seeded_and_draw_it_loads_its_settings():
    at = _run()
    first = _practice(at)[1]
    at = check_answer(at, "size.practice", "3")
    at.button(key="size.practice.new").click().run()
    assert not at.exception
    assert at.session_state["size.practice_n"] == 1
    ex, q = _practice(at)
    assert q != first and q.prompt in markdown_text(at)
    box = answer_box(at, "size.practice")
    assert box.value == ""  # a new question, a new answer box
    for _ in range(20):  # find a question that fits the grid (inputs up to 16)
        ex, q = _practice(at)
        if ex["size"] <= 16:
            break
        at.button(key="size.practice.new").click().run()
    else:
        pytest.skip("no small question in 20 draws")
    at.button(key="size.practice.draw").click().run()
    assert not at.exception
    assert at.slider(key="size.h").value == at.slider(key="size.w").value == ex["size"]
    assert at.slider(key="size.k").value == ex["kernel_size"]
    assert at.radio(key="size.rule").value == ("keras" if ex["padding"] == "same" else "torch")
    right = int(q.answer[0])
    assert _size(at) == f"{right} x {right}"


def test_practice_kept_size_mistake_says_what_keeps_the_size():
    at = _run()
    for n in range(1, 200):  # a drawn layer whose mistake "kept the input's size" is named
        ex, q = exercise.random_practice(np.random.default_rng(n))
        kept = [m for m in q.mistakes if m.name == "kept the input's size"]
        if kept and ex["stride"] > 1:
            break
    at.session_state["size.practice_n"] = n
    at.run()
    at = check_answer(at, "size.practice", str(ex["size"]))
    assert not at.exception
    assert "kept the input's size" in at.error[0].value
    text = markdown_text(at)
    assert 'Only "same"' not in text
    assert f"and the stride is {ex['stride']}: the windows jump" in text


def test_padding_text_says_what_the_window_counts_show():
    at = _run()
    _ok(at)
    text = markdown_text(at)
    assert "their due" not in text and "as often as the rest" not in text
    assert ar.padding_coverage_text(3) in text
    assert "a corner is under 4, the centre under 9" in text
    assert "each axis loses k_eff − 1 = d (k − 1) cells, 2 for this kernel" in text
    assert "28x28 gives 26x26, 1 cell lost at each border" in text
    at.slider(key="size.d").set_value(2).run()
    assert "each axis loses k_eff − 1 = d (k − 1) cells, 4 for this kernel" in markdown_text(at)


def test_same_padding_text_gives_the_stride_1_rule_only_for_stride_1():
    at = _run(**{"size.h": "8", "size.w": "8", "size.s": "2", "size.p": "same"})
    assert not at.exception
    text = markdown_text(at)
    assert "(an even kernel pads one more at the bottom/right)" not in text
    assert ar.same_padding_text(8, 3, 2) in text
    assert '"same" pads (0, 1)' in text
    notes = " ".join(i.value for i in at.info)
    assert "uneven" in notes and "as in Keras and PyTorch" not in notes
    assert 'PyTorch refuses "same" with a stride above 1' in notes


def test_padding_modes_pytorch_refuses_are_errors_and_never_printed_as_code():
    at = _run(**{"size.h": "3", "size.w": "3", "size.p": "5", "size.mode": "reflect"})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("This convolution cannot be computed: ")
    assert "reflect padding must be less than 3" in errors[0]
    assert not at.metric  # no "11 x 11" shown as if PyTorch computed it
    assert "torch.Size([1, 8, 11, 11])" not in _codes(at)
    assert "layer(x)  # RuntimeError" in _codes(at)
    at.selectbox(key="size.mode").set_value("circular").run()
    assert "circular padding can be at most 3" in at.error[0].value
    at.selectbox(key="size.p").set_value(3).run()
    _ok(at)
    assert _size(at) == "7 x 7" and "torch.Size([1, 8, 7, 7])" in _codes(at)
    at.selectbox(key="size.mode").set_value("replicate").run()
    at.selectbox(key="size.p").set_value(5).run()
    _ok(at)
    assert _size(at) == "11 x 11"


def test_the_same_label_says_what_same_keeps():
    at = _run(**{"size.h": "7", "size.w": "7", "size.s": "2", "size.p": "same"})
    _ok(at)
    assert "same (ceil(n / s) outputs)" in at.selectbox(key="size.p").options
    assert _size(at) == f"{cv.output_size(7, 3, stride=2, padding='same')} x 4" == "4 x 4"


def test_a_window_from_the_link_and_a_smaller_layout_clip_the_step():
    at = _run(**{"size.pos": "7"})
    _ok(at)
    assert any("Window 8 of 25: taps on padded rows [1, 2, 3] and columns [2, 3, 4]" in c.value
               for c in at.caption)
    at.slider(key="size.s").set_value(2).run()  # 3 x 3 windows now
    _ok(at)
    assert any(c.value.startswith("Window 8 of 9: taps on padded rows [4, 5, 6] and columns "
                                  "[2, 3, 4]") for c in at.caption)
    assert _payload(at)["n_steps"] == 9 and _payload(at)["step"] == 7
    at.slider(key="size.w").set_value(3).run()  # 3 x 1 windows: the step is clipped
    _ok(at)
    assert any(c.value.startswith("Window 3 of 3:") for c in at.caption)


def test_the_window_strip_numbers_each_thumbnail_in_a_caption():
    at = _run(**{"size.s": "2", "size.p": "1"})  # 7x7, 3x3, stride 2, padding 1: 4x4 windows
    _ok(at)
    (strip,) = at.get("image")
    assert [img.caption for img in strip.proto.imgs] == [f"window {i}" for i in range(1, 17)]
    assert any(c.value == "All 16 windows, numbered as the output cells." for c in at.caption)
    at = _run(**{"size.h": "16", "size.w": "16"})  # 14x14 = 196 windows: 36 evenly spaced
    _ok(at)
    (strip,) = at.get("image")
    picks = np.unique(np.linspace(0, 195, 36).round().astype(int)) + 1
    assert [img.caption for img in strip.proto.imgs] == [f"window {i}" for i in picks]
    assert any(c.value.startswith("36 of the 196 windows, evenly spaced") for c in at.caption)


def _predict_on(**params: str) -> AppTest:
    return predict_first_on(_run(**params))


def _revealed(at: AppTest) -> bool:
    shown = [bool(at.metric), any("size.grid" in e.proto.id for e in at.get("bidi_component")),
             "Every window position" in [h.value for h in at.header],
             any("nn.Conv2d" in c.value for c in at.code)]
    assert len(set(shown)) == 1, shown  # all of the answer, or none of it
    return shown[0]


def test_predict_first_hides_the_size_until_a_wrong_answer_names_its_mistake():
    at = _predict_on()
    _ok(at)
    assert not _revealed(at)
    assert "What is the output's **(height, width)**?" in markdown_text(at)
    assert not any("gives 5 outputs" in m.value for m in at.markdown)  # the stride sentence
    at = check_answer(at, "size.predict", "4 x 4")
    assert not at.exception
    (err,) = at.error
    assert "forgot the + 1" in err.value and "The answer is (5, 5)" in err.value
    assert _revealed(at) and _size(at) == "5 x 5"
    at.switch_page("pages/home.py").run()  # the answer counts in "Your progress"
    assert any("**The output size: padding, stride, dilation**: 0 right of 1 answered" in
               m.value for m in at.markdown)


def test_predict_first_right_answer_reveals_and_new_settings_ask_again():
    at = _predict_on(**{"size.rule": "keras", "size.p": "same", "size.s": "2", "size.h": "8",
                        "size.w": "8"})
    _ok(at)
    assert not _revealed(at)
    at = check_answer(at, "size.predict", "(8, 8)")
    assert "kept the input's size at stride > 1" in at.error[0].value
    at.slider(key="size.s").set_value(3).run()
    assert not _revealed(at)  # a new question
    at = check_answer(at, "size.predict", "(3, 3)")
    _ok(at)
    assert at.success[0].value == "Right: (3, 3)."
    assert _revealed(at) and _size(at) == "3 x 3" == f"{-(-8 // 3)} x {-(-8 // 3)}"


def test_predict_first_asks_nothing_where_pytorch_has_no_rule():
    at = _predict_on(**{"size.p": "full"})
    _ok(at)
    assert _revealed(at)
    assert not [t for t in at.text_input if t.key.startswith("size.predict.")]


def test_a_progress_link_on_this_page_is_loaded_and_the_address_keeps_the_settings():
    at = _run(progress="output-size.2.3")
    _ok(at)
    assert at.session_state["learner.progress"].counts == {"output-size": (2, 3)}
    assert "progress" not in at.query_params and at.query_params["size.k"] == "3"
