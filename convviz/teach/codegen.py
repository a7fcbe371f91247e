"""The PyTorch and Keras code that builds a given convolution or pooling layer.

Both strings are complete, runnable snippets that print the output shape, so a learner
can paste them and check the page's arithmetic. Where a framework cannot express the
layer directly (PyTorch's ``padding="same"`` with a stride, Keras' explicit padding,
uneven "same" pads) the snippet adds a padding layer and a comment saying why. Where a
framework refuses the layer (reflect or circular padding too large for the input, pooling
padding above half the window, Keras' stride with dilation) the snippet says so in a
comment and prints no shape.
"""

from __future__ import annotations

from typing import Any

from convviz.base.checks import check_choice, check_int
from convviz.engine.padding import PADDING_MODES, padding_mode_problem, resolve_padding_1d
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.shapes import size_or_reason

LAYERS = ("conv", "maxpool", "avgpool", "globalmax", "globalavg")
_TORCH_PAD = {"zeros": "nn.ZeroPad2d", "reflect": "nn.ReflectionPad2d",
              "replicate": "nn.ReplicationPad2d", "circular": "nn.CircularPad2d"}
#: What PyTorch 2.13 says when a padding mode's pads are too large for the input.
_TORCH_MODE_ERROR = {
    "reflect": "Padding size should be less than the corresponding input dimension",
    "circular": "Padding value causes wrapping around more than once."}


def _torch_padding(pads: tuple[tuple[int, int], tuple[int, int]]) -> str | None:
    """PyTorch's ``padding=`` argument for symmetric pads, or None if uneven."""
    (t, b), (left, r) = pads
    if t != b or left != r:
        return None
    return str(t) if t == left else f"({t}, {left})"


def _sizes(size: Any, k: int, s: int, padding: Any, d: int, ceil_mode: bool):
    """Pads and output (H', W') per axis; raises ValueError when no window fits."""
    pads, outs = [], []
    for n, word in zip(size, ("rows", "columns"), strict=True):
        before, after = resolve_padding_1d(padding, n, k, s, d)
        out, reason = size_or_reason(n, k, s, d, before, after, ceil_mode)
        if reason:
            raise ValueError(f"no output along the {word}: {reason}")
        pads.append((before, after))
        outs.append(out)
    return (pads[0], pads[1]), (outs[0], outs[1])


