"""Static grid-view payloads: the numbers and colours the browser is sent for grids that do
not play (an image as numbers, window coverage)."""

import numpy as np
import pytest

import convviz as cv
from convviz.draw import conv_view, render
from convviz.draw.grid_data import hex_colors
from convviz.draw.numbers import format_value
from convviz.draw.static_grids import (
    channels_payload,
    coverage_payload,
    gray_grid_payload,
    gray_panel,
    patch_kernel_payload,
    static_payload,
)


def _colors(payload: dict, panel: dict) -> list[str]:
    return [payload["palette"][i] for i in panel["colors"]]


def test_a_static_payload_is_one_step_with_nothing_lit_and_no_value_line():
    p = static_payload([gray_panel("a", np.eye(2), lo=0, hi=1, title="a")], [[["a"]]],
                       lines=["a line"])
    assert p["n_steps"] == 1 and p["step"] == 0
    assert p["steps"]["window"] == [[]] and p["steps"]["target"] is None
    assert p["steps"]["label"] == [""] and p["steps"]["value"] == [""]
    assert p["steps"]["lines"] == [["a line"]]


def test_a_gray_grid_holds_the_numbers_and_the_gray_scale_with_its_legend():
    v = np.array([[0.0, 63.75], [191.25, 255.0]])
    p = gray_grid_payload(v, lo=0, hi=255, title="pixels")
    (panel,) = p["panels"]
    assert panel["text"] == ["0", "63.75", "191.25", "255"]
    assert _colors(p, panel) == hex_colors(render.gray_colors(v, 0, 255))
    assert panel["legend"]["colors"] == ["#000000", "#ffffff"]
    assert panel["legend"]["ticks"] == ["0", "255"]


def test_padding_cells_are_grey_and_flagged():
    mask = np.array([[True, False]])
    panel = gray_panel("x", np.array([[0.0, 1.0]]), lo=0, hi=1, title="x", pad_mask=mask)
    assert panel["flags"] == [1, 0] and panel["colors"][0] == "#d6d6d6"
    with pytest.raises(ValueError, match="`pad_mask` must have shape"):
        gray_panel("x", np.zeros((2, 2)), lo=0, hi=1, title="x", pad_mask=mask)


def test_channels_show_each_channel_alone_with_a_legend_each():
    img = np.random.default_rng(0).integers(0, 256, (5, 5, 3)).astype(np.float64)
    p = channels_payload(img)
    assert [q["title"] for q in p["panels"]] == ["red", "green", "blue"]
    assert p["layout"] == [[["red"], ["green"], ["blue"]]]  # side by side
    for c, panel in enumerate(p["panels"]):
        assert panel["text"] == [format_value(v) for v in img[..., c].ravel()]
        want = np.zeros_like(img, dtype=np.uint8)
        want[..., c] = img[..., c].astype(np.uint8)
        assert _colors(p, panel) == hex_colors(want)
        assert panel["legend"]["ticks"] == ["0", "255"]
    with pytest.raises(ValueError, match=r"`image` must have shape \(rows, cols, 3\)"):
        channels_payload(np.zeros((2, 2)))


def test_coverage_counts_are_the_engines():
    plan = cv.conv_plan(np.zeros((7, 7)), np.ones((3, 3)), padding=1, stride=2)
    cov = conv_view.coverage(plan)
    p = coverage_payload(cov)
    (panel,) = p["panels"]
    assert panel["text"] == [str(int(v)) for v in cov.ravel()]
    assert panel["legend"]["ticks"] == ["0", str(int(cov.max()))]
    assert _colors(p, panel) == hex_colors(render.gray_colors(cov, 0, cov.max()))
    with pytest.raises(ValueError, match="`counts` must hold whole numbers"):
        coverage_payload(np.array([[0.5]]))


def test_a_patch_beside_its_kernel():
    patch = np.array([[0.0, 0.25], [1.5, 0.75]])
    kernel = np.array([[0.5, -0.25], [0.125, 0.0]])
    mask = np.array([[True, False], [False, False]])
    p = patch_kernel_payload(patch, kernel, pad_mask=mask)
    x, k = p["panels"]
    assert x["text"] == ["0", "0.25", "1.5", "0.75"] and x["flags"] == [1, 0, 0, 0]
    assert _colors(p, x)[1:] == hex_colors(render.gray_colors(patch, 0, 1.5))[1:]
    assert k["text"] == ["0.5", "-0.25", "0.13", "0"]
    assert _colors(p, k) == hex_colors(render.diverging_colors(kernel))
    assert x["legend"]["ticks"] == ["0", "1.5"] and k["legend"]["ticks"] == ["-0.5", "0", "0.5"]
    assert p["layout"] == [[["patch"], ["kernel"]]]
