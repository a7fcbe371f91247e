"""What the browser needs to play a sweep: the pictures, the geometry and the numbers, once.

The image page's sweep is drawn and animated in the browser (``convviz/ui/web/sweep.js``,
mounted by :mod:`convviz.ui.sweep_view`). :func:`sweep_payload` gathers, from a
:class:`~convviz.imaging.sweep.SweepPlan`, everything every frame needs, as one JSON-able
dict sent once per rerun: the browser moves the window and reveals the map from it, so a
frame costs the server nothing. Nothing here depends on the frame shown, so an unchanged
sweep sends an identical payload (Streamlit then sends a reference to it, not its bytes).

Schema (every number shown is text written by :mod:`convviz.draw.numbers`)::

    n_frames   int            frames of the sweep
    by_rows    bool           a frame reveals whole rows (else one cell)
    revealed   [int]          output cells revealed after each frame, row-major in the sweep
    where      [str]          what each frame shows: "output rows 4-5", "output cell (3, 7)"
    pos        [[r, c]]       each frame's window: the output cell of its (last) window
    geometry   {kernel: [kH, kW], stride: [sH, sW], dilation: [dH, dW]}
    input      {src, rows, cols, origin, channels, label, values, pad, legend}
               src: a PNG or JPEG data URL of the input the windows cover (padding included,
               tinted), rows x cols input pixels; origin: its top-left in the padded input;
               values: the pixels as text, row-major (per pixel "r g b" for colour), or None
               beyond the numbers budget; pad: "0"/"1" per pixel (1: padding)
    map        {src, rows, cols, origin, cell, display, vmax, label, values, legend}
               the feature map part swept (rows x cols output cells, origin its first
               output (row, col)), coloured as the GIF colours it; cell: input pixels per
               output cell on screen (the smaller stride); values: the numbers the colours
               show (the display mode's), or None beyond the numbers budget
    detail     {kernel, kh, kw, channels, frames} or {omitted: sentence}
               the window of each frame: frames[f] = [patch, products, pad, value, sums],
               patch and products as space-separated text (kH x kW per channel, channel
               by channel), pad "0"/"1" per tap, sums "" or the R, G, B sums
    legend     (in input and map) {colors: ["#rrggbb", top first], ticks: [[fraction from the
               top, text]], title}: the colour scale, from the same rule as the picture

>>> from convviz.imaging.sweep import sweep_plan
>>> p = sweep_plan(np.arange(25.0).reshape(5, 5) / 24, np.ones((3, 3)), padding="valid")
>>> data = sweep_payload(p)
>>> data["n_frames"], data["map"]["values"][:2], data["detail"]["frames"][0][3]
(9, ['2.25', '2.63'], '2.25')
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
from PIL import Image

from convviz.base.checks import check_choice, check_int
from convviz.draw import numbers
from convviz.draw import render as R
from convviz.draw.colors import DISPLAY_MODES, apply_display, feature_map_rgb, resolve_vmax
from convviz.imaging.filters import frame_rows
from convviz.imaging.sweep import SweepPlan, covered_span

__all__ = ["DETAIL_BUDGET", "MAX_IMAGE_SIDE", "NUMBERS_BUDGET", "PNG_MOST_PIXELS", "frame_where",
           "payload_bytes", "sweep_payload", "window_crop"]

MAX_IMAGE_SIDE = 768  # the longest side of a picture sent (a browser panel is narrower)
NUMBERS_BUDGET = 8_000  # pixel and map numbers sent for hover and in-cell reading
DETAIL_BUDGET = 30_000  # numbers of every frame's window (pixels and products)
PNG_MOST_PIXELS = 128 * 128  # larger pictures go as JPEG
_LEGEND_STOPS = 11


def window_crop(plan: SweepPlan) -> tuple[slice, slice]:
    """The padded-input rows and columns the sweep's windows cover.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> window_crop(sweep_plan(np.zeros((8, 8)), np.ones((3, 3)), region=(2, 2, 3)))
    (slice(2, 7, None), slice(2, 7, None))
    """
    c = plan.conv
    (r0, _), (c0, _) = plan.rows, plan.cols
    return (slice(r0 * c.stride[0], r0 * c.stride[0] + covered_span(plan, 0)),
            slice(c0 * c.stride[1], c0 * c.stride[1] + covered_span(plan, 1)))


def frame_where(plan: SweepPlan, frame: Any) -> str:
    """What frame ``frame`` shows: the output rows it reveals, or its output cell.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> frame_where(sweep_plan(np.zeros((512, 40)), np.ones((3, 3))), 2)
    'output rows 4-5'
    >>> frame_where(sweep_plan(np.zeros((8, 8)), np.ones((3, 3))), 9)
    'output cell (1, 1)'
    """
    frame = plan.check_frame(frame)
    if plan.by_rows:
        first, last = frame_rows(plan, frame)
        return f"output row {last}" if first == last else f"output rows {first}-{last}"
    return f"output cell {plan.position(frame)}"


def _data_url(pixels: np.ndarray) -> str:
    """A data URL of a uint8 picture, (h, w) gray or (h, w, 3): PNG (exact colours) up to
    :data:`PNG_MOST_PIXELS` pixels, else JPEG at quality 85 (a photo's PNG is 3-4 times
    larger and slower to make)."""
    img = Image.fromarray(pixels)
    buf = io.BytesIO()
    kind = "png" if pixels.shape[0] * pixels.shape[1] <= PNG_MOST_PIXELS else "jpeg"
    img.save(buf, format=kind.upper(), **({"quality": 85} if kind == "jpeg" else {}))
    return f"data:image/{kind};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _shrink(a: np.ndarray, max_side: int) -> np.ndarray:
    """Every k-th row and column (nearest neighbour, as the GIF shrinks its frames) so the
    longest side is at most ``max_side``, before anything is coloured; the browser stretches
    the picture over the same panel either way."""
    h, w = a.shape[:2]
    if max(h, w) <= max_side:
        return a
    f = max_side / max(h, w)
    rows, cols = ((np.arange(max(1, round(n * f))) / f).astype(np.intp) for n in (h, w))
    return a[np.ix_(rows, cols)]


def _hex(rgb: np.ndarray) -> list[str]:
    return ["#" + bytes(c).hex() for c in np.asarray(rgb, np.uint8).reshape(-1, 3)]


def _map_legend(display: str, vmax: float) -> dict:
    """The map's colour scale: the colours of evenly spaced values, top (largest) first."""
    lo = -vmax if display == "signed" else 0.0
    values = np.linspace(vmax, lo, _LEGEND_STOPS)
    colors = feature_map_rgb(values[None, :], mode=display, vmax=vmax)[0]
    ticks = [[0.0, numbers.format_value(vmax, 3)], [0.5, numbers.format_value((vmax + lo) / 2, 3)],
             [1.0, numbers.format_value(lo, 3)]]
    what = {"signed": "sum: blue below 0, red above", "relu": "ReLU: max(0, sum)",
            "abs": "absolute value of the sum"}[display]
    return {"colors": _hex(colors), "ticks": ticks, "title": what}


