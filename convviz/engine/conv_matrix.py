"""Convolution as a matrix: the sparse, banded matrix C with ``C @ x.ravel() == conv2d(x)``.

A convolution is linear in its input, so for a fixed kernel and input size it is one matrix
multiplication: row ``r * out_w + c`` of C holds the kernel's weights in the columns of the
input cells that output cell (r, c) reads (zero padding reads nothing, so a padded tap has
no column), zeros elsewhere. Its transpose C.T maps an output-sized array back to the input
size: that is the transposed convolution (:func:`convviz.engine.transpose.conv_transpose2d`,
with the ``output_padding`` that gives back the input's size), and the reason for its name.

Examples
--------
>>> C = conv_matrix((3, 3), np.array([[1.0, 2.0], [3.0, 4.0]]))
>>> C.shape
(4, 9)
>>> C[0]  # output (0, 0) reads input cells 0, 1, 3 and 4
array([1., 2., 0., 3., 4., 0., 0., 0., 0.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_pair

__all__ = ["conv_matrix"]


def conv_matrix(input_shape: Any, kernel: Any, *, stride: Any = 1, padding: Any = 0,
                dilation: Any = 1) -> np.ndarray:
    """The matrix of a 2-D convolution (cross-correlation, zero padding) over one input size.

    Parameters
    ----------
    input_shape : (in_h, in_w)
        The input's size, each >= 1.
    kernel : array_like, shape (kH, kW)
    stride, dilation : int or (rows, cols), >= 1
    padding : int or (rows, cols), >= 0
        Zeros on each side (the same on both sides, as in PyTorch's ``padding=``).

    Returns
    -------
    ndarray, shape (out_h * out_w, in_h * in_w)
        ``C @ x.ravel()`` equals ``conv2d(x, kernel, stride=..., padding=...,
        dilation=...).ravel()`` for every ``x`` of ``input_shape``.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> k = np.arange(9.0).reshape(3, 3)
    >>> from convviz.engine.conv import conv2d
    >>> bool(np.allclose(conv_matrix(x.shape, k) @ x.ravel(), conv2d(x, k).ravel()))
    True
    """
    in_h, in_w = check_pair(tuple(input_shape) if isinstance(input_shape, (list, tuple,
                                                                            np.ndarray))
                            else input_shape, "input_shape")
    kernel = as_float_array(kernel, "kernel", ndims=(2,))
    (sh, sw), (dh, dw) = check_pair(stride, "stride"), check_pair(dilation, "dilation")
    ph, pw = check_pair(padding, "padding", minimum=0)
    kh, kw = kernel.shape
    out = []
    for n, k, s, d, p, word in ((in_h, kh, sh, dh, ph, "rows"), (in_w, kw, sw, dw, pw,
                                                                 "columns")):
        span = d * (k - 1) + 1
        if n + 2 * p < span:
            raise ValueError(f"`kernel` spans {span} {word} (dilation {d}) but the padded "
                             f"input has {n + 2 * p}: no output; pad more or use a smaller "
                             "kernel")
        out.append((n + 2 * p - span) // s + 1)
    out_h, out_w = out
    rows = np.arange(out_h)[:, None]  # output cell (r, c) as a grid
    cols = np.arange(out_w)[None, :]
    matrix = np.zeros((out_h * out_w, in_h * in_w), dtype=kernel.dtype)
    cell = (rows * out_w + cols).ravel()
    for i in range(kh):
        for j in range(kw):
            y = np.broadcast_to(rows * sh + i * dh - ph, (out_h, out_w)).ravel()
            x = np.broadcast_to(cols * sw + j * dw - pw, (out_h, out_w)).ravel()
            inside = (y >= 0) & (y < in_h) & (x >= 0) & (x < in_w)  # padding reads nothing
            # each (output, input) pair occurs once per tap, and taps are distinct cells
            matrix[cell[inside], (y * in_w + x)[inside]] += kernel[i, j]
    return matrix
