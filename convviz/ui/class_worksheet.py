"""A printable worksheet and its answer key from the Class page (the teacher's view).

The topics, the number of problems and the seed (the version: seed 0 is version A) go to
:func:`convviz.teach.worksheet.worksheet_pdfs`, the same function as the
``convviz worksheet`` command. The two PDFs are made on the first click only, within the
click's budget and the server's memory limit (:func:`convviz.ui.downloads.budgeted_download`),
and kept for the next click on the other button.
"""

from __future__ import annotations

import streamlit as st

from convviz.base import memory
from convviz.teach import question_bank, worksheet
from convviz.ui.class_teacher import topic_label
from convviz.ui.downloads import budgeted_download

TOPICS = "class.ws.topics"
N = "class.ws.n"
SEED = "class.ws.seed"
DEFAULT_TOPICS = ("output-size", "convolution", "pooling")


@st.cache_data(max_entries=4, show_spinner="Drawing the worksheet...")
def worksheet_files(topics: tuple[str, ...], n: int, seed: int) -> tuple[bytes, bytes]:
    """The sheet and the key for these settings (a pure result: cached for both buttons)."""
    with memory.reserve(worksheet.worksheet_cost(n).peak_bytes, "the worksheet"):
        return worksheet.worksheet_pdfs(list(topics), n, seed)


def worksheet_section() -> None:
    """Topics, problems and version; "Worksheet (PDF)" and "Answer key (PDF)"."""
    ss = st.session_state
    topics = list(question_bank.TOPICS)
    ss.setdefault(TOPICS, [t for t in DEFAULT_TOPICS if t in topics])
    ss.setdefault(N, 8)
    ss.setdefault(SEED, 0)
    st.multiselect("Topics", topics, key=TOPICS, format_func=topic_label)
    n_col, seed_col = st.columns(2)
    n_col.number_input("Problems", min_value=1, max_value=worksheet.MAX_QUESTIONS, step=1,
                       key=N)
    seed_col.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=SEED,
                          help="The same seed prints the same sheet; another seed another "
                               "version (0 is version A, 1 is B).")
    chosen = tuple(t for t in topics if t in ss[TOPICS])  # the menu's order, as the CLI
    if not chosen:
        st.info("Pick at least one topic.")
        return
    n, seed = int(ss[N]), int(ss[SEED])
    cost = worksheet.worksheet_cost(n)
    version = worksheet.version_name(seed)
    st.caption(f"Version {version} (seed {seed}): {n} problems on "
               f"{', '.join(topic_label(t).lower() for t in chosen)}, cycled in that order; "
               "A4, with a separate answer key that works each problem.")
    sheet_col, key_col = st.columns(2)
    with sheet_col:
        budgeted_download("Worksheet (PDF)", key="class.ws.sheet", mime="application/pdf",
                          file_name=f"worksheet_{version}.pdf", plan=cost,
                          icon=":material/download:",
                          make=lambda: worksheet_files(chosen, n, seed)[0])
    with key_col:
        budgeted_download("Answer key (PDF)", key="class.ws.key", mime="application/pdf",
                          file_name=f"worksheet_{version}_key.pdf", plan=cost,
                          icon=":material/download:",
                          make=lambda: worksheet_files(chosen, n, seed)[1])
