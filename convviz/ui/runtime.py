"""Every use of Streamlit's private runtime, in one place: one flag of its page manager.

Nothing else in convviz touches ``streamlit.runtime``; what the pages need to know about a
script run is built from public calls in :mod:`convviz.ui.runs`. tests/ui/test_runtime.py
checks what this module reads and writes against the real Streamlit objects, and
pyproject.toml caps streamlit at the newest minor version those tests passed on.

Why the one write remains
-------------------------
Streamlit treats an entry point with a ``pages/`` folder beside it as a version-1 multipage
app (every file in ``pages/`` a page, run without the entry point) until a run of the entry
point calls ``st.navigation``; from then on the whole process ignores the folder (documented
under ``st.navigation``). Streamlit 1.67 has no configuration option for this, and
``st.navigation`` is documented for the entry point only, which is the script a version-1
run of ``pages/pooling.py`` skips. So a shared link such as ``/pooling?pool.k=3`` opened as
the first visit after a restart runs the page without app.py (no wide layout, no sidebar,
file names as navigation). The only supported alternative, renaming ``pages/``, is ruled out
by the product brief's layout. :func:`leave_pages_folder_mode` therefore writes the flag that
``st.navigation`` itself sets, and the page reruns through app.py (the URL stays).
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager

__all__ = ["leave_pages_folder_mode"]


def leave_pages_folder_mode() -> bool:
    """Switch Streamlit off its version-1 ``pages/`` mode, as ``st.navigation`` does.

    Reads and writes the class attribute ``PagesManager.uses_pages_directory`` (one value
    for the whole server process: True while Streamlit runs ``pages/`` files as pages on
    their own, False once any run called ``st.navigation``). The caller reruns the page so
    that app.py's navigation routes it.

    Returns
    -------
    bool
        True when it switched (this run was a version-1 run of a page), False when Streamlit
        already routes through ``st.navigation``.

    Examples
    --------
    >>> leave_pages_folder_mode()  # no pages/ mode outside a server
    False
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False
