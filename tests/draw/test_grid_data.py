"""Tests for convviz.draw.grid_data: the grid view's payload holds the engine's numbers."""

import json

import numpy as np
import pytest

import convviz as cv
from convviz.draw import conv_view as view
from convviz.draw import grid_data as gd
from convviz.draw import render
from convviz.draw.conv_grid import conv_grid_payload
from convviz.teach.examples import make_input, rgb_filters

SOBEL = cv.KERNELS["sobel_x"].array


def _panel(payload, panel_id):
    return next(p for p in payload["panels"] if p["id"] == panel_id)


def _colors(payload, ids):
    return [payload["palette"][i] for i in ids]


def _text(values):
    return [view.fmt(float(v)) for v in np.ravel(values)]


def _check_steps(plan, payload, *, channels=None):
    """Every step of the payload against the engine's step of the same index."""
    hp, wp = plan.pad_mask.shape
    values = view.plan_values(plan)  # (H', W'): conv2d, the vectorised engine
    out = _panel(payload, "output")
    assert (out["rows"], out["cols"]) == plan.out_shape
    assert out["text"] == _text(values)
    assert _colors(payload, out["colors"]) == gd.hex_colors(render.diverging_colors(values))
    assert payload["n_steps"] == plan.n_steps
    steps = payload["steps"]
    for i in range(plan.n_steps):
        s = plan.step(i)
        assert steps["window"][i] == [r * wp + c for r in s.rows for c in s.cols]
        r, c = s.out_pos
        assert steps["target"][i] == r * plan.out_shape[1] + c
        assert steps["value"][i] == view.fmt(s.value) == out["text"][steps["target"][i]]
        first, second = view.step_equation(s, plan.kernel)
        assert steps["lines"][i][0].endswith(first) and steps["lines"][i][1].startswith(
            f"Plus bias: {second}")
        for ch in channels or [None]:
            sfx = "" if ch is None else "." + view.CHANNEL_NAMES[ch]
            prods = s.products if ch is None else s.products[..., ch]
            frame = _panel(payload, "products" + sfx)["frames"][i]
            assert frame["text"] == _text(prods)
            assert _colors(payload, frame["colors"]) == gd.hex_colors(
                render.diverging_colors(prods))
            if ch is not None:
                note = _panel(payload, "products" + sfx)["notes"][i]
                assert note.endswith(view.fmt(float(s.channel_sums[ch])))


@pytest.mark.parametrize("geo", [
    {}, {"padding": 1}, {"stride": 2}, {"padding": 2, "stride": 3, "dilation": 2},
    {"padding": "same", "padding_mode": "reflect"}, {"flip": True},
])
def test_one_channel_payload_equals_the_engine(geo):
    x = make_input("random", 7, 6, seed=4)
    plan = cv.conv_plan(x, SOBEL, 0.5, **geo)
    payload = conv_grid_payload(plan)
    _check_steps(plan, payload)
    inp = _panel(payload, "input")
    assert inp["role"] == "source" and (inp["rows"], inp["cols"]) == plan.pad_mask.shape
    assert inp["text"] == _text(plan.padded)
    assert inp["flags"] == [gd.PAD if m else 0 for m in plan.pad_mask.ravel()]
    # The colours of the GIF's input picture (conv_view.input_base): gray, padding filled.
    vmin, vmax = min(0.0, plan.padded.min()), max(1.0, plan.padded.max())
    want = np.where(plan.pad_mask[..., None], np.uint8(render.PAD_FILL),
                    render.gray_colors(plan.padded, vmin, vmax))
    assert _colors(payload, inp["colors"]) == gd.hex_colors(want.astype(np.uint8))
    kern = _panel(payload, "kernel")
    assert kern["text"] == [view.numbers.weight_format(plan.kernel)(float(w))
                            for w in plan.kernel.ravel()]
    assert payload["layout"] == [[["input"], ["kernel", "products"], ["output"]]]


