"""The drawing pad: a square canvas in the browser (the ``convviz.drawpad`` component,
``convviz/ui/web/drawpad.js``) whose drawing arrives in Python as a numpy array.

The browser draws; Python hears the drawing only when a stroke ends or Clear is pressed (the
component's state ``drawing``, decoded and checked by
:func:`convviz.imaging.drawing.decode_drawing`). :func:`pad_payload` builds what the browser
is sent, without Streamlit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from convviz.base.checks import check_int, check_pair
from convviz.imaging.drawing import PAD_SIDE, decode_drawing, resample

__all__ = ["default_pen", "drawing_state", "drawpad", "pad_payload", "read_drawing"]



@functools.cache
def _pad() -> Callable[..., Any]:
    """The component, registered once per process on first use (not on every rerun).

    Not at import: outside a running app (pytest's doctest collection, the CLI) Streamlit's
    registry has not read the package manifest, and file-backed JS and CSS cannot be
    resolved. Another runtime (a second AppTest) gets the same files when the pad mounts.
    """
    return st.components.v2.component("convviz.drawpad", js="drawpad.js", css="drawpad.css")


def default_pen(rows: int, cols: int) -> float:
    """The medium pen's width, as a fraction of the pad's side, for a drawing that becomes
    ``rows`` x ``cols`` cells: one cell wide, but at least 9% of the side (a stroke of an
    MNIST digit is about 2.5 of its 28 pixels). The pad offers 0.6 and 1.6 times it too.

    Examples
    --------
    >>> default_pen(5, 5), default_pen(28, 28)
    (0.2, 0.09)
    """
    rows, cols = check_int(rows, "rows", minimum=1), check_int(cols, "cols", minimum=1)
    return round(max(0.09, 1 / min(rows, cols)), 4)


def pad_payload(*, pen: float, grid: tuple[int, int] | None = None, width: int = 280,
                label: str = "Drawing pad", drawing: Any = None) -> dict[str, Any]:
    """What the browser's pad is sent on each run (a few hundred bytes, plus the drawing).

    Parameters
    ----------
    pen : float
        The medium pen's width as a fraction of the pad's side, in (0, 0.5].
    grid : (rows, cols), optional
        Outline this many cells on the pad (what the drawing becomes); None draws no lines.
    width : int
        The largest width of the pad in CSS pixels (it shrinks with a narrow column), 120 to
        800.
    label : str
        The canvas's accessible name.
    drawing : dict or None
        The pad's current value, sent back so a pad mounted afresh shows it again.

    Returns
    -------
    dict
        JSON-ready: ``side`` (:data:`~convviz.imaging.drawing.PAD_SIDE`), ``pen``, ``grid``,
        ``width``, ``label``, ``drawing``.

    Examples
    --------
    >>> pad_payload(pen=0.2, grid=(5, 7))["grid"]
    [5, 7]
    """
    if isinstance(pen, bool) or not isinstance(pen, (int, float)) or not 0 < pen <= 0.5:
        raise ValueError(f"`pen` must be a fraction of the side in (0, 0.5], got {pen!r}")
    width = check_int(width, "width", minimum=1)
    if not 120 <= width <= 800:
        raise ValueError(f"`width` must be 120 to 800 pixels, got {width}")
    cells = None if grid is None else list(check_pair(grid, "grid"))
    return {"side": PAD_SIDE, "pen": float(pen), "grid": cells, "width": width,
            "label": str(label), "drawing": drawing}


def drawing_state(key: str) -> Any:
    """The pad's raw value under ``key`` (None before anything is drawn)."""
    state = st.session_state.get(key)
    return state.get("drawing") if hasattr(state, "get") else None


def read_drawing(value: Any, size: tuple[int, int]) -> np.ndarray | None:
    """The pad's value as a (rows, cols) float32 ink image in [0, 1], or None.

    Raises the :func:`~convviz.imaging.drawing.decode_drawing` errors for a malformed value.

    Examples
    --------
    >>> read_drawing(None, (28, 28)) is None
    True
    """
    rows, cols = check_pair(size, "size")
    ink = decode_drawing(value)
    return None if ink is None else resample(ink, rows, cols)


def drawpad(key: str, size: tuple[int, int] = (28, 28), *, pen: float | None = None,
            grid: bool = False, width: int = 280, label: str = "Drawing pad",
            on_change: Callable[[], None] | None = None) -> np.ndarray | None:
    """Draw the pad and return what is drawn on it.

    Parameters
    ----------
    key : str
        The component's key; its state is ``st.session_state[key]["drawing"]``.
    size : (rows, cols)
        The size of the array returned: the whole square pad averaged down to it (a
        non-square size stretches it). ``(64, 64)`` is the pad's own resolution.
    pen : float, optional
        The medium pen's width as a fraction of the side; by default
        :func:`default_pen` for ``size``.
    grid : bool
        Outline the ``size`` cells on the pad.
    width : int
        The pad's largest width in CSS pixels.
    label : str
        The canvas's accessible name.
    on_change : callable, optional
        Called (as a widget callback, before the run) when a stroke ends or Clear is pressed.

    Returns
    -------
    ndarray of float32, shape (rows, cols), or None
        Ink in [0, 1] (1 = a fully inked cell, light on dark), None before anything is drawn
        or after Clear. A malformed value from the browser shows an error and gives None.
    """
    rows, cols = check_pair(size, "size")
    data = pad_payload(pen=default_pen(rows, cols) if pen is None else pen,
                       grid=(rows, cols) if grid else None, width=width, label=label,
                       drawing=drawing_state(key))
    result = _pad()(data=data, key=key, default={"drawing": None},
                  on_drawing_change=on_change or (lambda: None), width="stretch",
                  height="content")
    try:
        return read_drawing(result.get("drawing"), (rows, cols))
    except (TypeError, ValueError) as exc:
        st.error(f"The drawing could not be read: {exc}. Press Clear and draw again.")
        return None
