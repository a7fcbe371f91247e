"""What app.py sets up for every page: deep links on a first visit, interactive runs counted.

:func:`foreground` is the server's one :class:`~convviz.serve.foreground.Foreground`: app.py
counts every full page run in it, and training ticks yield to those runs.


Streamlit treats an app with a ``pages/`` folder as a version-1 multipage app until the
entry point has called ``st.navigation`` once in that server process. A shared link such
as ``/convolution?conv.stride=2`` opened first after a restart would then run the page
without app.py (no wide layout, no sidebar, file names as navigation). Each page calls
:func:`ensure_app` first: in that situation it switches Streamlit to app.py's navigation
(:func:`convviz.ui.runtime.leave_pages_folder_mode`, why there is no public way: there)
and reruns, which keeps the URL, so the same page opens with its query parameters.
"""

from __future__ import annotations

import streamlit as st

from convviz.serve.foreground import Foreground
from convviz.ui.runtime import leave_pages_folder_mode


@st.cache_resource
def foreground() -> Foreground:
    """The server's count of interactive page runs, shared by every session."""
    return Foreground()


def ensure_app() -> None:
    """Rerun through app.py's ``st.navigation`` when Streamlit ran this page directly."""
    if leave_pages_folder_mode():
        st.rerun()