def _input_legend(channels: str) -> dict:
    gray = np.linspace(1.0, 0.0, _LEGEND_STOPS)
    title = "each channel, 0 to 1" if channels == "rgb" else "pixel value"
    return {"colors": _hex(R.to_rgb(gray[None, :])[0]), "title": title,
            "ticks": [[0.0, "1"], [0.5, "0.5"], [1.0, "0"]]}


def _texts(values: np.ndarray, decimals: int = 2) -> list[str]:
    return [numbers.format_value(v, decimals) for v in np.asarray(values, np.float64).ravel()]


def _detail(plan: SweepPlan, positions: list[tuple[int, int]], budget: int) -> dict:
    """Every frame's window numbers from :meth:`ConvPlan.step`, or why they are left out."""
    c = plan.conv
    kh, kw = c.kernel.shape[:2]
    chans = 1 if c.kernel.ndim == 2 else c.kernel.shape[2]
    per_window = 2 * kh * kw * chans
    total = per_window * len(positions)
    if total > budget:
        return {"omitted": f"The windows of this sweep hold {total:,} numbers, more than the "
                f"{budget:,} sent to the browser: zoom in (fewer frames) or pick a smaller "
                "kernel to read every window's numbers."}
    fmt = numbers.weight_format(c.kernel)
    kernel2d = c.kernel if c.kernel.ndim == 2 else c.kernel[:, :, 0]

    def by_channel(a: np.ndarray) -> np.ndarray:
        return a if a.ndim == 2 else np.moveaxis(a, 2, 0)  # (C, kH, kW): channel by channel

    frames = []
    width = c.out_shape[1]
    for r, col in positions:
        step = c.step(r * width + col)
        mask = c.pad_mask[np.ix_(step.rows, step.cols)]
        sums = "" if step.channel_sums is None else " ".join(
            numbers.format_value(v, 4) for v in step.channel_sums)
        frames.append([" ".join(_texts(by_channel(step.patch))),
                       " ".join(_texts(by_channel(step.products))),
                       "".join("1" if m else "0" for m in mask.ravel()),
                       numbers.format_value(step.value, 4), sums])
    return {"kernel": [fmt(float(v)) for v in kernel2d.ravel()], "kh": kh, "kw": kw,
            "channels": chans, "frames": frames}


