"""Tests for convviz.imaging.images. Every image is generated here with Pillow; no binary
fixtures."""

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from convviz.imaging.images import (
    DEFAULT_MAX_PIXELS,
    ImageError,
    count_frames,
    first_frame_note,
    load_image,
)


def encode(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def encode_frames(frames: list[Image.Image], fmt: str, **kwargs) -> bytes:
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], **kwargs)


def blank_1bit_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG, written row by row so even huge ones need little memory."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    comp = zlib.compressobj()
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


RGB_PIXELS = np.array(
    [[[255, 0, 0], [0, 255, 0], [0, 0, 255]], [[10, 20, 30], [128, 64, 32], [255, 255, 255]]],
    dtype=np.uint8,
)  # (H=2, W=3, 3)


# --- colour modes ---------------------------------------------------------------------------


def test_png_rgb_round_trip_is_exact():
    out = load_image(encode(Image.fromarray(RGB_PIXELS)))
    assert out.dtype == np.float32 and out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out, RGB_PIXELS.astype(np.float32) / np.float32(255))


def test_grayscale_l_has_one_channel():
    out = load_image(encode(Image.new("L", (4, 3), 51)))
    assert out.shape == (3, 4, 1)
    np.testing.assert_allclose(out, 0.2)


def test_one_bit_image_has_one_channel_of_zeros_and_ones():
    img = Image.new("1", (3, 2), 0)
    img.putpixel((1, 0), 1)
    out = load_image(encode(img))
    assert out.shape == (2, 3, 1)
    np.testing.assert_array_equal(out[:, :, 0], [[0, 1, 0], [0, 0, 0]])


def test_la_is_grayscale_composited_on_white():
    img = Image.new("LA", (2, 1))
    img.putpixel((0, 0), (0, 0))  # black, fully transparent
    img.putpixel((1, 0), (0, 255))  # black, opaque
    out = load_image(encode(img))
    assert out.shape == (1, 2, 1)
    np.testing.assert_array_equal(out[0, :, 0], [1.0, 0.0])


def test_rgba_is_composited_on_white():
    img = Image.new("RGBA", (3, 1))
    img.putpixel((0, 0), (255, 0, 0, 0))
    img.putpixel((1, 0), (255, 0, 0, 255))
    img.putpixel((2, 0), (0, 0, 0, 128))
    out = load_image(encode(img))
    assert out.shape == (1, 3, 3)
    np.testing.assert_array_equal(out[0, 0], [1, 1, 1])
    np.testing.assert_array_equal(out[0, 1], [1, 0, 0])
    np.testing.assert_allclose(out[0, 2], 127 / 255, atol=1.5 / 255)


def test_palette_with_transparency_is_rgb_on_white():
    img = Image.new("P", (2, 1))
    img.putpalette([255, 0, 0, 0, 255, 0])
    img.putpixel((1, 0), 1)
    img.info["transparency"] = 1
    out = load_image(encode(img))
    assert out.shape == (1, 2, 3)
    np.testing.assert_array_equal(out[0], [[1, 0, 0], [1, 1, 1]])


def test_palette_without_transparency_is_rgb():
    img = Image.new("P", (1, 1))
    img.putpalette([10, 20, 30])
    np.testing.assert_allclose(load_image(encode(img))[0, 0] * 255, [10, 20, 30])


def test_16_bit_png_is_one_channel_scaled_by_65535():
    data = encode(Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.uint16)))
    assert Image.open(io.BytesIO(data)).mode.startswith("I;16")
    out = load_image(data)
    assert out.shape == (1, 3, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0], [0, 32768 / 65535, 1])


def test_32_bit_integer_tiff_with_16_bit_values():
    data = encode(Image.fromarray(np.array([[0, 1000, 65535]], dtype=np.int32)), "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "I"
    np.testing.assert_allclose(load_image(data)[0, :, 0], [0, 1000 / 65535, 1])


def test_float_tiff_in_unit_range_is_kept_and_other_ranges_are_stretched():
    unit = encode(Image.fromarray(np.array([[0, 0.25, 1]], dtype=np.float32)), "TIFF")
    np.testing.assert_allclose(load_image(unit)[0, :, 0], [0, 0.25, 1])
    wide = encode(Image.fromarray(np.array([[-2, 0, 2]], dtype=np.float32)), "TIFF")
    np.testing.assert_allclose(load_image(wide)[0, :, 0], [0, 0.5, 1])


def test_cmyk_jpeg_becomes_rgb():
    out = load_image(encode(Image.new("CMYK", (4, 3), (0, 255, 255, 0)), "JPEG"))
    assert out.shape == (3, 4, 3)
    np.testing.assert_allclose(out[1, 1], [1, 0, 0], atol=0.02)


@pytest.mark.parametrize("fmt", ["BMP", "PPM", "WEBP", "TIFF"])
def test_other_formats(fmt):
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    out = load_image(encode(Image.fromarray(RGB_PIXELS), fmt, **kwargs))
    np.testing.assert_array_equal(out, RGB_PIXELS / np.float32(255))


# --- frames and orientation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [("GIF", {}), ("TIFF", {}), ("PNG", {}), ("WEBP", {"lossless": True}), ("MPO", {})],
    ids=["animated-gif", "multipage-tiff", "apng", "animated-webp", "mpo"],
)
def test_multi_frame_files_give_the_first_frame(fmt, kwargs):
    frames = [Image.new("RGB", (5, 4), (v, 0, 0)) for v in (200, 20, 90)]
    data = encode_frames(frames, fmt, **kwargs)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3
    out = load_image(data)
    assert out.shape == (4, 5, 3)
    np.testing.assert_allclose(out[2, 2] * 255, [200, 0, 0], atol=3)


