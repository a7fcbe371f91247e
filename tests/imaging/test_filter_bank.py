"""A bank of filters on an image: feature maps, channel responses, colour scales, pictures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz import KERNELS, conv2d
from convviz.base.budget import Fit, OverBudgetError, ordinal
from convviz.draw.colors import feature_map_rgb
from convviz.draw.render import WINDOW_COLOR
from convviz.imaging.filter_bank import (
    channel_filters,
    channel_responses,
    display_grid,
    display_vmax,
    feature_maps,
    map_picture,
    map_tile,
    map_view,
    maps_png,
    maps_png_cost,
    maps_png_fit,
    maps_sheet,
    mark_point,
)
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.samples import load_sample

SOBEL_X, BLUR5 = KERNELS["sobel_x"].array, KERNELS["box_blur_5"].array
ROBERTS = KERNELS["roberts_x"].array


def _image(h: int = 17, w: int = 13, c: int | None = 3) -> np.ndarray:
    rng = np.random.default_rng(2)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


# --- feature maps --------------------------------------------------------------------


@pytest.mark.parametrize("geo", [{"padding": "same"}, {"padding": "valid", "stride": 2},
                                 {"padding": 1, "dilation": 2, "padding_mode": "reflect"}])
def test_gray_maps_are_conv2d_of_the_luma_one_per_kernel(geo):
    img = _image()
    luma = to_grayscale(img)[..., 0]
    maps = feature_maps(img, [SOBEL_X, BLUR5, ROBERTS, -SOBEL_X], **geo)
    for k, m in zip([SOBEL_X, BLUR5, ROBERTS, -SOBEL_X], maps, strict=True):
        np.testing.assert_allclose(m, conv2d(luma, k, **geo), rtol=1e-5, atol=1e-6)
        assert m.flags.c_contiguous


def test_rgb_maps_sum_the_kernel_over_the_channels():
    img = _image()
    (m,) = feature_maps(img, [SOBEL_X], channels="rgb", padding="same")
    per_channel = sum(conv2d(img[..., c], SOBEL_X, padding="same") for c in range(3))
    np.testing.assert_allclose(m, per_channel, rtol=1e-5, atol=1e-5)


def test_single_channel_images_and_no_kernels():
    img = _image(c=1)
    (m,) = feature_maps(img, [SOBEL_X], channels="rgb", padding="valid")
    np.testing.assert_allclose(m, conv2d(img[..., 0], SOBEL_X), rtol=1e-6)
    (m2,) = feature_maps(img[..., 0], [SOBEL_X], padding="valid")
    np.testing.assert_array_equal(m, m2)
    assert feature_maps(img, []) == []


def test_feature_maps_bad_arguments():
    with pytest.raises(ValueError, match="`channels`"):
        feature_maps(_image(), [SOBEL_X], channels="bgr")
    with pytest.raises(ValueError, match="`kernel`"):
        feature_maps(_image(), [np.ones((3, 3, 3))])
    with pytest.raises(ValueError, match="`stride`"):
        feature_maps(_image(), [SOBEL_X], stride=0)


def test_channel_responses_and_their_sum():
    img = _image()
    resp = channel_responses(img, SOBEL_X, padding="same")
    assert resp.shape == (17, 13, 4)
    for c in range(3):
        np.testing.assert_allclose(resp[..., c], conv2d(img[..., c], SOBEL_X, padding="same"),
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(resp[..., 3], resp[..., :3].sum(axis=-1), rtol=1e-5, atol=1e-5)
    (m,) = feature_maps(img, [SOBEL_X], channels="rgb", padding="same")
    np.testing.assert_allclose(resp[..., 3], m, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="3 channels"):
        channel_responses(_image(c=1), SOBEL_X)


def test_channel_filters_put_the_kernel_on_one_channel_each():
    f = channel_filters(SOBEL_X)
    assert f.shape == (3, 3, 3, 4)
    for c in range(3):
        np.testing.assert_array_equal(f[:, :, c, c], SOBEL_X)
        np.testing.assert_array_equal(f[:, :, c, 3], SOBEL_X)
        assert not np.any(f[:, :, [o for o in range(3) if o != c], c])


# --- colour scales and pictures ------------------------------------------------------


def test_display_vmax_by_mode_and_percentile():
    f = np.array([-8.0, -1.0, 0.5, 2.0])
    assert display_vmax(f) == 8.0
    assert display_vmax(f, "relu") == 2.0
    assert display_vmax(f, "abs", 50) == pytest.approx(1.5)
    assert display_vmax(np.zeros(4)) == 1.0
    assert display_vmax(np.array([0.0] * 99 + [5.0]), percentile=50) == 5.0  # never 0
    with pytest.raises(ValueError, match="`percentile`"):
        display_vmax(f, percentile=0)
    with pytest.raises(ValueError, match="`display`"):
        display_vmax(f, "log")


@pytest.mark.parametrize("display", ["signed", "relu", "abs"])
def test_map_tile_is_the_coloured_map_and_a_bar(display):
    fmap = np.random.default_rng(4).standard_normal((30, 20))
    tile = map_tile(fmap, display, vmax=1.5, scale=3)
    assert tile.shape[0] == 120 and tile.shape[1] == 60 + 8 + 90  # bar at least 120 high
    expected = np.repeat(np.repeat(feature_map_rgb(fmap, mode=display, vmax=1.5), 3, 0), 3, 1)
    np.testing.assert_array_equal(tile[:90, :60], expected)


@pytest.mark.parametrize("display", ["signed", "relu", "abs"])
def test_the_pages_picture_is_the_coloured_map_alone_with_no_text(display):
    img = np.random.default_rng(5).random((40, 30))
    v = map_view(img, KERNELS["sobel_x"].array, display=display, padding="same")
    want = np.repeat(np.repeat(feature_map_rgb(v.fmap, mode=display, vmax=v.vmax),
                               v.scale, 0), v.scale, 1)
    np.testing.assert_array_equal(v.picture, want)  # no colour bar, no tick labels
    np.testing.assert_array_equal(map_picture(v.fmap, display, vmax=v.vmax, scale=v.scale),
                                  want)


def test_mark_point_leaves_the_pixel_and_clips_at_borders():
    img = np.full((50, 50, 3), 255, np.uint8)
    out = mark_point(img, (20, 30), arm=6)
    assert out[20, 30].tolist() == [255, 255, 255] and img.sum() == 255 * 3 * 2500
    assert np.all(out[20, 30 + 2:30 + 7] == WINDOW_COLOR)
    assert np.all(out[20 - 7:20 - 2, 30] == WINDOW_COLOR)
    for pos in [(0, 0), (49, 49), (0, 49)]:
        assert mark_point(img, pos).shape == img.shape


def _hopper_views(names, size=64, display="signed"):
    img = load_sample("grace_hopper", max_side=size)
    return [map_view(img, KERNELS[n].array, display=display, percentile=99.5,
                     padding="same") for n in names]


def test_maps_png_shows_each_map_as_the_page_does_titled_in_a_grid():
    names = ["sobel_x", "sobel_y", "laplacian_4", "box_blur_3", "sharpen"]
    views = _hopper_views(names)
    titles = [f"{n} ({v.fmap.shape[0]}x{v.fmap.shape[1]})"
              for n, v in zip(names, views, strict=True)]
    with Image.open(io.BytesIO(maps_png(views, titles, "signed"))) as im:
        sheet = np.asarray(im.convert("RGB"))
    assert np.array_equal(sheet, maps_sheet(views, titles, "signed"))
    ph, pw = views[0].picture.shape[:2]  # the page's picture, then its colour bar
    th, (h, w) = 32, (max(ph, 120), pw + 8 + 90)  # under a title strip
    assert sheet.shape == (2 * (th + h) + 16, 3 * w + 2 * 24, 3)  # 3 per row, 2 rows
    for i, v in enumerate(views):  # each tile is the page's: its own scale and colour bar
        y, x = (i // 3) * (th + h + 16), (i % 3) * (w + 24)
        assert np.array_equal(sheet[y + th:y + th + ph, x:x + pw], v.picture), names[i]
        tile = map_tile(v.fmap[::v.step, ::v.step], "signed", vmax=v.vmax, scale=v.scale)
        assert np.array_equal(sheet[y + th:y + th + h, x:x + w], tile), names[i]
        assert (sheet[y:y + th, x:x + w] < 128).any(), f"no title above {names[i]}"


def test_maps_png_gives_a_weak_map_its_own_colours():
    """The Laplacian's responses are a fraction of Sobel's: on Sobel's scale its map was
    almost blank (under 1 % of pixels visibly coloured); on its own scale, over 10 %."""
    sobel, lap = _hopper_views(["sobel_x", "laplacian_4"])
    assert lap.vmax < sobel.vmax / 2
    with Image.open(io.BytesIO(maps_png([sobel, lap], ["Sobel x", "Laplacian"]))) as im:
        sheet = np.asarray(im.convert("RGB")).astype(int)
    (h, w), x = (n * lap.scale for n in lap.fmap.shape), sobel.picture.shape[1] + 8 + 90 + 24
    shown = sheet[32:32 + h, x:x + w]  # the Laplacian's map, right of Sobel's tile

    def coloured(rgb: np.ndarray) -> float:  # far from the white of 0
        return float((np.abs(rgb - 247).max(axis=-1) > 60).mean())

    assert coloured(shown) > 0.10
    assert coloured(feature_map_rgb(lap.fmap, vmax=sobel.vmax).astype(int)) < 0.01


def test_maps_png_over_the_budget_shows_fewer_pixels_and_says_so():
    big = np.random.default_rng(1).random((2048, 1536)).astype(np.float32)  # an upload
    views = [map_view(big, KERNELS[n].array, padding="same") for n in ["sobel_x"] * 8]
    fit = maps_png_fit(views)
    assert not fit.wanted.fits and fit.cost.fits and fit.size > 1
    assert f"every {ordinal(fit.size)} pixel of each picture" in fit.note
    assert maps_png_cost(views, every=fit.size).frame_bytes == (
        maps_sheet(views, ["x"] * 8, every=fit.size).nbytes)
    with pytest.raises(OverBudgetError, match="The feature maps PNG would need"):
        maps_png(views, ["x"] * 8, fit=Fit((0,), 1, 1, 1, fit.wanted, fit.wanted, None))


def test_maps_png_checks_its_arguments():
    with pytest.raises(ValueError, match="`views` and `titles` must hold the same number"):
        maps_sheet(_hopper_views(["sobel_x"]), [])


@pytest.mark.parametrize(("shape", "step", "scale"), [
    ((8, 5), 1, 32), ((64, 48), 1, 4), ((300, 200), 1, 1), ((1024, 10), 1, 1),
    ((1025, 10), 2, 1), ((4096, 4096), 4, 1), ((1, 1), 1, 256),
])
def test_display_grid_keeps_pictures_between_256_and_1024_px(shape, step, scale):
    assert display_grid(shape) == (step, scale)
    shown = -(-max(shape) // step) * scale
    assert 128 < shown <= 1024
