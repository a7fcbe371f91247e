"""conv_transpose2d: the loop reference, torch as the outside oracle, the adjoint of conv2d,
the equivalent direct convolution, and one test per error message."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.transpose import (
    conv_transpose2d,
    conv_transpose2d_reference,
    transpose_as_conv,
    transpose_output_size,
)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def transpose_cases(draw, two_d=False):
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1))
                           for s, d in zip(stride, dilation, strict=True))
    if two_d:
        x, kernel, bias = rng.normal(size=(h, w)), rng.normal(size=(kh, kw)), None
    else:
        n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
        x = rng.normal(size=(n, h, w, c_in))
        kernel = rng.normal(size=(kh, kw, c_in, c_out))
        bias = rng.normal(size=c_out)
    return x, kernel, bias, dict(stride=stride, padding=padding,
                                 output_padding=output_padding, dilation=dilation)


def _fits(x, kernel, kwargs):
    h, w = (x.shape if x.ndim == 2 else x.shape[-3:-1])
    return all(transpose_output_size(n, k, stride=s, padding=p, output_padding=op,
                                     dilation=d) >= 1
               for n, k, s, p, op, d in zip((h, w), kernel.shape[:2], kwargs["stride"],
                                            kwargs["padding"], kwargs["output_padding"],
                                            kwargs["dilation"], strict=True))


@SETTINGS
@given(transpose_cases())
def test_matches_torch_and_the_loop_reference(case):
    torch = pytest.importorskip("torch")
    x, kernel, bias, kwargs = case
    assume(_fits(x, kernel, kwargs))
    out = conv_transpose2d(x, kernel, bias, **kwargs)
    ref = torch.nn.functional.conv_transpose2d(
        torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(kernel.transpose(2, 3, 0, 1).copy()),
        torch.tensor(bias), **kwargs).permute(0, 2, 3, 1).numpy()
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, atol=1e-9)
    np.testing.assert_allclose(conv_transpose2d_reference(x, kernel, bias, **kwargs), out,
                               atol=1e-9)


@SETTINGS
@given(transpose_cases(two_d=True))
def test_equals_zero_insertion_padding_and_a_flipped_direct_convolution(case):
    x, kernel, _, kwargs = case
    assume(_fits(x, kernel, kwargs))
    t = transpose_as_conv(x, kernel, **kwargs)
    direct = cv.conv2d(t.padded, t.kernel, dilation=t.dilation)
    np.testing.assert_allclose(direct, conv_transpose2d(x, kernel, **kwargs), atol=1e-9)
    np.testing.assert_array_equal(t.inserted[::kwargs["stride"][0], ::kwargs["stride"][1]], x)


@SETTINGS
@given(transpose_cases())
def test_it_is_the_adjoint_of_conv2d(case):
    """<conv2d(x), y> == <x, conv_transpose2d(y)> for the same kernel and geometry (when the
    convolution maps the transposed output's size back to y's: output_padding < stride)."""
    y, kernel, _, kwargs = case
    assume(_fits(y, kernel, kwargs))
    out = conv_transpose2d(y, kernel, **kwargs)  # the size of the convolution's input
    rng = np.random.default_rng(0)
    x = rng.normal(size=out.shape)
    conv = cv.conv2d(x, kernel.transpose(0, 1, 3, 2), stride=kwargs["stride"],
                     padding=kwargs["padding"], dilation=kwargs["dilation"])
    if all(op < s for op, s in zip(kwargs["output_padding"], kwargs["stride"], strict=True)):
        assert conv.shape == y.shape
    assume(conv.shape == y.shape)  # an output_padding below the dilation only may not
    np.testing.assert_allclose(np.vdot(conv, y), np.vdot(x, out), rtol=1e-9, atol=1e-9)


def test_each_input_cell_stamps_the_kernel():
    x = np.zeros((3, 3))
    x[1, 1] = 2.0
    k = np.arange(1.0, 10.0).reshape(3, 3)
    out = conv_transpose2d(x, k, stride=2)
    assert out.shape == (7, 7)
    np.testing.assert_array_equal(out[2:5, 2:5], 2 * k)
    assert out.sum() == 2 * k.sum()


def test_output_padding_tells_apart_the_inputs_a_strided_convolution_merges():
    k = np.ones((3, 3))
    assert cv.conv2d(np.ones((7, 7)), k, stride=2, padding=1).shape == (4, 4)
    assert cv.conv2d(np.ones((8, 8)), k, stride=2, padding=1).shape == (4, 4)
    y = np.ones((4, 4))
    assert conv_transpose2d(y, k, stride=2, padding=1).shape == (7, 7)
    assert conv_transpose2d(y, k, stride=2, padding=1, output_padding=1).shape == (8, 8)


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(stride=2, output_padding=2), "`output_padding` must be smaller than `stride` or "
                                       "`dilation` along the rows \\(stride 2, dilation 1: "
                                       "at most 1\\), got 2"),
    (dict(output_padding=1), "`output_padding` must be smaller"),
    (dict(output_padding=(0, 3), stride=(1, 3)), "along the columns"),
    (dict(padding=3), "`padding` 3 crops away every row"),
    (dict(padding=-1), "`padding`"),
    (dict(stride=0), "`stride`"),
])
def test_errors_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        conv_transpose2d(np.ones((2, 2)), np.ones((3, 3)), **kwargs)


@pytest.mark.parametrize(("x", "k", "match"), [
    (np.ones((2, 2)), np.ones((3, 3, 1, 1)), "must be 2-D \\(kH, kW\\) for a 2-D `x`"),
    (np.ones((2, 2, 3)), np.ones((3, 3)), "must be \\(kH, kW, C_in, C_out\\)"),
    (np.ones((2, 2, 3)), np.ones((3, 3, 2, 1)), "has 2 input channels"),
])
def test_layouts_are_checked(x, k, match):
    with pytest.raises(ValueError, match=match):
        conv_transpose2d(x, k)


def test_bias_is_checked_and_broadcast():
    out = conv_transpose2d(np.ones((2, 2, 1)), np.ones((1, 1, 1, 2)), bias=1.0)
    np.testing.assert_array_equal(out, np.full((2, 2, 2), 2.0))
    with pytest.raises(ValueError, match="`bias` must be a scalar or have shape \\(2,\\)"):
        conv_transpose2d(np.ones((2, 2, 1)), np.ones((1, 1, 1, 2)), bias=[1.0, 2.0, 3.0])
