"""Splitting labelled images into train and test, and cutting them into mini-batches.

Both take their randomness from a seed or a ``numpy.random.Generator``, so a lesson replays.

Examples
--------
>>> import numpy as np
>>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
>>> train, test = stratified_split(y, 0.25, seed=0)
>>> sorted(np.bincount(y[train]).tolist()), sorted(np.bincount(y[test]).tolist())
([3, 3], [1, 1])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.data.dataset import check_fraction

__all__ = ["as_generator", "batches", "stratified_split"]


def as_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a Generator or a non-negative int seed.

    Examples
    --------
    >>> int(as_generator(0).integers(10)) == int(as_generator(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(
            f"`{name}` must be a numpy.random.Generator or a non-negative integer seed, "
            f"got {rng!r}"
        )
    if rng < 0:
        raise ValueError(f"`{name}` must be a non-negative integer seed, got {rng}")
    return np.random.default_rng(int(rng))


def stratified_split(
    y: np.ndarray, test_fraction: float, *, seed: int | np.random.Generator = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a train/test split that keeps each class's share in both parts.

    Each class with ``n`` images sends ``n * test_fraction`` of them (rounded half up) to the
    test part, but always keeps at least one for training; a class with two or more images also
    gives at least one to the test part. A class with a single image is used for training only.

    Parameters
    ----------
    y : ndarray of int, shape (N,)
        Class index of each sample.
    test_fraction : float
        Share of each class held out, strictly between 0 and 1.
    seed : int or numpy.random.Generator, optional
        Which images go where, and the order of both parts (each part is shuffled).

    Returns
    -------
    train, test : ndarray of int64, shapes (N - M,) and (M,)
        Disjoint indices into `y` covering all of it.

    Examples
    --------
    >>> train, test = stratified_split(np.array([0, 1, 1, 1, 1]), 0.5, seed=1)
    >>> len(train), len(test), 0 in train
    (3, 2, True)
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"`y` must be a 1-D integer array, got shape {y.shape}, dtype {y.dtype}")
    test_fraction = check_fraction(test_fraction)
    rng = as_generator(seed, "seed")
    train_parts, test_parts = [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_test = int(len(idx) * test_fraction + 0.5)  # round half up, not to even
        if len(idx) >= 2:
            n_test = min(max(n_test, 1), len(idx) - 1)
        else:
            n_test = 0
        test_parts.append(idx[:n_test])
        train_parts.append(idx[n_test:])
    train = rng.permutation(np.concatenate(train_parts)) if train_parts else np.empty(0)
    test = rng.permutation(np.concatenate(test_parts)) if test_parts else np.empty(0)
    return train.astype(np.int64), test.astype(np.int64)


def batches(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: int | np.random.Generator,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield one epoch of mini-batches, in a fresh random order each call.

    Parameters
    ----------
    x : ndarray, shape (N, ...)
        Inputs, e.g. images (N, H, W, C).
    y : ndarray, shape (N,)
        Labels.
    batch_size : int
        Samples per batch; the last batch may be smaller unless `drop_last`.
    rng : numpy.random.Generator or int
        Shuffles the order. Pass the same Generator every epoch to get a new order each epoch
        that still replays from its seed.
    shuffle : bool, optional
        If False, keep the stored order (for evaluation).
    drop_last : bool, optional
        Skip a last batch smaller than `batch_size`.

    Yields
    ------
    xb : ndarray, shape (B, ...)
    yb : ndarray, shape (B,)
        Copies (fancy-indexed) when shuffled, views otherwise.

    Examples
    --------
    >>> x, y = np.zeros((10, 4, 4, 1), np.float32), np.arange(10)
    >>> rng = np.random.default_rng(0)
    >>> [xb.shape[0] for xb, yb in batches(x, y, 4, rng)]
    [4, 4, 2]
    >>> sorted(np.concatenate([yb for _, yb in batches(x, y, 4, rng)]).tolist()) == list(range(10))
    True
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"`x` and `y` must have the same number of samples, got shapes {x.shape} and {y.shape}"
        )
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    gen = as_generator(rng)
    # Checked above, shuffled here: a generator body would only run (and fail) at first next().
    n = x.shape[0]
    order = gen.permutation(n) if shuffle else None
    stop = n - n % batch_size if drop_last else n
    return _iterate(x, y, order, batch_size, stop)


def _iterate(
    x: np.ndarray, y: np.ndarray, order: np.ndarray | None, batch_size: int, stop: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, stop, batch_size):
        if order is None:
            yield x[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield x[idx], y[idx]
