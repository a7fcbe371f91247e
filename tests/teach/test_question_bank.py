"""The question bank: its topics, one random question per topic, seeded lists of questions."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.question_bank import (
    MAX_QUESTIONS,
    TOPICS,
    check_topics,
    questions,
    random_question,
)
from convviz.teach.questions import CONCEPTS, Question, check

# What each topic may ask about (a question's concept).
TOPIC_CONCEPTS = {
    "output-size": {"output-size", "same-padding"},
    "convolution": {"convolution", "channels"},
    "pooling": {"pooling"},
    "parameters": {"parameters"},
    "receptive-field": {"receptive-field"},
    "transposed": {"transposed"},
    "shapes": {"shapes"},
}


def test_topics_are_exactly_the_seven():
    assert list(TOPICS) == ["output-size", "convolution", "pooling", "parameters",
                            "receptive-field", "transposed", "shapes"]
    assert set().union(*TOPIC_CONCEPTS.values()) <= set(CONCEPTS)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_topic_gives_an_answerable_unambiguous_question(seed):
    for topic in TOPICS:
        q = random_question(topic, np.random.default_rng(seed))
        assert q.concept in TOPIC_CONCEPTS[topic]
        assert check(q, q.answer_text()).correct
        answers = [m.answer for m in q.mistakes]
        assert q.answer not in answers and len(set(answers)) == len(answers)
        assert Question.from_dict(json.loads(json.dumps(q.to_dict()))) == q


def test_random_question_checks_its_arguments():
    with pytest.raises(ValueError, match=r"`topic` must be one of \['output-size', "):
        random_question("fourier", np.random.default_rng(0))
    with pytest.raises(TypeError, match="`topic` must be a string"):
        random_question(3, np.random.default_rng(0))
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        random_question("pooling", 0)


def test_questions_cycle_the_topics_in_order():
    qs = questions(["pooling", "parameters", "transposed"], 7, seed=1)
    kinds = [q.concept for q in qs]
    assert kinds == ["pooling", "parameters", "transposed"] * 2 + ["pooling"]
    assert [q.concept for q in questions("shapes, convolution", 2, 1)][0] == "shapes"


def test_questions_are_deterministic_and_seeds_differ():
    topics = list(TOPICS)
    a = questions(topics, 14, seed=3)
    assert a == questions(topics, 14, seed=3)
    for other in (4, 5, 1000):
        assert questions(topics, 14, seed=other) != a
    assert [q.to_dict() for q in a] == [q.to_dict() for q in questions(topics, 14, seed=3)]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12))
def test_questions_seeded_property(seed, n):
    qs = questions(list(TOPICS), n, seed)
    assert len(qs) == n and qs == questions(list(TOPICS), n, seed)
    assert all(check(q, q.answer_text()).correct for q in qs)


def test_questions_rarely_repeat():
    qs = questions(["parameters"], 30, seed=0)
    assert len({q.prompt for q in qs}) == 30


@pytest.mark.parametrize("kw,error,match", [
    (dict(topics=[]), ValueError, "`topics` must name at least one of"),
    (dict(topics=""), ValueError, "`topics` must name at least one of"),
    (dict(topics=["pooling", "fft"]), ValueError, r"`topics\[1\]` must be one of"),
    (dict(topics=7), TypeError, "`topics` must be a list of topics"),
    (dict(n=0), ValueError, "`n` must be a positive integer, got 0"),
    (dict(n=MAX_QUESTIONS + 1), ValueError, f"`n` must be at most {MAX_QUESTIONS}"),
    (dict(seed=-1), ValueError, "`seed` must be an integer >= 0"),
    (dict(seed="a"), TypeError, "`seed` must be an integer"),
])
def test_questions_argument_errors(kw, error, match):
    args = {"topics": ["pooling"], "n": 2, "seed": 0, **kw}
    with pytest.raises(error, match=match):
        questions(args["topics"], args["n"], args["seed"])


def test_check_topics():
    assert check_topics(" output-size ,pooling,") == ["output-size", "pooling"]
    assert check_topics(("shapes",)) == ["shapes"]
