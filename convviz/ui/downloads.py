"""A download button with its budget: what the file will hold, said before anyone clicks.

Every export of the app goes through :func:`budgeted_download`. The page passes what one
click will make (a :class:`convviz.base.budget.Fit` or a :class:`convviz.base.budget.Cost`,
estimated from the settings before any work) and a function that makes it. Beside the
button the page says what was cut to fit the budget; when the server's memory limit would
be passed right now, the button is disabled and says why, so no work starts. The file is
made only on a click (the button's ``data`` is a callable), and the maker reserves its
memory again then (:func:`convviz.base.memory.reserve`), since a minute may have passed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from convviz.base import budget, memory

__all__ = ["budgeted_download"]


def budgeted_download(label: str, *, key: str, file_name: str, mime: str,
                      plan: budget.Fit | budget.Cost, make: Callable[[], bytes],
                      icon: str | None = None, help: str | None = None) -> bool:
    """Draw the download button of one export with its budget; return whether it is enabled.

    Parameters
    ----------
    label, key, file_name, mime, icon, help
        As in ``st.download_button``.
    plan : Fit or Cost
        What a click makes: its :attr:`~convviz.base.budget.Fit.note` (what was cut, and why)
        is shown as a caption beside the button.
    make : callable () -> bytes
        Makes the file, on a click only.
    """
    cost = plan.cost if isinstance(plan, budget.Fit) else plan
    note = plan.note if isinstance(plan, budget.Fit) else None
    try:
        refusal = memory.memory_refusal(cost.peak_bytes, cost.what)
    except ValueError as exc:  # an invalid CONVVIZ_MAX_MEMORY_MB: the server's setup
        refusal = f"Downloads are off: {exc}."
    st.download_button(label, key=key, file_name=file_name, mime=mime, on_click="ignore",
                       icon=icon, help=help, disabled=refusal is not None,
                       data=make if refusal is None else b"")
    if refusal is not None:
        st.warning(refusal, icon=":material/memory:")
    elif note:
        st.caption(note)
    return refusal is None
