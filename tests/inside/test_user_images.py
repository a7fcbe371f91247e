"""convviz.inside.user_images: a picture as the model's input, and when to invert it."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from convviz.inside import user_images
from convviz.inside.user_images import fit_image, looks_inverted
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
