"""conv_steps / conv_plan: every frame's numbers agree with conv2d and with each other."""

import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convviz as cv

PAD = st.integers(0, 2)
PADDINGS = st.one_of(PAD, st.tuples(PAD, PAD), st.tuples(st.tuples(PAD, PAD), st.tuples(PAD, PAD)),
                     st.sampled_from(["valid", "same", "full"]))
PAIR = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


@st.composite
def step_cases(draw):
    channels = draw(st.sampled_from([None, 3]))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x_shape = (h, w) if channels is None else (h, w, channels)
    k_shape = (kh, kw) if channels is None else (kh, kw, channels)
    x = rng.integers(-4, 5, x_shape).astype(float)
    kernel = rng.integers(-3, 4, k_shape).astype(float)
    kwargs = dict(stride=draw(PAIR), dilation=draw(PAIR), padding=draw(PADDINGS),
                  padding_mode=draw(st.sampled_from(cv.PADDING_MODES)), flip=draw(st.booleans()))
    return x, kernel, draw(st.sampled_from([0.0, 1.5, -2.0])), kwargs


def _plan_or_reject(x, kernel, bias, kwargs):
    try:
        expected = cv.conv2d(x, kernel, bias, **kwargs)
    except ValueError:
        with pytest.raises(ValueError):
            cv.conv_plan(x, kernel, bias, **kwargs)
        assume(False)
    return cv.conv_plan(x, kernel, bias, **kwargs), expected


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


@settings(max_examples=120, deadline=None)
@given(step_cases())
def test_steps_agree_with_conv2d_and_with_themselves(case):
    x, kernel, bias, kwargs = case
    plan, expected = _plan_or_reject(x, kernel, bias, kwargs)
    steps = list(cv.conv_steps(x, kernel, bias, **kwargs))
    ho, wo = expected.shape[:2]
    assert plan.out_shape == (ho, wo) and plan.n_steps == len(steps) == ho * wo
    values = np.array([s.value for s in steps]).reshape(ho, wo)
    np.testing.assert_allclose(values, expected, atol=1e-9)

    (sh, sw), (dh, dw) = _pair(kwargs["stride"]), _pair(kwargs["dilation"])
    kh, kw = kernel.shape[:2]
    applied = kernel[::-1, ::-1] if kwargs["flip"] else kernel
    np.testing.assert_array_equal(plan.kernel, applied)
    for index, s in enumerate(steps):
        i, j = divmod(index, wo)
        assert s.index == index and s.out_pos == (i, j)  # row-major order
        assert s.origin == (i * sh, j * sw)
        assert s.rows == tuple(i * sh + u * dh for u in range(kh))  # taps `dilation` apart
        assert s.cols == tuple(j * sw + v * dw for v in range(kw))
        assert s.patch.shape == kernel.shape
        np.testing.assert_array_equal(s.patch, plan.padded[np.ix_(s.rows, s.cols)])
        np.testing.assert_array_equal(s.products, s.patch * applied)
        assert s.bias == bias
        if x.ndim == 3:
            assert s.channel_sums.shape == (3,)
            np.testing.assert_allclose(s.channel_sums, s.products.sum(axis=(0, 1)))
            assert s.channel_sums.sum() + s.bias == pytest.approx(s.value)
        else:
            assert s.channel_sums is None
            assert s.products.sum() + s.bias == pytest.approx(s.value)
        assert s.argmax is None and s.divisor is None
        step_again = plan.step(index)  # direct access builds the same frame
        assert step_again.value == s.value and step_again.origin == s.origin


@settings(max_examples=60, deadline=None)
@given(step_cases())
def test_plan_padded_and_mask(case):
    x, kernel, bias, kwargs = case
    plan, _ = _plan_or_reject(x, kernel, bias, kwargs)
    (t, b), (left, r) = plan.pads
    h, w = x.shape[:2]
    assert plan.padded.shape[:2] == (h + t + b, w + left + r) == plan.pad_mask.shape
    np.testing.assert_array_equal(plan.padded[t:t + h, left:left + w], x)
    assert plan.pad_mask.sum() == plan.pad_mask.size - h * w
    assert not plan.pad_mask[t:t + h, left:left + w].any()
    if kwargs["padding_mode"] == "zeros":
        assert (plan.padded[plan.pad_mask] == 0).all()


