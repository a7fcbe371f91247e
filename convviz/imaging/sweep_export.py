"""Exporting a sweep for slides: an animated GIF of the sweep, a PNG of the feature maps.

The GIF's frames are painted exactly as :func:`convviz.imaging.sweep_frames.render_sweep_frame`
paints them, as indices into one 256-colour palette made once per plan, so 100 frames at
512 px encode in well under the 3 s target.

>>> from convviz.imaging.sweep import sweep_plan
>>> sweep_gif(sweep_plan(np.zeros((6, 6)), np.ones((3, 3))), max_frames=3)[:6]
b'GIF89a'
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from convviz.base import budget, memory
from convviz.base.checks import check_choice, check_int
from convviz.draw import render as R
from convviz.draw.colors import DISPLAY_MODES, feature_map_rgb
from convviz.draw.encode import png_bytes
from convviz.draw.gif_stream import GifStream, frame_duration
from convviz.imaging.sweep import SweepPlan, covered_span, default_scale
from convviz.imaging.sweep_frames import (
    frame_layers,
    frame_numbers_left_out,
    frame_shape,
    paint_frame,
)

__all__ = ["feature_maps_png", "gif_frames", "sweep_gif", "sweep_gif_cost", "sweep_gif_fit",
           "sweep_gif_numbers_left_out", "sweep_gif_shape"]

# Measured at 512 px on this project's 2-core machine (benchmarks/bench_exports.py), then
# rounded up so the estimate errs on the safe side:
_SECONDS_PER_MPX = 0.012  # painting, LZW per megapixel of frame
_SECONDS_FIXED = 0.5  # the panels and the palette, once
_BYTES_PER_FRAME_MPX = 12_000  # GIF bytes per frame per megapixel (only changes are written)
_WORK_BYTES_PER_PX = 40  # the panels in RGB and as indices, a frame, the previous one


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
    return png_bytes(rgb)

def gif_frames(plan: SweepPlan, max_frames: int = 100) -> list[int]:
    """The plan frames a GIF of at most ``max_frames`` shows: evenly spaced, first and last.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
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


def sweep_gif_shape(plan: SweepPlan, max_side: int = 512) -> tuple[int, int]:
    """(height, width) in pixels of the frames of :func:`sweep_gif`, from sizes alone.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> sweep_gif_shape(sweep_plan(np.zeros((16, 16)), np.ones((3, 3))))
    (530, 1076)
    """
    scale = default_scale(plan, max_side)
    h, w = frame_shape(plan, scale)
    shown = max(covered_span(plan, 0), covered_span(plan, 1))
    pads = max(sum(p) for p in plan.conv.pads)
    if shown * scale > max_side + pads:  # shrunk, as sweep_gif does
        f = max_side / (shown * scale)
        h, w = max(1, int(h * f)), max(1, int(w * f))
    return h, w


def sweep_gif_numbers_left_out(plan: SweepPlan, *, max_side: int = 512,
                               display: str = "signed") -> int:
    """How many numbers the frames of :func:`sweep_gif` at ``max_side`` (``fit.size``)
    leave out of their grids: cells too small for a 12 px number show only their colour
    (:func:`convviz.imaging.sweep_frames.frame_numbers_left_out`); a page says so beside the
    download (:data:`convviz.draw.render.NUMBERS_LEFT_OUT`). 0 for a sweep of a photo drawn
    pixel by pixel (no grid, no numbers).

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.full((8, 8), 0.25), np.ones((3, 3)), padding="valid")
    >>> sweep_gif_numbers_left_out(p), sweep_gif_numbers_left_out(p, max_side=128)
    (0, 100)
    """
    max_side = check_int(max_side, "max_side", minimum=16)
    check_choice(display, "display", DISPLAY_MODES)
    return frame_numbers_left_out(plan, default_scale(plan, max_side), display)


