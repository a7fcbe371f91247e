"""The predict-first panel on a small script: hidden until answered, verdicts, kept answers,
a new question when the settings change, the switch kept across pages, progress counted."""

from streamlit.testing.v1 import AppTest

from convviz.teach.progress import Progress


def _script():
    import streamlit as st

    from convviz.teach.questions import Mistake, Question
    from convviz.ui.predict import predict_panel, predict_toggle

    n = st.session_state.get("test.n", 7)  # the page's "setting"
    if st.session_state.get("test.toggle", True):  # False: a page without the switch
        predict_toggle()
        q = Question("output-size", "output_size", f"A {n} x {n} input, a 3 x 3 kernel: side?",
                     (float(n - 2),), f"WORKING: ({n} - 3) / 1 + 1 = {n - 2}",
                     (Mistake("forgot the + 1", (float(n - 3),), "MISTAKE: count the first"),))
        if predict_panel(q, key="t.predict"):
            st.metric("Output size", n - 2)


def _app(**state) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def _on(**state) -> AppTest:
    at = _app(**state)
    at.toggle(key="predict.on").set_value(True).run()
    return at


def _answer(at: AppTest, text: str) -> AppTest:
    at.text_input[0].input(text)
    return at.button[0].click().run()  # Check


def _progress(at: AppTest) -> Progress:
    return at.session_state["learner.progress"]


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_off_shows_the_answer_and_asks_nothing():
    at = _app()
    _ok(at)
    assert at.metric[0].value == "5"
    assert not at.text_input


def test_on_asks_first_and_hides_the_answer():
    at = _on()
    _ok(at)
    assert not at.metric
    assert "A 7 x 7 input" in at.markdown[1].value
    assert at.text_input[0].label == "Your answer"
    assert [b.label for b in at.button] == ["Check", "Show me"]


def test_a_named_mistake_is_named_with_its_working_and_reveals():
    at = _answer(_on(), "4")
    _ok(at)
    (err,) = at.error
    assert err.value == ("Not quite: 4 is what you get if you forgot the + 1. The answer is 5.")
    text = "\n".join(m.value for m in at.markdown)
    assert "MISTAKE: count the first" in text and "WORKING" in text
    assert at.metric[0].value == "5"
    assert _progress(at) == Progress({"output-size": (0, 1)})


def test_right_says_right_with_the_working_and_counts_once():
    at = _answer(_on(), "5")
    _ok(at)
    assert at.success[0].value == "Right: 5."
    assert any("WORKING" in m.value for m in at.markdown)
    assert at.metric[0].value == "5"
    at = _answer(at, "5")  # checked again: the same question is not counted twice
    assert _progress(at) == Progress({"output-size": (1, 1)})


def test_text_that_is_not_a_number_is_explained_and_kept_and_reveals_nothing():
    at = _answer(_on(), "five")
    _ok(at)
    assert at.warning[0].value == "Type a number; you typed 'five'."
    assert not at.metric and not at.error
    assert at.text_input[0].value == "five"
    assert "learner.progress" not in at.session_state


def test_show_me_reveals_without_counting():
    at = _on()
    at.button[1].click().run()
    _ok(at)
    assert at.info[0].value == "The answer is 5."
    assert at.metric[0].value == "5"
    assert "learner.progress" not in at.session_state
    _answer(at, "5")  # seen first: not counted
    assert "learner.progress" not in at.session_state


def test_new_settings_ask_a_new_question_and_the_old_answer_comes_back():
    at = _answer(_on(), "4")
    assert at.metric
    at.session_state["test.n"] = 9
    at.run()
    _ok(at)
    assert not at.metric and not at.error
    assert "A 9 x 9 input" in at.markdown[1].value
    assert at.text_input[0].value == ""
    at.text_input[0].input("6").run()  # typed, not checked yet
    at.session_state["test.n"] = 7
    at.run()
    assert at.text_input[0].value == "4" and at.error and at.metric
    at.session_state["test.n"] = 9
    at.run()
    assert at.text_input[0].value == "6" and not at.metric


def test_the_switch_and_typed_text_survive_a_page_without_them():
    at = _on()
    at.text_input[0].input("3").run()
    at.session_state["test.toggle"] = False  # another page: no switch, no panel
    at.run()
    assert not at.toggle
    at.session_state["test.toggle"] = True
    at.run()
    _ok(at)
    assert at.toggle(key="predict.on").value is True
    assert at.text_input[0].value == "3"
    assert not at.metric


def _stepper():
    import streamlit as st

    from convviz.teach.questions import Question
    from convviz.ui.predict import another_question, predict_panel, predict_toggle

    predict_toggle()
    pos = st.session_state.setdefault("t.pos", 0)
    predict_panel(Question("pooling", "pool_value", f"cell {pos}?", (float(pos),), "w"),
                  key="t.predict")
    another_question("Another cell", key="t.predict", pos_key="t.pos", n_steps=4)


def test_another_question_moves_to_another_step_only_while_predicting():
    at = AppTest.from_function(_stepper, default_timeout=30).run()
    assert not at.button  # off: no button
    at.toggle(key="predict.on").set_value(True).run()
    seen = [at.session_state["t.pos"]]
    for _ in range(3):
        at.button(key="t.predict.another_button").click().run()
        seen.append(at.session_state["t.pos"])
    _ok(at)
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False))
    assert set(seen) <= {0, 1, 2, 3}
    assert f"cell {seen[-1]}?" in at.markdown[1].value


def _practice():
    import streamlit as st

    from convviz.teach.questions import Mistake, Question
    from convviz.ui.predict import practice_block, predict_toggle

    predict_toggle()
    st.metric("Page", "shown")  # the page around a practice question
    practice_block(Question("transposed", "transposed_size", "A 4 x 4 input: side?", (8.0,),
                            "WORKING: 8", (Mistake("forgot the + 1", (7.0,), "MISTAKE: +1"),)),
                   key="t.practice")


def test_a_practice_block_asks_with_the_switch_off_never_hides_and_counts_once():
    at = AppTest.from_function(_practice, default_timeout=30).run()
    _ok(at)
    assert at.toggle(key="predict.on").value is False
    assert at.metric[0].value == "shown" and "A 4 x 4 input" in at.markdown[0].value
    assert [b.label for b in at.button] == ["Check", "Show me"]
    at.text_input[0].input("7")
    at.button[0].click().run()
    _ok(at)
    assert at.error[0].value == ("Not quite: 7 is what you get if you forgot the + 1. The "
                                 "answer is 8.")
    assert any("MISTAKE: +1" in m.value for m in at.markdown)
    assert _progress(at) == Progress({"transposed": (0, 1)})
    at.toggle(key="predict.on").set_value(True).run()  # predict first on: still shown
    assert at.metric[0].value == "shown" and at.error
    at.text_input[0].input("8")
    at.button[0].click().run()  # checked again: the same question counts once
    assert at.success[0].value == "Right: 8."
    assert _progress(at) == Progress({"transposed": (0, 1)})
