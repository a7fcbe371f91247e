"""The sweep of one kernel over the picture, played in the browser, and its GIF.

The ``convviz.sweep`` component (``convviz/ui/web/sweep.js``) gets the numbers of the whole
sweep once per rerun (:func:`convviz.imaging.sweep_payload.sweep_payload`, kept per plan and
display in the session) and plays, steps and scrubs them itself: no frame is drawn on the
server and no rerun happens while it plays. It tells Python its frame (``setStateValue``)
when playback stops or the learner steps, scrubs or changes the speed; Python keeps that
frame in a page setting (so the text below the sweep and the page's link follow it) and
the speed (so the GIF plays at it).

The payload holds nothing that changes with the frame: an unchanged sweep is the same
message on every rerun, which Streamlit sends as a reference instead of its bytes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Hashable
from typing import Any

import streamlit as st

from convviz.draw import numbers
from convviz.draw.render import NUMBERS_LEFT_OUT
from convviz.imaging.sweep import SweepPlan
from convviz.imaging.sweep_export import sweep_gif, sweep_gif_fit, sweep_gif_numbers_left_out
from convviz.imaging.sweep_payload import frame_where, sweep_payload
from convviz.ui.downloads import budgeted_download
from convviz.ui.kept import memo

__all__ = ["DEFAULT_FPS", "FPS_RANGE", "heard_frame", "show_sweep"]

DEFAULT_FPS = 10
FPS_RANGE = (1, 30)  # the component's speed choices (frames per second)



@functools.cache
def _sweep_component() -> Any:
    """The ``convviz.sweep`` component, registered once per process (not per rerun), at its
    first mount: its JS and CSS are package assets declared in convviz/pyproject.toml, which
    Streamlit reads when its runtime starts, so registering at import time would fail where
    no runtime runs (a doctest collecting this module)."""
    return st.components.v2.component("convviz.sweep", js="sweep.js", css="sweep.css")


def heard_frame(value: Any, token: str, n_frames: int) -> tuple[int, int | None] | None:
    """What the component's ``frame`` state says: (0-based frame, speed or None), or None
    when it is not about this sweep (another ``token``) or is malformed.

    Examples
    --------
    >>> heard_frame({"token": "a", "frame": 7, "speed": 12}, "a", 10)
    (7, 12)
    >>> heard_frame({"token": "a", "frame": 70}, "a", 10), heard_frame({"token": "b"}, "a", 10)
    ((9, None), None)
    """
    if not isinstance(value, dict) or value.get("token") != token:
        return None
    frame = value.get("frame")
    if isinstance(frame, bool) or not isinstance(frame, int):
        return None
    speed = value.get("speed")
    if isinstance(speed, bool) or not isinstance(speed, int):
        speed = None
    else:
        speed = max(FPS_RANGE[0], min(FPS_RANGE[1], speed))
    return max(0, min(n_frames - 1, frame)), speed


def _token(restart: Hashable) -> str:
    return hashlib.sha1(repr(restart).encode()).hexdigest()[:16]


def show_sweep(key: str, plan: SweepPlan, plan_key: Hashable, *, restart: Hashable,
               frame_key: str, display: str, vmax: float | None, file_name: str,
               zoom: bool = False) -> int:
    """Mount the sweep component, write the frame it stopped at, offer the GIF.

    Parameters
    ----------
    key : str
        The component's key; ``f"{key}.*"`` session keys hold its token, start and speed.
    plan : SweepPlan
    plan_key : hashable
        Names ``plan`` (its payload is kept in the session until it changes).
    restart : hashable
        What the frames are of (the picture, the zoomed region): when it changes, the
        sweep starts again at frame 1, paused. The first one seen keeps ``frame_key``'s
        frame (from the page's link or an earlier visit).
    frame_key : str
        The session key of the 1-based frame Python shows (a page setting).
    display, vmax
        The map's colours, as in :func:`sweep_payload`.
    file_name : str
        The GIF's file name.
    zoom : bool
        A zoomed region (a GIF of up to 400 frames instead of 100).

    Returns
    -------
    int
        The 0-based frame shown below the sweep.
    """
    ss = st.session_state
    token = _token(restart)
    token_key, start_key, speed_key = f"{key}.token", f"{key}.start", f"{key}.speed"
    n = plan.n_frames
    ss.setdefault(speed_key, DEFAULT_FPS)
    seen = ss.get(token_key)
    if seen is not None and seen != token:
        ss[frame_key] = 1  # frame 69 of one picture means nothing for the next
    if seen != token:
        ss[start_key] = (max(0, min(n - 1, int(ss.get(frame_key, 1)) - 1)), ss[speed_key])
    ss[token_key] = token

    def heard() -> None:
        got = heard_frame(ss[key].get("frame"), ss[token_key], n)
        if got is not None:
            ss[frame_key] = got[0] + 1
            if got[1] is not None:
                ss[speed_key] = got[1]

    frame = max(0, min(n - 1, int(ss.get(frame_key, 1)) - 1))
    ss[frame_key] = frame + 1
    data = memo(f"{key}.payload", (plan_key, display, vmax),
                lambda: sweep_payload(plan, display=display, vmax=vmax))
    start, fps = ss[start_key]
    mount = _sweep_component()
    mount(data={**data, "token": token, "start": min(start, n - 1), "fps": fps}, key=key,
          default={"frame": None}, on_frame_change=heard, height="content", width="stretch")

    r, c = plan.position(frame)
    value = numbers.format_value(float(plan.fmap[r, c]), 4)
    last = "its last window" if plan.by_rows else "its window"
    st.markdown(f"Frame {frame + 1} of {n}: the windows of {frame_where(plan, frame)}; {last}, "
                f"output cell {(r, c)}, sums to **{value}**.")
    st.caption("Play, step, drag or use the arrow keys and space on the sweep: it plays in "
               "your browser, and this line and the page's link follow when it stops.")

    fps_gif = float(ss[speed_key])
    most = min(n, 400) if zoom else 100
    fit = sweep_gif_fit(plan, max_frames=most, what="the zoomed sweep" if zoom else "the sweep")
    budgeted_download(
        "Download the sweep (GIF)", key=f"{key}.gif", mime="image/gif", file_name=file_name,
        icon=":material/movie:", plan=fit,
        help=f"An animated GIF of this sweep at the chosen speed, for slides (at most {most} "
        "frames).",
        make=lambda: sweep_gif(plan, fps=fps_gif, display=display, vmax=vmax, max_frames=most,
                               fit=fit))
    if left_out := sweep_gif_numbers_left_out(plan, max_side=fit.size, display=display):
        st.caption(f"In the GIF, {NUMBERS_LEFT_OUT} ({left_out} of its numbers; no number is "
                   "drawn under 12 px).")
    return frame
