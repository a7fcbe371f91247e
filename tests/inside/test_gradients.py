"""convviz.inside.gradients: every number equals the layers' own backward."""

import dataclasses

import numpy as np
import pytest

from convviz.inside.gradients import (
    ExampleGradients,
    LayerGradients,
    kernel_gradient_plan,
    layer_gradients,
    layer_kernel_gradient_plan,
    layer_maxpool_routing,
    maxpool_routing,
    sgd_update_view,
)
from convviz.nn import (
    SGD,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    softmax_cross_entropy,
)


def make_model(dtype=np.float32):
    return Sequential([Conv2D(3, 3, padding="same"), ReLU(), MaxPool2D(2), Conv2D(4, 3, stride=2),
                       ReLU(), Flatten(), Dense(3)], input_shape=(9, 9, 2), seed=0, dtype=dtype)


@pytest.fixture
def x():
    return np.random.default_rng(0).random((9, 9, 2))


# -- layer_gradients -------------------------------------------------------------------------
def test_layer_gradients_equal_the_models_backward(x):
    model = make_model(np.float64)
    g = layer_gradients(model, x, 2)
    assert all(not layer.grads["weight"].any() for layer in model.layers if layer.params)
    logits = model.forward(x[None])
    loss, dlogits = softmax_cross_entropy(logits, np.array([2]))
    model.backward(dlogits)
    assert g.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(g.logits, logits[0], rtol=1e-12)
    np.testing.assert_allclose(g.probabilities.sum(), 1.0)
    assert g.label == 2
    np.testing.assert_allclose(g.layers[-1].dout, dlogits[0], rtol=1e-12)
    for entry, layer in zip(g.layers, model.layers, strict=True):
        assert (entry.name, entry.kind) == (layer.name, layer.kind)
        assert entry.output.shape == entry.dout.shape == layer.output_shape
        assert entry.input.shape == entry.dinput.shape == layer.input_shape
        for key in layer.params:
            np.testing.assert_allclose(entry.grads[key], layer.grads[key], rtol=1e-10,
                                       atol=1e-14)
            np.testing.assert_array_equal(entry.params[key], layer.params[key])
    for prev, nxt in zip(g.layers[:-1], g.layers[1:], strict=True):  # one chain
        np.testing.assert_array_equal(nxt.input, prev.output)
        np.testing.assert_allclose(nxt.dinput, prev.dout, rtol=1e-12)


def test_layer_gradients_errors(x):
    model = make_model()
    with pytest.raises(ValueError, match=r"`label` must be a class index in \[0, 3\), got 3"):
        layer_gradients(model, x, 3)
    with pytest.raises(TypeError, match="`label` must be an integer"):
        layer_gradients(model, x, 1.0)
    with pytest.raises(ValueError, match="`x_single` must be one example of shape"):
        layer_gradients(model, x[..., :1], 0)


# -- the kernel gradient, step by step -------------------------------------------------------
CONV_CASES = [  # (input (H, W, C), kernel_size, stride, padding)
    ((6, 6, 2), 3, 1, "valid"),
    ((7, 6, 1), 3, 1, "same"),
    ((8, 8, 2), 3, 2, "valid"),  # the last row and column are reached by no window
    ((7, 9, 1), 3, 2, "same"),
    ((6, 6, 1), (2, 3), 2, "same"),
    ((5, 5, 1), 3, 1, 1),
]


@pytest.mark.parametrize(("shape", "k", "stride", "padding"), CONV_CASES)
def test_each_step_is_one_entry_of_the_layers_kernel_gradient(shape, k, stride, padding):
    rng = np.random.default_rng(1)
    layer = Conv2D(2, k, stride=stride, padding=padding)
    layer.build(shape, rng=rng, dtype=np.float64)
    x = rng.standard_normal((1,) + shape)
    dout = rng.standard_normal((1,) + layer.output_shape)
    layer.forward(x)
    layer.backward(dout)
    dw = layer.grads["weight"]  # (kH, kW, C, F)
    kh, kw = dw.shape[:2]
    for f in range(2):
        for c in range(shape[2]):
            plan = kernel_gradient_plan(x[0], dout[0], f, c, kernel_size=k, stride=stride,
                                        padding=padding)
            assert plan.out_shape == (kh, kw) and plan.dilation == layer.stride
            values = np.array([plan.step(i).value for i in range(plan.n_steps)])
            np.testing.assert_allclose(values.reshape(kh, kw), dw[:, :, c, f], rtol=1e-12,
                                       atol=1e-12)
            step = plan.step(plan.n_steps - 1)
            np.testing.assert_array_equal(step.products, step.patch * dout[0, :, :, f])


def test_the_plan_of_a_model_layer_matches_its_grads(x):
    g = layer_gradients(make_model(), x, 1)
    for index in (0, 3):  # "same" stride 1 and "valid" stride 2
        conv = g.layers[index]
        dw = conv.grads["weight"]
        for f, c in ((0, 0), (dw.shape[3] - 1, dw.shape[2] - 1)):
            plan = layer_kernel_gradient_plan(conv, f, c)
            values = [plan.step(i).value for i in range(plan.n_steps)]
            np.testing.assert_allclose(np.reshape(values, dw.shape[:2]), dw[:, :, c, f],
                                       rtol=1e-4, atol=1e-7)
    with pytest.raises(ValueError, match=r"`layer` must be a conv2d entry .*relu_1 \(relu\)"):
        layer_kernel_gradient_plan(g.layers[1], 0, 0)
    with pytest.raises(TypeError, match="`layer` must be a conv2d entry .*got dict"):
        layer_kernel_gradient_plan(vars(g.layers[0]), 0, 0)


