"""Output-size questions: answers from PyTorch and the engine, each named mistake recognised
from an answer made independently with that mistake."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.teach.predict_size import (
    output_size_question,
    pool_size_question,
    random_output_size_question,
    random_pool_size_question,
    size_without_plus_one,
)
from convviz.teach.questions import Question, check

from .question_checks import assert_answerable_and_unambiguous

torch = pytest.importorskip("torch")


def _torch_conv_hw(h, w, k, s, p, d):
    conv = torch.nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d)
    return tuple(conv(torch.zeros(1, 1, h, w)).shape[2:])


def _conv_hw(h, w, k, **kw):
    """The shape the engine's conv2d produces (a different path from output_size)."""
    return cv.conv2d(np.zeros((h, w)), np.zeros((k, k)), **kw).shape


def _text(hw):
    return f"({hw[0]}, {hw[1]})"


def _mistake(q: Question, name: str):
    return next(m for m in q.mistakes if m.name == name)


@pytest.mark.parametrize("h,w,k,s,p,d", [
    (7, 7, 3, 1, 0, 1), (28, 28, 3, 1, 1, 1), (8, 10, 3, 2, 1, 1), (9, 9, 3, 2, 0, 2),
    (32, 16, 5, 3, 2, 1), (7, 7, 3, 1, "same", 1), (8, 8, 4, 1, "same", 1),
    (6, 9, 2, 1, "valid", 1),
])
def test_torch_answer_is_pytorchs(h, w, k, s, p, d):
    q = output_size_question(h, w, k, s, p, d)
    assert q.answer == _torch_conv_hw(h, w, k, s, p, d)
    assert q.concept == ("same-padding" if p == "same" else "output-size")
    assert check(q, q.answer_text()).correct
    assert all(isinstance(v, float) for v in q.answer)  # the schema's tuple of float


def test_keras_same_answer_is_ceil_n_over_s():
    q = output_size_question(9, 8, 3, 2, "same", 1, rule="keras")
    assert q.answer == (math.ceil(9 / 2), math.ceil(8 / 2))
    assert "Conv2D" in q.prompt and 'padding="same"' in q.prompt


