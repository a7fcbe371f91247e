"""Pooling read-outs for teaching: what a window computed, and how many values a pooling
gives for how many.

Pure text and numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.draw.numbers import format_value
from convviz.engine.pool_steps import PoolPlan
from convviz.engine.steps import Step


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.3g}%"


def pool_count_text(in_shape: tuple[int, int], out_shape: tuple[int, int],
                    pool: Any = None, stride: Any = None) -> str:
    """One line saying how many values a pooling turns into how many (``pool=None``: global).

    Neutral about the kind of pooling: a max pool keeps one of its window's values, an
    average pool keeps none of them (it computes a new one), so the line counts outputs
    per input instead of saying what "survives".

    Examples
    --------
    >>> pool_count_text((4, 4), (2, 2), 2, 2)
    '2x2 with stride 2 turns 16 values into 4: one output per 4 inputs (25% as many)'
    >>> pool_count_text((5, 5), (2, 2), 3, 2)
    '3x3 with stride 2 turns 25 values into 4 (16% as many); the windows overlap, so an \
input can be in several of them'
    >>> pool_count_text((6, 6), (1, 1))
    'Global pooling turns the 36 values of a channel into 1 (2.78% as many)'
    """
    total = int(in_shape[0]) * int(in_shape[1])
    kept = int(out_shape[0]) * int(out_shape[1])
    if pool is None:
        return (f"Global pooling turns the {total} values of a channel into 1 "
                f"({_percent(kept, total)} as many)")
    what = f"{pool}x{pool} with stride {stride}"
    if kept >= total:
        return (f"{what} gives {kept} outputs for {total} inputs: it does not shrink the map, "
                "it only replaces each value by its window's summary")
    per = f": one output per {total // kept} inputs" if total % kept == 0 else ""
    text = f"{what} turns {total} values into {kept}{per} ({_percent(kept, total)} as many)"
    if stride < pool:
        text += "; the windows overlap, so an input can be in several of them"
    elif stride > pool:
        text += "; the windows skip cells, so some inputs are in no window"
    return text


def pool_step_text(step: Step, pad_cells: np.ndarray, *, count_include_pad: bool = True) -> str:
    """The arithmetic of one pooling window: "max(3, 1, 4, 2) = 4" or "(3 + 1) / 2 = 2".

    ``pad_cells`` (bool, the patch's shape) marks padding; an average that does not
    count the padding leaves those cells out of the sum.

    Examples
    --------
    >>> s = Step(0, (0, 0), (0, 0), (0, 1), (0, 1), np.array([[3., 1.], [4., 2.]]), 2.5,
    ...          divisor=4)
    >>> pool_step_text(s, np.zeros((2, 2), bool))
    '(3 + 1 + 4 + 2) / 4 = 10 / 4 = 2.5'
    """
    patch = np.asarray(step.patch, dtype=np.float64)
    if step.divisor is None:
        terms = ", ".join(format_value(v) for v in patch.ravel())
        return f"max({terms}) = {format_value(step.value)}"
    keep = np.ones_like(patch, bool) if count_include_pad else ~np.asarray(pad_cells, bool)
    vals = patch[keep]
    total = format_value(float(vals.sum()))
    return (f"({' + '.join(format_value(v) for v in vals)}) / {step.divisor} = "
            f"{total} / {step.divisor} = {format_value(step.value)}")


def global_pool_text(x: Any, mode: str, value: float) -> str:
    """The arithmetic of a global pooling, summarised: "max of the 36 values = 9".

    ``value`` is the engine's result (:func:`convviz.global_pool`).

    Examples
    --------
    >>> global_pool_text(np.array([[1., 2.], [3., 6.]]), "avg", 3.0)
    '(sum of the 4 values) / 4 = 12 / 4 = 3'
    """
    arr = np.asarray(x, dtype=np.float64)
    if mode == "max":
        return f"max of the {arr.size} values = {format_value(value)}"
    return (f"(sum of the {arr.size} values) / {arr.size} = {format_value(float(arr.sum()))} / "
            f"{arr.size} = {format_value(value)}")


def shift_demo(shift: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A 6x6 map of a few strong responses, and the same map moved ``shift`` cells right.

    Every response sits in the left column of its 2x2 block, so a shift of 1 keeps it
    inside the same block and 2x2 max pooling with stride 2 does not change; a shift
    of 2 moves it into the next block.

    Examples
    --------
    >>> from convviz import pool2d
    >>> x, moved = shift_demo(1)
    >>> bool((pool2d(x, 2) == pool2d(moved, 2)).all()), bool((x == moved).all())
    (True, False)
    """
    shift = check_int(shift, "shift", minimum=0)
    x = np.zeros((6, 6))
    for (r, c), v in {(0, 0): 8, (1, 2): 9, (2, 2): 7, (3, 4): 9, (4, 4): 6, (5, 0): 5,
                      (4, 0): 2, (0, 4): 3}.items():
        x[r, c] = v
    moved = np.zeros_like(x)
    if shift < 6:
        moved[:, shift:] = x[:, :6 - shift]
    return x, moved



def plan_lines(plan: PoolPlan, *, count_include_pad: bool = True) -> list[list[str]]:
    """:func:`pool_step_text` of every window of ``plan``, one line per step, in order.

    Examples
    --------
    >>> from convviz.engine.pool_steps import pool_plan
    >>> plan_lines(pool_plan(np.array([[1., 3.], [4., 2.]]), 1, stride=2))
    [['max(1) = 1']]
    """
    if not isinstance(plan, PoolPlan):
        raise TypeError(f"`plan` must be a PoolPlan, got {type(plan).__name__}")
    steps = (plan.step(i) for i in range(plan.n_steps))
    return [[pool_step_text(s, plan.pad_mask[np.ix_(s.rows, s.cols)],
                            count_include_pad=count_include_pad)] for s in steps]
