"""Sequential: building, summary, forward/backward, views, gradients against finite
differences and PyTorch, and a training sanity check."""

import numpy as np
import pytest

from convviz.nn import (
    SGD,
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    softmax_cross_entropy,
)

from .conftest import numeric_gradient


def example_layers():
    return [Conv2D(8, 3), ReLU(), MaxPool2D(2), Conv2D(16, 3), ReLU(), MaxPool2D(2),
            Flatten(), Dense(10)]


def example(seed=0, dtype=np.float32):
    return Sequential(example_layers(), input_shape=(28, 28, 1), seed=seed, dtype=dtype)


def test_summary_of_the_example_model():
    rows = example().summary()
    assert rows == [
        ("conv2d_1", (26, 26, 8), 80),
        ("relu_1", (26, 26, 8), 0),
        ("max_pool2d_1", (13, 13, 8), 0),
        ("conv2d_2", (11, 11, 16), 1168),
        ("relu_2", (11, 11, 16), 0),
        ("max_pool2d_2", (5, 5, 16), 0),
        ("flatten_1", (400,), 0),
        ("dense_1", (10,), 4010),
    ]
    assert example().n_params == 5258


def test_weights_exist_before_the_first_forward_and_are_seeded():
    a, b, c = example(seed=0), example(seed=0), example(seed=1)
    assert a.layers[0].params["weight"].shape == (3, 3, 1, 8)
    for (la, key), (lb, _), (lc, _) in zip(a.parameters(), b.parameters(), c.parameters(),
                                           strict=True):
        np.testing.assert_array_equal(la.params[key], lb.params[key])
        if key == "weight":
            assert not np.array_equal(la.params[key], lc.params[key])
    assert [(layer.name, key) for layer, key in a.parameters()] == [
        ("conv2d_1", "weight"), ("conv2d_1", "bias"), ("conv2d_2", "weight"),
        ("conv2d_2", "bias"), ("dense_1", "weight"), ("dense_1", "bias")]


def test_each_layer_has_its_own_random_stream():
    # changing a later layer does not change an earlier layer's weights
    a = Sequential([Conv2D(4, 3), Flatten(), Dense(10)], input_shape=(6, 6, 1), seed=5)
    b = Sequential([Conv2D(4, 3), Flatten(), Dense(3)], input_shape=(6, 6, 1), seed=5)
    np.testing.assert_array_equal(a.layers[0].params["weight"], b.layers[0].params["weight"])


def test_a_generator_is_accepted_as_the_seed():
    a = Sequential([Flatten(), Dense(2)], (2, 2, 1), seed=np.random.default_rng(9))
    b = Sequential([Flatten(), Dense(2)], (2, 2, 1), seed=np.random.default_rng(9))
    np.testing.assert_array_equal(a.layers[1].params["weight"], b.layers[1].params["weight"])


def test_forward_backward_shapes_and_dtype(rng):
    model = example()
    x = rng.random((4, 28, 28, 1), dtype=np.float32)
    logits = model.forward(x)
    assert logits.shape == (4, 10) and logits.dtype == np.float32
    loss, dlogits = softmax_cross_entropy(logits, np.array([1, 2, 3, 4]))
    dx = model.backward(dlogits)
    assert dx.shape == x.shape and dx.dtype == np.float32
    for layer, key in model.parameters():
        assert layer.grads[key].shape == layer.params[key].shape
        assert layer.grads[key].any()


def test_integer_images_are_accepted(rng):
    model = example()
    x = rng.integers(0, 256, (2, 28, 28, 1))
    np.testing.assert_allclose(model.forward(x), model.forward(x.astype(np.float32)))


def test_predict_is_the_batched_argmax(rng):
    model = example()
    x = rng.random((7, 28, 28, 1), dtype=np.float32)
    expected = model.forward(x, training=False).argmax(axis=1)
    np.testing.assert_array_equal(model.predict(x, batch_size=3), expected)
    assert model.predict(x).shape == (7,)


def test_activations_are_every_layers_output(rng):
    model = example()
    x = rng.random((2, 28, 28, 1), dtype=np.float32)
    acts = model.activations(x)
    assert [name for name, _ in acts] == [name for name, _, _ in model.summary()]
    assert [a.shape[1:] for _, a in acts] == [shape for _, shape, _ in model.summary()]
    np.testing.assert_allclose(acts[-1][1], model.forward(x))
    single = model.activations(x[0])
    assert single[0][1].shape == (26, 26, 8)
    np.testing.assert_allclose(single[0][1], acts[0][1][0])


