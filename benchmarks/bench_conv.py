"""Time cv.conv2d on a 1024x1024 RGB image with 8 filters against peers in the same run.

Peers: scipy.ndimage.correlate run per channel and filter (always) and
torch.nn.functional.conv2d on the CPU (when torch is importable). Prints medians and
ratios; the machine is shared and noisy, so compare ratios, not seconds.

    python benchmarks/bench_conv.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import scipy.ndimage as ndi

import convviz as cv


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def scipy_conv(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per channel and filter, 'same' zero padding: the same arithmetic as cv.conv2d."""
    kh, kw, c, f = k.shape
    out = np.zeros(x.shape[:2] + (f,), dtype=np.float32)
    for q in range(f):
        for ch in range(c):
            # origin shifts scipy's centred window to the Keras 'same' placement
            out[..., q] += ndi.correlate(x[..., ch], k[..., ch, q], mode="constant",
                                         origin=(-((kh - 1) % 2), -((kw - 1) % 2)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((1024, 1024, 3), dtype=np.float32)
    try:
        import torch
        import torch.nn.functional as F  # noqa: N812

        torch_threads = torch.get_num_threads()
    except ImportError:
        torch = None
    print(f"conv2d, 1024x1024x3 float32, 8 filters, padding='same', median of {args.repeat}")
    print(f"{'kernel':>6} | {'convviz':>9} | {'scipy':>9} | {'ratio':>6} | "
          f"{'torch':>9} | {'ratio':>6} | target")
    for size, target in ((3, 2.0), (7, 3.0)):
        k = rng.standard_normal((size, size, 3, 8)).astype(np.float32)
        ours = median_time(lambda k=k: cv.conv2d(x, k, padding="same"), args.repeat)
        ref = median_time(lambda k=k: scipy_conv(x, k), max(3, args.repeat // 2))
        np.testing.assert_allclose(cv.conv2d(x, k, padding="same"), scipy_conv(x, k),
                                   rtol=1e-3, atol=1e-3)
        row = f"{size}x{size:<4} | {ours * 1e3:7.1f}ms | {ref * 1e3:7.1f}ms | {ours / ref:6.2f} | "
        if torch is not None:
            xt = torch.from_numpy(x).permute(2, 0, 1)[None].contiguous()
            kt = torch.from_numpy(k).permute(3, 2, 0, 1).contiguous()
            with torch.no_grad():
                tt = median_time(lambda xt=xt, kt=kt: F.conv2d(xt, kt, padding="same"),
                                 args.repeat)
            ratio = ours / tt
            verdict = "ok" if ratio <= target else "MISSED"
            row += f"{tt * 1e3:7.1f}ms | {ratio:6.2f} | <= {target:.0f}x torch: {verdict}"
        else:
            row += f"{'n/a':>9} | {'n/a':>6} | torch not installed"
        print(row)
    if torch is not None:
        print(f"torch {torch.__version__}, {torch_threads} threads")


if __name__ == "__main__":
    main()
