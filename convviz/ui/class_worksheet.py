"""A printable worksheet and its answer key from the Class page (the teacher's view).

The topics, the number of problems and the seed (the version: seed 0 is version A) go to
:func:`convviz.teach.worksheet.worksheet_pdfs`, the same function as the
``convviz worksheet`` command. "Make the worksheet" draws both PDFs (within the server's
memory limit, checked before the click and again when the work starts); the two download
buttons then hand out those bytes.

Why not a download button with a callable, as the other exports have: the teacher's live
results are a fragment that reruns every second, and each run ends with Streamlit's cleanup
of files no run refers to. A file made by a callable is referred to by no run, so a busy
server could delete it before the browser fetched it (seen as a download named by its
hash). Bytes given to ``st.download_button`` in a full run are referred to by that run, and
fragment reruns keep them.
"""

from __future__ import annotations

import streamlit as st

from convviz.base import memory
from convviz.teach import question_bank, worksheet, worksheet_cost
from convviz.ui import class_session as cs
from convviz.ui.class_teacher import topic_label

TOPICS = "class.ws.topics"
N = "class.ws.n"
SEED = "class.ws.seed"
MADE = "class.ws.made"  # ((topics, n, seed), sheet PDF, key PDF): the last worksheet made
DEFAULT_TOPICS = ("output-size", "convolution", "pooling")


@st.cache_data(max_entries=4, show_spinner=False)
def worksheet_files(topics: tuple[str, ...], n: int, seed: int) -> tuple[bytes, bytes]:
    """The sheet and the key for these settings (a pure result: cached)."""
    with memory.reserve(worksheet_cost.worksheet_cost(n).peak_bytes, "the worksheet"):
        return worksheet.worksheet_pdfs(list(topics), n, seed)


def _make(settings: tuple[tuple[str, ...], int, int]) -> None:
    try:
        st.session_state[MADE] = (settings, *worksheet_files(*settings))
    except memory.MemoryLimitError as exc:
        cs.say("worksheet", "error", str(exc))


def worksheet_section() -> None:
    """Topics, problems and version; "Make the worksheet"; then the two PDFs."""
    ss = st.session_state
    topics = list(question_bank.TOPICS)
    ss.setdefault(TOPICS, [t for t in DEFAULT_TOPICS if t in topics])
    ss.setdefault(N, 8)
    ss.setdefault(SEED, 0)
    st.multiselect("Topics", topics, key=TOPICS, format_func=topic_label)
    n_col, seed_col = st.columns(2)
    n_col.number_input("Problems", min_value=1, max_value=worksheet_cost.MAX_QUESTIONS, step=1,
                       key=N)
    seed_col.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=SEED,
                          help="The same seed prints the same sheet; another seed another "
                               "version (0 is version A, 1 is B).")
    chosen = tuple(t for t in topics if t in ss[TOPICS])  # the menu's order, as the CLI
    if not chosen:
        st.info("Pick at least one topic.")
        return
    n, seed = int(ss[N]), int(ss[SEED])
    settings = (chosen, n, seed)
    version = worksheet.version_name(seed)
    st.caption(f"Version {version} (seed {seed}): {n} problems on "
               f"{', '.join(topic_label(t).lower() for t in chosen)}, cycled in that order; "
               "A4, with a separate answer key that works each problem.")
    made = ss.get(MADE)
    if made is None or made[0] != settings:
        cost = worksheet_cost.worksheet_cost(n)
        refusal = memory.memory_refusal(cost.peak_bytes, cost.what)
        st.button("Make the worksheet", key="class.ws.make", icon=":material/description:",
                  on_click=_make, args=(settings,), disabled=refusal is not None)
        if refusal is not None:
            st.warning(refusal, icon=":material/memory:")
        cs.said("worksheet")
        return
    sheet_col, key_col = st.columns(2)
    sheet_col.download_button("Worksheet (PDF)", data=made[1], key="class.ws.sheet",
                              file_name=f"worksheet_{version}.pdf", mime="application/pdf",
                              on_click="ignore", icon=":material/download:")
    key_col.download_button("Answer key (PDF)", data=made[2], key="class.ws.key",
                            file_name=f"worksheet_{version}_key.pdf", mime="application/pdf",
                            on_click="ignore", icon=":material/download:")
