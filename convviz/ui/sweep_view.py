"""Play a :class:`~convviz.imaging.sweep.SweepPlan`: controls, the frame, the window's
numbers, a GIF.

The frames are drawn from the plan's own cache (so keep the plan in session state, not in
``st.cache_data``, which would hand out copies without it) and shown as plain arrays with
``st.image`` as JPEG (encoding PNG per frame is too slow for 10 frames a second); the
current frame's picture is kept, so a rerun that does not move the sweep encodes nothing.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from convviz.draw.render import jpeg_bytes, png_bytes
from convviz.imaging.filters import frame_rows
from convviz.imaging.sweep import SweepPlan, default_scale
from convviz.imaging.sweep_detail import render_window_detail, window_detail
from convviz.imaging.sweep_export import sweep_gif, sweep_gif_fit
from convviz.imaging.sweep_frames import render_sweep_frame
from convviz.ui.downloads import budgeted_download
from convviz.ui.kept import memo
from convviz.ui.player import Player

SWEEP_SPEEDS = (1, 2, 5, 10, 15, 20)  # frames per second


def show_sweep(key: str, plan: SweepPlan, plan_key: Any, *, display: str,
               vmax: float | None, file_name: str, zoom: bool = False) -> None:
    """The Play/Pause/Step/speed controls, the frame and the current window's numbers
    (in a fragment that ticks while playing), then a GIF download of the same sweep."""
    scale = max(default_scale(plan, 640), 24) if zoom else default_scale(plan)
    player = Player(key, plan.n_frames, default_speed=10, speeds=SWEEP_SPEEDS)
    player.controls()

    def draw(i: int) -> None:
        if plan.by_rows:
            first, last = frame_rows(plan, i)
            where = f"output row {last}" if first == last else f"output rows {first}-{last}"
            where += " (numbers below: the last window of the row)"
        else:
            where = f"output cell {plan.position(i)}"
        st.image(memo(f"{key}.frame", (plan_key, i, scale, display, vmax),
                      lambda: jpeg_bytes(render_sweep_frame(plan, i, scale=scale,
                                                            display=display, vmax=vmax))),
                 caption=f"Frame {i + 1} of {plan.n_frames}: the windows of {where}.",
                 output_format="JPEG")
        st.image(memo(f"{key}.detail", (plan_key, i),
                      lambda: png_bytes(render_window_detail(window_detail(plan, i)))),
                 output_format="PNG")

    player.show(draw)
    fps = float(st.session_state[player.speed_key])
    most = min(plan.n_frames, 400) if zoom else 100
    fit = sweep_gif_fit(plan, max_frames=most, what="the zoomed sweep" if zoom else "the sweep")
    budgeted_download(
        "Download the sweep (GIF)", key=f"{key}.gif", mime="image/gif", file_name=file_name,
        icon=":material/movie:", plan=fit,
        help=f"An animated GIF of this sweep at the chosen speed, for slides (at most {most} "
        "frames).",
        make=lambda: sweep_gif(plan, fps=fps, display=display, vmax=vmax, max_frames=most,
                               fit=fit))
