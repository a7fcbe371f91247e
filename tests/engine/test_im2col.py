"""The one im2col/col2im core: loop references, the adjoint, and its users."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
import convviz.engine.conv as conv_module
import convviz.nn.conv_layer as conv_layer_module
from convviz.engine.im2col import Windows, channels_first_padded, col2im, im2col
from convviz.engine.padding import pad_spatial
from convviz.nn import AvgPool2D, Conv2D, MaxPool2D


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def im2col_loops(xc, size, stride, dilation, out_hw, rows=None):
    """Loop reference: element [(i * kW + j) * C + c, (b * R + r) * W' + s]."""
    c, n = xc.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), wo = size, stride, dilation, out_hw[1]
    r0, r1 = (0, out_hw[0]) if rows is None else rows
    cols = np.zeros((kh * kw * c, n * (r1 - r0) * wo))
    for i in range(kh):
        for j in range(kw):
            for ch in range(c):
                for b in range(n):
                    for r in range(r0, r1):
                        for s in range(wo):
                            cols[(i * kw + j) * c + ch, (b * (r1 - r0) + r - r0) * wo + s] = \
                                xc[ch, b, r * sh + i * dh, s * sw + j * dw]
    return cols


def col2im_loops(cols, size, stride, dilation, out_hw, padded_shape):
    c, n = padded_shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = size, stride, dilation, out_hw
    out = np.zeros(padded_shape)
    for i in range(kh):
        for j in range(kw):
            for ch in range(c):
                for b in range(n):
                    for r in range(ho):
                        for s in range(wo):
                            out[ch, b, r * sh + i * dh, s * sw + j * dw] += \
                                cols[(i * kw + j) * c + ch, (b * ho + r) * wo + s]
    return out


@st.composite
def geometries(draw):
    c, n = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    out_hw = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    # the smallest padded input these windows fit, plus a spare row/column that none reads
    hp = (out_hw[0] - 1) * stride[0] + (size[0] - 1) * dilation[0] + 1 + draw(st.integers(0, 1))
    wp = (out_hw[1] - 1) * stride[1] + (size[1] - 1) * dilation[1] + 1 + draw(st.integers(0, 1))
    return (c, n, hp, wp), Windows(size, stride, out_hw, dilation)


@settings(max_examples=60, deadline=None)
@given(geometries(), st.integers(0, 2**32 - 1))
def test_im2col_and_col2im_match_the_loops(geometry, seed):
    shape, win = geometry
    rng = np.random.default_rng(seed)
    xc = rng.standard_normal(shape)
    args = (win.size, win.stride, win.dilation, win.out_hw)
    np.testing.assert_array_equal(im2col(xc, win), im2col_loops(xc, *args))
    cols = rng.standard_normal((np.prod(win.size) * shape[0], shape[1] * np.prod(win.out_hw)))
    np.testing.assert_allclose(col2im(cols, win, shape), col2im_loops(cols, *args, shape),
                               rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(geometries(), st.data())
def test_a_block_of_rows_is_those_rows_and_lands_in_the_buffer(geometry, data):
    shape, win = geometry
    r0 = data.draw(st.integers(0, win.out_hw[0] - 1))
    r1 = data.draw(st.integers(r0 + 1, win.out_hw[0]))
    xc = np.random.default_rng(r0).standard_normal(shape)
    buffer = np.full(im2col(xc, win).size + 3, np.nan)
    cols = im2col(xc, win, rows=(r0, r1), buffer=buffer)
    assert np.shares_memory(cols, buffer)
    np.testing.assert_array_equal(
        cols, im2col_loops(xc, win.size, win.stride, win.dilation, win.out_hw, (r0, r1)))


@settings(max_examples=40, deadline=None)
@given(geometries(), st.integers(0, 2**32 - 1))
def test_col2im_is_the_adjoint_of_im2col(geometry, seed):
    # <im2col(x), cols> == <x, col2im(cols)>: col2im is the input gradient of im2col
    shape, win = geometry
    rng = np.random.default_rng(seed)
    xc = rng.standard_normal(shape)
    cols = rng.standard_normal(im2col(xc, win).shape)
    assert np.vdot(im2col(xc, win), cols) == pytest.approx(np.vdot(xc, col2im(cols, win, shape)))


def test_taps_follow_the_axes_and_write_through():
    win = Windows((2, 2), stride=(2, 2), out_hw=(2, 2))
    a = np.zeros((1, 4, 4, 3))  # (N, H, W, C)
    views = list(win.taps(a))
    assert [v.shape for v in views] == [(1, 2, 2, 3)] * 4
    views[3][...] = 1  # tap (1, 1): the bottom-right cell of every window
    assert a[0, :, :, 0].tolist() == [[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]
    assert [v.shape for v in win.taps(np.zeros((3, 1, 4, 4)), axis=2)] == [(3, 1, 2, 2)] * 4


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_channels_first_padded_equals_pad_spatial(rng, mode):
    x = rng.standard_normal((2, 5, 4, 3))
    pads = ((1, 2), (2, 1))
    expected = pad_spatial(x, pads, mode).transpose(3, 0, 1, 2)
    got = channels_first_padded(x, pads, mode)
    assert got.flags.c_contiguous
    np.testing.assert_array_equal(got, expected)


def test_channels_first_padded_takes_no_copy_of_a_channels_first_input(rng):
    x = np.ascontiguousarray(rng.standard_normal((3, 2, 4, 4))).transpose(1, 2, 3, 0)
    assert np.shares_memory(channels_first_padded(x, ((0, 0), (0, 0))), x)


def test_conv2d_and_conv2d_layer_and_pooling_run_on_the_one_core(rng, monkeypatch):
    calls = []

    def spy(name, fn):
        def wrapped(*args, **kwargs):
            calls.append(name)
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(conv_module, "im2col", spy("conv2d", conv_module.im2col))
    monkeypatch.setattr(conv_layer_module, "im2col", spy("forward", conv_layer_module.im2col))
    monkeypatch.setattr(conv_layer_module, "col2im", spy("backward", conv_layer_module.col2im))
    monkeypatch.setattr(Windows, "taps", spy("taps", Windows.taps))
    x = rng.standard_normal((1, 6, 6, 2))
    cv.conv2d(x, rng.standard_normal((3, 3, 2, 4)))
    for stride in (2, 1):
        layer = Conv2D(4, 3, stride=stride)
        layer.build((6, 6, 2), dtype=np.float64)
        layer.backward(layer.forward(x))
    assert [c for c in calls if c != "taps"] == ["conv2d", "forward", "backward",
                                                 "forward", "backward"]
    del calls[:]
    cv.pool2d(x, 2)
    for pool in (MaxPool2D(2), AvgPool2D(2)):
        pool.build((6, 6, 2), dtype=np.float64)
        pool.backward(pool.forward(x))
    assert calls.count("taps") >= 5
