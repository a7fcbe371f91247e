"""Arrays to RGB frames: number grids with highlights, colour scales, captions.

(How a number is written in a cell or a sentence: :mod:`convviz.draw.numbers`; frames
to PNG, JPEG or GIF bytes: :mod:`convviz.draw.encode`.)

Everything returns uint8 arrays of shape (H, W, 3) that ``st.image`` shows as they are.
Colour never carries meaning alone: padding cells are hatched, the window is outlined
and the winning cell of a max pool is circled, and every value is printed in its cell
when it fits there at 12 px or more (never smaller: a cell too small for it shows its colour
only, and the picture's caption says so, :data:`NUMBERS_LEFT_OUT`).
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convviz.draw.numbers import format_value

# ColorBrewer RdBu, reversed: negative blue, zero white, positive red (colour-blind safe).
DIVERGING = np.array([[33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247],
                       [253, 219, 199], [239, 138, 98], [178, 24, 43]], dtype=np.float64)
WINDOW_COLOR = (255, 140, 0)
MARK_COLOR = (20, 20, 20)
PAD_FILL = (214, 214, 214)


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans from matplotlib's data (a runtime dependency), or Pillow's default."""
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.submodule_search_locations:
        path = os.path.join(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf",
                            "DejaVuSans.ttf")
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


MIN_FONT = 12  #: px: no number is drawn smaller (a projector's back row reads 12 px)
#: What a picture's caption says when :func:`draw_grid` left numbers out.
NUMBERS_LEFT_OUT = "cells too small for a 12 px number show only their colour"


def cell_font_size(text: str, cell: int) -> int:
    """The font size for ``text`` in a ``cell``-pixel square: 30 % of the cell, smaller when
    the text would not fit between the grid lines, never under :data:`MIN_FONT` (12 px).

    A text that does not fit even at 12 px is not drawn at all (:func:`number_fits`).

    Examples
    --------
    >>> cell_font_size("3", 56), cell_font_size("-0.5625", 56) < 16
    (16, True)
    >>> cell_font_size("-0.5625", 20)
    12
    """
    size = max(MIN_FONT, int(cell * 0.30))
    while size > MIN_FONT and font(size).getlength(text) > cell - 6:
        size -= 1
    return size


def number_fits(text: str, cell: int) -> bool:
    """Whether ``text`` fits a ``cell``-pixel square at :data:`MIN_FONT` (12 px) or more,
    3 px clear of the grid lines on each side: :func:`draw_grid` draws it only then.

    Examples
    --------
    >>> number_fits("255", 40), number_fits("-0.5625", 40), number_fits("1", 17)
    (True, False, False)
    """
    return cell >= MIN_FONT + 6 and font(MIN_FONT).getlength(text) <= cell - 6


def cell_texts(values: np.ndarray, *, decimals: int = 2,
               fmt: Callable[[float], str] | None = None) -> np.ndarray:
    """The text :func:`draw_grid` writes in each cell of ``values``, shape (H, W), object.

    Examples
    --------
    >>> cell_texts(np.array([[0.5, 2.0]])).tolist()
    [['0.5', '2']]
    """
    v = np.asarray(values, dtype=np.float64)
    write = (lambda x: format_value(x, decimals)) if fmt is None else fmt
    out = np.empty(v.shape, dtype=object)
    for idx, x in np.ndenumerate(v):
        out[idx] = write(x)
    return out


def numbers_left_out(values: np.ndarray, cell: int, *, decimals: int = 2,
                     fmt: Callable[[float], str] | None = None) -> int:
    """How many of ``values``' numbers :func:`draw_grid` leaves out at ``cell`` px (those
    that do not fit at 12 px; all of them in cells under 18 px).

    Examples
    --------
    >>> numbers_left_out(np.array([[1.0, -0.5625]]), 40, decimals=4)
    1
    """
    if cell < MIN_FONT + 6:
        return int(np.asarray(values).size)
    unique, counts = np.unique(np.asarray(values, dtype=np.float64), return_counts=True)
    texts = cell_texts(unique, decimals=decimals, fmt=fmt)  # each distinct value once
    return int(sum(n for t, n in zip(texts, counts, strict=True) if not number_fits(t, cell)))


