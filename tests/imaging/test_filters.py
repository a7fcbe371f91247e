"""The page logic of "Filters on your image": kernel lists, uploads, the zoom, the formula."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz import conv_plan
from convviz.engine.shapes import explain_output_size
from convviz.imaging.filters import (
    KERNEL_CHOICES,
    MAX_KERNELS,
    downscale_note,
    dump_kernel_list,
    frame_rows,
    kernel_label,
    load_upload,
    parse_kernel_list,
    stack_equation,
    window_centre,
    zoom_region,
)
from convviz.imaging.images import ImageError
from convviz.imaging.sweep import sweep_plan


def _encoded(w: int, h: int, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 30, 30)).save(buf, format=fmt, **kw)
    return buf.getvalue()


# --- kernel lists --------------------------------------------------------------------


def test_kernel_list_round_trips_and_strips_spaces():
    names = parse_kernel_list(" sobel_x, custom ,laplacian_4")
    assert names == ["sobel_x", "custom", "laplacian_4"]
    assert parse_kernel_list(dump_kernel_list(names)) == names


@pytest.mark.parametrize(("text", "match"), [
    ("", "at least one"),
    (" , ", "at least one"),
    ("sobel_x,blurry", "unknown kernel 'blurry'; valid names: identity"),
    ("sobel_x,sobel_x", "once"),
    (",".join(KERNEL_CHOICES[:MAX_KERNELS + 1]), f"at most {MAX_KERNELS}"),
])
def test_bad_kernel_lists_say_what_is_valid(text, match):
    with pytest.raises(ValueError, match=match):
        parse_kernel_list(text)


def test_kernel_list_must_be_text():
    with pytest.raises(TypeError, match="`text`"):
        parse_kernel_list(["sobel_x"])


def test_kernel_labels_for_presets_and_custom():
    assert kernel_label("sobel_y")[0] == "Sobel y"
    assert kernel_label("sobel_y")[1].startswith("Sobel y:")
    title, meaning = kernel_label("custom")
    assert title == "Your kernel" and meaning.startswith("Your kernel:")
    with pytest.raises(ValueError, match="`name`"):
        kernel_label("sobel_z")


# --- uploads -------------------------------------------------------------------------


def test_upload_is_downscaled_and_remembers_its_size():
    img, original = load_upload(_encoded(300, 120), 100)
    assert img.shape == (40, 100, 3) and img.dtype == np.float32
    assert original == (120, 300)
    assert "120x300" in downscale_note(original, img.shape)
    assert "40x100" in downscale_note(original, img.shape)


def test_small_upload_is_kept_and_has_no_note():
    img, original = load_upload(_encoded(30, 20), 512)
    assert img.shape == (20, 30, 3) and original == (20, 30)
    assert downscale_note(original, img.shape) is None


def test_upload_size_follows_exif_rotation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    img, original = load_upload(_encoded(80, 40, "JPEG", exif=exif.tobytes()), 512)
    assert img.shape[:2] == (80, 40) and original == (80, 40)


def test_bad_upload_raises_image_error():
    with pytest.raises(ImageError):
        load_upload(b"\x00\x01 definitely not an image", 512)


# --- where windows are ---------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "pos", "centre"), [
    ({"padding": "same"}, (5, 7), (5, 7)),
    ({"padding": "valid"}, (5, 7), (6, 8)),  # 3x3 valid: output i sits on pixel i + 1
    ({"padding": "same", "stride": 2}, (3, 4), (7, 9)),  # Keras 'same': the pad is after
    ({"padding": "valid", "dilation": 2}, (0, 0), (2, 2)),
    ({"padding": "same"}, (0, 0), (0, 0)),
])
def test_window_centre(kwargs, pos, centre):
    plan = conv_plan(np.zeros((20, 20)), np.ones((3, 3)), **kwargs)
    assert window_centre(plan, pos) == centre


@pytest.mark.parametrize("kwargs", [{"padding": "same"}, {"padding": "valid", "stride": 2},
                                    {"padding": 2, "dilation": 2}])
@pytest.mark.parametrize("pos", [(0, 0), (4, 9), (8, 8)])
def test_zoom_region_holds_the_point_and_stays_inside(kwargs, pos):
    img = np.random.default_rng(0).random((30, 24))
    conv = conv_plan(img, np.ones((3, 3)), **kwargs)
    pos = (min(pos[0], conv.out_shape[0] - 1), min(pos[1], conv.out_shape[1] - 1))
    row, col, size = zoom_region(conv, pos, 8)
    assert size == 8 and 0 <= row <= 30 - 8 and 0 <= col <= 24 - 8
    plan = sweep_plan(img, np.ones((3, 3)), region=(row, col, size), **kwargs)
    assert plan.rows[0] <= pos[0] < plan.rows[1] and plan.cols[0] <= pos[1] < plan.cols[1]


def test_zoom_region_is_centred_away_from_the_border():
    conv = conv_plan(np.zeros((100, 100)), np.ones((3, 3)), padding="same")
    assert zoom_region(conv, (50, 40), 16) == (42, 32, 16)
    assert zoom_region(conv, (99, 0), 16) == (84, 0, 16)
    with pytest.raises(ValueError, match="`size`"):
        zoom_region(conv, (0, 0), 0)


# --- text and frames -----------------------------------------------------------------


def test_stack_equation_keeps_every_step_and_note():
    text = explain_output_size(7, 3, padding="same", stride=2, dilation=2)
    stacked = stack_equation(text)
    lines = stacked.splitlines()
    assert lines[0].startswith("k_eff = d * (k - 1) + 1") and lines[1].strip().startswith("= ")
    assert any(line.startswith("('same' padding keeps") for line in lines)
    flat = " ".join(part.strip() for part in stacked.replace("\n", " ").split())
    assert flat == " ".join(text.split())  # nothing lost, nothing added


def test_frame_rows_of_row_and_cell_sweeps():
    rows = sweep_plan(np.zeros((30, 30)), np.ones((3, 3)), n_frames=10)  # 3 rows per frame
    assert [frame_rows(rows, k) for k in (0, 1, 9)] == [(0, 2), (3, 5), (27, 29)]
    zoom = sweep_plan(np.zeros((30, 30)), np.ones((3, 3)), region=(10, 10, 4))
    assert frame_rows(zoom, 0) == (10, 10) and frame_rows(zoom, 5) == (11, 11)
    with pytest.raises(ValueError, match="`frame`"):
        frame_rows(rows, 10)
