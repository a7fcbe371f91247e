"""The output-size exercise as a predict-first question (named mistakes, the progress view's
concepts), beside its own check_answer (tested in test_arithmetic.py)."""

import numpy as np
import pytest

import convviz as cv
from convviz.teach import exercise
from convviz.teach.questions import check

EX = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


def test_as_question_matches_the_exercise():
    q = exercise.as_question(EX)
    assert q.answer == (5.0, 5.0) and q.concept == "output-size"
    assert check(q, "5").correct and exercise.check_answer(EX, "5")[0]
    assert check(q, "4").mistake == "forgot the + 1"
    same = exercise.as_question({**EX, "size": 8, "stride": 2, "padding": "same"})
    assert same.concept == "same-padding" and check(same, "8").mistake == \
        "kept the input's size at stride > 1"


def test_as_question_agrees_with_check_answer_on_random_exercises():
    for seed in range(100):
        ex = exercise.random_exercise(np.random.default_rng(seed))
        q = exercise.as_question(ex)
        if q is None:  # "same" with a stride and a dilation: no framework takes it
            assert ex["padding"] == "same" and ex["stride"] > 1 and ex["dilation"] > 1
            continue
        right = cv.output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                               padding=ex["padding"], dilation=ex["dilation"])
        assert q.answer == (right, right)
        assert exercise.check_answer(ex, q.answer_text())[0]


def test_as_question_needs_settings():
    with pytest.raises(ValueError, match="`settings` must hold"):
        exercise.as_question({"size": 7})