def sweep_gif_cost(plan: SweepPlan, *, frames: int, max_side: int = 512,
                   what: str = "the sweep") -> budget.Cost:
    """The estimated cost of a sweep GIF of ``frames`` frames, before any drawing.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> sweep_gif_cost(sweep_plan(np.zeros((16, 16)), np.ones((3, 3))), frames=100).fits
    True
    """
    h, w = sweep_gif_shape(plan, max_side)
    mpx = h * w / 1e6
    output = int(frames * mpx * _BYTES_PER_FRAME_MPX + h * w * 0.25)
    return budget.Cost(what, frames=frames, frame_bytes=h * w * 3,
                       peak_bytes=h * w * _WORK_BYTES_PER_PX + output, output_bytes=output,
                       seconds=_SECONDS_FIXED + frames * mpx * _SECONDS_PER_MPX)


def sweep_gif_fit(plan: SweepPlan, *, max_frames: int = 100, max_side: int = 512,
                  what: str = "the sweep") -> budget.Fit:
    """What one click's sweep GIF holds: up to ``max_frames`` evenly spaced frames at
    ``max_side`` px, else every k-th of them and a smaller picture, with a sentence.

    ``fit.frames`` index :func:`gif_frames`; pass ``fit`` to :func:`sweep_gif`.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> fit = sweep_gif_fit(sweep_plan(np.zeros((16, 16)), np.ones((3, 3))))
    >>> fit.total, fit.size, fit.note
    (100, 512, None)
    """
    total = len(gif_frames(plan, max_frames))
    sizes = [s for s in (max_side, max_side * 3 // 4, max_side // 2) if s >= 16]
    return budget.fit_frames(
        total, sizes, lambda n, side: sweep_gif_cost(plan, frames=n, max_side=side, what=what),
        size_name="pictures", unit="frame", size_text=lambda s: f"{s} px per side")


def sweep_gif(plan: SweepPlan, *, fps: float = 10, max_frames: int = 100,
              display: str = "signed", max_side: int = 512,
              vmax: float | None = None, fit: budget.Fit | None = None) -> bytes:
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
    fit : Fit, optional
        What :func:`sweep_gif_fit` (with the same ``max_frames``) chose: its frames of
        :func:`gif_frames` and its ``size`` as ``max_side``.

    Returns
    -------
    bytes
        A GIF89a file. All frames share one 256-colour palette, made once; frames are
        painted and written one at a time (:class:`convviz.draw.gif_stream.GifStream`).

    Raises
    ------
    convviz.base.budget.OverBudgetError
        When the GIF asked for passes one click's budget (see :func:`sweep_gif_fit`).
    convviz.base.memory.MemoryLimitError
        Before any drawing, when the server's memory limit would be passed.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> sweep_gif(sweep_plan(np.zeros((6, 6)), np.ones((3, 3))), max_frames=3)[:6]
    b'GIF89a'
    """
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 1 <= fps <= 50:
        raise ValueError(f"`fps` must be a number from 1 to 50, got {fps!r}")
    max_side = check_int(max_side, "max_side", minimum=16)
    check_choice(display, "display", DISPLAY_MODES)
    frames = gif_frames(plan, max_frames)
    if fit is not None:
        frames, max_side = [frames[i] for i in fit.frames], fit.size
    cost = budget.check(sweep_gif_cost(plan, frames=len(frames), max_side=max_side))
    with memory.reserve(cost.peak_bytes, "the sweep"):
        return _encode(plan, frames, fps, display, max_side, vmax)


def _encode(plan: SweepPlan, frames: list[int], fps: float, display: str, max_side: int,
            vmax: float | None) -> bytes:
    scale = default_scale(plan, max_side)
    lay, palette = frame_layers(plan, scale, display, vmax, palette=True)
    shown = max(covered_span(plan, 0), covered_span(plan, 1))
    pads = max(sum(p) for p in plan.conv.pads)
    picks = None
    if shown * scale > max_side + pads:  # nearest-neighbour shrink (padding may exceed)
        f = max_side / (shown * scale)
        picks = np.ix_(*((np.arange(max(1, int(n * f))) / f).astype(np.intp)
                         for n in lay.canvas.shape))
    step = frame_duration(fps)
    buf = io.BytesIO()
    gif = GifStream(buf, palette, transparent=255)  # the sweep palette leaves 255 free
    for k in frames:
        idx = paint_frame(plan, lay, k)
        gif.add_indices(idx[picks] if picks is not None else idx, step)
    gif.close(last_duration=max(step, 1500))
    return buf.getvalue()
