"""The sweep animation's plan: a kernel sliding over a whole image, validated once.

A sweep shows, frame by frame, the input with the window outlined and the feature map
revealed up to the window, row by row on big outputs and cell by cell on small ones and in
a zoomed region. The image page plays it in the browser from
:func:`convviz.imaging.sweep_payload.sweep_payload` (the pictures, every frame's geometry
and window numbers, sent once); :mod:`convviz.imaging.sweep_frames` draws the same frames on
the server for the GIF export (:mod:`convviz.imaging.sweep_export`), with the colours of
:mod:`convviz.draw.colors`; :mod:`convviz.imaging.sweep_detail` draws one window's numbers.
Each frame is a pure function of (plan, frame, scale, display): whatever does not depend on
the frame is drawn once and cached on the plan.

Colour images: ``channels="gray"`` (the default) applies the 2-D kernel to the luma image
(ITU-R 601, as :func:`convviz.imaging.pixels.to_grayscale`) and the left panel shows that
gray image, so every number shown is one the kernel saw. ``channels="rgb"`` applies it to
each of R, G and B and adds the three sums: the (kH, kW, 3) kernel with the same slice on
every channel.
The numbers of one window come from :meth:`ConvPlan.step`, the map from :func:`conv2d`.

A page keeps one plan per setting (the GIF's frames are drawn from the plan's cache):

>>> from convviz.engine.kernels import get_kernel
>>> from convviz.imaging.sweep_export import sweep_gif
>>> from convviz.imaging.sweep_payload import sweep_payload
>>> plan = sweep_plan(np.random.default_rng(0).random((64, 48)), get_kernel("sobel_x"))
>>> plan.n_frames, plan.by_rows  # 64 x 48 outputs: one row per frame
(64, True)
>>> sweep_payload(plan)["where"][10], plan.position(10)  # for the browser
('output row 10', (10, 47))
>>> sweep_gif(plan, max_frames=20)[:6]  # and the same sweep for slides
b'GIF89a'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_choice, check_int
from convviz.engine.conv import conv2d
from convviz.engine.conv_steps import ConvPlan, conv_plan
from convviz.imaging.pixels import to_grayscale

__all__ = ["AUTO_ROWS_ABOVE", "MAX_FRAMES", "SweepPlan", "default_scale", "sweep_plan"]

AUTO_ROWS_ABOVE = 400  # sweeps with more output cells than this go row by row
MAX_FRAMES = 400  # default cap on frames: rows or cells are grouped evenly beyond it
_MAX_SCALE = 48  # the largest default enlargement (px per input pixel)


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """A whole-image (or zoomed-region) sweep, validated once; see :func:`sweep_plan`.

    Attributes
    ----------
    image : ndarray, shape (H, W) or (H, W, 3)
        The input as the kernel sees it (luma for ``channels="gray"``).
    conv : ConvPlan
        The single-filter plan whose :meth:`~ConvPlan.step` gives a window's numbers.
    fmap : ndarray, shape (H', W')
        The whole feature map from :func:`conv2d` (the engine's numbers).
    rows, cols : (start, stop)
        Output rows and columns the sweep covers (all of them unless zoomed).
    by_rows : bool
        Whether a frame reveals whole rows (else single cells).
    revealed : ndarray of int, shape (n_frames,)
        Output cells revealed after each frame, counted in the sweep's row-major order.
    channels : {"gray", "luma", "rgb"}
        A single-channel input, the luma of a colour one, or R, G and B summed.
    """

    image: np.ndarray
    conv: ConvPlan
    fmap: np.ndarray
    rows: tuple[int, int]
    cols: tuple[int, int]
    by_rows: bool
    revealed: np.ndarray
    channels: str = "gray"
    #: Drawing layers made once per plan (:func:`convviz.imaging.sweep_frames.frame_layers`).
    layers_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return len(self.revealed)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of output cells in the sweep."""
        return self.rows[1] - self.rows[0], self.cols[1] - self.cols[0]

    def check_frame(self, frame: Any) -> int:
        """Return ``frame`` as an int in ``0..n_frames - 1`` or raise naming it."""
        frame = check_int(frame, "frame", minimum=0)
        if frame >= self.n_frames:
            raise ValueError(f"`frame` must be in 0..{self.n_frames - 1}, got {frame}")
        return frame

    def position(self, frame: int) -> tuple[int, int]:
        """Output (row, col) of the window at ``frame``: the last cell it revealed."""
        k = int(self.revealed[self.check_frame(frame)]) - 1
        return self.rows[0] + k // self.shape[1], self.cols[0] + k % self.shape[1]


def _region(region: Any, plan: ConvPlan, size: tuple[int, int]) -> list[tuple[int, int]]:
    """Output (start, stop) per axis whose windows are centred in the region's pixels."""
    if region is None:
        return [(0, plan.out_shape[0]), (0, plan.out_shape[1])]
    if not isinstance(region, (tuple, list)) or len(region) != 3:
        raise ValueError(f"`region` must be (row, col, size) or None, got {region!r}")
    row, col = (check_int(region[i], f"region[{i}]", minimum=0) for i in (0, 1))
    side = check_int(region[2], "region[2]", minimum=1)
    spans = []
    for ax, start in enumerate((row, col)):
        if start >= size[ax]:
            raise ValueError(f"`region` must start inside the {size[0]}x{size[1]} image, got "
                             f"{tuple(region)}")
        k_eff = plan.dilation[ax] * (plan.kernel.shape[ax] - 1) + 1
        off, s = (k_eff - 1) // 2 - plan.pads[ax][0], plan.stride[ax]  # centre = i * s + off
        lo, hi = (max(0, min(plan.out_shape[ax], -((off - p) // s))) for p in (start, start + side))
        if lo >= hi:
            raise ValueError(f"`region` {tuple(region)} holds no window centre of this "
                             "convolution: make it larger or move it")
        spans.append((lo, hi))
    return spans


def sweep_plan(image: Any, kernel: Any, *, stride: Any = 1, padding: Any = "same",
               dilation: Any = 1, padding_mode: str = "zeros", flip: bool = False,
               channels: str = "gray", region: Any = None, by_rows: bool | None = None,
               n_frames: int | None = None) -> SweepPlan:
    """Validate a sweep of a 2-D kernel over an image and compute its feature map once.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1) or (H, W, 3)
        Float values in [0, 1].
    kernel : array_like, shape (kH, kW)
    stride, padding, dilation, padding_mode, flip
        As in :func:`convviz.conv2d`.
    channels : {"gray", "rgb"}
        For a colour image: apply the kernel to the luma image, or to each channel and add.
    region : (row, col, size), optional
        Zoom: sweep only the windows centred in the ``size`` x ``size`` pixels whose
        top-left pixel is (row, col), cell by cell so the numbers are readable.
    by_rows : bool, optional
        Reveal whole rows per frame; default rows above 400 output cells, else cells.
    n_frames : int, optional
        The most frames (default 400): beyond it each frame reveals several rows or cells.

    Returns
    -------
    SweepPlan

    Examples
    --------
    >>> p = sweep_plan(np.zeros((8, 8)), np.ones((3, 3)))
    >>> p.n_frames, p.by_rows, p.fmap.shape, p.position(9)
    (64, False, (8, 8), (1, 1))
    >>> sweep_plan(np.zeros((512, 512, 3)), np.ones((3, 3))).n_frames
    256
    """
    img = as_float_array(image, "image", ndims=(2, 3))
    check_choice(channels, "channels", ("gray", "rgb"))
    if img.ndim == 3 and img.shape[2] not in (1, 3):
        raise ValueError(f"`image` must have 1 or 3 channels, got shape {img.shape}")
    kind = "gray" if img.ndim == 2 or img.shape[2] == 1 else (
        "luma" if channels == "gray" else "rgb")
    if img.ndim == 3:
        img = img if kind == "rgb" else img[..., 0] if kind == "gray" else to_grayscale(img)[..., 0]
    kern = as_float_array(kernel, "kernel", ndims=(2,))
    if img.ndim == 3:
        kern = np.repeat(kern[:, :, None], 3, axis=2)  # (kH, kW, 3): one slice per channel
    opts = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode,
                flip=flip)
    conv = conv_plan(img, kern, **opts)
    rows, cols = _region(region, conv, img.shape[:2])
    n_cells = (rows[1] - rows[0]) * (cols[1] - cols[0])
    if by_rows is None:
        by_rows = n_cells > AUTO_ROWS_ABOVE
    elif not isinstance(by_rows, bool):
        raise TypeError(f"`by_rows` must be True, False or None, got {by_rows!r}")
    cap = MAX_FRAMES if n_frames is None else check_int(n_frames, "n_frames", minimum=1)
    units = rows[1] - rows[0] if by_rows else n_cells
    per = -(-units // cap)  # rows or cells per frame
    revealed = np.minimum(np.arange(1, -(-units // per) + 1) * per, units)
    revealed = revealed * (cols[1] - cols[0]) if by_rows else revealed
    return SweepPlan(image=img, conv=conv, fmap=conv2d(img, kern, **opts), rows=rows, cols=cols,
                     by_rows=by_rows, revealed=revealed, channels=kind)


def covered_span(plan: SweepPlan, axis: int) -> int:
    """Padded-input pixels the sweep's windows cover along ``axis``."""
    c = plan.conv
    return (plan.shape[axis] - 1) * c.stride[axis] + c.dilation[axis] * (
        c.kernel.shape[axis] - 1) + 1


def default_scale(plan: SweepPlan, max_side: int = 512) -> int:
    """The integer enlargement that brings the shown input to about ``max_side`` pixels.

    Examples
    --------
    >>> default_scale(sweep_plan(np.zeros((16, 16)), np.ones((3, 3))))
    28
    """
    return max(1, min(_MAX_SCALE, max_side // max(covered_span(plan, 0), covered_span(plan, 1))))

