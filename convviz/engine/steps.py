"""The :class:`Step` record that convolution and pooling animations are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Step:
    """One window position of a convolution or pooling, with every number it involves.

    Attributes
    ----------
    index : int
        Position in row-major output order, 0-based.
    out_pos : (int, int)
        (row, col) of the output cell this window produces.
    origin : (int, int)
        (row, col) of the window's top-left tap in padded-input coordinates.
    rows, cols : tuple of int
        Padded-input row and column of every tap (they are ``dilation`` apart).
    patch : ndarray, shape (kH, kW) or (kH, kW, C)
        The padded input under the window, after dilation sampling. Max pooling shows
        its padding as ``-inf``.
    value : float
        The output value: ``products.sum() + bias`` for convolution, the max or mean
        for pooling.
    products : ndarray, shape like ``patch``, or None
        ``patch * kernel`` (convolution only).
    channel_sums : ndarray, shape (C,), or None
        Per-channel sums of ``products`` for a multi-channel convolution; they add up,
        with the bias, to ``value``.
    bias : float
        The bias added (convolution; 0 for pooling).
    argmax : (int, int) or None
        (row, col) inside ``patch`` of the winning element (max pooling only; the
        first one in row-major order on ties, as PyTorch).
    divisor : int or None
        What an average pool divided the sum by.
    """

    index: int
    out_pos: tuple[int, int]
    origin: tuple[int, int]
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    patch: np.ndarray
    value: float
    products: np.ndarray | None = None
    channel_sums: np.ndarray | None = None
    bias: float = 0.0
    argmax: tuple[int, int] | None = None
    divisor: int | None = None