def test_whole_model_gradient_matches_finite_differences(rng):
    model = Sequential([Conv2D(2, 3, stride=2, padding="same"), ReLU(), MaxPool2D(2),
                        Conv2D(3, 2, padding=1), ReLU(), AvgPool2D(2), Flatten(), Dense(3)],
                       input_shape=(7, 7, 2), seed=3, dtype=np.float64)
    x = rng.standard_normal((2, 7, 7, 2))
    labels = np.array([0, 2])

    def loss():
        return softmax_cross_entropy(model.forward(x), labels)[0]

    _, dlogits = softmax_cross_entropy(model.forward(x), labels)
    dx = model.backward(dlogits)
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-5, atol=1e-9)
    for layer, key in model.parameters():
        np.testing.assert_allclose(layer.grads[key], numeric_gradient(loss, layer.params[key]),
                                   rtol=1e-5, atol=1e-9, err_msg=f"{layer.name}.{key}")


def to_torch(model, torch):
    """The same network in torch (channels first), with our weights copied in."""
    mods = []
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            w = layer.params["weight"]  # (kH, kW, C, F) -> (F, C, kH, kW)
            pad = 0 if layer.padding == "valid" else layer.padding
            mod = torch.nn.Conv2d(w.shape[2], w.shape[3], w.shape[:2], stride=layer.stride,
                                  padding=pad, dtype=torch.float64)
            mod.weight.data = torch.tensor(w.transpose(3, 2, 0, 1).copy())
            mod.bias.data = torch.tensor(layer.params["bias"])
        elif isinstance(layer, MaxPool2D):
            mod = torch.nn.MaxPool2d(layer.pool_size, layer.stride)
        elif isinstance(layer, AvgPool2D):
            mod = torch.nn.AvgPool2d(layer.pool_size, layer.stride)
        elif isinstance(layer, ReLU):
            mod = torch.nn.ReLU()
        elif isinstance(layer, Flatten):  # ours flattens (H, W, C), torch (C, H, W)
            mod = torch.nn.Sequential(_Permute(torch), torch.nn.Flatten())
        else:
            w = layer.params["weight"]
            mod = torch.nn.Linear(*w.shape, dtype=torch.float64)
            mod.weight.data = torch.tensor(w.T.copy())
            mod.bias.data = torch.tensor(layer.params["bias"])
        mods.append(mod)
    return torch.nn.Sequential(*mods)


def _Permute(torch):  # noqa: N802 - a module factory
    class Permute(torch.nn.Module):
        def forward(self, x):
            return x.permute(0, 2, 3, 1)
    return Permute()


