"""Exports at the pages' largest settings: seconds, file size and peak memory, measured
against the budget's estimates (run: python benchmarks/bench_exports.py).

Each export runs in a fresh process, so its peak resident size is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "step GIF, 12x12, 7x7, dilation 3, full (900 steps), cell {cell}, {n} frames": """
import numpy as np, convviz as cv
from convviz.base import budget
from convviz.draw.conv_animation import animation_cost, animation_gif
x = np.random.default_rng(0).integers(0, 10, (12, 12)).astype(float)
plan = cv.conv_plan(x, np.ones((7, 7)), 0.0, padding="full", dilation=3)
cell, n = {cell}, {n}
animation_gif(cv.conv_plan(np.ones((5, 5)), np.ones((3, 3))))
frames = tuple(budget.every_kth(900, -(-900 // n)))
cost = animation_cost(plan, cell=cell, frames=len(frames))
fit = budget.Fit(frames, 900, cell, 1, cost, cost, None)
run = lambda: animation_gif(plan, fit)
""",
}

RUNNER = """
import json, resource, time
{setup}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
data = run()
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(dict(seconds=dt, bytes=len(data), peak_mb=(peak - base) / 1024,
                      est_seconds=cost.seconds, est_bytes=cost.output_bytes,
                      est_peak_mb=cost.peak_bytes / 2**20)))
"""


def main() -> None:
    for title, setup in CASES.items():
        for cell, n in ((40, 100), (32, 100), (24, 100), (24, 300)):
            code = RUNNER.format(setup=setup.format(cell=cell, n=n))
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{title.format(cell=cell, n=n)}: {r['seconds']:.1f} s (est "
                  f"{r['est_seconds']:.1f}), {r['bytes'] / 2**20:.2f} MB (est "
                  f"{r['est_bytes'] / 2**20:.2f}), peak +{r['peak_mb']:.0f} MB (est "
                  f"{r['est_peak_mb']:.0f})", flush=True)


if __name__ == "__main__":
    main()
