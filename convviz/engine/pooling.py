"""Max, average and global pooling, following PyTorch's max_pool2d / avg_pool2d exactly.

Layouts are channels last: (H, W), (H, W, C) or (N, H, W, C); each channel is pooled
on its own. ``ceil_mode`` rounds the output size up but drops a last window that would
start in the right padding; max pooling pads with ``-inf``; ``count_include_pad`` decides
whether an average divides by the padding cells too.

The windows are :class:`convviz.engine.im2col.Windows`, the convolution's geometry; pooling
reduces their taps one at a time into one (N, H', W', C) accumulator instead of copying
them into im2col columns (which would hold pH * pW copies of the input for one max or sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_choice, check_pair
from convviz.engine.im2col import Windows
from convviz.engine.padding import Pads, pad_spatial, resolve_padding
from convviz.engine.shapes import size_or_reason

POOL_MODES = ("max", "avg")
_ALIASES = {"average": "avg", "mean": "avg"}


@dataclass(frozen=True)
class PoolSetup:
    """A validated pooling: 4-D input, geometry and the extra cells ceil_mode needs."""

    x: np.ndarray  # (N, H, W, C)
    size: tuple[int, int]
    stride: tuple[int, int]
    pads: Pads  # the padding the user asked for
    extra: tuple[int, int]  # cells past the bottom/right padding that ceil_mode windows reach
    out_hw: tuple[int, int]
    mode: str
    ndim: int


def pool_padding_problem(padding: int, pool_size: int, *, axis: str | None = None) -> str | None:
    """Why PyTorch refuses this pooling padding, or None when it accepts it.

    PyTorch's ``max_pool2d`` and ``avg_pool2d`` take at most ``pool_size // 2`` padding on
    a side (dilation does not change the limit); within it every window keeps at least
    one input cell. This is the one place convviz states the rule: :func:`pool2d`, the
    layer-stack text and table, and the framework code all use it.

    Parameters
    ----------
    padding : int
        Padding on one side (>= 0).
    pool_size : int
        Window side along the same axis (>= 1).
    axis : str, optional
        "rows" or "columns", named in the message.

    Examples
    --------
    >>> pool_padding_problem(1, 2) is None
    True
    >>> pool_padding_problem(2, 2)
    "`padding` of 2 is too large for a pool of 2: pooling padding must be at most half the \
pool size, 2 // 2 = 1 (PyTorch's rule; within it every window keeps an input cell)"
    """
    if padding <= pool_size // 2:
        return None
    along = f" along the {axis}" if axis else ""
    return (f"`padding` of {padding} is too large for a pool of {pool_size}{along}: pooling "
            f"padding must be at most half the pool size, {pool_size} // 2 = {pool_size // 2} "
            "(PyTorch's rule; within it every window keeps an input cell)")


def _mode(mode: Any) -> str:
    if isinstance(mode, str):
        mode = _ALIASES.get(mode, mode)
    return check_choice(mode, "mode", POOL_MODES)


def prepare_pool(x: Any, pool_size: Any, *, stride: Any = None, padding: Any = 0,
                 mode: str = "max", ceil_mode: bool = False) -> PoolSetup:
    """Validate pooling arguments (shared by pool2d and the step view)."""
    arr = as_float_array(x, "x", ndims=(2, 3, 4))
    mode = _mode(mode)
    size = check_pair(pool_size, "pool_size")
    stride = size if stride is None else check_pair(stride, "stride")
    x4 = arr.reshape((1,) + arr.shape + ((1,) if arr.ndim == 2 else ())) if arr.ndim < 4 else arr
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), size, stride)
    outs, extra = [], []
    for axis, word in ((0, "rows"), (1, "columns")):
        k, (before, after) = size[axis], pads[axis]
        problem = pool_padding_problem(max(before, after), k, axis=word)
        if problem:
            raise ValueError(problem)
        n = (h, w)[axis]
        out, reason = size_or_reason(n, k, stride[axis], 1, before, after, bool(ceil_mode))
        if reason:
            raise ValueError(f"no output along the {word}: {reason}")
        outs.append(out)
        extra.append(max(0, (out - 1) * stride[axis] + k - (n + before + after)))
    return PoolSetup(x4, size, stride, pads, (extra[0], extra[1]), (outs[0], outs[1]), mode,
                     arr.ndim)


def pool_padded(setup: PoolSetup, values: np.ndarray, fill: float) -> np.ndarray:
    """``values`` (N, H, W, C) padded with ``fill`` as ``setup`` says, ceil_mode's extra
    cells at the bottom/right included: (N, Hp, Wp, C)."""
    (t, b), (left, r) = setup.pads
    full = ((t, b + setup.extra[0]), (left, r + setup.extra[1]))
    return pad_spatial(values, full, "zeros", fill=fill)


def _tap_reduce(xp: np.ndarray, setup: PoolSetup, ufunc: np.ufunc) -> np.ndarray:
    """Reduce the windows of a padded (N, Hp, Wp, C) array with ``ufunc`` (a loop over taps)."""
    taps = Windows(setup.size, setup.stride, setup.out_hw).taps(xp)
    acc = next(taps).copy()
    for tap in taps:
        ufunc(acc, tap, out=acc)
    return acc  # (N, H', W', C)


def divisors(setup: PoolSetup, count_include_pad: bool) -> np.ndarray:
    """What each average window divides by, shape (H', W'), as PyTorch's avg_pool2d."""
    h, w = setup.x.shape[1:3]
    (t, b), (left, r) = setup.pads
    if count_include_pad:
        ones = np.ones((1, h + t + b, w + left + r, 1))
        mask = pad_spatial(ones, ((0, setup.extra[0]), (0, setup.extra[1])), "zeros")
    else:
        mask = pool_padded(setup, np.ones((1, h, w, 1)), 0.0)
    return _tap_reduce(mask, setup, np.add)[0, :, :, 0]


