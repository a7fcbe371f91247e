"""This browser session's part in a live class: the shared store, and who we are in it.

Every server process opens the same class store (``CONVVIZ_CLASS_STORE``: a SQLite file by
default, or Redis), so a teacher and students on different processes see one class. What
only this session knows lives in ``st.session_state``, never in the store: the teacher's
secret (:data:`TEACHER`) or the student's id and nickname (:data:`STUDENT`). The teacher's
browser also keeps the secret (:mod:`convviz.ui.class_keeper`), so a reload or a second tab
of it, a new session, teaches the class again once the store confirms the secret.

When the store cannot be reached in the middle of a class (it raises
:class:`~convviz.serve.class_store.StoreUnavailable`), a page never shows an exception:
:func:`unreachable` says so, what to try and where the teacher looks; what a user typed
stays in its box, and the pages' one-second polls keep trying.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from convviz.serve import class_store
from convviz.serve.class_store import StoreUnavailable
from convviz.serve.classroom import ClassHandle

TEACHER = "class.teacher"  # the ClassHandle (code, secret) of the class this session teaches
STUDENT = "class.student"  # the Student this session joined as
PAGE_PATH = "pages/classroom.py"
URL_PATH = "classroom"  # st.Page's url path for PAGE_PATH
POLL_SECONDS = 1  # how often a waiting student's page and the teacher's results poll
#: What to try, on a part of a page that polls the store every second.
POLLS = "This page tries again every second and goes on by itself when the store is back."
UNREACHABLE = "unreachable"  # the kind of a kept message that the store is not reachable


@dataclass(frozen=True)
class Student:
    """A student's session: the class code, the id :func:`classroom.join` gave, the name."""

    code: str
    student_id: str
    nickname: str


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(spec: str | None):
    return class_store.open_store(spec)


def store():
    """The class store every process shares (one handle per process and store setting)."""
    return _open(os.environ.get("CONVVIZ_CLASS_STORE") or None)


def teaching() -> ClassHandle | None:
    """The class this session teaches, or None."""
    handle = st.session_state.get(TEACHER)
    return handle if isinstance(handle, ClassHandle) else None


def student() -> Student | None:
    """Who this session is in a class it joined, or None."""
    me = st.session_state.get(STUDENT)
    return me if isinstance(me, Student) else None


def join_link(page_url: str | None, code: str) -> str:
    """The link a student opens: the Class page's address with ``?code=CODE``.

    ``page_url`` is ``st.context.url`` (the address in the teacher's browser, without its
    query); any query or fragment in it is dropped. Without one (no browser, as in tests),
    the link is the page's path.

    Examples
    --------
    >>> join_link("http://192.168.1.20:8501/classroom", "ABCD")
    'http://192.168.1.20:8501/classroom?code=ABCD'
    >>> join_link("http://host:8501/classroom?x=1#top", "ABCD")
    'http://host:8501/classroom?code=ABCD'
    >>> join_link(None, "ABCD")
    '/classroom?code=ABCD'
    """
    if not page_url:
        return f"/{URL_PATH}?code={code}"
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, f"code={code}", ""))


def say(place: str, kind: str, text: str) -> None:
    """Keep a message for ``place`` to show on the next run (buttons act in callbacks,
    before the run that draws the page). ``kind``: success, info, error, or
    :data:`UNREACHABLE` (``text`` is then :func:`unreachable_text`'s Markdown)."""
    st.session_state[f"class.msg.{place}"] = (kind, text)


def said(place: str) -> str | None:
    """Show, once, the message kept for ``place`` as plain text (it may hold what a user
    typed); returns its kind (success, info, error or :data:`UNREACHABLE`), or None when
    there was none."""
    kept = st.session_state.pop(f"class.msg.{place}", None)
    if kept is None:
        return None
    kind, text = kept
    if kind == UNREACHABLE:  # our own words, written in Markdown
        st.warning(text, icon=":material/cloud_off:")
    else:
        {"success": st.success, "info": st.info, "error": st.error}[kind](as_text(text))
    return kind


def unreachable_text(retry: str, *, kept: bool, where: str | None = None) -> str:
    """What a page says when the class store cannot be reached (Markdown).

    Parameters
    ----------
    retry : str
        What to try: :data:`POLLS`, or :func:`press_again`'s sentence for a button.
    kept : bool
        Whether to say that what the user typed is kept (true where there is a box).
    where : str, optional
        The store, as :meth:`~convviz.serve.class_store.ClassStore.describe` writes it (no
        password); shown to the teacher only.

    Examples
    --------
    >>> print(unreachable_text(press_again("Join"), kept=True))
    **The class store is not reachable right now**, so the class cannot be read or changed. \
Wait a few seconds, then press *Join* again. What you typed stays in its box. If this goes \
on, the teacher can check the server's class store setting, `CONVVIZ_CLASS_STORE` (README, \
*Teaching a class*).
    """
    store = f" ({as_text(where)})" if where else ""
    return (f"**The class store is not reachable right now**{store}, so the class cannot be "
            f"read or changed. {retry}{' What you typed stays in its box.' if kept else ''} "
            f"If this goes on, the teacher can check the server's class store setting, "
            f"`{class_store.ENV_VAR}` (README, *Teaching a class*).")


def press_again(button: str) -> str:
    """What to try after a button's click found the store away: press it again.

    >>> press_again("Send answer")
    'Wait a few seconds, then press *Send answer* again.'
    """
    return f"Wait a few seconds, then press *{button}* again."


def unreachable(retry: str, *, kept: bool, place: str | None = None,
                exc: StoreUnavailable | None = None) -> None:
    """Say that the class store is not reachable: drawn now, or kept for ``place`` when
    called from a button's callback (see :func:`said`). The teacher's session is also told
    which store (``exc.where``)."""
    where = exc.where if exc is not None and teaching() is not None else None
    text = unreachable_text(retry, kept=kept, where=where)
    if place is not None:
        say(place, UNREACHABLE, text)
    else:
        st.warning(text, icon=":material/cloud_off:")


def pending(place: str) -> str | None:
    """The kind of the message kept for ``place`` (not yet shown), or None."""
    kept = st.session_state.get(f"class.msg.{place}")
    return None if kept is None else kept[0]


def reachable_only_here(link: str) -> bool:
    """True when ``link`` names this machine itself (localhost, 127.x, ::1): a student's
    device cannot open it.

    Examples
    --------
    >>> reachable_only_here("http://localhost:8501/classroom?code=ABCD")
    True
    >>> reachable_only_here("http://192.168.1.20:8501/classroom?code=ABCD")
    False
    """
    host = urlsplit(link).hostname or ""
    if host == "localhost" or host == "::1":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_MARKDOWN_SIGNS = set("\\`*_{}[]()#+!|<>:$~=")


def as_text(message: str) -> str:
    """``message`` with every Markdown sign backslash-escaped, so ``st.error`` shows what a
    user typed inside it (a code, an answer) as the characters typed: no link, no markup.

    Examples
    --------
    >>> as_text("Class code '[x](//e.co)' was not found.")
    "Class code '\\\\[x\\\\]\\\\(//e.co\\\\)' was not found."
    """
    return "".join("\\" + c if c in _MARKDOWN_SIGNS else c for c in message)
