"""Drawing the sweep's frames: the input with the window, the revealed map, a colour bar.

Whatever does not depend on the frame (the input panel, the fully revealed map, the hidden
map, the colour bar, the captions) is drawn once per (scale, display, vmax) and cached on
the :class:`~convviz.imaging.sweep.SweepPlan`, so a frame is one copy and a few numpy slice
assignments (about a millisecond at 512 px). The GIF export (:mod:`convviz.imaging.sweep_export`)
paints the same frames on a shared 256-colour palette.

>>> from convviz.imaging.sweep import sweep_plan
>>> p = sweep_plan(np.zeros((8, 8)), np.ones((3, 3)))
>>> render_sweep_frame(p, 0).shape == render_sweep_frame(p, 63).shape
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import check_choice, check_int
from convviz.draw import render as R
from convviz.draw.colors import (
    DISPLAY_MODES,
    apply_display,
    display_colorbar,
    feature_map_rgb,
    resolve_vmax,
)
from convviz.imaging.sweep import SweepPlan, covered_span, default_scale

__all__ = ["frame_numbers_left_out", "frame_shape", "panel_boxes", "render_sweep_frame"]

_GRID_MIN, _NUMBERS_MIN = 8, 24  # cell sizes (px) from which to draw grid lines, numbers
_HIDDEN, _HATCH, _DARK = (206, 206, 206), (178, 178, 178), (20, 20, 20)
_CAPTION, _GAP = 16, 16


@dataclass(frozen=True)
class FrameLayers:
    """What every frame of one sweep at one scale shares: the empty canvas, the fully
    revealed right panel and where things go (made once per plan by :func:`frame_layers`)."""

    canvas: np.ndarray  # (Hc, Wc, 3) or (Hc, Wc) palette indices: the frame with nothing shown
    full: np.ndarray  # the right panel with every cell revealed
    top: int
    right_x: int
    scale: int
    cell: int
    color: Any
    dark: Any


def _panel(values: np.ndarray, colors: np.ndarray, cell: int, numbers: bool,
           pad_mask: np.ndarray | None = None) -> np.ndarray:
    if cell >= _GRID_MIN:
        return R.draw_grid(values, cell=cell, colors=colors, pad_mask=pad_mask,
                           show_numbers=numbers and cell >= _NUMBERS_MIN)
    if pad_mask is not None:  # padding: halfway to the padding grey
        colors = np.where(pad_mask[..., None], (colors // 2 + np.uint8(R.PAD_FILL) // 2), colors)
    return R.upscale(colors, cell)


def _shown(plan: SweepPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The swept part of the padded input, (h, w) or (h, w, 3), its padding mask and the
    part of the feature map it makes."""
    c = plan.conv
    (r0, r1), (c0, c1) = plan.rows, plan.cols
    ys = slice(r0 * c.stride[0], r0 * c.stride[0] + covered_span(plan, 0))
    xs = slice(c0 * c.stride[1], c0 * c.stride[1] + covered_span(plan, 1))
    return c.padded[ys, xs], c.pad_mask[ys, xs], plan.fmap[r0:r1, c0:c1]


def frame_numbers_left_out(plan: SweepPlan, scale: int, display: str = "signed") -> int:
    """How many numbers a frame at ``scale`` leaves out of its grids: every number of a grid
    whose cells are under 24 px (drawn without numbers), and those too long for a 12 px
    font in bigger cells (:func:`convviz.draw.render.numbers_left_out`); the numbers of a
    grayscale input and of the feature map as displayed. A panel of single pixels (cells
    under 8 px) is a picture, with no numbers to leave out; an RGB input shows colours.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.full((4, 4), 0.25), np.ones((3, 3)), padding="valid")
    >>> frame_numbers_left_out(p, 4), frame_numbers_left_out(p, 12), frame_numbers_left_out(p, 40)
    (0, 20, 0)
    """
    check_choice(display, "display", DISPLAY_MODES)
    scale = check_int(scale, "scale", minimum=1)
    crop, _, sub = _shown(plan)
    grids = [(lambda: apply_display(sub, display), scale * min(plan.conv.stride))]
    if crop.ndim == 2:
        grids.append((lambda: crop, scale))
    out = 0
    for values, cell in grids:  # the values are read only for a grid big enough for numbers
        if cell >= _NUMBERS_MIN:
            out += R.numbers_left_out(values(), cell)
        elif cell >= _GRID_MIN:
            out += values().size
    return int(out)


