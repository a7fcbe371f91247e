"""Rendering helpers on small arrays."""

import numpy as np
import pytest

from convviz.draw import numbers, render


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


@pytest.mark.parametrize("cell", [40, 47, 56])
@pytest.mark.parametrize("text_of", ["-0.5625", "-3/128", "12.35", "-99"])
def test_cell_numbers_fit_their_cells_or_are_left_out(cell, text_of):
    value = {"-0.5625": -0.5625, "-3/128": -3 / 128, "12.35": 12.345, "-99": -99.0}[text_of]
    fmt = numbers.format_weight if "/" in text_of else (
        lambda v: numbers.format_value(v, digits=4))
    assert fmt(value) == text_of
    img = render.draw_grid(np.array([[value]]), cell=cell, fmt=fmt,
                           colors=np.full((1, 1, 3), 255, np.uint8))
    ink = np.nonzero((img.max(axis=2) < 90).any(axis=0))[0]  # columns with black text
    fits = render.font(12).getlength(text_of) <= cell - 6
    assert render.number_fits(text_of, cell) == fits
    if not fits:  # too long for this cell at 12 px: not drawn smaller, left out
        assert ink.size == 0
        assert render.numbers_left_out(np.array([[value]]), cell, fmt=fmt) == 1
        return
    assert ink.size and ink.min() >= 2 and ink.max() <= cell - 2  # inside, clear of the lines
    size = render.cell_font_size(text_of, cell)
    assert size >= 12 and (size == int(cell * 0.30) or render.font(size + 1).getlength(
        text_of) > cell - 6)  # shrunk only as far as it must
    assert render.numbers_left_out(np.array([[value]]), cell, fmt=fmt) == 0


def test_no_number_is_drawn_under_12_px():
    """A 24 px cell fits "7" at 12 px but not "-0.5625": the long one is left out, the
    short one is drawn at 12 px (30 % of 24 px would be 7 px)."""
    assert render.cell_font_size("7", 24) == 12
    white = np.full((1, 2, 3), 255, np.uint8)
    img = render.draw_grid(np.array([[7.0, -0.5625]]), cell=24, colors=white, decimals=4)
    ink = (img.max(axis=2) < 90)
    assert ink[:, :24].any() and not ink[:, 25:].any()
    rows = np.nonzero(ink[:, :24].any(axis=1))[0]
    assert rows.max() - rows.min() + 1 >= 8  # a 12 px digit is about 9 px tall
    assert render.numbers_left_out(np.array([[7.0, -0.5625]]), 24, decimals=4) == 1
    assert render.numbers_left_out(np.ones((3, 3)), 17) == 9  # no room for 12 px text
