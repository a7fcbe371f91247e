"""Transposed-convolution size questions: the answer is PyTorch's ConvTranspose2d's, each named
mistake is recognised from an answer made with that mistake."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.teach.predict_transposed import (
    random_transposed_size_question,
    transposed_size_question,
)
from convviz.teach.questions import check

from .question_checks import assert_answerable_and_unambiguous

torch = pytest.importorskip("torch")


def _torch_side(n, k, s=1, p=0, op=0, d=1):
    layer = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op,
                                     dilation=d)
    return int(layer(torch.zeros(1, 1, n, n)).shape[-1])


@pytest.mark.parametrize("n,k,s,p,op,d", [
    (4, 3, 2, 1, 1, 1), (28, 2, 2, 0, 0, 1), (7, 3, 3, 2, 2, 1), (5, 3, 1, 1, 0, 1),
    (3, 3, 1, 0, 1, 2), (4, 4, 2, 1, 0, 2),
])
def test_answer_is_pytorchs(n, k, s, p, op, d):
    q = transposed_size_question(n, k, stride=s, padding=p, output_padding=op, dilation=d)
    side = float(_torch_side(n, k, s, p, op, d))
    assert q.answer == (side, side) and q.concept == "transposed"
    assert check(q, str(int(side))).correct and check(q, q.answer_text()).correct
    assert f"output_padding={op}" in q.prompt


def test_used_the_convolutions_formula():
    q = transposed_size_question(8, 3, stride=2, padding=1, output_padding=1)
    conv_side = cv.conv2d(np.zeros((8, 8)), np.zeros((3, 3)), stride=2, padding=1).shape[0]
    v = check(q, str(conv_side))
    assert v.mistake == "used the convolution's formula"
    assert "turns its 16 cells back into 8" in v.working
    assert cv.output_size(16, 3, stride=2, padding=1) == 8  # the sentence is true


def test_forgot_the_output_padding_and_the_padding():
    q = transposed_size_question(7, 3, stride=3, padding=2, output_padding=2)
    assert check(q, str(_torch_side(7, 3, 3, 2, 0))).mistake == "forgot the output padding"
    assert check(q, str(_torch_side(7, 3, 3, 0, 2))).mistake == "forgot to subtract the padding"


def test_started_from_n_times_s_and_forgot_the_plus_one():
    n, k, s = 16, 3, 2
    q = transposed_size_question(n, k, stride=s)
    assert check(q, str(n * s + (k - 1) + 1)).mistake == "started from n × s"
    assert check(q, str((n - 1) * s + (k - 1))).mistake == "forgot the + 1"


def test_forgot_the_dilation():
    q = transposed_size_question(5, 3, stride=1, dilation=3)
    assert check(q, str(_torch_side(5, 3, 1, 0, 0, 1))).mistake == "forgot the dilation"


@pytest.mark.parametrize("kw,error,match", [
    (dict(n=0), ValueError, "`n` must be a positive integer, got 0"),
    (dict(k=1.5), TypeError, "`k` must be an integer"),
    (dict(stride=0), ValueError, "`stride` must be a positive integer"),
    (dict(padding=-1), ValueError, "`padding` must be an integer >= 0"),
    (dict(output_padding=2, stride=2), ValueError,
     r"`output_padding` must be smaller than the stride \(2\) or the dilation \(1\)"),
    (dict(n=1, k=1, padding=1), ValueError, "no output"),
])
def test_argument_errors_name_the_argument(kw, error, match):
    args = {"n": 4, "k": 3, **kw}
    n, k = args.pop("n"), args.pop("k")
    with pytest.raises(error, match=match):
        transposed_size_question(n, k, **args)


def test_pytorch_refuses_what_the_question_refuses():
    with pytest.raises(RuntimeError):
        _torch_side(4, 3, 2, 0, 2, 1)  # output_padding 2 with stride 2, dilation 1


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_unambiguous_and_pytorchs(seed):
    q = random_transposed_size_question(np.random.default_rng(seed))
    assert_answerable_and_unambiguous(q, min_mistakes=2)
    layer = eval(q.prompt.split("`")[1], {"torch": torch})  # noqa: S307
    n = int(q.prompt.split("**")[1].split(" x ")[0])
    assert q.answer[0] == layer(torch.zeros(1, 1, n, n)).shape[-1]


def test_random_questions_are_seeded_and_need_a_generator():
    assert random_transposed_size_question(np.random.default_rng(5)) == \
        random_transposed_size_question(np.random.default_rng(5))
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        random_transposed_size_question(5)


def test_forgot_the_plus_one_working_counts_both_ends():
    v = check(transposed_size_question(3, 2, stride=2), "5")  # (3 - 1) * 2 + 1 + 1 = 6
    assert v.mistake == "forgot the + 1" and "both ends" in v.working
