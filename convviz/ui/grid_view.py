"""The grid view in the page: mount the ``convviz.grid`` browser component, hear its step.

The component (``convviz/ui/web/grid.js``) draws a payload of
:mod:`convviz.draw.grid_data` and plays it in the browser; the server renders nothing per
frame. It tells Python the step it shows only when playback stops or the user steps,
scrubs or pins a cell, as the component state ``pick = {"step": i, "seq": n}``: ``seq``
grows with every report, so a report of the same step as an earlier one is still heard.
:func:`grid_view` turns that into the page's step (a session-state int) before drawing, so
the text below the grids, the URL and the share link follow it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

__all__ = ["GRID_COMPONENT", "grid_view", "heard_step"]

#: The component's full name: "<project>.<component>" of convviz/pyproject.toml.
GRID_COMPONENT = "convviz.grid"

@functools.cache
def _grid() -> Callable[..., Any]:
    """The mounting command, registered once per process on first use (not at import:
    outside a running app Streamlit has not read the package's component manifest yet).
    The JS and CSS are package assets (convviz/ui/web/)."""
    return st.components.v2.component(GRID_COMPONENT, js="grid.js", css="grid.css")


def heard_step(key: str, pos_key: str, n_steps: int) -> int:
    """The page's step after what the component ``key`` last reported, 0-based.

    A report not seen before (its ``seq`` differs from the last one handled) sets
    ``st.session_state[pos_key]``; otherwise that value stands (a link's or another
    page's step). The result is clipped to ``0..n_steps - 1``.

    Parameters
    ----------
    key : str
        The component's key.
    pos_key : str
        The session-state key of the page's step.
    n_steps : int
        How many steps the current payload has.

    Returns
    -------
    int
    """
    ss = st.session_state
    state = ss.get(key)
    pick = state.get("pick") if isinstance(state, Mapping) else None
    seen_key = f"{key}.seen"
    if isinstance(pick, Mapping) and isinstance(pick.get("step"), int) \
            and dict(pick) != ss.get(seen_key):
        ss[seen_key] = dict(pick)
        ss[pos_key] = pick["step"]
    pos = ss.get(pos_key, 0)
    pos = pos if isinstance(pos, int) and not isinstance(pos, bool) else 0
    ss[pos_key] = max(0, min(int(n_steps) - 1, pos))
    return ss[pos_key]


def grid_view(payload: dict[str, Any], *, key: str) -> None:
    """Mount the grid view with ``payload`` (from :mod:`convviz.draw.grid_data`).

    Call :func:`heard_step` first and build the payload with its step, so the browser
    starts where Python is.
    """
    if not isinstance(payload, Mapping) or "panels" not in payload:
        raise TypeError(f"`payload` must be a grid_data payload, got {type(payload).__name__}")
    _grid()(data=payload, key=key, on_pick_change=_heard, width="stretch", height="content")


def _heard() -> None:
    """The component reported a step: :func:`heard_step` reads it in the run that follows."""
