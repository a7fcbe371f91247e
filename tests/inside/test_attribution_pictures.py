"""Pictures of what the network looks at: the overlay's mixing rule, a colour bar beside
every map, the receptive field's outline where the box says, padding included."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.draw import render as R
from convviz.draw.colors import feature_map_rgb
from convviz.inside.attribution_pictures import (
    BOX_COLOR,
    box_picture,
    enlargement,
    gray_legend,
    map_panel,
    overlay,
    picture_panel,
)


def test_the_overlay_shows_the_image_where_the_map_is_zero_and_colour_where_it_is_large():
    x = np.linspace(0, 1, 9).reshape(3, 3, 1)
    v = np.zeros((3, 3))
    v[1, 1], v[2, 2] = -2.0, 2.0
    out = overlay(x, v, signed=True)
    gray = np.rint(x[..., 0] * 255)
    assert (out[0, :, 0] == gray[0]).all() and (out[0, 0] == out[0, 0, 0]).all()
    for r, c in ((1, 1), (2, 2)):  # 80 % the scale's end colour, 20 % the grey pixel
        want = 0.2 * gray[r, c] + 0.8 * feature_map_rgb(v, vmax=2.0)[r, c]
        np.testing.assert_allclose(out[r, c], want, atol=0.51)
    assert out[1, 1, 2] > out[1, 1, 0] and out[2, 2, 0] > out[2, 2, 2]  # blue, red


def test_an_unsigned_overlay_ignores_negative_values():
    x = np.full((2, 2, 1), 0.5)
    out = overlay(x, np.array([[-5.0, 0.0], [1.0, 0.5]]), signed=False)
    assert (out[0, 0] == 128).all() and (out[0, 1] == 128).all()
    assert not (out[1, 0] == 128).all()


def test_a_map_panel_holds_both_pictures_and_its_colour_bar():
    x = np.zeros((28, 28, 1))
    v = np.zeros((28, 28))
    v[3, 4] = 1.5
    panel = map_panel(x, v, signed=True, side=196)
    bar = R.colorbar(1.5, height=196)
    assert panel.shape[1] == 196 + 12 + 196 + 12 + bar.shape[1]
    np.testing.assert_array_equal(panel[:196, -bar.shape[1]:], bar)  # top-aligned
    with pytest.raises(ValueError, match="`values` must have the image's shape"):
        overlay(x, np.zeros((27, 28)), signed=True)


def test_a_picture_has_a_grey_scale_and_the_box_is_drawn_into_the_padding():
    assert enlargement((28, 28, 1), 196) == 7 and enlargement((16, 16, 1), 196) == 12
    assert gray_legend(120)[10, 10].tolist() == [255, 255, 255]  # white at the top
    assert picture_panel(np.zeros((28, 28, 1)), title="x").shape[1] > 196
    x = np.zeros((8, 8, 1))
    img = box_picture(x, (-2, 3, 2, 5), side=80, title="t")  # 2 rows above the image
    k = enlargement((10, 8), 80)
    pic = img[img.shape[0] - 10 * k:]  # below the title: 10 rows (2 of padding) x 8
    assert pic.shape[:2] == (10 * k, 8 * k)
    assert tuple(pic[0, 3 * k + k // 2]) == BOX_COLOR  # the top edge, in the padding row
    assert tuple(pic[5 * k - 1, 5 * k + k // 2]) == BOX_COLOR  # bottom edge: image row 2
    assert tuple(pic[5 * k + 3, 4 * k]) == (0, 0, 0)  # below the box: the image
