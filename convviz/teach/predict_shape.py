"""Predict-first questions about a layer's output shape (H, W, C): one convolution or
pooling layer on a channels-last input.

Every answer, right or mistaken, is computed by the engine under the right or the mistaken
rule: :func:`convviz.output_size` (without the + 1 or the padding, at stride 1, with the
input's channels kept).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = layer_shape_question((28, 28, 1), "conv", 3, filters=32)
>>> q.answer_text(), check(q, "(26, 26, 1)").mistake
('(26, 26, 32)', "kept the input's channels")
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int, check_rng
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.shapes import explain_output_size, output_size
from convviz.teach.predict_size import size_without_plus_one
from convviz.teach.questions import Question, format_answer, named_mistakes

__all__ = ["LAYER_KINDS", "layer_shape_question", "random_layer_shape_question"]

#: The layers a shape question can ask about, with the words the prompt uses.
LAYER_KINDS: dict[str, str] = {"conv": "convolution", "maxpool": "max pooling",
                               "avgpool": "average pooling"}


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
    rng = check_rng(rng, "rng")
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
