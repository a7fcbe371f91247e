"""Softmax: turning a vector of scores (logits) into probabilities, computed stably.

``softmax(z)_i = exp(z_i) / sum_j exp(z_j)``. Adding the same constant to every logit
does not change the result, so the largest logit is subtracted first and ``exp`` never
overflows (``exp(1000)`` would be infinite in float64).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SoftmaxParts:
    """The steps of a stable softmax of one vector of logits (all arrays of shape (n,))."""

    shifted: np.ndarray  # z - max(z): every value <= 0
    exps: np.ndarray  # exp(shifted), in (0, 1]
    total: float  # their sum
    probs: np.ndarray  # exps / total


def softmax_parts(logits: Any) -> SoftmaxParts:
    """Each step of :func:`softmax` for a 1-D vector, to show them in a table.

    >>> p = softmax_parts([2.0, 1.0, 0.1])
    >>> p.shifted.tolist(), round(float(p.probs[0]), 3)
    ([0.0, -1.0, -1.9], 0.659)
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1:
        raise ValueError(f"`logits` must be 1-D, got shape {z.shape}")
    probs = softmax(z)
    shifted = z - z.max()
    exps = np.exp(shifted)
    return SoftmaxParts(shifted, exps, float(exps.sum()), probs)


def softmax(logits: Any, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z_i) / sum_j exp(z_j)`` along ``axis``, computed stably.

    The largest logit is subtracted first: the result is the same (softmax ignores a
    constant added to every logit) and ``exp`` never overflows.

    Raises
    ------
    ValueError
        For an empty input or values that are not finite numbers.

    Examples
    --------
    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0 or z.ndim == 0:
        raise ValueError(f"`logits` must be a non-empty array, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("`logits` must contain only finite numbers")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