@pytest.mark.parametrize("layers", [
    example_layers,
    lambda: [Conv2D(4, 3, stride=2, padding=1), ReLU(), AvgPool2D(2), Conv2D(6, (2, 3)),
             ReLU(), MaxPool2D(2, 1), Flatten(), Dense(7), ReLU(), Dense(5)],
])
def test_logits_loss_and_every_gradient_match_torch(rng, layers):
    torch = pytest.importorskip("torch")
    model = Sequential(layers(), input_shape=(28, 28, 1), seed=0, dtype=np.float64)
    net = to_torch(model, torch)
    x = rng.random((5, 28, 28, 1))
    labels = rng.integers(0, model.output_shape[0], 5)
    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    logits_t = net(xt)
    loss_t = torch.nn.functional.cross_entropy(logits_t, torch.tensor(labels))
    loss_t.backward()

    logits = model.forward(x)
    loss, dlogits = softmax_cross_entropy(logits, labels)
    dx = model.backward(dlogits)
    np.testing.assert_allclose(logits, logits_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-8,
                               atol=1e-14)
    torch_layers = [m for m in net if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    ours = [layer for layer in model.layers if layer.params]
    for layer, mod in zip(ours, torch_layers, strict=True):
        gw = mod.weight.grad.numpy()
        gw = gw.transpose(2, 3, 1, 0) if gw.ndim == 4 else gw.T
        np.testing.assert_allclose(layer.grads["weight"], gw, rtol=1e-8, atol=1e-14,
                                   err_msg=layer.name)
        np.testing.assert_allclose(layer.grads["bias"], mod.bias.grad.numpy(), rtol=1e-8,
                                   atol=1e-14, err_msg=layer.name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_astype_returns_a_twin_and_leaves_the_model(rng, dtype):
    model = example()
    x = rng.random((2, 28, 28, 1), dtype=np.float32)
    out = model.forward(x)
    caches = [layer._cache for layer in model.layers]
    weights = [layer.params[key].copy() for layer, key in model.parameters()]
    twin = model.astype(dtype)
    assert twin is not model and twin.dtype == dtype and model.dtype == np.float32
    assert all(a is not b for a, b in zip(twin.layers, model.layers, strict=True))
    assert all(layer.params[key].dtype == np.float32 for layer, key in model.parameters())
    assert all(layer.params[key].dtype == dtype for layer, key in twin.parameters())
    for (layer, key), before in zip(model.parameters(), weights, strict=True):
        np.testing.assert_array_equal(layer.params[key], before)
    np.testing.assert_allclose(twin.forward(x), out, rtol=1e-4, atol=1e-5)
    assert all(layer._cache is cache  # the original keeps its training caches
               for layer, cache in zip(model.layers, caches, strict=True))
    assert twin.summary() == model.summary()
    for layer, key in twin.parameters():  # the twin owns its arrays
        layer.params[key][...] = 0
    np.testing.assert_array_equal(model.forward(x), out)


def _halves(rng, n):
    """Bright left half (class 0) versus bright right half (class 1), with noise."""
    labels = np.arange(n) % 2
    x = rng.random((n, 8, 8, 1)) * 0.5
    x[labels == 0, :, :4] += 0.5
    x[labels == 1, :, 4:] += 0.5
    return x.astype(np.float32), labels


def test_training_reaches_full_accuracy_on_a_separable_problem():
    x, labels = _halves(np.random.default_rng(0), 32)
    model = Sequential([Conv2D(4, 3), ReLU(), MaxPool2D(2), Flatten(), Dense(2)],
                       input_shape=(8, 8, 1), seed=0)
    opt = SGD(lr=0.1, momentum=0.9)
    first = None
    for _ in range(40):
        loss, dlogits = softmax_cross_entropy(model.forward(x), labels)
        first = loss if first is None else first
        model.backward(dlogits)
        opt.step(model)
    assert loss < first / 4
    assert (model.predict(x) == labels).all()


@pytest.mark.parametrize(("layers", "error", "match"), [
    ([], ValueError, "`layers` must hold at least one layer"),
    (Dense(2), TypeError, "`layers` must be a list of layers"),
    ([Flatten(), "dense"], TypeError, r"`layers\[1\]` must be a Layer"),
])
def test_layers_are_checked(layers, error, match):
    with pytest.raises(error, match=match):
        Sequential(layers, input_shape=(2, 2, 1))


def test_a_layer_cannot_serve_two_models():
    dense = Dense(2)
    Sequential([Flatten(), dense], input_shape=(2, 2, 1))
    with pytest.raises(ValueError, match=r"`layers\[1\]` \(Dense\) is already part of a model"):
        Sequential([Flatten(), dense], input_shape=(2, 2, 1))
    relu = ReLU()
    with pytest.raises(ValueError, match="already part of a model"):
        Sequential([relu, relu], input_shape=(3,))


def test_a_layer_that_does_not_fit_is_named():
    with pytest.raises(ValueError, match=r"`layers\[2\]` \(conv2d_2\) cannot take input of "
                                         r"shape \(2, 2, 4\).*wider than"):
        Sequential([Conv2D(4, 3), MaxPool2D(2), Conv2D(4, 3)], input_shape=(6, 6, 1))


def test_dense_without_flatten_is_explained():
    with pytest.raises(ValueError, match=r"put a Flatten\(\) layer before it"):
        Sequential([Conv2D(4, 3), Dense(2)], input_shape=(6, 6, 1))


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"seed": -1}, ValueError, "`seed`"),
    ({"seed": "a"}, TypeError, "`seed`"),
    ({"dtype": np.int32}, ValueError, "`dtype` must be float32 or float64"),
    ({"input_shape": (28, 28, -1)}, ValueError, r"`input_shape\[2\]`"),
])
def test_arguments_are_checked(kwargs, error, match):
    args = {"input_shape": (28, 28, 1)} | kwargs
    with pytest.raises(error, match=match):
        Sequential([Flatten(), Dense(2)], **args)


def test_inputs_and_gradients_are_checked():
    model = example()
    with pytest.raises(ValueError, match=r"`x` must have shape \(N, 28, 28, 1\)"):
        model.forward(np.zeros((2, 28, 28)))
    with pytest.raises(TypeError, match="`x` must be an array of numbers"):
        model.forward(np.array([["a"]]))
    model.forward(np.zeros((2, 28, 28, 1)))
    with pytest.raises(ValueError, match=r"`dout` must have shape \(N, 10\)"):
        model.backward(np.zeros((2, 9)))
    with pytest.raises(ValueError, match="`batch_size`"):
        model.predict(np.zeros((2, 28, 28, 1)), batch_size=0)


