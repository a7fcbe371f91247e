"""Script time of a widget change on each page, measured with Streamlit's AppTest.

For each page: run it once (warm caches), then change one main widget and time the rerun,
several times; prints the median per page against the 150 ms target. AppTest runs the
script in-process, so this is script time without the browser's rendering.

    python benchmarks/bench_pages.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 150

# page -> (widget kind, key, two values to alternate between)
CHANGES = {
    "pages/home.py": None,
    "pages/convolution.py": ("slider", "conv.stride", (1, 2)),
    "pages/image_filters.py": ("slider", "img.stride", (1, 2)),
    "pages/output_size.py": ("slider", "size.s", (1, 2)),
    "pages/pooling.py": ("slider", "pool.k", (2, 3)),
    "pages/layer_shapes.py": ("selectbox", "shapes.preset", None),
}


def _change(at: AppTest, spec, k: int) -> None:
    kind, key, values = spec
    widget = getattr(at, kind)(key=key)
    if kind == "selectbox":
        options = widget.options
        widget.select(options[k % len(options)])
    else:
        widget.set_value(values[k % 2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print(f"{'page':<24} {'first run':>10} {'widget change (median)':>24}  target")
    for page, spec in CHANGES.items():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        if at.exception:
            print(f"{page:<24} raised: {at.exception[0].message}")
            continue
        times = []
        for k in range(args.repeat):
            if spec is None:
                t0 = time.perf_counter()
                at.run()
            else:
                _change(at, spec, k + 1)
                t0 = time.perf_counter()
                at.run()
            times.append(time.perf_counter() - t0)
        med = statistics.median(times) * 1000
        verdict = "ok" if med < TARGET_MS else "MISSED"
        what = "rerun" if spec is None else spec[1]
        print(f"{page:<24} {first * 1000:8.0f}ms {med:12.0f}ms ({what:>10})  "
              f"< {TARGET_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
