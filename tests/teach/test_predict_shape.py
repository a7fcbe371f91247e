"""Layer-shape questions, checked against the shapes PyTorch's layers produce; each named
mistake is recognised from an answer made with that mistake."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.predict_shape import layer_shape_question, random_layer_shape_question
from convviz.teach.questions import check

from .question_checks import (
    assert_answerable_and_unambiguous,
    assert_seeded_and_needs_a_generator,
)

torch = pytest.importorskip("torch")


def _torch_shape(input_shape, kind, k, filters=None, stride=None, padding=0):
    h, w, c = input_shape
    if kind == "conv":
        layer = torch.nn.Conv2d(c, filters, k, stride=stride or 1, padding=padding)
    elif kind == "maxpool":
        layer = torch.nn.MaxPool2d(k, stride=stride, padding=padding)
    else:
        layer = torch.nn.AvgPool2d(k, stride=stride, padding=padding)
    _, c2, h2, w2 = layer(torch.zeros(1, c, h, w)).shape
    return (float(h2), float(w2), float(c2))


@pytest.mark.parametrize("shape,kind,k,filters,stride,padding", [
    ((28, 28, 1), "conv", 3, 32, None, 0), ((26, 26, 32), "maxpool", 2, None, None, 0),
    ((13, 13, 32), "conv", 3, 64, None, 0), ((11, 11, 64), "avgpool", 2, None, None, 0),
    ((32, 24, 3), "conv", 5, 16, 2, 2), ((14, 14, 8), "maxpool", 3, None, 2, 1),
])
def test_layer_shape_answer_is_pytorchs(shape, kind, k, filters, stride, padding):
    q = layer_shape_question(shape, kind, k, filters=filters, stride=stride, padding=padding)
    assert q.answer == _torch_shape(shape, kind, k, filters, stride, padding)
    assert q.concept == "shapes" and check(q, q.answer_text()).correct


def test_layer_shape_keras_same():
    q = layer_shape_question((13, 13, 8), "conv", 3, filters=4, stride=2, padding="same")
    assert q.answer == (7.0, 7.0, 4.0)  # Keras: ceil(13 / 2) = 7


def test_layer_shape_mistakes():
    q = layer_shape_question((28, 28, 1), "conv", 3, filters=32)
    assert check(q, "(26, 26, 1)").mistake == "kept the input's channels"
    assert check(q, f"({28 - 3}, {28 - 3}, 32)").mistake == "forgot the + 1"
    padded = layer_shape_question((14, 14, 3), "conv", 5, filters=8, stride=2, padding=2)
    no_pad = _torch_shape((14, 14, 3), "conv", 5, 8, 2, 0)
    assert check(padded, str(no_pad)).mistake == "forgot the padding"
    one = _torch_shape((14, 14, 3), "conv", 5, 8, 1, 2)
    assert check(padded, str(one)).mistake == "used stride 1"
    pool = layer_shape_question((26, 26, 32), "maxpool", 2)
    assert check(pool, str(_torch_shape((26, 26, 32), "maxpool", 2, stride=1))).mistake == \
        "used stride 1"
    assert check(pool, "(26, 26, 32)").mistake == "kept the input's size"


@pytest.mark.parametrize("kw,error,match", [
    (dict(input_shape=(28, 28)), ValueError, r"`input_shape` must be \(height, width, channels"),
    (dict(input_shape=(28, 0, 1)), ValueError, r"`input_shape\[1\]` must be a positive"),
    (dict(kind="dense"), ValueError, "`kind` must be one of"),
    (dict(filters=None), ValueError, '`filters` must be given for kind="conv"'),
    (dict(kind="maxpool", filters=3), ValueError, "`filters` must be None for pooling"),
    (dict(kind="maxpool", filters=None, kernel_size=2, padding=2), ValueError,
     "`padding` of 2 is too large"),
    (dict(kernel_size=0), ValueError, "`kernel_size` must be a positive integer"),
    (dict(stride=0), ValueError, "`stride` must be a positive integer"),
    (dict(input_shape=(2, 2, 1), kernel_size=5), ValueError, "no output"),
])
def test_layer_shape_argument_errors(kw, error, match):
    args = {"input_shape": (28, 28, 1), "kind": "conv", "kernel_size": 3, "filters": 8,
            "stride": None, "padding": 0, **kw}
    with pytest.raises(error, match=match):
        layer_shape_question(args["input_shape"], args["kind"], args["kernel_size"],
                             filters=args["filters"], stride=args["stride"],
                             padding=args["padding"])


# --- random questions --------------------------------------------------------------------------

MAKERS = [random_layer_shape_question]


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_and_unambiguous(seed):
    for make in MAKERS:
        assert_answerable_and_unambiguous(make(np.random.default_rng(seed)))


def test_random_questions_are_seeded_and_need_a_generator():
    for make in MAKERS:
        assert_seeded_and_needs_a_generator(make)
