"""2-D convolution (cross-correlation, as in every CNN library), vectorised with im2col.

The columns come from :mod:`convviz.engine.im2col` (the one core :class:`convviz.nn.Conv2D`
uses too), in blocks of output rows run on the engine's thread pool
(:mod:`convviz.engine.threads`). A batch multiplies full kH x kW columns by the kernel; one
image at row stride 1 takes the columns of a 1 x kW window once and multiplies them kH
times, shifted by whole rows, one kernel row each (kH times less copying).

Layouts are channels last: ``x`` is (H, W), (H, W, C) or (N, H, W, C); a kernel is
(kH, kW) for a 2-D input, or (kH, kW, C) (one filter) or (kH, kW, C, F).
``flip=True`` rotates the kernel 180 degrees first: convolution in the mathematical sense.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from convviz.base.checks import (
    as_float_array,
    check_choice,
    check_int,
    check_pair,
    per_channel_bias,
)
from convviz.engine import threads
from convviz.engine.im2col import Windows, channels_first_padded, im2col
from convviz.engine.padding import PADDING_MODES, Pads, pad_spatial, resolve_padding
from convviz.engine.shapes import size_or_reason

_BLOCK_ELEMENTS = 1 << 20  # im2col elements per block (4 MB of float32), measured best


@dataclass(frozen=True)
class ConvSetup:
    """A validated convolution: 4-D input and kernel, resolved geometry, output layout."""

    x: np.ndarray  # (N, H, W, C)
    kernel: np.ndarray  # (kH, kW, C, F), already flipped if asked
    bias: np.ndarray  # (F,)
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: Pads
    padding_mode: str
    out_hw: tuple[int, int]
    squeeze_batch: bool
    squeeze_filters: bool
    groups: int = 1


def _fits(h_or_w: str, n: int, k: int, s: int, d: int, pads: tuple[int, int]) -> int:
    out, reason = size_or_reason(n, k, s, d, pads[0], pads[1], False)
    if reason:
        raise ValueError(f"no output along the {h_or_w}: {reason}")
    return out


def prepare_conv(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, padding_mode: str = "zeros", flip: bool = False,
                 groups: int = 1) -> ConvSetup:
    """Validate conv arguments and bring them to the 4-D layout (shared by conv and steps)."""
    x = as_float_array(x, "x", ndims=(2, 3, 4))
    kernel = as_float_array(kernel, "kernel", ndims=(2, 3, 4))
    dtype = np.result_type(x.dtype, kernel.dtype)
    squeeze_batch = x.ndim < 4
    x4 = x.reshape((1,) + x.shape + ((1,) if x.ndim == 2 else ())) if x.ndim < 4 else x
    c = x4.shape[-1]
    groups = check_int(groups, "groups", minimum=1)
    squeeze_filters = kernel.ndim < 4
    if kernel.ndim == 2:
        if c != 1:
            raise ValueError(
                f"`kernel` of shape {kernel.shape} is 2-D, which goes with a single-channel "
                f"input; `x` has {c} channels: give a (kH, kW, {c}) or (kH, kW, {c}, F) kernel"
            )
        k4 = kernel[:, :, None, None]
    elif kernel.ndim == 3:
        k4 = kernel[:, :, :, None]
    else:
        k4 = kernel
    if groups > 1:
        if c % groups or k4.shape[3] % groups:
            raise ValueError(
                f"`groups` must divide both the input channels ({c}) and the filters "
                f"({k4.shape[3]}), got {groups}")
        if k4.shape[2] != c // groups:
            raise ValueError(
                f"`kernel` must have C_in // groups = {c} // {groups} = {c // groups} input "
                f"channels on its third axis (shape (kH, kW, {c // groups}, F)), got shape "
                f"{kernel.shape}")
    elif k4.shape[2] != c:
        raise ValueError(
            f"`kernel` has {k4.shape[2]} input channels (shape {kernel.shape}) but `x` has "
            f"{c} (shape {x.shape}): the kernel's third axis must equal the input's channels"
        )
    if flip:
        k4 = k4[::-1, ::-1]
    b = per_channel_bias(bias, k4.shape[3], dtype)
    stride = check_pair(stride, "stride")
    dilation = check_pair(dilation, "dilation")
    check_choice(padding_mode, "padding_mode", PADDING_MODES)
    kh, kw = k4.shape[:2]
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), (kh, kw), stride, dilation)
    out_hw = (_fits("rows", h, kh, stride[0], dilation[0], pads[0]),
              _fits("columns", w, kw, stride[1], dilation[1], pads[1]))
    return ConvSetup(x4.astype(dtype, copy=False), np.ascontiguousarray(k4, dtype=dtype),
                     b.astype(dtype), stride, dilation, pads, padding_mode, out_hw,
                     squeeze_batch, squeeze_filters, groups)


def group_setups(setup: ConvSetup) -> list[ConvSetup]:
    """Split a grouped convolution into its groups, each an ordinary convolution's setup.

    Group g sees input channels ``g * C/G : (g + 1) * C/G`` only and makes filters
    ``g * F/G : (g + 1) * F/G``; each is an ordinary convolution (``groups == 1``).
    """
    g = setup.groups
    if g == 1:
        return [setup]
    cg, fg = setup.x.shape[3] // g, setup.kernel.shape[3] // g
    return [replace(setup, x=setup.x[..., i * cg:(i + 1) * cg],
                    kernel=np.ascontiguousarray(setup.kernel[..., i * fg:(i + 1) * fg]),
                    bias=setup.bias[i * fg:(i + 1) * fg], groups=1)
            for i in range(g)]


def _finish(setup: ConvSetup, out: np.ndarray) -> np.ndarray:
    if setup.squeeze_filters:
        out = out[..., 0]
    return out[0] if setup.squeeze_batch else out


def _shifted_rows_block(xc: np.ndarray, setup: ConvSetup, r0: int, r1: int, buf: np.ndarray,
                        out: np.ndarray) -> None:
    """Output rows r0:r1 of one image at row stride 1, as kH GEMMs of 1 x kW columns.

    Kernel row i of output row r reads padded row r + i * dH: the columns of a 1 x kW
    window over padded rows r0:r1 + (kH - 1) * dH hold every kernel row's input, each
    i * dH rows (i * dH * W' columns) further on.
    """
    kh, kw, c, f = setup.kernel.shape
    dh, wo, rows = setup.dilation[0], setup.out_hw[1], r1 - r0
    padded_rows = rows + (kh - 1) * dh
    windows = Windows((1, kw), (1, setup.stride[1]), (padded_rows, wo), (1, setup.dilation[1]))
    cols = im2col(xc[:, :, r0:r0 + padded_rows], windows, buffer=buf)  # (kW*C, rows'*W')
    acc = out[0, r0:r1].reshape(rows * wo, f)  # a view of the output
    part = np.empty_like(acc)
    for i in range(kh):
        kernel_row = setup.kernel[i].reshape(kw * c, f)  # (kW*C, F)
        taps = cols[:, i * dh * wo:(i * dh + rows) * wo].T  # (rows*W', kW*C)
        np.matmul(taps, kernel_row, out=part if i else acc)
        if i:
            acc += part
    acc += setup.bias


def conv2d(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, padding_mode: str = "zeros", flip: bool = False,
           groups: int = 1) -> np.ndarray:
    """2-D cross-correlation of a channels-last input with one or more filters.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
    kernel : array_like, shape (kH, kW), (kH, kW, C) or (kH, kW, C // groups, F)
        A 2-D kernel goes with a 2-D input; (kH, kW, C) is a single filter.
    bias : float or array_like of shape (F,), optional
    stride, dilation : int or (rows, cols)
        Window step and tap spacing (1 means none).
    padding : int, (rows, cols), ((top, bottom), (left, right)), "valid", "same" or "full"
        "same" follows TensorFlow/Keras: output ``ceil(n / stride)``, odd extra at the
        bottom/right. "full" pads ``dilation * (k - 1)`` on each side.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        What the padding cells hold (PyTorch's names).
    flip : bool
        Rotate the kernel 180 degrees first (true convolution).
    groups : int, default 1
        Split the C input channels and the F filters into ``groups`` groups (both must be
        divisible by it); filter group g sees only input channel group g, so each filter
        has C // groups input channels. ``groups=C`` is a depthwise convolution (each
        channel filtered on its own), as in PyTorch's ``conv2d(..., groups=)``.

    Returns
    -------
    ndarray, shape (H', W'), (H', W', F) or (N, H', W', F)
        The filter axis is absent for a 2-D or 3-D kernel. The dtype is numpy's common
        type of ``x`` and ``kernel`` (float32 when both are float32; integers give float64).

    Examples
    --------
    >>> x = np.arange(25.0).reshape(5, 5)
    >>> conv2d(x, np.ones((3, 3)))
    array([[ 54.,  63.,  72.],
           [ 99., 108., 117.],
           [144., 153., 162.]])
    >>> conv2d(np.zeros((28, 28, 1)), np.zeros((3, 3, 1, 32))).shape
    (26, 26, 32)
    >>> rgb = np.ones((4, 4, 3))
    >>> conv2d(rgb, np.ones((3, 3, 1, 3)), groups=3)[0, 0]  # depthwise: 9 per channel
    array([9., 9., 9.])
    """
    setup = prepare_conv(x, kernel, bias, stride=stride, padding=padding, dilation=dilation,
                         padding_mode=padding_mode, flip=flip, groups=groups)
    if setup.groups > 1:
        parts = [_run(part) for part in group_setups(setup)]
        return _finish(setup, np.concatenate(parts, axis=-1))
    return _finish(setup, _run(setup))


def _run(setup: ConvSetup) -> np.ndarray:
    """One ungrouped convolution of a validated setup: (N, H', W', F)."""
    xc = channels_first_padded(setup.x, setup.pads, setup.padding_mode)  # (C, N, Hp, Wp)
    kh, kw, c, f = setup.kernel.shape
    n = xc.shape[1]
    ho, wo = setup.out_hw
    out = np.empty((n, ho, wo, f), dtype=xc.dtype)
    # One image at row stride 1: kH GEMMs over the columns of a 1 x kW window, each shifted
    # by whole rows, copy kH times less than one GEMM over full kH x kW columns (measured on
    # a 1024x1024 RGB image, 8 filters: a fifth off at 7x7, a seventh at 3x3).
    shifted_rows = n == 1 and kh > 1 and setup.stride[0] == 1
    span = (kh - 1) * setup.dilation[0] if shifted_rows else 0  # extra padded rows a block reads
    per_row = n * wo * (kw if shifted_rows else kh * kw) * c  # column elements per output row
    rows_per_block = max(1, _BLOCK_ELEMENTS // per_row)
    blocks = [(r, min(ho, r + rows_per_block)) for r in range(0, ho, rows_per_block)]
    workers = min(threads.WORKERS, len(blocks))

    def run(group: list[tuple[int, int]]) -> None:
        buf = np.empty(per_row * (rows_per_block + span), dtype=xc.dtype)  # reused by blocks
        for r0, r1 in group:
            if shifted_rows:
                _shifted_rows_block(xc, setup, r0, r1, buf, out)
                continue
            windows = Windows((kh, kw), setup.stride, setup.out_hw, setup.dilation)
            cols = im2col(xc, windows, rows=(r0, r1), buffer=buf)  # (K, N*rows*W')
            res = cols.T @ setup.kernel.reshape(kh * kw * c, f)  # (N*rows*W', F)
            res += setup.bias
            out[:, r0:r1] = res.reshape(n, r1 - r0, wo, f)

    groups = [blocks[i::workers] for i in range(workers)]
    if workers > 1:
        with threads.blas_single_threaded():
            list(threads.executor().map(run, groups))
    else:
        run(blocks)
    return out


def conv2d_reference(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1,
                     padding: Any = 0, dilation: Any = 1, padding_mode: str = "zeros",
                     flip: bool = False, groups: int = 1) -> np.ndarray:
    """Loop-based conv2d: the readable definition the fast version is tested against.

    Same arguments and result as :func:`conv2d`; slow, for small arrays only.

    Examples
    --------
    >>> conv2d_reference(np.arange(9.0).reshape(3, 3), np.ones((2, 2)))
    array([[ 8., 12.],
           [20., 24.]])
    """
    setup = prepare_conv(x, kernel, bias, stride=stride, padding=padding, dilation=dilation,
                         padding_mode=padding_mode, flip=flip, groups=groups)
    xp = pad_spatial(setup.x, setup.pads, setup.padding_mode)
    kh, kw, c, f = setup.kernel.shape  # c: the input channels each filter sees
    per_group = f // setup.groups
    (sh, sw), (dh, dw) = setup.stride, setup.dilation
    ho, wo = setup.out_hw
    out = np.zeros((xp.shape[0], ho, wo, f), dtype=np.float64)
    for b in range(xp.shape[0]):
        for i in range(ho):
            for j in range(wo):
                for q in range(f):
                    total = float(setup.bias[q])
                    for u in range(kh):
                        for v in range(kw):
                            for ch in range(c):  # filter q's group's channels
                                xch = (q // per_group) * c + ch
                                total += (float(xp[b, i * sh + u * dh, j * sw + v * dw, xch])
                                          * float(setup.kernel[u, v, ch, q]))
                    out[b, i, j, q] = total
    return _finish(setup, out.astype(xp.dtype))
