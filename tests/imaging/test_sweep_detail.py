"""One window's numbers in a sweep: pixels, kernel, products, sum, and their drawing."""

from __future__ import annotations

import numpy as np
import pytest

from convviz import conv2d
from convviz.draw.numbers import format_value, weight_format
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_detail import (
    render_window_detail,
    window_detail,
    window_detail_payload,
)

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _image(h: int, w: int, c: int | None = None, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w) if c is None else (h, w, c)).astype(np.float32)


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2, "padding": "valid"},
                                    {"dilation": 2, "padding_mode": "reflect"}, {"flip": True}])
def test_window_detail_sum_is_the_conv2d_value(kwargs):
    img = _image(11, 13)
    plan = sweep_plan(img, SOBEL_X, **kwargs)
    expected = conv2d(img, SOBEL_X, padding=kwargs.pop("padding", "same"), **kwargs)
    for pos in [(0, 0), (plan.fmap.shape[0] - 1, plan.fmap.shape[1] - 1), (2, 3)]:
        d = window_detail(plan, pos)
        assert d.value == pytest.approx(float(expected[pos]), abs=1e-5)
        np.testing.assert_allclose(d.products, d.patch * d.kernel)
        assert d.products.sum() == pytest.approx(d.value, abs=1e-5)


def test_window_detail_of_a_frame_and_of_padding():
    plan = sweep_plan(_image(5, 5), SOBEL_X, padding="same")
    d = window_detail(plan, 0)
    assert d.position == (0, 0)
    assert d.pad_mask[0].all() and d.pad_mask[:, 0].all() and not d.pad_mask[1:, 1:].any()
    np.testing.assert_array_equal(d.patch[d.pad_mask], 0)
    assert window_detail(plan, 7).position == plan.position(7)


def test_window_detail_flip_shows_the_kernel_as_applied():
    plan = sweep_plan(_image(5, 5), SOBEL_X, flip=True)
    np.testing.assert_array_equal(window_detail(plan, (1, 1)).kernel, SOBEL_X[::-1, ::-1])


def test_window_detail_rgb_channel_sums_add_up():
    plan = sweep_plan(_image(7, 7, 3), SOBEL_X, channels="rgb")
    d = window_detail(plan, (3, 4))
    assert d.patch.shape == (3, 3, 3) and d.channel_sums.shape == (3,)
    assert d.channel_sums.sum() == pytest.approx(d.value, abs=1e-5)
    assert d.value == pytest.approx(float(plan.fmap[3, 4]), abs=1e-5)


def test_window_detail_bad_positions():
    plan = sweep_plan(_image(5, 5), SOBEL_X)
    with pytest.raises(ValueError, match="`position`"):
        window_detail(plan, (5, 0))
    with pytest.raises(ValueError, match="`frame`"):
        window_detail(plan, 25)
    with pytest.raises(TypeError, match="`position`"):
        window_detail(plan, "centre")


@pytest.mark.parametrize("channels", ["gray", "rgb"])
def test_render_window_detail_draws_an_image(channels):
    plan = sweep_plan(_image(7, 7, 3), SOBEL_X, channels=channels)
    img = render_window_detail(window_detail(plan, (2, 2)))
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.shape[0] > (3 * 150 if channels == "rgb" else 150)


def test_the_kernel_grid_shows_weights_as_fractions(monkeypatch):
    from convviz.draw import render

    seen = []
    draw = render.draw_grid

    def spy(values, **kw):
        seen.append((np.asarray(values).copy(), kw.get("fmt")))
        return draw(values, **kw)

    monkeypatch.setattr(render, "draw_grid", spy)
    box = np.full((3, 3), 1 / 9, np.float32)
    render_window_detail(window_detail(sweep_plan(np.ones((5, 5)), box), 0))
    (fmt,) = [f for v, f in seen if np.array_equal(v, box)]
    assert fmt is not None and fmt(box[0, 0]) == "1/9"  # not 0.11


def _texts(values, write) -> list[str]:
    return [write(float(v)) for v in np.asarray(values).ravel()]


@pytest.mark.parametrize("channels", [None, 3])
def test_the_browser_payload_holds_the_windows_numbers(channels):
    img = _image(9, 9, channels, seed=2)
    kernel = SOBEL_X if channels is None else SOBEL_X / 4
    plan = sweep_plan(img, kernel, channels="gray" if channels is None else "rgb")
    d = window_detail(plan, (0, 4))  # the top row: the window's first row is padding
    p = window_detail_payload(d)
    assert p["n_steps"] == 1 and p["steps"]["label"] == [""]
    by_id = {q["id"]: q for q in p["panels"]}
    names = [""] if channels is None else [".R", ".G", ".B"]
    for k, sfx in enumerate(names):
        sl = (...,) if channels is None else (..., k)
        pix, kern, prod = by_id["pixels" + sfx], by_id["kernel" + sfx], by_id["products" + sfx]
        assert pix["text"] == _texts(d.patch[sl], format_value)
        assert prod["text"] == _texts(d.products[sl], format_value)
        assert kern["text"] == _texts(d.kernel[sl], weight_format(d.kernel[sl]))
        assert pix["flags"] == prod["flags"] == [int(m) for m in d.pad_mask.ravel()]
        assert d.pad_mask[0].all() and not d.pad_mask[1:].any()
        assert all(q["legend"] for q in (pix, kern, prod))
    total = p["steps"]["lines"][0][-1]
    assert total.startswith("sum of products") and total.endswith(
        f"= {format_value(float(plan.fmap[0, 4]), 4)}")
    if channels:
        assert p["steps"]["lines"][0][:3] == [
            f"{c} sum = {format_value(float(v), 4)}" for c, v in zip("RGB", d.channel_sums,
                                                                      strict=True)]