X5 = np.arange(25.0).reshape(5, 5)


def test_first_step_of_5x5_with_ones_kernel_by_hand():
    s = next(cv.conv_steps(X5, np.ones((3, 3))))
    assert s.out_pos == (0, 0) and s.origin == (0, 0)
    assert s.rows == (0, 1, 2) and s.cols == (0, 1, 2)
    np.testing.assert_array_equal(s.patch, [[0, 1, 2], [5, 6, 7], [10, 11, 12]])
    np.testing.assert_array_equal(s.products, s.patch)
    assert s.value == 54.0  # 0+1+2+5+6+7+10+11+12


def test_first_step_of_5x5_with_identity_kernel_and_padding():
    ident = np.zeros((3, 3))
    ident[1, 1] = 1
    steps = list(cv.conv_steps(X5, ident, padding=1))
    assert len(steps) == 25
    s = steps[0]
    np.testing.assert_array_equal(s.patch, [[0, 0, 0], [0, 0, 1], [0, 5, 6]])
    np.testing.assert_array_equal(s.products, [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert s.value == 0.0
    assert [t.value for t in steps] == list(X5.ravel())


def test_step_with_stride_dilation_and_bias_by_hand():
    plan = cv.conv_plan(X5, np.ones((2, 2)), 0.5, stride=2, dilation=2)
    assert plan.out_shape == (2, 2)
    s = plan.step(3)
    assert s.out_pos == (1, 1) and s.origin == (2, 2)
    assert s.rows == (2, 4) and s.cols == (2, 4)
    np.testing.assert_array_equal(s.patch, [[12, 14], [22, 24]])
    assert s.value == 72.5


def test_three_channel_step_by_hand():
    x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3)), 3 * np.ones((3, 3))], axis=-1)
    k = np.ones((3, 3, 3))
    k[..., 2] = -1
    (s,) = cv.conv_steps(x, k, 1.0)
    np.testing.assert_array_equal(s.channel_sums, [9.0, 18.0, -27.0])
    assert s.value == 1.0


def test_flip_step_uses_rotated_kernel():
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    s = cv.conv_plan(X5, k, flip=True).step(0)
    np.testing.assert_array_equal(s.products, s.patch * np.array([[4.0, 3.0], [2.0, 1.0]]))
    assert s.value == cv.conv2d(X5, k, flip=True)[0, 0]


@pytest.mark.parametrize("index", [-1, 9, 100])
def test_step_index_out_of_range(index):
    plan = cv.conv_plan(X5, np.ones((3, 3)))
    word = "an integer >= 0" if index < 0 else "in 0..8"
    with pytest.raises(ValueError, match=re.escape(f"`index` must be {word}, got {index}")):
        plan.step(index)


def test_step_index_must_be_an_integer():
    with pytest.raises(TypeError, match="`index` must be an integer"):
        cv.conv_plan(X5, np.ones((3, 3))).step(1.0)


def test_4d_x_is_refused():
    with pytest.raises(ValueError, match=re.escape("`x` must be (H, W) or (H, W, C) for stepping")):
        cv.conv_plan(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1)))


@pytest.mark.parametrize(("x_shape", "k_shape", "want"), [
    ((5, 5), (3, 3, 1), "(kH, kW)"),
    ((5, 5, 3), (3, 3), "(kH, kW, 3)"),
    ((5, 5, 3), (3, 3, 3, 2), "(kH, kW, 3)"),
])
def test_kernel_rank_mismatch(x_shape, k_shape, want):
    with pytest.raises(ValueError, match=re.escape(f"`kernel` must be {want} to step over")):
        list(cv.conv_steps(np.ones(x_shape), np.ones(k_shape)))


def test_array_bias_is_refused():
    with pytest.raises(TypeError, match=re.escape("`bias` must be a single number for stepping")):
        cv.conv_plan(X5, np.ones((3, 3)), np.array([1.0]))


def test_plan_reports_conv2d_errors():
    with pytest.raises(ValueError, match="`stride` must be a positive integer, got 0"):
        cv.conv_plan(X5, np.ones((3, 3)), stride=0)
    with pytest.raises(ValueError, match="no output along the rows"):
        cv.conv_plan(np.ones((2, 5)), np.ones((3, 3)))
