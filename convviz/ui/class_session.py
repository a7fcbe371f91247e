"""This browser session's part in a live class: the shared store, and who we are in it.

Every server process opens the same class store (``CONVVIZ_CLASS_STORE``: a SQLite file by
default, or Redis), so a teacher and students on different processes see one class. What
only this session knows lives in ``st.session_state``, never in the store: the teacher's
secret (:data:`TEACHER`) or the student's id and nickname (:data:`STUDENT`).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from convviz.serve import class_store
from convviz.serve.classroom import ClassHandle

TEACHER = "class.teacher"  # the ClassHandle (code, secret) of the class this session teaches
STUDENT = "class.student"  # the Student this session joined as
PAGE_PATH = "pages/classroom.py"
URL_PATH = "classroom"  # st.Page's url path for PAGE_PATH
POLL_SECONDS = 1  # how often a waiting student's page and the teacher's results poll


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
    before the run that draws the page)."""
    st.session_state[f"class.msg.{place}"] = (kind, text)


def said(place: str) -> str | None:
    """Show, once, the message kept for ``place`` as plain text (it may hold what a user
    typed); returns its kind (success, info or error), or None when there was none."""
    kept = st.session_state.pop(f"class.msg.{place}", None)
    if kept is None:
        return None
    kind, text = kept
    {"success": st.success, "info": st.info, "error": st.error}[kind](as_text(text))
    return kind


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
