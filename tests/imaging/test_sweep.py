"""The sweep's plan: frames per sweep, the map it computes, zoomed regions, validation."""

from __future__ import annotations

import numpy as np
import pytest

from convviz import conv2d
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.sweep import sweep_plan

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _image(h: int, w: int, c: int | None = None, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


def test_small_output_goes_cell_by_cell_big_one_row_by_row():
    small = sweep_plan(_image(8, 8), SOBEL_X)
    assert (small.by_rows, small.n_frames, small.shape) == (False, 64, (8, 8))
    assert small.revealed[0] == 1 and small.revealed[-1] == 64
    big = sweep_plan(_image(30, 40), SOBEL_X)
    assert (big.by_rows, big.n_frames) == (True, 30)
    assert big.revealed[0] == 40 and big.revealed[-1] == 30 * 40
    assert np.all(np.diff(big.revealed) == 40)


def test_n_frames_caps_by_grouping_rows_evenly():
    plan = sweep_plan(_image(512, 300), SOBEL_X)
    assert plan.n_frames == 256 and plan.revealed[0] == 2 * 300  # default cap 400
    plan = sweep_plan(_image(512, 300), SOBEL_X, n_frames=10)
    assert plan.n_frames == 10 and plan.revealed[-1] == 512 * 300
    cells = sweep_plan(_image(10, 10), SOBEL_X, by_rows=False, n_frames=30)
    assert cells.revealed[0] == 4 and cells.revealed[-1] == 100


def test_fmap_is_conv2d_of_the_luma_image_by_default():
    img = _image(12, 9, 3)
    plan = sweep_plan(img, SOBEL_X, stride=2, padding=1)
    luma = to_grayscale(img)[..., 0]
    np.testing.assert_allclose(plan.fmap, conv2d(luma, SOBEL_X, stride=2, padding=1), rtol=1e-6)
    assert plan.channels == "luma" and plan.image.shape == (12, 9)


def test_rgb_channels_sum_the_kernel_over_each_channel():
    img = _image(12, 9, 3)
    plan = sweep_plan(img, SOBEL_X, channels="rgb", padding="valid")
    k3 = np.repeat(SOBEL_X[:, :, None], 3, axis=2)
    np.testing.assert_allclose(plan.fmap, conv2d(img, k3, padding="valid"), rtol=1e-6)
    per_channel = sum(conv2d(img[..., c], SOBEL_X, padding="valid") for c in range(3))
    np.testing.assert_allclose(plan.fmap, per_channel, rtol=1e-5, atol=1e-6)


def test_single_channel_image_is_used_as_it_is():
    img = _image(6, 7, 1)
    plan = sweep_plan(img, SOBEL_X)
    assert plan.channels == "gray"
    np.testing.assert_array_equal(plan.image, img[..., 0])


def test_region_sweeps_pixel_by_pixel_around_a_point():
    plan = sweep_plan(_image(40, 50), SOBEL_X, region=(10, 20, 4))
    assert (plan.rows, plan.cols, plan.by_rows, plan.n_frames) == ((10, 14), (20, 24), False, 16)
    assert [plan.position(k) for k in (0, 1, 4, 15)] == [(10, 20), (10, 21), (11, 20), (13, 23)]


def test_region_maps_pixels_to_window_centres_with_stride_and_valid_padding():
    # valid 3x3: output i is centred on pixel i + 1; stride 2: on pixel 2 i + 1
    plan = sweep_plan(_image(40, 40), SOBEL_X, padding="valid", stride=2, region=(5, 0, 6))
    assert plan.rows == (2, 5) and plan.cols == (0, 3)


def test_region_is_clipped_to_the_output():
    plan = sweep_plan(_image(20, 20), SOBEL_X, region=(15, 15, 16))
    assert plan.rows == (15, 20) and plan.cols == (15, 20)


@pytest.mark.parametrize(("region", "match"), [
    ((1, 2), "`region` must be"),
    ((30, 0, 4), "`region` must start inside"),
    ((0, 0, 0), r"`region\[2\]`"),
    ((-1, 0, 4), r"`region\[0\]`"),
])
def test_bad_region_names_it(region, match):
    with pytest.raises(ValueError, match=match):
        sweep_plan(_image(20, 20), SOBEL_X, region=region)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="`kernel`"):
        sweep_plan(_image(8, 8), np.ones((3, 3, 3)))
    with pytest.raises(ValueError, match="`image`"):
        sweep_plan(_image(8, 8, 4), SOBEL_X)
    with pytest.raises(ValueError, match="`channels`"):
        sweep_plan(_image(8, 8, 3), SOBEL_X, channels="bgr")
    with pytest.raises(TypeError, match="`by_rows`"):
        sweep_plan(_image(8, 8), SOBEL_X, by_rows=1)
    with pytest.raises(ValueError, match="`n_frames`"):
        sweep_plan(_image(8, 8), SOBEL_X, n_frames=0)
    with pytest.raises(ValueError, match="`stride`"):
        sweep_plan(_image(8, 8), SOBEL_X, stride=0)
