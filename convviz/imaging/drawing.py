"""A drawing from the browser's drawing pad as numbers: the pad's value decoded and checked,
resampled to a grid, and framed the way a data set frames its pictures.

The pad (``convviz/ui/web/drawpad.js``) draws light ink on a dark square and, when a stroke
ends, sends ``{"side": 64, "ink": "<base64>"}``: the square averaged down to ``side`` x
``side`` cells (each the mean of a 4x4 block of the canvas), one byte per cell, row by row,
0 = no ink and 255 = full ink, base64-encoded (5,464 characters for 64 x 64). Raw bytes keep
the value small and leave nothing to parse but the length; the framing and resampling happen
here, where they are tested, not in JavaScript.

>>> import base64
>>> ink = decode_drawing({"side": 4, "ink": base64.b64encode(bytes(range(0, 256, 16))).decode()},
...                      side=4)
>>> ink.shape, round(float(ink[0, 1]), 4)
((4, 4), 0.0627)
>>> drawing_to_grid(np.ones((64, 64)), 5, 7).max()
np.float64(9.0)
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np
from PIL import Image

from convviz.base.checks import as_float_array, check_int

__all__ = ["INK_THRESHOLD", "PAD_SIDE", "decode_drawing", "drawing_to_grid", "frame_drawing",
           "ink_box", "ink_layout", "resample"]

#: Side of the square grid the pad sends (its canvas is 4 x 4 times as many pixels).
PAD_SIDE = 64
#: A cell with at least this much ink counts when finding the drawing's extent.
INK_THRESHOLD = 0.2


def decode_drawing(value: Any, *, side: int = PAD_SIDE) -> np.ndarray | None:
    """The pad's value as an ink image, or None when nothing is drawn.

    Parameters
    ----------
    value : dict or None
        ``{"side": side, "ink": str}``: ``ink`` is the base64 encoding of ``side * side``
        bytes, row-major, 0 = no ink, 255 = full ink. None (the pad was cleared or never
        drawn on) gives None.
    side : int
        The side the pad was asked to send (:data:`PAD_SIDE`).

    Returns
    -------
    ndarray of float32, shape (side, side), or None
        Ink in [0, 1]; None when ``value`` is None or holds no ink at all.

    Raises
    ------
    TypeError
        If ``value`` is not a dict, or ``ink`` is not a string.
    ValueError
        If ``side`` differs from the one asked for, or ``ink`` is not base64 of exactly
        ``side * side`` bytes.

    Examples
    --------
    >>> decode_drawing(None) is None
    True
    >>> decode_drawing({"side": 2, "ink": "AAAAAA=="}, side=2) is None  # four zero bytes
    True
    """
    side = check_int(side, "side", minimum=1)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"`drawing` must be a dict with 'side' and 'ink', got "
                        f"{type(value).__name__}")
    if value.get("side") != side or isinstance(value.get("side"), bool):
        raise ValueError(f"`drawing['side']` must be {side}, got {value.get('side')!r}")
    ink = value.get("ink")
    if not isinstance(ink, str):
        raise TypeError(f"`drawing['ink']` must be a base64 string, got {type(ink).__name__}")
    n = side * side
    expected = 4 * math.ceil(n / 3)
    if len(ink) != expected:  # checked before decoding: a huge string is never decoded
        raise ValueError(f"`drawing['ink']` must be {expected} base64 characters "
                         f"({n} bytes), got {len(ink)}")
    try:
        raw = base64.b64decode(ink, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("`drawing['ink']` must be base64 (A-Z, a-z, 0-9, +, / and = "
                         "padding)") from None
    if len(raw) != n:
        raise ValueError(f"`drawing['ink']` must hold {n} bytes, got {len(raw)}")
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(side, side)  # (side, side)
    if not arr.any():
        return None
    return arr.astype(np.float32) / np.float32(255)


def _check_ink(ink: Any) -> np.ndarray:
    arr = as_float_array(ink, "ink", ndims=(2,))
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"`ink` must be in [0, 1], got values from {arr.min():g} to "
                         f"{arr.max():g}")
    return arr


def resample(ink: Any, rows: int, cols: int) -> np.ndarray:
    """Average an ink image down (or spread it up) to ``rows`` x ``cols`` cells.

    Each cell is the area-weighted mean of the part of the image it covers (Pillow's box
    filter), so a half-inked cell is 0.5; a non-square size stretches the image.

    Parameters
    ----------
    ink : array_like, shape (H, W)
        Values in [0, 1].
    rows, cols : int
        The new size, at least 1.

    Returns
    -------
    ndarray of float32, shape (rows, cols), values in [0, 1]

    Examples
    --------
    >>> resample(np.kron(np.eye(2), np.ones((2, 2))), 2, 2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    arr = _check_ink(ink)
    rows, cols = check_int(rows, "rows", minimum=1), check_int(cols, "cols", minimum=1)
    img = Image.fromarray(np.ascontiguousarray(arr, dtype=np.float32))  # mode F
    out = np.asarray(img.resize((cols, rows), Image.Resampling.BOX), dtype=np.float32)
    return np.clip(out, 0.0, 1.0)


def drawing_to_grid(ink: Any, rows: int, cols: int, *, top: int = 9) -> np.ndarray:
    """A drawing as an input grid of whole numbers: each cell's share of ink, 0 to ``top``.

    Parameters
    ----------
    ink : array_like, shape (H, W)
        Values in [0, 1], e.g. from :func:`decode_drawing`.
    rows, cols : int
        The grid's size (the whole square is stretched to it).
    top : int
        The value of a fully inked cell (9: the presets' integers 0..9).

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        ``round(top * ink share)``, halves to even.

    Examples
    --------
    >>> drawing_to_grid(np.kron(np.eye(2), np.ones((3, 3))), 2, 2).tolist()
    [[9.0, 0.0], [0.0, 9.0]]
    """
    top = check_int(top, "top", minimum=1)
    return np.rint(resample(ink, rows, cols).astype(np.float64) * top)


def ink_box(ink: Any, *, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """The smallest rectangle holding every cell with at least ``threshold`` ink.

    Returns
    -------
    (top, left, bottom, right) or None
        Rows ``top:bottom`` and columns ``left:right`` (end excluded); None when no cell
        reaches the threshold.

    Examples
    --------
    >>> x = np.zeros((5, 5)); x[1:3, 2] = 1
    >>> ink_box(x)
    (1, 2, 3, 3)
    """
    arr = _check_ink(ink)
    rows, cols = np.flatnonzero((arr >= threshold).any(axis=1)), \
        np.flatnonzero((arr >= threshold).any(axis=0))
    if not rows.size:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _centre_of_mass(arr: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass, in cell units (cell centres at i + 0.5)."""
    total = float(arr.sum())
    rows = np.arange(arr.shape[0]) + 0.5
    cols = np.arange(arr.shape[1]) + 0.5
    return (float(arr.sum(axis=1) @ rows) / total, float(arr.sum(axis=0) @ cols) / total)


def ink_layout(images: Any) -> tuple[float, tuple[float, float]]:
    """How a data set lays out its pictures: their usual size and where their ink sits.

    Parameters
    ----------
    images : array_like, shape (N, H, W)
        Light ink on a dark background, values in [0, 1] (a data set's training images,
        one channel).

    Returns
    -------
    extent : float
        The median, over the images with ink, of the ink box's longer side over the image's
        side on that axis (MNIST: about 20 / 28; scikit-learn's digits: 1).
    centre : (float, float)
        The mean centre of mass (row, column) as a fraction of the height and width
        (0.5, 0.5 is the middle). Without any ink: 0.8 and (0.5, 0.5).

    Examples
    --------
    >>> x = np.zeros((3, 10, 10)); x[:, 2:8, 4:6] = 1
    >>> ink_layout(x)
    (0.6, (0.5, 0.5))
    """
    arr = as_float_array(images, "images", ndims=(3,))
    h, w = arr.shape[1:]
    extents, centres = [], []
    for img in np.clip(arr, 0.0, 1.0):
        box = ink_box(img)
        if box is None:
            continue
        top, left, bottom, right = box
        extents.append(max((bottom - top) / h, (right - left) / w))
        r, c = _centre_of_mass(img)
        centres.append((r / h, c / w))
    if not extents:
        return 0.8, (0.5, 0.5)
    r, c = np.mean(centres, axis=0)
    return float(np.median(extents)), (float(r), float(c))


def frame_drawing(ink: Any, rows: int, cols: int, *, extent: float = 0.8,
                  centre: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """Frame a drawing the way a data set frames its pictures (as MNIST does its digits).

    The drawing is cut to its ink box, scaled (keeping its proportions) until the box's
    longer side fills ``extent`` of the new image on that axis, and placed so that its centre
    of mass lands on ``centre`` (moved inwards if it would stick out). Where it is on the
    pad and how big it was drawn no longer matter.

    Parameters
    ----------
    ink : array_like, shape (H, W)
        Values in [0, 1], 1 = full ink.
    rows, cols : int
        The size of the framed image.
    extent : float
        In (0, 1]: the share of the image the ink box's longer side fills
        (see :func:`ink_layout`).
    centre : (float, float)
        Where the centre of mass goes, as fractions of the height and width.

    Returns
    -------
    ndarray of float32, shape (rows, cols), values in [0, 1]
        All zeros when no cell of ``ink`` reaches :data:`INK_THRESHOLD`.

    Examples
    --------
    >>> x = np.zeros((64, 64)); x[2:12, 50:60] = 1  # a small blob in a corner
    >>> out = frame_drawing(x, 10, 10, extent=0.6)
    >>> ink_box(out)
    (2, 2, 8, 8)
    """
    arr = _check_ink(ink)
    rows, cols = check_int(rows, "rows", minimum=1), check_int(cols, "cols", minimum=1)
    if isinstance(extent, bool) or not isinstance(extent, (int, float)) \
            or not 0 < extent <= 1:
        raise ValueError(f"`extent` must be a number in (0, 1], got {extent!r}")
    if len(centre) != 2 or not all(0 <= float(v) <= 1 for v in centre):
        raise ValueError(f"`centre` must be two fractions in [0, 1], got {centre!r}")
    out = np.zeros((rows, cols), dtype=np.float32)
    box = ink_box(arr)
    if box is None:
        return out
    top, left, bottom, right = box
    crop = arr[top:bottom, left:right]
    bh, bw = crop.shape
    scale = min(extent * rows / bh, extent * cols / bw)
    nh = min(rows, max(1, round(bh * scale)))
    nw = min(cols, max(1, round(bw * scale)))
    img = Image.fromarray(np.ascontiguousarray(crop, dtype=np.float32))  # mode F
    small = np.clip(np.asarray(img.resize((nw, nh), Image.Resampling.LANCZOS,
                                          reducing_gap=3.0)), 0.0, 1.0)
    if not small.any():
        return out
    cr, cc = _centre_of_mass(small)
    r0 = min(max(round(centre[0] * rows - cr), 0), rows - nh)
    c0 = min(max(round(centre[1] * cols - cc), 0), cols - nw)
    out[r0:r0 + nh, c0:c0 + nw] = small
    return out
