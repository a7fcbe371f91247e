"""Upsampling a photo two ways: a stride-2 transposed convolution against resize-then-convolve.

A stride-2, 3x3 transposed convolution stamps every input pixel's 3x3 patch two pixels
apart, so neighbouring stamps overlap on some output pixels and not on others: with
``padding=1, output_padding=1`` an output pixel gets 1, 2 or 4 stamps, in a repeating
2x2 pattern (:attr:`Upsampled.counts`). With a uniform kernel that uneven overlap is a
checkerboard of light and dark pixels (Odena, Dumoulin and Olah, "Deconvolution and
Checkerboard Artifacts", Distill, 2016). Resizing first (nearest or bilinear) and then
convolving with the same-size kernel at stride 1 covers every output pixel with the same
number of windows, so no such pattern appears.

Examples
--------
>>> u = upsample_both(np.full((8, 8), 100.0))
>>> u.transposed.shape, u.resized.shape
((8, 8), (8, 8))
>>> u.counts[1:3, 1:3].tolist()
[[4.0, 2.0], [2.0, 1.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from convviz.base.checks import as_float_array, check_choice, check_int
from convviz.engine.conv import conv2d
from convviz.engine.pooling import pool2d
from convviz.engine.transpose import conv_transpose2d

__all__ = ["RESIZES", "Upsampled", "crop_box", "upsample_both"]

RESIZES = ("nearest", "bilinear")  #: how the resize-then-convolve path enlarges


@dataclass(frozen=True)
class Upsampled:
    """The two upsamplings of one image.

    Attributes
    ----------
    small : ndarray, shape (H // 2, W // 2)
        The image downsampled by 2 (the mean of each 2x2 block).
    transposed : ndarray, shape (2 * (H // 2), 2 * (W // 2))
        ``conv_transpose2d(small, kernel, stride=2, padding=1, output_padding=1)``.
    resized : ndarray, same shape
        ``small`` resized by 2, then ``conv2d`` with a 3x3 box kernel (weights 1/9),
        padding 1.
    counts : ndarray, same shape
        How many stamps reach each output pixel: the transposed convolution of all-ones
        with an all-ones kernel.
    kernel : ndarray, shape (3, 3)
        The transposed convolution's uniform kernel: ``4/9`` everywhere (9 weights per
        input pixel spread over the 4 output pixels it makes, so the mean brightness stays).
    """

    small: np.ndarray
    transposed: np.ndarray
    resized: np.ndarray
    counts: np.ndarray
    kernel: np.ndarray


def _resize(small: np.ndarray, how: str) -> np.ndarray:
    h, w = small.shape
    if how == "nearest":
        return np.repeat(np.repeat(small, 2, axis=0), 2, axis=1)
    img = Image.fromarray(np.ascontiguousarray(small, dtype=np.float32))  # mode F
    return np.asarray(img.resize((2 * w, 2 * h), Image.Resampling.BILINEAR), dtype=np.float64)


def upsample_both(gray: Any, *, resize: str = "nearest") -> Upsampled:
    """Downsample ``gray`` by 2, then upsample it back both ways.

    Parameters
    ----------
    gray : array_like, shape (H, W), H and W >= 4
        A grayscale image (any range: 0..255 or 0..1).
    resize : {"nearest", "bilinear"}
        How the second path enlarges before its convolution.

    Returns
    -------
    Upsampled

    Examples
    --------
    >>> u = upsample_both(np.full((6, 6), 9.0))
    >>> sorted(set(u.transposed[1:-1, 1:-1].ravel().tolist()))  # 1, 2 or 4 stamps of 4
    [4.0, 8.0, 16.0]
    >>> sorted(set(u.resized[1:-1, 1:-1].ravel().tolist()))  # flat stays flat
    [9.0]
    """
    img = as_float_array(gray, "gray", ndims=(2,))
    if min(img.shape) < 4:
        raise ValueError(f"`gray` must be at least 4x4, got shape {img.shape}")
    check_choice(resize, "resize", RESIZES)
    h, w = (img.shape[0] // 2) * 2, (img.shape[1] // 2) * 2
    small = pool2d(img[:h, :w].astype(np.float64), 2, mode="avg")
    kernel = np.full((3, 3), 4.0 / 9.0)
    transposed = conv_transpose2d(small, kernel, stride=2, padding=1, output_padding=1)
    resized = conv2d(_resize(small, resize), np.full((3, 3), 1.0 / 9.0), padding=1)
    counts = conv_transpose2d(np.ones_like(small), np.ones((3, 3)), stride=2, padding=1,
                              output_padding=1)
    return Upsampled(small, transposed, resized, counts, kernel)


def crop_box(shape: tuple[int, int], size: int = 16) -> tuple[slice, slice]:
    """A ``size`` x ``size`` crop at the centre of ``shape``, starting on an even row and
    column (so the stamp pattern starts the same way in every crop).

    Examples
    --------
    >>> crop_box((100, 60), 16)
    (slice(42, 58, None), slice(22, 38, None))
    """
    size = check_int(size, "size", minimum=2)
    h, w = shape
    r0 = max(0, (h - size) // 2) // 2 * 2
    c0 = max(0, (w - size) // 2) // 2 * 2
    return slice(r0, min(h, r0 + size)), slice(c0, min(w, c0 + size))