def sweep_payload(plan: SweepPlan, *, display: str = "signed", vmax: float | None = None,
                  max_side: int = MAX_IMAGE_SIDE, numbers_budget: int = NUMBERS_BUDGET,
                  detail_budget: int = DETAIL_BUDGET) -> dict:
    """Everything the browser needs to draw every frame of ``plan`` (the module's schema).

    Parameters
    ----------
    plan : SweepPlan
    display : {"signed", "relu", "abs"}
        How the map is coloured (as :func:`convviz.draw.colors.feature_map_rgb`).
    vmax : float, optional
        The magnitude at full colour; default the largest ``|value|`` of the swept map.
    max_side : int
        The longest side of each picture sent, in pixels (larger ones are shrunk).
    numbers_budget : int
        Send the input's and the map's numbers (for reading cell by cell) only when they
        are at most this many.
    detail_budget : int
        Send every frame's window numbers only when they are at most this many.

    Returns
    -------
    dict
        JSON-serialisable; equal for equal arguments (nothing depends on the frame shown).

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> data = sweep_payload(sweep_plan(np.zeros((8, 8)), np.ones((3, 3))))
    >>> data["n_frames"], data["input"]["rows"], data["map"]["cols"], data["where"][9]
    (64, 10, 8, 'output cell (1, 1)')
    """
    if not isinstance(plan, SweepPlan):
        raise TypeError(f"`plan` must be a SweepPlan, got {type(plan).__name__}")
    check_choice(display, "display", DISPLAY_MODES)
    max_side = check_int(max_side, "max_side", minimum=16)
    numbers_budget = check_int(numbers_budget, "numbers_budget", minimum=0)
    detail_budget = check_int(detail_budget, "detail_budget", minimum=0)
    c = plan.conv
    ys, xs = window_crop(plan)
    crop = c.padded[ys, xs]  # (h, w) or (h, w, 3): what the windows cover
    pad = c.pad_mask[ys, xs]
    small, small_pad = _shrink(crop, max_side), _shrink(pad, max_side)
    shown_in = R.to_rgb(small)
    shown_in = np.where(small_pad[..., None], shown_in // 2 + np.uint8(R.PAD_FILL) // 2, shown_in)
    if crop.ndim == 2:
        shown_in = np.ascontiguousarray(shown_in[..., 0])  # gray: one channel is enough
    (r0, r1), (c0, c1) = plan.rows, plan.cols
    sub = plan.fmap[r0:r1, c0:c1]
    shown = apply_display(sub, display)
    top = resolve_vmax(shown, vmax)
    n_in = crop.size
    send_numbers = n_in + sub.size <= numbers_budget
    if send_numbers:
        in_values = (_texts(crop) if crop.ndim == 2 else
                     [" ".join(px) for px in np.array(_texts(crop)).reshape(-1, 3).tolist()])
    positions = [plan.position(f) for f in range(plan.n_frames)]
    what = {"gray": "", "luma": " (luma)", "rgb": " (R, G, B summed)"}[plan.channels]
    mode = {"signed": "signed", "relu": "ReLU", "abs": "absolute value"}[display]
    return {
        "n_frames": plan.n_frames,
        "by_rows": plan.by_rows,
        "revealed": [int(v) for v in plan.revealed],
        "where": [frame_where(plan, f) for f in range(plan.n_frames)],
        "pos": [[int(r), int(col)] for r, col in positions],
        "geometry": {"kernel": [int(v) for v in c.kernel.shape[:2]],
                     "stride": [int(v) for v in c.stride],
                     "dilation": [int(v) for v in c.dilation]},
        "input": {"src": _data_url(shown_in), "rows": int(crop.shape[0]),
                  "cols": int(crop.shape[1]), "origin": [ys.start, xs.start],
                  "channels": plan.channels, "label": f"input{what}",
                  "values": in_values if send_numbers else None,
                  "pad": "".join("1" if m else "0" for m in pad.ravel()) if send_numbers
                  else None,
                  "legend": _input_legend(plan.channels)},
        "map": {"src": _data_url(feature_map_rgb(_shrink(sub, max_side), mode=display, vmax=top)),
                "rows": int(sub.shape[0]), "cols": int(sub.shape[1]), "origin": [r0, c0],
                "cell": int(min(c.stride)), "display": display, "vmax": top,
                "label": f"feature map ({mode})",
                "values": _texts(shown) if send_numbers else None,
                "legend": _map_legend(display, top)},
        "detail": _detail(plan, positions, detail_budget),
    }


def payload_bytes(data: dict) -> int:
    """The size of ``data`` as the JSON Streamlit sends (for budgets and benchmarks).

    Examples
    --------
    >>> payload_bytes({"a": [1, 2]})
    13
    """
    return len(json.dumps(data).encode())
