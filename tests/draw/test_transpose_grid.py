"""The transposed-convolution payloads carry the engine's numbers, step by step."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import convviz as cv
from convviz.draw.conv_view import fmt
from convviz.draw.transpose_grid import (
    adjoint_payload,
    as_conv_payload,
    matrix_payload,
    output_progress,
    scatter_payload,
    terms_line,
)

CONFIGS = [  # (input shape, kernel shape, stride, padding, output_padding, dilation, bias)
    ((3, 3), (3, 3), 2, 1, 1, 1, 0.0),
    ((2, 3), (2, 2), 2, 0, 0, 1, 1.5),
    ((4, 4), (4, 4), 1, 2, 0, 1, -1.0),
    ((2, 2), (3, 3), 3, 0, 2, 1, 0.0),
    ((3, 2), (2, 3), 1, 1, 1, 2, 0.25),
    ((5, 5), (1, 1), 2, 0, 1, 1, 0.0),
]


def _plan(cfg, seed=0):
    shape, kshape, s, p, op, d, b = cfg
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 10, size=shape).astype(float)
    k = rng.integers(-2, 3, size=kshape).astype(float)
    return cv.transpose_plan(x, k, b, stride=s, padding=p, output_padding=op, dilation=d)


def _panel(payload, pid):
    return next(p for p in payload["panels"] if p["id"] == pid)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_scatter_steps_carry_the_engines_stamps_and_sums(cfg):
    plan = _plan(cfg)
    p = scatter_payload(plan)
    hf, wf = plan.full_shape
    ho, wo = plan.out_shape
    stamped, output, stamp = _panel(p, "stamped"), _panel(p, "output"), _panel(p, "stamp")
    assert p["n_steps"] == plan.n_steps
    for t in range(plan.n_steps):
        s = plan.stamp(t)
        assert p["steps"]["window"][t] == [r * wf + c for r, c in s.cells]
        assert p["steps"]["target"][t] == t
        assert stamped["frames"][t]["text"] == [fmt(v) for v in plan.partial(t + 1).ravel()]
        assert stamp["frames"][t]["text"] == [fmt(v) for v in s.values.ravel()]
        assert output["lit"][t] == [cell[0] * wo + cell[1] for cell in s.out_cells
                                    if cell is not None]
    # the last frame of the output is the engine's output, every cell
    assert output["frames"][-1]["text"] == [fmt(v) for v in plan.output.ravel()]
    cropped = [plan.to_output((r, c)) is None for r in range(hf) for c in range(wf)]
    assert stamped["flags"] == [1 if c else 0 for c in cropped]


@pytest.mark.parametrize("cfg", CONFIGS)
def test_output_progress_ends_at_the_engines_output(cfg):
    plan = _plan(cfg, seed=1)
    values, reached = output_progress(plan, plan.n_steps)
    np.testing.assert_allclose(values, plan.output)
    assert reached.all()
    values0, reached0 = output_progress(plan, 0)
    never = np.array([[not plan.terms(r, c) for c in range(plan.out_shape[1])]
                      for r in range(plan.out_shape[0])])
    np.testing.assert_array_equal(reached0, never)  # only cells no stamp ever reaches
    np.testing.assert_allclose(values0, np.full(plan.out_shape, plan.bias))


@pytest.mark.parametrize("cfg", CONFIGS)
def test_hovering_an_output_cell_reads_its_terms_which_sum_to_the_engines_value(cfg):
    plan = _plan(cfg, seed=2)
    p = scatter_payload(plan)
    output = _panel(p, "output")
    ho, wo = plan.out_shape
    w = plan.x.shape[1]
    for r, c in itertools.product(range(ho), range(wo)):
        terms = plan.terms(r, c)
        assert sum(t.product for t in terms) + plan.bias == pytest.approx(plan.output[r, c])
        assert output["hover"][r * wo + c] == terms_line(plan, r, c)
        assert f"= {fmt(plan.output[r, c])}" in terms_line(plan, r, c)
        assert output["links"]["input"][r * wo + c] == [
            i * w + j for i, j in (t.input_cell for t in terms)]


def test_terms_line_writes_each_product_and_the_bias():
    plan = cv.transpose_plan(np.array([[2.0, 3.0]]), np.array([[1.0, -1.0]]), 0.5)
    assert terms_line(plan, 0, 1) == ("output[0, 1] = 2×-1 + 3×1 + bias 0.5 = 1.5 "
                                      "(from input [0, 0], [0, 1])")
    padded = cv.transpose_plan(np.ones((1, 1)), np.ones((1, 1)), 2.0, stride=2,
                               output_padding=1)
    assert "no stamp reaches it" in terms_line(padded, 1, 1)
    with pytest.raises(TypeError, match="`plan`"):
        terms_line("plan", 0, 0)


def test_hovering_an_input_cell_lights_the_output_cells_its_stamp_feeds():
    plan = cv.transpose_plan(np.ones((3, 3)), np.ones((3, 3)), stride=2, padding=1,
                             output_padding=1)
    p = scatter_payload(plan)
    inp = _panel(p, "input")
    wo = plan.out_shape[1]
    for t in range(plan.n_steps):
        want = [r * wo + c for r, c in (x for x in plan.stamp(t).out_cells if x is not None)]
        assert inp["links"]["output"][t] == want
    assert inp["links"]["output"][0] == [0, 1, 6, 7]  # (0, 0)'s stamp, its first row/col cropped
    assert "4 output cells (5 cropped)" in inp["hover"][0]


@pytest.mark.parametrize("cfg", CONFIGS)
def test_as_conv_payload_ends_at_the_transposed_convolution(cfg):
    shape, kshape, s, p, op, d, b = cfg
    rng = np.random.default_rng(3)
    x = rng.integers(0, 9, size=shape).astype(float)
    k = rng.integers(-2, 3, size=kshape).astype(float)
    payload = as_conv_payload(x, k, b, stride=s, padding=p, output_padding=op, dilation=d)
    want = cv.conv_transpose2d(x, k, b, stride=s, padding=p, output_padding=op, dilation=d)
    assert payload["steps"]["value"] == [fmt(v) for v in want.ravel()]
    flipped = _panel(payload, "kernel")["text"]
    assert len(flipped) == k.size


def test_as_conv_payload_hatches_the_padding_it_adds():
    p = as_conv_payload(np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1)
    inp = _panel(p, "input")
    assert inp["rows"] == 5 and inp["flags"][:5] == [1] * 5  # 3x3 inserted + 1 each side
    assert inp["text"][6:9] == ["1", "0", "1"]  # a zero inserted between the inputs


def test_matrix_payload_rows_are_the_convolution():
    k = np.arange(9.0).reshape(3, 3) - 4
    x = np.arange(16.0).reshape(4, 4)
    p = matrix_payload(k, x)
    y = cv.conv2d(x, k)
    assert p["steps"]["value"] == [fmt(v) for v in y.ravel()]
    c = _panel(p, "C")
    assert (c["rows"], c["cols"]) == (4, 16)
    ct = _panel(p, "CT")
    assert (ct["rows"], ct["cols"]) == (16, 4)
    assert c["lit"][3] == list(range(48, 64))
    assert ct["lit"][3] == [j * 4 + 3 for j in range(16)]
    assert p["steps"]["window"][1] == [1, 2, 3, 5, 6, 7, 9, 10, 11]
    with pytest.raises(ValueError, match="`kernel` must be 3x3"):
        matrix_payload(np.ones((2, 2)), x)


def test_adjoint_payload_checks_ct_against_conv_transpose2d():
    k = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    y = np.array([[1.0, -2.0], [0.5, 3.0]])
    p, same = adjoint_payload(k, y)
    assert same
    back, direct = _panel(p, "back"), _panel(p, "direct")
    assert back["text"] == direct["text"]
    assert direct["text"] == [fmt(v) for v in cv.conv_transpose2d(y, k).ravel()]
    assert "are equal" in p["steps"]["lines"][0][0]