def test_repr_lists_the_layers():
    model = Sequential([Flatten(), Dense(2)], input_shape=(2, 2, 1))
    assert repr(model) == "Sequential([Flatten(), Dense(units=2)], input_shape=(2, 2, 1))"


def test_backward_without_the_input_gradient_fills_the_same_grads_and_skips_col2im(monkeypatch):
    import convviz.nn.conv_layer as conv_layer_module

    model = Sequential([Conv2D(4, 3), ReLU(), MaxPool2D(2), Flatten(), Dense(3)],
                       input_shape=(8, 8, 2), seed=0)
    x = np.random.default_rng(0).random((5, 8, 8, 2))
    dout = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    model.forward(x, training=True)
    dx = model.backward(dout)
    full = [{k: g.copy() for k, g in layer.grads.items()} for layer in model.layers]
    calls = []
    real = conv_layer_module.col2im
    monkeypatch.setattr(conv_layer_module, "col2im",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    model.forward(x, training=True)
    assert model.backward(dout, input_grad=False) is None
    assert not calls  # the first layer's input gradient (a col2im) is not computed
    assert dx.shape == (5, 8, 8, 2)
    for layer, grads in zip(model.layers, full, strict=True):
        for key, g in grads.items():
            np.testing.assert_array_equal(layer.grads[key], g)


def _layer_by_layer(model, x, dout):
    """Forward and backward through the model's own layers, in the order they are listed."""
    out = x
    for layer in model.layers:
        out = layer.forward(out)
    grad = dout
    for layer in reversed(model.layers):
        grad = layer.backward(grad)
    return out, grad, [{k: g.copy() for k, g in layer.grads.items()} for layer in model.layers]


@pytest.mark.parametrize("pool", [dict(pool_size=2), dict(pool_size=3, stride=1),
                                  dict(pool_size=2, padding="same"), dict(pool_size=(2, 3))])
def test_relu_before_max_pool_runs_after_it_with_identical_numbers(rng, pool):
    """Sequential runs ReLU -> MaxPool2D as pool-then-ReLU; outputs and every gradient are
    those of the layers run in their listed order, ties among zeros included."""
    model = Sequential([Conv2D(3, 2), ReLU(), MaxPool2D(**pool), Flatten(), Dense(4)],
                       input_shape=(7, 7, 2), seed=1, dtype=np.float64)
    x = rng.standard_normal((5, 7, 7, 2))
    x[0] = 0.0  # the conv output is its bias (0): every window ties at 0
    x[1, :3] = -5.0  # plus windows that are all negative after the conv
    dout = rng.standard_normal((5, 4))
    ref_out, ref_grad, ref_grads = _layer_by_layer(model, x, dout)
    out = model.forward(x)
    grad = model.backward(dout)
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(grad, ref_grad)
    for layer, ref in zip(model.layers, ref_grads, strict=True):
        for key, g in layer.grads.items():
            np.testing.assert_array_equal(g, ref[key])


@pytest.mark.parametrize("layers, cropped", [
    ([Conv2D(3, 2), ReLU(), MaxPool2D(2)], True),  # 7x7 maps: row and column 6 unread
    ([Conv2D(3, 2), MaxPool2D((2, 3))], True),  # 7 rows -> 6 read, 7 columns -> 6 read
    ([Conv2D(3, 2), AvgPool2D(2)], True),
    ([Conv2D(3, 2), ReLU(), AvgPool2D(2)], False),  # the ReLU stands between them
    ([Conv2D(3, 2), MaxPool2D(3, stride=2)], False),  # windows read all 7
    ([Conv2D(3, 2), MaxPool2D(2, padding="same")], False),
])
def test_conv_before_a_pool_skips_the_cells_the_pool_never_reads(rng, layers, cropped,
                                                                   monkeypatch):
    """The output, the input gradient and every layer's gradients are those of the layers
    run one by one, while the Conv2D computes only the part of its map the pool reads."""
    model = Sequential([*layers, Flatten(), Dense(4)], input_shape=(8, 8, 2), seed=1,
                       dtype=np.float64)
    x = rng.standard_normal((5, 8, 8, 2))
    x[0] = 0.0  # ties
    dout = rng.standard_normal((5, 4))
    ref_out, ref_grad, ref_grads = _layer_by_layer(model, x, dout)
    crops = []
    original = Conv2D.cropped
    monkeypatch.setattr(Conv2D, "cropped",
                        lambda self, hw: crops.append(hw) or original(self, hw))
    np.testing.assert_allclose(model.forward(x), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.backward(dout), ref_grad, rtol=1e-12, atol=1e-12)
    for layer, ref in zip(model.layers, ref_grads, strict=True):
        for key, g in layer.grads.items():
            np.testing.assert_allclose(g, ref[key], rtol=1e-12, atol=1e-12)
    pool = model.layers[-3]
    assert crops == ([pool.reach] if cropped else [])


def test_the_cropped_convolution_is_kept_across_steps_and_follows_new_weights(rng,
                                                                              monkeypatch):
    model = Sequential([Conv2D(3, 2), MaxPool2D(2), Flatten(), Dense(4)],
                       input_shape=(8, 8, 2), seed=1, dtype=np.float64)
    crops = []
    original = Conv2D.cropped
    monkeypatch.setattr(Conv2D, "cropped",
                        lambda self, hw: crops.append(hw) or original(self, hw))
    x = rng.standard_normal((3, 8, 8, 2))
    model.forward(x)
    model.forward(x)
    assert crops == [(6, 6)]  # made once, kept for the next step
    conv = model.layers[0]
    conv.params = {key: value * 2 for key, value in conv.params.items()}  # new arrays
    conv.grads = {key: np.zeros_like(g) for key, g in conv.grads.items()}
    got = model.forward(x)
    assert crops == [(6, 6), (6, 6)]
    want, _, _ = _layer_by_layer(model, x, np.zeros((3, 4)))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    model.backward(rng.standard_normal((3, 4)))
    assert np.any(conv.grads["weight"] != 0)  # the new gradients, through the new stand-in


def test_backward_needs_a_forward_first():
    model = Sequential([Dense(2)], input_shape=(3,))
    with pytest.raises(RuntimeError, match="call forward"):
        model.backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="call forward"):
        model.astype(np.float64).backward(np.ones((1, 2)))


