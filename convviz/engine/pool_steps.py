"""Pooling one window at a time: the numbers behind each frame of the pooling animation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.padding import padding_mask
from convviz.engine.pooling import divisors, pool_padded, prepare_pool
from convviz.engine.steps import Step


@dataclass(frozen=True)
class PoolPlan:
    """A validated 2-D pooling, ready to be stepped through.

    Attributes
    ----------
    padded : ndarray, shape (Hp, Wp)
        The input with its padding (``-inf`` for max pooling, 0 for average) and, with
        ``ceil_mode``, the cells past the padding that the last windows reach.
    pad_mask : ndarray of bool, shape (Hp, Wp)
        True on padding (and past-the-edge) cells.
    divisor : ndarray, shape (H', W'), or None
        What each average window divides by.
    """

    padded: np.ndarray
    pad_mask: np.ndarray
    mode: str
    size: tuple[int, int]
    stride: tuple[int, int]
    out_shape: tuple[int, int]
    divisor: np.ndarray | None

    @property
    def n_steps(self) -> int:
        """Number of window positions, H' * W'."""
        return self.out_shape[0] * self.out_shape[1]

    def step(self, index: int) -> Step:
        """The :class:`Step` at ``index`` (row-major over the output, 0-based).

        Examples
        --------
        >>> plan = pool_plan(np.array([[1, 3], [4, 2]]), 2)
        >>> s = plan.step(0)
        >>> s.value, s.argmax
        (4.0, (1, 0))
        """
        index = check_int(index, "index", minimum=0)
        if index >= self.n_steps:
            raise ValueError(f"`index` must be in 0..{self.n_steps - 1}, got {index}")
        i, j = divmod(index, self.out_shape[1])
        r0, c0 = i * self.stride[0], j * self.stride[1]
        rows = tuple(range(r0, r0 + self.size[0]))
        cols = tuple(range(c0, c0 + self.size[1]))
        patch = self.padded[r0:r0 + self.size[0], c0:c0 + self.size[1]]
        if self.mode == "max":
            flat = int(np.argmax(patch))  # the first maximum in row-major order, as PyTorch
            arg = divmod(flat, self.size[1])
            return Step(index=index, out_pos=(i, j), origin=(r0, c0), rows=rows, cols=cols,
                        patch=patch, value=float(patch[arg]), argmax=arg)
        div = int(self.divisor[i, j])
        return Step(index=index, out_pos=(i, j), origin=(r0, c0), rows=rows, cols=cols,
                    patch=patch, value=float(patch.sum() / div), divisor=div)


def pool_plan(x: Any, pool_size: Any, *, stride: Any = None, padding: Any = 0,
              mode: str = "max", ceil_mode: bool = False,
              count_include_pad: bool = True) -> PoolPlan:
    """Validate a 2-D pooling and return a :class:`PoolPlan` (arguments as pool2d).

    Examples
    --------
    >>> pool_plan(np.zeros((5, 5)), 2, ceil_mode=True).out_shape
    (3, 3)
    """
    if np.ndim(x) != 2:
        raise ValueError(f"`x` must be a 2-D (H, W) grid for stepping, got shape {np.shape(x)}")
    setup = prepare_pool(x, pool_size, stride=stride, padding=padding, mode=mode,
                         ceil_mode=ceil_mode)
    fill = -np.inf if setup.mode == "max" else 0.0
    padded = pool_padded(setup, setup.x, fill)[0, :, :, 0]  # (Hp, Wp)
    (t, b), (left, r) = setup.pads
    full = ((t, b + setup.extra[0]), (left, r + setup.extra[1]))
    div = divisors(setup, bool(count_include_pad)) if setup.mode == "avg" else None
    return PoolPlan(padded=padded, pad_mask=padding_mask(setup.x.shape[1:3], full),
                    mode=setup.mode, size=setup.size, stride=setup.stride,
                    out_shape=setup.out_hw, divisor=div)


def pool_steps(x: Any, pool_size: Any, *, stride: Any = None, padding: Any = 0,
               mode: str = "max", ceil_mode: bool = False,
               count_include_pad: bool = True) -> Iterator[Step]:
    """Every window of a 2-D pooling, in row-major output order.

    Parameters
    ----------
    x : array_like, shape (H, W)
    pool_size, stride, padding, mode, ceil_mode, count_include_pad
        As in :func:`convviz.pool2d`.

    Yields
    ------
    Step
        With ``patch``, ``value`` and ``argmax`` (max) or ``divisor`` (average).

    Examples
    --------
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]])
    >>> [s.value for s in pool_steps(x, 2)]
    [4.0, 2.0, 5.0, 8.0]
    """
    plan = pool_plan(x, pool_size, stride=stride, padding=padding, mode=mode,
                     ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    return (plan.step(i) for i in range(plan.n_steps))
