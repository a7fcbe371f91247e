"""Transposed convolution step by step: one input cell's stamp at a time.

Step t (row-major over the input) takes input cell (r, c) and adds ``x[r, c] * kernel`` onto
the stamped grid (the result before the padding is cropped), its top-left tap at
``(r * stride, c * stride)``, taps ``dilation`` apart. :class:`TransposePlan` holds the
numbers; :meth:`TransposePlan.stamp` gives one step's cells and values and
:meth:`TransposePlan.partial` the stamped grid after the first t steps (overlaps summed);
:meth:`TransposePlan.terms` lists, for one output cell, every (input cell, kernel tap) pair
that adds into it: its equation.

Examples
--------
>>> plan = transpose_plan(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((3, 3)), stride=2)
>>> plan.n_steps, plan.full_shape, plan.out_shape
(4, (5, 5), (5, 5))
>>> plan.stamp(1).cells[:3]  # input (0, 1) stamps from column 2 on
((0, 2), (0, 3), (0, 4))
>>> plan.partial(2)[0]  # after two stamps, the overlap at column 2 holds 1 + 2
array([1., 1., 3., 2., 2.])
>>> [t.input_cell for t in plan.terms(2, 2)]  # the centre cell gets all four stamps
[(0, 0), (0, 1), (1, 0), (1, 1)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.engine.transpose import conv_transpose2d, prepare_transpose

__all__ = ["Stamp", "Term", "TransposePlan", "transpose_plan"]


@dataclass(frozen=True)
class Stamp:
    """One input cell's stamp.

    Attributes
    ----------
    index : int
        The step, 0-based, row-major over the input.
    input_cell : (int, int)
    value : float
        The input cell's value.
    cells : tuple of (int, int)
        The stamped-grid cells it writes, one per kernel tap in row-major tap order.
    values : ndarray, shape (kH, kW)
        ``value * kernel``: what it adds there.
    out_cells : tuple of (int, int) or None
        Where each of ``cells`` lands in the output after cropping the padding; None for a
        tap that falls in the cropped border.
    """

    index: int
    input_cell: tuple[int, int]
    value: float
    cells: tuple[tuple[int, int], ...]
    values: np.ndarray
    out_cells: tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True)
class Term:
    """One product adding into an output cell: ``x[input_cell] * kernel[tap]``."""

    input_cell: tuple[int, int]
    tap: tuple[int, int]
    product: float


@dataclass(frozen=True)
class TransposePlan:
    """A 2-D transposed convolution, ready to step through.

    Attributes
    ----------
    x : ndarray, shape (H, W)
    kernel : ndarray, shape (kH, kW)
    bias : float
    stride, padding, output_padding, dilation : (rows, cols)
    full_shape : (Hf, Wf)
        The rows and columns the stamps reach, before ``padding`` is cropped.
    out_shape : (H', W')
        The output (cropped, with ``output_padding`` rows and columns at the bottom/right).
    output : ndarray, shape out_shape
        The result, from :func:`convviz.engine.transpose.conv_transpose2d`.
    """

    x: np.ndarray
    kernel: np.ndarray
    bias: float
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    full_shape: tuple[int, int]
    out_shape: tuple[int, int]
    output: np.ndarray

    @property
    def n_steps(self) -> int:
        """One step per input cell."""
        return int(self.x.size)

    def _check(self, index: int) -> int:
        if not isinstance(index, (int, np.integer)) or not 0 <= index < self.n_steps:
            raise ValueError(f"`index` must be an integer in 0..{self.n_steps - 1}, got "
                             f"{index!r}")
        return int(index)

    def to_output(self, cell: tuple[int, int]) -> tuple[int, int] | None:
        """Where a stamped-grid cell lands in the output, or None if it is cropped."""
        (pr, pc), (ho, wo) = self.padding, self.out_shape
        r, c = cell[0] - pr, cell[1] - pc
        return (r, c) if 0 <= r < ho and 0 <= c < wo else None

    def stamp(self, index: int) -> Stamp:
        """Step ``index``: input cell ``divmod(index, W)`` stamps its value times the kernel."""
        index = self._check(index)
        r, c = divmod(index, self.x.shape[1])
        (sh, sw), (dh, dw) = self.stride, self.dilation
        kh, kw = self.kernel.shape
        cells = tuple((r * sh + i * dh, c * sw + j * dw) for i in range(kh) for j in range(kw))
        value = float(self.x[r, c])
        return Stamp(index, (r, c), value, cells, value * self.kernel,
                     tuple(self.to_output(cell) for cell in cells))

    def partial(self, n_done: int) -> np.ndarray:
        """The stamped grid (full_shape) after the first ``n_done`` stamps, overlaps summed."""
        if not isinstance(n_done, (int, np.integer)) or not 0 <= n_done <= self.n_steps:
            raise ValueError(f"`n_done` must be an integer in 0..{self.n_steps}, got "
                             f"{n_done!r}")
        grid = np.zeros(self.full_shape)
        for t in range(int(n_done)):
            s = self.stamp(t)
            for cell, v in zip(s.cells, s.values.ravel(), strict=True):
                grid[cell] += v
        return grid

    def terms(self, row: int, col: int) -> list[Term]:
        """Every product that adds into output cell (row, col), in step order.

        Its value is ``sum(t.product for t in terms) + bias`` (an ``output_padding`` cell
        that no stamp reaches has no terms: it holds the bias).
        """
        ho, wo = self.out_shape
        if not (0 <= row < ho and 0 <= col < wo):
            raise ValueError(f"(`row`, `col`) must be inside the {ho}x{wo} output, got "
                             f"({row}, {col})")
        (pr, pc), (sh, sw), (dh, dw) = self.padding, self.stride, self.dilation
        fr, fc = row + pr, col + pc  # in the stamped grid
        kh, kw = self.kernel.shape
        h, w = self.x.shape
        found = []
        for r in range(h):
            for c in range(w):
                for i in range(kh):
                    for j in range(kw):
                        if r * sh + i * dh == fr and c * sw + j * dw == fc:
                            found.append(Term((r, c), (i, j),
                                              float(self.x[r, c] * self.kernel[i, j])))
        return found


def transpose_plan(x: Any, kernel: Any, bias: float = 0.0, *, stride: Any = 1,
                   padding: Any = 0, output_padding: Any = 0,
                   dilation: Any = 1) -> TransposePlan:
    """Validate a 2-D transposed convolution and return its :class:`TransposePlan`.

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kH, kW)
    bias : float
    stride, padding, output_padding, dilation
        As in :func:`convviz.engine.transpose.conv_transpose2d`.

    Examples
    --------
    >>> transpose_plan(np.ones((4, 4)), np.ones((3, 3)), stride=2, padding=1,
    ...                output_padding=1).out_shape
    (8, 8)
    """
    if np.ndim(x) != 2 or np.ndim(kernel) != 2:
        raise ValueError(f"`x` and `kernel` must both be 2-D to step through, got shapes "
                         f"{np.shape(x)} and {np.shape(kernel)}")
    if np.ndim(bias) != 0:
        raise TypeError(f"`bias` must be a single number for stepping, got shape "
                        f"{np.shape(bias)}")
    setup = prepare_transpose(x, kernel, bias, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)
    output = conv_transpose2d(setup.x[0, ..., 0], setup.kernel[..., 0, 0], setup.bias,
                              stride=setup.stride, padding=setup.padding,
                              output_padding=setup.output_padding, dilation=setup.dilation)
    return TransposePlan(setup.x[0, ..., 0], setup.kernel[..., 0, 0], float(setup.bias[0]),
                         setup.stride, setup.padding, setup.output_padding, setup.dilation,
                         setup.full_hw, setup.out_hw, output)
