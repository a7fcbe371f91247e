"""Softmax and the softmax cross-entropy loss, with its gradient.

Both check a batch of logits (N, K) and then run the engine's one softmax,
:func:`convviz.engine.softmax.stable_softmax`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.engine.softmax import stable_softmax


def _check_logits(logits: Any) -> np.ndarray:
    arr = np.asarray(logits)
    if not np.issubdtype(arr.dtype, np.floating):
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"`logits` must be an array of real numbers, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"`logits` must be a non-empty 2-D array (N, K), got shape {arr.shape}")
    return arr


def softmax(logits: Any) -> np.ndarray:
    """Class probabilities of each row, computed stably (the row maximum is subtracted).

    Parameters
    ----------
    logits : array_like, shape (N, K)

    Returns
    -------
    ndarray, shape (N, K)
        Each row is positive and sums to 1; float32 stays float32.

    Examples
    --------
    >>> softmax(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    >>> softmax(np.array([[1000.0, 1000.0]]))  # no overflow
    array([[0.5, 0.5]])
    """
    return stable_softmax(_check_logits(logits), axis=1).probs


def softmax_cross_entropy(logits: Any, labels: Any) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    ``loss = mean_n(logsumexp(logits[n]) - logits[n, labels[n]])``; the gradient is
    ``(softmax(logits) - onehot(labels)) / N``.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        Unnormalised class scores (the last Dense layer's output).
    labels : array_like of int, shape (N,)
        The true class of each example, in ``[0, K)``.

    Returns
    -------
    loss : float
        Mean over the batch, in nats.
    dlogits : ndarray, shape (N, K)
        Gradient of ``loss`` with respect to ``logits``, same dtype as ``logits``.

    Examples
    --------
    >>> loss, dlogits = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 6)  # log(4): uniform over 4 classes
    1.386294
    >>> dlogits[0]
    array([-0.375,  0.125,  0.125,  0.125])
    """
    z = _check_logits(logits)
    n, k = z.shape
    y = np.asarray(labels)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"`labels` must be integers (class indices), got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"`labels` must have shape ({n},), one per row of `logits`, "
                         f"got {y.shape}")
    if y.min() < 0 or y.max() >= k:
        bad = y[(y < 0) | (y >= k)][0]
        raise ValueError(f"`labels` must be class indices in [0, {k}), got {bad}")
    terms = stable_softmax(z, axis=1)
    rows = np.arange(n)
    loss = float(np.mean(np.log(terms.sums[:, 0]) - terms.shifted[rows, y], dtype=np.float64))
    grad = terms.probs  # the softmax, reused as the gradient
    grad[rows, y] -= 1.0
    grad /= n
    return loss, grad
