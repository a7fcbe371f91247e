"""Safe image loading (the sample photos are in :mod:`convviz.imaging.samples`; resizing and
conversions of loaded pixels are in :mod:`convviz.imaging.pixels`).

Every image comes back as float32 ``(H, W, C)`` in [0, 1], with ``C = 1`` for grayscale sources
and ``C = 3`` otherwise. Anything that cannot be loaded raises :class:`ImageError` with a sentence
a student understands. Image size is checked from the file header, before any pixel is decoded.

Examples
--------
>>> import io
>>> from PIL import Image
>>> buf = io.BytesIO()
>>> Image.new("RGB", (4, 2), (255, 0, 0)).save(buf, format="PNG")
>>> img = load_image(buf.getvalue())
>>> img.shape, img.dtype, img[0, 0].tolist()
((2, 4, 3), dtype('float32'), [1.0, 0.0, 0.0])
"""

from __future__ import annotations

import io
import os
import re
import struct
import warnings
import zlib
from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps

from convviz.base.checks import check_int
from convviz.imaging.pixels import downscaled_size, resize_image

__all__ = ["DEFAULT_MAX_PIXELS", "ImageError", "count_frames", "first_frame_note", "load_image"]

#: Images with more pixels than this are refused before decoding (40 million pixels are
#: already 480 MB as float32 RGB).
DEFAULT_MAX_PIXELS = 40_000_000

# "JPEG" also opens MPO (multi-picture phone JPEGs): Pillow has no separate MPO opener.
_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF", "ICO", "PPM")
_NOT_AN_IMAGE = (
    "This file is not an image Pillow can read (supported: PNG, JPEG, WebP, BMP, GIF, TIFF)."
)
# What a malformed file can make Pillow's decoders raise.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error,
    IndexError, KeyError, TypeError, ZeroDivisionError, OverflowError,
)  # fmt: skip


class ImageError(ValueError):
    """An image could not be loaded; the message says why in plain words."""


def _count(n: int) -> str:
    """``400_000_000 -> '400 million'``, ``89_478_485 -> '89.5 million'``, ``400 -> '400'``."""
    for unit, size in (("billion", 10**9), ("million", 10**6)):
        if n >= size:
            v = n / size
            return f"{v:,.0f} {unit}" if v >= 100 else f"{v:.3g} {unit}"
    return f"{n:,}"


def _read_source(source: Any) -> IO[bytes]:
    """Return an open binary stream for `source` (the caller closes it)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not isinstance(path, str):
            path = os.fsdecode(path)
        if not os.path.exists(path):
            raise ImageError(f"No file at '{path}'.")
        if os.path.isdir(path):
            raise ImageError(f"'{path}' is a folder, not an image file.")
        try:
            return open(path, "rb")  # closed by load_image
        except OSError as exc:
            raise ImageError(f"Could not open '{path}': {exc.strerror or exc}.") from None
    if callable(getattr(source, "read", None)):
        # getvalue() is the whole upload even if someone already read part of it.
        getvalue = getattr(source, "getvalue", None)
        data = getvalue() if callable(getvalue) else source.read()
        if isinstance(data, str):
            raise TypeError("`source` must be opened in binary mode ('rb'), got a text stream")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"`source`.read() must return bytes, got {type(data).__name__}")
        return io.BytesIO(data)
    raise TypeError(
        "`source` must be bytes, a path (str or os.PathLike) or a binary file object with "
        f".read(), got {type(source).__name__}"
    )


def _hint(head: bytes) -> str:
    """A friendlier message for common non-images, judged from the first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and b"<svg" in text:
        return "This file is an SVG drawing, not a pixel image; export it as PNG first."
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text:
        return "This file is a web page (HTML), not an image; save the picture itself instead."
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "This is a HEIC/AVIF photo, which convviz cannot read; export it as JPEG or PNG."
    return _NOT_AN_IMAGE


def _check_size(img: Image.Image, max_pixels: int) -> None:
    w, h = img.size
    if w * h > max_pixels:
        raise ImageError(
            f"This image is {w} x {h} pixels ({_count(w * h)}); the limit is "
            f"{_count(max_pixels)}. Please use a smaller image."
        )


def _flatten_alpha(img: Image.Image, mode: str) -> Image.Image:
    """Composite `img` (with an alpha band) on white, giving mode `mode` ("L" or "RGB")."""
    white = Image.new(mode, img.size, 255 if mode == "L" else (255, 255, 255))
    white.paste(img.convert(mode), mask=img.getchannel("A"))
    return white


