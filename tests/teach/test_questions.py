"""The question schema: parsing, checking, named mistakes, the dict round trip."""

import json

import pytest

from convviz.teach.questions import (
    CONCEPTS,
    Mistake,
    Question,
    check,
    format_answer,
    named_mistakes,
    parse_answer,
)


def _q(**kw) -> Question:
    base = dict(concept="output-size", kind="output_size", prompt="p", answer=(5.0,),
                working="w", mistakes=(Mistake("forgot the + 1", (4.0,), "plus one"),))
    return Question(**{**base, **kw})


@pytest.mark.parametrize("text,n,want", [
    ("5", 1, (5.0,)), (" 5 x 5 ", 2, (5.0, 5.0)), ("5", 2, (5.0, 5.0)),
    ("(13, 13, 32)", 3, (13.0, 13.0, 32.0)), ("[13,13,32]", 3, (13.0, 13.0, 32.0)),
    ("-2.5", 1, (-2.5,)), ("1e3", 1, (1000.0,)), ("5×5", 2, (5.0, 5.0)),
])
def test_parse_answer_reads_numbers_and_shapes(text, n, want):
    assert parse_answer(text, n) == want


@pytest.mark.parametrize("text,n,says", [
    ("", 1, "Type a number"), ("five", 1, "'five'"), ("5, 6", 1, "2 numbers"),
    ("(1, 2)", 3, "3 numbers"), ("9" * 200, 1, "at most"), (None, 1, "Type a number"),
    ("<b>5</b>", 1, "you typed"),
])
def test_parse_answer_says_what_was_wrong(text, n, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(")):
        parse_answer(text, n)


def test_check_right_named_and_unnamed():
    q = _q()
    assert check(q, "5").correct and check(q, "5").mistake is None
    v = check(q, "4")
    assert not v.correct and v.mistake == "forgot the + 1" and "plus one" in v.working
    v = check(q, "7")
    assert not v.correct and v.mistake is None and "7" in v.message and v.working == "w"
    v = check(q, "seven")
    assert v.parsed is None and not v.correct


def test_check_tolerance():
    q = _q(answer=(2.75,), tolerance=0.01, mistakes=())
    assert check(q, "2.75").correct and check(q, "2.751").correct
    assert not check(q, "2.8").correct


def test_named_mistakes_drops_ambiguous_and_inapplicable():
    kept = named_mistakes((5.0,), [("a", (4.0,), ""), ("b", (5.0,), ""), ("c", (4.0,), ""),
                                   ("d", None, ""), ("e", (6,), "")])
    assert [m.name for m in kept] == ["a", "e"] and kept[1].answer == (6.0,)


def test_round_trip_through_json():
    q = _q(grids={"input": [[1, 2], [3, 4]]}, answer=(13.0, 13.0, 32.0),
           mistakes=(Mistake("m", (14.0, 14.0, 32.0), "x"),))
    back = Question.from_dict(json.loads(json.dumps(q.to_dict())))
    assert back == q


def test_question_rejects_unknown_concept_and_empty_answer():
    with pytest.raises(ValueError, match="`concept`"):
        _q(concept="nope")
    with pytest.raises(ValueError, match="`answer`"):
        _q(answer=())
    assert "output-size" in CONCEPTS


def test_format_answer():
    assert format_answer((5.0,)) == "5" and format_answer((1.0, 2.0)) == "(1, 2)"
