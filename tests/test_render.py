"""Rendering helpers on small arrays."""

import numpy as np

from convviz import render


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
