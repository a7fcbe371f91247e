"""The padding/stride/dilation window grid as a grid-view payload: every window, sent once.

What :func:`convviz.teach.arithmetic.window_grid` lays out, for the browser's grid view
(:mod:`convviz.draw.grid_data`): the padded input, each cell showing how many windows cover
it (padding hatched), with the taps of the step's window lit (a dilated window shows its
gaps), and the output, each cell showing its window's number, filling in. Hovering an input
cell lights the output cells it feeds, "covered by N windows": N is the cell's count.

Windows are sent as strided boxes (:func:`convviz.draw.grid_data.box_cells`): a 16x16 input
with an 11x11 kernel at dilation 4 and full padding has 3,136 windows of 121 taps each.

The grid is read through its public attributes only (``pad_mask``, ``counts()``,
``out_shape``, ``n_windows``, ``window(i)``), so this module stays below ``convviz.teach``.

Examples
--------
>>> from convviz.teach.arithmetic import window_grid
>>> p = window_grid_payload(window_grid((5, 5), 3, stride=2, dilation=1))
>>> p["n_steps"], p["steps"]["boxes"][1], p["panels"][0]["text"][:5]
(4, [2, 3, 3, 5, 1], ['1', '1', '2', '1', '1'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.draw import render
from convviz.draw.grid_data import PAD, grid_panel, grid_payload, ramp_legend

__all__ = ["DONE", "window_grid_payload", "window_line"]

DONE = np.array([255, 224, 178], np.uint8)  #: the colour of an output cell computed


def _spaced(taps: tuple[int, ...]) -> str:
    """"2 to 6 (every 2nd)" for evenly spaced taps, "3" for one."""
    if len(taps) == 1:
        return str(taps[0])
    step = taps[1] - taps[0]
    nth = {2: "2nd", 3: "3rd"}.get(step, f"{step}th")
    return f"{taps[0]} to {taps[-1]}" + ("" if step == 1 else f" (every {nth})")


def window_line(index: int, n_windows: int, rows: tuple[int, ...],
                cols: tuple[int, ...]) -> str:
    """One window in words: its number and its taps' padded rows and columns.

    Examples
    --------
    >>> window_line(8, 9, (2, 4, 6), (2, 4, 6))
    'Window 9 of 9: taps on padded rows 2 to 6 (every 2nd), columns 2 to 6 (every 2nd)'
    >>> window_line(0, 4, (0,), (0, 1))
    'Window 1 of 4: taps on padded row 0, columns 0 to 1'
    """
    rw = "row" if len(rows) == 1 else "rows"
    cw = "column" if len(cols) == 1 else "columns"
    return (f"Window {index + 1} of {n_windows}: taps on padded {rw} {_spaced(rows)}, "
            f"{cw} {_spaced(cols)}")


def window_grid_payload(grid: Any, *, step: int = 0) -> dict[str, Any]:
    """Every window of ``grid`` as a grid-view payload (schema of :mod:`grid_data`).

    Parameters
    ----------
    grid : WindowGrid
        From :func:`convviz.teach.arithmetic.window_grid`, with at least one window
        (``grid.reason`` is None).
    step : int
        The 0-based step the browser starts at.

    Returns
    -------
    dict
        Panels ``"input"`` (source, the padded grid: each cell's window count, padding
        flagged :data:`~convviz.draw.grid_data.PAD`, coloured on the diverging scale up to
        the largest count, as the GIF and the old frames were) and ``"output"`` (target:
        each cell's window number, revealed step by step). Windows are ``steps["boxes"]``.

    Examples
    --------
    >>> from convviz.teach.arithmetic import window_grid
    >>> p = window_grid_payload(window_grid((7, 7), 3, dilation=2))
    >>> p["steps"]["boxes"][0], p["steps"]["lines"][8]
    ([0, 3, 3, 14, 2], ['Window 9 of 9: taps on padded rows 2 to 6 (every 2nd), columns 2 to 6 \
(every 2nd)'])
    """
    if not (hasattr(grid, "counts") and hasattr(grid, "window")):
        raise TypeError(f"`grid` must be a WindowGrid, got {type(grid).__name__}")
    if getattr(grid, "reason", None) or grid.n_windows < 1:
        raise ValueError(f"`grid` must have at least one window, got none ({grid.reason})")
    counts, mask = grid.counts(), grid.pad_mask
    hp, wp = mask.shape
    oh, ow = grid.out_shape
    n = grid.n_windows
    top = float(max(counts.max(), 1))
    colors = np.where(mask[..., None], np.uint8(render.PAD_FILL),
                      render.diverging_colors(counts, vmax=top)).astype(np.uint8)
    ramp = render.diverging_colors(np.linspace(0.0, top, 5), vmax=top)
    legend = ramp_legend("colour: windows covering the cell", ramp, ["0", str(int(top))])
    order = np.arange(1, n + 1).reshape(oh, ow)
    panels = [
        grid_panel("input", title=f"Padded input ({hp}x{wp}): windows per cell",
                   role="source", text=counts.astype(int).astype(str), colors=colors,
                   flags=np.where(mask, PAD, 0), legend=legend,
                   caption="hatched grey = padding" if mask.any() else None),
        grid_panel("output", title=f"Output ({oh}x{ow}): window number", role="target",
                   reveal=True, text=order.astype(str),
                   colors=np.broadcast_to(DONE, (oh, ow, 3))),
    ]
    boxes, lines, label = [], [], []
    for i in range(n):
        rows, cols = grid.window(i)
        dr = rows[1] - rows[0] if len(rows) > 1 else 0
        dc = cols[1] - cols[0] if len(cols) > 1 else 0
        boxes.append([rows[0] * wp + cols[0], len(rows), len(cols), dr * wp, dc])
        lines.append([window_line(i, n, rows, cols)])
        r, c = divmod(i, ow)
        label.append(f"output[{r}, {c}], window number")
    return grid_payload(panels, [[["input"], ["output"]]], boxes=boxes, lines=lines,
                        value=[str(i + 1) for i in range(n)], label=label,
                        target=list(range(n)), step=step)
