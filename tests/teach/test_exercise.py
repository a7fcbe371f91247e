"""The output-size exercise as a predict-first question: seeded random settings, the
question with the named mistakes of the predict-first generators, the progress view's
concepts."""

import numpy as np
import pytest

import convviz as cv
from convviz.teach import exercise
from convviz.teach.questions import check

EX = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


def test_random_exercise_is_seeded_and_always_valid():
    assert exercise.random_exercise(np.random.default_rng(5)) == \
        exercise.random_exercise(np.random.default_rng(5))
    seen = set()
    for seed in range(200):
        ex = exercise.random_exercise(np.random.default_rng(seed))
        assert cv.output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                              padding=ex["padding"], dilation=ex["dilation"]) >= 1
        seen.add((ex["stride"], ex["padding"], ex["dilation"]))
    assert len(seen) > 10  # varied


def test_random_exercise_needs_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        exercise.random_exercise(3)


def test_as_question_matches_the_exercise():
    q = exercise.as_question(EX)
    assert q.answer == (5.0, 5.0) and q.concept == "output-size"
    assert check(q, "5").correct and check(q, "5x5").correct and check(q, "(5, 5)").correct
    assert check(q, "4").mistake == "forgot the + 1"
    same = exercise.as_question({**EX, "size": 8, "stride": 2, "padding": "same"})
    assert same.concept == "same-padding" and check(same, "8").mistake == \
        "kept the input's size at stride > 1"
    assert 'padding="same"' in same.prompt


def test_as_question_is_the_engines_size_on_random_exercises():
    for seed in range(100):
        ex = exercise.random_exercise(np.random.default_rng(seed))
        q = exercise.as_question(ex)
        if q is None:  # "same" with a stride and a dilation: no framework takes it
            assert ex["padding"] == "same" and ex["stride"] > 1 and ex["dilation"] > 1
            continue
        right = cv.output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                               padding=ex["padding"], dilation=ex["dilation"])
        assert q.answer == (right, right)
        assert check(q, q.answer_text()).correct


def test_as_question_needs_settings():
    with pytest.raises(ValueError, match="`settings` must hold"):
        exercise.as_question({"size": 7})


def test_random_practice_is_seeded_and_always_a_question_with_named_mistakes():
    a = exercise.random_practice(np.random.default_rng(3))
    assert a == exercise.random_practice(np.random.default_rng(3))
    kinds = set()
    for seed in range(150):
        ex, q = exercise.random_practice(np.random.default_rng(seed))
        assert q == exercise.as_question(ex)  # the settings the page can draw are asked
        assert q.mistakes and q.concept in ("output-size", "same-padding")
        wrong = q.mistakes[0]
        verdict = check(q, f"{int(wrong.answer[0])} x {int(wrong.answer[1])}")
        assert not verdict.correct and verdict.mistake == wrong.name
        kinds.add(q.concept)
    assert kinds == {"output-size", "same-padding"}
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator, got int"):
        exercise.random_practice(0)
