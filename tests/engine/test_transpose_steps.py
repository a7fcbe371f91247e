"""Transposed convolution step by step: the stamps add up to conv_transpose2d, and each
output cell's terms are its equation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.engine.transpose import conv_transpose2d
from convviz.engine.transpose_steps import transpose_plan


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 4), w=st.integers(1, 4), kh=st.integers(1, 3), kw=st.integers(1, 3),
       s=st.integers(1, 3), d=st.integers(1, 2), p=st.integers(0, 1), seed=st.integers(0, 99))
def test_all_stamps_cropped_are_the_output_and_terms_sum_to_each_cell(h, w, kh, kw, s, d, p,
                                                                      seed):
    rng = np.random.default_rng(seed)
    x, k, bias = rng.normal(size=(h, w)), rng.normal(size=(kh, kw)), float(rng.normal())
    op = s - 1  # the largest output_padding the stride allows
    try:
        plan = transpose_plan(x, k, bias, stride=s, padding=p, output_padding=op, dilation=d)
    except ValueError:
        return  # padding crops everything: conv_transpose2d says so too (tested there)
    np.testing.assert_allclose(plan.output, conv_transpose2d(x, k, bias, stride=s, padding=p,
                                                             output_padding=op, dilation=d))
    full = plan.partial(plan.n_steps)
    ho, wo = plan.out_shape
    for r in range(ho):
        for c in range(wo):
            terms = plan.terms(r, c)
            np.testing.assert_allclose(sum(t.product for t in terms) + bias,
                                       plan.output[r, c], atol=1e-12)
            inside = r + p < full.shape[0] and c + p < full.shape[1]
            assert (full[r + p, c + p] if inside else 0.0) + bias == pytest.approx(
                plan.output[r, c])


def test_a_stamp_and_where_it_lands():
    plan = transpose_plan(np.array([[1.0, 2.0], [3.0, 4.0]]), np.arange(9.0).reshape(3, 3),
                          stride=2, padding=1)
    s = plan.stamp(3)
    assert s.input_cell == (1, 1) and s.value == 4.0
    assert s.cells[0] == (2, 2) and s.cells[-1] == (4, 4)
    np.testing.assert_array_equal(s.values, 4.0 * np.arange(9.0).reshape(3, 3))
    assert s.out_cells[0] == (1, 1) and s.out_cells[-1] is None  # cropped by the padding
    assert plan.partial(0).sum() == 0


@pytest.mark.parametrize(("call", "match"), [
    (lambda p: p.stamp(4), "`index` must be an integer in 0..3"),
    (lambda p: p.partial(5), "`n_done` must be an integer in 0..4"),
    (lambda p: p.terms(9, 0), "inside the 5x5 output"),
])
def test_indices_are_checked(call, match):
    plan = transpose_plan(np.ones((2, 2)), np.ones((3, 3)), stride=2)
    with pytest.raises(ValueError, match=match):
        call(plan)


def test_only_2d_steps():
    with pytest.raises(ValueError, match="must both be 2-D"):
        transpose_plan(np.ones((2, 2, 1)), np.ones((3, 3, 1, 1)))
    with pytest.raises(TypeError, match="`bias` must be a single number"):
        transpose_plan(np.ones((2, 2)), np.ones((3, 3)), bias=[1.0, 2.0])