@pytest.mark.parametrize("n_filters", [1, 2, 4])
@pytest.mark.parametrize("geo", [{}, {"padding": 1, "stride": 2}])
def test_three_channels_and_several_filters_equal_the_engine(n_filters, geo):
    x = make_input("digit", 6, 7, channels=3)
    filters = rgb_filters(SOBEL, n_filters)  # (3, 3, 3, F)
    maps = cv.conv2d(x, filters, 1.0, **geo)  # (H', W', F): every filter at once
    for f in range(n_filters):
        plan = cv.conv_plan(x, filters[..., f], 1.0, **geo)
        payload = conv_grid_payload(plan)
        _check_steps(plan, payload, channels=[0, 1, 2])
        np.testing.assert_allclose(
            [float(v) for v in _panel(payload, "output")["text"]], maps[..., f].ravel(),
            atol=5e-4 * max(1.0, np.abs(maps).max()))
        for ch, name in enumerate(view.CHANNEL_NAMES):
            inp = _panel(payload, f"input.{name}")
            assert inp["text"] == _text(plan.padded[..., ch])
            assert inp["legend"]["colors"][-1] == gd.hex_colors(
                view.channel_colors(np.array([1.0]), ch, 0, 1))[0]


def test_coverage_from_the_windows_equals_the_engines():
    """What the browser counts on hover (windows holding a cell) is conv_view.coverage."""
    for geo in ({}, {"padding": 1}, {"stride": 2, "dilation": 2, "padding": 2}):
        plan = cv.conv_plan(np.zeros((7, 7)), np.ones((3, 3)), **geo)
        payload = conv_grid_payload(plan)
        counts = np.zeros(plan.pad_mask.size, dtype=int)
        for cells in payload["steps"]["window"]:
            counts[cells] += 1
        (top, bottom), (left, right) = plan.pads
        hp, wp = plan.pad_mask.shape
        inner = counts.reshape(hp, wp)[top:hp - bottom, left:wp - right]
        np.testing.assert_array_equal(inner, view.coverage(plan))


def test_step_is_clipped_and_leaves_the_token_alone():
    plan = cv.conv_plan(np.arange(25.0).reshape(5, 5), SOBEL)
    a, b = conv_grid_payload(plan, step=3), conv_grid_payload(plan, step=99)
    assert (a["step"], b["step"]) == (3, 8)
    assert a["token"] == b["token"]
    other = conv_grid_payload(cv.conv_plan(np.arange(25.0).reshape(5, 5), -SOBEL))
    assert other["token"] != a["token"]


def test_payload_is_json_and_small():
    plan = cv.conv_plan(make_input("digit", 7, 7), SOBEL)
    text = json.dumps(conv_grid_payload(plan))
    assert json.loads(text)["schema"] == gd.SCHEMA
    assert len(text) < 20_000  # the default example: kilobytes, sent once per rerun


def test_palette_holds_every_cell_colour_once():
    plan = cv.conv_plan(make_input("random", 6, 6, seed=1), SOBEL, padding=1)
    payload = conv_grid_payload(plan)
    assert len(set(payload["palette"])) == len(payload["palette"])
    assert all(c.startswith("#") and len(c) == 7 for c in payload["palette"])


def test_hex_colors_checks_its_argument():
    with pytest.raises(ValueError, match=r"`rgb` must have shape \(\.\.\., 3\)"):
        gd.hex_colors(np.zeros((2, 2), np.uint8))
    with pytest.raises(TypeError, match="`rgb` must be uint8, got float64"):
        gd.hex_colors(np.zeros((1, 3)))


def _p(pid="x", role="source", shape=(1, 2)):
    return gd.grid_panel(pid, title=pid, text=np.full(shape, "1", dtype=object),
                         colors=np.zeros((*shape, 3), np.uint8), role=role)


def test_grid_panel_checks_its_arguments():
    with pytest.raises(ValueError, match="`role` must be one of"):
        _p(role="input")
    with pytest.raises(ValueError, match=r"`colors` must have shape \(1, 2, 3\)"):
        gd.grid_panel("x", title="x", text=[["1", "2"]], colors=np.zeros((2, 1, 3), np.uint8))
    with pytest.raises(ValueError, match="`text` must be a non-empty"):
        gd.grid_panel("x", title="x", text=[[]], colors=np.zeros((1, 0, 3), np.uint8))
    with pytest.raises(ValueError, match=r"`frames` colors must have shape"):
        gd.grid_panel("x", title="x", text=[["1"]], colors=np.zeros((1, 1, 3), np.uint8),
                      frames=[{"text": [["2"]], "colors": np.zeros((2, 1, 3), np.uint8)}])


