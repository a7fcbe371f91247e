"""The user's own picture as a model input: converted to the model's channels and size the
way the "Your images" loader converts training images, and inverted when its background is
the opposite of the training images' (a dark digit on white paper, light digits on black).
A drawing from the pad is also framed the way the training images are (:func:`fit_drawing`).

>>> import numpy as np
>>> x = fit_image(np.ones((40, 30, 3)), (16, 16, 1))
>>> x.shape, looks_inverted(x, np.zeros((5, 16, 16, 1)))
((16, 16, 1), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_int
from convviz.imaging.drawing import frame_drawing, ink_layout
from convviz.imaging.pixels import to_grayscale
from convviz.nn.data.image_zip import (
    fit_to_shape,  # the zip loader's own conversion: the same pixels
)

__all__ = ["fit_drawing", "fit_image", "looks_inverted"]


def fit_image(img: Any, input_shape: tuple[int, ...], *, invert: bool = False) -> np.ndarray:
    """An image as the model's input: its channels, stretched to its size, in [0, 1].

    Parameters
    ----------
    img : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
        Floats in [0, 1], e.g. from :func:`convviz.imaging.images.load_image`.
    input_shape : (h, w, c)
        ``model.input_shape``; ``c`` is 1 (luma, ITU-R 601) or 3.
    invert : bool
        ``1 - x``: a dark drawing on light paper becomes light on dark, as in the digits.

    Returns
    -------
    ndarray of float32, shape ``input_shape``
        Converted exactly as the "Your images" zip loader converts training images.

    Examples
    --------
    >>> fit_image(np.ones((40, 30, 3)), (16, 16, 1), invert=True).max()
    np.float32(0.0)
    """
    arr = as_float_array(img, "img", ndims=(2, 3))
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if len(input_shape) != 3 or input_shape[2] not in (1, 3):
        raise ValueError(f"`input_shape` must be (h, w, 1) or (h, w, 3), got {input_shape}")
    h, w, c = (check_int(v, "input_shape", minimum=1) for v in input_shape)
    if arr.shape[2] not in (1, 3):
        raise ValueError(f"`img` must have 1 or 3 channels, got shape {arr.shape}")
    if c == 1:
        arr = to_grayscale(arr)
    elif arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    out = fit_to_shape(np.clip(arr, 0.0, 1.0), (h, w), c, "stretch")
    return (1.0 - out).astype(np.float32) if invert else out


def _border_mean(x: np.ndarray) -> float:
    """Mean of the outermost pixels of (..., H, W, C) images."""
    edge = np.concatenate([x[..., 0, :, :].ravel(), x[..., -1, :, :].ravel(),
                           x[..., 1:-1, 0, :].ravel(), x[..., 1:-1, -1, :].ravel()])
    return float(edge.mean()) if edge.size else 0.0


def looks_inverted(x_single: Any, reference: Any) -> bool:
    """True when an image's background is light and the reference images' dark, or the
    opposite (judged from the border pixels): then it should be inverted.

    Examples
    --------
    >>> looks_inverted(np.ones((8, 8, 1)), np.zeros((5, 8, 8, 1)))
    True
    """
    x = as_float_array(x_single, "x_single", ndims=(3,))
    ref = as_float_array(reference, "reference", ndims=(4,))
    return (_border_mean(x) > 0.5) != (_border_mean(ref[:256]) > 0.5)


def fit_drawing(ink: Any, input_shape: tuple[int, ...], reference: Any) -> np.ndarray:
    """A drawing from the pad as the model's input, framed like the training images.

    The reference images' background tells whether their ink is light or dark (judged from
    their border pixels, as :func:`looks_inverted` does); their ink tells how large the
    pictures usually are and where their centre of mass sits (:func:`ink_layout`). The
    drawing is cut to its ink, scaled and placed the same way (:func:`frame_drawing`), then
    converted like any picture (:func:`fit_image`), inverted if the references are dark on
    light.

    Parameters
    ----------
    ink : array_like, shape (H, W)
        The drawing, values in [0, 1], 1 = full ink (:func:`convviz.imaging.drawing.
        decode_drawing`).
    input_shape : (h, w, c)
        ``model.input_shape``.
    reference : array_like, shape (N, h, w, c)
        The training images (the first 256 are looked at).

    Returns
    -------
    ndarray of float32, shape ``input_shape``

    Examples
    --------
    >>> ref = np.zeros((4, 8, 8, 1)); ref[:, 1:7, 3:5] = 1  # light bars filling 6 of 8 rows
    >>> pad = np.zeros((64, 64)); pad[5:15, 40:44] = 1     # a small bar in a corner
    >>> x = fit_drawing(pad, (8, 8, 1), ref)
    >>> x.shape, [int(r) for r in np.flatnonzero(x[..., 0].max(axis=1) > 0.2)]
    ((8, 8, 1), [1, 2, 3, 4, 5, 6])
    """
    ref = as_float_array(reference, "reference", ndims=(4,))[:256]
    if len(input_shape) != 3:
        raise ValueError(f"`input_shape` must be (h, w, 1) or (h, w, 3), got {input_shape}")
    h, w = (check_int(v, "input_shape", minimum=1) for v in input_shape[:2])
    light_ink = _border_mean(ref) <= 0.5
    gray = np.clip(ref.mean(axis=3), 0.0, 1.0)  # (N, H, W)
    extent, centre = ink_layout(gray if light_ink else 1.0 - gray)
    framed = frame_drawing(ink, h, w, extent=extent, centre=centre)
    return fit_image(framed, input_shape, invert=not light_ink)