def _torch(h: int, w: int, k: int, s: int, d: int, padding: Any, pads, out_hw,
           layer: str, ceil_mode: bool, padding_mode: str, cin: int, cout: int,
           count_include_pad: bool) -> str:
    lines = ["import torch", "from torch import nn", ""]
    pre = None  # an explicit padding layer, when the pads are uneven
    sym = _torch_padding(pads)
    (t, b), (left, r) = pads
    if layer in ("globalmax", "globalavg"):
        kind = "Max" if layer == "globalmax" else "Avg"
        main = f"nn.Adaptive{kind}Pool2d(1)  # one value per channel"
        out_c, out_hw = cin, (1, 1)
    elif layer == "conv":
        if padding == "valid" or (padding == "same" and s == 1):
            pad_arg = f'"{padding}"'
        elif sym is not None:
            pad_arg = sym
            if padding == "same":
                lines.append('# padding="same" works only with stride=1 in PyTorch: these are '
                             'the pads Keras uses')
        else:
            pad_arg = "0"
            lines.append(f"# uneven padding: pad (left, right, top, bottom) = "
                         f"({left}, {r}, {t}, {b}) first")
            pre = f"{_TORCH_PAD[padding_mode]}(({left}, {r}, {t}, {b}))"
        mode = f', padding_mode="{padding_mode}"' if pre is None else ""
        main = (f"nn.Conv2d({cin}, {cout}, kernel_size={k}, stride={s}, padding={pad_arg}, "
                f"dilation={d}{mode})")
        out_c = cout
    else:
        if sym is None:
            fill = 'float("-inf")' if layer == "maxpool" else "0.0"
            lines.append(f"# uneven padding: pad (left, right, top, bottom) = "
                         f"({left}, {r}, {t}, {b}) first")
            pre, pad_arg = f"nn.ConstantPad2d(({left}, {r}, {t}, {b}), {fill})", "0"
            if layer == "avgpool" and not count_include_pad:
                lines.append("# (padded cells now count as input: averages divide by them too)")
        else:
            pad_arg = sym
        if layer == "maxpool":
            main = (f"nn.MaxPool2d(kernel_size={k}, stride={s}, padding={pad_arg}, "
                    f"dilation={d}, ceil_mode={ceil_mode})")
        else:
            if d > 1:
                lines.append("# AvgPool2d has no dilation")
            main = (f"nn.AvgPool2d(kernel_size={k}, stride={s}, padding={pad_arg}, "
                    f"ceil_mode={ceil_mode}, count_include_pad={count_include_pad})")
        out_c = cin
    if layer == "conv":
        refused = padding_mode_problem((h, w), pads, padding_mode)
        error = _TORCH_MODE_ERROR.get(padding_mode)
    else:  # pooling; an uneven pad went to ConstantPad2d above and is not limited
        refused = None if pre else pool_padding_problem(max(t, left), k)
        error = "pad should be at most half of effective kernel size"
    if refused:
        lines.append(f"# PyTorch raises RuntimeError here: {refused}")
    if pre is None:
        lines.append(f"layer = {main}")
    else:
        lines += ["layer = nn.Sequential(", f"    {pre},", f"    {main},", ")"]
    lines.append(f"x = torch.zeros(1, {cin}, {h}, {w})  # (N, C, H, W): PyTorch puts channels "
                 "first")
    if refused:
        lines.append(f"layer(x)  # RuntimeError: {error}")
    else:
        lines.append(f"print(layer(x).shape)  # torch.Size([1, {out_c}, {out_hw[0]}, "
                     f"{out_hw[1]}])")
    return "\n".join(lines)