def _finish(setup: PoolSetup, out: np.ndarray) -> np.ndarray:
    if setup.ndim == 2:
        return out[0, :, :, 0]
    return out[0] if setup.ndim == 3 else out


def pool2d(x: Any, pool_size: Any, *, stride: Any = None, padding: Any = 0, mode: str = "max",
           ceil_mode: bool = False, count_include_pad: bool = True) -> np.ndarray:
    """Max or average pooling of every channel.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
    pool_size : int or (rows, cols)
    stride : int or (rows, cols), optional
        Defaults to ``pool_size`` (non-overlapping windows).
    padding : int, (rows, cols), ((top, bottom), (left, right)), "valid" or "same"
        At most half the pool size on each side, as in PyTorch.
    mode : {"max", "avg"}
        ("average" is accepted for "avg".)
    ceil_mode : bool
        Round the output size up; a last window starting in the right padding is dropped.
    count_include_pad : bool
        Average pooling: divide by the padding cells too (PyTorch's default).

    Returns
    -------
    ndarray, shape (H', W'), (H', W', C) or (N, H', W', C)

    Examples
    --------
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]])
    >>> pool2d(x, 2)
    array([[4., 2.],
           [5., 8.]])
    >>> pool2d(x, 2, mode="avg")
    array([[2.5, 1. ],
           [2. , 5. ]])
    """
    setup = prepare_pool(x, pool_size, stride=stride, padding=padding, mode=mode,
                         ceil_mode=ceil_mode)
    if setup.mode == "max":
        out = _tap_reduce(pool_padded(setup, setup.x, -np.inf), setup, np.maximum)
    else:
        out = _tap_reduce(pool_padded(setup, setup.x, 0.0), setup, np.add)
        out /= divisors(setup, bool(count_include_pad))[None, :, :, None]
    return _finish(setup, out)


def pool2d_reference(x: Any, pool_size: Any, *, stride: Any = None, padding: Any = 0,
                     mode: str = "max", ceil_mode: bool = False,
                     count_include_pad: bool = True) -> np.ndarray:
    """Loop-based pooling written from PyTorch's definition, for tests (slow).

    Examples
    --------
    >>> pool2d_reference(np.arange(16.0).reshape(4, 4), 2)
    array([[ 5.,  7.],
           [13., 15.]])
    """
    setup = prepare_pool(x, pool_size, stride=stride, padding=padding, mode=mode,
                         ceil_mode=ceil_mode)
    n, h, w, c = setup.x.shape
    (kh, kw), (sh, sw), (ho, wo) = setup.size, setup.stride, setup.out_hw
    (t, b), (left, r) = setup.pads
    out = np.zeros((n, ho, wo, c), dtype=setup.x.dtype)
    for i in range(ho):
        for j in range(wo):
            r0, c0 = i * sh - t, j * sw - left  # window start in input coordinates
            r1, c1 = min(r0 + kh, h + b), min(c0 + kw, w + r)  # clipped to the padding
            rr0, cc0, rr1, cc1 = max(r0, 0), max(c0, 0), min(r1, h), min(c1, w)
            window = setup.x[:, rr0:rr1, cc0:cc1, :]
            if setup.mode == "max":
                out[:, i, j, :] = window.max(axis=(1, 2))
            else:
                div = (r1 - r0) * (c1 - c0) if count_include_pad else (rr1 - rr0) * (cc1 - cc0)
                out[:, i, j, :] = window.sum(axis=(1, 2)) / div
    return _finish(setup, out)


def global_pool(x: Any, mode: str = "max") -> np.ndarray:
    """Global max or average pooling: one value per channel.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
    mode : {"max", "avg"}

    Returns
    -------
    ndarray, shape (), (C,) or (N, C)

    Examples
    --------
    >>> global_pool(np.arange(8.0).reshape(2, 2, 2), "avg")
    array([3., 4.])
    """
    arr = as_float_array(x, "x", ndims=(2, 3, 4))
    mode = _mode(mode)
    axes = (0, 1) if arr.ndim < 4 else (1, 2)
    return arr.max(axis=axes) if mode == "max" else arr.mean(axis=axes)
