"""How a feature map is coloured: signed on a diverging scale, ReLU and absolute value on viridis.

The three display modes of the image pages. ``"signed"`` shows the map as computed, blue for
negative, white for 0, red for positive; ``"relu"`` shows ``max(0, x)`` (what a ReLU after the
layer passes on) and ``"abs"`` shows ``|x|`` (edge strength whatever its direction), both on
viridis from 0 (dark purple) to the largest value (yellow).

>>> feature_map_rgb(np.array([[-1.0, 0.0, 1.0]]), mode="abs")[0, 1].tolist()
[68, 1, 84]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import as_float_array, check_choice
from convviz.draw import numbers
from convviz.draw import render as R

__all__ = ["DISPLAY_MODES", "apply_display", "display_colorbar", "display_legend",
           "feature_map_rgb", "sequential_colors"]

DISPLAY_MODES = ("signed", "relu", "abs")
# viridis at 9 evenly spaced points (matplotlib's values): dark purple 0 to yellow max.
_SEQUENTIAL = np.array([[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142],
                        [33, 145, 140], [40, 174, 128], [94, 201, 98], [173, 220, 48],
                        [253, 231, 37]], dtype=np.float64)


def apply_display(fmap: Any, mode: str = "signed") -> np.ndarray:
    """The numbers a display mode shows: the map itself, ``max(0, x)`` or ``|x|``.

    Examples
    --------
    >>> apply_display(np.array([-2.0, 3.0]), "relu").tolist(), apply_display([-2.0], "abs")
    ([0.0, 3.0], array([2.]))
    """
    check_choice(mode, "mode", DISPLAY_MODES)
    arr = np.asarray(fmap)
    return arr if mode == "signed" else np.maximum(arr, 0) if mode == "relu" else np.abs(arr)


def _ramp(t: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``table`` rows at float positions ``t``, uint8 (..., 3).

    The arithmetic of :func:`render.diverging_colors`, one channel at a time: the same
    bits, without (..., 3) float temporaries, into reused buffers and contiguous channel
    planes (about 4x faster on a 512 px map).
    """
    shape = np.shape(t)
    t = np.asarray(t, dtype=np.float64).reshape(-1)  # 1-D: 0-d input gives arrays too
    lo = np.floor(t).astype(np.intp)
    np.clip(lo, 0, len(table) - 2, out=lo)
    frac = t - lo
    rest = 1 - frac
    planes = np.empty((3,) + t.shape, np.uint8)  # (3, ...): one contiguous plane per channel
    a, b = np.empty(t.shape), np.empty(t.shape)
    for c in range(3):
        col = np.ascontiguousarray(table[:, c], dtype=np.float64)
        np.take(col, lo, out=a)
        a *= rest
        np.take(col[1:], lo, out=b)
        b *= frac
        a += b
        np.rint(a, out=a)
        planes[c] = a
    return np.ascontiguousarray(planes.T).reshape(shape + (3,))  # (..., 3)


def _diverging(values: np.ndarray, vmax: float) -> np.ndarray:
    """``render.diverging_colors(values, vmax)`` for finite values, faster."""
    t = np.clip(np.asarray(values, dtype=np.float64) / vmax, -1, 1)
    t += 1
    t *= 0.5
    t *= len(R.DIVERGING) - 1
    return _ramp(t, R.DIVERGING)


def sequential_colors(values: Any, vmax: float | None = None) -> np.ndarray:
    """Map values >= 0 to RGB on viridis from 0 (dark purple) to ``vmax`` (yellow).

    Examples
    --------
    >>> sequential_colors(np.array([0.0, 2.0])).tolist()
    [[68, 1, 84], [253, 231, 37]]
    """
    v = np.asarray(values, dtype=np.float64)
    shown = np.maximum(v, 0) if vmax is None else v  # negative values show as 0
    t = np.clip(v / R.full_scale(shown, vmax), 0, 1)
    t *= len(_SEQUENTIAL) - 1
    return _ramp(t, _SEQUENTIAL)


def resolve_vmax(shown: np.ndarray, vmax: float | None) -> float:
    """The magnitude at full colour: ``vmax`` checked, or the largest finite ``|value|``
    shown (1 for an all-zero map), as :func:`convviz.draw.render.full_scale` reads it.

    Examples
    --------
    >>> resolve_vmax(np.array([-3.0, 2.0]), None), resolve_vmax(np.zeros(2), 0.5)
    (3.0, 0.5)
    """
    if vmax is not None and (
            isinstance(vmax, bool) or not isinstance(vmax, (int, float, np.number)) or not (
                math.isfinite(vmax) and vmax > 0)):
        raise ValueError(f"`vmax` must be a positive finite number or None, got {vmax!r}")
    return R.full_scale(shown, vmax)


