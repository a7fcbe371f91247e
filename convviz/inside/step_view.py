""""Open in the step-by-step view": a learned kernel and a patch of the input it was applied to,
small enough for the convolution page (:func:`convviz.serve.session.step_view_query` makes
that page's query parameters of it).

The patch is cut from the conv layer's *input* (the image for the first layer, the previous
layer's output otherwise), around the strongest response of the chosen filter, and it starts
on a window position of the layer, so every output cell of the page is one real output cell
of the layer (for the chosen input channel, plus the bias). Padding the layer adds is cut
into the patch as zeros, and the page pads no more.

>>> from convviz.nn import Conv2D, ReLU, Sequential
>>> model = Sequential([Conv2D(4, 3), ReLU()], input_shape=(16, 16, 1), seed=0)
>>> x = np.random.default_rng(0).random((16, 16, 1))
>>> patch = kernel_patch_for_step_view(model, 0, 2, x)
>>> patch.input_patch.shape, patch.kernel.shape, patch.out_shape
((7, 7), (3, 3), (5, 5))
>>> rounded_patch(patch)[1].shape
(3, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.conv_steps import conv_plan
from convviz.inside.inspect import check_example
from convviz.nn.conv_layer import Conv2D
from convviz.nn.model import Sequential

__all__ = ["INPUT_SIDES", "KERNEL_SIDES", "MAX_BIAS", "MAX_CELL", "MAX_STRIDE", "StepViewPatch",
           "kernel_patch_for_step_view", "rounded_patch", "rounded_step_value"]

# What pages/convolution.py accepts: input 5..12 and kernel 1..7 per side, stride 1..4,
# bias -10..10, cell values -99..99 in its grid editor.
INPUT_SIDES = (5, 12)
KERNEL_SIDES = (1, 7)
MAX_STRIDE = 4
MAX_BIAS = 10.0
MAX_CELL = 99.0


@dataclass(frozen=True)
class StepViewPatch:
    """A kernel slice, a patch of its layer's input and where the patch sits.

    Attributes
    ----------
    input_patch : ndarray, shape (h, w)
        One channel of the layer's zero-padded input, exact values; h, w in 5..12.
    kernel : ndarray, shape (kH, kW)
        ``weight[:, :, channel, filter_index]``, exact.
    bias : float
        ``bias[filter_index]``.
    stride : int
    pad_mask : ndarray of bool, shape (h, w)
        True on the cells that are the layer's padding (zeros).
    origin : (int, int)
        The patch's top-left cell in the layer's padded input.
    out_shape : (int, int)
        Output cells the page computes from the patch.
    out_pos : (int, int)
        The strongest response's cell in the page's output.
    layer_pos : (int, int)
        The same cell in the layer's output (H', W').
    layer_value : float
        The layer's output there: every input channel's sum plus the bias.
    channel_sum : float
        This channel's sum of products there (exact); with one input channel,
        ``channel_sum + bias`` equals ``layer_value`` up to float rounding.
    layer_index, filter_index, channel : int
    label : str
        What the patch is, for the page's input menu: "a 7x7 patch of held-out sample 17
        (a “3”)", or of a channel of the previous layer's output for a deeper layer.
    """

    input_patch: np.ndarray
    kernel: np.ndarray
    bias: float
    stride: int
    pad_mask: np.ndarray
    origin: tuple[int, int]
    out_shape: tuple[int, int]
    out_pos: tuple[int, int]
    layer_pos: tuple[int, int]
    layer_value: float
    channel_sum: float
    layer_index: int
    filter_index: int
    channel: int
    label: str = "a patch of the sample"

    @property
    def step_index(self) -> int:
        """The page's step (0-based, row-major) that computes ``out_pos``."""
        return self.out_pos[0] * self.out_shape[1] + self.out_pos[1]


