"""Results worth keeping between reruns: shared by all sessions, or kept in one session.

What is computed from a bundled sample photo is the same for everyone, so it is shared
(``st.cache_resource``: one object for all sessions, no copies, a bounded number of
entries that expire); what is computed from a user's upload or photo stays in that user's
session (uploaded data is kept only in the session), in a small store per purpose that
forgets the least recently used entries. Treat what :func:`kept` returns as read-only.
:func:`memo` is the one-entry case: the current sweep plan, the current frame's picture.

With these, a change of one kernel on the image page computes and encodes one feature
map, not all of them, and a rerun that changes nothing encodes no picture again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
SHARED_ENTRIES = 128  # results shared by all sessions (feature maps of the samples, ...)
SHARED_TTL = 2 * 3600  # seconds an unused shared result stays
SESSION_ENTRIES = 12  # results per store and session (at least the kernels of one page)


@st.cache_resource(max_entries=SHARED_ENTRIES, ttl=SHARED_TTL, show_spinner=False)
def _shared(key: tuple, _make: Callable[[], T]) -> T:
    return _make()


def kept(store: str, key: Hashable, make: Callable[[], T], *, shared: bool,
         entries: int = SESSION_ENTRIES) -> T:
    """``make()``, computed once per ``key`` and kept.

    Parameters
    ----------
    store : str
        The purpose (``"img.maps"``, say): a session state key for the session's store,
        and part of the shared key.
    key : hashable
        Everything the result depends on (include what identifies the image).
    make : callable
        Computes the result; an exception is not kept (the next run tries again).
    shared : bool
        True to share the result with every session (only for results that hold no user
        data, such as those of a bundled sample), False to keep it in this session.
    entries : int
        How many results this session's store keeps (least recently used go first).
    """
    if shared:
        return _shared((store, key), make)
    held = st.session_state.get(store)
    if not isinstance(held, OrderedDict):
        held = st.session_state[store] = OrderedDict()
    if key in held:
        held.move_to_end(key)
        return held[key]
    value = held[key] = make()
    while len(held) > entries:
        held.popitem(last=False)
    return value


def memo(key: str, token: Hashable, make: Callable[[], T]) -> T:
    """``make()``, kept in this session under ``key`` until ``token`` changes (one entry)."""
    return kept(key, token, make, shared=False, entries=1)
