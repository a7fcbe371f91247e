"""A small 2-D grid of numbers edited cell by cell with ``st.data_editor``.

The grid itself lives in ``st.session_state[key]`` (a float array, usually also a URL
setting). The editor is drawn from a frozen copy (``<key>.base``) and its edits, which
Streamlit keeps as deltas against that copy, are applied in an ``on_change`` callback.
Replacing the whole grid (a preset, a resize) goes through :func:`replace_grid`, which
bumps a version in the editor's key so the old deltas are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st


def apply_edits(base: np.ndarray, state: Mapping[str, Any] | None) -> np.ndarray:
    """Apply ``st.data_editor``'s ``edited_rows`` deltas to a copy of ``base``.

    Columns are named "1", "2", ...; an emptied or non-numeric cell becomes 0.

    Examples
    --------
    >>> apply_edits(np.zeros((2, 2)), {"edited_rows": {1: {"2": 5}}}).tolist()
    [[0.0, 0.0], [0.0, 5.0]]
    """
    out = np.array(base, dtype=np.float64)
    for row, changes in ((state or {}).get("edited_rows") or {}).items():
        for col, value in changes.items():
            try:
                v = float(value)
            except (TypeError, ValueError):
                v = 0.0
            r, c = int(row), int(col) - 1
            if 0 <= r < out.shape[0] and 0 <= c < out.shape[1]:
                out[r, c] = v if np.isfinite(v) else 0.0
    return out


def replace_grid(key: str, grid: Any) -> None:
    """Set the grid under ``key`` and start a fresh editor (call it from callbacks)."""
    ss = st.session_state
    ss[key] = np.array(grid, dtype=np.float64)
    ss[f"{key}.ver"] = ss.get(f"{key}.ver", 0) + 1


def grid_editor(key: str, *, on_edit: Callable[[], None] | None = None,
                lo: float = -1e6, hi: float = 1e6, help: str | None = None) -> np.ndarray:
    """Draw the editor for ``st.session_state[key]`` and return the current grid."""
    ss = st.session_state
    wkey = f"{key}.editor{ss.setdefault(f'{key}.ver', 0)}"
    if wkey not in ss or f"{key}.base" not in ss:  # first draw, or back from another page
        ss[f"{key}.base"] = np.array(ss[key], dtype=np.float64)
    base = ss[f"{key}.base"]

    def changed() -> None:
        ss[key] = np.clip(apply_edits(base, ss.get(wkey)), lo, hi)
        if on_edit is not None:
            on_edit()

    cols = [str(c + 1) for c in range(base.shape[1])]
    config = {c: st.column_config.NumberColumn(c, min_value=lo, max_value=hi, required=True,
                                               width=44, help=help) for c in cols}
    st.data_editor(pd.DataFrame(base, columns=cols), key=wkey, on_change=changed,
                   num_rows="fixed", column_config=config, hide_index=True, width="content")
    return np.array(ss[key], dtype=np.float64)
