"""Sweep animation speed at the default working size (longest side 512).

Prints the median time of one frame (and frames per second), the first frame (which draws
the cached panels), the plan, a 100-frame GIF export, and the zoomed region sweep, each
against its target: 10 frames/s for playing (aim: < 20 ms a frame) and 3 s for the GIF.

Run: ``.venv/bin/python benchmarks/bench_sweep.py``
"""

from __future__ import annotations

import io
import statistics
import time

import numpy as np
from PIL import Image

from convviz.draw.render import png_bytes
from convviz.engine.kernels import get_kernel
from convviz.imaging.samples import load_sample
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_detail import render_window_detail, window_detail
from convviz.imaging.sweep_export import sweep_gif
from convviz.imaging.sweep_frames import render_sweep_frame


def _time(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _line(what: str, seconds: float, target: float | None = None, unit: str = "ms") -> None:
    value = seconds * 1000 if unit == "ms" else seconds
    text = f"{what:<48} {value:9.2f} {unit}"
    if target is not None:
        ok = "ok" if seconds <= target else "SLOW"
        goal = target * 1000 if unit == "ms" else target
        text += f"   target < {goal:g} {unit} ({seconds / target:.2f}x of it) {ok}"
    print(text)


def _shows():
    """How a frame gets to the browser: what ``st.image(array)`` does, and alternatives."""
    out = []
    try:
        from streamlit.elements.lib.image_utils import image_to_url
        from streamlit.elements.lib.layout_utils import LayoutConfig

        def st_image(frame):  # the server-side work of st.image(frame): JPEG quality 100
            return image_to_url(frame, LayoutConfig(width="content"), False, "RGB", "auto", "x")

        out.append(("st.image(array) server side (JPEG q100)", st_image))
    except ImportError:  # streamlit moved it: Pillow's JPEG q100 is what it did
        out.append(("JPEG q100 (as st.image(array))", lambda f: _encode(f, "JPEG", quality=100)))
    out.append(("JPEG q90 bytes (for st.image(bytes))", lambda f: _encode(f, "JPEG", quality=90)))
    out.append(("PNG, Pillow default (render.png_bytes)", png_bytes))
    return out


def _encode(frame, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format=fmt, **kw)
    return buf.getvalue()


def main() -> None:
    image = load_sample("grace_hopper", max_side=512)
    kernel = get_kernel("sobel_x")
    print(f"grace_hopper {image.shape[0]}x{image.shape[1]}, sobel_x, padding same\n")

    plan_t = _time(lambda: sweep_plan(image, kernel), repeat=5)
    _line("sweep_plan (conv2d + validation)", statistics.median(plan_t))
    plan = sweep_plan(image, kernel)
    first = _time(lambda: render_sweep_frame(plan, 0))[0]
    _line("first frame (draws and caches the panels)", first)

    frames = list(range(0, plan.n_frames, 3))
    per = _time(lambda: None, 0)
    for k in frames:
        per += _time(lambda k=k: render_sweep_frame(plan, k))
    med = statistics.median(per)
    _line(f"one frame, median of {len(frames)} (of {plan.n_frames})", med, 0.1)
    print(f"{'  = frames per second (render only)':<48} {1 / med:9.0f} fps  target >= 10")
    frame = render_sweep_frame(plan, plan.n_frames // 2)
    for what, encode in _shows():
        show = statistics.median(_time(lambda encode=encode: encode(frame), repeat=7))
        _line(f"  + {what}", show)
        print(f"{'    = frames per second, render + show':<48} {1 / (med + show):9.0f} fps"
              "  target >= 10")

    fresh = sweep_plan(image, kernel)  # a cold plan: the palette is made inside the export
    gif_t = _time(lambda: sweep_gif(fresh, max_frames=100))[0]
    _line("GIF, 100 frames at 512 px (cold plan)", gif_t, 3.0, unit="s")
    warm = _time(lambda: sweep_gif(fresh, max_frames=100), repeat=3)
    _line("GIF, 100 frames at 512 px (cached panels)", statistics.median(warm), 3.0, unit="s")
    data = sweep_gif(fresh, max_frames=100)
    with Image.open(io.BytesIO(data)) as gif:
        print(f"  {gif.n_frames} frames, {gif.width}x{gif.height}, {len(data) / 1e6:.2f} MB")

    zoom = sweep_plan(image, kernel, region=(150, 200, 16))
    _line("zoomed 16x16 region: first frame", _time(lambda: render_sweep_frame(zoom, 0))[0])
    zt = []
    for k in range(zoom.n_frames):
        zt += _time(lambda k=k: render_sweep_frame(zoom, k))
    _line(f"zoomed 16x16 region: one frame, median of {zoom.n_frames}", statistics.median(zt),
          0.1)
    dt = _time(lambda: render_window_detail(window_detail(zoom, 40)), repeat=5)
    _line("window detail (numbers + 3 grids)", statistics.median(dt))
    zgif = _time(lambda: sweep_gif(zoom, max_frames=100))[0]
    _line("zoomed GIF, 100 frames", zgif, 3.0, unit="s")
    np.asarray(frame)  # keep the frame alive until here (no lazy work hides in timings)


if __name__ == "__main__":
    main()
