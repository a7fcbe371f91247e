"""Teaching transposed convolution: examples, the size formula with numbers, why
``output_padding`` exists, PyTorch and Keras code (the page's practice questions are
:mod:`convviz.teach.transposed_practice`).

Pure (no streamlit); every size is computed by the engine
(:func:`convviz.engine.transpose.transpose_output_size`, :func:`convviz.output_size`),
Keras' sizes by Keras' own rule (:func:`keras_output_size`, as in its
``compute_conv_transpose_output_length``).

Examples
--------
>>> formula_text(3, 3, stride=2, padding=1, output_padding=1).split(" = ")[1:]
['(3 − 1) × 2 − 2 × 1 + 1 × (3 − 1) + 1 + 1', '6']
>>> output_padding_cases(4, 3, stride=2, padding=1)
[(7, 0), (8, 1)]
"""

from __future__ import annotations

import math

import numpy as np

from convviz.base.checks import check_choice, check_int
from convviz.engine.shapes import output_size
from convviz.engine.transpose import transpose_output_size

__all__ = ["INPUT_HELP", "INPUT_PRESETS", "KERNEL_HELP", "KERNEL_PRESETS", "bilinear_kernel",
           "formula_text", "framework_code", "keras_output_size", "make_input", "make_kernel",
           "output_padding_cases", "output_paddings"]

#: Input presets: name -> label for a menu.
INPUT_PRESETS: dict[str, str] = {
    "random": "random 0..9",
    "ones": "all ones",
    "count": "1, 2, 3, …",
}
#: What each input preset is, for the menu's help.
INPUT_HELP = ("random 0..9: whole numbers from the seed below; all ones; 1, 2, 3, …: the cells "
              "numbered row by row")
#: Kernel presets: name -> label for a menu.
KERNEL_PRESETS: dict[str, str] = {
    "ones": "all ones",
    "bilinear": "bilinear",
    "random": "random −2..2",
}
#: What each kernel preset is, for the menu's help.
KERNEL_HELP = ("all ones: each output cell then counts the stamps that reach it; bilinear: the "
               "weights of bilinear upsampling; random −2..2: whole numbers from the seed")


def make_input(preset: str, size: int, *, seed: int = 0) -> np.ndarray:
    """A square input of side ``size`` (float64).

    Examples
    --------
    >>> make_input("count", 2).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    check_choice(preset, "preset", tuple(INPUT_PRESETS))
    n = check_int(size, "size", minimum=1)
    if preset == "ones":
        return np.ones((n, n))
    if preset == "count":
        return np.arange(1.0, n * n + 1).reshape(n, n)
    seed = check_int(seed, "seed", minimum=0)
    return np.random.default_rng(seed).integers(0, 10, size=(n, n)).astype(np.float64)


def bilinear_kernel(size: int) -> np.ndarray:
    """The bilinear upsampling kernel of side ``size`` (as in fully convolutional networks):
    weights ``1 - |i - c| / f`` per axis with ``f = ceil(size / 2)`` and ``c`` the centre
    (``f - 1`` for an odd size, ``f - 0.5`` for an even one), outer product of the two axes.
    With stride ``f`` (2 for sizes 3 and 4) it interpolates between neighbouring inputs.

    Examples
    --------
    >>> bilinear_kernel(3).tolist()
    [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]
    >>> bilinear_kernel(4)[0].tolist()
    [0.0625, 0.1875, 0.1875, 0.0625]
    """
    k = check_int(size, "size", minimum=1)
    f = math.ceil(k / 2)
    c = f - 1 if k % 2 == 1 else f - 0.5
    axis = 1 - np.abs(np.arange(k) - c) / f
    return np.outer(axis, axis)


def make_kernel(preset: str, size: int, *, seed: int = 0) -> np.ndarray:
    """A square kernel of side ``size`` (float64).

    Examples
    --------
    >>> make_kernel("ones", 2).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    check_choice(preset, "preset", tuple(KERNEL_PRESETS))
    k = check_int(size, "size", minimum=1)
    if preset == "ones":
        return np.ones((k, k))
    if preset == "bilinear":
        return bilinear_kernel(k)
    seed = check_int(seed, "seed", minimum=0)
    return np.random.default_rng(seed + 1000).integers(-2, 3, size=(k, k)).astype(np.float64)


def output_paddings(stride: int, dilation: int) -> list[int]:
    """The ``output_padding`` values PyTorch accepts: smaller than the stride or the dilation.

    Examples
    --------
    >>> output_paddings(2, 1), output_paddings(1, 1), output_paddings(1, 2)
    ([0, 1], [0], [0, 1])
    """
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    return list(range(max(s, d)))


def formula_text(n: int, k: int, *, stride: int = 1, padding: int = 0,
                 output_padding: int = 0, dilation: int = 1) -> str:
    """The output-size formula of a transposed convolution with the numbers put in.

    Examples
    --------
    >>> formula_text(28, 2, stride=2).split(" = ")[1:]
    ['(28 − 1) × 2 − 2 × 0 + 1 × (2 − 1) + 0 + 1', '56']
    """
    out = transpose_output_size(n, k, stride=stride, padding=padding,
                                output_padding=output_padding, dilation=dilation)
    return ("(n − 1) × s − 2p + d × (k − 1) + output_padding + 1 = "
            f"({n} − 1) × {stride} − 2 × {padding} + {dilation} × ({k} − 1) + "
            f"{output_padding} + 1 = {out}")