def test_grid_payload_checks_its_arguments():
    ok = {"window": [[0]], "lines": [["a"]], "value": ["1"], "label": ["x"]}
    with pytest.raises(ValueError, match="`layout` must place every panel once"):
        gd.grid_payload([_p()], [[["y"]]], **ok)
    with pytest.raises(ValueError, match="ids must be unique"):
        gd.grid_payload([_p(), _p()], [[["x"], ["x"]]], **ok)
    with pytest.raises(ValueError, match="cell 2 is outside panel 'x'"):
        gd.grid_payload([_p()], [[["x"]]], **{**ok, "window": [[2]]})
    with pytest.raises(ValueError, match=r"`value` must have one entry per step \(1\), got 2"):
        gd.grid_payload([_p()], [[["x"]]], **{**ok, "value": ["1", "2"]})
    with pytest.raises(ValueError, match="`target` is needed"):
        gd.grid_payload([_p(), _p("y", "target")], [[["x"], ["y"]]], **ok)
    with pytest.raises(ValueError, match="got no steps"):
        gd.grid_payload([_p()], [[["x"]]], **{**ok, "window": []})
    with pytest.raises(TypeError, match="`plan` must be a ConvPlan"):
        conv_grid_payload(np.zeros((3, 3)))


def test_windows_as_strided_boxes():
    assert gd.box_cells([1, 2, 3, 10, 2]) == [1, 3, 5, 11, 13, 15]
    assert gd.box_cells([7, 1, 1, 0, 0]) == [7]
    with pytest.raises(ValueError, match=r"`box` must be \[start >= 0, .*got \[0, 0, 1, 1, 1\]"):
        gd.box_cells([0, 0, 1, 1, 1])
    src = gd.grid_panel("x", title="x", text=np.full((4, 4), "0", dtype=object),
                        colors=np.zeros((4, 4, 3), np.uint8), role="source")
    out = gd.grid_payload([src], [[["x"]]], boxes=[[0, 2, 2, 8, 2], [5, 2, 2, 8, 2]],
                          lines=[["a"], ["b"]], value=["1", "2"], label=["p", "q"])
    assert out["steps"]["window"] is None and out["steps"]["boxes"][1] == [5, 2, 2, 8, 2]
    assert out["n_steps"] == 2
    with pytest.raises(ValueError, match="cell 23 is outside panel 'x' \\(4x4\\)"):
        gd.grid_payload([src], [[["x"]]], boxes=[[5, 3, 2, 8, 2]], lines=[["a"]],
                        value=["1"], label=["p"])
    with pytest.raises(ValueError, match="give either `window` \\(cell lists\\) or `boxes`"):
        gd.grid_payload([src], [[["x"]]], window=[[0]], boxes=[[0, 1, 1, 0, 0]],
                        lines=[["a"]], value=["1"], label=["p"])


def test_panel_lit_hover_and_links_are_checked_against_the_steps_and_panels():
    grid_panel, grid_payload = gd.grid_panel, gd.grid_payload
    z = np.zeros((1, 2, 3), np.uint8)
    a = grid_panel("a", title="a", text=[["1", "2"]], colors=z, lit=[[0], [1]],
                   hover=[["first", "second"]], links={"b": [[0], [0, 1]]})
    b = grid_panel("b", title="b", text=[["3", "4"]], colors=z)
    p = grid_payload([a, b], [[["a"], ["b"]]], window=[[], []], lines=[[], []],
                     value=["", ""], label=["", ""])
    assert p["panels"][0]["lit"] == [[0], [1]]
    assert p["panels"][0]["hover"] == ["first", "second"]
    assert p["panels"][0]["links"] == {"b": [[0], [0, 1]]}
    assert "lit" not in p["panels"][1]  # absent when not given
    with pytest.raises(ValueError, match="`lit` must have one entry per step"):
        grid_payload([a, b], [[["a"], ["b"]]], window=[[]], lines=[[]], value=[""],
                     label=[""])
    far = grid_panel("a", title="a", text=[["1", "2"]], colors=z, lit=[[2]])
    with pytest.raises(ValueError, match="lit cell 2 is outside panel 'a'"):
        grid_payload([far], [[["a"]]], window=[[]], lines=[[]], value=[""], label=[""])
    stray = grid_panel("a", title="a", text=[["1", "2"]], colors=z, links={"c": [[0], []]})
    with pytest.raises(ValueError, match="links to 'c', which is not a panel"):
        grid_payload([stray], [[["a"]]], window=[[]], lines=[[]], value=[""], label=[""])
    with pytest.raises(ValueError, match="one cell list per cell"):
        grid_panel("a", title="a", text=[["1", "2"]], colors=z, links={"b": [[0]]})
