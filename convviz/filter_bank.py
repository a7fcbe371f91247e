"""A bank of 2-D filters on an image: feature maps, per-channel responses, and pictures.

One feature map per kernel, like the output channels of a conv layer; on a colour image
the per-channel responses of one filter and their sum; the colour scale a display mode
uses; a feature map drawn with its colour bar, a point marked on it, and several maps as
one PNG. Pure numpy and Pillow (the page :mod:`pages.image_filters` shows them).

>>> from convviz.kernels import KERNELS
>>> maps = feature_maps(np.random.default_rng(0).random((8, 8, 3)),
...                     [KERNELS["sobel_x"].array, KERNELS["sobel_y"].array], padding="same")
>>> [m.shape for m in maps]
[(8, 8), (8, 8)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import render as R
from ._validate import as_float_array, check_choice, check_int
from .conv import conv2d
from .images import to_grayscale
from .sweep_colors import DISPLAY_MODES, apply_display, display_colorbar, feature_map_rgb
from .sweep_export import feature_maps_png

__all__ = ["MapView", "channel_filters", "channel_responses", "display_grid", "display_vmax",
           "feature_maps", "map_tile", "map_view", "maps_png", "mark_point"]

_MARK = np.array(R.WINDOW_COLOR, np.uint8)


def _gray(image: np.ndarray) -> np.ndarray:
    """(H, W): a 2-D image as it is, the only channel, or the luma of RGB (as the sweep)."""
    if image.ndim == 2:
        return image
    return image[..., 0] if image.shape[2] == 1 else to_grayscale(image)[..., 0]


def feature_maps(image: Any, kernels: Sequence[Any], *, channels: str = "gray",
                 **geo: Any) -> list[np.ndarray]:
    """One feature map per 2-D kernel, like the output channels of a conv layer.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
    kernels : sequence of array_like, each of shape (kH, kW); sizes may differ
    channels : {"gray", "rgb"}
        Apply each kernel to the luma image, or to each of R, G, B and add the three
        (the kernel repeated over the channels: a (kH, kW, 3) filter).
    **geo
        ``stride``, ``padding``, ``dilation``, ``padding_mode``, ``flip`` of
        :func:`convviz.conv2d`.

    Returns
    -------
    list of ndarray, each of shape (H', W')

    Examples
    --------
    >>> feature_maps(np.ones((5, 5)), [np.ones((3, 3))], padding="valid")[0].tolist()[0]
    [9.0, 9.0, 9.0]
    """
    img = as_float_array(image, "image", ndims=(2, 3))
    check_choice(channels, "channels", ("gray", "rgb"))
    rgb = channels == "rgb" and img.ndim == 3 and img.shape[2] == 3
    x = img if rgb else _gray(img)[..., None]  # (H, W, C)
    ks = [as_float_array(k, "kernel", ndims=(2,)) for k in kernels]
    out: list[Any] = [None] * len(ks)
    for shape in dict.fromkeys(k.shape for k in ks):  # one conv2d call per kernel size
        idx = [i for i, k in enumerate(ks) if k.shape == shape]
        bank = np.stack([ks[i] for i in idx], axis=-1)[:, :, None, :]  # (kH, kW, 1, F)
        maps = conv2d(x, np.repeat(bank, x.shape[2], axis=2), **geo)  # (H', W', F)
        for f, i in enumerate(idx):
            out[i] = np.ascontiguousarray(maps[..., f])
    return out


def channel_filters(kernel: Any) -> np.ndarray:
    """Four (kH, kW, 3) filters from a 2-D kernel: on R only, G only, B only, and on all.

    Applied with one :func:`convviz.conv2d` call they give the per-channel responses and
    their sum (the filter's feature map).

    Returns
    -------
    ndarray, shape (kH, kW, 3, 4)

    Examples
    --------
    >>> f = channel_filters(np.ones((1, 1)))
    >>> f.shape, f[0, 0].tolist()
    ((1, 1, 3, 4), [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
    """
    k2 = as_float_array(kernel, "kernel", ndims=(2,))
    out = np.zeros(k2.shape + (3, 4), dtype=k2.dtype)
    for c in range(3):
        out[:, :, c, c] = k2  # filter c sees channel c only
        out[:, :, c, 3] = k2  # filter 3 sees every channel: the sum
    return out


def channel_responses(image: Any, kernel: Any, **geo: Any) -> np.ndarray:
    """The responses of a 2-D kernel on R, G and B of a colour image, and their sum.

    Returns
    -------
    ndarray, shape (H', W', 4)
        ``[..., 0:3]`` per channel, ``[..., 3]`` the filter's feature map (their sum).

    Examples
    --------
    >>> r = channel_responses(np.ones((4, 4, 3)), np.ones((3, 3)), padding="valid")
    >>> r.shape, r[0, 0].tolist()
    ((2, 2, 4), [9.0, 9.0, 9.0, 27.0])
    """
    img = as_float_array(image, "image", ndims=(3,))
    if img.shape[2] != 3:
        raise ValueError(f"`image` must have 3 channels (RGB), got shape {img.shape}")
    return conv2d(img, channel_filters(kernel), **geo)  # (H', W', 4)


def mark_point(rgb: np.ndarray, pos: tuple[int, int], *, arm: int | None = None) -> np.ndarray:
    """A copy of an RGB map with an orange cross around pixel ``pos`` (the pixel left clear).

    Examples
    --------
    >>> m = mark_point(np.zeros((20, 20, 3), np.uint8), (10, 10), arm=4)
    >>> m[10, 10].tolist(), m[10, 14].tolist()
    ([0, 0, 0], [255, 140, 0])
    """
    out = np.array(rgb, dtype=np.uint8, copy=True)
    h, w = out.shape[:2]
    r, c = pos
    arm = max(4, max(h, w) // 40) if arm is None else arm
    t = max(1, arm // 4)  # thickness
    gap = max(1, arm // 3)
    rows = slice(max(0, r - t // 2), min(h, r - t // 2 + t))
    cols = slice(max(0, c - t // 2), min(w, c - t // 2 + t))
    out[rows, max(0, c - gap - arm):max(0, c - gap + 1)] = _MARK
    out[rows, min(w, c + gap):min(w, c + gap + arm + 1)] = _MARK
    out[max(0, r - gap - arm):max(0, r - gap + 1), cols] = _MARK
    out[min(h, r + gap):min(h, r + gap + arm + 1), cols] = _MARK
    return out


def display_vmax(fmap: Any, display: str = "signed", percentile: float = 100.0) -> float:
    """The magnitude shown at full colour: a percentile of the values as displayed.

    At 100 it is the largest ``|value|``; a lower percentile (99.5, say) lets the few
    strongest responses saturate so that weaker edges get visible colour. Never 0.

    Examples
    --------
    >>> display_vmax(np.array([-4.0, 1.0, 2.0]), "relu")
    2.0
    >>> display_vmax(np.arange(101.0), percentile=50)
    50.0
    """
    check_choice(display, "display", DISPLAY_MODES)
    if not 0 < percentile <= 100:
        raise ValueError(f"`percentile` must be in (0, 100], got {percentile!r}")
    shown = np.abs(apply_display(np.asarray(fmap, dtype=np.float64), display))
    if shown.size == 0:
        return 1.0
    top = float(shown.max() if percentile == 100 else np.percentile(shown, percentile))
    return top if top > 0 else (float(shown.max()) or 1.0)


def display_grid(shape: tuple[int, ...], *, smallest: int = 256,
                 largest: int = 1024) -> tuple[int, int]:
    """(step, scale) to show a map of ``shape`` on screen: every ``step``-th cell, each
    drawn ``scale`` pixels wide, so the longest side lands between ``smallest`` and
    ``largest`` pixels where it can (pictures only: the numbers stay the full map's).

    Map cell (r, c) is drawn at ``(r // step * scale, c // step * scale)``.

    Examples
    --------
    >>> display_grid((64, 48)), display_grid((512, 437)), display_grid((2048, 1500))
    ((1, 4), (1, 1), (2, 1))
    """
    longest = max(int(shape[0]), int(shape[1]), 1)
    step = -(-longest // largest)  # ceil
    return step, max(1, smallest // -(-longest // step))


def map_tile(fmap: Any, display: str = "signed", *, vmax: float | None = None,
             scale: int = 1, bar_height: int | None = None) -> np.ndarray:
    """A feature map coloured for ``display`` with its colour bar on the right.

    Parameters
    ----------
    fmap : array_like, shape (H', W')
    display : {"signed", "relu", "abs"}
    vmax : float, optional
        The magnitude at full colour; default the largest value shown.
    scale : int
        Nearest-neighbour enlargement of the map (so a small map stays crisp).
    bar_height : int, optional
        Height of the colour bar (default the shown map's height, at least 120 px).

    Returns
    -------
    ndarray of uint8, shape (max(H' * scale, bar), W' * scale + 8 + 90, 3)
        The map's pixel (r, c) starts at (r * scale, c * scale).

    Examples
    --------
    >>> map_tile(np.zeros((150, 200))).shape
    (150, 298, 3)
    """
    check_choice(display, "display", DISPLAY_MODES)
    scale = check_int(scale, "scale", minimum=1)
    arr = as_float_array(fmap, "fmap", ndims=(2,))
    if vmax is None:
        top = float(np.abs(apply_display(arr, display)).max()) if arr.size else 0.0
        vmax = top if top > 0 else 1.0
    rgb = R.upscale(feature_map_rgb(arr, mode=display, vmax=vmax), scale)
    bar = display_colorbar(display, vmax, bar_height or max(120, rgb.shape[0]))
    return R.hstack([rgb, bar], gap=8)


@dataclass(frozen=True)
class MapView:
    """One kernel's feature map, ready to show: the numbers, the colour scale, the picture.

    The arrays are read-only (a view may be shared by several sessions). Map cell
    (r, c) is drawn at ``(r // step * scale, c // step * scale)`` in ``tile``.
    """

    fmap: np.ndarray  # (H', W') float32, the full map
    vmax: float  # the magnitude shown at full colour
    tile: np.ndarray  # (h, w, 3) uint8: the map's picture with its colour bar
    step: int
    scale: int

    def at(self, point: tuple[int, int]) -> tuple[int, int]:
        """Where map cell ``point`` is drawn in ``tile`` (the middle of its square)."""
        return (point[0] // self.step * self.scale + self.scale // 2,
                point[1] // self.step * self.scale + self.scale // 2)


def map_view(image: Any, kernel: Any, *, channels: str = "gray", display: str = "signed",
             percentile: float = 100.0, **geo: Any) -> MapView:
    """One kernel through :func:`feature_maps`, coloured with :func:`display_vmax`,
    :func:`display_grid` and :func:`map_tile`: what the image page shows per kernel.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
    kernel : array_like, shape (kH, kW)
    channels, display, percentile
        As in :func:`feature_maps` and :func:`display_vmax`.
    **geo
        ``stride``, ``padding``, ``dilation``, ``padding_mode`` of :func:`conv2d`.

    Examples
    --------
    >>> v = map_view(np.eye(6), np.ones((3, 3)), padding="same")
    >>> v.fmap.shape, v.vmax, v.step, v.scale, v.at((1, 2))
    ((6, 6), 3.0, 1, 42, (63, 105))
    """
    fmap = feature_maps(image, [kernel], channels=channels, **geo)[0]
    step, scale = display_grid(fmap.shape)
    vmax = display_vmax(fmap, display, percentile)
    tile = map_tile(fmap[::step, ::step], display, vmax=vmax, scale=scale)
    fmap.flags.writeable = tile.flags.writeable = False
    return MapView(fmap, vmax, tile, step, scale)


def maps_png(maps: Sequence[Any], display: str = "signed") -> bytes:
    """PNG of several feature maps side by side on one colour scale (sizes may differ).

    Maps of one shape go through :func:`convviz.sweep_export.feature_maps_png`; maps of
    different shapes (different kernel sizes without padding) are coloured on the same
    scale and placed side by side, top-aligned.

    Examples
    --------
    >>> maps_png([np.zeros((3, 4)), np.ones((2, 2))])[:4]
    b'\\x89PNG'
    """
    check_choice(display, "display", DISPLAY_MODES)
    arrs = [as_float_array(m, "maps", ndims=(2,)) for m in maps]
    if not arrs:
        raise ValueError("`maps` must hold at least one feature map")
    if len({a.shape for a in arrs}) == 1:
        return feature_maps_png(np.stack(arrs, axis=-1), display)  # (H', W', F)
    top = max(float(np.abs(apply_display(a, display)).max()) for a in arrs)
    vmax = top if top > 0 else 1.0
    return R.png_bytes(R.hstack([feature_map_rgb(a, mode=display, vmax=vmax) for a in arrs],
                                gap=8))
