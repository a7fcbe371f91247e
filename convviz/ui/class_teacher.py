"""The Class page for the teacher: start a class, its code, link and QR code, questions from
the question bank, live results (students, the answers as a histogram, the named mistakes),
Reveal, Next question and End class. (The worksheet to print: :mod:`.class_worksheet`.)

Teacher controls need the class's secret, which only this session holds
(:data:`convviz.ui.class_session.TEACHER`) and the teacher's browser keeps for a reload
(:mod:`convviz.ui.class_keeper`); the store keeps a hash of it. When the class
store is not reachable, the buttons say so and keep the class (and the secret); the live
results say so every second until the store is back.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from convviz.draw.qr import qr_png
from convviz.serve import classroom
from convviz.serve.class_store import StoreUnavailable
from convviz.teach import question_bank
from convviz.teach.questions import Question, parse_answer
from convviz.ui import class_session as cs
from convviz.ui.class_send import send_question

TOPIC = "class.topic"
SEED = "class.seed"
DRAWN = "class.drawn"  # how many questions this session has drawn from the bank
DRAFT = "class.draft"  # the question shown to the teacher before it is sent (a dict)
CONFIRM_END = "class.confirm_end"
FULL_RUN = "class.full_run"  # a button in the results asked for a run of the whole page

RIGHT, MISTAKE, OTHER = "the right answer", "a named mistake", "another answer"
KIND_COLOURS = {RIGHT: "#2e7d32", MISTAKE: "#ef6c00", OTHER: "#9e9e9e"}
CHART_PT = 18  # px: the histogram's labels, read from the back of the room
CHART_INK = "#31333f"  # Streamlit's text colour (its charts' labels are a light grey)


def topic_label(topic: str) -> str:
    """``"receptive-field"`` -> ``"Receptive field"`` (the menu's words for a bank topic)."""
    return topic.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Bar:
    """One bar of the answers' histogram: the answer as typed-and-read, its count, its kind
    (:data:`RIGHT`, :data:`MISTAKE` or :data:`OTHER`) and the mistake's name if any."""

    answer: str
    count: int
    kind: str
    mistake: str | None


def _same(a: tuple[float, ...], b: tuple[float, ...], tol: float) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol + 1e-9 for x, y in zip(a, b, strict=True))


def histogram_bars(histogram: dict[str, int], question: Question) -> list[Bar]:
    """Mark each answer of a class's histogram: right, which named mistake, or other.

    Parameters
    ----------
    histogram : dict of str to int
        Answer text -> how many students gave it (``Results.histogram``).
    question : Question
        The question they answered.

    Returns
    -------
    list of Bar
        In the histogram's order.

    Examples
    --------
    >>> from convviz.teach.questions import Mistake
    >>> q = Question("output-size", "output_size", "?", (5.0,), "(7 - 3) / 1 + 1 = 5",
    ...              (Mistake("forgot the + 1", (4.0,), "..."),))
    >>> [(b.answer, b.kind, b.mistake) for b in histogram_bars({"4": 1, "5": 2, "6": 1}, q)]
    [('4', 'a named mistake', 'forgot the + 1'), ('5', 'the right answer', None), \
('6', 'another answer', None)]
    """
    bars = []
    n = len(question.answer)
    for text, count in histogram.items():
        try:
            given = parse_answer(text, n)
        except ValueError:
            given = None
        kind, name = OTHER, None
        if given is not None and _same(given, question.answer, question.tolerance):
            kind = RIGHT
        elif given is not None:
            for m in question.mistakes:
                if _same(given, m.answer, question.tolerance):
                    kind, name = MISTAKE, m.name
                    break
        bars.append(Bar(str(text), int(count), kind, name))
    return bars


def _chart(bars: list[Bar]) -> alt.Chart:
    df = pd.DataFrame({"answer": [b.answer for b in bars], "students": [b.count for b in bars],
                       "kind": [b.kind for b in bars],
                       "mistake": [b.mistake or "" for b in bars]})
    # Projected for the room: every word and number at CHART_PT px, in the page's text
    # colour rather than the theme's light grey.
    text = {"labelFontSize": CHART_PT, "labelColor": CHART_INK}
    axis = {**text, "titleFontSize": CHART_PT, "titleColor": CHART_INK}
    colour = alt.Color("kind:N", title=None, legend=alt.Legend(orient="top", **text),
                       scale=alt.Scale(domain=list(KIND_COLOURS),
                                       range=list(KIND_COLOURS.values())))
    return (alt.Chart(df).mark_bar()
            .encode(x=alt.X("answer:N", sort=[b.answer for b in bars], title="Answer",
                            axis=alt.Axis(labelAngle=0, **axis)),
                    y=alt.Y("students:Q", title="Students",
                            axis=alt.Axis(tickMinStep=1, **axis)),
                    color=colour, tooltip=["answer", "students", "mistake"])
            .properties(height=260))


