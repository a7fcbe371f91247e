"""A model's passes run by hand, layer by layer: forward to any layer with the caches a
backward pass needs, and backward from any layer's output to the input.

The views inside a trained network take gradients the training loop never does (of one
logit, of one feature map, of one unit), so they walk the layers themselves. They do it on a
twin, ``model.astype(model.dtype)``: a copy that owns its arrays, so the model's gradients
and training caches (a training step in progress) are left as they were.

>>> from convviz.nn import Conv2D, Dense, Flatten, Sequential
>>> twin = Sequential([Conv2D(2, 3), Flatten(), Dense(3)], input_shape=(5, 5, 1),
...                   dtype=np.float64)
>>> [out.shape for out in run_layers(twin, np.ones((1, 5, 5, 1)))]
[(1, 3, 3, 2), (1, 18), (1, 3)]
"""

from __future__ import annotations

import numpy as np

from convviz.nn.layers import Layer
from convviz.nn.model import Sequential

__all__ = ["backprop", "logit_grads", "run_layers"]


def run_layers(twin: Sequential, xb: np.ndarray, upto: int | None = None) -> list[np.ndarray]:
    """Run ``xb`` through ``twin``'s layers in their own order, caching for backward;
    return every layer's output (to ``upto`` inclusive).

    Parameters
    ----------
    twin : Sequential
        The model (a copy of it: its caches are overwritten).
    xb : ndarray, shape (N,) + twin.input_shape
    upto : int, optional
        The last layer to run (all of them when None).

    Returns
    -------
    list of ndarray
        Layer ``i``'s output at index ``i``, each of shape (N,) + its output shape.

    Examples
    --------
    >>> from convviz.nn import Conv2D, ReLU, Sequential
    >>> twin = Sequential([Conv2D(2, 3), ReLU(), Conv2D(1, 3)], input_shape=(6, 6, 1))
    >>> len(run_layers(twin, np.ones((1, 6, 6, 1)), upto=1))
    2
    """
    outs, out = [], xb
    for layer in twin.layers[: None if upto is None else upto + 1]:
        out = layer.forward(out, training=True)
        outs.append(out)
    return outs


def backprop(layers: list[Layer], grad: np.ndarray) -> np.ndarray:
    """Backpropagate ``grad`` through ``layers`` (last first); their caches must be set.

    Parameters
    ----------
    layers : list of Layer
        Consecutive layers that have just run forward with ``training=True``
        (:func:`run_layers`).
    grad : ndarray, shape (N,) + the last layer's output shape
        The gradient of some quantity with respect to the last layer's output.

    Returns
    -------
    ndarray, shape (N,) + the first layer's input shape

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten, Sequential
    >>> twin = Sequential([Flatten(), Dense(1)], input_shape=(2, 2, 1), dtype=np.float64)
    >>> twin.layers[1].params["weight"][:] = [[1.0], [2.0], [3.0], [4.0]]
    >>> _ = run_layers(twin, np.zeros((1, 2, 2, 1)))
    >>> backprop(twin.layers, np.ones((1, 1)))[0, ..., 0].tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return grad


def logit_grads(twin: Sequential, xb: np.ndarray, seed: np.ndarray,
                layer: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """``d (logits . seed) / d (input)`` (layer None) or ``/ d (output of layer)``.

    Parameters
    ----------
    twin : Sequential
        A classifier (a copy of it: its caches are overwritten).
    xb : ndarray, shape (N,) + twin.input_shape
    seed : ndarray, shape (N, K)
        The weights of the logits (a one-hot row: one class's logit).
    layer : int, optional
        The layer whose output the gradient is taken with respect to; None for the input.

    Returns
    -------
    grad : ndarray
        Shaped like the input batch, or like that layer's output batch.
    outs : list of ndarray
        Every layer's output (:func:`run_layers`); ``outs[-1]`` is the logits.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten, Sequential
    >>> twin = Sequential([Flatten(), Dense(2)], input_shape=(1, 2, 1), dtype=np.float64)
    >>> twin.layers[1].params["weight"][:] = [[1.0, 5.0], [2.0, 6.0]]
    >>> grad, outs = logit_grads(twin, np.ones((1, 1, 2, 1)), np.array([[0.0, 1.0]]))
    >>> grad[0, 0, :, 0].tolist(), outs[-1].shape
    ([5.0, 6.0], (1, 2))
    """
    outs = run_layers(twin, xb)
    start = 0 if layer is None else layer + 1
    return backprop(twin.layers[start:], seed), outs
