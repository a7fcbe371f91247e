"""convviz.inside.user_images: a picture as the model's input, and when to invert it."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from convviz.inside import user_images
from convviz.inside.user_images import fit_drawing, fit_image, looks_inverted
from convviz.nn.data import load_builtin


def test_doctests():
    assert doctest.testmod(user_images).failed == 0


def test_fit_image_converts_channels_size_and_range():
    rng = np.random.default_rng(0)
    rgb = rng.random((40, 30, 3)).astype(np.float32)
    gray = fit_image(rgb, (16, 16, 1))
    assert gray.shape == (16, 16, 1) and gray.dtype == np.float32
    assert 0 <= gray.min() and gray.max() <= 1
    assert fit_image(rgb[..., :1], (8, 12, 3)).shape == (8, 12, 3)  # gray to three channels
    assert fit_image(rgb[..., 0], (8, 8, 1)).shape == (8, 8, 1)  # (H, W)
    flat = np.full((20, 20, 1), 0.25, np.float32)
    np.testing.assert_allclose(fit_image(flat, (10, 10, 1)), 0.25, atol=1 / 255)
    np.testing.assert_allclose(fit_image(flat, (10, 10, 1), invert=True), 0.75, atol=1 / 255)


def test_fit_image_explains_bad_input():
    with pytest.raises(ValueError, match="input_shape"):
        fit_image(np.zeros((4, 4, 1)), (4, 4, 2))
    with pytest.raises(ValueError, match="1 or 3 channels"):
        fit_image(np.zeros((4, 4, 4)), (4, 4, 1))


def test_looks_inverted_compares_the_borders():
    digits = load_builtin("digits")
    paper = np.ones((16, 16, 1), np.float32)
    paper[5:11, 7:9] = 0  # a dark stroke on white paper
    assert looks_inverted(paper, digits.x_train)  # the digits are light on black
    assert not looks_inverted(1 - paper, digits.x_train)
    assert not looks_inverted(paper, 1 - digits.x_train)


def _bar(top: int, bottom: int, left: int, right: int) -> np.ndarray:
    pad = np.zeros((64, 64), np.float32)
    pad[top:bottom, left:right] = 1
    return pad


def test_fit_drawing_frames_a_drawing_like_the_training_digits():
    ds = load_builtin("digits")  # light digits filling their 16 rows
    x = fit_drawing(_bar(40, 60, 2, 8), ds.input_shape, ds.x_train)  # small, bottom-left
    assert x.shape == (16, 16, 1) and x.dtype == np.float32
    rows = np.flatnonzero(x[..., 0].max(axis=1) > 0.2)
    cols = np.flatnonzero(x[..., 0].max(axis=0) > 0.2)
    assert (rows[0], rows[-1]) == (0, 15)  # as tall as the digits
    assert 5 <= cols[0] and cols[-1] <= 10  # and in the middle
    assert x[0, 0, 0] == 0  # light on dark, as the digits


def test_fit_drawing_follows_dark_ink_and_three_channels():
    ref = np.ones((6, 12, 12, 3), np.float32)
    ref[:, 3:9, 5:7] = 0  # dark bars on white, 6 of 12 rows
    x = fit_drawing(_bar(0, 64, 30, 34), (12, 12, 3), ref)
    assert x.shape == (12, 12, 3)
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    assert x[0, 0, 0] == 1.0  # a white background, like the references
    rows = np.flatnonzero(x[..., 0].min(axis=1) < 0.5)
    assert (rows[0], rows[-1]) == (3, 8)  # 6 rows tall, centred like the bars


def test_fit_drawing_explains_a_bad_shape():
    with pytest.raises(ValueError, match=r"`input_shape` must be \(h, w, 1\) or \(h, w, 3\)"):
        fit_drawing(_bar(0, 9, 0, 9), (16, 16), np.zeros((2, 16, 16, 1)))
