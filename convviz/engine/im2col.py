"""The one im2col/col2im core: a sliding window's taps over a channels-first padded input.

A window of ``size`` (kH, kW) steps over a padded input with ``stride`` and spreads its taps
``dilation`` apart; kernel tap (i, j) of output cell (r, s) reads padded cell
``(r * sh + i * dh, s * sw + j * dw)``. :class:`Windows` holds that geometry and the output
size (H', W'), and gives each tap's strided view of an array (:meth:`Windows.taps`): a loop
over the kH * kW taps, never over pixels.

:func:`im2col` copies every tap's view of a channels-first padded input (C, N, Hp, Wp) into a
column matrix, laid out tap-major: ``(kH, kW, C, N, H', W')`` seen as a
``(kH * kW * C, N * H' * W')`` matrix, the transpose of the textbook
``(N * H' * W', kH * kW * C)`` one. Each tap's copy then writes one contiguous block of
whole image rows (fast), and the row order (kH, kW, C) is the kernel layout (kH, kW, C, F)
reshaped to (kH * kW * C, F), so ``cols.T @ kernel.reshape(-1, F)`` is the convolution.
:func:`col2im` is its adjoint: it adds every column back onto the cell it came from (the
input gradient of a convolution).

Used by :func:`convviz.engine.conv.conv2d` (in blocks of output rows), by
:class:`convviz.nn.Conv2D` (forward and backward) and, through :meth:`Windows.taps`, by
pooling, which reduces the taps one at a time instead of copying them into columns (a
running max or sum needs one (N, H', W', C) accumulator, where columns would hold kH * kW
copies of the input).

Examples
--------
>>> win = Windows((2, 2), stride=(1, 1), out_hw=(2, 2))
>>> xc = np.arange(9.0).reshape(1, 1, 3, 3)  # (C, N, Hp, Wp)
>>> im2col(xc, win)  # one row per tap (i, j), one column per output cell
array([[0., 1., 3., 4.],
       [1., 2., 4., 5.],
       [3., 4., 6., 7.],
       [4., 5., 7., 8.]])
>>> col2im(np.ones((4, 4)), win, xc.shape)[0, 0]  # how many windows cover each cell
array([[1., 2., 1.],
       [2., 4., 2.],
       [1., 2., 1.]])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from convviz.engine.padding import Pads, pad_spatial

__all__ = ["Windows", "channels_first_padded", "col2im", "im2col"]


@dataclass(frozen=True)
class Windows:
    """Where the taps of a sliding window fall on a padded input.

    Attributes
    ----------
    size : (kH, kW)
        The window (kernel or pool) size.
    stride : (rows, cols)
        The step between windows.
    out_hw : (H', W')
        The number of windows along the rows and the columns (the output size).
    dilation : (rows, cols), default (1, 1)
        The spacing of the taps inside a window (1 means adjacent).

    Examples
    --------
    >>> win = Windows((3, 3), stride=(2, 2), out_hw=(2, 2))
    >>> win.tap_slices(1, 2)
    (slice(1, 4, 2), slice(2, 5, 2))
    >>> [v.shape for v in win.taps(np.zeros((1, 5, 5, 4)))][:2]
    [(1, 2, 2, 4), (1, 2, 2, 4)]
    """

    size: tuple[int, int]
    stride: tuple[int, int]
    out_hw: tuple[int, int]
    dilation: tuple[int, int] = (1, 1)

    def tap_slices(self, i: int, j: int,
                   rows: tuple[int, int] | None = None) -> tuple[slice, slice]:
        """The (row, column) slices of the padded input that tap (i, j) reads.

        ``rows = (r0, r1)`` limits them to output rows r0:r1 (default: all H').
        """
        (sh, sw), (dh, dw) = self.stride, self.dilation
        r0, r1 = (0, self.out_hw[0]) if rows is None else rows
        top, left = r0 * sh + i * dh, j * dw
        return (slice(top, top + (r1 - r0 - 1) * sh + 1, sh),
                slice(left, left + (self.out_hw[1] - 1) * sw + 1, sw))

    def taps(self, a: np.ndarray, *, axis: int = 1,
             rows: tuple[int, int] | None = None) -> Iterator[np.ndarray]:
        """Yield every tap's strided view of a padded array, taps in row-major order.

        Parameters
        ----------
        a : ndarray
            A padded array with rows on ``axis`` and columns on the next axis (default 1:
            (N, Hp, Wp, C); 2 for im2col's (C, N, Hp, Wp)).
        axis : int
            The row axis of ``a`` (>= 0).
        rows : (r0, r1), optional
            Output rows r0:r1 only.

        Yields
        ------
        ndarray
            A view of ``a`` with (H', W') (or (r1 - r0, W')) in place of (Hp, Wp); writing
            into it writes into ``a``.
        """
        # the slices are built here, not by tap_slices: this runs on every layer call
        (kh, kw), (sh, sw), (dh, dw) = self.size, self.stride, self.dilation
        r0, r1 = (0, self.out_hw[0]) if rows is None else rows
        span_r, span_c = (r1 - r0 - 1) * sh + 1, (self.out_hw[1] - 1) * sw + 1
        lead = (slice(None),) * axis
        columns = [slice(j * dw, j * dw + span_c, sw) for j in range(kw)]
        for i in range(kh):
            top = r0 * sh + i * dh
            row = slice(top, top + span_r, sh)
            for col in columns:
                yield a[(*lead, row, col)]


def channels_first_padded(x: np.ndarray, pads: Pads, padding_mode: str = "zeros") -> np.ndarray:
    """(N, H, W, C) -> the padded, contiguous channels-first (C, N, Hp, Wp) that im2col reads.

    Zero padding is written straight into the channels-first array (one copy); there is no
    copy at all when ``x`` already lies channels first in memory (a Conv2D's output does)
    and there is no padding. Other modes pad first (:func:`convviz.engine.padding.pad_spatial`).

    Examples
    --------
    >>> channels_first_padded(np.ones((1, 2, 2, 1)), ((1, 0), (0, 1)))[0, 0]
    array([[0., 0., 0.],
           [1., 1., 0.],
           [1., 1., 0.]])
    """
    (t, b), (left, r) = pads
    if padding_mode != "zeros":
        x = pad_spatial(x, pads, padding_mode)
    elif t or b or left or r:
        n, h, w, c = x.shape
        xc = np.zeros((c, n, h + t + b, w + left + r), dtype=x.dtype)
        xc[:, :, t:t + h, left:left + w] = x.transpose(3, 0, 1, 2)
        return xc
    return np.ascontiguousarray(x.transpose(3, 0, 1, 2))


def im2col(xc: np.ndarray, windows: Windows, *, rows: tuple[int, int] | None = None,
           buffer: np.ndarray | None = None) -> np.ndarray:
    """The column matrix of a channels-first padded input: one row per (tap, channel).

    Parameters
    ----------
    xc : ndarray, shape (C, N, Hp, Wp)
        The padded input, channels first (:func:`channels_first_padded`).
    windows : Windows
        The window geometry; its ``out_hw`` must fit ``xc``.
    rows : (r0, r1), optional
        Only output rows r0:r1 (R = r1 - r0 of them; default all H'), to work in blocks.
    buffer : ndarray, optional
        A 1-D array of ``xc``'s dtype with at least kH * kW * C * N * R * W' elements; the
        columns are written into its start and returned as a view (reused across blocks).

    Returns
    -------
    ndarray, shape (kH * kW * C, N * R * W')
        Row ``(i * kW + j) * C + c`` holds tap (i, j) of channel c for every output cell,
        cells in (N, R, W') order.

    Examples
    --------
    >>> xc = np.arange(8.0).reshape(2, 1, 2, 2)  # two channels of a 2x2 image
    >>> im2col(xc, Windows((1, 2), stride=(1, 1), out_hw=(2, 1)))
    array([[0., 2.],
           [4., 6.],
           [1., 3.],
           [5., 7.]])
    """
    (kh, kw), wo = windows.size, windows.out_hw[1]
    c, n = xc.shape[:2]
    r0, r1 = (0, windows.out_hw[0]) if rows is None else rows
    shape = (kh, kw, c, n, r1 - r0, wo)
    size = kh * kw * c * n * (r1 - r0) * wo
    cols = (np.empty(shape, dtype=xc.dtype) if buffer is None
            else buffer[:size].reshape(shape))
    taps = cols.reshape((kh * kw,) + shape[2:])
    for t, view in enumerate(windows.taps(xc, axis=2, rows=(r0, r1))):
        taps[t] = view  # (C, N, R, W'): whole image rows per copy
    return cols.reshape(kh * kw * c, n * (r1 - r0) * wo)  # (K, M)


def col2im(cols: np.ndarray, windows: Windows, padded_shape: tuple[int, ...]) -> np.ndarray:
    """Add every column back onto the padded cell it came from: the adjoint of :func:`im2col`.

    Parameters
    ----------
    cols : ndarray, shape (kH * kW * C, N * H' * W')
        Columns in :func:`im2col`'s layout (for a convolution's input gradient: the kernel
        times the output gradient).
    windows : Windows
    padded_shape : (C, N, Hp, Wp)
        The shape of the padded input the columns were taken from.

    Returns
    -------
    ndarray, shape (C, N, Hp, Wp)
        Each cell holds the sum of the columns that read it (zero where no window reaches);
        crop the padding to get the input's gradient.

    Examples
    --------
    >>> win = Windows((1, 2), stride=(1, 1), out_hw=(1, 2))
    >>> col2im(np.array([[1.0, 2.0], [10.0, 20.0]]), win, (1, 1, 1, 3))[0, 0]
    array([[ 1., 12., 20.]])
    """
    (kh, kw), (ho, wo) = windows.size, windows.out_hw
    c, n = padded_shape[:2]
    taps = cols.reshape(kh * kw, c, n, ho, wo)
    out = np.zeros(padded_shape, dtype=cols.dtype)
    for t, view in enumerate(windows.taps(out, axis=2)):
        np.add(view, taps[t], out=view)
    return out
