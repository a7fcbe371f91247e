"""One unit's receptive field (convviz.inside.unit_field): the box against the support of
the unit's input gradient, its size against receptive_field, and the gradient against
PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from nn.test_model import to_torch

from convviz.engine.receptive import receptive_field
from convviz.inside.checks import spatial_layers
from convviz.inside.unit_field import unit_gradient, unit_receptive_box
from convviz.nn import AvgPool2D, Conv2D, MaxPool2D, ReLU, Sequential
from inside.models import example


def _positive(model: Sequential) -> Sequential:
    """All weights positive: every ReLU passes, so a unit's gradient reaches its whole field."""
    for layer, key in model.parameters():
        layer.params[key][:] = np.abs(layer.params[key]) + 0.1
    return model


STACKS = [
    ([Conv2D(2, 3), ReLU(), Conv2D(2, 3)], (12, 12, 1)),
    ([Conv2D(2, 5, padding="same"), ReLU(), AvgPool2D(2), Conv2D(3, 5, padding="same")],
     (16, 16, 1)),
    ([Conv2D(2, (3, 5), stride=2, padding=1), AvgPool2D(3, 2), Conv2D(2, 3, stride=(1, 2))],
     (23, 21, 2)),
    ([Conv2D(2, 3, padding="same"), AvgPool2D(2, padding="same"), Conv2D(2, 3, stride=2)],
     (15, 15, 1)),
]


@pytest.mark.parametrize(("layers", "shape"), STACKS)
def test_the_receptive_box_is_the_support_of_the_units_input_gradient(rng, layers, shape):
    model = _positive(Sequential(layers, input_shape=shape, dtype=np.float64))
    x = rng.random(shape) + 0.1
    for li in spatial_layers(model):
        h, w, c = model.layers[li].output_shape
        for r, col in {(0, 0), (h - 1, w - 1), (h // 2, w // 3), (0, w - 1)}:
            box = unit_receptive_box(model, li, r, col)
            grad = unit_gradient(model, x, li, r, col, c - 1)
            rows = np.flatnonzero(np.abs(grad).sum(axis=(1, 2)))
            cols = np.flatnonzero(np.abs(grad).sum(axis=(0, 2)))
            inside = box.clipped(shape[:2])
            assert (rows[0], rows[-1], cols[0], cols[-1]) == (
                inside.top, inside.bottom, inside.left, inside.right), (li, r, col)
            assert (np.abs(grad).sum(axis=2)[inside.top:inside.bottom + 1,
                                              inside.left:inside.right + 1] > 0).all()


def test_the_box_has_receptive_fields_size_and_reaches_into_the_padding():
    model = Sequential([Conv2D(2, 5, padding="same"), ReLU(), MaxPool2D(2),
                        Conv2D(2, 5, padding="same"), MaxPool2D(2)], input_shape=(28, 28, 1))
    size, jump = receptive_field([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)])[-1]
    box = unit_receptive_box(model, 4, 0, 6)
    assert box.size == (size, size) == (16, 16) and jump == 4
    assert box == (-6, 18, 9, 33)  # 2 + 2 * 2 rows of padding before; 6 * 4 - 6 = 18
    assert box.clipped((28, 28)) == (0, 18, 9, 27)


def test_with_max_pooling_the_gradient_stays_inside_the_box(rng):
    model = example()
    x = rng.random((28, 28, 1))
    for li in spatial_layers(model):
        h, w, c = model.layers[li].output_shape
        for r, col in ((0, 0), (h - 1, w - 1), (h // 2, w // 2)):
            box = unit_receptive_box(model, li, r, col).clipped((28, 28))
            grad = np.abs(unit_gradient(model, x, li, r, col, 0))[..., 0]
            outside = grad.copy()
            outside[box.top:box.bottom + 1, box.left:box.right + 1] = 0
            assert not outside.any()


def test_unit_gradient_matches_torch(rng):
    torch = pytest.importorskip("torch")
    model = example()
    net = to_torch(model, torch)
    x = rng.random((28, 28, 1))
    xt = torch.tensor(x.transpose(2, 0, 1)[None].copy(), requires_grad=True)
    out = net[:4](xt)  # conv, relu, pool, conv: layer 3
    out[0, 5, 4, 6].backward()  # (N, C, H, W): channel 5, row 4, col 6
    np.testing.assert_allclose(unit_gradient(model, x, 3, 4, 6, 5),
                               xt.grad.numpy()[0].transpose(1, 2, 0), rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: unit_receptive_box(m, 3, 11, 0), ValueError,
     r"\(`row`, `col`\) must lie in the layer's 11x11 maps, got \(11, 0\)"),
    (lambda m, x: unit_gradient(m, x, 0, 0, 0, 8), ValueError, "`channel`\\) must lie"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
