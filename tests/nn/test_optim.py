"""SGD, Momentum and Adam: hand-computed steps, PyTorch's rules, descent, argument checks."""

import numpy as np
import pytest

from convviz.nn import (
    SGD,
    Adam,
    Conv2D,
    Dense,
    Flatten,
    Momentum,
    ReLU,
    Sequential,
    softmax_cross_entropy,
)


def linear(dtype=np.float64):
    """A model whose parameters we set by hand: Dense(2) on 3 inputs (8 numbers)."""
    return Sequential([Dense(2)], input_shape=(3,), seed=0, dtype=dtype)


def quadratic_step(model, opt, target):
    """One step on f(p) = 0.5 * sum((p - target)**2) over all parameters; returns f."""
    f = 0.0
    for layer, key in model.parameters():
        diff = layer.params[key] - target[key]
        layer.grads[key][...] = diff
        f += 0.5 * float(np.sum(diff ** 2))
    opt.step(model)
    return f


@pytest.mark.parametrize("opt", [SGD(lr=0.1), SGD(lr=0.05, momentum=0.9), Momentum(lr=0.05),
                                 Adam(lr=0.05)])
def test_optimizers_minimise_a_quadratic(opt):
    model = linear()
    target = {key: np.full_like(layer.params[key], 3.0) for layer, key in model.parameters()}
    values = [quadratic_step(model, opt, target) for _ in range(300)]
    assert values[-1] < 1e-3 * values[0]


def test_sgd_step_is_lr_times_the_gradient():
    model = linear()
    dense = model.layers[0]
    before = dense.params["weight"].copy()
    dense.grads["weight"][...] = np.arange(6.0).reshape(3, 2)
    SGD(lr=0.5).step(model)
    np.testing.assert_allclose(dense.params["weight"], before - 0.5 * np.arange(6).reshape(3, 2))


def test_momentum_follows_pytorch_by_hand():
    model = linear()
    bias = model.layers[0].params["bias"]
    opt = SGD(lr=0.1, momentum=0.9)
    for g in (1.0, 2.0, -1.0):
        model.layers[0].grads["bias"][...] = g
        opt.step(model)
    # v1 = 1, v2 = 0.9 + 2 = 2.9, v3 = 2.61 - 1 = 1.61; p = -0.1 * (1 + 2.9 + 1.61)
    np.testing.assert_allclose(bias, [-0.551, -0.551])


def test_adam_first_step_by_hand():
    model = linear()
    bias = model.layers[0].params["bias"]
    bias[...] = [1.0, -2.0]
    model.layers[0].grads["bias"][...] = [0.5, -4.0]
    Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8).step(model)
    # m = 0.1 g, v = 0.001 g^2; bias-corrected m_hat = g, v_hat = g^2: step lr * g / (|g| + eps)
    np.testing.assert_allclose(bias, [1.0 - 0.01 * 0.5 / (0.5 + 1e-8),
                                      -2.0 + 0.01 * 4.0 / (4.0 + 1e-8)], rtol=1e-12)


def test_adam_second_step_by_hand():
    model = linear()
    bias = model.layers[0].params["bias"]
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.0 + 1e-12)
    for g in (2.0, 1.0):
        model.layers[0].grads["bias"][...] = g
        opt.step(model)
    m = 0.5 * (0.5 * 2.0) + 0.5 * 1.0  # 1.0
    v = 0.75 * (0.25 * 4.0) + 0.25 * 1.0  # 1.0
    step2 = 0.1 * (m / (1 - 0.5 ** 2)) / (np.sqrt(v / (1 - 0.75 ** 2)) + 1e-12)
    np.testing.assert_allclose(bias, -0.1 - step2, rtol=1e-9)


@pytest.mark.parametrize("which", ["sgd", "momentum", "adam"])
def test_matches_torch_optimizers(which):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    model = linear()
    p = torch.tensor(model.layers[0].params["weight"].copy(), requires_grad=True)
    ours, theirs = {
        "sgd": (SGD(lr=0.1), torch.optim.SGD([p], lr=0.1)),
        "momentum": (SGD(lr=0.1, momentum=0.8), torch.optim.SGD([p], lr=0.1, momentum=0.8)),
        "adam": (Adam(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6),
                 torch.optim.Adam([p], lr=0.01, betas=(0.8, 0.9), eps=1e-6)),
    }[which]
    for _ in range(4):
        g = rng.standard_normal((3, 2))
        model.layers[0].grads["weight"][...] = g
        model.layers[0].grads["bias"][...] = 0.0
        ours.step(model)
        p.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(model.layers[0].params["weight"], p.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.05), lambda: Momentum(lr=0.02),
                                  lambda: Adam(lr=0.01)])
def test_optimizers_decrease_a_cnn_loss(make):
    rng = np.random.default_rng(2)
    x = rng.random((16, 6, 6, 1), dtype=np.float32)
    labels = rng.integers(0, 3, 16)
    model = Sequential([Conv2D(4, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1))
    opt = make()
    losses = []
    for _ in range(30):
        loss, dlogits = softmax_cross_entropy(model.forward(x), labels)
        losses.append(loss)
        model.backward(dlogits)
        opt.step(model)
    assert losses[-1] < 0.8 * losses[0]


def test_float32_parameters_stay_float32():
    model = linear(np.float32)
    for opt in (SGD(lr=0.1, momentum=0.5), Adam()):
        opt.step(model)
        assert all(layer.params[key].dtype == np.float32 for layer, key in model.parameters())


def test_state_starts_afresh_for_another_model():
    opt = Adam(lr=0.1)
    a, b = linear(), linear()
    for model in (a, a, b):
        model.layers[0].grads["bias"][...] = 1.0
        opt.step(model)
    assert opt.t == 1
    np.testing.assert_allclose(b.layers[0].params["bias"], -0.1, rtol=1e-6)


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: SGD(lr=0), ValueError, "`lr` must be a finite number > 0.0, got 0"),
    (lambda: SGD(lr=-0.1), ValueError, "`lr`"),
    (lambda: SGD(lr=float("nan")), ValueError, "`lr`"),
    (lambda: SGD(lr="0.1"), TypeError, "`lr` must be a number"),
    (lambda: SGD(lr=0.1, momentum=1.0), ValueError, "`momentum`.*< 1.0"),
    (lambda: SGD(lr=0.1, momentum=-0.1), ValueError, "`momentum`"),
    (lambda: Adam(lr=0), ValueError, "`lr`"),
    (lambda: Adam(beta1=1.0), ValueError, "`beta1`"),
    (lambda: Adam(beta2=-0.5), ValueError, "`beta2`"),
    (lambda: Adam(eps=0.0), ValueError, "`eps`"),
])
def test_arguments_are_checked(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_step_needs_a_model():
    with pytest.raises(TypeError, match="`model` must be a Sequential"):
        SGD(lr=0.1).step([Dense(2)])


def test_reprs():
    assert repr(SGD(lr=0.1)) == "SGD(lr=0.1, momentum=0.0)"
    assert repr(Momentum(0.1)) == "Momentum(lr=0.1, momentum=0.9)"
    assert "Adam(lr=0.001" in repr(Adam())
    assert Sequential([Flatten(), Dense(1)], (1, 1, 1)).n_params == 2
