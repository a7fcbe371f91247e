"""The sweep's browser payload: its numbers and geometry are the engine's, within budgets."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from convviz import conv2d
from convviz.draw.colors import apply_display, feature_map_rgb
from convviz.draw.numbers import format_value, weight_format
from convviz.engine.conv_steps import conv_plan
from convviz.imaging.filters import frame_rows
from convviz.imaging.pixels import to_grayscale
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_payload import frame_where, payload_bytes, sweep_payload, window_crop

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _image(h: int, w: int, c: int | None = None, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


def _pixels(url: str) -> np.ndarray:
    head, data = url.split(",", 1)
    assert head.startswith("data:image/") and head.endswith(";base64")
    with Image.open(io.BytesIO(base64.b64decode(data))) as im:
        return np.asarray(im.convert("RGB"))


def _texts(a: np.ndarray, decimals: int = 2) -> list[str]:
    return [format_value(v, decimals) for v in np.asarray(a, np.float64).ravel()]


@pytest.mark.parametrize("display", ["signed", "relu", "abs"])
def test_the_map_is_the_filter_response_of_the_luma_image(display):
    img = _image(12, 10, 3)
    plan = sweep_plan(img, SOBEL_X, stride=2, padding=1, padding_mode="reflect")
    data = sweep_payload(plan, display=display)
    want = conv2d(to_grayscale(img)[..., 0], SOBEL_X, stride=2, padding=1,
                  padding_mode="reflect")  # (6, 5)
    assert (data["map"]["rows"], data["map"]["cols"], data["map"]["origin"]) == (6, 5, [0, 0])
    assert data["map"]["values"] == _texts(apply_display(want, display))
    np.testing.assert_array_equal(_pixels(data["map"]["src"]),
                                  feature_map_rgb(want, mode=display))  # PNG: exact colours
    assert data["map"]["vmax"] == pytest.approx(float(np.abs(apply_display(want, display)).max()))
    assert data["map"]["cell"] == 2


def test_the_input_is_the_padded_picture_the_windows_cover():
    img = _image(7, 9)
    plan = sweep_plan(img, SOBEL_X, padding=2, dilation=2)
    data = sweep_payload(plan)
    padded = np.pad(img, 2)  # zeros padding, as the engine pads
    assert (data["input"]["rows"], data["input"]["cols"]) == padded.shape
    assert data["input"]["values"] == _texts(padded)
    pad = np.ones(padded.shape, bool)
    pad[2:-2, 2:-2] = False
    assert data["input"]["pad"] == "".join("1" if p else "0" for p in pad.ravel())
    shown = _pixels(data["input"]["src"])[..., 0].astype(int)
    grey = np.rint(padded * 255).astype(int)
    np.testing.assert_array_equal(shown[~pad], grey[~pad])
    np.testing.assert_array_equal(shown[pad], grey[pad] // 2 + 214 // 2)  # padding: tinted


def test_the_window_order_is_the_plans_and_each_window_is_the_engines_step():
    img = _image(9, 8)
    plan = sweep_plan(img, SOBEL_X, padding="valid", by_rows=False)  # 7 x 6, cell by cell
    data = sweep_payload(plan)
    steps = conv_plan(img, SOBEL_X)
    assert data["revealed"] == list(range(1, 43)) and data["by_rows"] is False
    assert data["pos"] == [list(divmod(f, 6)) for f in range(42)]
    assert data["geometry"] == {"kernel": [3, 3], "stride": [1, 1], "dilation": [1, 1]}
    detail = data["detail"]
    assert detail["kernel"] == [weight_format(SOBEL_X)(v) for v in SOBEL_X.ravel()]
    for f in (0, 17, 41):
        step = steps.step(f)
        patch, products, pad, value, sums = detail["frames"][f]
        assert patch.split(" ") == _texts(step.patch)
        assert products.split(" ") == _texts(step.products)
        assert pad == "0" * 9 and sums == ""
        assert value == format_value(step.value, 4) == format_value(plan.fmap[divmod(f, 6)], 4)


def test_rows_of_a_big_sweep_and_their_words():
    plan = sweep_plan(_image(40, 30), SOBEL_X, n_frames=8)  # 5 rows per frame
    data = sweep_payload(plan)
    assert data["by_rows"] is True and data["n_frames"] == 8
    assert data["revealed"] == [int(v) for v in plan.revealed] == [150 * k for k in range(1, 9)]
    assert data["pos"] == [list(plan.position(f)) for f in range(8)]
    assert data["where"][1] == "output rows 5-9" == frame_where(plan, 1)
    assert [frame_rows(plan, f) for f in (0, 7)] == [(0, 4), (35, 39)]


def test_a_zoomed_region_starts_at_its_first_output_cell():
    img = _image(30, 30)
    plan = sweep_plan(img, SOBEL_X, padding=1, region=(10, 12, 4))
    data = sweep_payload(plan)
    ys, xs = window_crop(plan)
    assert data["map"]["origin"] == [plan.rows[0], plan.cols[0]] == [10, 12]
    assert data["input"]["origin"] == [ys.start, xs.start] == [10, 12]
    assert data["input"]["values"] == _texts(plan.conv.padded[ys, xs])
    assert data["pos"][:5] == [[10, 12], [10, 13], [10, 14], [10, 15], [11, 12]]
    assert data["where"][0] == "output cell (10, 12)"
    assert data["map"]["values"] == _texts(plan.fmap[10:14, 12:16])


def test_rgb_windows_hold_each_channel_and_their_sums():
    img = _image(6, 6, 3)
    plan = sweep_plan(img, SOBEL_X, channels="rgb")
    data = sweep_payload(plan)
    detail = data["detail"]
    assert detail["channels"] == 3 and len(detail["kernel"]) == 9
    step = plan.conv.step(7)
    patch, products, _, value, sums = detail["frames"][7]
    assert patch.split(" ") == _texts(np.moveaxis(step.patch, 2, 0))  # R, then G, then B
    assert products.split(" ") == _texts(np.moveaxis(step.products, 2, 0))
    assert sums.split(" ") == [format_value(v, 4) for v in step.channel_sums]
    assert value == format_value(float(plan.fmap[1, 1]), 4)
    assert data["input"]["values"][0] == " ".join(_texts(plan.conv.padded[0, 0]))
    assert data["input"]["label"] == "input (R, G, B summed)"


def test_the_legends_are_the_colour_scales_of_the_pictures():
    plan = sweep_plan(_image(8, 8), SOBEL_X)
    data = sweep_payload(plan, vmax=2.0)
    legend = data["map"]["legend"]
    values = np.linspace(2.0, -2.0, len(legend["colors"]))
    want = feature_map_rgb(values[None, :], vmax=2.0)[0]
    assert legend["colors"] == ["#" + bytes(c).hex() for c in want.astype(np.uint8)]
    assert legend["ticks"] == [[0.0, "2"], [0.5, "0"], [1.0, "-2"]]
    relu = sweep_payload(plan, display="relu", vmax=2.0)["map"]["legend"]
    assert relu["ticks"][-1] == [1.0, "0"] and relu["colors"][-1] == "#440154"  # viridis 0
    assert data["input"]["legend"]["colors"][0] == "#ffffff"


def test_budgets_leave_numbers_out_and_say_why():
    plan = sweep_plan(_image(40, 40), SOBEL_X)  # 40 rows: 40 windows of 18 numbers
    data = sweep_payload(plan, numbers_budget=100, detail_budget=700)
    assert data["input"]["values"] is None and data["map"]["values"] is None
    assert "720 numbers, more than the 700" in data["detail"]["omitted"]
    assert "frames" not in data["detail"]
    assert "frames" in sweep_payload(plan, detail_budget=720)["detail"]


def test_big_pictures_are_shrunk_and_sent_as_jpeg():
    plan = sweep_plan(_image(300, 200), SOBEL_X)
    data = sweep_payload(plan, max_side=200)  # 200 x 133 pixels: more than 128 x 128
    assert data["map"]["src"].startswith("data:image/jpeg;base64,")
    assert _pixels(data["map"]["src"]).shape == (200, 133, 3)
    assert _pixels(data["input"]["src"]).shape == (200, 134, 3)
    assert (data["input"]["rows"], data["map"]["rows"]) == (302, 300)  # the geometry stays


def test_equal_arguments_give_an_equal_json_payload():
    img = _image(20, 20)
    a = sweep_payload(sweep_plan(img, SOBEL_X), display="abs")
    b = sweep_payload(sweep_plan(img, SOBEL_X), display="abs")
    assert json.dumps(a) == json.dumps(b)
    assert payload_bytes(a) == len(json.dumps(a).encode())


def test_bad_arguments_name_themselves():
    plan = sweep_plan(_image(5, 5), SOBEL_X)
    with pytest.raises(TypeError, match="`plan` must be a SweepPlan"):
        sweep_payload(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="`display`"):
        sweep_payload(plan, display="log")
    with pytest.raises(ValueError, match="`max_side`"):
        sweep_payload(plan, max_side=4)
    with pytest.raises(ValueError, match="`frame` must be in 0..24, got 25"):
        frame_where(plan, 25)


def test_a_shrunk_map_shows_picked_cells_in_their_own_colours():
    plan = sweep_plan(_image(300, 200), SOBEL_X)
    data = sweep_payload(plan, max_side=120)  # every 2.5th row and column, as the GIF picks
    rows, cols = ((np.arange(n) / 0.4).astype(int) for n in (120, 80))
    picked = plan.fmap[np.ix_(rows, cols)]
    want = feature_map_rgb(picked, vmax=float(np.abs(plan.fmap).max()))  # the whole map's scale
    np.testing.assert_array_equal(_pixels(data["map"]["src"]), want)  # PNG: exact
