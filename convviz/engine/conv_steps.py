"""Convolution one window at a time: the numbers behind each animation frame.

Each frame is a pure function of the step index and the arguments (as in conv_arithmetic):
:func:`conv_plan` validates once and :meth:`ConvPlan.step` builds any step directly, so a
slider can jump to step 40,000 of a photo without walking the first 39,999.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.conv import prepare_conv
from convviz.engine.padding import Pads, pad_spatial, padding_mask
from convviz.engine.steps import Step


@dataclass(frozen=True)
class ConvPlan:
    """A validated single-filter convolution, ready to be stepped through.

    Attributes
    ----------
    padded : ndarray, shape (Hp, Wp) or (Hp, Wp, C)
        The input with its padding, as the kernel sees it.
    pad_mask : ndarray of bool, shape (Hp, Wp)
        True on padding cells.
    kernel : ndarray, shape (kH, kW) or (kH, kW, C)
        The kernel as applied (already rotated when ``flip`` was asked).
    bias : float
    pads : ((top, bottom), (left, right))
    stride, dilation : (rows, cols)
    out_shape : (H', W')
    """

    padded: np.ndarray
    pad_mask: np.ndarray
    kernel: np.ndarray
    bias: float
    pads: Pads
    stride: tuple[int, int]
    dilation: tuple[int, int]
    out_shape: tuple[int, int]

    @property
    def n_steps(self) -> int:
        """Number of window positions, H' * W'."""
        return self.out_shape[0] * self.out_shape[1]

    def window(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Padded-input rows and columns of every tap of window ``index``."""
        index = check_int(index, "index", minimum=0)
        if index >= self.n_steps:
            raise ValueError(f"`index` must be in 0..{self.n_steps - 1}, got {index}")
        i, j = divmod(index, self.out_shape[1])
        kh, kw = self.kernel.shape[:2]
        r0, c0 = i * self.stride[0], j * self.stride[1]
        return (tuple(range(r0, r0 + (kh - 1) * self.dilation[0] + 1, self.dilation[0])),
                tuple(range(c0, c0 + (kw - 1) * self.dilation[1] + 1, self.dilation[1])))

    def step(self, index: int) -> Step:
        """The :class:`Step` at ``index`` (row-major over the output, 0-based).

        Examples
        --------
        >>> plan = conv_plan(np.arange(25.0).reshape(5, 5), np.ones((3, 3)))
        >>> s = plan.step(4)
        >>> s.out_pos, s.origin, s.value
        ((1, 1), (1, 1), 108.0)
        """
        rows, cols = self.window(index)
        patch = self.padded[np.ix_(rows, cols)]  # (kH, kW) or (kH, kW, C)
        products = patch * self.kernel
        channel_sums = products.sum(axis=(0, 1)) if products.ndim == 3 else None
        total = channel_sums.sum() if channel_sums is not None else products.sum()
        return Step(index=index, out_pos=divmod(index, self.out_shape[1]),
                    origin=(rows[0], cols[0]), rows=rows, cols=cols, patch=patch,
                    value=float(total + self.bias), products=products,
                    channel_sums=channel_sums, bias=self.bias)


def conv_plan(x: Any, kernel: Any, bias: float = 0.0, *, stride: Any = 1, padding: Any = 0,
              dilation: Any = 1, padding_mode: str = "zeros", flip: bool = False) -> ConvPlan:
    """Validate a single-filter convolution and return a :class:`ConvPlan`.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
    kernel : array_like, shape (kH, kW) for a 2-D input, (kH, kW, C) for (H, W, C)
    bias : float
    stride, padding, dilation, padding_mode, flip
        As in :func:`convviz.conv2d`.

    Examples
    --------
    >>> conv_plan(np.zeros((7, 7)), np.ones((3, 3))).out_shape
    (5, 5)
    """
    xa = np.asarray(x)
    ka = np.asarray(kernel)
    if xa.ndim not in (2, 3):
        raise ValueError(f"`x` must be (H, W) or (H, W, C) for stepping, got shape {xa.shape}")
    if ka.ndim != xa.ndim:
        want = "(kH, kW)" if xa.ndim == 2 else f"(kH, kW, {xa.shape[-1]})"
        raise ValueError(f"`kernel` must be {want} to step over `x` of shape {xa.shape}, "
                         f"got shape {ka.shape}")
    if np.ndim(bias) != 0:
        raise TypeError(f"`bias` must be a single number for stepping, got shape {np.shape(bias)}")
    setup = prepare_conv(xa, ka, bias, stride=stride, padding=padding, dilation=dilation,
                         padding_mode=padding_mode, flip=flip)
    padded = pad_spatial(setup.x, setup.pads, setup.padding_mode)[0]  # (Hp, Wp, C)
    kern = setup.kernel[..., 0]  # (kH, kW, C)
    if xa.ndim == 2:
        padded, kern = padded[..., 0], kern[..., 0]
    return ConvPlan(padded=padded, pad_mask=padding_mask(setup.x.shape[1:3], setup.pads),
                    kernel=kern, bias=float(setup.bias[0]), pads=setup.pads,
                    stride=setup.stride, dilation=setup.dilation, out_shape=setup.out_hw)


def conv_steps(x: Any, kernel: Any, bias: float = 0.0, *, stride: Any = 1, padding: Any = 0,
               dilation: Any = 1, padding_mode: str = "zeros",
               flip: bool = False) -> Iterator[Step]:
    """Every window of a single-filter convolution, in row-major output order.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
    kernel : array_like, shape (kH, kW) or (kH, kW, C)
    bias : float
    stride, padding, dilation, padding_mode, flip
        As in :func:`convviz.conv2d`.

    Yields
    ------
    Step
        With ``patch``, ``products``, ``value`` and, for channels, ``channel_sums``.

    Examples
    --------
    >>> x = np.arange(25.0).reshape(5, 5)
    >>> [s.value for s in conv_steps(x, np.ones((3, 3)))][:3]
    [54.0, 63.0, 72.0]
    """
    plan = conv_plan(x, kernel, bias, stride=stride, padding=padding, dilation=dilation,
                     padding_mode=padding_mode, flip=flip)
    return (plan.step(i) for i in range(plan.n_steps))
