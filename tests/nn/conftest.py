"""Shared helpers of the convviz.nn tests: centred finite differences in float64."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


def numeric_gradient(f: Callable[[], float], arr: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d arr by centred differences, perturbing ``arr`` in place one cell at a time."""
    grad = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        old = arr[idx]
        arr[idx] = old + eps
        plus = f()
        arr[idx] = old - eps
        minus = f()
        arr[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def check_layer_gradients(layer, x: np.ndarray, *, seed: int = 0, rtol: float = 1e-6,
                          atol: float = 1e-8) -> None:
    """Compare a layer's backward (input and every parameter) with finite differences.

    The scalar is ``sum(forward(x) * r)`` for a fixed random ``r``, so ``dout = r``.
    """
    assert layer.dtype == np.float64 and x.dtype == np.float64
    r = np.random.default_rng(seed).standard_normal((x.shape[0],) + layer.output_shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x, training=False) * r))

    layer.forward(x, training=True)
    dx = layer.backward(r)
    grads = {key: value.copy() for key, value in layer.grads.items()}
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=rtol, atol=atol,
                               err_msg="input gradient")
    assert set(grads) == set(layer.params)
    for key, value in layer.params.items():
        assert grads[key].shape == value.shape
        np.testing.assert_allclose(grads[key], numeric_gradient(loss, value), rtol=rtol,
                                   atol=atol, err_msg=f"gradient of {key}")


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random float64 values at least 0.1 from zero (no ReLU kink inside the differences)."""
    values = rng.standard_normal(shape)
    return np.sign(values) * (0.1 + np.abs(values))


@pytest.fixture
def gradcheck():
    return check_layer_gradients


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def spread():
    """``spread(rng, shape)``: random values away from zero, see :func:`away_from_zero`."""
    return away_from_zero
