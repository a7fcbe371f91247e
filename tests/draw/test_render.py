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
def test_cell_numbers_fit_their_cells(cell, text_of):
    value = {"-0.5625": -0.5625, "-3/128": -3 / 128, "12.35": 12.345, "-99": -99.0}[text_of]
    fmt = numbers.format_weight if "/" in text_of else (
        lambda v: numbers.format_value(v, digits=4))
    assert fmt(value) == text_of
    img = render.draw_grid(np.array([[value]]), cell=cell, fmt=fmt,
                           colors=np.full((1, 1, 3), 255, np.uint8))
    ink = np.nonzero((img.max(axis=2) < 90).any(axis=0))[0]  # columns with black text
    assert ink.size and ink.min() >= 2 and ink.max() <= cell - 2  # inside, clear of the lines
    size = render.cell_font_size(text_of, cell)
    assert size >= 9 and (size == int(cell * 0.30) or render.font(size + 1).getlength(
        text_of) > cell - 6)  # shrunk only as far as it must