def _normalise_mode(img: Image.Image) -> Image.Image:
    """Bring any Pillow mode to "L", "RGB" (alpha on white) or a high-depth gray mode."""
    mode = img.mode
    if mode in ("L", "RGB") or mode.startswith("I") or mode == "F":
        return img
    if mode == "1":
        return img.convert("L")
    if mode in ("LA", "La"):
        return _flatten_alpha(img.convert("LA"), "L")
    if mode in ("P", "PA"):
        if mode == "PA" or "transparency" in img.info:
            return _flatten_alpha(img.convert("RGBA"), "RGB")
        return img.convert("RGB")
    if "A" in img.getbands() or mode == "RGBa":
        return _flatten_alpha(img.convert("RGBA"), "RGB")
    return img.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX


def _high_depth_to_float(img: Image.Image) -> np.ndarray:
    """(H, W) float32 in [0, 1] from an "I;16*", "I" or "F" image."""
    arr = np.asarray(img)
    if img.mode.startswith("I;16"):
        return arr.astype(np.float32) / np.float32(65535)
    arr = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = float(arr.min()), float(arr.max())
    if img.mode == "I" and lo >= 0 and hi <= 65535:
        return (arr / 65535).astype(np.float32)  # 16-bit data held in a 32-bit mode
    if img.mode == "F" and lo >= 0 and hi <= 1:
        return arr.astype(np.float32)
    # Anything else: stretch the values that are there to [0, 1].
    return ((arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)).astype(np.float32)


def load_image(
    source: bytes | bytearray | memoryview | str | os.PathLike | IO[bytes],
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int | None = None,
) -> np.ndarray:
    """Load an image safely as float32 (H, W, C) in [0, 1].

    Parameters
    ----------
    source : bytes, bytearray, memoryview, str, os.PathLike or binary file object
        The encoded file (PNG, JPEG/MPO, WebP, BMP, GIF, TIFF, ICO or PPM). A file object only
        needs ``.read()``; if it has ``.getvalue()`` (``io.BytesIO``, Streamlit uploads) that is
        used, so the whole file is read whatever the current position.
    max_pixels : int, optional
        Refuse images with more pixels than this, judged from the header before decoding.
    max_side : int or None, optional
        If the longest side is longer, downscale (Lanczos) keeping the aspect ratio.

    Returns
    -------
    ndarray of float32, shape (H, W, C)
        ``C = 1`` for grayscale sources (1-bit, L, LA, 16-bit, I, F), ``C = 3`` otherwise.
        EXIF orientation is applied, transparency is composited on white and only the first
        frame of an animation or multi-page file is kept.

    Raises
    ------
    ImageError
        If the file is missing, empty, not a supported image, damaged or too large.
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("L", (100, 50), 128).save(buf, format="PNG")
    >>> load_image(buf, max_side=20).shape
    (10, 20, 1)
    """
    max_pixels = check_int(max_pixels, "max_pixels", minimum=1)
    if max_side is not None:
        max_side = check_int(max_side, "max_side", minimum=1)
    with _read_source(source) as fp:
        if fp.read(1) == b"":
            raise ImageError("This file is empty (0 bytes).")
        fp.seek(0)
        try:
            return _decode(fp, max_pixels, max_side)
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            has = f" has {_count(int(found.group(1)))} pixels" if found else " is too large"
            limit = max_pixels
            if Image.MAX_IMAGE_PIXELS is not None:
                limit = min(max_pixels, 2 * Image.MAX_IMAGE_PIXELS)
            raise ImageError(
                f"This image{has}; the limit is {_count(limit)}. Please use a smaller image."
            ) from None
        except Image.UnidentifiedImageError:
            fp.seek(0)
            raise ImageError(_hint(fp.read(512))) from None
        except MemoryError:
            raise ImageError("This image is too large to decode in memory.") from None
        except _DECODE_ERRORS as exc:
            if "truncat" in str(exc).lower() or isinstance(exc, EOFError):
                raise ImageError(
                    "This image file is damaged or cut off (truncated): it may not have "
                    "finished downloading or uploading. Please save or export it again."
                ) from None
            raise ImageError(
                f"This image file is damaged and cannot be decoded ({type(exc).__name__}: "
                f"{exc}). Please save or export it again."
            ) from None


