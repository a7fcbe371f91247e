"""Augmentation: each image shifted by its own random whole-pixel shift, zeros shifted in."""

import numpy as np
import pytest

from convviz.nn.augment import MAX_SHIFT, largest_shift, shift_batch


def _shifted(img: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The image moved down by dy and right by dx (negative: up, left), zeros shifted in."""
    out = np.zeros_like(img)
    h, w = img.shape[:2]
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        img[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def test_every_image_is_one_of_its_shifts_and_the_shifts_vary():
    rng = np.random.default_rng(0)
    x = rng.random((64, 7, 6, 2)).astype(np.float32)
    y = shift_batch(x, np.random.default_rng(3), 2)
    assert y.shape == x.shape and y.dtype == np.float32
    seen = set()
    for img, out in zip(x, y, strict=True):
        hits = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                if np.array_equal(out, _shifted(img, dy, dx))]
        assert len(hits) == 1, hits
        seen.add(hits[0])
    assert len(seen) > 10  # 25 possible shifts, drawn per image
    assert (0, 0) in seen or len(seen) < 25


def test_seeded_and_the_input_is_left_alone():
    x = np.arange(2 * 5 * 5, dtype=np.float64).reshape(2, 5, 5, 1)
    keep = x.copy()
    a = shift_batch(x, np.random.default_rng(7), 1)
    b = shift_batch(x, np.random.default_rng(7), 1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(x, keep)
    assert shift_batch(x, np.random.default_rng(7), 0) is x


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(max_shift=MAX_SHIFT + 1), ValueError, "`max_shift` must be between 0 and 4"),
    (dict(max_shift=-1), ValueError, "`max_shift`"),
    (dict(max_shift=1.5), TypeError, "`max_shift`"),
    (dict(max_shift=1, rng=0), TypeError, "`rng` must be a numpy.random.Generator"),
    (dict(max_shift=1, x=np.zeros((3, 3))), ValueError, r"\(N, H, W, C\)"),
])
def test_arguments_are_checked(kwargs, error, match):
    args = dict(x=np.zeros((1, 3, 3, 1)), rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(error, match=match):
        shift_batch(args["x"], args["rng"], args["max_shift"])


@pytest.mark.parametrize("shape, top", [
    ((16, 16, 1), 4), ((28, 28, 1), MAX_SHIFT), ((12, 12, 1), 3), ((8, 20, 3), 2),
    ((3, 3, 1), 0),
])
def test_largest_shift_is_a_quarter_of_the_smaller_side_at_most_max_shift(shape, top):
    assert largest_shift(shape) == top


@pytest.mark.parametrize("shape, error, match", [
    ((16, 16), ValueError, r"`input_shape` must be an image shape \(H, W, C\), got \(16, 16\)"),
    ((0, 16, 1), ValueError, "`input_shape`"),
    ("16x16", TypeError, "`input_shape`"),
])
def test_largest_shift_checks_the_shape(shape, error, match):
    with pytest.raises(error, match=match):
        largest_shift(shape)
