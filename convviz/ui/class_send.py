"""Send a question to the class this session teaches, from the Class page or any page.

:func:`send_button` draws "Send to the class" only while this session teaches a class
(it holds the class's secret); a student's session, or one that teaches nothing, sees
nothing. The arithmetic pages call it in their "predict first" question block.
"""

from __future__ import annotations

import streamlit as st

from convviz.serve import classroom
from convviz.serve.class_store import StoreUnavailable
from convviz.teach.questions import Question
from convviz.ui import class_session as cs


def send_question(handle: classroom.ClassHandle, question: Question, *, place: str,
                  retry: str = cs.press_again("Send to the class")) -> bool:
    """Send ``question`` to the class of ``handle``; the message for ``place`` says that it
    was sent, or why not (see :func:`convviz.ui.class_session.said`). True when sent.

    ``retry`` is what to try when the class store is not reachable. Call it from a button's
    callback: it draws nothing itself.
    """
    if not isinstance(question, Question):
        raise TypeError(f"`question` must be a Question, got {type(question).__name__}")
    try:
        number = classroom.send(cs.store(), handle.code, handle.secret, question.to_dict())
    except classroom.ClassNotFound as exc:
        st.session_state.pop(cs.TEACHER, None)
        cs.say(place, "error", str(exc))
        return False
    except (PermissionError, ValueError) as exc:
        cs.say(place, "error", str(exc))
        return False
    except StoreUnavailable as exc:  # the class and this session's secret are kept
        cs.unreachable(retry, kept=False, place=place, exc=exc)
        return False
    cs.say(place, "success", f"Sent to class {handle.code} as question {number}.")
    return True


def _send(question: Question, place: str) -> None:
    handle = cs.teaching()
    if handle is not None:
        send_question(handle, question, place=place)


def send_button(question: Question, *, key: str) -> None:
    """"Send to the class" for ``question``, drawn only while this session teaches a class.

    Parameters
    ----------
    question : Question
        The question the page shows now (built from its current settings).
    key : str
        A widget key unique on the page.
    """
    handle = cs.teaching()
    if handle is None:
        return
    st.button("Send to the class", key=key, icon=":material/send:", on_click=_send,
              args=(question, key),
              help=f"Ask class {handle.code} this question; its answers arrive on the "
                   "Class page.")
    if cs.said(key) == "success":
        st.page_link(cs.PAGE_PATH, label="See the answers on the Class page",
                     icon=":material/co_present:")
