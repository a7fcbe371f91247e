"""Transposed convolution: every input cell stamps ``value x kernel`` into the output.

A convolution's window reads a kH x kW patch and writes one cell; its transpose does the
opposite: each input cell (r, c) adds ``x[r, c] * kernel`` onto the output patch whose
top-left corner is ``(r * stride, c * stride)`` (taps ``dilation`` apart), and where stamps
overlap they add up. ``padding`` then crops that many rows and columns off every side of
the result, and ``output_padding`` adds rows and columns at the bottom and right, so the
output side is

    (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1

(PyTorch's ``ConvTranspose2d``). It is the adjoint of :func:`convviz.conv2d`: the input
gradient of a convolution with the same kernel, stride, padding and dilation, which is why
it computes as the one im2col core's :func:`~convviz.engine.im2col.col2im` of the kernel
times the input. The same result comes from a direct convolution: insert ``stride - 1``
zeros between the input cells, pad ``dilation * (k - 1) - padding`` on each side (plus
``output_padding`` at the bottom and right), and slide the kernel rotated by 180 degrees
(:func:`transpose_as_conv`).

Layouts are channels last: ``x`` is (H, W) with a (kH, kW) kernel, or (H, W, C_in) /
(N, H, W, C_in) with a (kH, kW, C_in, C_out) kernel. PyTorch's weight for the same layer is
``kernel.transpose(2, 3, 0, 1)``: (C_in, C_out, kH, kW).

Examples
--------
>>> conv_transpose2d(np.array([[1.0, 2.0]]), np.ones((2, 2)), stride=1)
array([[1., 3., 2.],
       [1., 3., 2.]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_pair, per_channel_bias
from convviz.engine.im2col import Windows, col2im

__all__ = ["TransposeSetup", "TransposeAsConv", "conv_transpose2d",
           "conv_transpose2d_reference", "prepare_transpose", "transpose_as_conv",
           "transpose_output_size"]


def transpose_output_size(n: int, k: int, *, stride: int = 1, padding: int = 0,
                          output_padding: int = 0, dilation: int = 1) -> int:
    """The output side of a transposed convolution (may be < 1 for impossible settings).

    Examples
    --------
    >>> transpose_output_size(4, 3, stride=2, padding=1, output_padding=1)
    8
    """
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


@dataclass(frozen=True)
class TransposeSetup:
    """A validated transposed convolution in the 4-D layout."""

    x: np.ndarray  # (N, H, W, C_in)
    kernel: np.ndarray  # (kH, kW, C_in, C_out)
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    out_hw: tuple[int, int]
    squeeze_batch: bool
    squeeze_channels: bool  # a 2-D input with a 2-D kernel: a 2-D output

    @property
    def full_hw(self) -> tuple[int, int]:
        """Rows and columns every stamp reaches, before cropping the padding."""
        (h, w), (kh, kw) = self.x.shape[1:3], self.kernel.shape[:2]
        return tuple(transpose_output_size(n, k, stride=s, dilation=d)  # type: ignore
                     for n, k, s, d in zip((h, w), (kh, kw), self.stride, self.dilation,
                                           strict=True))

    def finish(self, out: np.ndarray) -> np.ndarray:
        """(N, H', W', C_out) -> the caller's layout."""
        if self.squeeze_channels:
            out = out[..., 0]
        return out[0] if self.squeeze_batch else out


