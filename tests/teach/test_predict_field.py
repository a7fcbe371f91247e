"""Receptive-field questions, checked against a unit's gradient footprint in PyTorch; each
named mistake is recognised from an answer made with that mistake."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.predict_field import (
    random_receptive_field_question,
    receptive_field_question,
)
from convviz.teach.questions import check

from .question_checks import (
    assert_answerable_and_unambiguous,
    assert_seeded_and_needs_a_generator,
)

torch = pytest.importorskip("torch")


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


# --- random questions --------------------------------------------------------------------------

MAKERS = [random_receptive_field_question]


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_and_unambiguous(seed):
    for make in MAKERS:
        assert_answerable_and_unambiguous(make(np.random.default_rng(seed)))


def test_random_questions_are_seeded_and_need_a_generator():
    for make in MAKERS:
        assert_seeded_and_needs_a_generator(make)
