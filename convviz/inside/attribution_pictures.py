"""Pictures of what a network looks at: a map beside the same map laid over the image, each
with its colour bar; a receptive field outlined on the image; a picture with its grey scale.

Signed maps (saliency, occlusion's drops, a perturbation) use the blue-white-red scale of
:func:`convviz.draw.render.diverging_colors`, centred on 0; maps that are never negative
(Grad-CAM) use viridis from 0 (:func:`convviz.draw.colors.sequential_colors`), as the
feature maps elsewhere in the app. Over the image, a value's colour is mixed in with an
opacity that grows with its size (0: the image shows as it is; the scale's end: 80 % colour),
so weak values do not hide the picture. Pure: uint8 RGB arrays for ``st.image``.

>>> x = np.zeros((4, 4, 1)); m = np.zeros((4, 4)); m[0, 0] = 1.0
>>> panel = map_panel(x, m, signed=True, side=64)
>>> panel.dtype, panel.shape[1] > 2 * 64
(dtype('uint8'), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import as_float_array
from convviz.draw import numbers
from convviz.draw import render as R
from convviz.draw.colors import display_colorbar, feature_map_rgb

__all__ = ["BOX_COLOR", "OVERLAY_OPACITY", "box_picture", "enlargement", "gray_image",
           "gray_legend", "map_panel", "overlay", "picture_panel"]

#: The most a value's colour covers the image (at the end of the scale).
OVERLAY_OPACITY = 0.8
#: The outline of a receptive field (the window colour of the step views).
BOX_COLOR = R.WINDOW_COLOR


def enlargement(shape: tuple[int, ...], side: int) -> int:
    """The whole-number factor that makes an image of ``shape`` about ``side`` px on its
    longer side (at least 1).

    Examples
    --------
    >>> enlargement((28, 28, 1), 196), enlargement((300, 200), 196)
    (7, 1)
    """
    return max(1, int(side) // max(shape[:2]))


def gray_image(x: Any) -> np.ndarray:
    """One image (H, W), (H, W, 1) or (H, W, 3) in [0, 1] as grey (H, W): its channels'
    mean.

    Examples
    --------
    >>> gray_image(np.ones((2, 2, 3)) * [0.0, 0.5, 1.0]).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    arr = as_float_array(x, "x", ndims=(2, 3))
    return np.clip(arr.mean(axis=2) if arr.ndim == 3 else arr, 0.0, 1.0)


def _scale(values: np.ndarray, signed: bool, vmax: float) -> np.ndarray:
    return feature_map_rgb(values, mode="signed" if signed else "relu", vmax=vmax)


def overlay(x: Any, values: Any, *, signed: bool, vmax: float | None = None) -> np.ndarray:
    """``values`` coloured and mixed over the grey image, at the image's own size.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
        The image, in [0, 1].
    values : array_like, shape (H, W)
    signed : bool
        Blue-white-red centred on 0, or viridis from 0.
    vmax : float, optional
        The value at full colour (default: the largest ``|value|``).

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        Each pixel ``(1 - a) * grey + a * colour`` with ``a = 0.8 * min(1, |v| / vmax)``.

    Examples
    --------
    >>> overlay(np.full((1, 2), 0.5), np.array([[0.0, 2.0]]), signed=True).tolist()
    [[[128, 128, 128], [168, 45, 60]]]
    """
    gray = gray_image(x)
    v = as_float_array(values, "values", ndims=(2,))
    if v.shape != gray.shape:
        raise ValueError(f"`values` must have the image's shape {gray.shape}, got {v.shape}")
    top = R.full_scale(v if signed else np.maximum(v, 0), vmax)
    alpha = OVERLAY_OPACITY * np.clip(np.abs(v if signed else np.maximum(v, 0)) / top, 0, 1)
    base = np.repeat(gray[..., None] * 255.0, 3, axis=2)
    mixed = (1 - alpha[..., None]) * base + alpha[..., None] * _scale(v, signed, top)
    return np.rint(mixed).astype(np.uint8)


def _titled(img: np.ndarray, title: str) -> np.ndarray:
    return R.label_fit(img, title, size=14)


