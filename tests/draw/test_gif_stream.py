"""The streaming GIF encoder: frames as they were, one frame in memory at a time."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convviz.draw.gif_stream import TRANSPARENT, GifStream, make_palette, write_gif

COLORS = np.array([[255, 0, 0], [0, 160, 0], [0, 0, 255], [250, 250, 250], [20, 20, 20]],
                  np.uint8)


def _frames(n: int = 6) -> list[np.ndarray]:
    base = np.random.default_rng(0).integers(0, 4, (30, 40))
    out = []
    for k in range(n):
        b = base.copy()
        b[k * 3:k * 3 + 4, k * 5:k * 5 + 3] = 4
        out.append(COLORS[b])
    return out


def _decoded(data: bytes) -> list[tuple[np.ndarray, int]]:
    with Image.open(io.BytesIO(data)) as gif:
        return [(np.asarray(f.convert("RGB")), f.info.get("duration"))
                for f in ImageSequence.Iterator(gif)]


def test_frames_decode_exactly_with_their_times():
    frames = _frames()
    buf = io.BytesIO()
    n = write_gif(buf, iter(frames), fps=5, last_duration=1500)
    shown = _decoded(buf.getvalue())
    assert n == len(shown) == len(frames)
    for (rgb, _), want in zip(shown, frames, strict=True):
        assert np.array_equal(rgb, want)
    assert [ms for _, ms in shown] == [200] * 5 + [1500]


def test_a_repeated_frame_adds_its_time_to_the_one_before():
    a, b = _frames(2)
    buf = io.BytesIO()
    assert write_gif(buf, [a, b, b, b], fps=10) == 2
    assert [ms for _, ms in _decoded(buf.getvalue())] == [100, 300]


def test_only_the_changed_rectangle_is_written():
    """A frame that changes one pixel costs a few bytes, not a whole frame."""
    big = np.full((400, 600, 3), 250, np.uint8)
    moved = big.copy()
    moved[200, 300] = (255, 0, 0)
    one, two = io.BytesIO(), io.BytesIO()
    write_gif(one, [big], palette_samples=[moved])
    write_gif(two, [big, moved])
    assert len(two.getvalue()) - len(one.getvalue()) < 60


def test_pixels_never_use_the_transparent_index():
    pal = make_palette([COLORS.reshape(1, -1, 3)])
    assert pal[TRANSPARENT * 3:TRANSPARENT * 3 + 3] == pal[0:3]
    stream = GifStream(io.BytesIO(), pal)
    idx = stream.quantize(np.repeat(COLORS[None], 3, axis=0))
    assert TRANSPARENT not in idx


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`frames` must hold at least one frame"):
        write_gif(io.BytesIO(), iter([]))
    with pytest.raises(ValueError, match="`fps` must be a positive number, got 0"):
        write_gif(io.BytesIO(), _frames(1), fps=0)
    with pytest.raises(ValueError, match=r"first frame's shape \(30, 40\)"):
        write_gif(io.BytesIO(), [_frames(1)[0], np.zeros((5, 5, 3), np.uint8)])
    with pytest.raises(ValueError, match="`palette` must hold 768 values"):
        GifStream(io.BytesIO(), [0, 0, 0])