# -- saliency: d logits[target] / d x --------------------------------------------------------

def test_saliency_matches_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    from convviz.nn import saliency

    model = Sequential(example_layers(), input_shape=(28, 28, 1), seed=3, dtype=np.float64)
    net = to_torch(model, torch)
    x = rng.random((28, 28, 1))
    for target in (0, 7):
        xt = torch.tensor(x.transpose(2, 0, 1)[None].copy(), requires_grad=True)
        net(xt)[0, target].backward()
        np.testing.assert_allclose(saliency(model, x, target),
                                   xt.grad.numpy()[0].transpose(1, 2, 0), rtol=1e-8,
                                   atol=1e-14)


def test_saliency_leaves_the_models_gradients_alone(rng):
    from convviz.nn import saliency

    model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(5, 5, 1),
                       dtype=np.float64)
    x = rng.random((4, 5, 5, 1))
    _, d = softmax_cross_entropy(model.forward(x), np.array([0, 1, 2, 0]))
    model.backward(d)
    before = [g.copy() for layer in model.layers for g in layer.grads.values()]
    saliency(model, x[0], 1)
    after = [g for layer in model.layers for g in layer.grads.values()]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    model.backward(d)  # the training step's caches are still there


@pytest.mark.parametrize(("x_shape", "target", "error", "match"), [
    ((1, 5, 5, 1), 0, ValueError, "`x` must be one image of shape \\(5, 5, 1\\)"),
    ((5, 5, 1), 3, ValueError, "`target` must be a class in 0..2, got 3"),
    ((5, 5, 1), -1, ValueError, "`target`"),
    ((5, 5, 1), 1.5, TypeError, "`target`"),
])
def test_saliency_arguments_are_checked(x_shape, target, error, match):
    from convviz.nn import saliency

    model = Sequential([Flatten(), Dense(3)], input_shape=(5, 5, 1))
    with pytest.raises(error, match=match):
        saliency(model, np.zeros(x_shape), target)


# -- data parallelism: a big batch split across the engine's workers ------------------------