def feature_map_rgb(fmap: Any, *, mode: str = "signed", vmax: float | None = None) -> np.ndarray:
    """Colour a feature map: ``"signed"`` on the blue-white-red scale centred on 0,
    ``"relu"`` and ``"abs"`` on viridis from 0 to the largest value shown.

    Parameters
    ----------
    fmap : array_like, shape (H', W') or (H', W', F)
    mode : {"signed", "relu", "abs"}
    vmax : float, optional
        The magnitude at full colour; default the largest ``|value|`` shown.

    Returns
    -------
    ndarray of uint8, shape (H', W', 3) or (H', W', F, 3)

    Examples
    --------
    >>> feature_map_rgb(np.array([[-1.0, 0.0, 1.0]])).tolist()
    [[[33, 102, 172], [247, 247, 247], [178, 24, 43]]]
    >>> feature_map_rgb(np.array([[-1.0, 0.0, 1.0]]), mode="relu")[0, 0].tolist()
    [68, 1, 84]
    """
    shown = apply_display(as_float_array(fmap, "fmap", ndims=(2, 3)), mode)
    top = resolve_vmax(shown, vmax)
    return _diverging(shown, top) if mode == "signed" else sequential_colors(shown, top)
def display_legend(mode: str, vmax: float) -> dict[str, Any]:
    """The legend of a display mode as data, for a page to draw in HTML (text the browser
    writes at its own size, never scaled down with a picture): the scale's colours and the
    ticks of :func:`display_colorbar`, -vmax, 0, vmax (signed) or 0, vmax / 2, vmax.

    Returns
    -------
    dict
        ``{"title": str, "colors": ["#rrggbb", ...], "ticks": [str, str, str]}``, the
        legend format of :mod:`convviz.draw.grid_data`: the colours are the scale's stops,
        evenly spaced from the lowest value to the highest (the scale interpolates
        linearly between them, as a CSS linear-gradient does), the ticks evenly spaced.

    Examples
    --------
    >>> lg = display_legend("signed", 1.5)
    >>> lg["ticks"], lg["colors"][0], lg["colors"][3], lg["colors"][-1]
    (['-1.5', '0', '1.5'], '#2166ac', '#f7f7f7', '#b2182b')
    >>> display_legend("abs", 2.0)["ticks"], display_legend("relu", 2.0)["colors"][0]
    (['0', '1', '2'], '#440154')
    """
    check_choice(mode, "mode", DISPLAY_MODES)
    top = resolve_vmax(np.zeros(1), vmax)
    if mode == "signed":
        table, values = R.DIVERGING, (-top, 0.0, top)
        title = "colour: blue < 0 < red"
    else:
        table, values = _SEQUENTIAL, (0.0, top / 2, top)
        what = "ReLU(x)" if mode == "relu" else "|x|"
        title = f"colour: {what}, 0 dark purple to yellow"
    stops = np.rint(table).astype(np.uint8)
    return {"title": title,
            "colors": [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in stops.tolist()],
            "ticks": [numbers.format_value(v, 3) for v in values]}


def display_colorbar(mode: str, vmax: float, height: int = 240) -> np.ndarray:
    """The colour bar of a display mode: -vmax..vmax (signed) or 0..vmax (ReLU, absolute).

    Returns
    -------
    ndarray of uint8, shape (height, 90, 3)

    Examples
    --------
    >>> display_colorbar("abs", 2.0, 120).shape
    (120, 90, 3)
    """
    check_choice(mode, "mode", DISPLAY_MODES)
    if mode == "signed":
        return R.colorbar(vmax, height=height)
    ramp = np.linspace(vmax, 0.0, height - 20)[:, None].repeat(24, axis=1)
    img = np.full((height, 90, 3), 255, np.uint8)
    img[10:height - 10, 4:28] = sequential_colors(ramp, vmax)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    for frac, val in ((0.0, vmax), (0.5, vmax / 2), (1.0, 0.0)):
        y = 10 + frac * (height - 21)
        draw.line([(28, y), (34, y)], fill=(0, 0, 0))
        draw.text((37, y), numbers.format_value(val, 3), fill=(0, 0, 0), font=R.font(14),
                  anchor="lm")
    return np.asarray(pil)

