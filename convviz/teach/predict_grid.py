"""Small grids written out for a predict-first question: a Markdown table with row and column
numbers, and the input rows and columns a window covers.

Shared by the cell questions (:mod:`convviz.teach.predict_conv`, :mod:`convviz.teach.predict_pool`),
so both write grids, and give worksheets the window, the same way.

Examples
--------
>>> print(grid_table(np.array([[1, 2], [3, 4]])))
|   | 0 | 1 |
|---|---|---|
| **0** | 1 | 2 |
| **1** | 3 | 4 |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.draw.numbers import format_value

__all__ = ["MAX_GRID_SIDE", "grid_table", "is_whole", "padded_window", "to_lists"]

#: The largest side a question writes out as a table (a prompt must stay readable).
MAX_GRID_SIDE = 12


def grid_table(a: np.ndarray) -> str:
    """A 2-D array as a Markdown table, numbered from 0 along the rows and the columns.

    Parameters
    ----------
    a : ndarray, shape (H, W)

    Examples
    --------
    >>> grid_table(np.array([[0.5, -1.0]])).splitlines()[2]
    '| **0** | 0.5 | -1 |'
    """
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"`a` must be 2-D (H, W), got shape {a.shape}")
    head = "|   | " + " | ".join(str(c) for c in range(a.shape[1])) + " |"
    rule = "|---|" + "---|" * a.shape[1]
    rows = [f"| **{r}** | " + " | ".join(format_value(float(v)) for v in row) + " |"
            for r, row in enumerate(a)]
    return "\n".join([head, rule, *rows])


def padded_window(origin: tuple[int, int], rows: tuple[int, ...], cols: tuple[int, ...],
                  pads: Any) -> list[int]:
    """The input rows and columns a window covers: ``[r0, c0, r1, c1]``, ends exclusive.

    In the unpadded input's coordinates, so a window reaching into the padding has
    ``r0 < 0`` or ``r1 > H`` (likewise for columns). ``origin``, ``rows`` and ``cols``
    are a :class:`convviz.engine.steps.Step`'s, in padded coordinates; ``pads`` is
    ((top, bottom), (left, right)).

    Examples
    --------
    >>> padded_window((0, 2), (0, 1, 2), (2, 3, 4), ((1, 1), (1, 1)))
    [-1, 1, 2, 4]
    """
    (top, _), (left, _) = pads
    return [int(rows[0]) - top, int(cols[0]) - left, int(rows[-1]) + 1 - top,
            int(cols[-1]) + 1 - left]


def is_whole(a: Any) -> bool:
    """True when every number of ``a`` is a whole number (the answer is then exact).

    Examples
    --------
    >>> is_whole(np.array([1.0, -2.0])), is_whole(0.5)
    (True, False)
    """
    arr = np.asarray(a, dtype=float)
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))


def to_lists(a: np.ndarray) -> Any:
    """A JSON-ready nested list, whole numbers as ints.

    Examples
    --------
    >>> to_lists(np.array([[1.0, 2.5]]))
    [[1, 2.5]]
    """
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 0:
        v = float(arr)
        return int(v) if v.is_integer() else v
    return [to_lists(v) for v in arr]