def prepare_transpose(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1,
                      padding: Any = 0, output_padding: Any = 0,
                      dilation: Any = 1) -> TransposeSetup:
    """Validate the arguments of :func:`conv_transpose2d` and bring them to 4-D."""
    x = as_float_array(x, "x", ndims=(2, 3, 4))
    kernel = as_float_array(kernel, "kernel", ndims=(2, 4))
    dtype = np.result_type(x.dtype, kernel.dtype)
    if x.ndim == 2:
        if kernel.ndim != 2:
            raise ValueError(f"`kernel` must be 2-D (kH, kW) for a 2-D `x`, got shape "
                             f"{kernel.shape}")
        x4, k4 = x[None, :, :, None], kernel[:, :, None, None]
    else:
        if kernel.ndim != 4:
            raise ValueError(f"`kernel` must be (kH, kW, C_in, C_out) for `x` of shape "
                             f"{x.shape}, got shape {kernel.shape}")
        x4, k4 = (x[None] if x.ndim == 3 else x), kernel
        if k4.shape[2] != x4.shape[3]:
            raise ValueError(f"`kernel` has {k4.shape[2]} input channels (shape "
                             f"{kernel.shape}) but `x` has {x4.shape[3]} (shape {x.shape}): "
                             "the kernel's third axis must equal the input's channels")
    stride = check_pair(stride, "stride")
    dilation = check_pair(dilation, "dilation")
    padding = check_pair(padding, "padding", minimum=0)
    output_padding = check_pair(output_padding, "output_padding", minimum=0)
    for axis, word in ((0, "rows"), (1, "columns")):
        op, s, d = output_padding[axis], stride[axis], dilation[axis]
        if op >= s and op >= d:
            raise ValueError(
                f"`output_padding` must be smaller than `stride` or `dilation` along the "
                f"{word} (stride {s}, dilation {d}: at most {max(s, d) - 1}), got {op}")
    b = per_channel_bias(bias, k4.shape[3], dtype, what="output channel")
    out_hw = []
    for axis, word in ((0, "rows"), (1, "columns")):
        n, k = x4.shape[1 + axis], k4.shape[axis]
        size = transpose_output_size(n, k, stride=stride[axis], padding=padding[axis],
                                     output_padding=output_padding[axis],
                                     dilation=dilation[axis])
        if size < 1:
            full = transpose_output_size(n, k, stride=stride[axis], dilation=dilation[axis])
            raise ValueError(
                f"`padding` {padding[axis]} crops away every {word[:-1]}: the stamps reach "
                f"{full} {word}, and 2 x padding must stay below {full} + output_padding "
                f"(so padding at most {(full + output_padding[axis] - 1) // 2})")
        out_hw.append(size)
    return TransposeSetup(x4.astype(dtype, copy=False), np.ascontiguousarray(k4, dtype=dtype),
                          b.astype(dtype), stride, padding, output_padding, dilation,
                          (out_hw[0], out_hw[1]), x.ndim < 4, x.ndim == 2)


def _crop(setup: TransposeSetup, full: np.ndarray) -> np.ndarray:
    """(N, Hf, Wf, C_out) stamps -> the output: crop the padding, add output_padding, bias."""
    (ph, pw), (ho, wo) = setup.padding, setup.out_hw
    n, hf, wf, c = full.shape
    out = np.zeros((n, ho, wo, c), dtype=full.dtype)
    rows, cols = min(ho, hf - ph), min(wo, wf - pw)  # output_padding rows get no stamp
    out[:, :rows, :cols] = full[:, ph:ph + rows, pw:pw + cols]
    out += setup.bias
    return out


def conv_transpose2d(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0,
                     dilation: Any = 1) -> np.ndarray:
    """2-D transposed convolution ("deconvolution", fractionally strided), channels last.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, C_in) or (N, H, W, C_in)
    kernel : array_like, shape (kH, kW) for a 2-D ``x``, else (kH, kW, C_in, C_out)
    bias : float or array_like of shape (C_out,), optional
    stride, dilation : int or (rows, cols), >= 1
        How far apart neighbouring inputs' stamps start; the spacing of a stamp's taps.
    padding : int or (rows, cols), >= 0
        Rows (columns) cropped off each side of the stamped result.
    output_padding : int or (rows, cols), >= 0
        Rows (columns) added at the bottom (right); smaller than ``stride`` or
        ``dilation``. It picks one of the input sizes a stride-s convolution maps to the
        same output size, so the transpose can give back that size.

    Returns
    -------
    ndarray, shape (H', W'), (H', W', C_out) or (N, H', W', C_out)
        ``H' = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> conv_transpose2d(x, np.ones((3, 3)), stride=2).shape
    (5, 5)
    >>> conv_transpose2d(x, np.ones((3, 3)), stride=2)[2]  # the middle row: stamps overlap
    array([ 4.,  4., 10.,  6.,  6.])
    >>> conv_transpose2d(x, np.ones((3, 3)), stride=2, padding=1, output_padding=1).shape
    (4, 4)
    """
    setup = prepare_transpose(x, kernel, bias, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)
    n, h, w, c_in = setup.x.shape
    kh, kw, _, c_out = setup.kernel.shape
    hf, wf = setup.full_hw
    # each input cell times every tap of the kernel: the columns col2im adds back, in the
    # core's layout (rows (i, j, c_out), columns (n, r, c))
    kmat = setup.kernel.transpose(0, 1, 3, 2).reshape(kh * kw * c_out, c_in)
    xmat = np.ascontiguousarray(setup.x.transpose(3, 0, 1, 2)).reshape(c_in, n * h * w)
    windows = Windows((kh, kw), setup.stride, (h, w), setup.dilation)
    full = col2im(kmat @ xmat, windows, (c_out, n, hf, wf))  # (C_out, N, Hf, Wf)
    return setup.finish(_crop(setup, full.transpose(1, 2, 3, 0)))


