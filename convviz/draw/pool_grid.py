"""The pooling step view as a grid-view payload: every window of a pooling, sent once.

Built from the engine's :class:`~convviz.engine.pool_steps.PoolPlan` with the generic pieces
of :mod:`convviz.draw.grid_data`: the padded input (the "source": the step's window is lit,
padding hatched, the winner of a max window circled) and the output filling in (the
"target"). Every number is the engine's, written by :func:`convviz.draw.numbers.format_value`
as the page's text writes it; every colour is one diverging scale (the page's), as
:func:`convviz.draw.render.diverging_colors` draws it.

Examples
--------
>>> from convviz.engine.pool_steps import pool_plan
>>> plan = pool_plan(np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]]), 2)
>>> p = pool_grid_payload(plan, lines=[[f"step {i + 1}"] for i in range(plan.n_steps)])
>>> p["steps"]["value"], p["steps"]["marks"][0], p["steps"]["window"][0]
(['4', '2', '5', '8'], [4], [0, 1, 4, 5])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw import render
from convviz.draw.grid_data import PAD, diverging_legend, grid_panel, grid_payload
from convviz.draw.numbers import format_value
from convviz.engine.pool_steps import PoolPlan

__all__ = ["pool_grid_payload"]


def _write(values: np.ndarray) -> np.ndarray:
    """Each value as the page's text writes it (``-inf``, max pooling's padding, as -∞)."""
    return np.vectorize(lambda v: format_value(float(v)), otypes=[object])(values)


def pool_grid_payload(plan: PoolPlan, *, lines: Sequence[Sequence[str]],
                      vmax: float | None = None, step: int = 0) -> dict[str, Any]:
    """Every window of ``plan`` as a grid-view payload (schema of :mod:`grid_data`).

    Parameters
    ----------
    plan : PoolPlan
        From :func:`convviz.engine.pool_steps.pool_plan` (a global pooling is the plan
        whose one window is the whole map).
    lines : sequence of sequence of str, one entry per step
        The text under the grids at each step (the window's arithmetic, e.g.
        :func:`convviz.teach.pool_text.pool_step_text`).
    vmax : float, optional
        The colour scale's full magnitude for both grids; default the largest finite
        ``|value|`` of the input cells (padding left out).
    step : int
        The 0-based step the browser starts at.

    Returns
    -------
    dict
        Panels ``"input"`` (source, ``(Hp, Wp)``: padding flagged :data:`PAD`, each max
        window's winner in ``steps["marks"]``) and ``"output"`` (target, ``(H', W')``,
        revealed step by step, showing each step's ``value``).

    Examples
    --------
    >>> from convviz.engine.pool_steps import pool_plan
    >>> plan = pool_plan(np.arange(9.0).reshape(3, 3), 2, padding=1, mode="avg")
    >>> p = pool_grid_payload(plan, lines=[["."]] * 4)
    >>> p["panels"][0]["rows"], p["steps"]["value"], p["steps"]["marks"]
    (5, ['0', '0.75', '2.25', '6'], None)
    """
    if not isinstance(plan, PoolPlan):
        raise TypeError(f"`plan` must be a PoolPlan, got {type(plan).__name__}")
    if len(lines) != plan.n_steps:
        raise ValueError(f"`lines` must have one entry per step ({plan.n_steps}), "
                         f"got {len(lines)}")
    steps = [plan.step(i) for i in range(plan.n_steps)]
    hp, wp = plan.pad_mask.shape
    oh, ow = plan.out_shape
    values = np.array([s.value for s in steps], dtype=np.float64).reshape(oh, ow)
    inside = plan.padded[~plan.pad_mask]
    top = render.full_scale(inside, vmax)  # one scale for the input and the output
    colors = np.where(plan.pad_mask[..., None], np.uint8(render.PAD_FILL),
                      render.diverging_colors(plan.padded, top)).astype(np.uint8)
    legend = diverging_legend(np.array([top]))
    padded = bool(plan.pad_mask.any())
    caption = None
    if padded:
        caption = ("hatched = padding (-∞: it never wins)" if plan.mode == "max"
                   else "hatched = padding (0)")
    panels = [
        grid_panel("input", title=f"Input ({hp}x{wp}" + (" with padding)" if padded else ")"),
                   role="source", text=_write(plan.padded), colors=colors,
                   flags=np.where(plan.pad_mask, PAD, 0), caption=caption, legend=legend),
        grid_panel("output", title=f"Output ({oh}x{ow}), filling in", role="target",
                   reveal=True, text=_write(values),
                   colors=render.diverging_colors(values, top), legend=legend),
    ]
    marks = None
    if plan.mode == "max":
        marks = [[(s.rows[s.argmax[0]]) * wp + s.cols[s.argmax[1]]] for s in steps]
    label = [f"output[{r}, {c}] (row {r + 1}, column {c + 1})"
             for r, c in (s.out_pos for s in steps)]
    return grid_payload(
        panels, [[["input"], ["output"]]],
        window=[[r * wp + c for r in s.rows for c in s.cols] for s in steps],
        lines=[list(ln) for ln in lines], value=[format_value(s.value) for s in steps],
        label=label, target=[s.index for s in steps], marks=marks, step=step)
