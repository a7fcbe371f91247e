"""Play / Pause / Step / speed controls and a fragment that advances the step index.

The per-tick arithmetic is the pure function :func:`advance`, so it can be tested
without a browser (AppTest does not tick fragment timers).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence

import streamlit as st

from convviz.ui.runs import timer_fragment

SPEEDS = (0.5, 1, 2, 4, 8, 15)


def advance(pos: int, n_steps: int, *, now: float, last: float,
            interval: float) -> tuple[int, bool, float]:
    """One timer tick while playing: returns (new position, still playing, tick time).

    The position moves one step when at least ~the interval has passed since the last
    move (a full rerun in between does not skip a step); playing stops on the last step.

    Examples
    --------
    >>> advance(3, 10, now=1.0, last=0.0, interval=0.5)
    (4, True, 1.0)
    >>> advance(9, 10, now=1.0, last=0.0, interval=0.5)
    (9, False, 0.0)
    >>> advance(3, 10, now=0.1, last=0.0, interval=0.5)
    (3, True, 0.0)
    """
    if pos >= n_steps - 1:
        return n_steps - 1, False, last
    if now - last < 0.8 * interval:
        return pos, True, last
    return pos + 1, pos + 1 < n_steps - 1, now


def restart_on_change(key: str, token: Hashable) -> bool:
    """Put the player ``key`` back at its first step, paused, when ``token`` changes.

    ``token`` names what the steps are of (the image, its working size, the zoomed
    region ...): frame 69 of one picture means nothing for the next. The first token seen
    changes nothing, so a link's or an earlier visit's position stands. Call this before
    :class:`Player` is made for ``key``. Returns True when it restarted.
    """
    ss = st.session_state
    seen_key = f"{key}.token"
    seen = ss.get(seen_key)
    ss[seen_key] = token
    if seen is None or seen == token:
        return False
    ss[f"{key}.pos"], ss[f"{key}.playing"] = 0, False
    return True


class Player:
    """Session-state keys of one animation on one page."""

    def __init__(self, key: str, n_steps: int, default_speed: float = 2,
                 speeds: Sequence[float] = SPEEDS) -> None:
        self.key, self.n_steps = key, max(1, int(n_steps))
        self.speeds = tuple(speeds)  # the speed choices (steps per second)
        ss = st.session_state
        ss.setdefault(self.pos_key, 0)
        ss.setdefault(self.play_key, False)
        ss.setdefault(self.speed_key, default_speed)
        if ss[self.speed_key] not in self.speeds:  # e.g. a default outside the choices
            ss[self.speed_key] = min(self.speeds, key=lambda v: abs(v - ss[self.speed_key]))
        ss.setdefault(self.last_key, 0.0)
        if ss[self.pos_key] >= self.n_steps:  # the settings changed under us
            ss[self.pos_key] = self.n_steps - 1

    pos_key = property(lambda self: f"{self.key}.pos")
    play_key = property(lambda self: f"{self.key}.playing")
    speed_key = property(lambda self: f"{self.key}.speed")
    last_key = property(lambda self: f"{self.key}.last")
    slider_key = property(lambda self: f"{self.key}.slider")
    locked_key = property(lambda self: f"{self.key}.locked")  # the slider as last drawn
    dragged_key = property(lambda self: f"{self.key}.dragged")  # this run is a drag's

    @property
    def pos(self) -> int:
        return int(st.session_state[self.pos_key])

    def _set(self, pos: int) -> None:
        st.session_state[self.pos_key] = max(0, min(self.n_steps - 1, pos))

    def _toggle(self, play: bool | None = None) -> None:
        """Play (``play=True``), pause (``False``) or flip (``None``).

        The button passes what its label offered, so a click that Streamlit processes
        twice (a run interrupted by a timer tick and redone) pauses twice instead of
        pausing and playing again.
        """
        ss = st.session_state
        play = not ss[self.play_key] if play is None else play
        if play == ss[self.play_key]:
            return
        if play and ss[self.pos_key] >= self.n_steps - 1:
            ss[self.pos_key] = 0  # Play at the end starts over
        ss[self.play_key] = play
        ss[self.last_key] = time.monotonic()

    def _scrub(self) -> None:
        """The step slider moved: go there.

        The slider is drawn in the fragment, so it moves with every tick, and it is locked
        while playing. A "change" that arrives while the slider was last drawn locked is a
        request the browser sent before it got the last tick's position, carrying an older
        one (e.g. with a Pause click): keep the position then.
        """
        ss = st.session_state
        if ss.get(self.locked_key, False):
            ss[self.slider_key] = ss[self.pos_key] + 1
            return
        ss[self.dragged_key] = True
        self._stop_and(ss[self.slider_key] - 1)

    def _stop_and(self, pos: int) -> None:
        st.session_state[self.play_key] = False
        self._set(pos)

    def controls(self) -> None:
        """Draw the buttons and the speed choice (full reruns); the step slider is drawn
        by :meth:`show`, with the frame."""
        ss = st.session_state
        cols = st.columns([1, 1.3, 1, 1])  # the speed below: four labels fit at 1024 px
        cols[0].button("Back", icon=":material/skip_previous:", key=f"{self.key}.back",
                       width="stretch",
                       on_click=lambda: self._stop_and(self.pos - 1))
        cols[1].button("Pause" if ss[self.play_key] else "Play",
                       icon=":material/pause:" if ss[self.play_key] else ":material/play_arrow:",
                       key=f"{self.key}.toggle",
                       type="primary", width="stretch", on_click=self._toggle,
                       args=(not ss[self.play_key],))
        cols[2].button("Next", icon=":material/skip_next:", key=f"{self.key}.fwd", width="stretch",
                       on_click=lambda: self._stop_and(self.pos + 1))
        cols[3].button("Reset", icon=":material/replay:", key=f"{self.key}.reset", width="stretch",
                       on_click=lambda: self._stop_and(0))
        st.select_slider("Speed (steps per second)", options=self.speeds, key=self.speed_key,
                         width=320)

    def _slider(self) -> None:
        """The step slider, in the fragment: it follows every tick; locked while playing."""
        ss = st.session_state
        if self.n_steps > 1:
            ss[self.slider_key] = ss[self.pos_key] + 1
            ss[self.locked_key] = bool(ss[self.play_key])
            st.slider("Step", 1, self.n_steps, key=self.slider_key, on_change=self._scrub,
                      disabled=ss[self.locked_key],
                      help="Drag to go to a step (pause first).")

    def show(self, draw: Callable[[int], None]) -> None:
        """Draw the step slider and run ``draw(step)`` in a fragment that ticks while
        playing, so the slider moves with the frame."""
        ss = st.session_state
        interval = 1.0 / float(ss[self.speed_key])

        def _frame(tick: bool) -> None:
            dragged = ss.pop(self.dragged_key, False)  # this run is the slider's drag
            if ss[self.play_key]:
                pos, playing, last = advance(self.pos, self.n_steps, now=time.monotonic(),
                                             last=ss[self.last_key], interval=interval)
                ss[self.pos_key], ss[self.last_key] = pos, last
                if not playing:
                    ss[self.play_key] = False
                    st.rerun()  # a full run redraws the controls and stops the timer
            elif tick and not dragged:
                # A tick sent just before Pause/Next reached the server. Drawn alone it
                # raced with the full run in browser tests (a broken frame image, a dead
                # download button): redraw the whole page instead.
                st.rerun()
            self._slider()
            draw(self.pos)

        timer_fragment(_frame, run_every=interval if ss[self.play_key] else None)()
