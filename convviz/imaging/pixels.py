"""Pixel arrays once loaded: downscaling, grayscale (luma) and 8-bit conversion.

:mod:`convviz.imaging.images` loads files into these arrays. Images are ``(H, W, C)`` (or
``(H, W)``), floating point in [0, 1].

Examples
--------
>>> import numpy as np
>>> to_grayscale(np.ones((4, 2, 3), np.float32)).shape
(4, 2, 1)
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from convviz.base.checks import as_float_array, check_int

__all__ = ["downscaled_size", "resize_image", "to_grayscale", "to_uint8"]


def downscaled_size(w: int, h: int, max_side: int | None) -> tuple[int, int] | None:
    """The downscaled (w, h) keeping the aspect ratio, or None when no downscale is needed."""
    if max_side is None or max(w, h) <= max_side:
        return None
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def resize_image(img: np.ndarray, *, max_side: int) -> np.ndarray:
    """Downscale so the longest side is at most `max_side`, keeping the aspect ratio.

    Parameters
    ----------
    img : ndarray, shape (H, W, C) or (H, W)
        Usually float32 in [0, 1].
    max_side : int
        The longest side allowed. Every side of the result is at least 1 pixel.

    Returns
    -------
    ndarray of float32, same rank as `img`
        Lanczos-resampled per channel, clipped to the input's own value range (so [0, 1] stays
        [0, 1]). An image that is already small enough is returned as float32 without a copy.

    Examples
    --------
    >>> resize_image(np.ones((100, 50, 3), np.float32), max_side=20).shape
    (20, 10, 3)
    """
    arr = as_float_array(img, "img", ndims=(2, 3))
    max_side = check_int(max_side, "max_side", minimum=1)
    h, w = arr.shape[:2]
    size = downscaled_size(w, h, max_side)
    if size is None:
        return arr.astype(np.float32, copy=False)
    chans = arr[:, :, np.newaxis] if arr.ndim == 2 else arr  # (H, W, C)
    out = np.empty((size[1], size[0], chans.shape[2]), dtype=np.float32)  # (H', W', C)
    for c in range(chans.shape[2]):
        band = Image.fromarray(np.ascontiguousarray(chans[:, :, c], dtype=np.float32))  # mode F
        out[:, :, c] = np.asarray(band.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
    np.clip(out, arr.min(), arr.max(), out=out)  # Lanczos overshoots near edges
    return out[:, :, 0] if arr.ndim == 2 else out


def to_grayscale(img: np.ndarray) -> np.ndarray:
    """Convert RGB to luma with the ITU-R 601 weights 0.299, 0.587, 0.114 (as Pillow "L").

    Parameters
    ----------
    img : ndarray, shape (H, W, 3), (H, W, 1) or (H, W)

    Returns
    -------
    ndarray, shape (H, W, 1)
        Floating point. A single-channel input ((H, W, 1) or (H, W)) is returned unchanged.

    Examples
    --------
    >>> to_grayscale(np.ones((2, 2, 3), np.float32)).shape
    (2, 2, 1)
    """
    arr = as_float_array(img, "img", ndims=(2, 3))
    if arr.ndim == 2 or arr.shape[2] == 1:
        return img if isinstance(img, np.ndarray) else arr
    if arr.shape[2] != 3:
        raise ValueError(f"`img` must have 1 or 3 channels, got shape {arr.shape}")
    weights = np.array([0.299, 0.587, 0.114], dtype=arr.dtype)
    return (arr @ weights)[:, :, np.newaxis]  # (H, W, 1)


def to_uint8(img: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] -> uint8 in [0, 255], rounded to nearest and clipped.

    Parameters
    ----------
    img : ndarray, shape (H, W) or (H, W, C)

    Returns
    -------
    ndarray of uint8, same shape

    Examples
    --------
    >>> to_uint8(np.array([[0.0, 0.5, 1.0, 1.7]])).tolist()
    [[0, 128, 255, 255]]
    """
    arr = as_float_array(img, "img", ndims=(2, 3))
    return np.clip(np.rint(arr * 255), 0, 255).astype(np.uint8)
