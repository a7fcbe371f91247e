"""Layer questions: parameter counts (checked against PyTorch), receptive fields (checked
against a unit's gradient footprint in PyTorch) and layer shapes; each named mistake is
recognised from an answer made with that mistake."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.predict_layers import (
    conv_params_question,
    dense_params_question,
    layer_shape_question,
    random_conv_params_question,
    random_dense_params_question,
    random_layer_shape_question,
    random_params_question,
    random_receptive_field_question,
    receptive_field_question,
)
from convviz.teach.questions import check

from .question_checks import assert_answerable_and_unambiguous

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


# --- receptive field ---------------------------------------------------------------------------

def _torch_field(layers):
    """The receptive field of the last layer's centre unit, from where its gradient reaches
    in the input (all-ones weights, so every tap counts)."""
    mods = []
    for k, s, d in layers:
        conv = torch.nn.Conv2d(1, 1, k, stride=s, dilation=d, bias=False)
        torch.nn.init.ones_(conv.weight)
        mods.append(conv)
    x = torch.zeros(1, 1, 96, 96, requires_grad=True)
    y = torch.nn.Sequential(*mods)(x)
    y[0, 0, y.shape[2] // 2, y.shape[3] // 2].backward()
    cols = (x.grad[0, 0] != 0).any(dim=0).nonzero()
    return int(cols.max() - cols.min() + 1)


@pytest.mark.parametrize("layers", [
    [(3, 1, 1), (3, 1, 1)], [(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)],
    [(3, 2, 1), (3, 1, 2)], [(3, 1, 1), (2, 2, 1), (3, 1, 1)],
])
def test_receptive_field_answer_is_pytorchs_footprint(layers):
    q = receptive_field_question(layers)
    assert q.answer == (float(_torch_field(layers)),) and q.concept == "receptive-field"
    assert check(q, q.answer_text()).correct


def test_receptive_field_mistakes():
    layers = [(5, 2, 1), (3, 1, 3)]
    q = receptive_field_question(layers)
    no_strides = 1 + sum(d * (k - 1) for k, _, d in layers)  # 1 + sum of d(k - 1)
    assert check(q, str(no_strides)).mistake == "ignored the strides"
    assert check(q, str(math.prod(k for k, _, _ in layers))).mistake == \
        "multiplied the kernel sizes"
    assert check(q, str(_torch_field([(k, s, 1) for k, s, _ in layers]))).mistake == \
        "forgot the dilation"
    plain = receptive_field_question([(3, 1, 1), (3, 1, 1), (3, 1, 1)])  # sees 7 x 7
    assert check(plain, str(3 + 3 + 3)).mistake == "added the kernel sizes"
    assert "| 2 | 3 | 1 | 1 |" in plain.prompt
    assert plain.working.endswith(f"**{plain.answer_text()} x {plain.answer_text()}** input "
                                  "pixels.")


@pytest.mark.parametrize("layers,error,match", [
    ([], ValueError, "`layers` must hold 1 to 8 layers, got 0"),
    ([(3, 1, 1)] * 9, ValueError, "`layers` must hold 1 to 8 layers, got 9"),
    ([(3, 0, 1)], ValueError, r"`layers\[0\] stride` must be a positive integer"),
    ([(3, 1)], ValueError, r"`layers\[0\]` must be a \(kernel_size, stride, dilation\)"),
    ("331", TypeError, "`layers` must be a sequence"),
])
def test_receptive_field_argument_errors(layers, error, match):
    with pytest.raises(error, match=match):
        receptive_field_question(layers)


# --- shapes ------------------------------------------------------------------------------------

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

MAKERS = [random_conv_params_question, random_dense_params_question, random_params_question,
          random_receptive_field_question, random_layer_shape_question]


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
        assert make(np.random.default_rng(7)) == make(np.random.default_rng(7))
        with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
            make(7)
