"""A bank of 2-D filters on an image: feature maps, per-channel responses, and pictures.

One feature map per kernel, like the output channels of a conv layer; on a colour image
the per-channel responses of one filter and their sum; the colour scale a display mode
uses; a feature map drawn with its colour bar, a point marked on it, and several maps as
one PNG. Pure numpy and Pillow (the page :mod:`pages.image_filters` shows them).

>>> from convviz.engine.kernels import KERNELS
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

from convviz.base.budget import Cost, Fit, check, fit_picture, ordinal
from convviz.base.checks import as_float_array, check_choice, check_int
from convviz.base.memory import reserve
from convviz.draw import render as R
from convviz.draw.colors import DISPLAY_MODES, apply_display, display_colorbar, feature_map_rgb
from convviz.draw.encode import png_bytes
from convviz.engine.conv import conv2d
from convviz.imaging.pixels import to_grayscale

__all__ = ["MapView", "channel_filters", "channel_responses", "display_grid", "display_vmax",
           "feature_maps", "map_picture", "map_tile", "map_view", "maps_png", "maps_png_cost",
           "maps_png_fit", "maps_sheet", "mark_point"]

_MARK = np.array(R.WINDOW_COLOR, np.uint8)
_TITLE_SIZE = 20  # px: a title strip is int(1.6 * size) high
_TITLE_H = int(_TITLE_SIZE * 1.6)
_COL_GAP, _ROW_GAP = 24, 16
# Measured on 1,000 px feature maps of photos (benchmarks/bench_exports.py), rounded up:
_PNG_BYTES_PER_PX = 1.5  # a coloured photo-like map compresses to about 1 byte per pixel
_PNG_SECONDS_PER_MPX = 0.4  # drawing and zlib per megapixel
_PNG_WORK_BYTES_PER_PX = 12  # the sheet, its rows, Pillow's copy, zlib's buffers


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
    top = float(np.percentile(shown, percentile)) if percentile < 100 and shown.size else 0.0
    return top if top > 0 else R.full_scale(shown)  # the largest: at 100, or a 0 percentile


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


def map_picture(fmap: Any, display: str = "signed", *, vmax: float | None = None,
                scale: int = 1) -> np.ndarray:
    """A feature map coloured for ``display``, enlarged ``scale`` times: the picture alone,
    with no text in it (a page shows it scaled to its column, its legend in HTML beside it:
    :func:`convviz.draw.colors.display_legend`).

    Returns
    -------
    ndarray of uint8, shape (H' * scale, W' * scale, 3)

    Examples
    --------
    >>> map_picture(np.zeros((15, 20)), scale=2).shape
    (30, 40, 3)
    """
    check_choice(display, "display", DISPLAY_MODES)
    scale = check_int(scale, "scale", minimum=1)
    arr = as_float_array(fmap, "fmap", ndims=(2,))
    if vmax is None:
        vmax = R.full_scale(apply_display(arr, display))
    return R.upscale(feature_map_rgb(arr, mode=display, vmax=vmax), scale)


def map_tile(fmap: Any, display: str = "signed", *, vmax: float | None = None,
             scale: int = 1, bar_height: int | None = None) -> np.ndarray:
    """A feature map coloured for ``display`` with its colour bar on the right (for an
    export, shown at its own size: the bar's 14 px ticks stay 14 px).

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
    arr = as_float_array(fmap, "fmap", ndims=(2,))
    if vmax is None:
        vmax = R.full_scale(apply_display(arr, display))
    return _with_bar(map_picture(arr, display, vmax=vmax, scale=scale), display, vmax,
                     bar_height)


def _with_bar(rgb: np.ndarray, display: str, vmax: float,
              bar_height: int | None = None) -> np.ndarray:
    bar = display_colorbar(display, vmax, bar_height or max(120, rgb.shape[0]))
    return R.hstack([rgb, bar], gap=8)


@dataclass(frozen=True)
class MapView:
    """One kernel's feature map, ready to show: the numbers, the colour scale, the picture.

    The arrays are read-only (a view may be shared by several sessions). Map cell
    (r, c) is drawn at ``(r // step * scale, c // step * scale)`` in ``picture``; the
    page shows its legend as HTML (:func:`convviz.draw.colors.display_legend` of ``vmax``).
    """

    fmap: np.ndarray  # (H', W') float32, the full map
    vmax: float  # the magnitude shown at full colour
    picture: np.ndarray  # (h, w, 3) uint8: the map's picture (no text: its legend is HTML)
    step: int
    scale: int

    def at(self, point: tuple[int, int]) -> tuple[int, int]:
        """Where map cell ``point`` is drawn in ``picture`` (the middle of its square)."""
        return (point[0] // self.step * self.scale + self.scale // 2,
                point[1] // self.step * self.scale + self.scale // 2)


def map_view(image: Any, kernel: Any, *, channels: str = "gray", display: str = "signed",
             percentile: float = 100.0, **geo: Any) -> MapView:
    """One kernel through :func:`feature_maps`, coloured with :func:`display_vmax`,
    :func:`display_grid` and :func:`map_picture`: what the image page shows per kernel.

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
    picture = map_picture(fmap[::step, ::step], display, vmax=vmax, scale=scale)
    fmap.flags.writeable = picture.flags.writeable = False
    return MapView(fmap, vmax, picture, step, scale)


def _tile(view: MapView, display: str, every: int) -> np.ndarray:
    """The view's picture with its colour bar (the export's tile), with every ``every``-th
    of its shown pixels."""
    if every == 1:
        return _with_bar(view.picture, display, view.vmax)
    k = view.step * every
    return map_tile(view.fmap[::k, ::k], display, vmax=view.vmax, scale=view.scale)


def _tile_shape(view: MapView, every: int) -> tuple[int, int]:
    """(height, width) of :func:`_tile` without drawing it."""
    k = view.step * every
    h, w = (-(-n // k) * view.scale for n in view.fmap.shape)
    return max(h, 120), w + 8 + 90


def _grid(shapes: Sequence[tuple[int, int]], per_row: int) -> tuple[int, int]:
    """(height, width) of titled tiles of ``shapes`` laid out ``per_row`` to a row."""
    rows = [shapes[i:i + per_row] for i in range(0, len(shapes), per_row)]
    heights = [max(h for h, _ in row) + _TITLE_H for row in rows]
    widths = [sum(w for _, w in row) + _COL_GAP * (len(row) - 1) for row in rows]
    return sum(heights) + _ROW_GAP * (len(rows) - 1), max(widths)


def maps_sheet(views: Sequence[MapView], titles: Sequence[str], display: str = "signed", *,
               every: int = 1, per_row: int = 3) -> np.ndarray:
    """The feature maps as the page shows them: each with its own colour scale and colour
    bar, its title above it, ``per_row`` to a row.

    Parameters
    ----------
    views : sequence of MapView
        From :func:`map_view` (the picture, scale and ``vmax`` the page shows).
    titles : sequence of str
        One per view (the kernel's name and the map's size).
    display : {"signed", "relu", "abs"}
    every : int
        1 for the pictures as shown; k for every k-th of their pixels (smaller).
    per_row : int

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)

    Examples
    --------
    >>> vs = [map_view(np.eye(6), np.ones((3, 3)), padding="same"),
    ...       map_view(np.eye(6), -np.ones((3, 3)), padding="same")]
    >>> maps_sheet(vs, ["a", "b"]).shape
    (284, 724, 3)
    """
    check_choice(display, "display", DISPLAY_MODES)
    every = check_int(every, "every", minimum=1)
    per_row = check_int(per_row, "per_row", minimum=1)
    if not views or len(views) != len(titles):
        raise ValueError(f"`views` and `titles` must hold the same number (at least one) of "
                         f"maps, got {len(views)} and {len(titles)}")
    tiles = [R.label(_tile(v, display, every), t, size=_TITLE_SIZE)
             for v, t in zip(views, titles, strict=True)]
    rows = [R.hstack(tiles[i:i + per_row], gap=_COL_GAP) for i in range(0, len(tiles), per_row)]
    width = max(r.shape[1] for r in rows)
    parts = []
    for k, row in enumerate(rows):
        pad_below = _ROW_GAP if k < len(rows) - 1 else 0
        parts.append(np.pad(row, ((0, pad_below), (0, width - row.shape[1]), (0, 0)),
                            constant_values=255))
    return np.concatenate(parts)


def maps_png_cost(views: Sequence[MapView], *, every: int = 1, per_row: int = 3) -> Cost:
    """The estimated cost of :func:`maps_png`, from the maps' sizes (nothing is drawn).

    Examples
    --------
    >>> v = map_view(np.eye(6), np.ones((3, 3)), padding="same")
    >>> c = maps_png_cost([v, v])
    >>> c.frame_bytes, c.fits
    (616848, True)
    """
    h, w = _grid([_tile_shape(v, every) for v in views], per_row)
    mpx = h * w / 1e6
    output = int(h * w * _PNG_BYTES_PER_PX)
    return Cost("the feature maps PNG", frames=1, frame_bytes=h * w * 3,
                peak_bytes=h * w * _PNG_WORK_BYTES_PER_PX + output, output_bytes=output,
                seconds=0.1 + mpx * _PNG_SECONDS_PER_MPX)


def maps_png_fit(views: Sequence[MapView], *, per_row: int = 3) -> Fit:
    """The pictures as shown when they fit one click's budget, else every 2nd (3rd, 4th)
    of their pixels, with a sentence saying so (see :func:`convviz.base.budget.fit_picture`)."""
    return fit_picture([1, 2, 3, 4], lambda k: maps_png_cost(views, every=k, per_row=per_row),
                       say=lambda k: f"every {ordinal(k)} pixel of each picture")


def maps_png(views: Sequence[MapView], titles: Sequence[str], display: str = "signed", *,
             fit: Fit | None = None, per_row: int = 3) -> bytes:
    """PNG of :func:`maps_sheet`: the feature maps as the page shows them, titled, each with
    its own colour bar; reduced as ``fit`` (default :func:`maps_png_fit`) says.

    Raises
    ------
    convviz.base.budget.OverBudgetError, convviz.base.memory.MemoryLimitError
        Before any drawing, over one click's budget or the server's memory limit.

    Examples
    --------
    >>> v = map_view(np.eye(6), np.ones((3, 3)), padding="same")
    >>> maps_png([v], ["Box blur (6x6)"])[:4]
    b'\\x89PNG'
    """
    fit = maps_png_fit(views, per_row=per_row) if fit is None else fit
    cost = check(maps_png_cost(views, every=fit.size, per_row=per_row))
    with reserve(cost.peak_bytes, cost.what):
        return png_bytes(maps_sheet(views, titles, display, every=fit.size, per_row=per_row))
