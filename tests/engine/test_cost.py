"""conv_params, conv_macs, dense_params, dense_macs: torch's parameter counts, hand-computed
multiply-adds, and one test per error message."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.cost import conv_macs, conv_params, dense_macs, dense_params


def test_hand_computed_counts():
    # seed 003's first layer: 3x3, 1 -> 32 channels on 28x28 ('valid': 26x26 out)
    assert conv_params(3, 3, 1, 32) == 3 * 3 * 1 * 32 + 32 == 320
    assert conv_macs(26, 26, 3, 3, 1, 32) == 26 * 26 * 9 * 32 == 194_688
    # grouped: 6 -> 6 channels in 3 groups, each filter reads 2 channels
    assert conv_params(3, 3, 6, 6, groups=3) == 3 * 3 * 2 * 6 + 6 == 114
    assert conv_macs(4, 4, 3, 3, 6, 6, groups=3) == 16 * 9 * 2 * 6 == 1728
    # depthwise 3x3 on 8 channels and its pointwise partner 8 -> 16, no bias
    assert conv_params(3, 3, 8, 8, groups=8, bias=False) == 72
    assert conv_params(1, 1, 8, 16, bias=False) == 128
    assert dense_params(3136, 1024) == 3136 * 1024 + 1024 == 3_212_288
    assert dense_macs(3136, 1024) == 3_211_264
    assert dense_params(64, 10, bias=False) == 640


def test_macs_count_the_products_conv2d_makes():
    """One multiply-add per kernel tap per output value: count them by convolving ones."""
    import numpy as np

    for groups in (1, 2, 4):
        x = np.ones((6, 5, 4))
        k = np.ones((3, 2, 4 // groups, 8))
        out = cv.conv2d(x, k, groups=groups)  # every tap multiplies a 1 by a 1
        oh, ow, f = out.shape
        assert out.sum() == conv_macs(oh, ow, 3, 2, 4, f, groups=groups)


@settings(max_examples=40, deadline=None)
@given(kh=st.integers(1, 5), kw=st.integers(1, 5), cg=st.integers(1, 4), fg=st.integers(1, 4),
       groups=st.integers(1, 4), bias=st.booleans())
def test_params_match_torch(kh, kw, cg, fg, groups, bias):
    torch = pytest.importorskip("torch")
    c_in, c_out = cg * groups, fg * groups
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), groups=groups, bias=bias)
    assert conv_params(kh, kw, c_in, c_out, groups=groups, bias=bias) == sum(
        p.numel() for p in layer.parameters())


def test_dense_params_match_torch():
    torch = pytest.importorskip("torch")
    for bias in (True, False):
        layer = torch.nn.Linear(576, 64, bias=bias)
        assert dense_params(576, 64, bias=bias) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize(("call", "message"), [
    (lambda: conv_params(3, 3, 6, 4, groups=4), "`groups` must divide `c_in` (6)"),
    (lambda: conv_params(3, 3, 6, 4, groups=3), "`groups` must divide `c_out` (4)"),
    (lambda: conv_macs(2, 2, 3, 3, 4, 6, groups=4), "`groups` must divide `c_out` (6)"),
    (lambda: conv_params(0, 3, 1, 1), "`kh` must be a positive integer, got 0"),
    (lambda: conv_macs(0, 2, 3, 3, 1, 1), "`out_h` must be a positive integer, got 0"),
    (lambda: dense_macs(10, 0), "`units` must be a positive integer, got 0"),
])
def test_bad_values_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_bad_types_name_the_argument():
    with pytest.raises(TypeError, match="`c_in` must be an integer"):
        conv_params(3, 3, 2.5, 1)
    with pytest.raises(TypeError, match="`bias` must be True or False"):
        conv_params(3, 3, 1, 1, bias="yes")
