"""Max, average and global pooling; the step view; PyTorch as the outside oracle."""

import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.pooling import pool_padding_problem

# The teaching example: 2x2 max pooling with stride 2 keeps one value in four.
X4 = np.array([[1, 3, 2, 1],
               [4, 2, 0, 1],
               [5, 1, 7, 2],
               [0, 2, 3, 8]])


def test_teaching_max_pool_keeps_one_value_in_four():
    out = cv.pool2d(X4, 2, stride=2)
    np.testing.assert_array_equal(out, [[4, 2], [5, 8]])
    assert out.size * 4 == X4.size
    np.testing.assert_array_equal(cv.pool2d(X4, 2), out)  # stride defaults to the pool size


def test_teaching_avg_pool_by_hand():
    # (1+3+4+2)/4, (2+1+0+1)/4, (5+1+0+2)/4, (7+2+3+8)/4
    np.testing.assert_array_equal(cv.pool2d(X4, 2, mode="avg"), [[2.5, 1.0], [2.0, 5.0]])
    np.testing.assert_array_equal(cv.pool2d(X4, 2, mode="average"), [[2.5, 1.0], [2.0, 5.0]])
    np.testing.assert_array_equal(cv.pool2d(X4, 2, mode="mean"), [[2.5, 1.0], [2.0, 5.0]])


def test_overlapping_3x3_stride_1_by_hand():
    np.testing.assert_array_equal(cv.pool2d(X4, 3, stride=1), [[7, 7], [7, 8]])


def test_max_pool_pads_with_minus_infinity():
    x = -1.0 - np.arange(9.0).reshape(3, 3)  # all negative
    out = cv.pool2d(x, 3, stride=1, padding=1)
    assert out.shape == (3, 3) and (out < 0).all()
    assert out[0, 0] == -1.0 and out[2, 2] == -5.0
    out = cv.pool2d(x, 2, padding=1, ceil_mode=True)
    assert (out < 0).all()


def test_count_include_pad_by_hand():
    x = np.ones((2, 2))
    with_pad = cv.pool2d(x, 2, stride=1, padding=1, mode="avg")
    np.testing.assert_array_equal(with_pad, [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])
    np.testing.assert_array_equal(
        cv.pool2d(x, 2, stride=1, padding=1, mode="avg", count_include_pad=False), np.ones((3, 3)))


