"""The pure logic of the "Filters on your image" page: kernel lists, feature maps, tiles.

Everything here is a plain function of arrays (no Streamlit), so it is tested directly:
the list of kernels a link carries, the working image and whether it was shrunk, the
feature maps of several filters (one per filter, as a conv layer's output), the per-channel
responses of one filter on an RGB image and their sum, the zoom region around a point and
the pictures of the maps with their colour bars.

>>> import numpy as np
>>> maps = feature_maps(np.random.default_rng(0).random((8, 8, 3)),
...                     [KERNELS["sobel_x"].array, KERNELS["sobel_y"].array], padding="same")
>>> [m.shape for m in maps]
[(8, 8), (8, 8)]
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from . import render as R
from ._validate import as_float_array, check_choice, check_int
from .conv import conv2d
from .conv_steps import ConvPlan
from .images import load_image, to_grayscale
from .kernels import KERNELS
from .sweep_colors import DISPLAY_MODES, apply_display, display_colorbar, feature_map_rgb
from .sweep_export import feature_maps_png

__all__ = ["KERNEL_CHOICES", "MAX_KERNELS", "WORKING_SIZES", "channel_filters",
           "channel_responses", "downscale_note", "dump_kernel_list", "feature_maps",
           "kernel_label", "load_upload", "map_tile", "maps_png", "mark_point",
           "parse_kernel_list", "window_centre", "zoom_region"]

#: What the kernel menu offers: every preset, then the learner's own grid.
KERNEL_CHOICES: tuple[str, ...] = (*KERNELS, "custom")
#: The most filters the page applies at once (a small conv layer).
MAX_KERNELS = 8
#: The working sizes offered (longest side in pixels).
WORKING_SIZES = (64, 128, 256, 384, 512, 768, 1024, 1536, 2048)
_MARK = np.array(R.WINDOW_COLOR, np.uint8)


def parse_kernel_list(text: str) -> list[str]:
    """Read a comma-separated list of kernel names (from a link), validated.

    Raises
    ------
    ValueError
        For an empty list, an unknown name (listing the valid ones), a repeated name or
        more than :data:`MAX_KERNELS` names.

    Examples
    --------
    >>> parse_kernel_list("sobel_x, sobel_y,custom")
    ['sobel_x', 'sobel_y', 'custom']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string, got {type(text).__name__}")
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError("must name at least one kernel, e.g. sobel_x,sobel_y")
    for n in names:
        if n not in KERNEL_CHOICES:
            raise ValueError(f"unknown kernel {n!r}; valid names: {', '.join(KERNEL_CHOICES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"each kernel may appear once, got {text!r}")
    if len(names) > MAX_KERNELS:
        raise ValueError(f"at most {MAX_KERNELS} kernels, got {len(names)}")
    return names


def dump_kernel_list(names: Sequence[str]) -> str:
    """The inverse of :func:`parse_kernel_list`.

    Examples
    --------
    >>> dump_kernel_list(["sobel_x", "custom"])
    'sobel_x,custom'
    """
    return ",".join(names)


def kernel_label(name: str) -> tuple[str, str]:
    """(title, meaning) of a kernel choice, including ``"custom"``.

    Examples
    --------
    >>> kernel_label("sobel_x")[0], kernel_label("custom")[0]
    ('Sobel x', 'Your kernel')
    """
    check_choice(name, "name", KERNEL_CHOICES)
    if name == "custom":
        return "Your kernel", "Your own weights: in a CNN, training finds such numbers itself."
    return KERNELS[name].title, KERNELS[name].meaning


def load_upload(data: bytes, max_side: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode an uploaded image at the working size; also return its original (H, W).

    Raises :class:`~convviz.images.ImageError` (a ``ValueError``) with a sentence for the
    learner when the file is not a readable image.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (100, 40)).save(buf, format="PNG")
    >>> img, size = load_upload(buf.getvalue(), 50)
    >>> img.shape, size
    ((20, 50, 3), (40, 100))
    """
    img = load_image(data, max_side=max_side)
    with Image.open(io.BytesIO(data)) as pil:  # the header only: no second decode
        w, h = pil.size
        if pil.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF rotation by 90 degrees
            w, h = h, w
    return img, (h, w)


def downscale_note(original: tuple[int, int], shape: tuple[int, ...]) -> str | None:
    """A sentence saying the image was shrunk to the working size, or None if it was not.

    Examples
    --------
    >>> downscale_note((600, 512), (512, 437, 3))[:58]
    'The image (600x512 pixels) was downscaled to 512x437 to ke'
    >>> downscale_note((40, 100), (40, 100, 3)) is None
    True
    """
    if tuple(original[:2]) == tuple(shape[:2]):
        return None
    return (f"The image ({original[0]}x{original[1]} pixels) was downscaled to "
            f"{shape[0]}x{shape[1]} to keep the page fast; raise the working size for more "
            "detail.")


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


def window_centre(conv: ConvPlan, pos: tuple[int, int]) -> tuple[int, int]:
    """The input pixel at the centre of the window of output cell ``pos`` (clipped).

    Examples
    --------
    >>> from convviz.conv_steps import conv_plan
    >>> window_centre(conv_plan(np.zeros((9, 9)), np.ones((3, 3)), stride=2), (1, 2))
    (3, 5)
    """
    out = []
    for ax in (0, 1):
        k_eff = conv.dilation[ax] * (conv.kernel.shape[ax] - 1) + 1
        centre = pos[ax] * conv.stride[ax] + (k_eff - 1) // 2 - conv.pads[ax][0]
        size = conv.padded.shape[ax] - sum(conv.pads[ax])
        out.append(int(min(max(centre, 0), size - 1)))
    return out[0], out[1]


def zoom_region(conv: ConvPlan, pos: tuple[int, int], size: int) -> tuple[int, int, int]:
    """A ``size`` x ``size`` pixel region centred on the window of output cell ``pos``,
    moved inside the image: the ``region`` argument of :func:`convviz.sweep.sweep_plan`.

    Examples
    --------
    >>> from convviz.conv_steps import conv_plan
    >>> zoom_region(conv_plan(np.zeros((40, 40)), np.ones((3, 3)), padding=1), (20, 1), 16)
    (12, 0, 16)
    """
    size = check_int(size, "size", minimum=1)
    centre = window_centre(conv, pos)
    starts = []
    for ax in (0, 1):
        n = conv.padded.shape[ax] - sum(conv.pads[ax])
        starts.append(max(0, min(centre[ax] - size // 2, n - size)))
    return starts[0], starts[1], size


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
