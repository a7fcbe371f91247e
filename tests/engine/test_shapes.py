"""output_size and explain_output_size: hand cases, properties, PyTorch's ceil_mode rule."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
    ((7, 3), {}, 5),
    ((28, 3), {}, 26),
    ((5, 3), {"padding": 1}, 5),
    ((5, 3), {"padding": 1, "stride": 2}, 3),
    ((5, 2), {"stride": 2}, 2),
    ((5, 2), {"stride": 2, "ceil_mode": True}, 3),
    ((4, 2), {"stride": 2}, 2),
    ((7, 3), {"dilation": 2}, 3),  # k_eff = 5
    ((7, 3), {"padding": (0, 1)}, 6),  # (before, after)
    ((7, 3), {"padding": "valid"}, 5),
    ((7, 3), {"padding": "same"}, 7),
    ((7, 4), {"padding": "same", "stride": 2}, 4),
    ((7, 3), {"padding": "full"}, 9),
    ((7, 3), {"padding": "full", "dilation": 2}, 11),
    ((1, 1), {}, 1),
    ((3, 3), {"stride": 5}, 1),
])
def test_hand_cases(args, kwargs, expected):
    assert cv.output_size(*args, **kwargs) == expected


N, K, S, D = (st.integers(1, 40), st.integers(1, 7), st.integers(1, 5), st.integers(1, 3))


@settings(max_examples=150, deadline=None)
@given(N, K, S, D)
def test_same_gives_ceil_n_over_stride(n, k, s, d):
    assert cv.output_size(n, k, stride=s, dilation=d, padding="same") == math.ceil(n / s)


@settings(max_examples=150, deadline=None)
@given(N, K, D)
def test_full_and_valid_at_stride_1(n, k, d):
    assert cv.output_size(n, k, dilation=d, padding="full") == n + d * (k - 1)
    if n >= d * (k - 1) + 1:
        assert cv.output_size(n, k, dilation=d, padding="valid") == n - d * (k - 1)


@settings(max_examples=150, deadline=None)
@given(N, K, S, D, st.integers(0, 4), st.integers(0, 4))
def test_floor_mode_counts_the_window_starts(n, k, s, d, before, after):
    eff = d * (k - 1) + 1
    starts = range(0, n + before + after - eff + 1, s)  # every window that fits
    if len(starts) == 0:
        with pytest.raises(ValueError, match="^no output: the kernel"):
            cv.output_size(n, k, stride=s, dilation=d, padding=(before, after))
    else:
        assert cv.output_size(n, k, stride=s, dilation=d, padding=(before, after)) == len(starts)


def test_ceil_mode_drops_a_last_window_starting_in_the_right_padding():
    # raw ceil formula: ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, but window 4 would start at 6,
    # past the input (5) and the left padding (1): PyTorch gives 3.
    assert cv.output_size(5, 2, stride=2, padding=1, ceil_mode=True) == 3
    found = []
    for n in range(1, 12):
        for k in range(1, 5):
            for s in range(1, 5):
                for p in range(0, k // 2 + 1):
                    if n + 2 * p < k:
                        continue
                    raw = -(-(n + 2 * p - k) // s) + 1
                    real = cv.output_size(n, k, stride=s, padding=p, ceil_mode=True)
                    assert real in (raw, raw - 1)
                    assert (real - 1) * s < n + p  # the last window starts in the input
                    if real < raw:
                        found.append((n, k, s, p))
                        assert (raw - 1) * s >= n + p
    assert (5, 2, 2, 1) in found


def test_ceil_mode_matches_torch():
    torch = pytest.importorskip("torch")
    for n in range(1, 12):
        for k in range(1, 5):
            for s in range(1, 5):
                for p in range(0, k // 2 + 1):
                    if n + 2 * p < k:  # convviz refuses a pool wider than the padded input
                        continue
                    got = torch.nn.functional.max_pool1d(torch.zeros(1, 1, n), k, s, p,
                                                         ceil_mode=True).shape[-1]
                    assert cv.output_size(n, k, stride=s, padding=p, ceil_mode=True) == got


def test_kernel_wider_than_padded_input_says_why():
    msg = "no output: the kernel, 5 wide, is wider than the padded input, 3 (3 + 0 + 0 padding)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        cv.output_size(3, 5)
    msg = "the kernel, 7 wide with dilation, is wider than the padded input, 6 (5 + 1 + 0 padding)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        cv.output_size(5, 3, dilation=3, padding=(1, 0))
    assert cv.output_size(5, 3, dilation=3, padding=1) == 1


def test_explain_output_size_shows_the_numbers():
    assert cv.explain_output_size(7, 3) == (
        "output = floor((n + p_before + p_after - k) / s) + 1 = "
        "floor((7 + 0 + 0 - 3) / 1) + 1 = 5")
    text = cv.explain_output_size(28, 3, stride=2, padding=1)
    assert "floor((28 + 1 + 1 - 3) / 2) + 1 = 14" in text
    assert text.endswith(str(cv.output_size(28, 3, stride=2, padding=1)))


def test_explain_dilation_ceil_and_same():
    text = cv.explain_output_size(9, 3, dilation=2)
    assert "k_eff = d * (k - 1) + 1 = 2 * (3 - 1) + 1 = 5" in text
    assert "floor((9 + 0 + 0 - 5) / 1) + 1 = 5" in text
    text = cv.explain_output_size(5, 2, stride=2, padding=1, ceil_mode=True)
    assert "ceil((5 + 1 + 1 - 2) / 2) + 1 = 4" in text
    assert "dropped" in text and text.endswith("output = 3")
    text = cv.explain_output_size(7, 4, stride=2, padding="same")
    assert "(7 + 1 + 2 - 4) / 2" in text and "ceil(7 / 2) = 4" in text


def test_explain_returns_a_no_output_sentence_instead_of_raising():
    text = cv.explain_output_size(3, 5)
    assert text == ("no output: the kernel, 5 wide, is wider than the padded input, 3 "
                    "(3 + 0 + 0 padding)")
    assert cv.explain_output_size(4, 3, dilation=2).startswith("no output: the kernel, 5 wide")


@settings(max_examples=100, deadline=None)
@given(N, K, S, D, st.integers(0, 3), st.booleans())
def test_explain_agrees_with_output_size(n, k, s, d, p, ceil_mode):
    text = cv.explain_output_size(n, k, stride=s, dilation=d, padding=p, ceil_mode=ceil_mode)
    try:
        out = cv.output_size(n, k, stride=s, dilation=d, padding=p, ceil_mode=ceil_mode)
    except ValueError as exc:
        assert text == str(exc)
    else:
        assert text.endswith(f"= {out}")
        assert f"({n} + {p} + {p} - " in text


@pytest.mark.parametrize(("kwargs", "exc", "message"), [
    ({"n": 0, "kernel_size": 3}, ValueError, "`n` must be a positive integer, got 0"),
    ({"n": 5, "kernel_size": 0}, ValueError, "`kernel_size` must be a positive integer, got 0"),
    ({"n": 5, "kernel_size": 3, "stride": 0}, ValueError,
     "`stride` must be a positive integer, got 0"),
    ({"n": 5, "kernel_size": 3, "dilation": 0}, ValueError,
     "`dilation` must be a positive integer, got 0"),
    ({"n": True, "kernel_size": 3}, TypeError, "`n` must be an integer, got True (bool)"),
    ({"n": 5, "kernel_size": False}, TypeError, "`kernel_size` must be an integer, got False"),
    ({"n": 5, "kernel_size": 3, "stride": True}, TypeError, "`stride` must be an integer"),
    ({"n": 5.0, "kernel_size": 3}, TypeError, "`n` must be an integer, got 5.0 (float)"),
    ({"n": 5, "kernel_size": 3, "padding": -1}, ValueError,
     "`padding` must be an integer >= 0, got -1"),
    ({"n": 5, "kernel_size": 3, "padding": True}, TypeError, "`padding` must be an int, a pair"),
    ({"n": 5, "kernel_size": 3, "padding": "foo"}, ValueError, "`padding` must be one of"),
    ({"n": 5, "kernel_size": 3, "padding": (1, 2, 3)}, ValueError,
     "`padding` must be an int, a (before, after) pair"),
])
@pytest.mark.parametrize("fn", [cv.output_size, cv.explain_output_size])
def test_argument_errors(fn, kwargs, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        fn(**kwargs)
