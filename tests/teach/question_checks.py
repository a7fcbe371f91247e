"""What every question a question maker draws must satisfy, checked the same way for each
maker (shared by the predict_* tests)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from convviz.teach.questions import Question, check


def assert_answerable_and_unambiguous(q: Question, *, min_mistakes: int = 0) -> None:
    """Assert that ``q``'s own answer text is right, that its named mistakes are distinct from
    the answer and from one another (at least ``min_mistakes`` of them), that an answer made
    with each mistake is recognised as that mistake, and that ``q`` survives ``to_dict``."""
    assert check(q, q.answer_text()).correct
    answers = [m.answer for m in q.mistakes]
    assert q.answer not in answers and len(set(answers)) == len(answers) >= min_mistakes
    for m in q.mistakes:
        assert check(q, str(m.answer)).mistake == m.name
    assert Question.from_dict(q.to_dict()) == q


def assert_seeded_and_needs_a_generator(make: Callable[[np.random.Generator], Question]) -> None:
    """Assert that a random question maker gives the same question for the same seed and
    refuses anything but a numpy Generator, naming `rng`."""
    assert make(np.random.default_rng(7)) == make(np.random.default_rng(7))
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        make(7)