def test_forgot_the_plus_one():
    h, w, k, s, p = 9, 11, 3, 2, 1
    q = output_size_question(h, w, k, s, p, 1)
    wrong = ((h + 2 * p - k) // s, (w + 2 * p - k) // s)  # the formula without + 1
    v = check(q, _text(wrong))
    assert not v.correct and v.mistake == "forgot the + 1"
    assert size_without_plus_one(h, k, stride=s, padding=p) == wrong[0]


def test_rounded_up_instead_of_down():
    h, w, k, s = 8, 8, 3, 2
    q = output_size_question(h, w, k, s, 0, 1)
    up = math.ceil((h - k) / s) + 1
    assert up != q.answer[0]
    assert check(q, f"{up}").mistake == "rounded up instead of down"


def test_padded_one_side_only():
    h, w, k, s, p = 10, 7, 3, 2, 1
    q = output_size_question(h, w, k, s, p, 1)
    wrong = _conv_hw(h, w, k, stride=s, padding=((p, 0), (p, 0)))
    assert check(q, _text(wrong)).mistake == "padded one side only"


def test_forgot_the_padding():
    h, w, k, p = 8, 8, 5, 2
    q = output_size_question(h, w, k, 1, p, 1)
    wrong = _conv_hw(h, w, k)
    # 8x8 with P = 2 and a 5x5 kernel keeps the size: that answer is "kept the input's size"
    assert check(q, _text(wrong)).mistake == "forgot the padding"
    same = output_size_question(9, 9, 3, 2, "same", 1, rule="keras")
    assert check(same, _text(_conv_hw(9, 9, 3, stride=2))).mistake == "forgot the padding"


def test_forgot_the_dilation():
    h, w, k, d = 12, 12, 3, 3
    q = output_size_question(h, w, k, 1, 0, d)
    assert q.answer == _conv_hw(h, w, k, dilation=d)
    assert check(q, _text(_conv_hw(h, w, k))).mistake == "forgot the dilation"


def test_kept_the_input_size_at_stride_above_one():
    q = output_size_question(16, 12, 3, 2, "same", 1, rule="keras")
    v = check(q, "(16, 12)")
    assert v.mistake == "kept the input's size at stride > 1"
    assert "ceil(n / 2)" in v.working


def test_kept_the_input_size_without_enough_padding():
    q = output_size_question(7, 7, 3, 1, 0, 1)
    v = check(q, "7")
    assert v.mistake == "kept the input's size" and "k_eff - 1 = 2" in v.working


@pytest.mark.parametrize("kw,match", [
    (dict(h=0), "`h` must be a positive integer, got 0"),
    (dict(w=2.5), "`w` must be an integer"),
    (dict(k=0), "`k` must be a positive integer"),
    (dict(s=0), "`s` must be a positive integer"),
    (dict(d=-1), "`d` must be a positive integer"),
    (dict(p=-1), "`p` must be an integer >= 0, got -1"),
    (dict(p="full"), "`p` must be one of"),
    (dict(p=1, rule="keras"), '`p` must be "valid" or "same" with rule="keras"'),
    (dict(p="same", s=2), '`p` "same" needs `s` 1'),
    (dict(p="same", s=2, d=2, rule="keras"), "`d` must be 1 when `s` > 1"),
    (dict(rule="tf"), "`rule` must be one of"),
    (dict(h=2, w=2, k=5), "no output"),
])
def test_argument_errors_name_the_argument(kw, match):
    args = {"h": 7, "w": 7, "k": 3, "s": 1, "p": 0, "d": 1, **kw}
    rule = args.pop("rule", "torch")
    with pytest.raises((TypeError, ValueError), match=match):
        output_size_question(**args, rule=rule)


# --- pooling's output size ---------------------------------------------------------------------

def _torch_pool_hw(h, w, k, s, p, ceil_mode):
    pool = torch.nn.MaxPool2d(k, stride=s, padding=p, ceil_mode=ceil_mode)
    return tuple(pool(torch.zeros(1, 1, h, w)).shape[2:])


@pytest.mark.parametrize("h,w,k,s,p,ceil_mode", [
    (7, 7, 2, None, 0, False), (7, 9, 3, 2, 1, False), (5, 5, 2, 2, 0, True),
    (6, 6, 3, 2, 1, True), (28, 28, 2, None, 0, False),
])
def test_pool_answer_is_pytorchs(h, w, k, s, p, ceil_mode):
    q = pool_size_question(h, w, k, stride=s, padding=p, ceil_mode=ceil_mode)
    assert q.answer == _torch_pool_hw(h, w, k, s or k, p, ceil_mode)
    assert q.concept == "pool-size" and all(isinstance(v, float) for v in q.answer)


def test_pool_mistakes():
    q = pool_size_question(7, 7, 2)
    assert check(q, str((7 - 2) // 2)).mistake == "forgot the + 1"
    assert check(q, str(math.ceil((7 - 2) / 2) + 1)).mistake == "rounded up instead of down"
    assert check(q, str(cv.pool2d(np.zeros((7, 7)), 2, stride=1).shape[0])).mistake \
        == "used stride 1"
    assert check(q, "7").mistake == "kept the input's size"
    up = pool_size_question(5, 5, 2, ceil_mode=True)
    assert check(up, str(cv.pool2d(np.zeros((5, 5)), 2).shape[0])).mistake \
        == "rounded down instead of up"
    padded = pool_size_question(6, 6, 4, stride=1, padding=2)
    assert check(padded, _text(cv.pool2d(np.zeros((6, 6)), 4, stride=1).shape)).mistake \
        == "forgot the padding"
    one_side = cv.pool2d(np.zeros((6, 6)), 4, stride=1, padding=((2, 0), (2, 0))).shape
    assert check(padded, _text(one_side)).mistake == "padded one side only"


@pytest.mark.parametrize("kw,match", [
    (dict(size=0), "`size` must be a positive integer"),
    (dict(stride=0), "`stride` must be a positive integer"),
    (dict(padding=2), "`padding` of 2 is too large for a pool of 2"),
    (dict(ceil_mode=1), "`ceil_mode` must be True or False"),
])
def test_pool_argument_errors(kw, match):
    args = {"size": 2, **kw}
    with pytest.raises((TypeError, ValueError), match=match):
        pool_size_question(7, 7, **args)


# --- random questions --------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_and_unambiguous(seed):
    for make in (random_output_size_question, random_pool_size_question):
        assert_answerable_and_unambiguous(make(np.random.default_rng(seed)))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_output_size_answer_is_the_engines(seed):
    q = random_output_size_question(np.random.default_rng(seed))
    prompt = q.prompt
    h, w = (int(v) for v in prompt.split("**")[1].split(" x "))
    k = int(prompt.split("kernel_size=")[1].split(",")[0])
    s = int(prompt.split("stride=" if "Conv2d" in prompt else "strides=")[1].split(",")[0])
    p_text = prompt.split("padding=")[1].split(",")[0]
    p = p_text.strip('"') if p_text.startswith('"') else int(p_text)
    d = int(prompt.split("dilation=" if "Conv2d" in prompt else "dilation_rate=")[1]
            .split(")")[0])
    assert q.answer == _conv_hw(h, w, k, stride=s, padding=p, dilation=d)


def test_random_questions_are_seeded_and_need_a_generator():
    a = random_output_size_question(np.random.default_rng(3))
    assert a == random_output_size_question(np.random.default_rng(3))
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        random_output_size_question(3)
    with pytest.raises(TypeError, match="`rng`"):
        random_pool_size_question(None)
