"""Time one training step of convviz.nn against the same network in torch (CPU), same run.

Two networks on a batch of 64 28x28x1 images: "small", Conv2D(8, 3) - ReLU - MaxPool2D(2) -
Conv2D(16, 3) - ReLU - MaxPool2D(2) - Flatten - Dense(10), and "keras_mnist", seed 003's
Keras MNIST model (93,322 parameters). A step is forward, softmax cross-entropy, backward
and an SGD update. torch runs the same architecture (channels first, its own layouts)
with the same starting weights, when it is importable. Timings alternate between the two
in rounds, since this machine is shared and noisy: compare the ratio (target: at or under
torch, DESIGN.md), not the seconds.

``--blas-threads 1`` limits numpy's BLAS (not torch's own thread pool) to one thread:
our GEMMs are small, so this costs nothing on a quiet machine and keeps the step steady
when other processes (or other sessions' training) compete for the two cores.

    python benchmarks/bench_train.py [--network small|keras_mnist|both] [--steps 200]
                                     [--rounds 5] [--blas-threads N] [--profile]
                                     [--digits-runs 3]

Then (``--digits-runs``, 0 to skip) the digits target: ``convviz train``'s defaults (the
"small" preset, Adam, lr 0.002 with cosine decay, batch 32, 20 epochs) on the handwritten
digits, in slices of 0.25 s, scoring the whole held-out set (450 images) after each slice:
the training seconds until it first reaches 97% (target: under 3 s, DESIGN.md), and at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import time

import numpy as np

from convviz.nn import (
    SGD,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    softmax_cross_entropy,
)

BATCH, LR = 64, 0.01
DIGITS_TARGET = 3  # seconds of training to 97% held out on the digits (DESIGN.md)


def build_ours(network: str = "small") -> Sequential:
    """The benchmark's networks: "small" (conv8-pool-conv16-pool-dense10, 5,258 parameters)
    or "keras_mnist" (seed 003's Keras MNIST model, 93,322 parameters)."""
    if network == "keras_mnist":
        from convviz.nn.presets import model_from_preset

        return model_from_preset("keras_mnist", (28, 28, 1), 10, seed=0)
    return Sequential([Conv2D(8, 3), ReLU(), MaxPool2D(2), Conv2D(16, 3), ReLU(), MaxPool2D(2),
                       Flatten(), Dense(10)], input_shape=(28, 28, 1), seed=0)


NETWORKS = {"small": "conv8-pool-conv16-pool-dense10",
            "keras_mnist": "Keras MNIST: conv32-pool-conv64-pool-conv64-dense64-dense10"}


def ours_step(model: Sequential, opt: SGD, x: np.ndarray, y: np.ndarray):
    def step() -> float:
        loss, dlogits = softmax_cross_entropy(model.forward(x), y)
        model.backward(dlogits, input_grad=False)  # as in torch: the images need no gradient
        opt.step(model)
        return loss
    return step


def to_torch(model: Sequential):
    """The same network in torch (channels first, float32), with our weights copied in."""
    import torch

    mods, shape = [], model.input_shape
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            w = layer.params["weight"]  # (kH, kW, C, F) -> (F, C, kH, kW)
            pad = 0 if layer.padding == "valid" else layer.padding
            mod = torch.nn.Conv2d(w.shape[2], w.shape[3], w.shape[:2], stride=layer.stride,
                                  padding=pad)
            mod.weight.data = torch.from_numpy(w.transpose(3, 2, 0, 1).copy())
            mod.bias.data = torch.from_numpy(layer.params["bias"].copy())
        elif isinstance(layer, MaxPool2D):
            mod = torch.nn.MaxPool2d(layer.pool_size, layer.stride)
        elif isinstance(layer, ReLU):
            mod = torch.nn.ReLU()
        elif isinstance(layer, Flatten):
            mod = torch.nn.Flatten()
        elif isinstance(layer, Dense):
            w = layer.params["weight"]
            if len(shape) == 3:  # ours flattens (H, W, C), torch (C, H, W): permute the rows
                h, wd, c = shape
                w = w.reshape(h, wd, c, -1).transpose(2, 0, 1, 3).reshape(h * wd * c, -1)
            mod = torch.nn.Linear(*w.shape)
            mod.weight.data = torch.from_numpy(w.T.copy())
            mod.bias.data = torch.from_numpy(layer.params["bias"].copy())
        else:
            raise TypeError(f"no torch twin for {layer!r}")
        if not isinstance(layer, Flatten):
            shape = layer.output_shape
        mods.append(mod)
    return torch.nn.Sequential(*mods)


def torch_step(model: Sequential, x: np.ndarray, y: np.ndarray):
    import torch

    net = to_torch(model)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    yt = torch.from_numpy(y.astype(np.int64))

    def step() -> float:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def times(step, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit numpy's BLAS threads (threadpoolctl)")
    parser.add_argument("--profile", action="store_true", help="cProfile our step instead")
    parser.add_argument("--network", choices=(*NETWORKS, "both"), default="both")
    parser.add_argument("--digits-runs", type=int, default=3,
                        help="time the digits to 97%% this many times (0: skip)")
    args = parser.parse_args()
    limit = contextlib.nullcontext()
    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits

        limit = threadpool_limits(limits=args.blas_threads, user_api="blas")
    with limit:
        for network in (NETWORKS if args.network == "both" else (args.network,)):
            run(args, network)
        if args.digits_runs > 0 and not args.profile:
            digits_to_97(args.digits_runs)


def run(args: argparse.Namespace, network: str) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, BATCH)
    model = build_ours(network)
    peers = {"convviz": ours_step(model, SGD(lr=LR), x, y)}
    try:
        import torch

        peers["torch"] = torch_step(build_ours(network), x, y)
        threads = f", torch threads {torch.get_num_threads()}"
    except ImportError:
        threads = " (torch is not installed: no peer)"
    if args.profile:
        import cProfile
        import pstats

        step = peers["convviz"]
        times(step, 20)
        cProfile.runctx("times(step, args.steps)", globals(), locals(), "/tmp/bench_train.prof")
        pstats.Stats("/tmp/bench_train.prof").sort_stats("tottime").print_stats(18)
        return
    samples: dict[str, list[float]] = {name: [] for name in peers}
    first = {name: step() for name, step in peers.items()}  # the same network: the same loss
    if len(set(round(v, 4) for v in first.values())) > 1:
        raise SystemExit(f"the peers do not compute the same network: first losses {first}")
    for step in peers.values():
        times(step, 20)  # warm-up
    for _ in range(args.rounds):
        for name, step in peers.items():
            samples[name] += times(step, args.steps)
    blas = "" if args.blas_threads is None else f", numpy BLAS threads {args.blas_threads}"
    print(f"one training step, batch {BATCH}, 28x28x1, {NETWORKS[network]} "
          f"({model.n_params:,} parameters), float32, median of {args.rounds} x {args.steps}"
          f"{threads}{blas}")
    med = {name: statistics.median(s) for name, s in samples.items()}
    for name, value in med.items():
        print(f"{name:>8}: {value * 1e3:7.2f} ms  (best {min(samples[name]) * 1e3:.2f} ms)")
    if "torch" in med:
        ratio = med["convviz"] / med["torch"]
        print(f"   ratio: {ratio:5.2f}x torch  (target <= 1x: {'met' if ratio <= 1 else 'MISSED'})")


def digits_to_97(runs: int) -> None:
    """Seconds of training (per-slice evaluation included) until 97% held-out accuracy."""
    from convviz.nn.data import load_builtin
    from convviz.nn.presets import DEFAULT_ARCHITECTURE, model_from_preset
    from convviz.nn.train import Trainer
    from convviz.nn.train_config import TrainConfig

    ds = load_builtin("digits")
    reach, total, final = [], [], []
    for seed in range(runs):
        model = model_from_preset(DEFAULT_ARCHITECTURE, ds.input_shape, ds.n_classes, seed=seed)
        trainer = Trainer(model, ds, TrainConfig(seed=seed))
        first = None
        while not trainer.done:
            m = trainer.run(max_seconds=0.25)
            if first is None and m.test_acc is not None and m.test_acc >= 0.97:
                first = m.elapsed
        accuracy, _ = trainer.evaluate()
        reach.append(math.inf if first is None else first)
        total.append(trainer.history[-1].elapsed)
        final.append(accuracy)
        print(f"digits seed {seed}: 97% after {reach[-1]:.2f} s, {trainer.step} steps in "
              f"{total[-1]:.2f} s, final held-out accuracy {accuracy:.4f}")
    med = statistics.median(reach)
    verdict = "met" if med < DIGITS_TARGET else "MISSED"
    print(f"digits to 97%: median {med:.2f} s over {runs} seeds (target under "
          f"{DIGITS_TARGET} s: {verdict}); whole run median {statistics.median(total):.2f} s, "
          f"final accuracy min {min(final):.4f}")


if __name__ == "__main__":
    main()