def _keras(h: int, w: int, k: int, s: int, d: int, padding: Any, pads, layer: str,
           ceil_mode: bool, padding_mode: str, cin: int, cout: int,
           count_include_pad: bool) -> str:
    lines = ["import keras", "from keras import layers", "",
             f"inputs = keras.Input(shape=({h}, {w}, {cin}))  # (H, W, C): Keras puts channels "
             "last"]
    if layer in ("globalmax", "globalavg"):
        kind = "Max" if layer == "globalmax" else "Average"
        lines += [f"x = layers.Global{kind}Pooling2D()(inputs)",
                  f"print(x.shape)  # (None, {cin})"]
        return "\n".join(lines)
    (t, b), (left, r) = pads
    src = "inputs"
    if padding in ("valid", "same"):
        kpad = padding
    elif not any((t, b, left, r)):
        kpad = "valid"
    else:
        kpad = "valid"
        lines.append('# Keras layers take only "valid" or "same": pad explicitly first')
        if layer == "maxpool":
            lines.append("# (zeros, not -inf: the same result when the inputs are >= 0, "
                         "as after a ReLU)")
        lines.append(f"x = layers.ZeroPadding2D(padding=(({t}, {b}), ({left}, {r})))(inputs)")
        src = "x"
    if padding_mode != "zeros" and layer == "conv" and any((t, b, left, r)):
        lines.append(f'# Keras pads with zeros only: "{padding_mode}" padding needs a custom '
                     "pad (e.g. tf.pad)")
    refused = False
    if layer == "conv":
        if s > 1 and d > 1:
            refused = True
            lines += ["# Keras raises ValueError here: strides > 1 together with",
                      "# dilation_rate > 1 is not supported (PyTorch allows it)"]
        main = (f"layers.Conv2D({cout}, kernel_size={k}, strides={s}, padding=\"{kpad}\", "
                f"dilation_rate={d})")
        out_c = cout
    else:
        kind = "MaxPooling2D" if layer == "maxpool" else "AveragePooling2D"
        main = f'layers.{kind}(pool_size={k}, strides={s}, padding="{kpad}")'
        out_c = cin
        if d > 1:
            lines.append("# Keras pooling has no dilation: this layer's windows have no gaps")
        if layer == "avgpool" and kpad == "same" and count_include_pad and any(pads[0] + pads[1]):
            lines.append('# Keras\' "same" average ignores the padding cells (like '
                         "count_include_pad=False)")
    lines.append(f"x = {main}({src})")
    if refused:
        return "\n".join(lines)
    # Keras has no ceil_mode: "same" gives ceil(n / s), anything else the floor formula.
    eff_d = d if layer == "conv" else 1
    kh_out = [-(-n // s) if kpad == "same" else
              size_or_reason(n, k, s, eff_d, *(p if src == "x" else (0, 0)), False)[0]
              for n, p in zip((h, w), pads, strict=True)]
    if ceil_mode:
        lines.append("# Keras has no ceil_mode: its windows never hang past the edge, so the "
                     "size rounds down")
    if min(kh_out) < 1:
        lines.append("# Keras raises here: no window fits")
    else:
        lines.append(f"print(x.shape)  # (None, {kh_out[0]}, {kh_out[1]}, {out_c})")
    return "\n".join(lines)


def framework_code(size: Any, kernel_size: int, *, stride: int = 1, padding: Any = 0,
                   dilation: int = 1, layer: str = "conv", ceil_mode: bool = False,
                   padding_mode: str = "zeros", in_channels: int = 1, out_channels: int = 8,
                   count_include_pad: bool = True) -> tuple[str, str]:
    """PyTorch and Keras snippets that build the same layer and print its output shape.

    Parameters
    ----------
    size : int or (H, W)
        Input height and width.
    kernel_size, stride, dilation : int
        Square kernel (or pooling window), its step and the spacing of its taps.
    padding : int, "valid", "same" or "full"
    layer : {"conv", "maxpool", "avgpool", "globalmax", "globalavg"}
    ceil_mode : bool
        Pooling only: round the output size up, as PyTorch's ``ceil_mode=True``.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        Convolution only (PyTorch's names).
    in_channels, out_channels : int
        Channels of the input and (convolution) the number of filters.
    count_include_pad : bool
        Average pooling: divide by the padding cells too.

    Returns
    -------
    (str, str)
        The PyTorch snippet and the Keras snippet. A snippet the framework would refuse
        says "raises" in a comment and prints no output shape.

    Raises
    ------
    ValueError
        When no window fits (see :func:`convviz.explain_output_size`) or for a bad option.

    Examples
    --------
    >>> torch_code, keras_code = framework_code(7, 3, padding=1)
    >>> print(torch_code.splitlines()[3])
    layer = nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1, dilation=1, padding_mode="zeros")
    >>> print(keras_code.splitlines()[-2])
    x = layers.Conv2D(8, kernel_size=3, strides=1, padding="valid", dilation_rate=1)(x)
    """
    h, w = (size, size) if not isinstance(size, (tuple, list)) else tuple(size)
    h, w = check_int(h, "size[0]", minimum=1), check_int(w, "size[1]", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    check_choice(layer, "layer", LAYERS)
    check_choice(padding_mode, "padding_mode", PADDING_MODES)
    cin = check_int(in_channels, "in_channels", minimum=1)
    cout = check_int(out_channels, "out_channels", minimum=1)
    if layer.startswith("global"):
        pads, out_hw = ((0, 0), (0, 0)), (1, 1)
    else:
        pads, out_hw = _sizes((h, w), k, s, padding, d, bool(ceil_mode) and layer != "conv")
    args = (h, w, k, s, d, padding, pads)
    return (_torch(*args, out_hw, layer, bool(ceil_mode), padding_mode, cin, cout,
                   bool(count_include_pad)),
            _keras(*args, layer, bool(ceil_mode), padding_mode, cin, cout,
                   bool(count_include_pad)))
