"""Exporting a sweep for slides: an animated GIF of the sweep, a PNG of the feature maps.

The GIF's frames are painted exactly as :func:`convviz.sweep_frames.render_sweep_frame`
paints them, as indices into one 256-colour palette made once per plan, so 100 frames at
512 px encode in well under the 3 s target.

>>> from convviz.sweep import sweep_plan
>>> sweep_gif(sweep_plan(np.zeros((6, 6)), np.ones((3, 3))), max_frames=3)[:6]
b'GIF89a'
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image

from . import render as R
from ._validate import check_choice, check_int
from .sweep import SweepPlan, _span, default_scale
from .sweep_colors import DISPLAY_MODES, feature_map_rgb
from .sweep_frames import _layers, _paint

__all__ = ["feature_maps_png", "gif_frames", "sweep_gif"]


def feature_maps_png(fmap: Any, display: str = "signed", *, scale: int = 1,
                     vmax: float | None = None) -> bytes:
    """PNG of one feature map, or of F maps side by side on one shared colour scale.

    Parameters
    ----------
    fmap : array_like, shape (H', W') or (H', W', F)
    display : {"signed", "relu", "abs"}
    scale : int
        Nearest-neighbour enlargement (so a small map stays crisp on a slide).
    vmax : float, optional
        The magnitude at full colour; default the largest ``|value|`` shown.

    Examples
    --------
    >>> feature_maps_png(np.eye(3))[:4]
    b'\\x89PNG'
    """
    scale = check_int(scale, "scale", minimum=1)
    rgb = R.upscale(feature_map_rgb(fmap, mode=display, vmax=vmax), scale)  # (H', W'[, F], 3)
    if rgb.ndim == 4:
        rgb = R.hstack([rgb[:, :, f] for f in range(rgb.shape[2])], gap=8)
    return R.png_bytes(rgb)

def gif_frames(plan: SweepPlan, max_frames: int = 100) -> list[int]:
    """The plan frames a GIF of at most ``max_frames`` shows: evenly spaced, first and last.

    Examples
    --------
    >>> from convviz.sweep import sweep_plan
    >>> gif_frames(sweep_plan(np.zeros((8, 8)), np.ones((3, 3))), 4)
    [0, 21, 42, 63]
    """
    max_frames = check_int(max_frames, "max_frames", minimum=1)
    n = plan.n_frames
    if n <= max_frames:
        return list(range(n))
    if max_frames == 1:
        return [n - 1]
    return sorted({int(k) for k in np.floor(np.linspace(0, n - 1, max_frames) + 0.5)})


def sweep_gif(plan: SweepPlan, *, fps: float = 10, max_frames: int = 100,
              display: str = "signed", max_side: int = 512,
              vmax: float | None = None) -> bytes:
    """Encode the sweep as an animated GIF (looping; the last frame is held 1.5 s).

    Parameters
    ----------
    plan : SweepPlan
    fps : float
        Frames per second, 1 to 50.
    max_frames : int
        At most this many frames, evenly spaced (see :func:`gif_frames`).
    display : {"signed", "relu", "abs"}
    max_side : int
        The longest side of each panel; a bigger input is shown shrunk.
    vmax : float, optional
        As in :func:`render_sweep_frame`.

    Returns
    -------
    bytes
        A GIF89a file. All frames share one 256-colour palette, made once.

    Examples
    --------
    >>> from convviz.sweep import sweep_plan
    >>> sweep_gif(sweep_plan(np.zeros((6, 6)), np.ones((3, 3))), max_frames=3)[:6]
    b'GIF89a'
    """
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 1 <= fps <= 50:
        raise ValueError(f"`fps` must be a number from 1 to 50, got {fps!r}")
    max_side = check_int(max_side, "max_side", minimum=16)
    check_choice(display, "display", DISPLAY_MODES)
    frames = gif_frames(plan, max_frames)
    scale = default_scale(plan, max_side)
    lay, palette = _layers(plan, scale, display, vmax, palette=True)
    shown = max(_span(plan, 0), _span(plan, 1))
    pads = max(sum(p) for p in plan.conv.pads)
    picks = None
    if shown * scale > max_side + pads:  # nearest-neighbour shrink (padding may exceed)
        f = max_side / (shown * scale)
        picks = np.ix_(*((np.arange(max(1, int(n * f))) / f).astype(np.intp)
                         for n in lay.canvas.shape))
    images = []
    for k in frames:
        idx = _paint(plan, lay, k)
        im = Image.fromarray(idx[picks] if picks is not None else idx)
        im.putpalette(palette)
        images.append(im)
    step = max(20, round(1000 / fps))
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], loop=0,
                   duration=[step] * (len(images) - 1) + [max(step, 1500)], optimize=False)
    return buf.getvalue()

