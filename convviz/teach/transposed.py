"""Teaching transposed convolution: examples, the size formula with numbers, why
``output_padding`` exists, PyTorch and Keras code, and a predict-the-size exercise that
ends at a U-Net decoder's shapes.

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
import re
from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int
from convviz.engine.shapes import output_size
from convviz.engine.transpose import transpose_output_size

__all__ = ["INPUT_HELP", "INPUT_PRESETS", "KERNEL_HELP", "KERNEL_PRESETS", "bilinear_kernel",
           "check_answer", "formula_text", "framework_code", "keras_output_size", "make_input",
           "make_kernel",
           "output_padding_cases", "output_paddings", "question_text", "random_question",
           "unet_sizes", "worked_answer"]

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


def unet_sizes(start: int, stages: int, k: int, *, stride: int = 2, padding: int = 0,
               output_padding: int = 0) -> list[int]:
    """The side after each of ``stages`` identical transposed convolutions from ``start``.

    Examples
    --------
    >>> unet_sizes(28, 4, 2)
    [56, 112, 224, 448]
    >>> unet_sizes(7, 3, 3, padding=1, output_padding=1)
    [14, 28, 56]
    """
    sizes, n = [], check_int(start, "start", minimum=1)
    for _ in range(check_int(stages, "stages", minimum=1)):
        n = transpose_output_size(n, k, stride=stride, padding=padding,
                                  output_padding=output_padding)
        sizes.append(n)
    return sizes


# ---- the exercise ------------------------------------------------------------------------

#: U-Net decoder stages the exercise asks about: (kernel, stride, padding, output_padding).
DECODERS = ((2, 2, 0, 0), (3, 2, 1, 1), (4, 2, 1, 0))
_NUMBERS = re.compile(r"\d+")


def random_question(rng: np.random.Generator) -> dict[str, Any]:
    """One question: "size" (one layer's output side), "op" (which output_padding gives a
    size back) or "unet" (the sides after each stage of a decoder). Always answerable.

    Examples
    --------
    >>> q = random_question(np.random.default_rng(0))
    >>> q["kind"] in ("size", "op", "unet"), isinstance(q["answer"], list)
    (True, True)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}")
    kind = ("size", "size", "op", "unet", "unet")[int(rng.integers(5))]
    if kind == "unet":
        k, s, p, op = DECODERS[int(rng.integers(len(DECODERS)))]
        start = int(rng.choice([4, 7, 8, 14, 16, 28]))
        stages = int(rng.choice([3, 4]))
        return {"kind": kind, "size": start, "stages": stages, "kernel_size": k, "stride": s,
                "padding": p, "output_padding": op,
                "answer": unet_sizes(start, stages, k, stride=s, padding=p, output_padding=op)}
    if kind == "op":
        for _ in range(100):
            k, s = int(rng.choice([2, 3, 3, 4, 5])), int(rng.choice([2, 2, 3]))
            p, n = int(rng.integers(0, 3)), int(rng.choice([3, 4, 5, 7, 8, 14]))
            cases = output_padding_cases(n, k, stride=s, padding=p)
            if len(cases) > 1:
                size, op = cases[int(rng.integers(len(cases)))]
                return {"kind": kind, "size": n, "target": size, "kernel_size": k,
                        "stride": s, "padding": p, "cases": cases, "answer": [op]}
        kind = "size"
    for _ in range(100):
        n, k = int(rng.choice([2, 3, 4, 5, 7, 8, 14, 16, 28])), int(rng.choice([1, 2, 3, 3, 4, 5]))
        s, d = int(rng.choice([1, 2, 2, 3])), 1 if rng.random() < 0.8 else 2
        p = int(rng.integers(0, 3))
        op = int(rng.choice(output_paddings(s, d)))
        out = transpose_output_size(n, k, stride=s, padding=p, output_padding=op, dilation=d)
        if out >= 1:
            return {"kind": "size", "size": n, "kernel_size": k, "stride": s, "padding": p,
                    "output_padding": op, "dilation": d, "answer": [out]}
    return {"kind": "size", "size": 4, "kernel_size": 3, "stride": 2, "padding": 1,
            "output_padding": 1, "dilation": 1, "answer": [8]}


def _layer(q: dict[str, Any], *, op: Any = None) -> str:
    op = q.get("output_padding", 0) if op is None else op
    text = (f"ConvTranspose2d(kernel_size={q['kernel_size']}, stride={q['stride']}, "
            f"padding={q['padding']}, output_padding={op}")
    if q.get("dilation", 1) != 1:
        text += f", dilation={q['dilation']}"
    return text + ")"


def question_text(q: dict[str, Any]) -> str:
    """The question, in words (Markdown)."""
    n = q["size"]
    if q["kind"] == "unet":
        return (f"A U-Net decoder starts from a **{n} x {n}** feature map and has "
                f"**{q['stages']} stages**, each a `{_layer(q)}`. What is the side after "
                "each stage? (Type them in order, separated by commas.)")
    if q["kind"] == "op":
        return (f"An encoder's `Conv2d(kernel_size={q['kernel_size']}, stride={q['stride']}, "
                f"padding={q['padding']})` turned a **{q['target']} x {q['target']}** map into "
                f"**{n} x {n}**. The decoder's `{_layer(q, op='?')}` must give back "
                f"**{q['target']} x {q['target']}**: which `output_padding`?")
    return (f"A **{n} x {n}** input goes through `{_layer(q)}`. How many cells wide is the "
            "output?")


