"""The output-size page's practice question: random square settings the page can draw,
asked as a predict-first :class:`~convviz.teach.questions.Question`.

Pure: a seeded ``numpy.random.Generator`` in, settings and the question out. The question,
its named mistakes and its working are
:func:`convviz.teach.predict_size.output_size_question`'s, so an answer is checked by
:func:`convviz.teach.questions.check` and counts in the learner's progress.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_rng
from convviz.engine.shapes import output_size
from convviz.teach.predict_size import output_size_question
from convviz.teach.questions import Question


def random_exercise(rng: np.random.Generator) -> dict[str, Any]:
    """Settings for one "predict the output size" question (always a valid combination).

    Examples
    --------
    >>> ex = random_exercise(np.random.default_rng(0))
    >>> sorted(ex)
    ['dilation', 'kernel_size', 'padding', 'size', 'stride']
    """
    rng = check_rng(rng, "rng")
    for _ in range(100):
        ex = {"size": int(rng.choice([5, 6, 7, 8, 9, 10, 12, 14, 16, 28, 32, 64])),
              "kernel_size": int(rng.choice([1, 2, 3, 3, 3, 5, 5, 7])),
              "stride": int(rng.choice([1, 1, 2, 2, 3])),
              "padding": [0, 0, 1, 1, 2, 3, "valid", "same"][int(rng.integers(8))],
              "dilation": 1 if rng.random() < 0.8 else 2}
        try:
            output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                        padding=ex["padding"], dilation=ex["dilation"])
        except ValueError:
            continue
        return ex
    return {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


def as_question(settings: dict[str, Any]) -> Question | None:
    """The exercise as a predict-first :class:`~convviz.teach.questions.Question`, with the
    named mistakes of :func:`convviz.teach.predict_size.output_size_question`.

    PyTorch's rule, Keras' for "same" (as the exercise says). None for "same" with both a
    stride and a dilation above 1, which neither framework accepts.

    Examples
    --------
    >>> ex = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
    >>> as_question(ex).answer_text()
    '(5, 5)'
    """
    keys = ("size", "kernel_size", "stride", "padding", "dilation")
    if not isinstance(settings, dict) or any(k not in settings for k in keys):
        raise ValueError(f"`settings` must hold {list(keys)}, got {settings!r}")
    n, k, s, p, d = (settings[key] for key in keys)
    if p == "same" and s > 1 and d > 1:
        return None
    return output_size_question(n, n, k, s, p, d, rule="keras" if p == "same" else "torch")



def random_practice(rng: np.random.Generator) -> tuple[dict[str, Any], Question]:
    """Random settings (:func:`random_exercise`) and their question (:func:`as_question`),
    drawn again until a framework accepts them and a wrong answer can be named.

    Returns
    -------
    settings : dict
        ``size`` (a square input's side), ``kernel_size``, ``stride``, ``padding``,
        ``dilation``: what the page loads into its grid.
    question : Question
        Concept "output-size" ("same-padding" for ``padding="same"``), kind "output_size".

    Examples
    --------
    >>> ex, q = random_practice(np.random.default_rng(0))
    >>> q == as_question(ex), len(q.answer), len(q.mistakes) > 0
    (True, 2, True)
    """
    rng = check_rng(rng, "rng")
    for _ in range(100):
        ex = random_exercise(rng)
        q = as_question(ex)
        if q is not None and q.mistakes:
            return ex, q
    ex = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
    q = as_question(ex)
    assert q is not None
    return ex, q
