"""Receptive fields: how many input pixels one unit of a layer sees, along one side.

A layer with kernel k, stride s and dilation d widens what a unit sees by ``d * (k - 1)``
of the previous layer's units, and those are ``jump`` input pixels apart, where ``jump`` is
the product of the strides so far:

    size_l = size_{l-1} + d_l * (k_l - 1) * jump_{l-1}      (size_0 = 1)
    jump_l = jump_{l-1} * s_l                              (jump_0 = 1)

Pooling counts as a layer (its window and stride); layers without a window (ReLU, a 1x1
convolution) change nothing. Padding moves where a window starts, never its size.

Examples
--------
>>> receptive_field([(3, 1, 1), (3, 1, 1)])  # two 3x3 convolutions see 5x5
[(3, 1), (5, 1)]
>>> receptive_field([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)])  # LeNet-like
[(5, 1), (6, 2), (14, 2), (16, 4)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from convviz.base.checks import check_int

__all__ = ["receptive_field"]


def receptive_field(layers: Sequence[Any]) -> list[tuple[int, int]]:
    """The receptive field of each layer's units, cumulative from the input.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride, dilation)
        One triple of positive integers per layer, along one side.

    Returns
    -------
    list of (size, jump)
        For each layer: how many input pixels one unit sees along a side, and how far
        apart (in input pixels) neighbouring units' windows start.

    Examples
    --------
    >>> receptive_field([(3, 2, 1), (3, 1, 2)])
    [(3, 2), (11, 2)]
    >>> receptive_field([])
    []
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError("`layers` must be a sequence of (kernel_size, stride, dilation) "
                        f"triples, got {type(layers).__name__}")
    size, jump, out = 1, 1, []
    for i, layer in enumerate(layers):
        if not isinstance(layer, Sequence) or isinstance(layer, (str, bytes)) \
                or len(layer) != 3:
            raise ValueError(f"`layers[{i}]` must be a (kernel_size, stride, dilation) "
                             f"triple, got {layer!r}")
        k = check_int(layer[0], f"layers[{i}] kernel_size", minimum=1)
        s = check_int(layer[1], f"layers[{i}] stride", minimum=1)
        d = check_int(layer[2], f"layers[{i}] dilation", minimum=1)
        size += d * (k - 1) * jump
        jump *= s
        out.append((size, jump))
    return out
