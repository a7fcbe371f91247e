"""Frames to file bytes: PNG, JPEG, and the animated GIF streamed one frame at a time."""

from __future__ import annotations

import io

import numpy as np
from memory import peak_growth
from PIL import Image, ImageSequence

from convviz.draw import encode


def _decoded(data: bytes) -> list[tuple[np.ndarray, int]]:
    with Image.open(io.BytesIO(data)) as gif:
        return [(np.asarray(f.convert("RGB")), f.info.get("duration"))
                for f in ImageSequence.Iterator(gif)]


def test_png_and_jpeg_decode_to_the_picture():
    img = np.zeros((6, 8, 3), np.uint8)
    img[2:4, 3:6] = (200, 30, 30)
    with Image.open(io.BytesIO(encode.png_bytes(img))) as png:
        assert png.format == "PNG"
        np.testing.assert_array_equal(np.asarray(png), img)
    with Image.open(io.BytesIO(encode.jpeg_bytes(np.full((8, 8, 3), 128, np.uint8)))) as jpg:
        assert jpg.format == "JPEG" and jpg.size == (8, 8)
        assert np.abs(np.asarray(jpg).astype(int) - 128).max() <= 2


SETUP = """
import numpy as np
from convviz.draw.encode import gif_bytes

def frames(n, h=300, w=400):  # a red square moving over grey: every frame differs
    base = np.full((h, w, 3), 240, np.uint8)
    base[:4] = (200, 30, 30)  # the palette (made from the first frame) holds the red
    for k in range(n):
        f = base.copy()
        f[(k * 7) % h:(k * 7) % h + 30, (k * 11) % w:(k * 11) % w + 30] = (200, 30, 30)
        yield f

gif_bytes(frames(3))  # warm up: imports, font caches, Pillow's plugins
"""


def test_gif_bytes_holds_a_few_frames_not_all_of_them():
    """200 frames of 300x400 RGB (72 MB in all) from a generator: the peak grows by less
    than ten frames' worth (3.4 MB). Holding every frame (as Pillow's save_all does) grew it
    by 115 MB."""
    frame_mb = 300 * 400 * 3 / 2**20
    growth, n = peak_growth(SETUP, """
        from PIL import Image
        import io
        data = gif_bytes(frames(200), fps=25)
        with Image.open(io.BytesIO(data)) as gif:
            result = gif.n_frames
    """)
    assert n == 200
    assert growth < 10 * frame_mb, f"the peak grew by {growth:.1f} MB"


def test_gif_bytes_keeps_its_signature():
    data = encode.gif_bytes([np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 255, np.uint8)],
                            fps=4, loop=0)
    shown = _decoded(data)
    assert data[:6] == b"GIF89a" and len(shown) == 2 and shown[0][1] == 250