def test_ceil_mode_keeps_the_partial_window():
    x = np.arange(25.0).reshape(5, 5)
    np.testing.assert_array_equal(cv.pool2d(x, 2), [[6, 8], [16, 18]])
    out = cv.pool2d(x, 2, ceil_mode=True)
    np.testing.assert_array_equal(out, [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    avg = cv.pool2d(x, 2, ceil_mode=True, mode="avg")
    assert avg[2, 2] == 24.0 and avg[0, 2] == (4 + 9) / 2  # divides by the real cells only


def test_dtype_and_layouts():
    x32 = np.ones((4, 4, 3), np.float32)
    assert cv.pool2d(x32, 2).dtype == np.float32
    assert cv.pool2d(x32, 2, mode="avg").dtype == np.float32
    assert cv.pool2d(x32, 2).shape == (2, 2, 3)
    assert cv.pool2d(np.ones((2, 4, 4, 3)), 2).shape == (2, 2, 2, 3)
    assert cv.pool2d(np.ones((4, 4), int), 2).dtype == np.float64
    assert cv.pool2d(np.ones((6, 4)), (3, 2)).shape == (2, 2)


def test_channels_are_pooled_separately():
    x = np.stack([X4, -X4, 10 * X4], axis=-1)
    out = cv.pool2d(x, 2)
    np.testing.assert_array_equal(out[..., 0], [[4, 2], [5, 8]])
    np.testing.assert_array_equal(out[..., 1], [[-1, 0], [0, -2]])
    np.testing.assert_array_equal(out[..., 2], [[40, 20], [50, 80]])


# --- the vectorised code against the loop reference and output_size -------------------------

@st.composite
def pool_cases(draw, two_d=False, symmetric=False):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    pool = (kh, kw) if kh != kw or draw(st.booleans()) else kh
    stride = draw(st.one_of(st.none(), st.integers(1, 4),
                            st.tuples(st.integers(1, 4), st.integers(1, 4))))
    ph, pw = st.integers(0, kh // 2), st.integers(0, kw // 2)
    options = [st.tuples(ph, pw)]
    if not symmetric:
        options += [st.tuples(st.tuples(ph, ph), st.tuples(pw, pw)),
                    st.sampled_from(["valid", "same"]), st.integers(0, min(kh, kw) // 2)]
    padding = draw(st.one_of(*options))
    shape = (h, w) if two_d else draw(st.sampled_from([(h, w), (h, w, 2), (2, h, w, 3)]))
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).normal(size=shape)
    if draw(st.booleans()):
        x = np.round(x)  # ties, for argmax
    kwargs = dict(stride=stride, padding=padding, mode=draw(st.sampled_from(["max", "avg"])),
                  ceil_mode=draw(st.booleans()), count_include_pad=draw(st.booleans()))
    return x, pool, kwargs


def _axis_spec(padding, axis):
    return padding if isinstance(padding, (str, int)) else padding[axis]


def _expected_shape(x, pool, kwargs):
    hw = x.shape[:2] if x.ndim < 4 else x.shape[1:3]
    pool = pool if isinstance(pool, tuple) else (pool, pool)
    stride = pool if kwargs["stride"] is None else kwargs["stride"]
    stride = stride if isinstance(stride, tuple) else (stride, stride)
    return tuple(cv.output_size(hw[a], pool[a], stride=stride[a], ceil_mode=kwargs["ceil_mode"],
                                padding=_axis_spec(kwargs["padding"], a)) for a in (0, 1))


@settings(max_examples=150, deadline=None)
@given(pool_cases())
def test_pool2d_matches_reference_and_output_size(case):
    x, pool, kwargs = case
    try:
        out = cv.pool2d(x, pool, **kwargs)
    except ValueError:
        with pytest.raises(ValueError, match="no output"):
            _expected_shape(x, pool, kwargs)
        with pytest.raises(ValueError):
            cv.pool2d_reference(x, pool, **kwargs)
        return
    hw = _expected_shape(x, pool, kwargs)
    lead, tail = (x.shape[:1] if x.ndim == 4 else ()), (x.shape[-1:] if x.ndim > 2 else ())
    assert out.shape == lead + hw + tail
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, cv.pool2d_reference(x, pool, **kwargs), rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(pool_cases(symmetric=True))
def test_pool2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    fn = torch.nn.functional
    x, pool, kwargs = case
    try:
        out = cv.pool2d(x, pool, **kwargs)
    except ValueError:
        assume(False)
    x4 = x.reshape(1, *x.shape, 1) if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
    xt = torch.tensor(x4).permute(0, 3, 1, 2)
    stride = pool if kwargs["stride"] is None else kwargs["stride"]
    common = dict(kernel_size=pool, stride=stride, padding=kwargs["padding"],
                  ceil_mode=kwargs["ceil_mode"])
    if kwargs["mode"] == "max":
        ref = fn.max_pool2d(xt, **common)
    else:
        ref = fn.avg_pool2d(xt, count_include_pad=kwargs["count_include_pad"], **common)
    ref = ref.permute(0, 2, 3, 1).numpy().reshape(out.shape)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


# --- global pooling -------------------------------------------------------------------------

def test_global_pool_shapes_and_values():
    x = np.arange(24.0).reshape(2, 3, 4)  # (H, W, C)
    assert cv.global_pool(x[..., 0]).shape == ()
    assert cv.global_pool(x[..., 0]) == 20.0
    np.testing.assert_array_equal(cv.global_pool(x), [20, 21, 22, 23])
    np.testing.assert_array_equal(cv.global_pool(x, "avg"), [10, 11, 12, 13])
    np.testing.assert_array_equal(cv.global_pool(x, "average"), [10, 11, 12, 13])
    batch = np.stack([x, -x])
    out = cv.global_pool(batch, "max")
    assert out.shape == (2, 4)
    np.testing.assert_array_equal(out, [[20, 21, 22, 23], [0, -1, -2, -3]])
    np.testing.assert_array_equal(cv.global_pool(batch, "avg")[1], [-10, -11, -12, -13])


def test_global_pool_equals_a_pool_over_the_whole_input():
    x = np.random.default_rng(0).normal(size=(5, 7, 3))
    for mode in ("max", "avg"):
        np.testing.assert_allclose(cv.global_pool(x, mode), cv.pool2d(x, (5, 7), mode=mode)[0, 0])


# --- pool_steps -----------------------------------------------------------------------------

@settings(max_examples=120, deadline=None)
@given(pool_cases(two_d=True))
def test_pool_steps_agree_with_pool2d(case):
    x, pool, kwargs = case
    try:
        expected = cv.pool2d(x, pool, **kwargs)
    except ValueError:
        assume(False)
    plan = cv.pool_plan(x, pool, **kwargs)
    steps = list(cv.pool_steps(x, pool, **kwargs))
    assert plan.out_shape == expected.shape and len(steps) == plan.n_steps == expected.size
    np.testing.assert_allclose(np.array([s.value for s in steps]).reshape(expected.shape),
                               expected, rtol=1e-12)
    kh, kw = pool if isinstance(pool, tuple) else (pool, pool)
    for index, s in enumerate(steps):
        assert s.index == index and s.out_pos == divmod(index, expected.shape[1])
        assert s.patch.shape == (kh, kw)
        if kwargs["mode"] == "max":
            assert s.divisor is None
            assert s.patch[s.argmax] == s.patch.max() == s.value
            first = np.flatnonzero(s.patch.ravel() == s.patch.max())[0]
            assert s.argmax == divmod(int(first), kw)  # first maximum in row-major order
            assert not plan.pad_mask[s.rows[s.argmax[0]], s.cols[s.argmax[1]]]
        else:
            assert s.argmax is None
            real = (~plan.pad_mask[np.ix_(s.rows, s.cols)]).sum()
            if not kwargs["count_include_pad"]:
                assert s.divisor == real
            assert real <= s.divisor <= kh * kw
            assert s.value == pytest.approx(s.patch.sum() / s.divisor)


def test_pool_steps_teaching_example():
    steps = list(cv.pool_steps(X4, 2))
    assert [s.value for s in steps] == [4.0, 2.0, 5.0, 8.0]
    assert [s.argmax for s in steps] == [(1, 0), (0, 0), (0, 0), (1, 1)]
    assert [s.origin for s in steps] == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert steps[1].rows == (0, 1) and steps[1].cols == (2, 3)


def test_pool_steps_tie_takes_the_first_and_avg_divisor():
    (s,) = cv.pool_steps(np.array([[1, 5], [5, 2]]), 2)
    assert s.argmax == (0, 1)
    steps = list(cv.pool_steps(np.ones((3, 3)), 2, mode="avg", ceil_mode=True))
    assert [s.divisor for s in steps] == [4, 2, 2, 1]
    assert all(s.value == 1.0 for s in steps)
    steps = list(cv.pool_steps(np.ones((2, 2)), 2, stride=1, padding=1, mode="avg"))
    assert [s.divisor for s in steps] == [4] * 9
    assert steps[0].value == 0.25


def test_pool_plan_max_padding_shows_minus_infinity():
    plan = cv.pool_plan(np.zeros((2, 2)), 2, padding=1)
    assert plan.padded.shape == (4, 4)
    assert np.isneginf(plan.padded[plan.pad_mask]).all()
    assert (plan.padded[~plan.pad_mask] == 0).all()


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("x", "args", "kwargs", "exc", "message"), [
    (X4, (2,), {"mode": "median"}, ValueError, "`mode` must be one of 'max', 'avg', got 'median'"),
    (X4, (2,), {"mode": 1}, TypeError, "`mode` must be one of 'max', 'avg'"),
    (X4, (0,), {}, ValueError, "`pool_size` must be a positive integer, got 0"),
    (X4, (2,), {"stride": 0}, ValueError, "`stride` must be a positive integer, got 0"),
    (X4, (3,), {"padding": 2}, ValueError,
     "`padding` of 2 is too large for a pool of 3 along the rows"),
    (X4, ((2, 3),), {"padding": ((0, 1), (0, 2))}, ValueError,
     "`padding` of 2 is too large for a pool of 3 along the columns"),
    (X4, (5,), {}, ValueError, "no output along the rows: the kernel, 5 wide"),
    (np.ones((5, 2)), (3,), {}, ValueError, "no output along the columns"),
    (np.ones(4), (2,), {}, ValueError, "`x` must be 2-D or 3-D or 4-D"),
])
@pytest.mark.parametrize("fn", [cv.pool2d, cv.pool2d_reference, cv.pool_plan])
def test_error_messages(fn, x, args, kwargs, exc, message):
    if fn is cv.pool_plan and np.ndim(x) != 2:
        message = "`x` must be a 2-D (H, W) grid for stepping"
    with pytest.raises(exc, match=re.escape(message)):
        fn(x, *args, **kwargs)


def test_pool_steps_refuses_channels_and_batches():
    for shape in [(4, 4, 1), (1, 4, 4, 1)]:
        with pytest.raises(ValueError, match=re.escape("`x` must be a 2-D (H, W) grid")):
            list(cv.pool_steps(np.ones(shape), 2))


def test_pool_step_index_out_of_range():
    with pytest.raises(ValueError, match=re.escape("`index` must be in 0..3, got 4")):
        cv.pool_plan(X4, 2).step(4)


def test_global_pool_errors():
    with pytest.raises(ValueError, match="`mode` must be one of 'max', 'avg', got 'median'"):
        cv.global_pool(X4, "median")
    with pytest.raises(ValueError, match="`x` must not be empty"):
        cv.global_pool(np.ones((0, 3)))


# PyTorch 2.13's max_pool2d / avg_pool2d: padding at most kernel_size // 2, dilation or not
# (checked by hand: k=2 p=1 ok, k=2 p=2 refused, k=3 p=2 refused, k=4 p=2 ok).
@pytest.mark.parametrize(("k", "p", "ok"), [(1, 0, True), (1, 1, False), (2, 1, True),
                                            (2, 2, False), (3, 1, True), (3, 2, False),
                                            (4, 2, True), (4, 3, False)])
def test_pool_padding_problem_is_pytorchs_rule(k, p, ok):
    problem = pool_padding_problem(p, k)
    assert (problem is None) == ok
    if not ok:
        assert f"at most half the pool size, {k} // 2 = {k // 2}" in problem
        with pytest.raises(ValueError, match=re.escape(problem.split(":")[1])):
            cv.pool2d(np.ones((6, 6)), k, stride=1, padding=p)
