"""The Class page for a student: join with the code and a nickname, wait for a question,
answer it, and see the worked answer when the teacher reveals it.

A student's session never holds the class's secret, so it cannot send, reveal or end
anything. While joined, a fragment reads the class's state every second and reruns the
page when the teacher sends a question or reveals one; the answer box is drawn outside the
fragment, so the poll never disturbs what a student is typing.

When the class store is not reachable, the page says so and is drawn from the last state
this session read (:data:`LAST_STATE`), so the question and the answer box stay, with what
was typed in them; the poll keeps trying and redraws the page when the store is back.
"""

from __future__ import annotations

import streamlit as st

from convviz.serve import classroom
from convviz.serve.class_store import StoreUnavailable
from convviz.teach.questions import Question, Verdict
from convviz.ui import class_session as cs

CODE_BOX = "class.code_box"
NICKNAME = "class.nickname"
VERDICTS = "class.verdicts"  # question number -> this student's Verdict, shown on reveal
LAST_STATE = "class.last_state"  # the ClassState this session read last
MAX_NICKNAME = classroom.MAX_NICKNAME


def code_from_url() -> str | None:
    """The ``?code=`` of the page's link, stripped and upper-cased, or None."""
    raw = st.query_params.get("code")
    code = (raw or "").strip().upper()
    return code or None


def _typed_code() -> None:
    code = (st.session_state.get(CODE_BOX) or "").strip().upper()
    if code:
        st.query_params["code"] = code
    else:
        cs.say("code", "error", "Type the class code your teacher shows, e.g. ABCD.")


def code_box(*, label: str = "Class code") -> None:
    """A box to type a class code; Join opens the page with ``?code=`` (as a link would)."""
    with st.form("class.code_form", border=False):
        st.text_input(label, key=CODE_BOX, max_chars=12, placeholder="ABCD")
        st.form_submit_button("Join", icon=":material/login:", on_click=_typed_code)
    cs.said("code")


def _join(code: str) -> None:
    name = st.session_state.get(NICKNAME) or ""
    try:
        student_id = classroom.join(cs.store(), code, name)
    except ValueError as exc:  # ClassNotFound too: the message says which
        cs.say("join", "error", str(exc))
        return
    except StoreUnavailable:  # the nickname stays in its box
        cs.unreachable(cs.press_again("Join"), kept=True, place="join")
        return
    st.session_state[cs.STUDENT] = cs.Student(code, student_id, name.strip())
    st.session_state[VERDICTS] = {}


def join_form(code: str) -> None:
    """Check the code, then ask a nickname and join; a bad code says why, with a new box.

    While the store is not reachable, a code that could be one is not checked: the form is
    drawn (so a typed nickname stays) with a message that says to press Join again.
    """
    try:
        code = classroom.state(cs.store(), code).code
    except classroom.ClassNotFound as exc:
        st.error(cs.as_text(str(exc)))
        code_box(label="Type the code again")
        return
    except StoreUnavailable:
        if not classroom.is_code(code):  # never a class: only a new code can help
            cs.unreachable(cs.press_again("Join"), kept=False)
            code_box(label="Type the code again")
            return
        code = code.strip().upper()
        cs.unreachable(cs.press_again("Join"), kept=True, place="join")  # shown below
    st.subheader(f"Join class {code}")
    with st.form("class.join_form"):
        st.text_input("Your nickname", key=NICKNAME, max_chars=MAX_NICKNAME,
                      help=f"1 to {MAX_NICKNAME} characters. The nickname is all the class "
                           "keeps about you; it is deleted when the class ends or expires.")
        st.form_submit_button("Join", type="primary", icon=":material/login:",
                              on_click=_join, args=(code,))
    cs.said("join")


def _forget() -> None:
    for key in (cs.STUDENT, VERDICTS, LAST_STATE):
        st.session_state.pop(key, None)


def _left(message: str) -> None:
    """The class is gone (ended or expired): forget it, say so, offer a new code box."""
    _forget()
    st.query_params.pop("code", None)
    st.error(cs.as_text(message))
    code_box(label="Join another class")


