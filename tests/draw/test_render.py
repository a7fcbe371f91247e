"""Rendering helpers on small arrays."""

import numpy as np
import pytest

from convviz.draw import render


def test_label_fit_widens_a_narrow_image_so_the_caption_fits():
    img = np.zeros((20, 20, 3), np.uint8)
    out = render.label_fit(img, "Output, filling in")
    need = render.font(20).getlength("Output, filling in")
    assert out.shape[1] >= need and out.shape[0] > 20
    np.testing.assert_array_equal(out[-20:, :20], img)  # the image itself is unchanged
    assert (out[-20:, 20:] == 255).all()  # widened with white


def test_label_fit_keeps_a_wide_image_as_label_does():
    img = np.zeros((10, 400, 3), np.uint8)
    np.testing.assert_array_equal(render.label_fit(img, "x"), render.label(img, "x"))


# numbers in cells and sentences: one rounding rule, fractions for simple weights


def test_format_value_rounds_half_away_from_zero_everywhere():
    assert render.format_value(1.125) == "1.13"  # was 1.12 (half to even)
    assert render.format_value(3.375) == "3.38"
    assert render.format_value(-1.125) == "-1.13"
    assert render.format_value(2.675) == "2.68"  # as written, not its binary value 2.67499..
    assert render.format_value(0.125, 2) == "0.13" and render.format_value(0.5, 0) == "1"
    assert render.format_value(-0.004) == "0" and render.format_value(3.0) == "3"


def test_format_value_with_significant_digits():
    assert render.format_value(0.5625, digits=4) == "0.5625"
    assert render.format_value(1 / 9, digits=4) == "0.1111"
    assert render.format_value(12.34567, digits=4) == "12.35"
    assert render.format_value(1234.56, digits=4) == "1235"
    assert render.format_value(123456.7, digits=4) == "123457"  # never an exponent
    assert render.format_value(0.00012345, digits=4) == "0.0001235"
    assert render.format_value(-0.06255, digits=3) == "-0.0626"


def test_format_weight_shows_simple_fractions_else_four_significant_digits():
    assert render.format_weight(0.0625) == "1/16"
    assert render.format_weight(1 / 9) == "1/9"
    assert render.format_weight(-0.125) == "-1/8"
    assert render.format_weight(3 / 16) == "3/16"
    assert render.format_weight(6 / 256) == "3/128"
    assert render.format_weight(1 / 25) == "0.04"  # short and exact: a decimal
    assert render.format_weight(2 / 49) == "2/49"
    assert render.format_weight(2.0) == "2" and render.format_weight(-1.0) == "-1"
    assert render.format_weight(0.5) == "0.5"  # a short decimal stays a decimal
    assert render.format_weight(0.25) == "0.25"
    assert render.format_weight(0.2347) == "0.2347"
    assert render.format_weight(1 / 7 + 1e-3) == "0.1439"
    assert render.format_weight(1 / 97) == "0.01031"  # not a simple fraction
    assert render.format_weight(np.float32(1 / 9)) == "1/9"  # a float32 kernel's 1/9


@pytest.mark.parametrize("cell", [40, 47, 56])
@pytest.mark.parametrize("text_of", ["-0.5625", "-3/128", "12.35", "-99"])
def test_cell_numbers_fit_their_cells(cell, text_of):
    value = {"-0.5625": -0.5625, "-3/128": -3 / 128, "12.35": 12.345, "-99": -99.0}[text_of]
    fmt = render.format_weight if "/" in text_of else (
        lambda v: render.format_value(v, digits=4))
    assert fmt(value) == text_of
    img = render.draw_grid(np.array([[value]]), cell=cell, fmt=fmt,
                           colors=np.full((1, 1, 3), 255, np.uint8))
    ink = np.nonzero((img.max(axis=2) < 90).any(axis=0))[0]  # columns with black text
    assert ink.size and ink.min() >= 2 and ink.max() <= cell - 2  # inside, clear of the lines
    size = render.cell_font_size(text_of, cell)
    assert size >= 9 and (size == int(cell * 0.30) or render.font(size + 1).getlength(
        text_of) > cell - 6)  # shrunk only as far as it must


def test_one_kernel_writes_all_its_weights_alike():
    gauss = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16
    fmt = render.weight_format(gauss)
    assert [fmt(v) for v in gauss[1]] == ["1/8", "1/4", "1/8"]  # not 0.25 beside 1/8
    assert [fmt(v) for v in (gauss[0, 0], 2.0)] == ["1/16", "2"]
    halves = render.weight_format(np.array([[0.5, -0.25], [1.0, 0.0]]))
    assert [halves(v) for v in (0.5, -0.25)] == ["0.5", "-0.25"]  # short decimals: as they are
    mixed = render.weight_format(np.array([[0.0625, 0.2347]]))  # not all simple fractions
    assert [mixed(v) for v in (0.0625, 0.2347)] == ["0.0625", "0.2347"]
