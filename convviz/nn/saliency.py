"""Saliency: how much each input pixel moves one class score, ``d logits[target] / d x``.

The model's own backward pass, started from the one-hot of the target class instead of a
loss gradient (Simonyan, Vedaldi & Zisserman 2014, "Deep Inside Convolutional Networks").
It runs on a copy of the model, so the model's gradients and caches (a training step in
progress) are left as they were.

Examples
--------
>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential
>>> model = Sequential([Conv2D(4, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1),
...                    dtype=np.float64)
>>> saliency(model, np.ones((6, 6, 1)), target=2).shape
(6, 6, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.model import Sequential

__all__ = ["saliency"]


def saliency(model: Sequential, x: Any, target: int) -> np.ndarray:
    """The gradient of the target class's logit with respect to one input image.

    Parameters
    ----------
    model : Sequential
        A classifier whose output is the logits (one per class).
    x : array_like, shape model.input_shape, e.g. (H, W, C)
        One image (no batch axis).
    target : int
        The class, ``0 <= target < n_classes``.

    Returns
    -------
    ndarray, shape like ``x``, in the model's dtype
        ``d logits[target] / d x``: positive where brightening a pixel raises the class's
        score.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a convviz.nn.Sequential, got {type(model).__name__}")
    arr = np.asarray(x)
    if arr.shape != model.input_shape:
        raise ValueError(f"`x` must be one image of shape {model.input_shape} (no batch axis), "
                         f"got {arr.shape}")
    if len(model.output_shape) != 1:
        raise ValueError(f"`model` must output one score per class, its output has shape "
                         f"{model.output_shape}")
    n_classes = model.output_shape[0]
    target = check_int(target, "target", minimum=0)
    if target >= n_classes:
        raise ValueError(f"`target` must be a class in 0..{n_classes - 1}, got {target}")
    twin = model.astype(model.dtype)  # leaves the model's caches and gradients alone
    logits = twin.forward(arr[None], training=True)
    seed = np.zeros_like(logits)
    seed[0, target] = 1.0
    return twin.backward(seed)[0]
