"""convviz.imaging.drawing: the pad's value decoded and checked, resampled and framed."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from convviz.imaging.drawing import (
    PAD_SIDE,
    decode_drawing,
    drawing_to_grid,
    frame_drawing,
    ink_box,
    ink_layout,
    resample,
)
from convviz.nn.data import load_builtin


def _value(cells: np.ndarray) -> dict:
    """What drawpad.js sends for these cells (uint8, row-major, base64)."""
    return {"side": cells.shape[0],
            "ink": base64.b64encode(cells.astype(np.uint8).tobytes()).decode()}


def test_decode_reads_the_bytes_row_by_row():
    cells = np.zeros((PAD_SIDE, PAD_SIDE), np.uint8)
    cells[3, 10], cells[60, 1] = 255, 51
    ink = decode_drawing(_value(cells))
    assert ink.shape == (PAD_SIDE, PAD_SIDE) and ink.dtype == np.float32
    assert ink[3, 10] == 1.0 and ink[60, 1] == pytest.approx(0.2)
    assert ink.sum() == pytest.approx(1.2)
    assert len(_value(cells)["ink"]) == 5464  # the value stays a few kilobytes


def test_decode_gives_none_for_nothing_drawn():
    assert decode_drawing(None) is None
    assert decode_drawing(_value(np.zeros((PAD_SIDE, PAD_SIDE)))) is None  # after Clear


@pytest.mark.parametrize(("value", "error", "message"), [
    ([1, 2, 3], TypeError, "`drawing` must be a dict with 'side' and 'ink', got list"),
    ({"side": 32, "ink": ""}, ValueError, "`drawing['side']` must be 64, got 32"),
    ({"side": True, "ink": ""}, ValueError, "`drawing['side']` must be 64, got True"),
    ({"ink": ""}, ValueError, "`drawing['side']` must be 64, got None"),
    ({"side": 64, "ink": [0] * 4096}, TypeError, "`drawing['ink']` must be a base64 string"),
    ({"side": 64, "ink": "AAAA"}, ValueError,
     "`drawing['ink']` must be 5464 base64 characters (4096 bytes), got 4"),
    ({"side": 64, "ink": "A" * 10 ** 7}, ValueError, "got 10000000"),
    ({"side": 64, "ink": "!" * 5464}, ValueError, "`drawing['ink']` must be base64"),
])
def test_decode_explains_a_malformed_value(value, error, message):
    with pytest.raises(error) as exc:
        decode_drawing(value)
    assert message in str(exc.value)


def test_decode_rejects_padding_that_hides_missing_bytes():
    short = base64.b64encode(bytes(4090)).decode()
    padded = short + "=" * (5464 - len(short))
    with pytest.raises(ValueError, match="must be base64|must hold 4096 bytes"):
        decode_drawing({"side": 64, "ink": padded})


def test_resample_averages_areas():
    ink = np.zeros((64, 64), np.float32)
    ink[:32, :32] = 1  # the top-left quarter
    np.testing.assert_allclose(resample(ink, 2, 2), [[1, 0], [0, 0]])
    third = resample(ink, 3, 3)  # a cell of 64 / 3 pixels: the middle one is a quarter inked
    assert third[0, 0] == pytest.approx(1) and third[1, 1] == pytest.approx(0.25, abs=0.01)
    assert resample(ink, 5, 8).shape == (5, 8)


def test_resample_explains_bad_input():
    with pytest.raises(ValueError, match=r"`ink` must be in \[0, 1\], got values from 0 to 2"):
        resample(np.array([[0.0, 2.0]]), 1, 1)
    with pytest.raises(ValueError, match="`rows` must be a positive integer, got 0"):
        resample(np.zeros((4, 4)), 0, 3)
    with pytest.raises(ValueError, match="`ink` must be 2-D"):
        resample(np.zeros((4, 4, 1)), 2, 2)


def test_drawing_to_grid_gives_whole_numbers_0_to_9():
    ink = np.zeros((64, 64))
    ink[:, :16] = 1  # the left quarter
    grid = drawing_to_grid(ink, 4, 8)
    assert grid.dtype == np.float64 and grid.shape == (4, 8)
    assert grid[:, :2].tolist() == [[9.0, 9.0]] * 4 and not grid[:, 2:].any()
    assert drawing_to_grid(np.full((8, 8), 0.5), 5, 5, top=4).max() == 2.0


def test_ink_box_finds_the_inked_rectangle():
    x = np.zeros((10, 10))
    x[2, 3], x[6, 8], x[9, 9] = 1, 0.5, 0.1  # the last is below the threshold
    assert ink_box(x) == (2, 3, 7, 9)
    assert ink_box(np.zeros((3, 3))) is None


def test_frame_drawing_ignores_where_and_how_big_it_was_drawn():
    small = np.zeros((64, 64))
    small[2:10, 54:57] = 1  # a short bar in the top-right corner
    big = np.zeros((64, 64))
    big[8:56, 28:46] = 1  # the same bar, big and in the middle
    a = frame_drawing(small, 16, 16, extent=0.75)
    b = frame_drawing(big, 16, 16, extent=0.75)
    assert ink_box(a) == ink_box(b) == (2, 6, 14, 10)  # 12 rows = 0.75 of 16, centred
    assert frame_drawing(np.zeros((64, 64)), 8, 8).sum() == 0


def test_frame_drawing_puts_the_centre_of_mass_where_asked():
    blob = np.zeros((64, 64))
    blob[20:40, 20:40] = 1
    out = frame_drawing(blob, 20, 20, extent=0.2, centre=(0.25, 0.75))
    assert ink_box(out) == (3, 13, 7, 17)  # a 4x4 square around (5, 15)
    edge = frame_drawing(blob, 20, 20, extent=0.5, centre=(0.0, 1.0))  # moved inwards
    assert ink_box(edge) == (0, 10, 10, 20)


def test_frame_drawing_explains_bad_options():
    with pytest.raises(ValueError, match=r"`extent` must be a number in \(0, 1\], got 0"):
        frame_drawing(np.ones((4, 4)), 4, 4, extent=0)
    with pytest.raises(ValueError, match=r"`centre` must be two fractions in \[0, 1\]"):
        frame_drawing(np.ones((4, 4)), 4, 4, centre=(0.5, 2))


def test_ink_layout_measures_the_digits_scans():
    digits = load_builtin("digits").x_train[..., 0]
    extent, (r, c) = ink_layout(digits[:300])
    assert extent == 1.0  # the scans' digits fill their box from top to bottom
    assert abs(r - 0.5) < 0.05 and abs(c - 0.5) < 0.05
    assert ink_layout(np.zeros((2, 5, 5))) == (0.8, (0.5, 0.5))
