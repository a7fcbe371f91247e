"""Tests for convviz.draw.pool_grid: the pooling step view's payload holds the engine's numbers."""

import json

import numpy as np
import pytest

import convviz as cv
from convviz.draw import grid_data as gd
from convviz.draw import render
from convviz.draw.numbers import format_value
from convviz.draw.pool_grid import pool_grid_payload
from convviz.teach.examples import random_grid
from convviz.teach.pool_text import pool_step_text

X4 = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]], dtype=np.float64)


def _panel(payload, panel_id):
    return next(p for p in payload["panels"] if p["id"] == panel_id)


def _colors(payload, ids):
    return [payload["palette"][i] for i in ids]


def _lines(plan, cip=True):
    return [[pool_step_text(s, plan.pad_mask[np.ix_(s.rows, s.cols)], count_include_pad=cip)]
            for s in (plan.step(i) for i in range(plan.n_steps))]


@pytest.mark.parametrize("kw", [
    {"pool_size": 2}, {"pool_size": 3, "stride": 1}, {"pool_size": 3, "stride": 2, "padding": 1},
    {"pool_size": 2, "mode": "avg"},
    {"pool_size": 3, "stride": 2, "padding": 1, "mode": "avg", "count_include_pad": False},
    {"pool_size": 2, "stride": 2, "ceil_mode": True},
    {"pool_size": 4, "stride": 3, "padding": 2, "ceil_mode": True, "mode": "avg"},
])
def test_payload_equals_the_engine(kw):
    x = random_grid(7, 7, seed=2).astype(np.float64)
    pool_size = kw.pop("pool_size")
    cip = kw.get("count_include_pad", True)
    plan = cv.pool_plan(x, pool_size, **kw)
    out = cv.pool2d(x, pool_size, **kw)  # the vectorised engine
    lines = _lines(plan, cip)
    p = pool_grid_payload(plan, lines=lines)
    assert json.loads(json.dumps(p)) == p  # JSON as it is
    hp, wp = plan.pad_mask.shape
    inp, outp = _panel(p, "input"), _panel(p, "output")
    assert (inp["rows"], inp["cols"], inp["role"]) == (hp, wp, "source")
    assert inp["text"] == [format_value(float(v)) for v in plan.padded.ravel()]
    assert inp["flags"] == [gd.PAD if m else 0 for m in plan.pad_mask.ravel()]
    vmax = render.full_scale(x)
    want = np.where(plan.pad_mask[..., None], np.uint8(render.PAD_FILL),
                    render.diverging_colors(plan.padded, vmax))
    assert _colors(p, inp["colors"]) == gd.hex_colors(want.astype(np.uint8))
    assert (outp["rows"], outp["cols"], outp["role"], outp["reveal"]) == (
        *out.shape, "target", True)
    assert outp["text"] == [format_value(float(v)) for v in out.ravel()]
    assert _colors(p, outp["colors"]) == gd.hex_colors(render.diverging_colors(out, vmax))
    assert p["n_steps"] == plan.n_steps == out.size
    for i in range(plan.n_steps):
        s = plan.step(i)
        r, c = s.out_pos
        assert p["steps"]["window"][i] == [a * wp + b for a in s.rows for b in s.cols]
        assert p["steps"]["target"][i] == r * out.shape[1] + c
        assert p["steps"]["value"][i] == format_value(float(out[r, c]))
        assert p["steps"]["lines"][i] == lines[i]
        assert p["steps"]["label"][i] == f"output[{r}, {c}] (row {r + 1}, column {c + 1})"
        if plan.mode == "max":
            wr, wc = s.rows[s.argmax[0]], s.cols[s.argmax[1]]
            assert p["steps"]["marks"][i] == [wr * wp + wc]
            assert plan.padded[wr, wc] == out[r, c]  # the circled cell holds the output
    if plan.mode == "avg":
        assert p["steps"]["marks"] is None


def test_max_padding_is_minus_infinity_and_never_wins():
    plan = cv.pool_plan(-np.ones((3, 3)), 2, padding=1)
    p = pool_grid_payload(plan, lines=_lines(plan))
    inp = _panel(p, "input")
    assert inp["text"][0] == "-∞" and "never wins" in inp["caption"]
    flags = inp["flags"]
    assert all(flags[m[0]] == 0 for m in p["steps"]["marks"])
    assert p["steps"]["value"] == ["-1"] * 4


def test_global_pooling_is_one_step_over_the_whole_map():
    plan = cv.pool_plan(X4, X4.shape, mode="max")
    p = pool_grid_payload(plan, lines=[["max of the 16 values = 8"]])
    assert p["n_steps"] == 1 and p["steps"]["window"] == [list(range(16))]
    assert p["steps"]["marks"] == [[15]] and p["steps"]["value"] == ["8"]
    assert _panel(p, "input")["caption"] is None
    assert float(cv.global_pool(X4, "max")) == 8


def test_the_legend_names_the_scale_of_both_grids():
    plan = cv.pool_plan(X4, 2)
    p = pool_grid_payload(plan, lines=_lines(plan), vmax=10)
    assert _panel(p, "input")["legend"]["ticks"] == ["-10", "0", "10"]
    assert _panel(p, "output")["legend"] == _panel(p, "input")["legend"]


def test_start_step_and_errors():
    plan = cv.pool_plan(X4, 2)
    assert pool_grid_payload(plan, lines=_lines(plan), step=3)["step"] == 3
    with pytest.raises(ValueError, match=r"`lines` must have one entry per step \(4\), got 1"):
        pool_grid_payload(plan, lines=[["x"]])
    with pytest.raises(TypeError, match="`plan` must be a PoolPlan, got dict"):
        pool_grid_payload({}, lines=[])
