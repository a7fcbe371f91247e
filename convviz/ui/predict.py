"""Predict first, then see: a question from the page's current settings, answered before the
page shows the answer.

Each arithmetic page draws :func:`predict_toggle` (one "Predict first" setting for every page
of the session) and, for its current settings, :func:`predict_panel`; it draws the part of
the page that gives the answer away only when the panel returns True: the switch is off, or
the learner has answered this question (right or wrong) or pressed "Show me".

The answered state is keyed by the question's content (:func:`question_id`): change a
setting and the question, and its answer box, are new; come back to the same settings and
the earlier answer is there again. Every checked answer counts once per question in the
session's progress (:func:`convviz.ui.progress_view.record_answer`).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import streamlit as st

from convviz.teach.questions import Question, Verdict, check
from convviz.ui.class_keeper import keep_teacher
from convviz.ui.class_send import send_button
from convviz.ui.progress_view import record_answer

PREDICT_KEY = "predict.on"
_KEPT = "_keep.predict.on"  # the switch's value while a page without it is open
KEEP_QUESTIONS = 64  # answered questions remembered per panel and session


@dataclass
class _State:
    """What happened to one question: the answer box's text, the last verdict (None until a
    readable answer is checked), whether the answer was shown, whether it was counted."""

    text: str = ""
    verdict: Verdict | None = None
    shown: bool = False
    counted: bool = False
    problem: str = ""  # what was wrong with unreadable text

    @property
    def done(self) -> bool:
        return self.verdict is not None or self.shown


def predict_on() -> bool:
    """Whether "Predict first" is on in this session."""
    ss = st.session_state
    return bool(ss[PREDICT_KEY] if PREDICT_KEY in ss else ss.get(_KEPT, False))


def predict_toggle() -> bool:
    """The "Predict first" switch; one setting kept across the pages of the session."""
    keep_teacher()  # a teacher's reloaded tab gets its "Send to the class" back
    ss = st.session_state
    if PREDICT_KEY not in ss:
        ss[PREDICT_KEY] = bool(ss.get(_KEPT, False))
    on = st.toggle("Predict first", key=PREDICT_KEY,
                   help="Answer a question about the current settings before the page shows "
                        "the answer. Your answers count in \"Your progress\" on the home page.")
    ss[_KEPT] = on
    return on


def question_id(question: Question) -> str:
    """A short digest of the question's content: the same settings give the same id.

    Examples
    --------
    >>> from convviz.teach.questions import Question
    >>> q = Question("pooling", "pool_value", "max of 1, 2?", (2.0,), "the larger")
    >>> question_id(q) == question_id(Question.from_dict(q.to_dict())), len(question_id(q))
    (True, 16)
    """
    text = json.dumps(question.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _states(key: str) -> OrderedDict[str, _State]:
    held = st.session_state.get(f"{key}.answers")
    if not isinstance(held, OrderedDict):
        held = st.session_state[f"{key}.answers"] = OrderedDict()
    return held


def _state(key: str, qid: str) -> _State:
    states = _states(key)
    if qid not in states:
        states[qid] = _State()
        while len(states) > KEEP_QUESTIONS:
            states.popitem(last=False)
    states.move_to_end(qid)
    return states[qid]


def _box(key: str, qid: str) -> str:
    return f"{key}.answer.{qid}"


def _keep_text(key: str, qid: str) -> None:
    _state(key, qid).text = str(st.session_state.get(_box(key, qid), ""))


def _check(question: Question, key: str, qid: str) -> None:
    state = _state(key, qid)
    state.text = str(st.session_state.get(_box(key, qid), ""))
    verdict = check(question, state.text)
    if verdict.parsed is None:  # unreadable: say why, keep what was typed
        state.problem = verdict.message
        return
    state.problem, state.verdict = "", verdict
    if not state.counted and not state.shown:  # the first readable answer counts
        state.counted = True
        record_answer(question.concept, verdict.correct)


def _show(key: str, qid: str) -> None:
    _state(key, qid).shown = True


def question_block(question: Question, *, key: str) -> _State:
    """The question, its answer box, "Check" and "Show me"; returns the question's state."""
    qid = question_id(question)
    state = _state(key, qid)
    box = _box(key, qid)
    if box not in st.session_state:  # back on this question: what was typed is there again
        st.session_state[box] = state.text
    st.markdown(question.prompt)
    a, b, c = st.columns([2, 1, 1], vertical_alignment="bottom")
    a.text_input("Your answer", key=box, placeholder=question.answer_hint,
                 on_change=_keep_text, args=(key, qid), max_chars=80)
    b.button("Check", key=f"{key}.check.{qid}", type="primary", on_click=_check,
             args=(question, key, qid), width="stretch")
    c.button("Show me", key=f"{key}.show.{qid}", on_click=_show, args=(key, qid),
             disabled=state.done, width="stretch")
    send_button(question, key=f"{key}.send.{qid}")  # only while this session teaches a class
    return state


def _verdict(question: Question, state: _State) -> None:
    if state.problem:
        st.warning(state.problem)
    v = state.verdict
    if v is not None:
        (st.success if v.correct else st.error)(v.message)
        st.markdown(v.working)
    elif state.shown:
        st.info(f"The answer is {question.answer_text()}.")
        st.markdown(question.working)


def predict_panel(question: Question | None, *, key: str) -> bool:
    """Ask ``question`` before the page shows its answer; True when the page may show it.

    Parameters
    ----------
    question : Question or None
        Built from the page's current settings; None when these settings have no question
        (the page explains why, e.g. no output fits): nothing is asked.
    key : str
        The page's prefix for this panel's widgets and state (``"size.predict"``).

    Returns
    -------
    bool
        True when "Predict first" is off, there is no question, or the learner answered it
        (right or wrong) or pressed "Show me".
    """
    if not predict_on() or question is None:
        return True
    if not isinstance(question, Question):
        raise TypeError(f"`question` must be a Question, got {type(question).__name__}")
    with st.container(border=True):
        st.markdown("**Predict first**")
        state = question_block(question, key=key)
        _verdict(question, state)
    return state.done


def practice_block(question: Question, *, key: str) -> _State:
    """A practice question below a page: :func:`question_block` and, once checked or shown,
    its verdict and working. It never hides the page (the "Predict first" switch does not
    apply) and counts in the progress as a predict-first answer does; returns its state.

    Parameters
    ----------
    question : Question
        E.g. a seeded random one (:mod:`convviz.teach.question_bank`).
    key : str
        The page's prefix for this block's widgets and state (``"size.practice"``).
    """
    if not isinstance(question, Question):
        raise TypeError(f"`question` must be a Question, got {type(question).__name__}")
    state = question_block(question, key=key)
    _verdict(question, state)
    return state


def _another(key: str, pos_key: str, n_steps: int) -> None:
    ss = st.session_state
    ss[f"{key}.another"] = ss.get(f"{key}.another", 0) + 1
    rng = np.random.default_rng(ss[f"{key}.another"])  # seeded: a lesson can be replayed
    pos = ss.get(pos_key, 0)
    others = [i for i in range(n_steps) if i != pos]
    if others:
        ss[pos_key] = int(rng.choice(others))


def another_question(label: str, *, key: str, pos_key: str, n_steps: int) -> None:
    """A button that moves the page's step (``st.session_state[pos_key]``) to another one,
    chosen at random (seeded per session), so the panel asks about another cell; drawn only
    while "Predict first" is on and there is more than one step."""
    if predict_on() and n_steps > 1:
        st.button(label, key=f"{key}.another_button", on_click=_another,
                  args=(key, pos_key, n_steps))
