"""One unit's receptive field: where it lies on the input (:func:`unit_receptive_box`, from
the layers' kernels, strides and paddings; its size is :func:`convviz.receptive_field`'s),
and how each input pixel moves the unit (:func:`unit_gradient`, by the model's backward
pass), whose support lies inside that box.

The arithmetic of a field through a layer stack without a model is
:mod:`convviz.stack.fields`; this module reads the windows off a trained
:class:`~convviz.nn.Sequential`. Layers are counted from 0, as in ``model.layers``; rows
and columns from 0.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1),
...                    dtype=np.float64)
>>> unit_receptive_box(model, 0, 2, 3)
ReceptiveBox(top=2, left=3, bottom=4, right=5)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.receptive import receptive_field
from convviz.inside.checks import check_image, check_layer, check_model
from convviz.inside.passes import backprop, run_layers
from convviz.nn.conv_layer import Conv2D
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

__all__ = ["ReceptiveBox", "unit_gradient", "unit_receptive_box"]


class ReceptiveBox(NamedTuple):
    """The input pixels one unit can see: rows ``top..bottom`` and columns ``left..right``,
    inclusive. A box that starts before 0 or ends past the image reaches into the padding.
    """

    top: int
    left: int
    bottom: int
    right: int

    @property
    def size(self) -> tuple[int, int]:
        """(rows, cols) of the box, padding included."""
        return self.bottom - self.top + 1, self.right - self.left + 1

    def clipped(self, hw: tuple[int, int]) -> ReceptiveBox:
        """The part of the box inside an image of ``hw`` = (H, W) pixels.

        Examples
        --------
        >>> ReceptiveBox(-2, -2, 3, 3).clipped((28, 28))
        ReceptiveBox(top=0, left=0, bottom=3, right=3)
        """
        h, w = hw
        return ReceptiveBox(max(self.top, 0), max(self.left, 0), min(self.bottom, h - 1),
                            min(self.right, w - 1))


def _windows(model: Sequential, layer: int, axis: int) -> list[tuple[int, int, int]]:
    """(kernel, stride, padding before) along ``axis`` of every windowed layer to ``layer``."""
    out = []
    for lay in model.layers[:layer + 1]:
        if isinstance(lay, Conv2D):
            k = lay.kernel_size[axis]
        elif isinstance(lay, (MaxPool2D, AvgPool2D)):
            k = lay.pool_size[axis]
        else:
            continue  # ReLU: the field of its input
        out.append((k, lay.stride[axis], lay.pads[axis][0]))
    return out


def unit_receptive_box(model: Sequential, layer: int, row: int, col: int) -> ReceptiveBox:
    """Where the receptive field of the unit at (``row``, ``col``) of ``layer`` lies.

    Along each side, a unit ``u`` of a layer sees input pixels ``u * jump - offset`` to
    ``u * jump - offset + size - 1``: ``size`` and ``jump`` from
    :func:`convviz.receptive_field` over the windowed layers (convolutions and pooling),
    and ``offset`` the sum of each layer's padding before the first row (or column) times
    the jump below it.

    Parameters
    ----------
    model : Sequential
    layer : int
        A layer with feature maps (:func:`spatial_layers`).
    row, col : int
        The unit's position in that layer's maps.

    Returns
    -------
    ReceptiveBox
        Not clipped to the image (see :meth:`ReceptiveBox.clipped`).

    Examples
    --------
    >>> from convviz.nn import Conv2D, MaxPool2D
    >>> model = Sequential([Conv2D(2, 5, padding="same"), MaxPool2D(2)],
    ...                    input_shape=(28, 28, 1))
    >>> unit_receptive_box(model, 1, 0, 3)
    ReceptiveBox(top=-2, left=4, bottom=3, right=9)
    """
    model = check_model(model, classifier=False)
    layer = check_layer(model, layer)
    h, w = model.layers[layer].output_shape[:2]
    row, col = check_int(row, "row", minimum=0), check_int(col, "col", minimum=0)
    if row >= h or col >= w:
        raise ValueError(f"(`row`, `col`) must lie in the layer's {h}x{w} maps, got "
                         f"({row}, {col})")
    span = []
    for axis, u in ((0, row), (1, col)):
        wins = _windows(model, layer, axis)
        size, jump = receptive_field([(k, s, 1) for k, s, _ in wins])[-1] if wins else (1, 1)
        offset, below = 0, 1
        for _k, s, pad in wins:
            offset += pad * below
            below *= s
        start = u * jump - offset
        span.append((start, start + size - 1))
    return ReceptiveBox(span[0][0], span[1][0], span[0][1], span[1][1])


def unit_gradient(model: Sequential, x: Any, layer: int, row: int, col: int,
                  channel: int) -> np.ndarray:
    """``d maps[row, col, channel] / d x``: how each input pixel moves one unit of ``layer``,
    by the model's backward pass.

    Its support (the pixels where it is not 0) lies inside :func:`unit_receptive_box`;
    a ReLU that is off or a max pool's losing cells can make it smaller.

    Returns
    -------
    ndarray, shape like x

    Examples
    --------
    >>> from convviz.nn import Conv2D
    >>> model = Sequential([Conv2D(1, 3)], input_shape=(5, 5, 1), dtype=np.float64)
    >>> g = unit_gradient(model, np.ones((5, 5, 1)), 0, 0, 0, 0)
    >>> [int(v) for v in np.flatnonzero(np.abs(g[..., 0]).sum(axis=1))]
    [0, 1, 2]
    """
    model = check_model(model, classifier=False)
    layer = check_layer(model, layer)
    h, w, c = model.layers[layer].output_shape
    row, col = check_int(row, "row", minimum=0), check_int(col, "col", minimum=0)
    channel = check_int(channel, "channel", minimum=0)
    if row >= h or col >= w or channel >= c:
        raise ValueError(f"(`row`, `col`, `channel`) must lie in the layer's {h}x{w}x{c} "
                         f"output, got ({row}, {col}, {channel})")
    arr = check_image(model, x)
    twin = model.astype(model.dtype)
    run_layers(twin, arr[None], upto=layer)
    dout = np.zeros((1, h, w, c), dtype=model.dtype)
    dout[0, row, col, channel] = 1.0
    return np.asarray(backprop(twin.layers[:layer + 1], dout)[0])
