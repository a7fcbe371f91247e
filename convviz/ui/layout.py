"""Page layout that stays readable on a classroom projector (1024 px wide).

:func:`side_by_side` is ``st.columns`` whose columns stand one under the other on screens
narrower than :data:`STACK_BELOW_PX`: the rule that does it is in ``assets/app.css``, keyed
on the container's ``stack-`` key.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

STACK_BELOW_PX = 1280  # the width of assets/app.css's media query for "stack-" rows


def side_by_side(spec: int | Sequence[float], *, key: str,
                 gap: str = "small") -> list[DeltaGenerator]:
    """Columns side by side on a wide screen, stacked below :data:`STACK_BELOW_PX`.

    Parameters
    ----------
    spec : int or sequence of float
        As for ``st.columns``: a number of equal columns or their relative widths.
    key : str
        A name for the row, unique on the page (letters, digits and dashes); the row's
        container is keyed ``"stack-" + key``.
    gap : {"small", "medium", "large"}
        The gap between the columns.

    Returns
    -------
    list of DeltaGenerator
        The columns, used as with ``st.columns``.

    Examples
    --------
    >>> data, arch = side_by_side([1, 1.5], key="train-setup")  # doctest: +SKIP
    """
    if not isinstance(key, str) or not key.replace("-", "").isalnum():
        raise ValueError(f"`key` must be letters, digits and dashes, got {key!r}")
    with st.container(key=f"stack-{key}"):
        return st.columns(spec, gap=gap)
