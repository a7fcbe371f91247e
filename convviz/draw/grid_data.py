"""What the browser's grid view draws: the engine's numbers for a whole step sequence, once.

The grid view (``convviz/ui/web/grid.js``, mounted by :mod:`convviz.ui.grid_view`) gets one
JSON payload per rerun and draws, links and plays it in the browser with no server work per
frame. This module holds that payload's schema and its generic pieces (pure: no
streamlit): :func:`grid_panel`, :func:`grid_payload`, the legends. Every number is written
by :mod:`convviz.draw.numbers` and every colour comes from the scales of
:mod:`convviz.draw.render`, as in the GIF export, and is sent as ``"#rrggbb"``: the
browser does no arithmetic and no rounding.

Payload schema (version 1)
--------------------------
Cells are numbered row-major inside their panel: cell ``r * cols + c``.

``payload``::

    {"schema": 1,
     "token": str,          # changes whenever anything but "step" changes; the browser
                            # then starts again, paused, at "step"
     "n_steps": int,        # >= 1
     "step": int,           # 0-based step Python shows; the browser starts there
     "palette": ["#rrggbb", ...],       # every colour used; cells refer to it by index
     "panels": [panel, ...],
     "layout": [[[id, ...], ...], ...],   # rows of columns of panel ids stacked top down
     "steps": {
        "window": [[cell, ...], ...] | None,  # per step: lit cells of every "source" panel
        "boxes": [[start, n_rows, n_cols, row_step, col_step], ...],
                                          # only instead of "window" (long windows): the
                                          # lit cells start + a * row_step + b * col_step,
                                          # a < n_rows, b < n_cols (see box_cells)
        "target": [cell, ...] | None,     # per step: the cell of every "target" panel
        "marks": [[cell, ...], ...] | None,  # per step: circled cells of "source" panels
        "lines": [[str, ...], ...],       # per step: the text under the grids (equation)
        "value": [str, ...],              # per step: the value it produces, as written
        "label": [str, ...]}}             # per step: where it goes ("output[0, 1] ...")

``panel``::

    {"id": str, "title": str, "caption": str | None,
     "role": "source" | "target" | "plain",
        # source: the step's window is lit, hovering a cell lights every target cell it
        #   feeds ("covered by N windows"); target: the step's cell is outlined, hovering
        #   a cell shows its step, clicking pins it; plain: no linking
     "rows": int, "cols": int,
     "text": [str] * rows * cols,         # what each cell shows
     "colors": [int] * rows * cols,       # its background: an index into "palette"
     "flags": [int] * rows * cols | None, # bit 1: padding (hatched), bit 2: circled
     "reveal": bool,                      # target: cell k shown once its step is reached
     "frames": [{"text": [...], "colors": [...], "ticks": [str, ...] | None}] | None,
                                          # per step: contents replacing text and colors,
                                          # and the legend's ticks when the scale moves
     "notes": [str] * n_steps | None,     # per step: one line under the panel
     "legend": legend | None,
     # optional keys (absent when not used):
     "lit": [[cell, ...], ...],           # per step: this panel's own lit cells, drawn as
                                          # the window (any role; for views whose panels
                                          # have different shapes, e.g. a scatter)
     "hover": [str] * rows * cols,        # per cell: the read-out line when hovered
     "links": {panel_id: [[cell, ...]] * rows * cols}}
                                          # per cell: cells of other panels lit on hover

``legend``: ``{"title": str, "colors": ["#rrggbb", ...], "ticks": [str, ...]}``: a colour
bar through ``colors`` (evenly spaced; hex strings, not palette indices), with ``ticks``
evenly spaced under it (the first at the left end, the last at the right end).

:func:`grid_panel` takes colours as uint8 arrays and writes hex strings; :func:`grid_payload`
then gathers every cell colour into ``palette`` (a payload carries a few hundred distinct
colours for thousands of cells).

To reuse it (pooling, window grids, gradients): build panels with :func:`grid_panel`, one
window list per step (flat cells of the source panels), then :func:`grid_payload`.

The convolution step view's builder is :mod:`convviz.draw.conv_grid`; pooling's
:mod:`convviz.draw.pool_grid`, the window grid's :mod:`convviz.draw.window_grid`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw import render
from convviz.draw.conv_view import fmt

__all__ = ["PAD", "ROLES", "SCHEMA", "MARK", "box_cells", "diverging_legend", "grid_panel",
           "grid_payload", "hex_colors", "ramp_legend"]

SCHEMA = 1  #: the payload's schema version
ROLES = ("source", "target", "plain")  #: what a panel does when linking
PAD = 1  #: cell flag: a padding cell (drawn hatched)
MARK = 2  #: cell flag: a circled cell (the winner of a max pool)


def hex_colors(rgb: Any) -> list[str]:
    """uint8 colours, shape (..., 3), as a flat list of ``"#rrggbb"`` strings (row-major).

    Examples
    --------
    >>> hex_colors(np.array([[[255, 140, 0], [0, 0, 0]]], dtype=np.uint8))
    ['#ff8c00', '#000000']
    """
    arr = np.asarray(rgb)
    if arr.ndim < 1 or arr.shape[-1] != 3:
        raise ValueError(f"`rgb` must have shape (..., 3), got {arr.shape}")
    if arr.dtype != np.uint8:
        raise TypeError(f"`rgb` must be uint8, got {arr.dtype}")
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in arr.reshape(-1, 3).tolist()]


def ramp_legend(title: str, colors: Any, ticks: Sequence[str]) -> dict[str, Any]:
    """A legend: a colour bar through ``colors`` (uint8, (n, 3)) with ``ticks`` under it.

    Examples
    --------
    >>> ramp_legend("gray", np.array([[0, 0, 0], [255, 255, 255]], np.uint8), ["0", "9"])
    {'title': 'gray', 'colors': ['#000000', '#ffffff'], 'ticks': ['0', '9']}
    """
    stops = hex_colors(np.asarray(colors))
    if len(stops) < 2:
        raise ValueError(f"`colors` must hold at least 2 colours, got {len(stops)}")
    if len(ticks) < 2:
        raise ValueError(f"`ticks` must hold at least 2 labels, got {len(ticks)}")
    return {"title": str(title), "colors": stops, "ticks": [str(t) for t in ticks]}


def diverging_legend(values: Any, title: str = "colour: blue < 0 < red") -> dict[str, Any]:
    """The legend of :func:`convviz.draw.render.diverging_colors` of ``values``: -v, 0, v,
    with v the scale's full magnitude (:func:`convviz.draw.render.full_scale`).

    Examples
    --------
    >>> diverging_legend(np.array([-2.0, 0.5]))["ticks"]
    ['-2', '0', '2']
    """
    top = render.full_scale(np.asarray(values, dtype=np.float64))
    return ramp_legend(title, render.DIVERGING.astype(np.uint8),
                       [fmt(-top), "0", fmt(top)])


def _cells(name: str, value: Any, shape: tuple[int, int]) -> list:
    arr = np.asarray(value, dtype=object)
    if arr.shape != shape:
        raise ValueError(f"`{name}` must have shape {shape}, got {arr.shape}")
    return arr.reshape(-1).tolist()


def grid_panel(panel_id: str, *, title: str, text: Any, colors: Any, role: str = "plain",
               caption: str | None = None, flags: Any = None, reveal: bool = False,
               legend: dict[str, Any] | None = None,
               frames: Sequence[dict[str, Any]] | None = None,
               notes: Sequence[str] | None = None,
               lit: Sequence[Sequence[int]] | None = None,
               hover: Any = None,
               links: dict[str, Sequence[Sequence[int]]] | None = None) -> dict[str, Any]:
    """One grid of the payload (see the module's schema).

    Parameters
    ----------
    panel_id : str
        Unique within the payload.
    title : str
    text : array_like of str, shape (rows, cols)
        What each cell shows.
    colors : ndarray of uint8, shape (rows, cols, 3)
        Each cell's background.
    role : {"source", "target", "plain"}
    caption : str, optional
        A line under the title (what hatching means, ...).
    flags : array_like of int, shape (rows, cols), optional
        :data:`PAD` and :data:`MARK` bits.
    reveal : bool
        A target whose cells appear once their step is reached.
    legend : dict, optional
        From :func:`ramp_legend` or :func:`diverging_legend`.
    frames : sequence of dict, optional
        Per step ``{"text": (rows, cols) str, "colors": (rows, cols, 3) uint8,
        "ticks": the legend's labels at this step, or None}`` (arrays: flattened here).
    notes : sequence of str, optional
        Per step, one line under the panel.
    lit : sequence of sequence of int, optional
        Per step, this panel's cells to light (flat, row-major).
    hover : array_like of str, shape (rows, cols), optional
        Per cell, the read-out line shown while it is hovered.
    links : dict, optional
        ``{other panel id: one list of that panel's cells per cell of this one}``: the
        cells lit while a cell of this panel is hovered.

    Returns
    -------
    dict

    Examples
    --------
    >>> p = grid_panel("k", title="kernel", text=[["1", "-1"]],
    ...                colors=np.zeros((1, 2, 3), np.uint8))
    >>> p["rows"], p["cols"], p["colors"]
    (1, 2, ['#000000', '#000000'])
    """
    if role not in ROLES:
        raise ValueError(f"`role` must be one of {ROLES}, got {role!r}")
    text_arr = np.asarray(text, dtype=object)
    if text_arr.ndim != 2 or 0 in text_arr.shape:
        raise ValueError(f"`text` must be a non-empty (rows, cols) grid, got {text_arr.shape}")
    shape = text_arr.shape
    col_arr = np.asarray(colors)
    if col_arr.shape != (*shape, 3):
        raise ValueError(f"`colors` must have shape {(*shape, 3)}, got {col_arr.shape}")
    panel: dict[str, Any] = {
        "id": str(panel_id), "title": str(title), "caption": caption, "role": role,
        "rows": int(shape[0]), "cols": int(shape[1]),
        "text": [str(t) for t in _cells("text", text_arr, shape)],
        "colors": hex_colors(col_arr), "reveal": bool(reveal), "legend": legend,
        "flags": None if flags is None else [int(f) for f in _cells("flags", flags, shape)],
        "frames": None, "notes": None if notes is None else [str(n) for n in notes],
    }
    if lit is not None:
        panel["lit"] = [[int(c) for c in cells] for cells in lit]
    if hover is not None:
        panel["hover"] = [str(t) for t in _cells("hover", np.asarray(hover, dtype=object),
                                                 shape)]
    if links is not None:
        size = shape[0] * shape[1]
        panel["links"] = {}
        for other, per_cell in links.items():
            if len(per_cell) != size:
                raise ValueError(f"`links` to {other!r} must hold one cell list per cell "
                                 f"({size}), got {len(per_cell)}")
            panel["links"][str(other)] = [[int(c) for c in cells] for cells in per_cell]
    if frames is not None:
        panel["frames"] = []
        for f in frames:
            fcol = np.asarray(f["colors"])
            if fcol.shape != (*shape, 3):
                raise ValueError(f"`frames` colors must have shape {(*shape, 3)}, "
                                 f"got {fcol.shape}")
            ticks = f.get("ticks")
            panel["frames"].append({
                "text": [str(t) for t in _cells("frames text", f["text"], shape)],
                "colors": hex_colors(fcol),
                "ticks": None if ticks is None else [str(t) for t in ticks]})
    return panel


def box_cells(box: Sequence[int]) -> list[int]:
    """The cells of a strided box ``[start, n_rows, n_cols, row_step, col_step]``, in order.

    A window of a dilated kernel, ``n_rows`` x ``n_cols`` taps: in a panel of ``cols``
    columns, ``row_step = dilation * cols`` and ``col_step = dilation``.

    Examples
    --------
    >>> box_cells([1, 2, 3, 10, 2])
    [1, 3, 5, 11, 13, 15]
    """
    start, nr, nc, rs, cs = _checked_box(box)
    return [start + a * rs + c * cs for a in range(nr) for c in range(nc)]


def _checked_box(box: Sequence[int]) -> list[int]:
    b = [int(v) for v in box]
    if len(b) != 5 or b[0] < 0 or b[1] < 1 or b[2] < 1 or b[3] < 0 or b[4] < 0:
        raise ValueError("`box` must be [start >= 0, n_rows >= 1, n_cols >= 1, row_step >= 0, "
                         f"col_step >= 0], got {list(box)}")
    return b


def grid_payload(panels: Sequence[dict[str, Any]], layout: Sequence[Sequence[Sequence[str]]],
                 *, window: Sequence[Sequence[int]] | None = None,
                 lines: Sequence[Sequence[str]], value: Sequence[str], label: Sequence[str],
                 target: Sequence[int] | None = None,
                 marks: Sequence[Sequence[int]] | None = None,
                 boxes: Sequence[Sequence[int]] | None = None, step: int = 0) -> dict[str, Any]:
    """The whole payload (see the module's schema), checked, with its ``token``.

    Parameters
    ----------
    panels : sequence of dict
        From :func:`grid_panel`.
    layout : rows of columns of panel ids
        Every panel appears exactly once.
    window, lines, value, label, target, marks : one entry per step
        See the schema. ``target`` is needed when a panel has the "target" role.
    boxes : one ``[start, n_rows, n_cols, row_step, col_step]`` per step, optional
        Instead of ``window``: each step's lit cells as a strided box (:func:`box_cells`),
        a few numbers however many taps the window has.
    step : int
        The 0-based step the browser starts at (clipped to the steps).

    Returns
    -------
    dict, JSON-serialisable

    Examples
    --------
    >>> p = grid_panel("x", title="x", text=[["1", "2"]], colors=np.zeros((1, 2, 3), np.uint8),
    ...                role="source")
    >>> out = grid_payload([p], [[["x"]]], window=[[0], [1]], lines=[["a"], ["b"]],
    ...                    value=["1", "2"], label=["first", "second"], step=5)
    >>> out["n_steps"], out["step"], len(out["token"])
    (2, 1, 16)
    """
    if (window is None) == (boxes is None):
        raise ValueError("give either `window` (cell lists) or `boxes` (strided boxes)")
    if boxes is not None:
        boxes = [_checked_box(b) for b in boxes]
        corners = [[b[0], b[0] + (b[1] - 1) * b[3] + (b[2] - 1) * b[4]] for b in boxes]
    n = len(window if window is not None else boxes)
    if n < 1:
        raise ValueError("`window` must hold one cell list per step, got no steps")
    per_step = {"lines": lines, "value": value, "label": label, "target": target,
                "marks": marks}
    for name, seq in per_step.items():
        if seq is not None and len(seq) != n:
            raise ValueError(f"`{name}` must have one entry per step ({n}), got {len(seq)}")
    ids = [p["id"] for p in panels]
    if len(set(ids)) != len(ids):
        raise ValueError(f"`panels` ids must be unique, got {ids}")
    placed = [pid for row in layout for col in row for pid in col]
    if sorted(placed) != sorted(ids):
        raise ValueError(f"`layout` must place every panel once: panels {ids}, "
                         f"layout {placed}")
    if target is None and any(p["role"] == "target" for p in panels):
        raise ValueError("`target` is needed when a panel has the 'target' role")
    for p in panels:
        size = p["rows"] * p["cols"]
        cells = (window if window is not None else corners) if p["role"] == "source" else (
            [[t] for t in target] if p["role"] == "target" else [])
        bad = [c for cs in cells for c in cs if not 0 <= int(c) < size]
        if bad:
            raise ValueError(f"cell {bad[0]} is outside panel {p['id']!r} "
                             f"({p['rows']}x{p['cols']})")
        if p.get("lit") is not None:
            if len(p["lit"]) != n:
                raise ValueError(f"panel {p['id']!r}: `lit` must have one entry per step "
                                 f"({n}), got {len(p['lit'])}")
            bad = [c for cs in p["lit"] for c in cs if not 0 <= c < size]
            if bad:
                raise ValueError(f"lit cell {bad[0]} is outside panel {p['id']!r} "
                                 f"({p['rows']}x{p['cols']})")
        for other, per_cell in (p.get("links") or {}).items():
            if other not in ids:
                raise ValueError(f"panel {p['id']!r} links to {other!r}, which is not a "
                                 f"panel (panels {ids})")
            o = next(q for q in panels if q["id"] == other)
            bad = [c for cs in per_cell for c in cs if not 0 <= c < o["rows"] * o["cols"]]
            if bad:
                raise ValueError(f"panel {p['id']!r} links to cell {bad[0]}, outside panel "
                                 f"{other!r} ({o['rows']}x{o['cols']})")
        for name in ("frames", "notes"):
            if p[name] is not None and len(p[name]) != n:
                raise ValueError(f"panel {p['id']!r}: `{name}` must have one entry per step "
                                 f"({n}), got {len(p[name])}")
    body = {
        "schema": SCHEMA, "n_steps": n, "panels": list(panels),
        "layout": [[list(col) for col in row] for row in layout],
        "steps": {"window": None if window is None else [[int(c) for c in w] for w in window],
                  "target": None if target is None else [int(t) for t in target],
                  "marks": None if marks is None else [[int(c) for c in m] for m in marks],
                  "lines": [[str(t) for t in ln] for ln in lines],
                  "value": [str(v) for v in value], "label": [str(s) for s in label]},
    }
    if boxes is not None:
        body["steps"]["boxes"] = boxes
    body["panels"], body["palette"] = _palette(body["panels"])
    token = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {**body, "token": token, "step": int(min(max(int(step), 0), n - 1))}


def _palette(panels: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Copies of ``panels`` with hex cell colours replaced by indices into the palette."""
    index: dict[str, int] = {}

    def ids(colors: list[str]) -> list[int]:
        return [index.setdefault(c, len(index)) for c in colors]

    out = []
    for p in panels:
        q = {**p, "colors": ids(p["colors"])}
        if p["frames"] is not None:
            q["frames"] = [{**f, "colors": ids(f["colors"])} for f in p["frames"]]
        out.append(q)
    return out, list(index)
