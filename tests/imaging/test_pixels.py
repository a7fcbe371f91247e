"""Tests for convviz.imaging.pixels: downscaling, grayscale and 8-bit conversion of pixel arrays."""

import numpy as np
import pytest
from PIL import Image

from convviz.imaging.pixels import downscaled_size, resize_image, to_grayscale, to_uint8

RGB_PIXELS = np.random.default_rng(7).integers(0, 256, (6, 9, 3), dtype=np.uint8)



@pytest.mark.parametrize(("w", "h", "max_side", "size"), [
    (100, 50, None, None), (100, 50, 100, None), (100, 50, 20, (20, 10)),
    (1, 10000, 100, (1, 100)), (10000, 1, 100, (100, 1)),
])
def test_downscaled_size_keeps_the_aspect_ratio(w, h, max_side, size):
    assert downscaled_size(w, h, max_side) == size


def test_resize_image_shape_and_range():
    checker = (np.indices((100, 50)).sum(axis=0) % 2).astype(np.float32)
    out = resize_image(np.stack([checker] * 3, axis=-1), max_side=20)
    assert out.shape == (20, 10, 3) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1


def test_resize_image_two_dimensional_and_constant():
    out = resize_image(np.full((40, 80), 0.25, dtype=np.float32), max_side=8)
    assert out.shape == (4, 8)
    np.testing.assert_allclose(out, 0.25, atol=1e-6)


def test_resize_image_small_enough_is_unchanged():
    img = np.random.default_rng(0).random((5, 6, 3), dtype=np.float32)
    assert resize_image(img, max_side=6) is img


@pytest.mark.parametrize(("max_side", "error"), [(0, ValueError), (2.5, TypeError)])
def test_resize_image_bad_max_side(max_side, error):
    with pytest.raises(error, match="`max_side`"):
        resize_image(np.ones((4, 4, 3), np.float32), max_side=max_side)


def test_resize_image_bad_rank():
    with pytest.raises(ValueError, match="`img`"):
        resize_image(np.ones(4, np.float32), max_side=2)


def test_to_grayscale_uses_601_weights():
    img = np.array([[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]], dtype=np.float32)
    out = to_grayscale(img)
    assert out.shape == (1, 4, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0], [0.299, 0.587, 0.114, 1.0], rtol=1e-6)


def test_to_grayscale_matches_pillow_l():
    out = to_grayscale(RGB_PIXELS / np.float32(255))
    pil = np.asarray(Image.fromarray(RGB_PIXELS).convert("L"), dtype=np.float32) / 255
    np.testing.assert_allclose(out[:, :, 0], pil, atol=0.5 / 255 + 1e-6)


def test_to_grayscale_single_channel_is_unchanged():
    img = np.zeros((2, 3, 1), np.float32)
    assert to_grayscale(img) is img


def test_to_grayscale_bad_channels():
    with pytest.raises(ValueError, match="`img` must have 1 or 3 channels"):
        to_grayscale(np.zeros((2, 2, 4)))


def test_to_uint8_rounds_and_clips():
    values = np.array([[0.0, 100.4 / 255, 100.6 / 255, 1.0, 1.7, -0.3]])
    np.testing.assert_array_equal(to_uint8(values), [[0, 100, 101, 255, 255, 0]])
    assert to_uint8(values).dtype == np.uint8


def test_to_uint8_inverts_division_by_255():
    levels = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    np.testing.assert_array_equal(to_uint8(levels.astype(np.float32) / 255), levels)


def test_to_uint8_rejects_nan():
    with pytest.raises(ValueError, match="`img`"):
        to_uint8(np.array([[np.nan]]))
