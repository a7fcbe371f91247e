"""Predict-first questions about a layer's parameter count: a convolution's (standard,
grouped or depthwise) or a Dense layer's, weights and biases.

Every answer, right or mistaken, is computed by the engine under the right or the mistaken
rule: :func:`convviz.engine.cost.conv_params` and :func:`~convviz.engine.cost.dense_params`
(without the bias, with a bias per input channel, with one input channel, without the
groups).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = conv_params_question(3, 3, 1, 32)
>>> q.answer_text(), check(q, "288").mistake
('320', 'forgot the bias')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from convviz.base.checks import check_rng
from convviz.engine.cost import conv_params, dense_params
from convviz.teach.questions import Question, named_mistakes

__all__ = ["conv_params_question", "dense_params_question", "random_conv_params_question",
           "random_dense_params_question", "random_params_question"]


def _check_bias(bias: Any) -> bool:
    if not isinstance(bias, bool):
        raise TypeError(f"`bias` must be True or False, got {bias!r}")
    return bias


def _n(v: int) -> str:
    return f"{v:,}"


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
    rng = check_rng(rng, "rng")
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
    rng = check_rng(rng, "rng")
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
    rng = check_rng(rng, "rng")
    if rng.random() < 2 / 3:
        return random_conv_params_question(rng)
    return random_dense_params_question(rng)