def output_padding_cases(n: int, k: int, *, stride: int, padding: int = 0,
                         dilation: int = 1) -> list[tuple[int, int]]:
    """Every convolution input size that a ``Conv2d(k, stride, padding, dilation)`` maps to
    ``n``, with the ``output_padding`` that makes the transposed convolution give it back.

    Returns
    -------
    list of (input size, output_padding)
        Computed both ways: the transposed size with that ``output_padding``, and the
        convolution of that size back to ``n``.

    Examples
    --------
    >>> output_padding_cases(4, 3, stride=2, padding=1)
    [(7, 0), (8, 1)]
    >>> output_padding_cases(4, 3, stride=1, padding=1)
    [(4, 0)]
    """
    cases = []
    for op in output_paddings(stride, dilation):
        if op >= stride:
            continue  # a convolution with this stride cannot have more sizes to pick from
        size = transpose_output_size(n, k, stride=stride, padding=padding, output_padding=op,
                                     dilation=dilation)
        if size < 1:
            continue
        try:
            back = output_size(size, k, stride=stride, padding=padding, dilation=dilation)
        except ValueError:
            continue
        if back == n:
            cases.append((size, op))
    return cases


def keras_output_size(n: int, k: int, *, stride: int = 1, padding: str = "valid",
                      output_padding: int | None = None, dilation: int = 1) -> int:
    """Keras' ``Conv2DTranspose`` output size (its ``compute_conv_transpose_output_length``).

    Without ``output_padding``: ``"valid"`` gives ``n * s + max(k_eff - s, 0)`` and
    ``"same"`` gives ``n * s``; with it, ``(n - 1) * s + k_eff - 2 * pad + output_padding``
    with ``pad`` 0 ("valid") or ``k_eff // 2`` ("same"); ``k_eff = d * (k - 1) + 1``.

    Examples
    --------
    >>> keras_output_size(4, 3, stride=2, padding="same")
    8
    >>> keras_output_size(4, 1, stride=2), keras_output_size(4, 1, stride=2, output_padding=0)
    (8, 7)
    """
    check_choice(padding, "padding", ("valid", "same"))
    eff = dilation * (k - 1) + 1
    if output_padding is None:
        return n * stride + max(eff - stride, 0) if padding == "valid" else n * stride
    pad = 0 if padding == "valid" else eff // 2
    return (n - 1) * stride + eff - 2 * pad + output_padding


def framework_code(size: tuple[int, int], k: int, *, stride: int = 1, padding: int = 0,
                   output_padding: int = 0, dilation: int = 1, bias: bool = True,
                   out_channels: int = 8) -> tuple[str, str]:
    """PyTorch and Keras snippets that build this transposed convolution and print its shape.

    PyTorch's ``padding`` crops; Keras has only "valid" and "same", so the Keras snippet
    uses "valid" with an explicit ``output_padding`` and crops ``padding`` rows and columns
    with ``Cropping2D``: the same output size. Keras refuses ``strides > 1`` with
    ``dilation_rate > 1`` and an ``output_padding`` not below the stride; the snippet says so.

    Examples
    --------
    >>> torch_code, keras_code = framework_code((4, 4), 3, stride=2, padding=1, output_padding=1)
    >>> print(torch_code.splitlines()[-1])
    print(layer(x).shape)  # torch.Size([1, 8, 8, 8])
    >>> print(keras_code.splitlines()[-1])
    print(x.shape)  # (1, 8, 8, 8)
    """
    h, w = (check_int(v, "size", minimum=1) for v in size)
    outs = [transpose_output_size(n, k, stride=stride, padding=padding,
                                  output_padding=output_padding, dilation=dilation)
            for n in (h, w)]
    if min(outs) < 1:
        raise ValueError(f"`padding` {padding} crops away every row: no output")
    torch_code = "\n".join([
        "import torch",
        "from torch import nn",
        "",
        f"layer = nn.ConvTranspose2d(1, {out_channels}, kernel_size={k}, stride={stride}, "
        f"padding={padding}, output_padding={output_padding}, dilation={dilation}, "
        f"bias={bias})",
        f"x = torch.zeros(1, 1, {h}, {w})  # (N, C, H, W)",
        f"print(layer(x).shape)  # torch.Size([1, {out_channels}, {outs[0]}, {outs[1]}])",
    ])
    lines = ["import keras", "from keras import layers", "",
             f"x = keras.ops.zeros((1, {h}, {w}, 1))  # (N, H, W, C)"]
    if stride > 1 and dilation > 1:
        lines.append(f"# Keras refuses strides={stride} with dilation_rate={dilation} (both > 1) "
                     "in Conv2DTranspose: no Keras layer for this one.")
        return torch_code, "\n".join(lines)
    if output_padding >= stride:
        lines.append(f"# Keras refuses output_padding={output_padding}: it must be smaller than "
                     f"strides={stride} (PyTorch also allows smaller than the dilation).")
        return torch_code, "\n".join(lines)
    lines.append(f"x = layers.Conv2DTranspose({out_channels}, kernel_size={k}, strides={stride}, "
                 f'padding="valid", output_padding={output_padding}, dilation_rate={dilation}, '
                 f"use_bias={bias})(x)")
    if padding:
        lines.append(f"x = layers.Cropping2D({padding})(x)  # PyTorch's padding={padding}: crop "
                     "that many rows and columns off each side")
    same = [keras_output_size(n, k, stride=stride, padding="same", dilation=dilation)
            for n in (h, w)]
    if same == outs and padding:
        lines.append('# (padding="same" without output_padding gives this size too: n x '
                     f"strides = {same[0]} x {same[1]})")
    lines.append(f"print(x.shape)  # (1, {outs[0]}, {outs[1]}, {out_channels})")
    return torch_code, "\n".join(lines)

