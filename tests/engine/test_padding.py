"""resolve_padding, same_padding_1d, pad_spatial and padding_mask."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.padding import (
    check_padding_mode,
    pad_spatial,
    padding_mask,
    padding_mode_problem,
    resolve_padding,
    same_padding_1d,
)


@pytest.mark.parametrize(("spec", "size", "kernel", "stride", "dilation", "expected"), [
    (0, (5, 5), (3, 3), (1, 1), (1, 1), ((0, 0), (0, 0))),
    (2, (5, 5), (3, 3), (1, 1), (1, 1), ((2, 2), (2, 2))),
    ((1, 2), (5, 5), (3, 3), (1, 1), (1, 1), ((1, 1), (2, 2))),
    ([1, 2], (5, 5), (3, 3), (1, 1), (1, 1), ((1, 1), (2, 2))),
    (((0, 1), (2, 3)), (5, 5), (3, 3), (1, 1), (1, 1), ((0, 1), (2, 3))),
    ([[0, 1], [2, 3]], (5, 5), (3, 3), (1, 1), (1, 1), ((0, 1), (2, 3))),
    ("valid", (5, 5), (3, 3), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ("full", (5, 5), (3, 2), (1, 1), (1, 1), ((2, 2), (1, 1))),
    ("full", (5, 5), (3, 2), (2, 2), (2, 3), ((4, 4), (3, 3))),
    ("same", (5, 5), (3, 3), (1, 1), (1, 1), ((1, 1), (1, 1))),
    ("same", (5, 5), (5, 1), (1, 1), (1, 1), ((2, 2), (0, 0))),
    # even kernels: the odd extra pixel goes to the bottom/right (TensorFlow/Keras)
    ("same", (6, 6), (2, 2), (1, 1), (1, 1), ((0, 1), (0, 1))),
    ("same", (6, 6), (4, 2), (1, 1), (1, 1), ((1, 2), (0, 1))),
    ("same", (7, 8), (4, 3), (2, 2), (1, 1), ((1, 2), (0, 1))),
    ("same", (5, 5), (3, 3), (1, 1), (2, 2), ((2, 2), (2, 2))),
    ("same", (6, 6), (3, 3), (3, 3), (1, 1), ((0, 0), (0, 0))),
    # stride 2: the split depends on n, not only on the kernel (TensorFlow's rule)
    ("same", (8, 8), (3, 4), (2, 2), (1, 1), ((0, 1), (1, 1))),
])
def test_resolve_padding_every_form(spec, size, kernel, stride, dilation, expected):
    assert resolve_padding(spec, size, kernel, stride, dilation) == expected


def test_resolve_padding_defaults_and_public_name():
    assert cv.resolve_padding is resolve_padding
    assert resolve_padding("same", (6, 6), (2, 2)) == ((0, 1), (0, 1))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 5), st.integers(1, 3))
def test_same_padding_follows_tensorflow(n, k, s, d):
    before, after = same_padding_1d(n, k, s, d)
    eff = d * (k - 1) + 1
    # TensorFlow's documented rule for the total
    total = max(eff - s, 0) if n % s == 0 else max(eff - n % s, 0)
    assert before + after == total
    assert after - before in (0, 1)  # the extra one at the end
    assert (n + total - eff) // s + 1 == math.ceil(n / s)


@pytest.mark.parametrize(("spec", "exc", "message"), [
    (-1, ValueError, "`padding` must be an integer >= 0, got -1"),
    ((1, -2), ValueError, "`padding[1]` must be an integer >= 0, got -2"),
    (((0, 1), (-1, 0)), ValueError, "`padding[1][0]` must be an integer >= 0, got -1"),
    (((0, 1), 2), ValueError, "`padding` must be (rows, cols) or ((top, bottom), (left, right))"),
    (((0, 1, 2), (0, 0)), ValueError, "`padding[0]` must be an int, a (before, after) pair"),
    ((1, 2, 3), ValueError, "`padding` must be an int, (rows, cols), ((top, bottom)"),
    ("foo", ValueError, "`padding` must be one of 'valid', 'same', 'full', got 'foo'"),
    ("SAME", ValueError, "`padding` must be one of 'valid', 'same', 'full'"),
    (1.5, TypeError, "`padding` must be an int, a pair, or one of"),
    (True, TypeError, "`padding` must be an int, a pair, or one of"),
    (None, TypeError, "`padding` must be an int, a pair, or one of"),
    ((1.0, 1), TypeError, "`padding[0]` must be an integer, got 1.0"),
])
def test_resolve_padding_errors(spec, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        resolve_padding(spec, (5, 5), (3, 3))


# --- pad_spatial ----------------------------------------------------------------------------

ROW = np.array([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(("mode", "expected"), [
    ("zeros", [0, 0, 1, 2, 3, 0, 0]),
    ("reflect", [3, 2, 1, 2, 3, 2, 1]),  # the edge itself is not repeated
    ("replicate", [1, 1, 1, 2, 3, 3, 3]),
    ("circular", [2, 3, 1, 2, 3, 1, 2]),
])
def test_pad_spatial_by_hand(mode, expected):
    np.testing.assert_array_equal(pad_spatial(ROW, ((0, 0), (2, 2)), mode), [expected])


def test_zeros_mode_fill_value():
    out = pad_spatial(ROW, ((1, 0), (0, 1)), "zeros", fill=-np.inf)
    np.testing.assert_array_equal(out, [[-np.inf] * 4, [1, 2, 3, -np.inf]])


NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge",
              "circular": "wrap"}


@pytest.mark.parametrize("mode", cv.PADDING_MODES)
@pytest.mark.parametrize("shape", [(3, 4), (3, 4, 2), (2, 3, 4, 2)])
def test_pad_spatial_matches_np_pad(mode, shape):
    x = np.arange(float(np.prod(shape))).reshape(shape)
    pads = ((2, 1), (0, 3))
    width = [(0, 0)] * x.ndim
    ax = 1 if x.ndim == 4 else 0
    width[ax], width[ax + 1] = pads
    np.testing.assert_array_equal(pad_spatial(x, pads, mode), np.pad(x, width, NUMPY_MODE[mode]))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_spatial_matches_torch(mode):
    torch = pytest.importorskip("torch")
    x = np.arange(12.0).reshape(3, 4)
    pads = ((2, 1), (0, 3))
    ref = torch.nn.functional.pad(torch.tensor(x)[None, None], (0, 3, 2, 1), mode=mode)[0, 0]
    np.testing.assert_array_equal(pad_spatial(x, pads, mode), ref.numpy())


def test_no_padding_returns_the_input_unchanged():
    x = np.ones((2, 3))
    for mode in cv.PADDING_MODES:
        np.testing.assert_array_equal(pad_spatial(x, ((0, 0), (0, 0)), mode), x)


def test_mode_limits_are_pytorchs():
    x = np.ones((3, 4))
    assert pad_spatial(x, ((2, 2), (3, 3)), "reflect").shape == (7, 10)  # pad < size
    assert pad_spatial(x, ((3, 3), (4, 4)), "circular").shape == (9, 12)  # pad <= size
    assert pad_spatial(x, ((9, 9), (9, 9)), "replicate").shape == (21, 22)  # no limit
    with pytest.raises(ValueError, match=re.escape(
            "`padding` of 3 is too large for padding_mode='reflect' on an input with 3 rows: "
            "reflect padding must be less than 3")):
        pad_spatial(x, ((0, 3), (0, 0)), "reflect")
    with pytest.raises(ValueError, match=re.escape("with 4 columns: reflect padding must be")):
        pad_spatial(x, ((0, 0), (4, 0)), "reflect")
    with pytest.raises(ValueError, match=re.escape(
            "`padding` of 5 is too large for padding_mode='circular' on an input with 4 "
            "columns: circular padding can be at most 4")):
        pad_spatial(x, ((0, 0), (0, 5)), "circular")
    with pytest.raises(ValueError, match="`padding_mode` must be one of 'zeros', 'reflect'"):
        pad_spatial(x, ((1, 1), (1, 1)), "mirror")


def test_batch_axis_is_not_padded():
    x = np.ones((2, 3, 3, 1))
    assert pad_spatial(x, ((1, 1), (2, 2)), "zeros").shape == (2, 5, 7, 1)
    assert pad_spatial(x[0], ((1, 1), (2, 2)), "zeros").shape == (5, 7, 1)


# --- padding_mask ---------------------------------------------------------------------------

def test_padding_mask_by_hand():
    mask = padding_mask((1, 2), ((1, 0), (0, 1)))
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, [[True, True, True], [False, False, True]])
    assert not padding_mask((2, 3), ((0, 0), (0, 0))).any()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), *[st.integers(0, 3)] * 4)
def test_padding_mask_marks_exactly_the_border(h, w, t, b, left, r):
    pads = ((t, b), (left, r))
    mask = padding_mask((h, w), pads)
    padded = pad_spatial(np.ones((h, w)), pads, "zeros")
    assert mask.shape == padded.shape
    np.testing.assert_array_equal(mask, padded == 0)


def test_same_padding_over_a_grid_is_tensorflows_rule():
    """Every n, k, s, d up to small sizes: TensorFlow's total, the extra cell at the end."""
    for n in range(1, 17):
        for k in range(1, 8):
            for s in range(1, 5):
                for d in range(1, 4):
                    eff = d * (k - 1) + 1
                    total = max(eff - s, 0) if n % s == 0 else max(eff - n % s, 0)
                    before, after = same_padding_1d(n, k, s, d)
                    assert (before, after) == (total // 2, total - total // 2), (n, k, s, d)
    # the stride-1 rule ("an even kernel pads one more at the end") is not the stride-2 one
    assert same_padding_1d(8, 4, 1) == (1, 2) and same_padding_1d(8, 4, 2) == (1, 1)


# PyTorch 2.13, nn.Conv2d(padding=p, padding_mode=...) on a 3x3 input: reflect takes p <= 2,
# circular p <= 3, zeros and replicate any p (checked by hand against torch).
@pytest.mark.parametrize(("mode", "largest"), [("reflect", 2), ("circular", 3),
                                               ("zeros", 9), ("replicate", 9)])
def test_padding_mode_problem_is_pytorchs_limit(mode, largest):
    for p in range(0, 10):
        problem = padding_mode_problem((3, 3), ((p, p), (p, p)), mode)
        assert (problem is None) == (p <= largest), (mode, p, problem)
        if problem:
            with pytest.raises(ValueError, match=re.escape(problem)):
                pad_spatial(np.ones((3, 3)), ((p, p), (p, p)), mode)
            with pytest.raises(ValueError, match=re.escape(problem)):
                check_padding_mode((3, 3), ((p, p), (p, p)), mode)
    assert "3 rows: reflect padding must be less than 3" in \
        padding_mode_problem((3, 3), ((5, 5), (5, 5)), "reflect")
    assert "4 columns" in padding_mode_problem((9, 4), ((0, 0), (0, 5)), "circular")
