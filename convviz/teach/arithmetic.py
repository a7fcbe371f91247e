"""Convolution arithmetic for teaching: where every window lands and how often it covers a cell.

Also the framework rules a learner meets (PyTorch's floor, Keras' "same", pooling's
``ceil_mode``). The framework code is in :mod:`convviz.teach.codegen`, the "predict the
output size" exercise in :mod:`convviz.teach.exercise` and the pooling read-outs in
:mod:`convviz.teach.pool_text`.
Everything here is pure: numbers and text in, numbers and text out.

>>> coverage_counts(5, 3).tolist()[0]
[1, 2, 3, 2, 1]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int
from convviz.engine.padding import (
    padding_mask,
    padding_mode_problem,
    resolve_padding_1d,
    same_padding_1d,
)
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.shapes import size_or_reason

__all__ = ["RULES", "Axis", "WindowGrid", "coverage_counts", "no_fit_hint", "padding_coverage_text",
           "rule_notes", "same_padding_text", "window_grid"]

RULES = {"torch": "PyTorch (floor)", "keras": "Keras / TensorFlow",
         "pool_ceil": "Pooling with ceil_mode (PyTorch)"}


@dataclass(frozen=True)
class Axis:
    """One axis of a sliding window: sizes, padding, and the output (0 when none fits)."""

    n: int
    k: int
    s: int
    d: int
    before: int
    after: int
    out: int
    reason: str | None

    @property
    def eff(self) -> int:
        """Effective kernel width, ``d * (k - 1) + 1``."""
        return self.d * (self.k - 1) + 1

    @property
    def extra(self) -> int:
        """Cells past the padding that a ``ceil_mode`` window hangs over."""
        return max(0, (self.out - 1) * self.s + self.eff - (self.n + self.before + self.after))

    @property
    def length(self) -> int:
        """Cells drawn along this axis: padding, input, padding and the overhang."""
        return self.before + self.n + self.after + self.extra

    def taps(self, i: int) -> tuple[int, ...]:
        """Padded coordinates of the taps of window ``i``."""
        return tuple(range(i * self.s, i * self.s + self.eff, self.d))

    def counts(self) -> np.ndarray:
        """How many windows have a tap on each of the ``length`` cells, shape (length,)."""
        c = np.zeros(self.length, dtype=np.int64)
        for i in range(self.out):
            c[list(self.taps(i))] += 1
        return c


def _axis(n: Any, k: Any, s: Any, padding: Any, d: Any, ceil_mode: bool, word: str) -> Axis:
    n = check_int(n, f"size ({word})", minimum=1)
    k = check_int(k, "kernel_size", minimum=1)
    s = check_int(s, "stride", minimum=1)
    d = check_int(d, "dilation", minimum=1)
    before, after = resolve_padding_1d(padding, n, k, s, d)
    out, reason = size_or_reason(n, k, s, d, before, after, bool(ceil_mode))
    return Axis(n, k, s, d, before, after, out, reason)


@dataclass(frozen=True)
class WindowGrid:
    """Every window position of a 2-D sliding window over a padded grid."""

    rows: Axis
    cols: Axis

    @property
    def reason(self) -> str | None:
        """Why no window fits (naming the axis), or None."""
        for ax, word in ((self.rows, "rows"), (self.cols, "columns")):
            if ax.reason:
                return f"no output along the {word}: {ax.reason}"
        return None

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.rows.out, self.cols.out

    @property
    def n_windows(self) -> int:
        return self.rows.out * self.cols.out

    @property
    def pad_mask(self) -> np.ndarray:
        """True on padding and overhang cells, shape (rows.length, cols.length)."""
        r, c = self.rows, self.cols
        return padding_mask((r.n, c.n), ((r.before, r.after + r.extra),
                                         (c.before, c.after + c.extra)))

    def counts(self, *, include_padding: bool = True) -> np.ndarray:
        """Windows covering each cell: the padded grid, or only the input cells."""
        grid = np.outer(self.rows.counts(), self.cols.counts())  # windows form a product
        if include_padding:
            return grid
        r, c = self.rows, self.cols
        return grid[r.before:r.before + r.n, c.before:c.before + c.n]

    def window(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Padded (rows, cols) of every tap of window ``index`` (row-major order)."""
        index = check_int(index, "index", minimum=0)
        if index >= self.n_windows:
            raise ValueError(f"`index` must be in 0..{max(self.n_windows - 1, 0)}, got {index}")
        i, j = divmod(index, self.cols.out)
        return self.rows.taps(i), self.cols.taps(j)