def _start() -> None:
    try:
        st.session_state[cs.TEACHER] = classroom.start_class(cs.store())
    except StoreUnavailable as exc:
        cs.unreachable(cs.press_again("Start a class"), kept=False, place="start", exc=exc)
        return
    st.session_state.pop(CONFIRM_END, None)


def start_button() -> None:
    """"Start a class": a new class in the store; this session keeps its secret."""
    st.button("Start a class", type="primary", icon=":material/co_present:",
              key="class.start", on_click=_start)
    cs.said("start")


def show_join(handle: classroom.ClassHandle) -> None:
    """``Class code: ABCD``, the join link and its QR code, for the projector."""
    link = cs.join_link(st.context.url, handle.code)
    text_col, qr_col = st.columns([2, 1], vertical_alignment="center")
    with text_col:
        st.markdown(f"## Class code: {handle.code}")
        st.markdown("Students open this link, or scan the QR code, or open the Class page "
                    "and type the code; then they choose a nickname.")
        st.caption("Only this browser can send, reveal and end this class: a reload or a "
                   "second tab of it teaches on, until you end the class or it expires. On a "
                   "shared computer, end the class when you are done.")
        with st.container(key="class-join-link"):  # larger type: see assets/classroom.css
            st.code(link, language=None, wrap_lines=True)
        if cs.reachable_only_here(link):
            st.warning("This link names this computer itself, so students' devices cannot "
                       "open it. Open the app at the address `streamlit run` prints as "
                       "Network URL (see the README, Teaching a class), then start a class.")
    with qr_col:
        if link.startswith("http"):
            # The column's width: a fixed 240 px stuck out of the column at 1024 px.
            st.image(qr_png(link, scale=8), width="stretch", caption="Scan to join",
                     output_format="PNG")


def _rng(seed: int, drawn: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(drawn)])


def draw_question() -> Question:
    """The next question from the bank for the chosen topic: the ``drawn``-th of this seed,
    so the same seed replays the same lesson. It becomes the draft the page shows."""
    ss = st.session_state
    drawn = int(ss.get(DRAWN, 0))
    q = question_bank.random_question(ss[TOPIC], _rng(ss[SEED], drawn))
    ss[DRAWN] = drawn + 1
    ss[DRAFT] = q.to_dict()
    return q


def _send_draft() -> None:
    handle, draft = cs.teaching(), st.session_state.get(DRAFT)
    if handle is not None and draft is not None:
        send_question(handle, Question.from_dict(draft), place="draft")


def question_picker() -> None:
    """A topic and "New question" from the bank; the question; "Send to the class"."""
    ss = st.session_state
    topics = list(question_bank.TOPICS)
    if ss.get(TOPIC) not in topics:
        ss[TOPIC] = topics[0]
    ss.setdefault(SEED, 0)
    topic_col, seed_col, new_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    with topic_col:
        st.selectbox("Topic", topics, key=TOPIC, format_func=topic_label)
    with seed_col:
        st.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=SEED,
                        help="The same seed gives the same questions in the same order.")
    with new_col:
        st.button("New question", icon=":material/casino:", key="class.new",
                  on_click=draw_question)
    draft = ss.get(DRAFT)
    if draft is None:
        st.caption("Pick a topic and press New question, or open an arithmetic page, switch "
                   "on Predict first and send its question from there.")
        return
    question = Question.from_dict(draft)
    with st.container(border=True):
        st.markdown(question.prompt)
        st.caption(f"Answer: {question.answer_hint}.")
    st.button("Send to the class", type="primary", icon=":material/send:",
              key="class.send-draft", on_click=_send_draft)
    cs.said("draft")


def _reveal() -> None:
    handle = cs.teaching()
    if handle is not None:
        try:
            classroom.reveal(cs.store(), handle.code, handle.secret)
        except (PermissionError, ValueError) as exc:
            cs.say("results", "error", str(exc))
        except StoreUnavailable as exc:
            cs.unreachable(cs.press_again("Reveal"), kept=False, place="results", exc=exc)


