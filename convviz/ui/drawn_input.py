"""A drawing as the convolution page's input grid: the "Draw the input" pad.

A new drawing replaces the input grid (``conv.x``, through
:func:`~convviz.ui.grid_editor.replace_grid`) as a preset does: each cell its share of ink,
0 to 9 (:func:`~convviz.imaging.drawing.drawing_to_grid`); the "Start from" menu then names it
:data:`DRAWN` (``conv.preset`` = :data:`~convviz.teach.examples.GIVEN`, ``conv.given``). While
the input is the drawing, a new size redraws it at that size instead of cropping it. Keys:
``conv.drawpad`` (the pad) and ``conv.drawn`` (what was last made the input).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from convviz.imaging.drawing import drawing_to_grid
from convviz.teach.examples import GIVEN
from convviz.ui.drawpad import drawing_state, drawpad
from convviz.ui.grid_editor import replace_grid

__all__ = ["DRAWN", "PAD_KEY", "drawn_input", "is_new_drawing"]

#: What the "Start from" menu calls a drawn input grid.
DRAWN = "your drawing (ink 0 to 9)"
PAD_KEY = "conv.drawpad"


def is_new_drawing(ink: str | None, shape: tuple[int, int], last: Any, *,
                   input_is_drawing: bool) -> bool:
    """Whether the pad's drawing should (again) become the input grid.

    Parameters
    ----------
    ink : str or None
        The pad's value's ``ink`` (None: nothing drawn).
    shape : (rows, cols)
        The input grid's size now.
    last : (str, (rows, cols)) or None
        The ink and size last made the input.
    input_is_drawing : bool
        The input grid is still that drawing (no preset was picked since).

    Examples
    --------
    >>> is_new_drawing("AAAA", (7, 7), None, input_is_drawing=False)
    True
    >>> is_new_drawing("AAAA", (7, 7), ("AAAA", (7, 7)), input_is_drawing=True)
    False
    >>> is_new_drawing("AAAA", (9, 7), ("AAAA", (7, 7)), input_is_drawing=True)
    True
    """
    if ink is None:
        return False
    if not isinstance(last, tuple) or len(last) != 2 or last[0] != ink:
        return True
    return input_is_drawing and tuple(last[1]) != tuple(shape)


def drawn_input() -> None:
    """Draw the pad for the input's size; make a new drawing the input grid.

    Call it before the "Start from" menu is drawn in the run (it may set the menu's value).
    """
    ss = st.session_state
    rows, cols = ss["conv.x"].shape
    ink = drawpad(PAD_KEY, (rows, cols), grid=True, width=260, label="Draw the input")
    st.caption(f"Each of the {rows}x{cols} cells becomes its share of ink as a whole number, "
               "from 0 (none) to 9 (full); Rows and Columns set how many cells there are.")
    value = drawing_state(PAD_KEY)
    key = value.get("ink") if ink is not None and isinstance(value, dict) else None
    drawing = ss["conv.preset"] == GIVEN and ss.get("conv.given") == DRAWN
    if is_new_drawing(key, (rows, cols), ss.get("conv.drawn"), input_is_drawing=drawing):
        replace_grid("conv.x", drawing_to_grid(ink, rows, cols))
        ss["conv.preset"], ss["conv.given"] = GIVEN, DRAWN
        ss["conv.drawn"] = (key, (rows, cols))