def _send_answer(number: int) -> None:
    me = cs.student()
    if me is None:
        return
    text = st.session_state.get(f"class.answer.{number}") or ""
    try:
        verdict = classroom.answer(cs.store(), me.code, me.student_id, text)
    except classroom.ClassNotFound:
        return  # the run that follows says the class is gone
    except StoreUnavailable:  # the answer stays in its box
        cs.unreachable(cs.press_again("Send answer"), kept=True, place="answer")
        return
    except ValueError as exc:  # too fast, or the answer was revealed meanwhile
        cs.say("answer", "error", str(exc))
        return
    if verdict.parsed is None:  # could not be read: say how to type it; nothing kept
        cs.say("answer", "error", verdict.message)
        return
    st.session_state.setdefault(VERDICTS, {})[number] = verdict


def _answer_box(number: int) -> None:
    with st.form(f"class.answer_form.{number}"):
        st.text_input("Your answer", key=f"class.answer.{number}", max_chars=80)
        st.form_submit_button("Send answer", type="primary", icon=":material/send:",
                              on_click=_send_answer, args=(number,))
    if cs.said("answer") is None and number in st.session_state.get(VERDICTS, {}):
        st.success("Answer received. You can change it until your teacher reveals the "
                    "answer.", icon=":material/check:")


def _revealed(question: Question, number: int) -> None:
    verdict: Verdict | None = st.session_state.get(VERDICTS, {}).get(number)
    if verdict is None:
        st.info(f"You did not answer this one. The answer is {question.answer_text()}.")
        st.markdown(question.working)
        return
    if verdict.correct:
        st.success(verdict.message, icon=":material/check_circle:")
    else:
        st.error(verdict.message, icon=":material/cancel:")
    st.markdown(verdict.working)


@st.fragment(run_every=cs.POLL_SECONDS)
def _watch(shown: tuple[int, bool] | None) -> None:
    """Every second: has the teacher sent or revealed something since the page drew?

    ``shown`` is None when the page was drawn while the store was not reachable: the first
    poll that reaches it redraws the page. A poll that cannot reach it says so and tries
    again a second later.
    """
    me = cs.student()
    if me is None:
        return
    try:
        state = classroom.state(cs.store(), me.code)
    except classroom.ClassNotFound:
        st.rerun()  # the whole page says the class is gone
        return
    except StoreUnavailable:
        if shown is not None:  # the page above says nothing of it yet
            cs.unreachable(cs.POLLS, kept=True)
        return
    st.session_state[LAST_STATE] = state
    if shown is None or (state.number, state.revealed) != shown:
        st.rerun()
    st.caption(f"Class {me.code} · {state.n_students} joined · this page updates itself.")


def student_view(me: cs.Student) -> None:
    """A joined student's page: waiting, the question and an answer box, or the reveal.

    While the store is not reachable: the last state this session read, under a message.
    """
    reached = True
    try:
        state = classroom.state(cs.store(), me.code)
        st.session_state[LAST_STATE] = state
    except classroom.ClassNotFound as exc:
        _left(str(exc))
        return
    except StoreUnavailable:
        reached = False
        if cs.pending("answer") != cs.UNREACHABLE:  # else said below the answer box
            cs.unreachable(cs.POLLS, kept=True)
        state = st.session_state.get(LAST_STATE)
        if state is None or state.code != me.code:
            st.text(f"You are {me.nickname} in class {me.code}.")
            _watch(None)
            return
    st.text(f"You are {me.nickname} in class {me.code}.")
    if state.question is None:
        st.info("Waiting for your teacher's question...", icon=":material/hourglass_top:")
    else:
        question = Question.from_dict(state.question)
        st.subheader(f"Question {state.number}")
        st.markdown(question.prompt)
        st.caption(f"Answer: {question.answer_hint}.")
        if state.revealed:
            _revealed(question, state.number)
        else:
            _answer_box(state.number)
    _watch((state.number, state.revealed) if reached else None)
    st.button("Leave the class", key="class.leave", on_click=_forget, type="tertiary")
