"""Predict-first questions about a receptive field: how many input pixels (along one side)
one unit of the last layer of a stack of convolutions and poolings sees.

Every answer, right or mistaken, is computed by the engine under the right or the mistaken
rule: :func:`convviz.receptive_field` (without the strides or the dilation; the kernel sizes
multiplied or added).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = receptive_field_question([(3, 1, 1), (3, 1, 1)])
>>> q.answer_text(), check(q, "6").mistake
('5', 'added the kernel sizes')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_rng
from convviz.engine.receptive import receptive_field
from convviz.teach.questions import Question, named_mistakes

__all__ = ["MAX_LAYERS", "random_receptive_field_question", "receptive_field_question"]

#: The most layers a receptive-field question lists.
MAX_LAYERS = 8


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
    rng = check_rng(rng, "rng")
    layers = []
    for _ in range(int(rng.integers(2, 5))):
        if rng.random() < 0.3:
            layers.append((2, 2, 1))  # 2 x 2 pooling, stride 2
        else:
            layers.append((int(rng.choice([3, 3, 5])), int(rng.choice([1, 1, 2])),
                           2 if rng.random() < 0.1 else 1))
    return receptive_field_question(layers)
