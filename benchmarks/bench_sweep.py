"""The image page's sweep at the default working size (longest side 512): what the server
does for it.

The sweep plays in the browser from one payload per sweep (convviz/imaging/sweep_payload.py):
this prints the time to build that payload and its size, beside what the server-rendered
player it replaced cost (one frame drawn and encoded per rerun, at 10 frames/s), then the
GIF export (still drawn on the server, from the same frames), for the whole photo and a
zoomed region. Targets: a payload well under one second of the old frame stream, built in
well under a second (it is kept per sweep, so an unrelated rerun costs nothing); the GIF in
3 s.

Run: ``.venv/bin/python benchmarks/bench_sweep.py``
"""

from __future__ import annotations

import io
import statistics
import time

import numpy as np
from PIL import Image

from convviz.engine.kernels import get_kernel
from convviz.imaging.samples import load_sample
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_detail import render_window_detail, window_detail
from convviz.imaging.sweep_export import sweep_gif
from convviz.imaging.sweep_frames import render_sweep_frame
from convviz.imaging.sweep_payload import payload_bytes, sweep_payload

OLD_FPS = 10  # the server-rendered player's default speed


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


def _encode(frame, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format=fmt, **kw)
    return buf.getvalue()


def _payload_line(what: str, plan) -> None:
    """Build time and size of the browser payload, against the old per-frame stream."""
    built = statistics.median(_time(lambda: sweep_payload(plan, display="signed"), repeat=3))
    size = payload_bytes(sweep_payload(plan, display="signed"))
    _line(f"{what}: payload built once", built, 1.0)
    k = plan.n_frames // 2
    per = statistics.median(_time(lambda: render_sweep_frame(plan, k), repeat=5))
    frame = render_sweep_frame(plan, k)
    jpeg = _encode(frame, "JPEG", quality=90)
    enc = statistics.median(_time(lambda: _encode(frame, "JPEG", quality=90), repeat=5))
    stream = len(jpeg) * OLD_FPS
    print(f"  {'payload size':<46} {size / 1e3:9.0f} KB, once per sweep "
          f"({size / stream:.2f} s of the old stream)")
    print(f"  {'old: one frame drawn + JPEG q90':<46} {(per + enc) * 1000:9.2f} ms, "
          f"{len(jpeg) / 1e3:.0f} KB per frame")
    print(f"  {f'old: at {OLD_FPS} frames/s':<46} {stream / 1e3:9.0f} KB/s per viewer, "
          f"{(per + enc) * OLD_FPS:.2f} core-s/s of drawing alone (plus a rerun each)")
    print(f"  {'new: while playing':<46} {0:9.0f} KB/s, no server work per frame")


def main() -> None:
    image = load_sample("grace_hopper", max_side=512)
    kernel = get_kernel("sobel_x")
    print(f"grace_hopper {image.shape[0]}x{image.shape[1]}, sobel_x, padding same\n")

    plan_t = _time(lambda: sweep_plan(image, kernel), repeat=5)
    _line("sweep_plan (conv2d + validation)", statistics.median(plan_t))
    plan = sweep_plan(image, kernel)
    _payload_line("whole photo, 256 frames", plan)
    zoomed = sweep_plan(image, kernel, region=(150, 200, 16), by_rows=False, n_frames=256)
    _payload_line("zoomed 16x16 region, 256 frames", zoomed)
    frame = render_sweep_frame(plan, plan.n_frames // 2)
    print()

    fresh = sweep_plan(image, kernel)  # a cold plan: the palette is made inside the export
    gif_t = _time(lambda: sweep_gif(fresh, max_frames=100))[0]
    _line("GIF, 100 frames at 512 px (cold plan)", gif_t, 3.0, unit="s")
    warm = _time(lambda: sweep_gif(fresh, max_frames=100), repeat=3)
    _line("GIF, 100 frames at 512 px (cached panels)", statistics.median(warm), 3.0, unit="s")
    data = sweep_gif(fresh, max_frames=100)
    with Image.open(io.BytesIO(data)) as gif:
        print(f"  {gif.n_frames} frames, {gif.width}x{gif.height}, {len(data) / 1e6:.2f} MB")

    zoom = sweep_plan(image, kernel, region=(150, 200, 16))
    dt = _time(lambda: render_window_detail(window_detail(zoom, 40)), repeat=5)
    _line("window detail picture (the inspected point)", statistics.median(dt))
    zgif = _time(lambda: sweep_gif(zoom, max_frames=100))[0]
    _line("zoomed GIF, 100 frames", zgif, 3.0, unit="s")
    np.asarray(frame)  # keep the frame alive until here (no lazy work hides in timings)


if __name__ == "__main__":
    main()
