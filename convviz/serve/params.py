"""Typed page settings that round-trip through the URL (pure: no streamlit here).

Each page declares its settings as :class:`Param` objects; :mod:`convviz.ui.state` reads
them from ``st.query_params`` on a first visit and writes them back after each run, so a
teacher can share a link that opens exactly the same example.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Param:
    """One setting: its default, how to read it from text, and how to write it back."""

    default: Any
    parse: Callable[[str], Any]
    dump: Callable[[Any], str] = str


def int_param(default: int, lo: int, hi: int) -> Param:
    """An integer in [lo, hi].

    Examples
    --------
    >>> int_param(1, 1, 4).parse("3")
    3
    """
    def parse(text: str) -> int:
        value = int(text)
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo} and {hi}, got {value}")
        return value
    return Param(default, parse)


def float_param(default: float, lo: float, hi: float) -> Param:
    """A finite float in [lo, hi]."""
    def parse(text: str) -> float:
        value = float(text)
        if not (np.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"must be between {lo} and {hi}, got {text}")
        return value
    return Param(default, parse, lambda v: f"{v:g}")


def choice_param(default: Any, options: Sequence[Any]) -> Param:
    """One of ``options`` (compared as text).

    Examples
    --------
    >>> choice_param("max", ["max", "avg"]).parse("avg")
    'avg'
    """
    table = {str(o): o for o in options}

    def parse(text: str) -> Any:
        if text not in table:
            raise ValueError(f"must be one of {', '.join(table)}, got {text!r}")
        return table[text]
    return Param(default, parse)


def bool_param(default: bool) -> Param:
    """A yes/no flag written as 1/0."""
    def parse(text: str) -> bool:
        if text.lower() in ("1", "true", "yes"):
            return True
        if text.lower() in ("0", "false", "no"):
            return False
        raise ValueError(f"must be 1 or 0, got {text!r}")
    return Param(default, parse, lambda v: "1" if v else "0")


def grid_to_text(grid: Any) -> str:
    """Rows separated by ';', values by ',' ("1,0,-1;2,0,-2").

    Examples
    --------
    >>> grid_to_text(np.array([[1.0, 0.5], [-2.0, 0.0]]))
    '1,0.5;-2,0'
    """
    arr = np.asarray(grid, dtype=np.float64)
    return ";".join(",".join(f"{v:g}" for v in row) for row in arr)


def text_to_grid(text: str, *, max_side: int = 16, limit: float | None = None) -> np.ndarray:
    """Parse :func:`grid_to_text` output back into a float64 (rows, cols) array.

    ``limit``, if given, bounds every value to ``-limit..limit`` (what the page's grid
    editor accepts), so a link cannot hand a page values its editor would refuse.

    Raises
    ------
    ValueError
        For ragged rows, non-numbers, non-finite values, values beyond ``limit`` or more
        than ``max_side`` per side.

    Examples
    --------
    >>> text_to_grid("1,2;3,4").tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> text_to_grid("1,200", limit=99)
    Traceback (most recent call last):
    ...
    ValueError: values must be between -99 and 99, got 200
    """
    rows = [r for r in text.split(";") if r.strip()]
    if not rows or len(rows) > max_side:
        raise ValueError(f"must have 1 to {max_side} rows, got {len(rows)}")
    data = [[float(v) for v in r.split(",")] for r in rows]
    widths = {len(r) for r in data}
    if len(widths) != 1 or not 1 <= widths.pop() <= max_side:
        raise ValueError("every row must have the same number of values (1 to "
                         f"{max_side})")
    arr = np.array(data, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("values must be finite numbers")
    if limit is not None and np.abs(arr).max() > limit:
        worst = arr.flat[int(np.argmax(np.abs(arr)))]
        raise ValueError(f"values must be between {-limit:g} and {limit:g}, got {worst:g}")
    return arr


def grid_param(default: Any, *, max_side: int = 16, limit: float | None = None) -> Param:
    """A small 2-D grid of numbers (a kernel or an input), values within ``±limit``."""
    return Param(np.asarray(default, dtype=np.float64),
                 lambda t: text_to_grid(t, max_side=max_side, limit=limit), grid_to_text)
