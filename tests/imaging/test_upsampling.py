"""The checkerboard demo: uneven overlap in the transposed convolution, none after a resize."""

from __future__ import annotations

import numpy as np
import pytest

import convviz as cv
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.samples import load_sample
from convviz.imaging.upsampling import crop_box, upsample_both


def _phase_means(a: np.ndarray) -> np.ndarray:
    """The mean of each of the four pixel phases (even/odd row, even/odd column)."""
    inner = a[2:-2, 2:-2]
    return np.array([inner[i::2, j::2].mean() for i in (0, 1) for j in (0, 1)])


def test_counts_are_one_two_or_four_stamps_and_come_from_the_engine():
    u = upsample_both(np.zeros((20, 16)))
    assert set(np.unique(u.counts[1:-1, 1:-1])) == {1.0, 2.0, 4.0}
    np.testing.assert_array_equal(u.counts, cv.conv_transpose2d(
        np.ones((10, 8)), np.ones((3, 3)), stride=2, padding=1, output_padding=1))


@pytest.mark.parametrize("resize", ["nearest", "bilinear"])
def test_a_flat_image_gets_a_checkerboard_one_way_only(resize):
    u = upsample_both(np.full((12, 12), 90.0), resize=resize)
    np.testing.assert_allclose(u.transposed, u.counts * 40.0)  # 90 x 4/9 per stamp
    np.testing.assert_allclose(u.resized[1:-1, 1:-1], 90.0)


def test_on_a_photo_the_checkerboard_is_in_the_transposed_path():
    gray = to_grayscale(load_sample("china", max_side=128))[..., 0] * 255
    u = upsample_both(gray)
    assert u.transposed.shape == u.resized.shape == (84, 128)  # 85 rows: the odd one goes
    spread_t = np.ptp(_phase_means(u.transposed))
    spread_r = np.ptp(_phase_means(u.resized))
    assert spread_t > 20 * spread_r  # the 2x2 phases differ by the stamp count
    assert spread_t > 50  # gray levels


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`gray` must be at least 4x4"):
        upsample_both(np.zeros((3, 9)))
    with pytest.raises(ValueError, match="`resize`"):
        upsample_both(np.zeros((8, 8)), resize="cubic")


def test_crop_box_starts_even_and_fits():
    rows, cols = crop_box((86, 128), 16)
    assert rows.start % 2 == 0 and cols.start % 2 == 0
    assert rows.stop - rows.start == 16 and cols.stop - cols.start == 16
    assert crop_box((10, 10), 16) == (slice(0, 10), slice(0, 10))


def test_a_kernel_divisible_by_the_stride_overlaps_evenly_in_the_middle():
    """What the page says beside the checkerboard: 4x4 at stride 2 has no uneven overlap
    away from the border, 3x3 at stride 2 has."""
    even = cv.conv_transpose2d(np.ones((8, 8)), np.ones((4, 4)), stride=2, padding=1)
    assert set(np.unique(even[2:-2, 2:-2])) == {4.0}
    odd = cv.conv_transpose2d(np.ones((8, 8)), np.ones((3, 3)), stride=2, padding=1,
                              output_padding=1)
    assert set(np.unique(odd[2:-2, 2:-2])) == {1.0, 2.0, 4.0}
