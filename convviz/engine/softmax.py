"""Softmax: turning a vector of scores (logits) into probabilities, computed stably.

``softmax(z)_i = exp(z_i) / sum_j exp(z_j)``. Adding the same constant to every logit
does not change the result, so the largest logit is subtracted first and ``exp`` never
overflows (``exp(1000)`` would be infinite in float64).

:func:`stable_softmax` is the one place the arithmetic lives: :func:`softmax` (a checked
float64 vector or array, for the teaching pages) and the CNN library's ``convviz.nn.softmax``
and ``softmax_cross_entropy`` (batches of logits, float32 kept) all call it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LogitShift", "SoftmaxParts", "SoftmaxTerms", "shift_logits", "softmax",
           "softmax_parts", "stable_softmax"]


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

    Parameters
    ----------
    logits : array_like, any non-empty shape
        Finite numbers; computed in float64.
    axis : int
        The axis the probabilities sum to 1 along.

    Returns
    -------
    ndarray of float64, the shape of ``logits``

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
    return stable_softmax(z, axis).probs


@dataclass(frozen=True)
class SoftmaxTerms:
    """The result of :func:`stable_softmax`: the terms a loss needs besides the probabilities.

    Attributes
    ----------
    shifted : ndarray, the shape of the logits
        ``z - max(z)`` along the axis: every value <= 0 (``-inf`` where the gap passes the
        float range).
    probs : ndarray, the shape of the logits
        The softmax.
    sums : ndarray, the logits' shape with the axis kept at length 1
        ``sum(exp(shifted))`` along the axis, each in [1, n]: ``log(sums) - shifted`` is the
        cross-entropy of each class.
    """

    shifted: np.ndarray
    probs: np.ndarray
    sums: np.ndarray


def stable_softmax(z: np.ndarray, axis: int = -1) -> SoftmaxTerms:
    """The softmax arithmetic, without argument checks: the one implementation in convviz.

    Parameters
    ----------
    z : ndarray of floats, any shape
        Logits, already checked by the caller; the dtype is kept (float32 stays float32).
    axis : int
        The axis the probabilities sum to 1 along.

    Returns
    -------
    SoftmaxTerms

    Examples
    --------
    >>> t = stable_softmax(np.array([[0.0, np.log(3.0)]], dtype=np.float32), axis=1)
    >>> t.probs, t.probs.dtype
    (array([[0.25, 0.75]], dtype=float32), dtype('float32'))
    >>> t.sums
    array([[1.3333334]], dtype=float32)
    """
    with np.errstate(over="ignore"):  # a gap beyond the float range is -inf: probability 0
        shifted = z - z.max(axis=axis, keepdims=True)
    probs = np.exp(shifted)
    sums = probs.sum(axis=axis, keepdims=True)
    probs /= sums
    return SoftmaxTerms(shifted, probs, sums)


@dataclass(frozen=True)
class LogitShift:
    """The result of :func:`shift_logits`.

    Attributes
    ----------
    logits : tuple of float, length n
        Every logit plus ``added``.
    added : float
        What was added to every logit: the asked amount, or less when that would have
        passed the limit.
    note : str or None
        Why less than asked was added, for the learner; None when all of it was.
    """

    logits: tuple[float, ...]
    added: float
    note: str | None


def shift_logits(logits: Any, by: float, *, limit: float = 1000.0) -> LogitShift:
    """Add ``by`` to every logit, staying within ``[-limit, limit]`` without changing softmax.

    A widget holds each logit within ``[-limit, limit]``. Clipping each logit on its own
    would change their differences, and so the probabilities. Instead, when the shift would
    carry the largest logit above ``limit`` (or the smallest below ``-limit``), every logit
    moves by the same smaller amount, so the softmax stays exactly what it was.

    Parameters
    ----------
    logits : array_like, shape (n,)
        Each within ``[-limit, limit]``.
    by : float
        The constant to add (negative to subtract).
    limit : float
        The largest magnitude a logit may take.

    Returns
    -------
    LogitShift

    Raises
    ------
    TypeError, ValueError
        For a non-number ``by`` or ``limit``, or logits that are not 1-D, not finite or not
        within ``[-limit, limit]``.

    Examples
    --------
    >>> shift_logits([1.0, 4.0], 100.0).logits
    (101.0, 104.0)
    >>> s = shift_logits([900.0, 990.0], 100.0)
    >>> s.logits, s.added
    ((910.0, 1000.0), 10.0)
    """
    for value, name in ((by, "by"), (limit, "limit")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"`{name}` must be a number, got {value!r} ({type(value).__name__})")
        if not math.isfinite(value):
            raise ValueError(f"`{name}` must be a finite number, got {value!r}")
    if limit <= 0:
        raise ValueError(f"`limit` must be a positive number, got {limit!r}")
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"`logits` must be 1-D and non-empty, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("`logits` must contain only finite numbers")
    lo, hi = float(z.min()), float(z.max())
    if lo < -limit or hi > limit:
        raise ValueError(f"`logits` must lie within -{limit:g} to {limit:g}, got {lo:g} to "
                         f"{hi:g}")
    added = float(min(max(float(by), -limit - lo), limit - hi))
    note = None
    if added != by:
        end, edge = ("largest", f"{limit:g}") if by > 0 else ("smallest", f"-{limit:g}")
        if added == 0:
            note = (f"Nothing can be added: the {end} logit is already at the limit of these "
                    f"inputs ({edge}), and moving only the others would change the "
                    "probabilities.")
        else:
            note = (f"Added {added:g} instead of {float(by):g}: the {end} logit is now at "
                    f"the limit of these inputs ({edge}). Every logit moved by the same "
                    "amount, so the probabilities did not change.")
    return LogitShift(tuple(float(v) for v in z + added), added, note)