def conv_transpose2d_reference(x: Any, kernel: Any, bias: Any = None, *, stride: Any = 1,
                               padding: Any = 0, output_padding: Any = 0,
                               dilation: Any = 1) -> np.ndarray:
    """Loop-based transposed convolution: the definition, one stamp at a time.

    Same arguments and result as :func:`conv_transpose2d`; slow, for small arrays only.

    Examples
    --------
    >>> conv_transpose2d_reference(np.array([[1.0, 2.0]]), np.array([[1.0, 10.0]]))
    array([[ 1., 12., 20.]])
    """
    setup = prepare_transpose(x, kernel, bias, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)
    n, h, w, c_in = setup.x.shape
    kh, kw, _, c_out = setup.kernel.shape
    (sh, sw), (dh, dw) = setup.stride, setup.dilation
    full = np.zeros((n, *setup.full_hw, c_out), dtype=np.float64)
    for b in range(n):
        for r in range(h):
            for c in range(w):
                for i in range(kh):
                    for j in range(kw):
                        for ci in range(c_in):
                            for co in range(c_out):
                                full[b, r * sh + i * dh, c * sw + j * dw, co] += (
                                    float(setup.x[b, r, c, ci]) * float(setup.kernel[i, j, ci, co]))
    return setup.finish(_crop(setup, full).astype(setup.x.dtype))


@dataclass(frozen=True)
class TransposeAsConv:
    """The direct convolution that equals a transposed one.

    Attributes
    ----------
    inserted : ndarray, shape (N, (H - 1) * sH + 1, (W - 1) * sW + 1, C_in)
        The input with ``stride - 1`` zeros between neighbouring cells.
    padded : ndarray, shape (N, H' + dH * (kH - 1), W' + dW * (kW - 1), C_in)
        ``inserted`` padded with zeros (or cropped, where the padding is negative).
    pads : ((top, bottom), (left, right))
        What was added on each side: ``dilation * (k - 1) - padding`` before, the same plus
        ``output_padding`` after (negative: that many cropped).
    kernel : ndarray, shape (kH, kW, C_out, C_in)
        The kernel rotated by 180 degrees, input and output channels swapped.
    dilation : (rows, cols)
        The direct convolution's dilation (the transposed one's).
    """

    inserted: np.ndarray
    padded: np.ndarray
    pads: tuple[tuple[int, int], tuple[int, int]]
    kernel: np.ndarray
    dilation: tuple[int, int]


def transpose_as_conv(x: Any, kernel: Any, *, stride: Any = 1, padding: Any = 0,
                      output_padding: Any = 0, dilation: Any = 1) -> TransposeAsConv:
    """Rewrite a transposed convolution as zero insertion, padding and a direct convolution.

    ``conv2d(t.padded, t.kernel, dilation=t.dilation)`` equals
    ``conv_transpose2d(x, kernel, ...)`` (without bias), in ``x``'s layout: for a 2-D
    ``x`` the arrays are 2-D.

    Examples
    --------
    >>> t = transpose_as_conv(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((3, 3)), stride=2,
    ...                       padding=1)
    >>> t.inserted
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    >>> t.pads, t.padded.shape
    (((1, 1), (1, 1)), (5, 5))
    """
    setup = prepare_transpose(x, kernel, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)
    n, h, w, c_in = setup.x.shape
    kh, kw = setup.kernel.shape[:2]
    sh, sw = setup.stride
    inserted = np.zeros((n, (h - 1) * sh + 1, (w - 1) * sw + 1, c_in), dtype=setup.x.dtype)
    inserted[:, ::sh, ::sw] = setup.x
    pads = tuple((d * (k - 1) - p, d * (k - 1) - p + op) for d, k, p, op in zip(
        setup.dilation, (kh, kw), setup.padding, setup.output_padding, strict=True))
    (t, b), (left, r) = pads
    grown = np.pad(inserted, ((0, 0), (max(t, 0), max(b, 0)), (max(left, 0), max(r, 0)),
                              (0, 0)))
    hg, wg = grown.shape[1:3]
    padded = grown[:, max(-t, 0):hg - max(-b, 0), max(-left, 0):wg - max(-r, 0)]
    flipped = setup.kernel[::-1, ::-1].transpose(0, 1, 3, 2)
    if setup.squeeze_channels:
        return TransposeAsConv(inserted[0, ..., 0], padded[0, ..., 0], pads,  # type: ignore
                               np.ascontiguousarray(flipped[..., 0, 0]), setup.dilation)
    if setup.squeeze_batch:
        inserted, padded = inserted[0], padded[0]
    return TransposeAsConv(inserted, padded, pads, np.ascontiguousarray(flipped),  # type: ignore
                           setup.dilation)
