"""The arguments every look inside a trained network takes, checked: a model of images, one
image, a class, and a layer with feature maps.

Each check returns the value as the views use it and raises ``TypeError`` or ``ValueError``
with the argument's name, the value and what would be valid, so every view (occlusion,
Grad-CAM, the flip, the class picture, a unit's field) says the same thing about the same
mistake. Layers are counted from 0, as in ``model.layers``.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1))
>>> spatial_layers(model), check_layer(model, 1), check_class(model, 2, "target")
([0, 1], 1, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_int
from convviz.nn.model import Sequential

__all__ = ["check_class", "check_image", "check_layer", "check_model", "spatial_layers"]


def check_model(model: Any, *, classifier: bool = True) -> Sequential:
    """``model``, if it is a :class:`~convviz.nn.Sequential` of (H, W, C) images (and, with
    ``classifier``, outputs one score per class).

    Parameters
    ----------
    model : Sequential
    classifier : bool
        Whether the output must be one score per class (a flat (K,) output).

    Returns
    -------
    Sequential
        ``model`` itself.

    Examples
    --------
    >>> from convviz.nn import Conv2D
    >>> conv = Sequential([Conv2D(2, 3)], input_shape=(6, 6, 1))
    >>> check_model(conv, classifier=False) is conv
    True
    >>> check_model(conv)
    Traceback (most recent call last):
    ...
    ValueError: `model` must output one score per class, its output has shape (4, 4, 2)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a convviz.nn.Sequential, got {type(model).__name__}")
    if classifier and len(model.output_shape) != 1:
        raise ValueError(f"`model` must output one score per class, its output has shape "
                         f"{model.output_shape}")
    if len(model.input_shape) != 3:
        raise ValueError(f"`model` must take images (H, W, C), its input shape is "
                         f"{model.input_shape}")
    return model


def check_image(model: Sequential, x: Any) -> np.ndarray:
    """``x`` as one image for ``model``: of its input shape, no batch axis, in its dtype.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape model.input_shape

    Returns
    -------
    ndarray, shape model.input_shape, dtype model.dtype

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(3)], input_shape=(2, 2, 1))
    >>> check_image(model, [[[0], [1]], [[1], [0]]]).dtype
    dtype('float32')
    >>> check_image(model, np.zeros((1, 2, 2, 1)))
    Traceback (most recent call last):
    ...
    ValueError: `x` must be one image of shape (2, 2, 1) (no batch axis), got (1, 2, 2, 1)
    """
    if np.shape(x) != model.input_shape:
        raise ValueError(f"`x` must be one image of shape {model.input_shape} (no batch axis), "
                         f"got {np.shape(x)}")
    return as_float_array(x, "x", ndims=(3,)).astype(model.dtype)


def check_class(model: Sequential, value: Any, name: str) -> int:
    """``value`` as one of ``model``'s classes, 0 to K - 1; ``name`` is the argument's name
    in the message.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(3)], input_shape=(2, 2, 1))
    >>> check_class(model, 3, "target")
    Traceback (most recent call last):
    ...
    ValueError: `target` must be a class in 0..2, got 3
    """
    n = model.output_shape[0]
    k = check_int(value, name, minimum=0)
    if k >= n:
        raise ValueError(f"`{name}` must be a class in 0..{n - 1}, got {k}")
    return k


def spatial_layers(model: Sequential) -> list[int]:
    """The indices of the layers whose output is a stack of maps (H', W', C').

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
    >>> spatial_layers(Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)],
    ...                           input_shape=(6, 6, 1)))
    [0, 1]
    """
    return [i for i, layer in enumerate(model.layers) if len(layer.output_shape) == 3]


def check_layer(model: Sequential, layer: Any) -> int:
    """``layer`` as the index of one of ``model``'s layers with feature maps
    (:func:`spatial_layers`).

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten
    >>> check_layer(Sequential([Conv2D(2, 3), Flatten(), Dense(3)], input_shape=(6, 6, 1)), 1)
    Traceback (most recent call last):
    ...
    ValueError: `layer` must be the index of a layer with feature maps (0), got 1
    """
    i = check_int(layer, "layer", minimum=0)
    maps = spatial_layers(model)
    if i not in maps:
        raise ValueError(f"`layer` must be the index of a layer with feature maps "
                         f"({', '.join(map(str, maps)) or 'none'}), got {i}")
    return i
