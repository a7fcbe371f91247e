"""Page settings in session state, the URL, and across page switches.

Streamlit deletes a keyed widget's value when a run does not draw that widget (another
page is open), so each setting keeps a shadow copy under ``_keep.<key>`` and is restored
from it when the learner comes back. On a first visit the URL's query parameters win.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from convviz.serve.params import Param
from convviz.ui.progress_view import load_progress_link

_KEEP = "_keep."


def init_settings(specs: Mapping[str, Param]) -> list[str]:
    """Give every setting a value in ``st.session_state`` before its widget is drawn.

    Order: the current widget value, the value kept from an earlier visit to the page,
    the URL (``?stride=2``), the default. Returns a message for each URL value that
    was not valid (the default is used instead). A ``?progress=<code>`` link is loaded
    into the session's progress first (:func:`save_settings` then leaves it out of the URL).
    """
    problems = load_progress_link()
    ss = st.session_state
    for key, spec in specs.items():
        if key in ss:
            continue
        if _KEEP + key in ss:
            ss[key] = ss[_KEEP + key]
            continue
        raw = st.query_params.get(key)
        if raw is not None:
            try:
                ss[key] = spec.parse(raw)
                continue
            except (ValueError, TypeError) as exc:
                problems.append(f"The link's `{key}={raw}` was ignored: {exc}.")
        ss[key] = spec.default
    return problems


def save_settings(specs: Mapping[str, Param]) -> None:
    """Keep each setting's current value and write it to the URL."""
    ss = st.session_state
    params = {}
    for key, spec in specs.items():
        if key in ss:
            ss[_KEEP + key] = ss[key]
            params[key] = spec.dump(ss[key])
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def share_hint() -> None:
    """Show this exact example's link, with a copy button (st.code has one)."""
    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    with st.expander("Share this exact example", icon=":material/link:"):
        st.caption("The address bar holds every setting of this page; copy it, or this link "
                   "(button at the right), to open exactly this example.")
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
