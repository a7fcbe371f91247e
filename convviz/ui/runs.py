"""Script runs, through Streamlit's public API only: a fragment's timer tick told from a full
run of the page, a new run the user asked for while this one works, and who runs it.

Three things the pages need to know about the run they are in. Streamlit has no call that
answers them directly, so each is built from documented behaviour, and tests/ui/test_runs.py
checks that behaviour against the real script runner (an upgrade that changes it fails the
tests, not the app):

- :func:`timer_fragment`: when a fragment reruns on its own (its timer, or
  ``st.rerun(scope="fragment")``), Streamlit calls only the fragment's function, the one
  registered by the latest full run; a full run calls it from the page. So a flag set up by
  the full run and cleared by the fragment's first call tells the two apart.
- :class:`NewRunWatch`: Streamlit ends a script run for a click (or for leaving the page) at
  the run's next Streamlit call, ``st.session_state`` included, by raising there. A long wait
  that touches session state now and then therefore notices the click; the watch holds
  that ending until the wait's caller has tidied up, and then lets it go on.
- :func:`session_key`: an id of this browser session, kept in its own session state.

(Streamlit's private runtime, where no public way exists: :mod:`convviz.ui.runtime`.)
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from types import TracebackType

import streamlit as st

__all__ = ["SESSION_KEY", "NewRunWatch", "session_key", "timer_fragment"]

#: Session-state key of :func:`session_key`'s id.
SESSION_KEY = "runs.session"


def timer_fragment(body: Callable[[bool], None], *,
                   run_every: float | None) -> Callable[[], None]:
    """``body`` as an ``st.fragment`` that reruns every ``run_every`` seconds (None: never).

    Parameters
    ----------
    body : callable (tick: bool) -> None
        The fragment's work. ``tick`` is True when the run is the fragment's own rerun (a
        timer tick, or ``st.rerun(scope="fragment")``), False when the page's full run
        calls it. The fragment keeps ``body``'s name, so its identity in Streamlit is
        that of ``body`` decorated directly.
    run_every : float or None
        Seconds between the fragment's own reruns.

    Returns
    -------
    callable () -> None
        The fragment: call it once in the page's run, where it should draw.

    Examples
    --------
    >>> def frame(tick: bool) -> None:
    ...     pass
    >>> callable(timer_fragment(frame, run_every=None))
    True
    """
    called = [False]  # by this full run's call: every later call is the fragment's own run

    @functools.wraps(body)
    def fragment() -> None:
        tick, called[0] = called[0], True
        body(tick)

    return st.fragment(fragment, run_every=run_every)


class NewRunWatch:
    """Asks, during a long wait in a script run, whether the user wants a new run.

    Call the watch (say, as ``stop=`` of a wait): it reads session state, which is where
    Streamlit ends a run that a click (or leaving the page) superseded. The watch catches
    that ending, answers True from then on, and raises it again when its ``with`` block
    exits, so the wait ends at once, releases what it holds and records what it did, and
    the run then ends as Streamlit meant it to (with or without another exception from
    the block). A timer's next tick of a fragment does not end a run, so it reads False.

    Examples
    --------
    Outside a Streamlit run nothing ends it:

    >>> import warnings
    >>> with warnings.catch_warnings(), NewRunWatch() as asked:
    ...     warnings.simplefilter("ignore")
    ...     asked()
    False
    """

    def __init__(self) -> None:
        self._ending: BaseException | None = None

    def __call__(self) -> bool:
        """True once a new run is asked for (Streamlit's ending is then held)."""
        if self._ending is None:
            try:
                SESSION_KEY in st.session_state  # noqa: B015 (a point where a run may end)
            except BaseException as ending:  # Streamlit's own ending of the run: held
                self._ending = ending
        return self._ending is not None

    def __enter__(self) -> NewRunWatch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._ending is not None:
            raise self._ending


def session_key() -> str:
    """An id of this browser session (a random hex string kept in its session state).

    Who checks in to the server's training slots: the same in every run of one session,
    different in every other session.
    """
    ss = st.session_state
    if SESSION_KEY not in ss:
        ss[SESSION_KEY] = uuid.uuid4().hex
    return str(ss[SESSION_KEY])
