"""Parameter-count questions, checked against PyTorch's parameter counts; each named mistake
is recognised from an answer made with that mistake."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.predict_params import (
    conv_params_question,
    dense_params_question,
    random_conv_params_question,
    random_dense_params_question,
    random_params_question,
)
from convviz.teach.questions import check

from .question_checks import (
    assert_answerable_and_unambiguous,
    assert_seeded_and_needs_a_generator,
)

torch = pytest.importorskip("torch")


def _count(module):
    return sum(p.numel() for p in module.parameters())


# --- parameters --------------------------------------------------------------------------------

@pytest.mark.parametrize("kh,kw,c_in,c_out,bias,groups", [
    (3, 3, 1, 32, True, 1), (3, 3, 32, 64, True, 1), (5, 3, 3, 8, False, 1),
    (3, 3, 16, 16, True, 16), (1, 1, 64, 32, True, 4),
])
def test_conv_params_answer_is_pytorchs(kh, kw, c_in, c_out, bias, groups):
    q = conv_params_question(kh, kw, c_in, c_out, bias=bias, groups=groups)
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), groups=groups, bias=bias)
    assert q.answer == (float(_count(layer)),) and q.concept == "parameters"
    assert check(q, q.answer_text()).correct


def test_conv_params_mistakes():
    q = conv_params_question(3, 3, 32, 64)
    no_bias = _count(torch.nn.Conv2d(32, 64, 3, bias=False))
    assert check(q, str(no_bias)).mistake == "forgot the bias"
    assert check(q, str(no_bias + 32 * 64)).mistake == "counted the bias once per channel"
    assert check(q, str(3 * 3 * 64 + 64)).mistake == "forgot to multiply by the input channels"
    assert check(q, str(_count(torch.nn.Conv2d(32, 1, 3)))).mistake == \
        "forgot to multiply by the filters"
    grouped = conv_params_question(3, 3, 16, 32, groups=4)
    assert check(grouped, str(_count(torch.nn.Conv2d(16, 32, 3)))).mistake == "forgot the groups"


def test_dense_params_answer_and_mistakes():
    q = dense_params_question(576, 64)
    assert q.answer == (float(_count(torch.nn.Linear(576, 64))),)
    assert check(q, str(576 * 64)).mistake == "forgot the bias"
    assert check(q, str(2 * 576 * 64)).mistake == "counted a bias per input"
    assert check(q, str(_count(torch.nn.Linear(1, 64)))).mistake == \
        "forgot to multiply by the inputs"
    assert check(q, str(_count(torch.nn.Linear(576, 1)))).mistake == \
        "forgot to multiply by the units"
    assert dense_params_question(10, 3, bias=False).answer == (30.0,)


@pytest.mark.parametrize("call,error,match", [
    (lambda: conv_params_question(0, 3, 1, 1), ValueError, "`kh` must be a positive integer"),
    (lambda: conv_params_question(3, 3, 6, 4, groups=4), ValueError, "`groups` must divide"),
    (lambda: conv_params_question(3, 3, 1, 1, bias=1), TypeError, "`bias` must be True or"),
    (lambda: dense_params_question(0, 3), ValueError, "`n_in` must be a positive integer"),
    (lambda: dense_params_question(3, 2.0), TypeError, "`units` must be an integer"),
])
def test_params_argument_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- random questions --------------------------------------------------------------------------

MAKERS = [random_conv_params_question, random_dense_params_question, random_params_question]


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_and_unambiguous(seed):
    for make in MAKERS:
        assert_answerable_and_unambiguous(make(np.random.default_rng(seed)))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_params_answers_are_pytorchs(seed):
    q = random_conv_params_question(np.random.default_rng(seed))
    code = q.prompt.split("`")[1]  # torch.nn.Conv2d(...), written in the prompt
    assert q.answer == (float(_count(eval(code, {"torch": torch}))),)  # noqa: S307


def test_random_questions_are_seeded_and_need_a_generator():
    for make in MAKERS:
        assert_seeded_and_needs_a_generator(make)
