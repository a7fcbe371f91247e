"""The pooling page's "Why pool?" picture: a map, the map shifted, and their max pooling.

Three maps (as they are, shifted 1 and 2 cells right) above their 2x2, stride-2 max
pooling, as one static grid-view payload (:func:`convviz.draw.static_grids.static_payload`):
the browser sizes the cells to its column and writes every number at 12 px or more. All
six grids share one colour scale (white 0 to red at the largest value), so one legend
serves them all; its title says so.

Examples
--------
>>> from convviz.teach.pool_text import shift_demo
>>> p = shift_payload([shift_demo(k)[1] for k in (0, 1, 2)])
>>> [q["id"] for q in p["panels"]]
['map0', 'pool0', 'map1', 'pool1', 'map2', 'pool2']
>>> p["layout"]
[[['map0', 'pool0'], ['map1', 'pool1'], ['map2', 'pool2']]]
>>> [(q["title"], q["caption"]) for q in p["panels"][1::2]]
[('max pooled', None), ('max pooled', 'the same output'), ('max pooled', 'a new output')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw import render
from convviz.draw.grid_data import grid_panel, ramp_legend
from convviz.draw.numbers import format_value
from convviz.draw.static_grids import number_texts, static_payload
from convviz.engine.pooling import pool2d

__all__ = ["SHARED_LEGEND", "shift_payload"]

#: The title of the one legend the six grids share (a browser test looks for it).
SHARED_LEGEND = "colour (every grid here)"


def shift_payload(maps: Sequence[Any]) -> dict[str, Any]:
    """The shift demo as a static grid-view payload: one column per map, the map above its
    max pooling (2x2 windows, stride 2), one legend under the last grid.

    Parameters
    ----------
    maps : sequence of array_like, each of shape (H, W), H and W even, values >= 0
        The map as it is, then the same map shifted 1, 2, ... cells right.

    The colours are :func:`convviz.draw.render.diverging_colors` with ``vmax`` the map's
    largest value (the maps hold no negative numbers: white at 0 to red); the pooled
    captions say whether pooling the shifted map gives the same output as the first.

    Returns
    -------
    dict
        A one-step payload of :mod:`convviz.draw.grid_data`.

    Examples
    --------
    >>> p = shift_payload([np.eye(4) * 9, np.roll(np.eye(4) * 9, 1, axis=1)])
    >>> p["panels"][0]["rows"], p["panels"][1]["rows"], p["panels"][3]["legend"]["ticks"]
    (4, 2, ['0', '3', '6', '9'])
    """
    grids = [np.asarray(m, dtype=np.float64) for m in maps]
    if len(grids) < 2:
        raise ValueError(f"`maps` must hold the map and at least one shift, got {len(grids)}")
    shape = grids[0].shape
    if len(shape) != 2 or shape[0] % 2 or shape[1] % 2 or shape[0] < 2 or shape[1] < 2:
        raise ValueError(f"`maps` must be (rows, cols) grids of even sides, got {shape}")
    if any(g.shape != shape for g in grids):
        raise ValueError(f"`maps` must all have shape {shape}, got "
                         f"{[g.shape for g in grids]}")
    if any((g < 0).any() or not np.isfinite(g).all() for g in grids):
        raise ValueError("`maps` must hold finite values >= 0 (one white-to-red scale)")
    top = render.full_scale(grids[0])
    first = pool2d(grids[0], 2)
    panels = []
    for k, moved in enumerate(grids):
        pooled = pool2d(moved, 2)
        if k == 0:
            name, verdict = f"A map ({shape[0]}x{shape[1]})", None
        else:
            name = f"Shifted {k} right"
            verdict = "the same output" if np.array_equal(pooled, first) else "a new output"
        panels.append(grid_panel(f"map{k}", title=name, text=number_texts(moved),
                                 colors=render.diverging_colors(moved, vmax=top)))
        last = k == len(grids) - 1
        # The positive half of the diverging scale: stops at 0, top/3, 2 top/3, top.
        legend = ramp_legend(SHARED_LEGEND, render.DIVERGING[3:].astype(np.uint8),
                             [format_value(top * i / 3) for i in range(4)]) if last else None
        panels.append(grid_panel(f"pool{k}", title="max pooled", caption=verdict,
                                 text=number_texts(pooled),
                                 colors=render.diverging_colors(pooled, vmax=top),
                                 legend=legend))
    layout = [[[f"map{k}", f"pool{k}"] for k in range(len(grids))]]
    return static_payload(panels, layout)