def _rgb_layers(plan: SweepPlan, scale: int, display: str, vmax: float | None) -> FrameLayers:
    c = plan.conv
    crop, pad_mask, sub = _shown(plan)
    gray = crop.ndim == 2
    left = _panel(crop if gray else crop.mean(axis=2), R.to_rgb(crop), scale, gray, pad_mask)
    shown = apply_display(sub, display)
    vmax = resolve_vmax(shown, vmax)
    cell = scale * min(c.stride)
    full = _panel(shown, feature_map_rgb(sub, mode=display, vmax=vmax), cell, True)
    if cell >= _GRID_MIN:
        hidden = R.draw_grid(shown, cell=cell, colors=np.full(sub.shape + (3,), _HIDDEN, np.uint8),
                             show_numbers=False)
    else:
        diag = (np.arange(full.shape[0])[:, None] + np.arange(full.shape[1])) % 8 == 0
        hidden = np.where(diag[..., None], np.uint8(_HATCH), np.uint8(_HIDDEN))
    bar = display_colorbar(display, vmax, max(120, left.shape[0], hidden.shape[0]))
    body = R.hstack([left, hidden, bar], gap=_GAP)
    strip = Image.new("RGB", (body.shape[1], int(_CAPTION * 1.6)), (255, 255, 255))
    draw = ImageDraw.Draw(strip)
    what = {"gray": "", "luma": " (luma)", "rgb": " (R, G, B summed)"}[plan.channels]
    mode = {"signed": "signed", "relu": "ReLU", "abs": "absolute value"}[display]
    for x, text in ((0, f"input{what}"), (left.shape[1] + _GAP, f"feature map ({mode})")):
        draw.text((x + 2, _CAPTION * 0.3), text, fill=(0, 0, 0), font=R.font(_CAPTION))
    return FrameLayers(canvas=np.concatenate([np.asarray(strip), body]), full=full,
                       top=strip.height, right_x=left.shape[1] + _GAP, scale=scale, cell=cell,
                       color=np.array(R.WINDOW_COLOR, np.uint8), dark=np.array(_DARK, np.uint8))


def _palette_layers(rgb: FrameLayers) -> tuple[FrameLayers, list[int]]:
    """The same layers as indices into one 256-colour palette shared by every GIF frame:
    253 colours of the layers, the window's, the dark edge's, and index 255 left free (the
    GIF export marks unchanged pixels with it)."""
    wc = rgb.canvas.shape[1]
    stacked = np.concatenate([rgb.canvas, np.pad(rgb.full, ((0, 0), (0, wc - rgb.full.shape[1]),
                                                            (0, 0)), constant_values=255)])
    pimg = Image.fromarray(stacked).quantize(colors=253, method=Image.Quantize.MEDIANCUT)
    palette = list(pimg.getpalette() or [])[:253 * 3]
    palette += [0] * (253 * 3 - len(palette)) + list(R.WINDOW_COLOR) + list(_DARK)
    palette += palette[:3]  # 255: free
    idx = np.asarray(pimg)  # (Hc + fh, Wc)
    hc = rgb.canvas.shape[0]
    full = np.ascontiguousarray(idx[hc:, :rgb.full.shape[1]])
    return FrameLayers(canvas=np.ascontiguousarray(idx[:hc]), full=full, top=rgb.top,
                   right_x=rgb.right_x, scale=rgb.scale, cell=rgb.cell, color=np.uint8(253),
                   dark=np.uint8(254)), palette


