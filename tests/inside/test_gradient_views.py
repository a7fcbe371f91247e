"""convviz.inside.gradient_views: the gradients view's grids hold the engine's numbers."""

import json

import numpy as np
import pytest

from convviz.draw import grid_data as gd
from convviz.draw import render
from convviz.draw.numbers import format_value
from convviz.inside.gradient_views import (
    auto_decimals,
    kernel_gradient_equation,
    kernel_gradient_payload,
    routing_payload,
    update_payload,
)
from convviz.inside.gradients import (
    kernel_gradient_plan,
    layer_gradients,
    layer_kernel_gradient_plan,
    layer_maxpool_routing,
    maxpool_routing,
    sgd_update_view,
)
from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential


def _panel(payload, panel_id):
    return next(p for p in payload["panels"] if p["id"] == panel_id)


def _colors(payload, panel):
    return [payload["palette"][i] for i in panel["colors"]]


def test_auto_decimals_show_two_significant_digits():
    assert auto_decimals([0.0012]) == 4 and auto_decimals([0.5]) == 2
    assert auto_decimals([123.0]) == 2 and auto_decimals([1e-9]) == 6
    assert auto_decimals([]) == 2


def test_kernel_gradient_equation():
    x = np.arange(16.0).reshape(4, 4, 1)
    plan = kernel_gradient_plan(x, np.full((2, 2, 1), 0.5), 0, 0, kernel_size=3)
    assert kernel_gradient_equation(plan, 0) == "dW[0, 0] = (0.5×0) + (0.5×1) + (0.5×4) + " \
                                                "(0.5×5) = 5"
    big = kernel_gradient_plan(np.ones((9, 9, 1)), np.ones((7, 7, 1)), 0, 0, kernel_size=3)
    assert kernel_gradient_equation(big, 4) == "dW[1, 1] = sum of the 49 products = 49"
    with pytest.raises(ValueError, match=r"`index` must be in 0\.\.8, got 9"):
        kernel_gradient_equation(plan, 9)


@pytest.fixture(scope="module")
def model_grads():
    rng = np.random.default_rng(3)
    model = Sequential([Conv2D(3, 3, stride=2, padding="same"), ReLU(), MaxPool2D(2),
                        Flatten(), Dense(4)], input_shape=(9, 9, 2), seed=0, dtype=np.float64)
    return layer_gradients(model, rng.random((9, 9, 2)), 1)


def test_kernel_gradient_payload_is_the_layers_backward(model_grads):
    entry = model_grads.layers[0]
    plan = layer_kernel_gradient_plan(entry, 2, 1)
    p = kernel_gradient_payload(plan, step=3)
    assert json.loads(json.dumps(p)) == p and p["step"] == 3
    dw = entry.grads["weight"][:, :, 1, 2]  # the layer's own backward pass
    dec = auto_decimals(dw)
    grad = _panel(p, "grad")
    assert (grad["rows"], grad["cols"], grad["role"]) == (3, 3, "target")
    assert grad["text"] == [format_value(float(v), dec) for v in dw.ravel()]
    assert p["steps"]["value"] == grad["text"] and p["steps"]["target"] == list(range(9))
    hp, wp = plan.pad_mask.shape
    inp = _panel(p, "input")
    assert inp["flags"] == [gd.PAD if m else 0 for m in plan.pad_mask.ravel()]
    assert inp["text"] == [format_value(float(v), auto_decimals(plan.padded))
                           for v in plan.padded.ravel()]
    dout = _panel(p, "dout")
    np.testing.assert_array_equal(plan.kernel, entry.dout[..., 2])
    assert dout["text"] == [format_value(float(v), auto_decimals(plan.kernel))
                            for v in plan.kernel.ravel()]
    assert _colors(p, dout) == gd.hex_colors(render.diverging_colors(plan.kernel))
    prods = _panel(p, "products")
    for i in range(9):
        s = plan.step(i)
        assert p["steps"]["window"][i] == [r * wp + c for r in s.rows for c in s.cols]
        assert p["steps"]["lines"][i] == [kernel_gradient_equation(plan, i)]
        assert p["steps"]["label"][i] == f"dW[{i // 3}, {i % 3}]"
        np.testing.assert_allclose(s.products.sum(), dw.flat[i], rtol=1e-5, atol=1e-9)
        assert [payload_color for payload_color in
                (p["palette"][k] for k in prods["frames"][i]["colors"])] == gd.hex_colors(
            render.diverging_colors(s.products))
    for panel in p["panels"]:
        assert panel["legend"] is not None  # a legend on every coloured grid


def test_routing_payload_sends_each_gradient_to_its_winner(model_grads):
    entry = model_grads.layers[2]  # the max pool
    routed, winners = layer_maxpool_routing(entry, channel=1)
    x, d = entry.input[..., 1], entry.dout[..., 1]
    p = routing_payload(x, d, routed, winners, step=1)
    h, w = x.shape
    assert p["n_steps"] == d.size == len(winners) and p["step"] == 1
    dec = auto_decimals(np.concatenate([d.ravel(), routed.ravel()]))
    assert _panel(p, "routed")["text"] == [format_value(float(v), dec) for v in routed.ravel()]
    assert _panel(p, "dout")["text"] == [format_value(float(v), dec) for v in d.ravel()]
    assert _panel(p, "routed")["legend"] == _panel(p, "dout")["legend"]  # one scale
    for k, r in enumerate(winners):
        i, j = r.in_pos
        assert x[i, j] == x[np.ix_(r.rows, r.cols)].max() == r.value
        assert p["steps"]["marks"][k] == [i * w + j]
        assert p["steps"]["window"][k] == [a * w + b for a in r.rows for b in r.cols]
        assert p["steps"]["target"][k] == r.out_pos[0] * d.shape[1] + r.out_pos[1]
        assert p["steps"]["value"][k] == format_value(float(d[r.out_pos]), dec)
        assert f"input[{i}, {j}]" in p["steps"]["label"][k]
    with pytest.raises(ValueError, match="must have one entry per cell of `dout_channel`"):
        routing_payload(x, d, routed, winners[:-1])


def test_routing_of_a_small_map_by_hand():
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8.]])[..., None]
    routed, winners = maxpool_routing(x, np.array([[0.5, -0.25], [0.125, 1.0]])[..., None])
    p = routing_payload(x[..., 0], np.array([[0.5, -0.25], [0.125, 1.0]]), routed, winners)
    assert p["steps"]["marks"] == [[4], [2], [8], [15]]
    assert p["steps"]["lines"][3] == ["The window's largest value, 8 at input[3, 3], takes the "
                                      "whole gradient 1; its 3 other cells get 0."]


def test_update_payload_is_what_sgd_does():
    before, grad, after = sgd_update_view(np.eye(3) * 0.3, np.full((3, 3), 0.012), 0.05)
    p = update_payload(before, grad, after, lr=0.05)
    assert [q["id"] for q in p["panels"]] == ["before", "grad", "delta", "after"]
    assert p["n_steps"] == 1
    dec = max(auto_decimals(np.concatenate([before.ravel(), after.ravel()])),
              auto_decimals(-0.05 * grad))
    assert _panel(p, "after")["text"] == [format_value(float(v), dec) for v in after.ravel()]
    assert _panel(p, "delta")["text"][0] == "-0.0006"
    assert _panel(p, "before")["legend"] == _panel(p, "after")["legend"]  # one scale
    assert _panel(p, "delta")["title"] == "− lr × gradient (lr = 0.05)"
    with pytest.raises(ValueError, match="must have one shape"):
        update_payload(np.eye(3), np.eye(2), np.eye(3), lr=0.1)