def count_frames(
    source: bytes | bytearray | memoryview | str | os.PathLike | IO[bytes],
) -> tuple[str, int]:
    """The file's format and how many frames (or pages, or pictures) it holds.

    :func:`load_image` uses the first frame only; this says whether there were others, so a
    page can tell the learner. Only the headers are read: no frame is decoded.

    Parameters
    ----------
    source : bytes, bytearray, memoryview, str, os.PathLike or binary file object
        As for :func:`load_image`.

    Returns
    -------
    (str, int)
        Pillow's format name ("GIF", "PNG", "WEBP", "TIFF", "MPO", "JPEG", ...) and the
        number of frames, 1 for a still image.

    Raises
    ------
    ImageError
        If the file is not an image this module reads.

    Examples
    --------
    >>> frames = [Image.new("L", (4, 4), v) for v in (0, 128, 255)]
    >>> buf = io.BytesIO()
    >>> frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    >>> count_frames(buf.getvalue())
    ('GIF', 3)
    """
    with _read_source(source) as fp, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(fp, formats=_FORMATS) as img:
                return str(img.format), int(getattr(img, "n_frames", 1))
        except (Image.UnidentifiedImageError, Image.DecompressionBombError,
                *_DECODE_ERRORS):
            raise ImageError(_NOT_AN_IMAGE) from None


def first_frame_note(fmt: str, n_frames: int) -> str | None:
    """A sentence saying that only the first of a file's frames is used, or None for one.

    Parameters
    ----------
    fmt : str
        The format from :func:`count_frames`.
    n_frames : int
        The number of frames from :func:`count_frames`.

    Examples
    --------
    >>> first_frame_note("GIF", 3)
    'This GIF is an animation of 3 frames: only its first frame is used.'
    >>> first_frame_note("PNG", 1) is None
    True
    """
    n_frames = check_int(n_frames, "n_frames", minimum=1)
    if n_frames == 1:
        return None
    if fmt == "TIFF":
        return f"This TIFF has {n_frames} pages: only its first page is used."
    if fmt == "MPO":
        return (f"This JPEG holds {n_frames} pictures (a multi-picture JPEG, as some cameras "
                "and phones save): only the first, the main photo, is used.")
    if fmt in ("GIF", "PNG", "WEBP"):
        name = "PNG (APNG)" if fmt == "PNG" else fmt
        return f"This {name} is an animation of {n_frames} frames: only its first frame is used."
    return f"This file holds {n_frames} images: only the first is used."


def _decode(fp: IO[bytes], max_pixels: int, max_side: int | None) -> np.ndarray:
    """Open lazily, check the size from the header, then decode the first frame."""
    with warnings.catch_warnings():
        # Pillow warns above its own limit: an error when ours is lower, else ours decides.
        pillow_limit = Image.MAX_IMAGE_PIXELS
        stricter = pillow_limit is not None and max_pixels < pillow_limit
        warnings.simplefilter("error" if stricter else "ignore", Image.DecompressionBombWarning)
        with Image.open(fp, formats=_FORMATS) as img:
            _check_size(img, max_pixels)  # header only: nothing decoded yet
            img.seek(0)  # first frame of GIF / APNG / WebP / MPO / multi-page TIFF
            _check_size(img, max_pixels)  # frame 0 may differ from the canvas
            size = downscaled_size(*img.size, max_side)  # from the true size, before any draft
            if size is not None:
                img.draft(None, size)  # JPEG: decode at 1/2, 1/4 or 1/8 scale when it can
            img.load()
            return _decoded_to_array(img, size)


def _decoded_to_array(img: Image.Image, size: tuple[int, int] | None) -> np.ndarray:
    """A loaded Pillow image -> float32 (H, W, C) in [0, 1], resized to `size` (stored w, h)."""
    try:
        swap = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # orientations that turn 90 degrees
        img = ImageOps.exif_transpose(img)
    except _DECODE_ERRORS:
        swap = False  # unreadable EXIF: keep the pixels as stored
    if size is not None and swap:
        size = size[::-1]
    img = _normalise_mode(img)
    if img.mode in ("L", "RGB"):
        if size is not None and img.size != size:
            img = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        arr = np.asarray(img).astype(np.float32) / np.float32(255)
    else:
        arr = _high_depth_to_float(img)
        if size is not None:
            arr = resize_image(arr, max_side=max(size))
    if arr.ndim == 2:
        arr = arr[:, :, np.newaxis]  # (H, W, 1)
    return np.ascontiguousarray(arr, dtype=np.float32)
