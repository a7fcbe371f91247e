"""The teacher's browser keeps the class it teaches: a reload or a second tab teaches on.

Only a browser *session* holds a class's secret (:data:`convviz.ui.class_session.TEACHER`),
and pressing F5, typing a page's address or opening a second tab starts a new session. So
the teacher's browser keeps ``{code, secret}`` too, in its ``localStorage`` for this site
(the ``convviz.keeper`` component, ``convviz/ui/web/keeper.js``: invisible, no layout
space):

- while this session teaches a class, the keeper stores its code and secret (starting a new
  class replaces them); a student's session never has a secret to store;
- when this session stops teaching that class (End class, or the class was not found), the
  keeper drops exactly that code and secret;
- in a session that teaches nothing and joined no class, the keeper reports what it holds
  (its state ``held``) once per mount; :func:`kept_handle` checks it against the store (the
  secret must match the class's hash, and the class must be live): if it does, the session
  teaches that class again ("Welcome back: ..."); if the class ended or expired or the
  secret does not match, the keeper drops it.

The secret never appears in a URL or on the page. The Class page and every arithmetic page
(through :func:`convviz.ui.predict.predict_toggle`) call :func:`keep_teacher` first.

Just after a reload, the session's first run cannot know yet what the browser holds: the
keeper reports it once its script runs, and that report's rerun restores the class. So the
Class page's landing (start or join a class) is drawn in a container keyed :data:`LANDING`
beside :func:`waiting_note` (keyed :data:`WAITING`), and ``assets/classroom.css`` shows the
note instead of the landing until the keeper marks the page ready (``data-convviz-keeper=
"ready"`` on the document's root): at once when the browser holds no class (or keeps
nothing, or this session teaches or joined one), else once Python has heard what it holds
(the payload's ``heard``): the class is restored (no landing is drawn), or dropped, or the
store is away (the landing and a message). Should the keeper's script never run, the
landing shows after :data:`FALLBACK_SECONDS` all the same (a CSS animation).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from convviz.serve import classroom
from convviz.serve.class_store import ClassStore, StoreUnavailable
from convviz.serve.classroom import ClassHandle
from convviz.ui import class_session as cs

__all__ = ["CHECKED", "DROP", "FALLBACK_SECONDS", "KEPT", "KEY", "LANDING", "STORAGE_KEY",
           "WAITING", "WAITING_TEXT", "held_handle", "keep_teacher", "keeper_payload",
           "kept_handle", "waiting_note", "welcome_text"]

KEY = "class.keeper"  # the component's key; its state is {"held": {code, secret} or None}
CHECKED = "class.keeper.checked"  # the held handle this session has checked (no rerun re-reads)
DROP = "class.keeper.drop"  # a handle this browser must no longer hold
KEPT = "class.keeper.kept"  # the handle this session asked the browser to keep
STORAGE_KEY = "convviz.class.teacher"  # keeper.js's localStorage item (named here for tests)
MAX_SECRET = 64  # characters; classroom.start_class's secrets have 22
LANDING = "class-landing"  # the container of the Class page's landing (start or join)
WAITING = "class-restoring"  # the container of waiting_note
#: What the Class page says until the keeper has answered (true for a teacher's reload and
#: for a first visit alike: the keeper is looking).
WAITING_TEXT = "Looking for a class this browser teaches..."
FALLBACK_SECONDS = 10  # assets/classroom.css: the landing shows after this even so (a loaded
# server can take several seconds to hear the keeper: 3 s let a reload flash the landing)


@functools.cache
def _keeper() -> Callable[..., Any]:
    """The component, registered once per process on first use (see ``drawpad._pad``)."""
    return st.components.v2.component("convviz.keeper", js="keeper.js")


def held_handle(value: object) -> ClassHandle | None:
    """The class handle in the keeper's state ``held`` (sent by a browser: not trusted), or
    None when it is not a ``{"code": str, "secret": str}`` of sensible lengths.

    Examples
    --------
    >>> held_handle({"code": "ABCD2", "secret": "s3cret"})
    ClassHandle(code='ABCD2', secret='s3cret')
    >>> held_handle({"code": "ABCD2"}), held_handle("ABCD2"), held_handle(None)
    (None, None, None)
    """
    try:
        code, secret = value.get("code"), value.get("secret")  # type: ignore[union-attr]
    except AttributeError:
        return None
    if not (isinstance(code, str) and isinstance(secret, str)):
        return None
    if not classroom.is_code(code) or not 1 <= len(secret) <= MAX_SECRET:
        return None
    return ClassHandle(code.strip().upper(), secret)


def kept_handle(store: ClassStore, handle: ClassHandle) -> ClassHandle | None:
    """``handle`` when it still drives a live class of ``store``, else None.

    It does when the class exists (it was not ended and has not expired) and ``handle``'s
    secret matches the hash the store keeps; nothing is changed in the store.

    Parameters
    ----------
    store : ClassStore
        The class store every process shares.
    handle : ClassHandle
        What a browser kept (see :func:`held_handle`).

    Returns
    -------
    ClassHandle or None

    Raises
    ------
    StoreUnavailable
        The store cannot be reached: nothing can be said about the class.

    Examples
    --------
    >>> import tempfile
    >>> from convviz.serve.class_store import open_store
    >>> store = open_store(tempfile.mkdtemp() + "/classes.sqlite3")
    >>> teacher = classroom.start_class(store)
    >>> kept_handle(store, teacher) == teacher
    True
    >>> kept_handle(store, ClassHandle(teacher.code, "not the secret")) is None
    True
    """
    if not isinstance(store, ClassStore):
        raise TypeError(f"`store` must be a ClassStore, got {type(store).__name__}")
    if not isinstance(handle, ClassHandle):
        raise TypeError(f"`handle` must be a ClassHandle, got {type(handle).__name__}")
    try:
        classroom.results(store, handle.code, handle.secret)  # checks the secret; reads only
    except (classroom.ClassNotFound, PermissionError, TypeError):
        return None
    return handle


def welcome_text(code: str) -> str:
    """What a restored teacher's session says.

    >>> welcome_text("ABCD2")
    'Welcome back: you are teaching class ABCD2.'
    """
    return f"Welcome back: you are teaching class {code}."


def keeper_payload(*, keep: ClassHandle | None, drop: ClassHandle | None,
                   ask: bool, heard: bool = False) -> dict[str, Any]:
    """What the browser's keeper is sent on a run.

    Parameters
    ----------
    keep : ClassHandle or None
        The class this session teaches: the keeper stores it (replacing what it held).
    drop : ClassHandle or None
        A class this browser must no longer hold: the keeper removes what it holds only if
        it is exactly this (so a class started meanwhile in another tab stays).
    ask : bool
        Whether Python wants to hear what the keeper holds (its state ``held``).
    heard : bool
        Whether this session has heard what the keeper holds: the page may show its
        landing now (see the module's docstring).

    Examples
    --------
    >>> keeper_payload(keep=ClassHandle("ABCD2", "s"), drop=None, ask=False)
    {'keep': {'code': 'ABCD2', 'secret': 's'}, 'drop': None, 'ask': False, 'heard': False}
    """
    def as_dict(h: ClassHandle | None) -> dict[str, str] | None:
        return None if h is None else {"code": h.code, "secret": h.secret}

    return {"keep": as_dict(keep), "drop": as_dict(drop), "ask": bool(ask),
            "heard": bool(heard)}


def waiting_note() -> None:
    """:data:`WAITING_TEXT`, in a container keyed :data:`WAITING`: the Class page draws it
    beside its landing, and ``assets/classroom.css`` shows one or the other (see the
    module's docstring)."""
    with st.container(key=WAITING):
        st.markdown(f":material/hourglass_top: {WAITING_TEXT}")


def _held() -> ClassHandle | None:
    state = st.session_state.get(KEY)
    try:
        value = state.get("held") if state is not None else None
    except AttributeError:
        return None
    return held_handle(value)


def _restore(held: ClassHandle) -> ClassHandle | None:
    """Check ``held`` once; teach its class again, or mark it to be dropped."""
    ss = st.session_state
    try:
        handle = kept_handle(cs.store(), held)
    except StoreUnavailable:  # not checked: the next run tries again
        cs.unreachable(f"This browser was teaching class {held.code}; it is checked again "
                       "when you press a button or reload the page in a few seconds.",
                       kept=False)
        return None
    except (ValueError, OSError):  # no store can be opened: the Class page says so
        return None
    ss[CHECKED] = held
    if handle is None:
        ss[DROP] = held
        return None
    ss[cs.TEACHER] = handle
    return handle


def keep_teacher(*, announce: bool = True) -> ClassHandle | None:
    """Mount the keeper; a session that teaches nothing is given back the class this
    browser teaches, when the store confirms it.

    Call it near the top of a page, before anything that asks
    :func:`convviz.ui.class_session.teaching`. It takes no space on the page.

    Parameters
    ----------
    announce : bool
        Say :func:`welcome_text` in a toast when a class is restored (the Class page says it
        in the page instead).

    Returns
    -------
    ClassHandle or None
        The class restored in this run, or None.
    """
    ss = st.session_state
    restored = None
    if cs.teaching() is None and cs.student() is None:
        held = _held()
        if held is not None and held != ss.get(CHECKED):
            restored = _restore(held)
    teaching = cs.teaching()
    if teaching is not None:
        ss[CHECKED] = ss[KEPT] = teaching
    elif ss.get(KEPT) is not None:  # this session stopped teaching it: ended, or not found
        ss[DROP] = ss.pop(KEPT)
    data = keeper_payload(keep=teaching, drop=None if teaching is not None else ss.get(DROP),
                          ask=teaching is None and cs.student() is None,
                          heard=_held() is not None)
    _keeper()(data=data, key=KEY, default={"held": None}, on_held_change=lambda: None,
              width="stretch", height="content")
    if restored is not None and announce:
        st.toast(welcome_text(restored.code), icon=":material/co_present:")
    return restored