def test_split_batch_gives_the_whole_batchs_outputs_and_gradients(rng, monkeypatch):
    """With the threshold at 0 every batch splits: outputs, the input gradient and every
    parameter gradient (summed over the parts) equal the unsplit pass's, in float64."""
    import convviz.nn.model as model_module

    model = Sequential([Conv2D(4, 3), ReLU(), MaxPool2D(2), Conv2D(5, 2), Flatten(),
                        Dense(3)], input_shape=(9, 9, 2), seed=3, dtype=np.float64)
    x = rng.standard_normal((33, 9, 9, 2))
    dout = rng.standard_normal((33, 3))
    assert model.split_parts(33) == 1  # far under SPLIT_MACS
    out = model.forward(x)
    dx = model.backward(dout)
    whole = [{k: g.copy() for k, g in layer.grads.items()} for layer in model.layers]
    monkeypatch.setattr(model_module, "SPLIT_MACS", 0)
    monkeypatch.setattr(model_module, "WORKERS", 3)
    assert model.split_parts(33) == 3 and model.split_parts(20) == 2
    assert model.split_parts(7) == 1  # parts of MIN_PART examples at least
    np.testing.assert_allclose(model.forward(x), out, rtol=1e-12)
    assert model._parts is not None and len(model._parts) == 3
    np.testing.assert_allclose(model.backward(dout), dx, rtol=1e-12, atol=1e-14)
    for layer, ref in zip(model.layers, whole, strict=True):
        for key, g in layer.grads.items():
            np.testing.assert_allclose(g, ref[key], rtol=1e-10, atol=1e-12)
    model.forward(x)
    assert model.backward(dout, input_grad=False) is None
    for layer, ref in zip(model.layers, whole, strict=True):
        for key, g in layer.grads.items():
            np.testing.assert_allclose(g, ref[key], rtol=1e-10, atol=1e-12)


def test_split_parts_share_the_weights_an_optimizer_updates(rng, monkeypatch):
    import convviz.nn.model as model_module

    monkeypatch.setattr(model_module, "SPLIT_MACS", 0)
    model = Sequential([Conv2D(2, 3), Flatten(), Dense(2)], input_shape=(6, 6, 1), seed=0,
                       dtype=np.float64)
    twin = model.astype(np.float64)
    x, y = rng.standard_normal((32, 6, 6, 1)), rng.integers(0, 2, 32)
    for m in (model, twin):
        monkeypatch.setattr(model_module, "WORKERS", 2 if m is model else 1)
        for _ in range(3):
            _, d = softmax_cross_entropy(m.forward(x), y)
            m.backward(d, input_grad=False)
            SGD(lr=0.1).step(m)
    assert model._parts is not None and twin._parts is None
    for a, b in zip(model.layers, twin.layers, strict=True):
        for key in a.params:
            np.testing.assert_allclose(a.params[key], b.params[key], rtol=1e-10)
    assert model._parts[1].layers[0].params is model.layers[0].params


def test_split_replicas_are_kept_until_the_weights_change(rng, monkeypatch):
    import convviz.nn.model as model_module

    monkeypatch.setattr(model_module, "SPLIT_MACS", 0)
    monkeypatch.setattr(model_module, "WORKERS", 2)
    model = Sequential([Conv2D(2, 3), Flatten(), Dense(2)], input_shape=(6, 6, 1), seed=0,
                       dtype=np.float64)
    x = rng.standard_normal((32, 6, 6, 1))
    model.forward(x)
    first = model._parts[1]
    model.forward(x)
    assert model._parts[1] is first  # the same replica, not a new one each step
    dense = model.layers[2]
    dense.params = {key: value * 0 for key, value in dense.params.items()}  # new arrays
    out = model.forward(x)
    assert model._parts[1] is not first
    np.testing.assert_array_equal(out, 0.0)  # both halves use the new weights


def test_a_batch_never_splits_on_a_worker_thread(monkeypatch):
    """A forward pass already running on one of the engine's workers stays whole: waiting
    on the pool from inside it could leave no worker to run the parts."""
    import convviz.nn.model as model_module
    from convviz.engine.threads import executor

    monkeypatch.setattr(model_module, "SPLIT_MACS", 0)
    monkeypatch.setattr(model_module, "WORKERS", 2)
    model = Sequential([Flatten(), Dense(2)], input_shape=(4, 4, 1))
    assert model.split_parts(64) == 2
    assert executor().submit(model.split_parts, 64).result() == 1


def test_multiply_adds_counts_convolutions_dense_layers_and_pool_windows():
    model = Sequential([Conv2D(8, 3), MaxPool2D(2), Flatten(), Dense(10)],
                       input_shape=(28, 28, 1))
    assert model.multiply_adds == 26 * 26 * 8 * 9 + 13 * 13 * 8 * 4 + 13 * 13 * 8 * 10
