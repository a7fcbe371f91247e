"""The learner's progress in the session, the link that carries it on, and its view.

Every answer checked in a predict-first panel is recorded here, per concept of the guided
path (:data:`convviz.teach.questions.CONCEPTS`). The home page shows "Your progress": each
concept with what was answered right and what is left, and a link, ``?progress=<code>`` on
the home page's address, that loads the counts into a session when a page opens with it
(:func:`load_progress_link`, called by the home page and by every page's settings).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from convviz.teach.progress import Progress, decode, encode, merge, record
from convviz.teach.questions import CONCEPTS
from convviz.ui.nav import PAGES

PARAM = "progress"  # the query parameter
_SESSION = "learner.progress"
_LOADED = "learner.progress_link"  # the last link code read, so it is read once

# Where each concept is asked (the page whose "Predict first" switch asks it).
PRACTICE: dict[str, str] = {
    "convolution": "pages/convolution.py",
    "channels": "pages/convolution.py",
    "output-size": "pages/output_size.py",
    "same-padding": "pages/output_size.py",
    "transposed": "pages/transposed.py",
    "pooling": "pages/pooling.py",
    "pool-size": "pages/pooling.py",
    "parameters": "pages/layer_shapes.py",
    "receptive-field": "pages/layer_shapes.py",
    "shapes": "pages/layer_shapes.py",
}


# Marks drawn with Streamlit's own icon font (no emoji font needed on a classroom computer).
MARKS = {"right": ":green[:material/check_circle:]", "wrong": ":red[:material/cancel:]",
         "left": ":gray[:material/radio_button_unchecked:]"}


def session_progress() -> Progress:
    """This session's progress (none yet: an empty one)."""
    held = st.session_state.get(_SESSION)
    return held if isinstance(held, Progress) else Progress()


def record_answer(concept: str, correct: bool) -> None:
    """Count one checked answer about ``concept`` in this session's progress."""
    st.session_state[_SESSION] = record(session_progress(), concept, correct)


def load_progress_link() -> list[str]:
    """Merge a ``?progress=<code>`` of the page's address into this session's progress.

    Each code is read once (the same link opened again counts nothing twice: the larger
    count of each concept is kept). Returns a message when the code could not be read.
    """
    raw = st.query_params.get(PARAM)
    ss = st.session_state
    if raw is None or ss.get(_LOADED) == raw:
        return []
    ss[_LOADED] = raw
    try:
        ss[_SESSION] = merge(session_progress(), decode(raw))
    except ValueError as exc:
        shown = raw[:40].replace("`", "'") + ("..." if len(raw) > 40 else "")
        return [f"The link's `{PARAM}={shown}` was ignored: {_plain(str(exc))}."]
    return []


def _plain(text: str) -> str:
    """Text that Markdown shows as written (a message may quote what a link held)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~" else ch for ch in text)


def progress_link(progress: Progress) -> str:
    """The home page's address with ``?progress=<code>`` (``""`` when nothing is answered)."""
    code = encode(progress)
    if not code:
        return ""
    base = st.context.url or ""
    if base and not urlsplit(base).path:
        base += "/"  # http://host:port/?progress=..., the home page
    return f"{base}?{PARAM}={code}"


def concept_line(progress: Progress, concept: str) -> str:
    """One line of the view: a mark, the concept's words, and its counts.

    Examples
    --------
    >>> concept_line(Progress({"pooling": (1, 2)}), "pooling")
    ':green[:material/check_circle:] **Pooling: a pooled value**: 1 right of 2 answered'
    >>> concept_line(Progress(), "pooling")
    ':gray[:material/radio_button_unchecked:] **Pooling: a pooled value**: not answered yet'
    """
    right, tried = progress.right(concept), progress.tried(concept)
    words = CONCEPTS[concept]
    if not tried:
        return f"{MARKS['left']} **{words}**: not answered yet"
    mark = MARKS["right"] if right else MARKS["wrong"]
    return f"{mark} **{words}**: {right} right of {tried} answered"


def progress_view() -> None:
    """ "Your progress": every concept with what was answered right, what is left, and the
    link that carries it on (also written to the address bar of the home page)."""
    for msg in load_progress_link():
        st.warning(msg)
    progress = session_progress()
    code = encode(progress)
    if st.query_params.get(PARAM) != (code or None):  # the address bar carries it too
        if code:
            st.query_params[PARAM] = code
        else:
            del st.query_params[PARAM]
    st.header("Your progress")
    right, tried = progress.total()
    left = [c for c in CONCEPTS if not progress.right(c)]
    if tried:
        st.markdown(f"{right} right of {tried} answered; {len(CONCEPTS) - len(left)} of "
                    f"{len(CONCEPTS)} concepts answered right at least once.")
    else:
        st.markdown("Nothing answered yet. Turn on **Predict first** on a page of the path: "
                    "it asks about the page's current settings before showing the answer, "
                    "and every answer you check is counted here.")
    st.markdown("\n".join(f"- {concept_line(progress, c)}" for c in CONCEPTS))
    if left:
        st.markdown("**Left to answer right**, and where to practise:")
        pages = {p.path: p for p in PAGES}
        for path in dict.fromkeys(PRACTICE[c] for c in left):
            n = sum(PRACTICE[c] == path for c in left)
            st.page_link(path, label=f"{pages[path].title}: {n} concept{'s' * (n > 1)} left",
                         icon=pages[path].icon)
    else:
        st.success("Every concept answered right at least once.")
    if code:
        st.caption("To carry on later or on another computer, open this link (copy button at "
                   "the right). It holds only these counts.")
        st.code(progress_link(progress), language=None, wrap_lines=True)

