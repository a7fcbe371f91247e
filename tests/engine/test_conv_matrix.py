"""conv_matrix: C @ x == conv2d(x), and C.T is the transposed convolution."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.conv_matrix import conv_matrix
from convviz.engine.transpose import conv_transpose2d


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), kh=st.integers(1, 3), kw=st.integers(1, 3),
       s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 2), seed=st.integers(0, 999))
def test_matrix_times_input_is_the_convolution_and_its_transpose_the_transposed(
        h, w, kh, kw, s, p, d, seed):
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    try:
        y = cv.conv2d(x, k, stride=s, padding=p, dilation=d)
    except ValueError:
        with pytest.raises(ValueError, match="no output"):
            conv_matrix((h, w), k, stride=s, padding=p, dilation=d)
        return
    c = conv_matrix((h, w), k, stride=s, padding=p, dilation=d)
    assert c.shape == (y.size, x.size)
    np.testing.assert_allclose(c @ x.ravel(), y.ravel(), atol=1e-12)
    # the output_padding that gives back the input's size
    ops = [n + 2 * p - d * (kk - 1) - 1 - (m - 1) * s for n, kk, m in zip((h, w), (kh, kw),
                                                                           y.shape, strict=True)]
    g = rng.normal(size=y.shape)
    back = conv_transpose2d(g, k, stride=s, padding=p, dilation=d, output_padding=tuple(ops))
    np.testing.assert_allclose(back.ravel(), c.T @ g.ravel(), atol=1e-12)


def test_the_4x4_input_3x3_kernel_matrix():
    k = np.arange(1.0, 10.0).reshape(3, 3)
    c = conv_matrix((4, 4), k)
    assert c.shape == (4, 16)
    np.testing.assert_array_equal(c[0], [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(c[3], [0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9])


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    (((0, 4), np.ones((3, 3))), {}, "`input_shape\\[0\\]`"),
    (((4, 4), np.ones(3)), {}, "`kernel`"),
    (((4, 4), np.ones((3, 3))), dict(padding=-1), "`padding`"),
    (((2, 4), np.ones((3, 3))), {}, "`kernel` spans 3 rows"),
])
def test_errors_name_the_argument(args, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        conv_matrix(*args, **kwargs)