def test_layer_gradients_are_typed_and_frozen(x):
    model = make_model()
    g = layer_gradients(model, x, 1)
    assert isinstance(g, ExampleGradients) and isinstance(g.layers, tuple)
    assert all(isinstance(entry, LayerGradients) for entry in g.layers)
    assert [entry.index for entry in g.layers] == list(range(len(model.layers)))
    assert g.layers[0].config == model.layers[0].get_config()
    assert g.logits.shape == g.probabilities.shape == (3,) and isinstance(g.loss, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.loss = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.layers[0].dout = None


def test_kernel_gradient_plan_errors():
    x, d = np.zeros((5, 5, 2)), np.zeros((3, 3, 4))
    with pytest.raises(ValueError, match=r"`dout` must have shape \(3, 3, F\)"):
        kernel_gradient_plan(x, np.zeros((4, 4, 4)), 0, 0, kernel_size=3)
    with pytest.raises(ValueError, match=r"`filter_index` must be in 0\.\.3, got 4"):
        kernel_gradient_plan(x, d, 4, 0, kernel_size=3)
    with pytest.raises(ValueError, match=r"`channel` must be in 0\.\.1, got 2"):
        kernel_gradient_plan(x, d, 0, 2, kernel_size=3)
    with pytest.raises(ValueError, match="`padding` must be 'valid', 'same'"):
        kernel_gradient_plan(x, d, 0, 0, kernel_size=3, padding="full")


# -- max pooling's routing -------------------------------------------------------------------
POOL_CASES = [((4, 6, 2), 2, None, "valid"), ((5, 5, 2), 2, None, "same"),
              ((6, 6, 1), 3, 1, "valid"), ((7, 6, 1), 3, 2, "same")]


@pytest.mark.parametrize(("shape", "size", "stride", "padding"), POOL_CASES)
def test_routing_equals_the_pools_backward(shape, size, stride, padding):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 3, (1,) + shape).astype(np.float32)  # many ties
    layer = MaxPool2D(size, stride, padding=padding)
    layer.build(shape)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dx = layer.backward(dout)
    for c in range(shape[2]):
        routed, winners = maxpool_routing(x[0], dout[0], size, stride, c, padding=padding)
        np.testing.assert_allclose(routed, dx[0, :, :, c], rtol=1e-6)
        assert len(winners) == out.shape[1] * out.shape[2]
        for w in winners:
            assert w.value == out[0, w.out_pos[0], w.out_pos[1], c] == x[0][w.in_pos + (c,)]
            assert w.grad == dout[0, w.out_pos[0], w.out_pos[1], c]
            assert w.in_pos[0] in w.rows and w.in_pos[1] in w.cols


def test_the_routing_of_a_model_layer_matches_its_backward(x):
    model = make_model(np.float64)
    g = layer_gradients(model, x, 1)
    pool = g.layers[2]
    for c in range(pool.input.shape[2]):
        routed, winners = layer_maxpool_routing(pool, c)
        np.testing.assert_allclose(routed, pool.dinput[..., c], rtol=1e-12)
        assert len(winners) == pool.output[..., c].size
    with pytest.raises(ValueError, match=r"`layer` must be a max_pool2d entry .*conv2d_1"):
        layer_maxpool_routing(g.layers[0])
    with pytest.raises(TypeError, match="`layer` must be a max_pool2d entry .*got dict"):
        layer_maxpool_routing(vars(pool))
    with pytest.raises(ValueError, match=r"`channel` must be in 0\.\.2, got 3"):
        layer_maxpool_routing(pool, 3)


def test_routing_errors():
    with pytest.raises(ValueError, match=r"`dout` must have shape \(2, 2, 1\)"):
        maxpool_routing(np.zeros((4, 4, 1)), np.zeros((3, 3, 1)))
    with pytest.raises(ValueError, match=r"`channel` must be in 0\.\.0, got 1"):
        maxpool_routing(np.zeros((4, 4, 1)), np.zeros((2, 2, 1)), channel=1)


# -- one SGD update --------------------------------------------------------------------------
def test_sgd_view_equals_what_the_optimizer_does(x):
    model = make_model()
    g = layer_gradients(model, x, 0)
    conv = g.layers[3]
    before, grad, after = sgd_update_view(conv.params["weight"][:, :, 1, 2],
                                          conv.grads["weight"][:, :, 1, 2], 0.05)
    np.testing.assert_array_equal(before, model.layers[3].params["weight"][:, :, 1, 2])
    _, dlogits = softmax_cross_entropy(model.forward(x[None]), np.array([0]))
    model.backward(dlogits)
    SGD(lr=0.05).step(model)
    np.testing.assert_allclose(after, model.layers[3].params["weight"][:, :, 1, 2],
                               rtol=1e-6, atol=1e-8)
    assert after.dtype == before.dtype == np.float32


def test_sgd_view_errors():
    with pytest.raises(ValueError, match="`grad` must have the shape of `weight_before`"):
        sgd_update_view(np.zeros((3, 3)), np.zeros((2, 2)), 0.1)
    with pytest.raises(ValueError, match="`lr` must be a finite number > 0, got 0"):
        sgd_update_view(np.zeros((3, 3)), np.zeros((3, 3)), 0)
    with pytest.raises(TypeError, match="`lr` must be a number"):
        sgd_update_view(np.zeros((3, 3)), np.zeros((3, 3)), "0.1")