@pytest.mark.parametrize(
    ("fmt", "kwargs", "name"),
    [("GIF", {}, "GIF"), ("TIFF", {}, "TIFF"), ("PNG", {}, "PNG"),
     ("WEBP", {"lossless": True}, "WEBP"), ("MPO", {}, "MPO")],
    ids=["animated-gif", "multipage-tiff", "apng", "animated-webp", "mpo"],
)
def test_count_frames_of_multi_frame_files(fmt, kwargs, name):
    frames = [Image.new("RGB", (5, 4), (v, 0, 0)) for v in (200, 20, 90)]
    assert count_frames(encode_frames(frames, fmt, **kwargs)) == (name, 3)


def test_count_frames_of_still_images_and_of_what_is_not_an_image():
    assert count_frames(encode(Image.fromarray(RGB_PIXELS))) == ("PNG", 1)
    assert count_frames(encode(Image.fromarray(RGB_PIXELS), "JPEG")) == ("JPEG", 1)
    with pytest.raises(ImageError):
        count_frames(b"not an image at all")


def test_first_frame_note_says_which_frame_is_used():
    assert first_frame_note("GIF", 1) is None
    assert first_frame_note("GIF", 12) == (
        "This GIF is an animation of 12 frames: only its first frame is used.")
    assert "TIFF has 3 pages: only its first page" in first_frame_note("TIFF", 3)
    assert "only its first frame" in first_frame_note("WEBP", 2)
    assert "only the first, the main photo" in first_frame_note("MPO", 2)


def test_exif_orientation_is_applied_to_jpeg():
    img = Image.new("RGB", (6, 4))
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    out = load_image(encode(img, "JPEG", exif=exif))
    assert out.shape == (6, 4, 3)  # stored 4 high and 6 wide, shown 6 high and 4 wide


def test_exif_orientation_moves_pixels():
    img = Image.new("L", (3, 2), 0)
    img.putpixel((0, 0), 255)  # top-left as stored
    exif = img.getexif()
    exif[0x0112] = 6
    out = load_image(encode(img, "PNG", exif=exif))
    assert out.shape == (3, 2, 1)
    assert out[0, 1, 0] == 1.0 and out.sum() == 1.0  # rotated clockwise: now top-right


# --- sources --------------------------------------------------------------------------------

PNG_BYTES = encode(Image.fromarray(RGB_PIXELS))
EXPECTED = RGB_PIXELS / np.float32(255)


class ReadOnly:
    """A file-like object with nothing but read()."""

    def __init__(self, data: bytes):
        self._data = data

    def read(self) -> bytes:
        return self._data


@pytest.mark.parametrize(
    "make",
    [bytes, bytearray, memoryview, io.BytesIO, ReadOnly],
    ids=["bytes", "bytearray", "memoryview", "BytesIO", "read-only-file-like"],
)
def test_in_memory_sources(make):
    np.testing.assert_array_equal(load_image(make(PNG_BYTES)), EXPECTED)


def test_bytesio_already_read_is_read_from_the_start():
    buf = io.BytesIO(PNG_BYTES)
    buf.read()
    np.testing.assert_array_equal(load_image(buf), EXPECTED)


def test_path_sources(tmp_path):
    path = tmp_path / "img.png"
    path.write_bytes(PNG_BYTES)
    np.testing.assert_array_equal(load_image(path), EXPECTED)
    np.testing.assert_array_equal(load_image(str(path)), EXPECTED)
    with open(path, "rb") as fh:
        np.testing.assert_array_equal(load_image(fh), EXPECTED)


def test_missing_path(tmp_path):
    with pytest.raises(ImageError, match="No file at '.*nope.png'"):
        load_image(tmp_path / "nope.png")


def test_folder_path(tmp_path):
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)


@pytest.mark.parametrize("source", [123, None, np.zeros((2, 2))])
def test_unsupported_source_type(source):
    with pytest.raises(TypeError, match="`source`"):
        load_image(source)


def test_text_stream_source():
    with pytest.raises(TypeError, match="binary mode"):
        load_image(io.StringIO("hello"))


# --- downscaling ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_max_side_keeps_aspect_ratio(fmt):
    out = load_image(encode(Image.new("RGB", (100, 50), (0, 128, 255)), fmt), max_side=20)
    assert out.shape == (10, 20, 3)
    np.testing.assert_allclose(out[5, 10], [0, 128 / 255, 1], atol=0.02)


