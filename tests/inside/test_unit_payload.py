"""convviz.inside.unit_payload: one unit's grids carry its own numbers, and the lines add them
up to the layer's output."""

import numpy as np
import pytest

from convviz.draw.grid_data import MARK, PAD
from convviz.draw.numbers import format_value
from convviz.inside.network_view import unit_computation
from convviz.inside.unit_payload import unit_lines, unit_payload
from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential


@pytest.fixture(scope="module")
def model():
    return Sequential([Conv2D(6, 3, padding="same"), ReLU(), MaxPool2D(2), Conv2D(3, 3),
                       Flatten(), Dense(5), ReLU(), Dense(3)], input_shape=(8, 8, 1), seed=2)


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random((8, 8, 1)).astype(np.float32)


def _t(v) -> str:
    return format_value(float(v), digits=3)


def test_a_conv_unit_shows_the_maps_that_add_most_and_every_maps_sum(model, x):
    u = unit_computation(model, x, 3, (1, 0, 2))  # reads 6 maps of max_pool2d_1
    p = unit_payload(u, max_maps=2)
    ids = [q["id"] for q in p["panels"]]
    sums = u.products.sum(axis=(0, 1))
    top = sorted(np.argsort(-np.abs(sums))[:2].tolist())
    assert ids == [f"{k}{c + 1}" for c in top for k in ("in", "w", "p")] + ["sums"]
    panels = {q["id"]: q for q in p["panels"]}
    c = top[0]
    assert panels[f"in{c + 1}"]["text"] == [_t(v) for v in u.inputs[..., c].ravel()]
    assert panels[f"w{c + 1}"]["text"] == [_t(v) for v in u.weights[..., c].ravel()]
    assert panels[f"p{c + 1}"]["text"] == [_t(v) for v in u.products[..., c].ravel()]
    assert panels["sums"]["text"][:6] == [_t(v) for v in sums]
    assert all(q["legend"] for q in p["panels"])
    lines = p["steps"]["lines"][0]
    assert lines[0].startswith("Shown: the 2 maps whose products add up to the most")
    assert lines[-1] == f"conv2d_2 computes {format_value(u.output, digits=4)}"


def test_a_padded_conv_unit_hatches_the_padding(model, x):
    p = unit_payload(unit_computation(model, x, 0, (0, 0, 0)))
    window = p["panels"][0]
    assert window["flags"][:4] == [PAD, PAD, PAD, PAD] and window["text"][0] == ""
    assert "(padding reads 0)" in p["steps"]["lines"][0][0]


def test_a_max_pool_unit_circles_its_winner(model, x):
    u = unit_computation(model, x, 2, (1, 2, 3))
    (panel,) = unit_payload(u)["panels"]
    k = u.winner[0] * 2 + u.winner[1]
    assert [i for i, f in enumerate(panel["flags"]) if f & MARK] == [k]
    assert panel["text"][k] == _t(u.output)


def test_a_dense_unit_shows_its_largest_products_and_what_the_rest_add_up_to(model, x):
    u = unit_computation(model, x, 5, (4,))  # 12 inputs (2x2x3)
    p = unit_payload(u, max_terms=5)
    inputs, weights, products = p["panels"]
    idx = np.sort(np.argsort(-np.abs(u.products))[:5])
    assert products["text"] == [_t(v) for v in u.products[idx]]
    assert weights["text"] == [_t(v) for v in u.weights[idx]]
    first = p["steps"]["lines"][0][0]
    shown = float(u.products[idx].sum())
    assert first == (f"Shown: the 5 largest products (by size) of 12; they add up to "
                     f"{format_value(shown, digits=4)}, the other 7 to "
                     f"{format_value(u.total - shown, digits=4)}.")
    assert unit_payload(u)["panels"][0]["cols"] == 12  # all of them, up to 16
    assert not unit_payload(u)["steps"]["lines"][0][0].startswith("Shown")


def test_softmax_lines_name_the_class(model, x):
    u = unit_computation(model, x, len(model.layers), (1,))
    lines = unit_lines(u, ("cat", "dog", "emu"))
    assert lines[0].startswith("p(dog) = e^(z − max z) / (sum of all 3) = ")
    assert lines[1] == f"softmax gives {u.output:.2%}"
    p = unit_payload(u, class_names=("cat", "dog", "emu"))
    assert p["panels"][0]["hover"] == ["class cat", "class dog", "class emu"]


def test_relu_and_bad_arguments(model, x):
    u = unit_computation(model, x, 1, (0, 0, 0))
    assert unit_lines(u)[0].startswith("max(")
    with pytest.raises(TypeError, match="`u` must be a UnitComputation"):
        unit_lines("conv")
    with pytest.raises(ValueError, match="`max_maps`"):
        unit_payload(u, max_maps=0)