def full_scale(values: Any, vmax: float | None = None) -> float:
    """The magnitude a colour scale shows at full colour: ``vmax``, else one read off the data.

    The one fallback of every colour scale: without ``vmax``, the largest finite
    ``|value|`` (1 for an all-zero map, or when no value is finite); a ``vmax`` that is
    not above 0 gives 1 (a scale needs a span). Argument checks stay with the callers
    (:func:`convviz.draw.colors.resolve_vmax` raises for a bad ``vmax``).

    Parameters
    ----------
    values : array_like, shape (...)
        The numbers the scale colours (read only when ``vmax`` is None).
    vmax : float, optional
        The magnitude asked for.

    Returns
    -------
    float, > 0 (or infinite when ``vmax`` is)

    Examples
    --------
    >>> full_scale(np.array([-3.0, 2.0])), full_scale(np.zeros((2, 2))), full_scale([])
    (3.0, 1.0, 1.0)
    >>> full_scale(np.array([np.inf, -2.0])), full_scale([5.0], vmax=0.5), full_scale([5.0], 0)
    (2.0, 0.5, 1.0)
    """
    if vmax is not None:
        return float(vmax) if vmax > 0 else 1.0
    v = np.abs(np.asarray(values))
    top = float(v.max()) if v.size else 0.0
    if not math.isfinite(top):  # rare: read the finite values only
        finite = v[np.isfinite(v)]
        top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def diverging_colors(values: np.ndarray, vmax: float | None = None) -> np.ndarray:
    """Map values to RGB on a symmetric blue-white-red scale centred on 0.

    Parameters
    ----------
    values : ndarray, shape (...)
    vmax : float, optional
        The magnitude shown at full colour; default the largest finite |value|.

    Returns
    -------
    ndarray of uint8, shape (..., 3)

    Examples
    --------
    >>> diverging_colors(np.array([-1.0, 0.0, 1.0])).tolist()
    [[33, 102, 172], [247, 247, 247], [178, 24, 43]]
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    vmax = full_scale(v, vmax)
    t = (np.clip(np.where(finite, v, 0.0) / vmax, -1, 1) + 1) * 0.5 * (len(DIVERGING) - 1)
    lo = np.floor(t).astype(int).clip(0, len(DIVERGING) - 2)
    frac = (t - lo)[..., None]
    rgb = DIVERGING[lo] * (1 - frac) + DIVERGING[lo + 1] * frac
    return np.rint(rgb).astype(np.uint8)


def gray_colors(values: np.ndarray, vmin: float = 0.0, vmax: float = 1.0) -> np.ndarray:
    """Map values to gray levels (vmin black, vmax white), shape (..., 3) uint8.

    Examples
    --------
    >>> gray_colors(np.array([0.0, 1.0])).tolist()
    [[0, 0, 0], [255, 255, 255]]
    """
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), neginf=vmin, posinf=vmax)
    span = vmax - vmin if vmax > vmin else 1.0
    g = np.rint(np.clip((v - vmin) / span, 0, 1) * 255).astype(np.uint8)
    return np.repeat(g[..., None], 3, axis=-1)


def _text_color(rgb: Sequence[int]) -> tuple[int, int, int]:
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return (0, 0, 0) if luma > 140 else (255, 255, 255)


def draw_grid(values: np.ndarray, *, cell: int = 56, colors: np.ndarray | None = None,
              pad_mask: np.ndarray | None = None, window: tuple[Iterable[int], Iterable[int]]
              | None = None, marks: Iterable[tuple[int, int]] = (),
              hidden: np.ndarray | None = None, show_numbers: bool = True,
              decimals: int = 2, fmt: Callable[[float], str] | None = None) -> np.ndarray:
    """Draw a 2-D array as a grid of cells with its numbers printed in them.

    Parameters
    ----------
    values : ndarray, shape (H, W)
    cell : int
        Cell side in pixels (56 reads well on a projector).
    colors : ndarray of uint8, shape (H, W, 3), optional
        Cell backgrounds; default the diverging scale of ``values``.
    pad_mask : ndarray of bool, shape (H, W), optional
        Padding cells: grey and hatched.
    window : (rows, cols), optional
        Cells to outline (every tap, so a dilated window shows its gaps).
    marks : iterable of (row, col)
        Cells to circle (the winner of a max pool).
    hidden : ndarray of bool, shape (H, W), optional
        Cells not computed yet: drawn empty.
    decimals : int
        Decimals of the numbers (:func:`format_value`), unless ``fmt`` is given.
    fmt : callable, optional
        Number -> text, e.g. :func:`format_weight` for a kernel. The font shrinks when a
        text would not fit in its cell (:func:`cell_font_size`), never under 12 px: a text
        that does not fit at 12 px is left out (:func:`number_fits`; count them with
        :func:`numbers_left_out` and say so with :data:`NUMBERS_LEFT_OUT`).

    Returns
    -------
    ndarray of uint8, shape (H * cell + 1, W * cell + 1, 3)

    Examples
    --------
    >>> draw_grid(np.zeros((2, 3)), cell=10).shape
    (21, 31, 3)
    """
    values = np.asarray(values, dtype=np.float64)
    h, w = values.shape
    bg = diverging_colors(values) if colors is None else np.asarray(colors, dtype=np.uint8)
    if pad_mask is not None:
        bg = np.where(np.asarray(pad_mask)[..., None], np.uint8(PAD_FILL), bg)
    if hidden is not None:
        bg = np.where(np.asarray(hidden)[..., None], np.uint8(255), bg)
    img = np.repeat(np.repeat(bg, cell, axis=0), cell, axis=1)
    img = np.pad(img, ((0, 1), (0, 1), (0, 0)), constant_values=255)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    for k in range(h + 1):
        draw.line([(0, k * cell), (w * cell, k * cell)], fill=(120, 120, 120))
    for k in range(w + 1):
        draw.line([(k * cell, 0), (k * cell, h * cell)], fill=(120, 120, 120))
    if pad_mask is not None:
        for r, c in zip(*np.nonzero(pad_mask), strict=True):
            x0, y0 = c * cell, r * cell
            for off in range(0, cell, max(6, cell // 5)):
                draw.line([(x0 + off, y0), (x0, y0 + off)], fill=(185, 185, 185))
    if show_numbers and cell >= MIN_FONT + 6:
        for r in range(h):
            for c in range(w):
                if hidden is not None and hidden[r, c]:
                    continue
                text = format_value(values[r, c], decimals) if fmt is None else fmt(
                    values[r, c])
                if not number_fits(text, cell):
                    continue  # never under 12 px: the cell shows its colour only
                color = _text_color(bg[r, c])
                draw.text((c * cell + cell / 2, r * cell + cell / 2), text, fill=color,
                          font=font(cell_font_size(text, cell)), anchor="mm")
    if window is not None:
        rows, cols = list(window[0]), list(window[1])
        thick = max(2, cell // 14)
        for r in rows:
            for c in cols:
                draw.rectangle([c * cell, r * cell, (c + 1) * cell, (r + 1) * cell],
                               outline=WINDOW_COLOR, width=thick)
    for r, c in marks:
        m = cell // 8
        draw.ellipse([c * cell + m, r * cell + m, (c + 1) * cell - m, (r + 1) * cell - m],
                     outline=MARK_COLOR, width=max(2, cell // 18))
    return np.asarray(pil)


def label(img: np.ndarray, text: str, *, size: int = 20) -> np.ndarray:
    """Put a caption line above an RGB image.

    Examples
    --------
    >>> label(np.zeros((10, 40, 3), np.uint8), "x").shape[0] > 10
    True
    """
    fnt = font(size)
    bar = Image.new("RGB", (img.shape[1], int(size * 1.6)), (255, 255, 255))
    ImageDraw.Draw(bar).text((2, size * 0.3), text, fill=(0, 0, 0), font=fnt)
    return np.concatenate([np.asarray(bar), img], axis=0)


def hstack(images: Sequence[np.ndarray], *, gap: int = 16) -> np.ndarray:
    """Place RGB images side by side on white, top-aligned.

    Examples
    --------
    >>> hstack([np.zeros((2, 2, 3), np.uint8), np.zeros((3, 1, 3), np.uint8)], gap=1).shape
    (3, 4, 3)
    """
    height = max(im.shape[0] for im in images)
    parts = []
    for k, im in enumerate(images):
        parts.append(np.pad(im, ((0, height - im.shape[0]), (0, 0), (0, 0)),
                            constant_values=255))
        if k < len(images) - 1:
            parts.append(np.full((height, gap, 3), 255, np.uint8))
    return np.concatenate(parts, axis=1)


def colorbar(vmax: float, *, height: int = 240, width: int = 90) -> np.ndarray:
    """A vertical legend for :func:`diverging_colors`: +vmax at the top, -vmax at the bottom.

    Examples
    --------
    >>> colorbar(2.0, height=100).shape
    (100, 90, 3)
    """
    ramp = np.linspace(vmax, -vmax, height - 20)[:, None].repeat(24, axis=1)
    img = np.full((height, width, 3), 255, np.uint8)
    img[10:height - 10, 4:28] = diverging_colors(ramp, vmax)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    fnt = font(14)
    for frac, val in ((0.0, vmax), (0.5, 0.0), (1.0, -vmax)):
        y = 10 + frac * (height - 21)
        draw.line([(28, y), (34, y)], fill=(0, 0, 0))
        draw.text((37, y), format_value(val, 3), fill=(0, 0, 0), font=fnt, anchor="lm")
    return np.asarray(pil)


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement so single pixels stay visible, (H*f, W*f, ...)."""
    return np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)


def to_rgb(img: Any) -> np.ndarray:
    """A float [0, 1] (H, W), (H, W, 1) or (H, W, 3) image as uint8 (H, W, 3)."""
    arr = np.asarray(img, dtype=np.float64)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    u8 = np.rint(np.clip(arr, 0, 1) * 255).astype(np.uint8)
    return np.repeat(u8[..., None], 3, axis=-1) if u8.ndim == 2 else u8


def label_fit(img: np.ndarray, text: str, *, size: int = 20) -> np.ndarray:
    """Like :func:`label`, but first widens ``img`` with white on the right so the whole
    caption fits (a 1x1 output grid would otherwise cut its caption off).

    Examples
    --------
    >>> label_fit(np.zeros((10, 10, 3), np.uint8), "a long caption").shape[1] > 10
    True
    """
    need = int(math.ceil(font(size).getlength(text))) + 6
    if img.shape[1] < need:
        img = np.pad(img, ((0, 0), (0, need - img.shape[1]), (0, 0)), constant_values=255)
    return label(img, text, size=size)
