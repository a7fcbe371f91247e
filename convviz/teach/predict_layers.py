"""Predict-first questions about layers: a layer's parameter count, a unit's receptive field,
and a layer's output shape (H, W, C).

Every answer, right or mistaken, is computed by the engine under the right or the mistaken
rule: :func:`convviz.engine.cost.conv_params` and :func:`~convviz.engine.cost.dense_params`
(without the bias, with a bias per input channel, with one input channel, without the
groups), :func:`convviz.receptive_field` (without the strides or the dilation; the kernel
sizes multiplied or added), :func:`convviz.output_size` (without the + 1 or the padding,
at stride 1, with the input's channels kept).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = conv_params_question(3, 3, 1, 32)
>>> q.answer_text(), check(q, "288").mistake
('320', 'forgot the bias')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int
from convviz.engine.cost import conv_params, dense_params
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.receptive import receptive_field
from convviz.engine.shapes import explain_output_size, output_size
from convviz.teach.predict_size import size_without_plus_one
from convviz.teach.questions import Question, format_answer, named_mistakes

__all__ = ["LAYER_KINDS", "MAX_LAYERS", "conv_params_question", "dense_params_question",
           "layer_shape_question", "random_conv_params_question",
           "random_dense_params_question", "random_layer_shape_question",
           "random_params_question", "random_receptive_field_question",
           "receptive_field_question"]

#: The layers a shape question can ask about, with the words the prompt uses.
LAYER_KINDS: dict[str, str] = {"conv": "convolution", "maxpool": "max pooling",
                               "avgpool": "average pooling"}
#: The most layers a receptive-field question lists.
MAX_LAYERS = 8


def _check_bias(bias: Any) -> bool:
    if not isinstance(bias, bool):
        raise TypeError(f"`bias` must be True or False, got {bias!r}")
    return bias


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _n(v: int) -> str:
    return f"{v:,}"


# --- parameters --------------------------------------------------------------------------------

def conv_params_question(kh: int, kw: int, c_in: int, c_out: int, *, bias: bool = True,
                         groups: int = 1) -> Question:
    """Ask for a convolution layer's parameter count, with its named mistakes.

    Parameters
    ----------
    kh, kw : int >= 1
        Kernel height and width.
    c_in, c_out : int >= 1
        Input channels and filters, both divisible by ``groups``.
    bias : bool
        One bias per filter.
    groups : int >= 1
        1 for a standard convolution, ``c_in`` for a depthwise one.

    Returns
    -------
    Question
        Concept "parameters", kind "conv_params", one number: what
        ``sum(p.numel() for p in torch.nn.Conv2d(c_in, c_out, (kh, kw), groups=groups,
        bias=bias).parameters())`` counts.

    Examples
    --------
    >>> q = conv_params_question(3, 3, 32, 64)
    >>> q.answer, [m.name for m in q.mistakes][:3]
    ((18496.0,), ['forgot the bias', 'counted the bias once per channel', \
'forgot to multiply by the input channels'])
    """
    bias = _check_bias(bias)
    right = conv_params(kh, kw, c_in, c_out, groups=groups, bias=bias)  # checks the numbers
    per = c_in // groups
    weights = conv_params(kh, kw, c_in, c_out, groups=groups, bias=False)
    grouped = (f", in {groups} groups (each filter reads {c_in} / {groups} = {per} of the "
               "input channels)" if groups > 1 else "")
    code = (f"`torch.nn.Conv2d({c_in}, {c_out}, kernel_size=({kh}, {kw})"
            + (f", groups={groups}" if groups > 1 else "") + f", bias={bias})`")
    prompt = (f"A convolution layer reads an input with **{c_in} channel{'s' if c_in > 1 else ''}"
              f"** and has **{c_out} filter{'s' if c_out > 1 else ''}** of **{kh} x {kw}**"
              f"{grouped}, " + ("with one bias per filter" if bias else "without biases")
              + f" ({code}). How many parameters (weights and biases) does it have?")
    lines = [f"Each filter has one {kh} x {kw} slice per input channel it reads ({per}): "
             f"{kh} × {kw} × {per} = {_n(kh * kw * per)} weights.",
             f"{c_out} filters: {_n(kh * kw * per)} × {c_out} = {_n(weights)} weights."]
    if bias:
        lines.append(f"Plus one bias per filter: {_n(weights)} + {c_out} = **{_n(right)}**.")
    else:
        lines.append(f"No biases: **{_n(right)}**.")
    candidates: list[tuple[str, Any, str]] = []
    if bias:
        candidates += [
            ("forgot the bias", (weights,),
             f"Each of the {c_out} filters adds one bias to its sum: + {c_out}."),
            ("counted the bias once per channel",
             (weights + conv_params(1, 1, c_in, c_out, groups=groups, bias=False),),
             "A filter has one bias, not one per input channel: its per-channel sums are "
             "added together first, then the one bias."),
        ]
    candidates.append(
        ("forgot to multiply by the input channels",
         (conv_params(kh, kw, groups, c_out, groups=groups, bias=bias),),
         f"A filter is not one {kh} x {kw} grid: it has a {kh} x {kw} slice for each of the "
         f"{per} input channels it reads."))
    if groups == 1:
        candidates.append(
            ("forgot to multiply by the filters", (conv_params(kh, kw, c_in, 1, bias=bias),),
             f"That is one filter's count: the layer has {c_out} of them."))
    else:
        candidates.append(
            ("forgot the groups", (conv_params(kh, kw, c_in, c_out, bias=bias),),
             f"With {groups} groups each filter reads only {per} of the {c_in} input channels."))
    return Question(concept="parameters", kind="conv_params", prompt=prompt,
                    answer=(float(right),),
                    working="\n\n".join(lines), mistakes=named_mistakes((right,), candidates))


def dense_params_question(n_in: int, units: int, *, bias: bool = True) -> Question:
    """Ask for a Dense (fully connected) layer's parameter count, with its named mistakes.

    Parameters
    ----------
    n_in : int >= 1
        Values coming in (e.g. a flattened 5 x 5 x 64 map gives 1600).
    units : int >= 1
        Units (outputs).
    bias : bool
        One bias per unit.

    Returns
    -------
    Question
        Concept "parameters", kind "dense_params", one number.

    Examples
    --------
    >>> q = dense_params_question(576, 64)
    >>> q.answer_text(), [m.name for m in q.mistakes][0]
    ('36928', 'forgot the bias')
    """
    bias = _check_bias(bias)
    right = dense_params(n_in, units, bias=bias)
    weights = dense_params(n_in, units, bias=False)
    prompt = (f"A Dense (fully connected) layer takes **{n_in} values** and has **{units} "
              f"unit{'s' if units > 1 else ''}**, "
              + ("with one bias per unit" if bias else "without biases")
              + f" (`keras.layers.Dense({units}, use_bias={bias})` on {n_in} inputs, "
              f"`torch.nn.Linear({n_in}, {units}, bias={bias})`). How many parameters "
              "(weights and biases) does it have?")
    working = (f"Every unit has one weight per input: {n_in} × {units} = {_n(weights)} weights"
               + (f", plus one bias per unit: {_n(weights)} + {units} = **{_n(right)}**."
                  if bias else f", no biases: **{_n(right)}**."))
    candidates: list[tuple[str, Any, str]] = []
    if bias:
        candidates += [
            ("forgot the bias", (weights,), f"Each of the {units} units adds one bias: + {units}."),
            ("counted a bias per input", (weights + dense_params(n_in, units, bias=False),),
             "A unit has one bias, added once to its weighted sum, not one per input."),
        ]
    candidates += [
        ("forgot to multiply by the inputs", (dense_params(1, units, bias=bias),),
         f"Every unit is connected to all {n_in} inputs, with one weight each."),
        ("forgot to multiply by the units", (dense_params(n_in, 1, bias=bias),),
         f"That is one unit's count: the layer has {units} of them."),
    ]
    return Question(concept="parameters", kind="dense_params", prompt=prompt,
                    answer=(float(right),),
                    working=working, mistakes=named_mistakes((right,), candidates))


def random_conv_params_question(rng: np.random.Generator) -> Question:
    """A random convolution parameter-count question (sometimes grouped or without bias).

    Examples
    --------
    >>> random_conv_params_question(np.random.default_rng(0)).kind
    'conv_params'
    """
    rng = _check_rng(rng)
    k = int(rng.choice([1, 3, 3, 3, 5, 7]))
    c_in = int(rng.choice([1, 3, 3, 8, 16, 32, 64]))
    c_out = int(rng.choice([4, 8, 16, 32, 64]))
    groups = 1
    if rng.random() < 0.2 and c_in > 1:
        groups = math.gcd(c_in, c_out)
        if groups == c_in:
            c_out = c_in  # depthwise: one filter per channel
    return conv_params_question(k, k, c_in, c_out, bias=bool(rng.random() < 0.85),
                                groups=groups)


def random_dense_params_question(rng: np.random.Generator) -> Question:
    """A random Dense parameter-count question (the inputs often a flattened map).

    Examples
    --------
    >>> random_dense_params_question(np.random.default_rng(0)).kind
    'dense_params'
    """
    rng = _check_rng(rng)
    side, channels = int(rng.choice([1, 2, 3, 4, 5, 7])), int(rng.choice([8, 16, 32, 64]))
    n_in = side * side * channels if rng.random() < 0.7 else int(rng.choice([10, 64, 84, 120]))
    units = int(rng.choice([10, 10, 32, 64, 84, 128]))
    return dense_params_question(n_in, units, bias=bool(rng.random() < 0.9))


def random_params_question(rng: np.random.Generator) -> Question:
    """A random parameter-count question: a convolution (two in three) or a Dense layer.

    Examples
    --------
    >>> random_params_question(np.random.default_rng(0)).concept
    'parameters'
    """
    rng = _check_rng(rng)
    if rng.random() < 2 / 3:
        return random_conv_params_question(rng)
    return random_dense_params_question(rng)


# --- receptive field ---------------------------------------------------------------------------

def receptive_field_question(layers: Sequence[Any]) -> Question:
    """Ask how many input pixels (along one side) one unit of the last layer sees.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride, dilation)
        :func:`convviz.receptive_field`'s input, 1 to :data:`MAX_LAYERS` layers from the
        input up; a pooling layer counts with its window and stride.

    Returns
    -------
    Question
        Concept "receptive-field", kind "receptive_field", one number.

    Examples
    --------
    >>> q = receptive_field_question([(3, 1, 1), (2, 2, 1), (3, 1, 1)])
    >>> q.answer_text(), [(m.name, m.answer) for m in q.mistakes]
    ('8', [('ignored the strides', (6.0,)), ('multiplied the kernel sizes', (18.0,))])
    """
    fields = receptive_field(layers)  # checks the layers
    if not 1 <= len(fields) <= MAX_LAYERS:
        raise ValueError(f"`layers` must hold 1 to {MAX_LAYERS} layers, got {len(fields)}")
    triples = [(int(k), int(s), int(d)) for k, s, d in layers]
    right = fields[-1][0]
    rows = ["| layer | kernel | stride | dilation |", "|---|---|---|---|"]
    rows += [f"| {i} | {k} | {s} | {d} |" for i, (k, s, d) in enumerate(triples, start=1)]
    prompt = ("A stack of layers, from the input up (a pooling layer counts with its window "
              "and stride; padding does not change what a unit sees):\n\n" + "\n".join(rows)
              + "\n\nHow many input pixels wide is the receptive field of one unit of the last "
              "layer (along one side)?")
    lines = ["Each layer widens what a unit sees by d × (k − 1) of the previous layer's "
             "units, and those are `jump` input pixels apart (the product of the strides "
             "below it). Start from 1 pixel, jump 1:", ""]
    size, jump = 1, 1
    for i, ((k, s, d), (new_size, new_jump)) in enumerate(zip(triples, fields, strict=True),
                                                         start=1):
        lines.append(f"- layer {i}: {size} + {d} × ({k} − 1) × {jump} = {new_size}; "
                     f"jump {jump} × {s} = {new_jump}")
        size, jump = new_size, new_jump
    lines += ["", f"One unit of the last layer sees **{right} x {right}** input pixels."]
    candidates: list[tuple[str, Any, str]] = [
        ("ignored the strides",
         (receptive_field([(k, 1, d) for k, _, d in triples])[-1][0],),
         "A stride spreads what later layers see: after a stride-s layer, neighbouring units' "
         "windows start s times farther apart in the input (the jump), so every later layer "
         "adds d × (k − 1) × jump pixels, not d × (k − 1)."),
        ("multiplied the kernel sizes", (math.prod(k for k, _, _ in triples),),
         "Fields grow by adding: each layer adds d × (k − 1) × jump pixels, it does not "
         "multiply."),
        ("added the kernel sizes", (sum(k for k, _, _ in triples),),
         "Neighbouring windows overlap: a layer adds k − 1 (times the jump), not k."),
    ]
    if any(d > 1 for _, _, d in triples):
        candidates.append(
            ("forgot the dilation",
             (receptive_field([(k, s, 1) for k, s, _ in triples])[-1][0],),
             "A dilated kernel's taps are d apart: it spans d × (k − 1) + 1 of the previous "
             "layer's units."))
    return Question(concept="receptive-field", kind="receptive_field", prompt=prompt,
                    answer=(float(right),), working="\n".join(lines),
                    mistakes=named_mistakes((right,), candidates))


def random_receptive_field_question(rng: np.random.Generator) -> Question:
    """A random stack of 2 to 4 convolutions and poolings.

    Examples
    --------
    >>> random_receptive_field_question(np.random.default_rng(0)).concept
    'receptive-field'
    """
    rng = _check_rng(rng)
    layers = []
    for _ in range(int(rng.integers(2, 5))):
        if rng.random() < 0.3:
            layers.append((2, 2, 1))  # 2 x 2 pooling, stride 2
        else:
            layers.append((int(rng.choice([3, 3, 5])), int(rng.choice([1, 1, 2])),
                           2 if rng.random() < 0.1 else 1))
    return receptive_field_question(layers)


# --- shapes ------------------------------------------------------------------------------------

def _check_shape(input_shape: Any) -> tuple[int, int, int]:
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError("`input_shape` must be (height, width, channels), got "
                         f"{input_shape!r}")
    return (check_int(input_shape[0], "input_shape[0]", minimum=1),
            check_int(input_shape[1], "input_shape[1]", minimum=1),
            check_int(input_shape[2], "input_shape[2]", minimum=1))


def layer_shape_question(input_shape: Any, kind: str, kernel_size: int, *,
                         filters: int | None = None, stride: int | None = None,
                         padding: Any = 0) -> Question:
    """Ask for the output shape (H, W, C) of one convolution or pooling layer.

    Parameters
    ----------
    input_shape : (H, W, C)
        Channels last, as Keras writes shapes.
    kind : {"conv", "maxpool", "avgpool"}
    kernel_size : int >= 1
        The kernel's (or pooling window's) side.
    filters : int >= 1
        The convolution's filters (required for "conv"; None for pooling).
    stride : int >= 1, optional
        Defaults to 1 for a convolution and to ``kernel_size`` for pooling.
    padding : int >= 0, "valid" or "same"
        A convolution's padding ("same" as in Keras); pooling takes a number, at most half
        the window (PyTorch's rule).

    Returns
    -------
    Question
        Concept "shapes", kind "layer_shape", the answer ``(H', W', C')``.

    Examples
    --------
    >>> q = layer_shape_question((28, 28, 1), "conv", 3, filters=32)
    >>> q.answer_text(), [m.name for m in q.mistakes]
    ('(26, 26, 32)', ["kept the input's channels", 'forgot the + 1', "kept the input's size"])
    """
    h, w, c = _check_shape(input_shape)
    kind = check_choice(kind, "kind", tuple(LAYER_KINDS))
    k = check_int(kernel_size, "kernel_size", minimum=1)
    conv = kind == "conv"
    if conv:
        if filters is None:
            raise ValueError('`filters` must be given for kind="conv", got None')
        out_c = check_int(filters, "filters", minimum=1)
        s = 1 if stride is None else check_int(stride, "stride", minimum=1)
    else:
        if filters is not None:
            raise ValueError(f"`filters` must be None for pooling (it keeps the channels), "
                             f"got {filters!r}")
        out_c = c
        s = k if stride is None else check_int(stride, "stride", minimum=1)
        padding = check_int(padding, "padding", minimum=0)
        problem = pool_padding_problem(padding, k)
        if problem:
            raise ValueError(problem)

    def hw(**change: Any) -> tuple[int, int] | None:
        a = {"stride": s, "padding": padding, **change}
        try:
            return output_size(h, k, **a), output_size(w, k, **a)
        except ValueError:
            return None

    right_hw = hw()
    if right_hw is None:  # let the engine say why no window fits
        output_size(min(h, w), k, stride=s, padding=padding)
    assert right_hw is not None
    right = (*right_hw, out_c)
    pad = f'padding "{padding}"' if isinstance(padding, str) else f"padding {padding}"
    if conv:
        layer = (f"a **convolution** layer with **{out_c} filter{'s' if out_c > 1 else ''} of "
                 f"{k} x {k}**, stride {s}, {pad}")
    else:
        layer = f"a **{k} x {k} {LAYER_KINDS[kind]}** layer with stride {s}, {pad}"
    prompt = (f"An input of shape **({h}, {w}, {c})** (height, width, channels) goes through "
              f"{layer} (PyTorch's floor rule; \"same\" as in Keras). What is the output's "
              "shape **(height, width, channels)**?")
    explain = explain_output_size(h, k, stride=s, padding=padding)
    if w != h:
        cols = explain_output_size(w, k, stride=s, padding=padding)
        explain = f"rows:\n{explain}\ncolumns:\n{cols}"
    depth = (f"one feature map per filter: {out_c} channels" if conv else
             f"pooling works on each channel on its own: {c} channels")
    working = (f"Height and width:\n\n```\n{explain}\n```\n\nChannels: {depth}.\n\n"
               f"The output is **{format_answer(right)}**.")
    candidates: list[tuple[str, Any, str]] = []
    if conv:
        candidates.append(
            ("kept the input's channels", (*right_hw, c),
             f"The output has one channel per filter ({out_c}), whatever the input's "
             f"channels ({c}): each filter sums over all of them."))
    if padding != "same":
        no_plus = [size_without_plus_one(n, k, stride=s, padding=padding) for n in (h, w)]
        candidates.append(
            ("forgot the + 1", None if None in no_plus else (*no_plus, out_c),
             "Without the + 1 you count the steps between window positions, not the "
             "positions: the first window counts too."))
    if padding not in (0, "valid"):
        no_pad = hw(padding=0)
        candidates.append(
            ("forgot the padding", None if no_pad is None else (*no_pad, out_c),
             "The padding adds cells around the input before the kernel slides."))
    if s != 1:
        one = hw(stride=1)
        candidates.append(
            ("used stride 1", None if one is None else (*one, out_c),
             f"The window moves {s} cells at a time"
             + (" (pooling's stride defaults to its window)." if not conv else ".")))
    candidates.append(
        ("kept the input's size", (h, w, out_c),
         "The output has one cell per window position, not one per input cell."))
    return Question(concept="shapes", kind="layer_shape", prompt=prompt,
                    answer=tuple(float(v) for v in right),
                    working=working, mistakes=named_mistakes(right, candidates),
                    answer_hint="three whole numbers: (height, width, channels)")


def random_layer_shape_question(rng: np.random.Generator) -> Question:
    """A random convolution (two in three) or pooling layer on a typical input shape.

    Examples
    --------
    >>> random_layer_shape_question(np.random.default_rng(0)).answer_hint
    'three whole numbers: (height, width, channels)'
    """
    rng = _check_rng(rng)
    for _ in range(100):
        side = int(rng.choice([7, 11, 13, 14, 26, 28, 32, 64]))
        shape = (side, side, int(rng.choice([1, 3, 16, 32, 64])))
        try:
            if rng.random() < 2 / 3:
                q = layer_shape_question(
                    shape, "conv", int(rng.choice([1, 3, 3, 5])),
                    filters=int(rng.choice([8, 16, 32, 64])),
                    stride=int(rng.choice([1, 1, 2])),
                    padding=[0, 0, 1, 2, "valid", "same"][int(rng.integers(6))])
            else:
                q = layer_shape_question(shape, ("maxpool", "avgpool")[int(rng.integers(2))],
                                         int(rng.choice([2, 2, 3])),
                                         padding=int(rng.choice([0, 0, 1])))
        except ValueError:
            continue
        if q.mistakes:
            return q
    return layer_shape_question((28, 28, 1), "conv", 3, filters=32)