def test_max_side_jpeg_size_is_exact_even_when_decoded_at_reduced_scale():
    # Pillow's JPEG draft decodes this at 1/8 scale as 125 x 125: the target still comes
    # from the true 1000 x 993 size, rotated by EXIF where needed.
    img = Image.new("RGB", (1000, 993), (0, 128, 255))
    assert load_image(encode(img, "JPEG"), max_side=100).shape == (99, 100, 3)
    exif = img.getexif()
    exif[0x0112] = 6
    assert load_image(encode(img, "JPEG", exif=exif), max_side=100).shape == (100, 99, 3)


def test_max_side_for_a_tall_16_bit_image():
    arr = np.full((100, 30), 65535, dtype=np.uint16)
    out = load_image(encode(Image.fromarray(arr)), max_side=10)
    assert out.shape == (10, 3, 1)
    np.testing.assert_allclose(out, 1.0)


def test_max_side_never_gives_a_zero_side():
    assert load_image(encode(Image.new("L", (1, 1000))), max_side=10).shape == (10, 1, 1)


def test_max_side_larger_than_image_changes_nothing():
    np.testing.assert_array_equal(load_image(PNG_BYTES, max_side=1000), EXPECTED)


def test_long_thin_image_is_valid():
    assert load_image(encode(Image.new("L", (10000, 1)))).shape == (1, 10000, 1)


# --- refusals -------------------------------------------------------------------------------


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)


def test_decompression_bomb_is_refused_before_decoding():
    data = blank_1bit_png(20000, 20000)
    assert len(data) < 200_000  # tiny on disk, 400 million pixels
    with pytest.raises(ImageError, match="400 million.*the limit is 40 million"):
        load_image(data)


def test_image_over_our_limit_but_under_pillows_is_refused_with_its_size():
    with pytest.raises(ImageError, match=r"10000 x 5000 pixels \(50 million\); the limit is 40"):
        load_image(blank_1bit_png(10000, 5000))


def test_small_max_pixels():
    with pytest.raises(ImageError, match=r"20 x 20 pixels \(400\); the limit is 100\."):
        load_image(encode(Image.new("L", (20, 20))), max_pixels=100)


def test_pillow_warning_becomes_an_error_when_our_limit_is_lower(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300)
    with pytest.raises(ImageError, match="has 400 pixels; the limit is 200"):
        load_image(encode(Image.new("L", (20, 20))), max_pixels=200)


def test_larger_max_pixels_overrides_pillows_warning_but_not_its_error(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300)
    assert load_image(encode(Image.new("L", (20, 20)))).shape == (20, 20, 1)
    with pytest.raises(ImageError, match="has 900 pixels; the limit is 600"):
        load_image(encode(Image.new("L", (30, 30))))


def test_warning_filters_are_restored():
    before = list(warnings.filters)
    load_image(PNG_BYTES)
    with pytest.raises(ImageError):
        load_image(blank_1bit_png(20000, 20000))
    assert warnings.filters == before


def test_empty_file():
    with pytest.raises(ImageError, match=r"empty \(0 bytes\)"):
        load_image(b"")


def test_empty_file_on_disk(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        load_image(tmp_path / "empty.png")


def test_random_bytes():
    with pytest.raises(ImageError, match="not an image Pillow can read"):
        load_image(np.random.default_rng(0).bytes(1000))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(fmt):
    data = encode(Image.effect_noise((64, 64), 50).convert("RGB"), fmt)
    with pytest.raises(ImageError, match="truncated") as info:
        load_image(data[: len(data) // 2])
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_html_named_png(tmp_path):
    path = tmp_path / "photo.png"
    path.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    with pytest.raises(ImageError, match="web page"):
        load_image(path)


def test_svg_named_png(tmp_path):
    path = tmp_path / "drawing.png"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')
    with pytest.raises(ImageError, match="SVG"):
        load_image(path)


def test_heic_photo():
    with pytest.raises(ImageError, match="HEIC"):
        load_image(b"\x00\x00\x00\x18ftypheic" + bytes(100))


def test_format_outside_the_allowed_list():
    with pytest.raises(ImageError, match="not an image Pillow can read"):
        load_image(encode(Image.new("RGB", (3, 3)), "TGA"))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_pixels": 1.5}, TypeError, "`max_pixels` must be an integer"),
        ({"max_pixels": "10"}, TypeError, "`max_pixels`"),
        ({"max_pixels": 0}, ValueError, "`max_pixels` must be a positive integer, got 0"),
        ({"max_side": 2.0}, TypeError, "`max_side` must be an integer"),
        ({"max_side": True}, TypeError, "`max_side`"),
        ({"max_side": -1}, ValueError, "`max_side` must be a positive integer, got -1"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_image(PNG_BYTES, **kwargs)


def test_default_max_pixels():
    assert DEFAULT_MAX_PIXELS == 40_000_000