def map_panel(x: Any, values: Any, *, signed: bool, vmax: float | None = None,
              side: int = 196,
              titles: tuple[str, str] = ("the map", "over the image")) -> np.ndarray:
    """The map alone, the map over the image, and the colour bar, side by side.

    Parameters
    ----------
    x : array_like, shape (H, W, C)
    values : array_like, shape (H, W)
    signed : bool
        Blue-white-red (-vmax..vmax) or viridis (0..vmax).
    vmax : float, optional
    side : int
        About how many px the longer side of each picture gets (a whole-number
        enlargement, nearest neighbour: every pixel stays a square).
    titles : (str, str)
        Written above the two pictures.

    Returns
    -------
    ndarray of uint8, shape (rows, cols, 3)

    Examples
    --------
    >>> map_panel(np.zeros((2, 2, 1)), np.ones((2, 2)), signed=False, side=40).shape[0] >= 40
    True
    """
    v = as_float_array(values, "values", ndims=(2,))
    top = R.full_scale(v if signed else np.maximum(v, 0), vmax)
    k = enlargement(v.shape, side)
    alone = R.upscale(_scale(v, signed, top), k)
    over = R.upscale(overlay(x, v, signed=signed, vmax=top), k)
    height = max(alone.shape[0], 120)
    bar = R.colorbar(top, height=height) if signed else display_colorbar("relu", top, height)
    return R.hstack([_titled(alone, titles[0]), _titled(over, titles[1]), bar], gap=12)


def gray_legend(height: int = 196) -> np.ndarray:
    """A vertical grey scale: 1 (white) at the top, 0 (black) at the bottom, labelled.

    Examples
    --------
    >>> gray_legend(100).shape
    (100, 90, 3)
    """
    ramp = np.linspace(1.0, 0.0, height - 20)[:, None].repeat(24, axis=1)
    img = np.full((height, 90, 3), 255, np.uint8)
    img[10:height - 10, 4:28] = R.gray_colors(ramp)
    img[10:height - 10, [4, 27]] = 150  # the white end stays visible on white
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    for frac, val in ((0.0, 1.0), (0.5, 0.5), (1.0, 0.0)):
        y = 10 + frac * (height - 21)
        draw.line([(28, y), (34, y)], fill=(0, 0, 0))
        draw.text((37, y), numbers.format_value(val, 3), fill=(0, 0, 0), font=R.font(14),
                  anchor="lm")
    return np.asarray(pil)


def picture_panel(x: Any, *, title: str, side: int = 196) -> np.ndarray:
    """One image as the network takes it (grey if it has one channel) with its scale.

    Examples
    --------
    >>> picture_panel(np.zeros((4, 4, 1)), title="x", side=40).dtype
    dtype('uint8')
    """
    arr = as_float_array(x, "x", ndims=(2, 3))
    img = R.upscale(R.to_rgb(arr), enlargement(arr.shape, side))
    if arr.ndim == 3 and arr.shape[2] == 3:
        return _titled(img, title)  # colours: 0 to 1 per channel, no one bar says it
    return R.hstack([_titled(img, title), gray_legend(max(img.shape[0], 120))], gap=12)


def box_picture(x: Any, box: tuple[int, int, int, int], *, side: int = 196,
                title: str = "its receptive field") -> np.ndarray:
    """The image (grey), with the rows ``top..bottom`` and columns ``left..right`` (inclusive,
    possibly past the image's edge: the padding) outlined.

    The image is drawn inside a margin as wide as the box reaches past its edges, hatched
    grey: the padding the layers added, so a field that reaches into it is drawn whole.

    Parameters
    ----------
    x : array_like, shape (H, W, C)
    box : (top, left, bottom, right)
        Input pixels, inclusive (a :class:`~convviz.inside.unit_field.ReceptiveBox`).
    side : int

    Returns
    -------
    ndarray of uint8, shape (rows, cols, 3)

    Examples
    --------
    >>> img = box_picture(np.zeros((4, 4, 1)), (-1, 0, 1, 1), side=40, title="t")
    >>> img.dtype
    dtype('uint8')
    """
    gray = gray_image(x)
    h, w = gray.shape
    top, left, bottom, right = (int(v) for v in box)
    m_top, m_left = max(0, -top), max(0, -left)
    m_bottom, m_right = max(0, bottom - (h - 1)), max(0, right - (w - 1))
    k = enlargement((h + m_top + m_bottom, w + m_left + m_right), side)
    full = np.full((h + m_top + m_bottom, w + m_left + m_right, 3), R.PAD_FILL, np.uint8)
    full[m_top:m_top + h, m_left:m_left + w] = R.to_rgb(gray)
    img = R.upscale(full, k)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    rows, cols = img.shape[:2]
    for s in range(-rows, cols, 8):  # hatch the padding, as the step views do
        draw.line([(s, 0), (s + rows, rows)], fill=(170, 170, 170))
    inner = R.upscale(R.to_rgb(gray), k)
    pil.paste(Image.fromarray(inner), (m_left * k, m_top * k))
    y0, x0 = (top + m_top) * k, (left + m_left) * k
    y1, x1 = (bottom + m_top + 1) * k - 1, (right + m_left + 1) * k - 1
    draw = ImageDraw.Draw(pil)
    draw.rectangle([x0, y0, x1, y1], outline=BOX_COLOR, width=max(2, k // 2))
    return _titled(np.asarray(pil), title)
