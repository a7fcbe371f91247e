"""Optimizers: SGD (with optional momentum) and Adam, updating a model's parameters in place.

The update rules are PyTorch's (``torch.optim.SGD`` and ``torch.optim.Adam``), so a run
can be replayed there. An optimizer keeps per-parameter state (velocity, moments) for the
model it last stepped; handing it a different model starts that state afresh.
"""

from __future__ import annotations

import math
import numbers
import weakref
from typing import Any

import numpy as np

from convviz.nn.model import Sequential


def _check_real(value: Any, name: str, *, low: float, high: float | None = None,
                low_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number, got {value!r}")
    v = float(value)
    top = math.inf if high is None else high
    ok = math.isfinite(v) and (v > low if low_open else v >= low) and v < top
    if not ok:
        lo = f"> {low}" if low_open else f">= {low}"
        hi = "" if high is None else f" and < {high}"
        raise ValueError(f"`{name}` must be a finite number {lo}{hi}, got {value!r}")
    return v


class Optimizer:
    """Base class: ``step(model)`` applies one update from the gradients in ``layer.grads``."""

    def __init__(self, lr: float) -> None:
        self.lr = _check_real(lr, "lr", low=0.0)
        self._model: weakref.ref | None = None
        self._state: list[dict[str, np.ndarray]] = []
        self.t = 0  # steps taken on the current model

    def step(self, model: Sequential) -> None:
        """Update every parameter of ``model`` in place from its gradients."""
        if not isinstance(model, Sequential):
            raise TypeError(f"`model` must be a Sequential, got {type(model).__name__}")
        pairs = list(model.parameters())
        if self._model is None or self._model() is not model or len(self._state) != len(pairs):
            self._model = weakref.ref(model)
            self._state = [{} for _ in pairs]
            self.t = 0
        self.t += 1
        for (layer, key), state in zip(pairs, self._state, strict=True):
            self._update(layer.params[key], layer.grads[key], state)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's rule).

    ``v = momentum * v + grad; param -= lr * v`` (plain ``param -= lr * grad`` when
    ``momentum`` is 0).

    Parameters
    ----------
    lr : float, > 0
    momentum : float in [0, 1), default 0

    Examples
    --------
    >>> from convviz.nn import Dense, Sequential
    >>> model = Sequential([Dense(1)], input_shape=(1,))
    >>> model.layers[0].grads["bias"][:] = 2.0
    >>> SGD(lr=0.1).step(model)
    >>> model.layers[0].params["bias"]
    array([-0.2], dtype=float32)
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = _check_real(momentum, "momentum", low=0.0, high=1.0, low_open=False)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if self.momentum == 0.0:
            param -= self.lr * grad
            return
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = grad.copy()
        else:
            v *= self.momentum
            v += grad
        param -= self.lr * v

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr!r}, momentum={self.momentum!r})"


class Momentum(SGD):
    """SGD with momentum 0.9 by default: ``Momentum(lr)`` is ``SGD(lr, momentum=0.9)``."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr, momentum)


class Adam(Optimizer):
    """Adam (Kingma & Ba), with PyTorch's bias correction and ``eps`` outside the root.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``,
    ``param -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``.

    Parameters
    ----------
    lr : float, > 0, default 1e-3
    beta1, beta2 : float in [0, 1), default 0.9 and 0.999
    eps : float, > 0, default 1e-8

    Examples
    --------
    >>> from convviz.nn import Dense, Sequential
    >>> model = Sequential([Dense(1)], input_shape=(1,))
    >>> model.layers[0].grads["bias"][:] = 5.0
    >>> Adam(lr=0.1).step(model)  # the first step moves each parameter by about lr
    >>> model.layers[0].params["bias"].round(6)
    array([-0.1], dtype=float32)
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1 = _check_real(beta1, "beta1", low=0.0, high=1.0, low_open=False)
        self.beta2 = _check_real(beta2, "beta2", low=0.0, high=1.0, low_open=False)
        self.eps = _check_real(eps, "eps", low=0.0)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if not state:
            state["m"], state["v"] = np.zeros_like(param), np.zeros_like(param)
        m, v = state["m"], state["v"]
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad
        m_hat_scale = self.lr / (1.0 - self.beta1 ** self.t)
        denom = np.sqrt(v / (1.0 - self.beta2 ** self.t))
        denom += self.eps
        param -= m_hat_scale * m / denom

    def __repr__(self) -> str:
        return (f"Adam(lr={self.lr!r}, beta1={self.beta1!r}, beta2={self.beta2!r}, "
                f"eps={self.eps!r})")