def _axis_window(n_pad: int, k: int, s: int, best: int, target: int,
                 word: str) -> tuple[int, int, int]:
    """First window index, patch length and windows inside, along one axis.

    The patch starts on a window (index ``i0``, row ``i0 * s``), is 5..12 long, lies inside
    the padded input and holds window ``best``; its length is the one closest to
    ``target`` (the longer on a tie), ``best`` as central as the border allows.
    """
    lo, hi = INPUT_SIDES
    if n_pad < lo:
        raise ValueError(f"the layer's input has {n_pad} {word} (with its padding); the "
                         f"step-by-step page needs at least {lo}")
    for p in sorted(range(lo, min(hi, n_pad) + 1), key=lambda p: (abs(p - target), -p)):
        m = (p - k) // s + 1  # windows that fit in a patch of p
        if m < 1:
            continue
        first, last = max(0, best - m + 1), min(best, (n_pad - p) // s)
        if first <= last:
            return int(np.clip(best - (m - 1) // 2, first, last)), p, m
    raise ValueError(f"no patch of {lo} to {hi} {word} holds the window of this filter's "
                     f"strongest response (kernel {k}, stride {s})")


def kernel_patch_for_step_view(model: Sequential, layer_index: int, filter_index: int,
                               x_single: Any, channel: int = 0,
                               patch_size: int | None = None, *,
                               sample_name: str = "the sample") -> StepViewPatch:
    """A learned kernel and the patch of its input around the filter's strongest response.

    Parameters
    ----------
    model : Sequential
    layer_index : int
        Index in ``model.layers`` of a Conv2D layer (0-based).
    filter_index : int
        The filter (output channel), 0-based.
    x_single : array_like, shape ``model.input_shape``
        The sample.
    channel : int
        The input channel whose kernel slice and input values are shown (0-based); for the
        first layer, the image channel.
    patch_size : int, optional
        Wanted side of the patch, clipped to 5..12 (the page's range) and to the layer's
        padded input; default ``max(7, kH + 2 * stride)`` (up to 12). A side may come out
        different when that is needed to start on a window and hold the strongest one.
    sample_name : str
        What ``x_single`` is, for :attr:`StepViewPatch.label` ("held-out sample 17
        (a “3”)").

    Returns
    -------
    StepViewPatch

    Notes
    -----
    "Strongest" is the largest value (most positive; first in row-major order on ties) of
    the filter's feature map before any ReLU. With several input channels the page shows
    one channel's share: ``channel_sum + bias``, not the layer's value.
    """
    x = check_example(model, x_single)
    layer_index = check_int(layer_index, "layer_index", minimum=0)
    if layer_index >= len(model.layers):
        raise ValueError(f"`layer_index` must be in 0..{len(model.layers) - 1}, got "
                         f"{layer_index}")
    layer = model.layers[layer_index]
    if not isinstance(layer, Conv2D):
        raise ValueError(f"`layer_index` {layer_index} is {layer.name}, not a Conv2D layer")
    kh, kw, c_in, n_filters = layer.params["weight"].shape
    filter_index = check_int(filter_index, "filter_index", minimum=0)
    if filter_index >= n_filters:
        raise ValueError(f"`filter_index` must be in 0..{n_filters - 1}, got {filter_index}")
    channel = check_int(channel, "channel", minimum=0)
    if channel >= c_in:
        raise ValueError(f"`channel` must be in 0..{c_in - 1}, got {channel}")
    sh, sw = layer.stride
    if sh != sw or sh > MAX_STRIDE:
        raise ValueError(f"the step-by-step page takes one stride of 1 to {MAX_STRIDE}; "
                         f"{layer.name} has stride {layer.stride}")
    if max(kh, kw) > KERNEL_SIDES[1]:
        raise ValueError(f"the step-by-step page takes kernels up to {KERNEL_SIDES[1]} per "
                         f"side; {layer.name} has {kh}x{kw}")
    if patch_size is None:
        target = min(INPUT_SIDES[1], max(7, max(kh, kw) + 2 * sh))
    else:
        target = int(np.clip(check_int(patch_size, "patch_size", minimum=1), *INPUT_SIDES))
    acts = model.activations(x)
    inp = x if layer_index == 0 else acts[layer_index - 1][1]  # (H, W, C_in)
    out = acts[layer_index][1][..., filter_index]  # (H', W')
    pads = layer.pads
    padded = np.pad(inp[..., channel], pads)  # zeros, as the layer pads
    pad_mask = np.pad(np.zeros(inp.shape[:2], dtype=bool), pads, constant_values=True)
    best = np.unravel_index(int(np.argmax(out)), out.shape)
    i0, ph, mh = _axis_window(padded.shape[0], kh, sh, int(best[0]), target, "rows")
    j0, pw, mw = _axis_window(padded.shape[1], kw, sw, int(best[1]), target, "columns")
    r0, c0 = i0 * sh, j0 * sw
    kernel = layer.params["weight"][:, :, channel, filter_index]
    if not isinstance(sample_name, str):
        raise TypeError(f"`sample_name` must be a str, got {type(sample_name).__name__}")
    of = sample_name if layer_index == 0 else (
        f"{model.layers[layer_index - 1].name}'s output for {sample_name}")
    if c_in > 1 or layer_index > 0:
        of = f"channel {channel + 1} of {of}"
    window = padded[best[0] * sh:best[0] * sh + kh, best[1] * sw:best[1] * sw + kw]
    return StepViewPatch(
        input_patch=padded[r0:r0 + ph, c0:c0 + pw].copy(), kernel=kernel.copy(),
        bias=float(layer.params["bias"][filter_index]), stride=sh,
        pad_mask=pad_mask[r0:r0 + ph, c0:c0 + pw].copy(), origin=(r0, c0),
        out_shape=(mh, mw), out_pos=(int(best[0]) - i0, int(best[1]) - j0),
        layer_pos=(int(best[0]), int(best[1])), layer_value=float(out[best]),
        channel_sum=float(np.sum(window.astype(np.float64) * kernel)),
        layer_index=layer_index, filter_index=filter_index, channel=channel,
        label=f"a {ph}x{pw} patch of {of}")


def rounded_patch(patch: StepViewPatch,
                  decimals: int = 2) -> tuple[np.ndarray, np.ndarray, float]:
    """The patch's input, kernel and bias rounded to ``decimals``, as a link carries them.

    Returns
    -------
    x : ndarray, shape (h, w), float64
    kernel : ndarray, shape (kH, kW), float64
    bias : float
    """
    if not isinstance(patch, StepViewPatch):
        raise TypeError(f"`patch` must be a StepViewPatch from kernel_patch_for_step_view, "
                        f"got {type(patch).__name__}")
    decimals = check_int(decimals, "decimals", minimum=0)
    # + 0.0 turns -0.0 into 0.0, so the text never reads "-0"
    x = np.round(patch.input_patch.astype(np.float64), decimals) + 0.0
    k = np.round(patch.kernel.astype(np.float64), decimals) + 0.0
    return x, k, round(patch.bias, decimals) + 0.0


def rounded_step_value(patch: StepViewPatch, *, decimals: int = 2) -> float:
    """The page's output at ``patch.out_pos``, from the rounded numbers it is given.

    Computed by :func:`convviz.conv_plan`, as the page does; compare with
    ``patch.channel_sum + patch.bias`` (exact) to show what the rounding changed.
    """
    x, k, bias = rounded_patch(patch, decimals)
    plan = conv_plan(x, k, bias, stride=patch.stride)
    return plan.step(patch.step_index).value
