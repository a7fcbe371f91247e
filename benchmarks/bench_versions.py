"""Time one training step of this checkout's convviz.nn against an earlier commit's, same run.

Did a change slow the engine down? This script checks out ``--rev`` into a temporary git
worktree, then times one training step (batch 64, 28x28x1, forward, softmax cross-entropy,
backward, an SGD update) of the same network with each tree's convviz, in fresh
subprocesses that alternate round by round (this machine is shared and noisy: compare the
ratio, not the milliseconds). Networks: "small" (conv8-pool-conv16-pool-dense10) and
"keras_mnist" (seed 003's Keras MNIST model, built layer by layer so that any commit with
the layer classes can run it).

    python benchmarks/bench_versions.py [--rev dc7362b^] [--network small|keras_mnist|both]
                                        [--rounds 5] [--steps 150]

The default revision is the commit before the engine was grouped into packages ("One
house"), whose speed the regrouping had to keep.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a subprocess with the tree to time as its first argument: prints the median ms.
CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
import convviz
from convviz.nn import SGD, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from convviz.nn import softmax_cross_entropy
assert convviz.__file__.startswith(sys.argv[1]), convviz.__file__
if sys.argv[2] == "small":
    layers = [Conv2D(8, 3), ReLU(), MaxPool2D(2), Conv2D(16, 3), ReLU(), MaxPool2D(2),
              Flatten(), Dense(10)]
else:
    layers = [Conv2D(32, 3), ReLU(), MaxPool2D(2), Conv2D(64, 3), ReLU(), MaxPool2D(2),
              Conv2D(64, 3), ReLU(), Flatten(), Dense(64), ReLU(), Dense(10)]
model = Sequential(layers, input_shape=(28, 28, 1), seed=0)
rng = np.random.default_rng(0)
x = rng.random((64, 28, 28, 1), dtype=np.float32)
y = rng.integers(0, 10, 64)
opt = SGD(lr=0.01)
def step():
    loss, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.backward(dlogits)
    opt.step(model)
for _ in range(20):
    step()
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
times.sort()
print(times[len(times) // 2] * 1e3)
"""


def _time(tree: Path, network: str, steps: int) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), network, str(steps)],
                         check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="dc7362b^", help="the earlier commit (dc7362b^)")
    parser.add_argument("--network", choices=("small", "keras_mnist", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (5)")
    parser.add_argument("--steps", type=int, default=150, help="timed steps per round (150)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.steps < 1:
        parser.error("--rounds and --steps must be positive integers")
    networks = ("small", "keras_mnist") if args.network == "both" else (args.network,)
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old),
                        args.rev], check=True)
        try:
            rev = subprocess.run(["git", "-C", str(old), "rev-parse", "--short", "HEAD"],
                                 check=True, capture_output=True, text=True).stdout.strip()
            for network in networks:
                now, then = [], []
                for _ in range(args.rounds):
                    then.append(_time(old, network, args.steps))
                    now.append(_time(ROOT, network, args.steps))
                a, b = statistics.median(now), statistics.median(then)
                print(f"one training step, batch 64, {network}, median of {args.rounds} "
                      f"rounds x {args.steps} steps")
                print(f"  this checkout: {a:7.2f} ms   (rounds: "
                      f"{', '.join(f'{t:.2f}' for t in now)})")
                print(f"  {rev:>13}: {b:7.2f} ms   (rounds: "
                      f"{', '.join(f'{t:.2f}' for t in then)})")
                print(f"  ratio: {a / b:.2f}x the earlier commit "
                      f"({'no slowdown' if a <= b else 'SLOWER'})")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                           check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
