"""The question bank: one random question generator per topic, and seeded lists of
questions for worksheets and the class page.

A topic is what a teacher picks ("output-size", "convolution", ...); each maps to a
generator of :class:`~convviz.teach.questions.Question` in the ``convviz.teach.predict_*``
modules that takes a ``numpy.random.Generator``. :func:`questions` draws a whole sheet from
one seed: the same seed gives the same list, another seed another version.

Examples
--------
>>> qs = questions(["output-size", "convolution"], 3, seed=3)
>>> [q.kind for q in qs]
['output_size', 'conv_cell', 'output_size']
>>> [q.answer for q in qs] == [q.answer for q in questions("output-size,convolution", 3, 3)]
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_int, check_rng
from convviz.teach.predict_conv import random_conv_cell_question
from convviz.teach.predict_field import random_receptive_field_question
from convviz.teach.predict_params import random_params_question
from convviz.teach.predict_pool import random_pool_question
from convviz.teach.predict_shape import random_layer_shape_question
from convviz.teach.predict_size import random_output_size_question
from convviz.teach.predict_transposed import random_transposed_size_question
from convviz.teach.questions import Question

__all__ = ["MAX_QUESTIONS", "TOPICS", "check_topics", "questions", "random_question"]

#: Topic -> the generator of one random question on it.
TOPICS: dict[str, Callable[[np.random.Generator], Question]] = {
    "output-size": random_output_size_question,
    "convolution": random_conv_cell_question,
    "pooling": random_pool_question,
    "parameters": random_params_question,
    "receptive-field": random_receptive_field_question,
    "transposed": random_transposed_size_question,
    "shapes": random_layer_shape_question,
}

#: The most questions one call of :func:`questions` makes.
MAX_QUESTIONS = 100

# Draws per question before a repeat of an earlier question on the list is accepted.
_REDRAWS = 10


def _check_topic(topic: Any, name: str = "topic") -> str:
    if not isinstance(topic, str):
        raise TypeError(f"`{name}` must be a string, one of {list(TOPICS)}, got "
                        f"{type(topic).__name__}")
    if topic not in TOPICS:
        raise ValueError(f"`{name}` must be one of {list(TOPICS)}, got {topic!r}")
    return topic


def check_topics(topics: Any) -> list[str]:
    """Topics as a list: a sequence of topic names, or one comma-separated string.

    Examples
    --------
    >>> check_topics("output-size, pooling")
    ['output-size', 'pooling']
    """
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",") if t.strip()]
    if not isinstance(topics, Sequence):
        raise TypeError(f"`topics` must be a list of topics or a comma-separated string, got "
                        f"{type(topics).__name__}")
    if not topics:
        raise ValueError(f"`topics` must name at least one of {list(TOPICS)}, got none")
    return [_check_topic(t, f"topics[{i}]") for i, t in enumerate(topics)]


def random_question(topic: str, rng: np.random.Generator) -> Question:
    """One random question on ``topic``.

    Parameters
    ----------
    topic : str
        A key of :data:`TOPICS`.
    rng : numpy.random.Generator

    Examples
    --------
    >>> random_question("pooling", np.random.default_rng(0)).concept
    'pooling'
    """
    topic = _check_topic(topic)
    rng = check_rng(rng, "rng")
    return TOPICS[topic](rng)


def questions(topics: Any, n: int, seed: int) -> list[Question]:
    """``n`` questions on ``topics``, taken in turn, all drawn from one ``seed``.

    Deterministic: the same arguments give the same list; another seed gives another
    version. A question already on the list is drawn again (a few times at most), so a
    sheet rarely repeats itself.

    Parameters
    ----------
    topics : list of str, or a comma-separated str
        Keys of :data:`TOPICS`, cycled in this order.
    n : int
        1 to :data:`MAX_QUESTIONS`.
    seed : int >= 0

    Returns
    -------
    list of Question

    Examples
    --------
    >>> [q.concept for q in questions(["parameters", "shapes"], 2, seed=0)]
    ['parameters', 'shapes']
    """
    names = check_topics(topics)
    n = check_int(n, "n", minimum=1)
    if n > MAX_QUESTIONS:
        raise ValueError(f"`n` must be at most {MAX_QUESTIONS}, got {n}")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    out: list[Question] = []
    seen: set[str] = set()
    for i in range(n):
        make = TOPICS[names[i % len(names)]]
        q = make(rng)
        for _ in range(_REDRAWS):
            if q.prompt not in seen:
                break
            q = make(rng)
        seen.add(q.prompt)
        out.append(q)
    return out