def _next() -> None:
    handle = cs.teaching()
    if handle is not None:
        send_question(handle, draw_question(), place="results",
                      retry="Wait a few seconds, then press *Send to the class* under the "
                            "new question above.")
        st.session_state[FULL_RUN] = True  # the draft above the results changed


def _end(confirmed: bool | None) -> None:
    ss = st.session_state
    if confirmed is None:  # "End class": ask first
        ss[CONFIRM_END] = True
        return
    ss[CONFIRM_END] = False
    handle = cs.teaching()
    if confirmed and handle is not None:
        try:
            classroom.end(cs.store(), handle.code, handle.secret)
        except classroom.ClassNotFound:
            pass  # expired meanwhile: gone all the same
        except StoreUnavailable as exc:  # not ended: this session keeps the class
            cs.unreachable(cs.press_again("End class"), kept=False, place="results", exc=exc)
            return
        for key in (cs.TEACHER, DRAFT):
            ss.pop(key, None)
        cs.say("page", "info", f"Class {handle.code} has ended; its answers and "
                               "nicknames are deleted.")
        ss[FULL_RUN] = True


@st.fragment(run_every=cs.POLL_SECONDS)
def live_results() -> None:
    """Students, the answers arriving, the named mistakes; Reveal, Next question, End class.

    Reruns every second on its own (a fragment), reading the store that every server
    process writes to; while the store is not reachable, it says so (or what a button
    found) instead, and goes on once the store is back.
    """
    if st.session_state.pop(FULL_RUN, False):
        st.rerun()  # a button changed more than this fragment draws
    handle = cs.teaching()
    if handle is None:
        return
    try:
        store = cs.store()
        state = classroom.state(store, handle.code)
        res = classroom.results(store, handle.code, handle.secret)
    except classroom.ClassNotFound as exc:
        st.session_state.pop(cs.TEACHER, None)
        cs.say("page", "error", str(exc))
        st.rerun()
        return
    except StoreUnavailable as exc:
        if cs.pending("results") != cs.UNREACHABLE:  # else a button's message says it
            cs.unreachable(cs.POLLS, kept=False, exc=exc)
        cs.said("results")
        return
    st.markdown(f"### Students: {res.n_students}")
    if state.question is None:
        st.info("No question sent yet.")
    else:
        question = Question.from_dict(state.question)
        st.markdown(f"**Question {state.number}** · {res.n_answered} of {res.n_students} "
                    f"answered · {res.n_correct} right")
        with st.expander("The question as the students see it"):
            st.markdown(question.prompt)
        bars = histogram_bars(res.histogram, question)
        if bars:
            st.altair_chart(_chart(bars), use_container_width=True)
        else:
            st.caption("The answers appear here as they arrive.")
        if res.mistakes:
            st.markdown("**Named mistakes**\n\n" + "\n".join(
                f"- {name}: {count}" for name, count in res.mistakes.items()))
        if state.revealed:
            with st.container(border=True):
                st.markdown(f"**Revealed to everyone.** The answer is "
                            f"{question.answer_text()}.\n\n{question.working}")
    cs.said("results")
    _controls(state)


def _controls(state: classroom.ClassState) -> None:
    reveal_col, next_col, end_col = st.columns(3)
    reveal_col.button("Reveal", icon=":material/visibility:", key="class.reveal",
                      disabled=state.question is None or state.revealed, on_click=_reveal,
                      help="Show the worked answer on every student's page.")
    next_col.button("Next question", icon=":material/skip_next:", key="class.next",
                    on_click=_next, help="Send a new question on the chosen topic.")
    end_col.button("End class", icon=":material/stop_circle:", key="class.end",
                   on_click=_end, args=(None,))
    if st.session_state.get(CONFIRM_END):
        st.warning("End the class for everyone? Its answers and nicknames are deleted.")
        yes_col, no_col = st.columns(2)
        yes_col.button("Yes, end the class", type="primary", key="class.end_yes",
                       on_click=_end, args=(True,))
        no_col.button("Cancel", key="class.end_no", on_click=_end, args=(False,))


def teacher_view(handle: classroom.ClassHandle) -> None:
    """The whole teacher's page for the class this session teaches."""
    show_join(handle)
    st.header("Ask a question")
    question_picker()
    st.header("Live results")
    live_results()
