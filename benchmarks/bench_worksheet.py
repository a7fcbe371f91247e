"""Worksheets (sheet and key) against :func:`convviz.teach.worksheet_cost.worksheet_cost`:
seconds, pages and peak memory for several problem counts and topic mixes, each run in a
fresh process so its first-call costs (fonts, the PDF backend) and its peak resident size
are its own (run: python benchmarks/bench_worksheet.py [--runs 3]).

Prints, per case, the median of the runs beside the estimate: the CPU seconds of the work
(what the estimate is: seconds of work on one core; other work on a shared machine barely
moves it) and the wall-clock seconds (which it does move).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ALL = "output-size,convolution,pooling,parameters,receptive-field,transposed,shapes"
CASES = (
    ("output-size,convolution,pooling", 8),
    ("output-size,convolution,pooling", 40),
    (ALL, 8),
    (ALL, 20),
    (ALL, 40),
    *((topic, 40) for topic in ALL.split(",")),  # each topic alone: what one problem costs
)

RUNNER = """
import json, re, resource, time
from convviz.teach.worksheet import worksheet_pdfs
from convviz.teach.worksheet_cost import worksheet_cost
import matplotlib
topics, n, seed = {topics!r}, {n}, {seed}
cost = worksheet_cost(n)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, cpu = time.perf_counter(), time.process_time()
sheet, key = worksheet_pdfs(topics, n, seed)
dt, dcpu = time.perf_counter() - t, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
pages = sum(len(re.findall(rb"/Type /Page\\b", f)) for f in (sheet, key))
print(json.dumps(dict(seconds=dt, cpu=dcpu, pages=pages, bytes=len(sheet) + len(key),
                      peak_mb=(peak - base) / 1024, est_seconds=cost.seconds,
                      est_pages=cost.frames, est_bytes=cost.output_bytes,
                      est_peak_mb=cost.peak_bytes / 2**20)))
"""


def run_once(topics: str, n: int, seed: int) -> dict:
    """One worksheet in a fresh process: its measured and estimated figures."""
    code = RUNNER.format(topics=topics, n=n, seed=seed)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    if done.returncode:
        raise RuntimeError(f"{topics} x {n} (seed {seed}) failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median shown)")
    args = parser.parse_args()
    for topics, n in CASES:
        rs = [run_once(topics, n, seed) for seed in range(args.runs)]
        med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        label = "all seven topics" if topics == ALL else topics
        secs = ", ".join(f"{r['seconds']:.1f}" for r in rs)
        cpus = ", ".join(f"{r['cpu']:.1f}" for r in rs)
        peaks = ", ".join(f"{r['peak_mb']:.0f}" for r in rs)
        print(f"{n:>2} problems, {label}: {med['cpu']:.1f} s of CPU (runs {cpus}), "
              f"{med['seconds']:.1f} s wall (runs {secs}; est "
              f"{med['est_seconds']:.1f}), {med['pages']:.0f} pages (est "
              f"{med['est_pages']:.0f}), {med['bytes'] / 2**20:.2f} MB (est "
              f"{med['est_bytes'] / 2**20:.2f}), peak +{med['peak_mb']:.0f} MB (runs "
              f"{peaks}; est "
              f"{med['est_peak_mb']:.0f})", flush=True)


if __name__ == "__main__":
    main()