def worked_answer(q: dict[str, Any]) -> str:
    """The worked answer: the formula with the numbers, per stage for a decoder."""
    if q["kind"] == "unet":
        lines, n = [], q["size"]
        for i, out in enumerate(q["answer"], start=1):
            lines.append(f"stage {i}: " + formula_text(n, q["kernel_size"], stride=q["stride"],
                                                       padding=q["padding"],
                                                       output_padding=q["output_padding"]))
            n = out
        return "\n".join(lines)
    if q["kind"] == "op":
        lines = [f"output_padding {op}: " + formula_text(q["size"], q["kernel_size"],
                                                         stride=q["stride"],
                                                         padding=q["padding"],
                                                         output_padding=op)
                 for _, op in q["cases"]]
        sizes = " and ".join(str(size) for size, _ in q["cases"])
        lines.append(f"The convolution maps {sizes} all to {q['size']}: output_padding picks one.")
        return "\n".join(lines)
    return formula_text(q["size"], q["kernel_size"], stride=q["stride"], padding=q["padding"],
                        output_padding=q["output_padding"], dilation=q["dilation"])


def _size_hint(q: dict[str, Any], n: int, given: int) -> str:
    k, s, p = q["kernel_size"], q["stride"], q["padding"]
    op, d = q.get("output_padding", 0), q.get("dilation", 1)

    def size(**ch: Any) -> int:
        a = {"stride": s, "padding": p, "output_padding": op, "dilation": d, **ch}
        return transpose_output_size(n, k, **a)

    try:
        conv = output_size(n, k, stride=s, padding=p, dilation=d)
    except ValueError:
        conv = None
    right = size()
    hints = [
        (s > 1 and given == right + s,
         "Start from (n − 1) × s, not n × s: the last input's stamp starts (n − 1) strides "
         "after the first."),
        (given == right - 1, "Did you forget the + 1?"),
        (p and given == size(padding=0), "Did you forget the padding? It crops p cells off "
                                          "each side: − 2p."),
        (op and given == size(output_padding=0), "Did you forget the output_padding? It adds "
                                                  "cells at the bottom/right."),
        (d > 1 and given == size(dilation=1), "Did you forget the dilation? A stamp spans "
                                               "d × (k − 1) + 1 cells."),
        (given == conv, "That is the size of the ordinary convolution with these settings: "
                        "the transposed one goes the other way."),
    ]
    return next((text for cond, text in hints if cond), "Work through the formula below.")


def check_answer(q: dict[str, Any], answer_text: Any) -> tuple[bool, str]:
    """Check a learner's answer ("8", "8x8"; a decoder's sides "56, 112, 224, 448").

    Returns (ok, message); text without the right count of whole numbers gets a message
    asking for them, never an exception.

    Examples
    --------
    >>> q = {"kind": "size", "size": 4, "kernel_size": 3, "stride": 2, "padding": 1,
    ...      "output_padding": 1, "dilation": 1, "answer": [8]}
    >>> check_answer(q, "8x8")
    (True, 'Correct! The output is 8 x 8.')
    >>> check_answer(q, "7")[1]
    'Not quite: you said 7, the output is 8 x 8. Did you forget the + 1?'
    """
    text = str(answer_text or "").strip()
    got = [int(v) for v in _NUMBERS.findall(text)]
    want = q["answer"]
    if q["kind"] == "unet":
        if len(got) != len(want):
            return False, (f"Type {len(want)} whole numbers, one side per stage, separated by "
                           f"commas (like 56, 112, 224, 448); you typed {text!r}.")
        if got == want:
            return True, "Correct! The sides are " + " → ".join(
                str(v) for v in [q["size"], *want]) + "."
        i = next(j for j, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
        before = q["size"] if i == 0 else want[i - 1]
        hint = _size_hint(q, before, got[i])
        return False, (f"Not quite: stage {i + 1} turns {before} into {want[i]}, you said "
                       f"{got[i]}. {hint}")
    if not got or len(set(got)) != 1:
        what = "the output_padding" if q["kind"] == "op" else "the output size"
        return False, (f"Type {what} as one whole number, like 1; you typed {text!r}.")
    g = got[0]
    if q["kind"] == "op":
        if g == want[0]:
            return True, f"Correct! output_padding={g} gives back {q['target']} x {q['target']}."
        sizes = {op: size for size, op in q["cases"]}
        if g in sizes:
            return False, (f"Not quite: output_padding={g} gives {sizes[g]} x {sizes[g]}; "
                           f"the encoder's input was {q['target']}.")
        return False, (f"Not quite: output_padding must be smaller than the stride "
                       f"({q['stride']}); the answer is {want[0]}.")
    if g == want[0]:
        return True, f"Correct! The output is {g} x {g}."
    return False, (f"Not quite: you said {g}, the output is {want[0]} x {want[0]}. "
                   + _size_hint(q, q["size"], g))