def frame_layers(plan: SweepPlan, scale: int, display: str, vmax: float | None,
                 palette: bool = False) -> Any:
    """The :class:`FrameLayers` of ``plan`` at ``scale`` (kept in the plan's cache); with
    ``palette=True``, palette indices and the 256-colour palette, for a GIF."""
    key = (scale, display, vmax, palette)
    hit = plan.layers_cache.get(key)
    if hit is None:
        rgb = frame_layers(plan, scale, display, vmax) if palette else None
        hit = _palette_layers(rgb) if palette else _rgb_layers(plan, scale, display, vmax)
        if len(plan.layers_cache) >= 8:  # a page that tries many scales must not grow without end
            plan.layers_cache.clear()
        plan.layers_cache[key] = hit
    return hit


def _ring(out: np.ndarray, y0: int, y1: int, x0: int, x1: int, t: int, color: Any) -> None:
    """Paint a ring ``t`` pixels thick just inside the box [y0, y1) x [x0, x1), clipped."""
    ys, ye, xs, xe = max(y0, 0), min(y1, out.shape[0]), max(x0, 0), min(x1, out.shape[1])
    if ys >= ye or xs >= xe:
        return
    out[ys:max(ys, min(y0 + t, ye)), xs:xe] = color
    out[max(ys, y1 - t):ye, xs:xe] = color
    out[ys:ye, xs:max(xs, min(x0 + t, xe))] = color
    out[ys:ye, max(xs, x1 - t):xe] = color