def no_fit_hint(axis: Axis) -> str:
    """What would make a window fit on an axis where none does.

    Examples
    --------
    >>> print(no_fit_hint(window_grid(5, 5, padding=1, dilation=2).rows))  # doctest: +ELLIPSIS
    A window fits with a kernel of at most 4 at dilation 2, or dilation at most 1, or at ...
    """
    padded = axis.n + axis.before + axis.after
    k_max = (padded - 1) // axis.d + 1
    parts = [f"a kernel of at most {k_max} at dilation {axis.d}"]
    if axis.k > 1:
        parts.append(f"dilation at most {(padded - 1) // (axis.k - 1)}")
    more = -(-(axis.eff - padded) // 2)
    parts.append(f"at least {more} more padding on each side")
    return "A window fits with " + ", or ".join(parts) + "."


def window_grid(size: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                dilation: Any = 1, *, ceil_mode: bool = False) -> WindowGrid:
    """Lay out every window of a square kernel over an (H, W) input.

    Never raises when no window fits (``reason`` says why); bad types and negative
    values raise as in :func:`convviz.output_size`.

    Examples
    --------
    >>> g = window_grid((7, 7), 3, stride=2)
    >>> g.out_shape, g.window(1)
    ((3, 3), ((0, 1, 2), (2, 3, 4)))
    """
    h, w = size if isinstance(size, (tuple, list)) else (size, size)
    return WindowGrid(_axis(h, kernel_size, stride, padding, dilation, ceil_mode, "rows"),
                      _axis(w, kernel_size, stride, padding, dilation, ceil_mode, "columns"))


def coverage_counts(size: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                    dilation: Any = 1, *, ceil_mode: bool = False,
                    include_padding: bool = False) -> np.ndarray:
    """How many windows touch (have a tap on) each input cell.

    Parameters
    ----------
    size : int or (H, W)
    kernel_size, stride, dilation : int
    padding : int, "valid", "same" or "full"
    ceil_mode : bool
        Round the window count up, as PyTorch's pooling with ``ceil_mode=True``.
    include_padding : bool
        Return the counts of the whole padded grid instead of the input cells only.

    Returns
    -------
    ndarray of int, shape (H, W), or the padded shape with ``include_padding``

    Raises
    ------
    ValueError
        When no window fits (the message says why).

    Examples
    --------
    >>> coverage_counts(4, 3, padding=1)
    array([[4, 6, 6, 4],
           [6, 9, 9, 6],
           [6, 9, 9, 6],
           [4, 6, 6, 4]])
    """
    grid = window_grid(size, kernel_size, stride, padding, dilation, ceil_mode=ceil_mode)
    if grid.reason:
        raise ValueError(grid.reason)
    return grid.counts(include_padding=include_padding)


def padding_coverage_text(kernel_size: int = 3, size: int | None = None) -> str:
    """What padding does to the windows per cell, with the engine's counts for a k x k kernel.

    Padding of ``(k - 1) // 2`` puts the border cells under more windows and keeps the
    size, but a corner stays under fewer windows than a central cell. At stride 1, on an
    input larger than the kernel, only full padding (``k - 1`` per side) puts every cell
    under the same number, ``k * k``. The counts are those of a ``size`` x ``size`` input
    (default ``k + 2``).

    Examples
    --------
    >>> print(padding_coverage_text(3))  # doctest: +NORMALIZE_WHITESPACE
    Without padding a corner cell is under 1 window and a central one under 9. Padding 1
    puts the border under more windows and keeps the size, but not as many: a corner is
    under 4, the centre under 9. At stride 1, on an input larger than the kernel, only full
    padding (P = K - 1 = 2) puts every cell under the same number of windows, 9, and the
    output grows to n + 2.
    """
    k = check_int(kernel_size, "kernel_size", minimum=2)
    n = check_int(k + 2 if size is None else size, "size", minimum=k + 1)
    half = (k - 1) // 2
    valid = coverage_counts(n, k)
    padded = coverage_counts(n, k, padding=half)
    full = coverage_counts(n, k, padding="full")
    grown = window_grid(n, k, padding="full").cols.out - n
    equal = int(full.min()) if full.min() == full.max() else None
    one = "window" if valid[0, 0] == 1 else "windows"
    text = (f"Without padding a corner cell is under {valid[0, 0]} {one} and a central one "
            f"under {valid.max()}. Padding {half} puts the border under more windows and keeps "
            f"the size, but not as many: a corner is under {padded[0, 0]}, the centre under "
            f"{padded.max()}.")
    if equal is not None:
        text += (" At stride 1, on an input larger than the kernel, only full padding "
                 f"(P = K - 1 = {k - 1}) puts every cell under the same number of windows, "
                 f"{equal}, and the output grows to n + {grown}.")
    return text


def same_padding_text(n: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> str:
    """How "same" padding is split, TensorFlow's rule in words, with these settings' pads.

    The total is ``max(k_eff - s, 0)`` when ``s`` divides ``n``, else
    ``max(k_eff - n % s, 0)``; the odd extra cell goes at the end (bottom/right). Only at
    stride 1 is the total ``k_eff - 1``, so that an even kernel pads one more at the end.

    Examples
    --------
    >>> print(same_padding_text(8, 3, 2))  # doctest: +NORMALIZE_WHITESPACE
    **same** pads just enough for ceil(n / s) output cells: in total max(k_eff - s, 0) when
    s divides n, else max(k_eff - (n mod s), 0), the odd extra cell at the bottom/right. At
    stride 1 the total is k_eff - 1, so an even kernel pads one more at the bottom/right; at
    stride 2 it depends on n: 8 cells get (before, after) = (0, 1) with a 3-wide kernel and
    (1, 1) with a 4-wide one. With these settings (n = 8, k_eff = 3, s = 2) "same" pads (0, 1).
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    eff = d * (k - 1) + 1
    odd, even = same_padding_1d(8, 3, 2), same_padding_1d(8, 4, 2)
    return ("**same** pads just enough for ceil(n / s) output cells: in total max(k_eff - s, 0) "
            "when s divides n, else max(k_eff - (n mod s), 0), the odd extra cell at the "
            "bottom/right. At stride 1 the total is k_eff - 1, so an even kernel pads one more "
            "at the bottom/right; at stride 2 it depends on n: 8 cells get (before, after) = "
            f"{odd} with a 3-wide kernel and {even} with a 4-wide one. With these settings "
            f'(n = {n}, k_eff = {eff}, s = {s}) "same" pads {same_padding_1d(n, k, s, d)}.')


def rule_notes(size: Any, kernel_size: int, *, stride: int = 1, padding: Any = 0,
               dilation: int = 1, rule: str = "torch",
               padding_mode: str = "zeros") -> list[tuple[str, str]]:
    """What a framework would say about these settings, as (level, text) pairs.

    ``level`` is "error" (PyTorch cannot compute this convolution with this
    ``padding_mode``), "warning" (the framework refuses or differs) or "info".

    Examples
    --------
    >>> rule_notes(8, 3, stride=2, dilation=2, rule="keras")[0][0]
    'warning'
    """
    check_choice(rule, "rule", tuple(RULES))
    g = window_grid(size, kernel_size, stride, padding, dilation, ceil_mode=rule == "pool_ceil")
    r, c, s, d, k = g.rows, g.cols, stride, dilation, kernel_size
    pads = f"(top, bottom) = ({r.before}, {r.after}), (left, right) = ({c.before}, {c.after})"
    notes = []
    if rule == "torch" and padding == "same" and s > 1:
        notes.append(("warning", 'PyTorch refuses padding="same" with a stride above 1. The '
                      f"grid uses the pads Keras would use, {pads}; the PyTorch code pads "
                      "explicitly."))
    if rule == "keras" and s > 1 and d > 1:
        notes.append(("warning", "Keras refuses strides > 1 together with dilation_rate > 1 "
                      "(a ValueError). PyTorch accepts it: the sizes below are PyTorch's."))
    if rule == "keras" and padding not in ("valid", "same") and (r.before or c.before):
        notes.append(("info", 'Keras layers take only padding="valid" or "same": for other '
                      "padding the code adds a ZeroPadding2D layer in front."))
    if padding_mode != "zeros" and rule == "keras":
        notes.append(("info", f'Keras pads with zeros only; "{padding_mode}" padding needs a '
                      "custom pad."))
    if rule != "pool_ceil" and not g.reason:
        problem = padding_mode_problem((r.n, c.n), ((r.before, r.after), (c.before, c.after)),
                                       padding_mode)
        if problem:
            notes.append(("error", f"This convolution cannot be computed: {problem}. With "
                          f'padding_mode "zeros" or "replicate" the output would be '
                          f"{r.out} x {c.out}."))
    if rule == "pool_ceil":
        worst = max(r.before, r.after, c.before, c.after)
        problem = pool_padding_problem(worst, k)
        if problem:
            notes.append(("warning", f"PyTorch pooling refuses this: {problem}."))
        if r.extra or c.extra:
            notes.append(("info", "ceil_mode adds a last window that hangs past the edge "
                          "(the hatched cells beyond the padding): max pooling ignores them."))
    if padding == "same" and (r.before != r.after or c.before != c.after):
        if rule == "pool_ceil":
            who = ('as in Keras; PyTorch\'s pooling has no "same", so its code below pads '
                   "explicitly")
        elif s > 1:
            who = ('as in Keras; PyTorch refuses "same" with a stride above 1, so its code '
                   "below pads explicitly")
        else:
            who = 'as in Keras and in PyTorch\'s padding="same"'
        notes.append(("info", f'This "same" padding is uneven, {pads}: the odd extra '
                      f"row or column goes to the bottom/right, {who}."))
    if not g.reason:
        missed = int((g.counts(include_padding=False) == 0).sum())
        if missed:
            notes.append(("info", f"{missed} input cell{'s are' if missed > 1 else ' is'} "
                          "never under any window (count 0): the stride or the dilation's "
                          "gaps skip them, or the last, incomplete window is dropped."))
    return notes
