"""A learner's progress: recording answers per concept, and the link code round trip."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from convviz.teach.progress import (
    MAX_CODE_CHARS,
    MAX_COUNT,
    Progress,
    decode,
    encode,
    merge,
    record,
)
from convviz.teach.questions import CONCEPTS

SAFE = set(string.ascii_letters + string.digits + "-._~")  # RFC 3986 unreserved


def test_record_counts_right_and_tried_per_concept():
    p = record(Progress(), "output-size", True)
    p = record(p, "output-size", False)
    p = record(p, "pooling", False)
    assert p.counts == {"output-size": (1, 2), "pooling": (0, 1)}
    assert p.right("output-size") == 1 and p.tried("output-size") == 2
    assert p.right("convolution") == 0 and p.tried("convolution") == 0
    assert p.total() == (1, 3)


def test_record_does_not_change_its_argument():
    p = Progress()
    record(p, "pooling", True)
    assert p.counts == {}


def test_record_rejects_an_unknown_concept():
    with pytest.raises(ValueError, match="`concept` must be one of .*got 'cats'"):
        record(Progress(), "cats", True)


def test_record_rejects_a_non_bool():
    with pytest.raises(TypeError, match="`correct` must be a bool, got str"):
        record(Progress(), "pooling", "yes")


def test_the_code_is_readable_and_in_the_guided_paths_order():
    p = record(record(record(Progress(), "pooling", True), "convolution", False),
               "convolution", True)
    assert encode(p) == "convolution.1.2_pooling.1.1"
    assert encode(Progress()) == ""


def test_decode_reads_what_encode_wrote():
    p = record(record(Progress(), "same-padding", True), "receptive-field", False)
    assert decode(encode(p)) == p
    assert decode("") == Progress()


@given(hs.dictionaries(hs.sampled_from(list(CONCEPTS)),
                       hs.tuples(hs.integers(0, MAX_COUNT), hs.integers(0, MAX_COUNT))
                       .map(lambda t: (min(t), max(t))).filter(lambda t: t[1] > 0)))
def test_round_trip_for_any_progress(counts):
    p = Progress(counts)
    code = encode(p)
    assert set(code) <= SAFE
    assert len(code) <= MAX_CODE_CHARS
    assert decode(code) == p


@pytest.mark.parametrize(("text", "said"), [
    ("cats.1.2", "unknown concept 'cats'"),
    ("pooling.3.2", "3 right of 2 tried"),
    ("pooling.1", "'pooling.1' is not concept.right.tried"),
    ("pooling.1.2.3", "'pooling.1.2.3' is not concept.right.tried"),
    ("pooling.x.2", "'pooling.x.2' is not concept.right.tried"),
    ("pooling.-1.2", "'pooling.-1.2' is not concept.right.tried"),
    ("pooling.+1.2", "'pooling.+1.2' is not concept.right.tried"),
    ("pooling.².2", "is not concept.right.tried"),  # a Unicode digit is not a digit here
    ("pooling.0.0", "0 tried"),
    ("pooling.1.1_pooling.1.1", "'pooling' twice"),
    ("pooling.1.1__convolution.1.1", "an empty part"),
    ("pooling.1.100000", f"at most {MAX_COUNT}"),
    ("pooling.1.1 ", "is not concept.right.tried"),
    ("<script>", "is not concept.right.tried"),
    ("9" * 30, "is not concept.right.tried"),
    ("nan", "is not concept.right.tried"),
    ("a" * (MAX_CODE_CHARS + 1), f"at most {MAX_CODE_CHARS} characters"),
])
def test_decode_says_what_is_wrong(text, said):
    with pytest.raises(ValueError, match="^`progress` ") as info:
        decode(text)
    assert said in str(info.value)


def test_decode_rejects_a_non_string():
    with pytest.raises(TypeError, match="`progress` must be a str, got int"):
        decode(3)


@given(hs.text(max_size=300))
def test_decode_never_fails_otherwise(text):
    try:
        p = decode(text)
    except ValueError:
        return
    assert decode(encode(p)) == p


def test_merge_keeps_the_larger_counts_so_opening_a_link_twice_counts_once():
    a = Progress({"pooling": (1, 3), "convolution": (2, 2)})
    b = Progress({"pooling": (2, 2), "shapes": (0, 1)})
    both = merge(a, b)
    assert both.counts == {"convolution": (2, 2), "pooling": (2, 3), "shapes": (0, 1)}
    assert merge(both, b) == both
    assert all(r <= t for r, t in both.counts.values())


def test_progress_checks_its_counts():
    with pytest.raises(ValueError, match="unknown concept 'cats'"):
        Progress({"cats": (1, 1)})
    with pytest.raises(ValueError, match="3 right of 2 tried"):
        Progress({"pooling": (3, 2)})