def _outline(out: np.ndarray, box: tuple[int, int, int, int], lay: FrameLayers, cell: int) -> None:
    y0, y1, x0, x1 = box
    if cell >= _GRID_MIN:  # on a grid: inside the cells, over the closing grid line
        _ring(out, y0, y1 + 1, x0, x1 + 1, max(2, cell // 12), lay.color)
    else:  # single pixels: outside, so the pixels stay visible, with a dark edge for contrast
        _ring(out, y0 - 3, y1 + 3, x0 - 3, x1 + 3, 1, lay.dark)
        _ring(out, y0 - 2, y1 + 2, x0 - 2, x1 + 2, 2, lay.color)


def paint_frame(plan: SweepPlan, lay: FrameLayers, frame: int) -> np.ndarray:
    """One frame: the empty canvas, the revealed cells, the window (or row band)."""
    out = lay.canvas.copy()
    h, w = plan.shape
    n = int(plan.revealed[frame])
    q, rem = divmod(n, w)
    y, x, oc, fh, fw = lay.top, lay.right_x, lay.cell, *lay.full.shape[:2]
    if n == h * w:
        out[y:y + fh, x:x + fw] = lay.full
    else:
        out[y:y + q * oc, x:x + fw] = lay.full[:q * oc]
        out[y + q * oc:y + (q + 1) * oc, x:x + rem * oc] = lay.full[q * oc:(q + 1) * oc, :rem * oc]
    (sh, sw), (dh, dw), (kh, kw) = plan.conv.stride, plan.conv.dilation, plan.conv.kernel.shape[:2]
    i, j = divmod(n - 1, w)
    s = lay.scale
    if plan.by_rows:  # a band over the windows of the rows revealed in this frame
        first = int(plan.revealed[frame - 1]) // w if frame else 0
        _outline(out, (y + first * sh * s, y + (i * sh + dh * (kh - 1) + 1) * s, 0,
                       ((w - 1) * sw + dw * (kw - 1) + 1) * s), lay, s)
        return out
    r0, c0 = i * sh, j * sw
    _outline(out, (y + r0 * s, y + (r0 + dh * (kh - 1) + 1) * s, c0 * s,
                   (c0 + dw * (kw - 1) + 1) * s), lay, s)
    if s >= _GRID_MIN and (dh > 1 or dw > 1):  # the taps of a dilated window, one by one
        for u in range(kh):
            for v in range(kw):
                ty, tx = y + (r0 + u * dh) * s, (c0 + v * dw) * s
                _ring(out, ty, ty + s + 1, tx, tx + s + 1, max(1, s // 16), lay.color)
    if oc >= _GRID_MIN:  # the cell being written (tiny cells: the reveal front shows it)
        _outline(out, (y + i * oc, y + (i + 1) * oc, x + j * oc, x + (j + 1) * oc), lay, oc)
    return out


def render_sweep_frame(plan: SweepPlan, frame: int, *, scale: int | None = None,
                       display: str = "signed", vmax: float | None = None) -> np.ndarray:
    """Draw frame ``frame`` of a sweep: the input with the window, the revealed map, a legend.

    Parameters
    ----------
    plan : SweepPlan
    frame : int
        0 .. ``plan.n_frames - 1``.
    scale : int, optional
        Screen pixels per input pixel; default about 512 px for the shown input. At 8 and
        above the panels are grids, at 24 and above with the numbers in the cells.
    display : {"signed", "relu", "abs"}
    vmax : float, optional
        The magnitude at full colour (values beyond it saturate); default the largest
        ``|value|`` in the swept part of the map. A smaller one brings out weak edges.

    Returns
    -------
    ndarray of uint8, shape (Hf, Wf, 3)
        The same shape for every frame of a plan, scale and display.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.zeros((8, 8)), np.ones((3, 3)))
    >>> render_sweep_frame(p, 0).shape == render_sweep_frame(p, 63).shape
    True
    """
    if not isinstance(plan, SweepPlan):
        raise TypeError(f"`plan` must be a SweepPlan, got {type(plan).__name__}")
    frame = plan.check_frame(frame)
    check_choice(display, "display", DISPLAY_MODES)
    scale = default_scale(plan) if scale is None else check_int(scale, "scale", minimum=1)
    if scale > 64:
        raise ValueError(f"`scale` must be at most 64, got {scale}")
    return paint_frame(plan, frame_layers(plan, scale, display, vmax), frame)


def panel_boxes(plan: SweepPlan, *, scale: int | None = None, display: str = "signed",
                vmax: float | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Where the panels sit in a frame: ``{"input": box, "feature_map": box}``.

    Each box is (top, bottom, left, right) in frame pixels, bottom and right exclusive.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> panel_boxes(sweep_plan(np.zeros((8, 8)), np.ones((3, 3))), scale=1)["input"][1:]
    (35, 0, 10)
    """
    check_choice(display, "display", DISPLAY_MODES)
    scale = default_scale(plan) if scale is None else check_int(scale, "scale", minimum=1)
    lay = frame_layers(plan, scale, display, vmax)
    extra = 1 if scale >= _GRID_MIN else 0  # the closing grid line
    h, w = (covered_span(plan, a) * scale + extra for a in (0, 1))
    fh, fw = lay.full.shape[:2]
    return {"input": (lay.top, lay.top + h, 0, w),
            "feature_map": (lay.top, lay.top + fh, lay.right_x, lay.right_x + fw)}



def frame_shape(plan: SweepPlan, scale: int) -> tuple[int, int]:
    """(height, width) of :func:`render_sweep_frame` at ``scale``, from sizes alone
    (nothing is drawn: for estimating an export before it starts).

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.zeros((8, 8)), np.ones((3, 3)))
    >>> frame_shape(p, 20) == render_sweep_frame(p, 0, scale=20).shape[:2]
    True
    """
    scale = check_int(scale, "scale", minimum=1)
    left = [covered_span(plan, a) * scale + (scale >= _GRID_MIN) for a in (0, 1)]
    cell = scale * min(plan.conv.stride)
    right = [n * cell + (cell >= _GRID_MIN) for n in plan.shape]
    height = int(_CAPTION * 1.6) + max(120, left[0], right[0])
    return height, left[1] + _GAP + right[1] + _GAP + 90  # 90: the colour bar
