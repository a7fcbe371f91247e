"""Occlusion (Zeiler & Fergus 2014): slide a grey patch over the image and record how much
the target class's probability drops with each position covered.

Every covered copy runs through the model's own forward pass (:data:`convviz.inside.cost.CHUNK`
of them at once); count the passes first with :func:`occlusion_positions` and
:func:`convviz.inside.cost.attribution_cost`. Rows and columns are counted from 0.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1),
...                    dtype=np.float64)
>>> x = np.linspace(0, 1, 36).reshape(6, 6, 1)
>>> occlusion(model, x, 0, patch=2, stride=2).drops.shape
(3, 3)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import check_int
from convviz.inside.checks import check_class, check_image, check_model
from convviz.inside.cost import CHUNK
from convviz.nn.losses import softmax
from convviz.nn.model import Sequential

__all__ = ["Occlusion", "occlusion", "occlusion_positions"]


def occlusion_positions(size: int, patch: int, stride: int) -> list[int]:
    """Where a patch starts along one side: every ``stride``-th offset, and the last one
    that fits (so with ``stride <= patch`` every pixel is covered).

    Examples
    --------
    >>> occlusion_positions(28, 4, 4), occlusion_positions(10, 4, 4)
    ([0, 4, 8, 12, 16, 20, 24], [0, 4, 6])
    """
    size = check_int(size, "size", minimum=1)
    patch = check_int(patch, "patch", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    if patch > size:
        raise ValueError(f"`patch` must be at most the image's side ({size}), got {patch}")
    starts = list(range(0, size - patch + 1, stride))
    return starts if starts[-1] == size - patch else starts + [size - patch]


class Occlusion(NamedTuple):
    """The result of :func:`occlusion`.

    Attributes
    ----------
    drops : ndarray, shape (rows, cols)
        ``p(target | x) - p(target | x with the patch at that position)``: positive where
        covering the patch lowers the probability.
    rows, cols : list of int
        The top row and left column of each patch position.
    pixel_map : ndarray, shape (H, W)
        Each pixel's mean drop over the patch positions that cover it.
    base : float
        ``p(target | x)``, the probability with nothing covered.
    passes : int
        Forward passes run (positions + 1).
    """

    drops: np.ndarray
    rows: list[int]
    cols: list[int]
    pixel_map: np.ndarray
    base: float
    passes: int


def occlusion(model: Sequential, x: Any, target: int, *, patch: int, stride: int,
              fill: float = 0.5) -> Occlusion:
    """Slide a square patch of ``fill`` over the image; record the drop in ``target``'s
    probability at each position (Zeiler & Fergus 2014).

    Parameters
    ----------
    model : Sequential
        A classifier of (H, W, C) images.
    x : array_like, shape model.input_shape
        One image.
    target : int
        The class whose probability is watched.
    patch : int
        The patch's side in pixels, 1 to min(H, W).
    stride : int
        Pixels between neighbouring patch positions, 1 to ``patch`` (so every pixel gets
        covered; :func:`occlusion_positions`).
    fill : float
        The patch's value in every channel (0.5: mid grey on [0, 1] images).

    Returns
    -------
    Occlusion
        ``passes`` is ``len(rows) * len(cols) + 1`` (count it first with
        :func:`occlusion_positions` and :func:`attribution_cost`).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(2)], input_shape=(4, 4, 1), dtype=np.float64)
    >>> occ = occlusion(model, np.zeros((4, 4, 1)), 0, patch=2, stride=2, fill=0.0)
    >>> occ.passes, float(abs(occ.drops).max())  # covering zeros with zeros changes nothing
    (5, 0.0)
    """
    model = check_model(model)
    arr = check_image(model, x)
    target = check_class(model, target, "target")
    h, w = model.input_shape[:2]
    patch = check_int(patch, "patch", minimum=1)
    if patch > min(h, w):
        raise ValueError(f"`patch` must be 1 to {min(h, w)} pixels, got {patch}")
    stride = check_int(stride, "stride", minimum=1)
    if stride > patch:
        raise ValueError(f"`stride` must be 1 to the patch's side ({patch}), got {stride}")
    if isinstance(fill, bool) or not isinstance(fill, (int, float, np.number)) \
            or not math.isfinite(fill):
        raise TypeError(f"`fill` must be a finite number, got {fill!r}")
    rows, cols = occlusion_positions(h, patch, stride), occlusion_positions(w, patch, stride)
    spots = [(r, c) for r in rows for c in cols]
    base = float(softmax(model.forward(arr[None], training=False))[0, target])
    probs = np.empty(len(spots))
    for start in range(0, len(spots), CHUNK):
        part = spots[start:start + CHUNK]
        batch = np.repeat(arr[None], len(part), axis=0)  # (n, H, W, C)
        for k, (r, c) in enumerate(part):
            batch[k, r:r + patch, c:c + patch] = fill
        probs[start:start + len(part)] = softmax(model.forward(batch, training=False))[:, target]
    drops = (base - probs).reshape(len(rows), len(cols))
    total, count = np.zeros((h, w)), np.zeros((h, w))
    for (r, c), d in zip(spots, drops.ravel(), strict=True):
        total[r:r + patch, c:c + patch] += d
        count[r:r + patch, c:c + patch] += 1
    return Occlusion(drops, rows, cols, total / count, base, len(spots) + 1)

