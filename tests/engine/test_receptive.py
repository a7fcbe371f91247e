"""receptive_field: the recurrence, and the support of a unit's input gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.receptive import receptive_field


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 2), st.integers(1, 2)),
                min_size=1, max_size=3))
def test_size_is_the_support_of_a_units_input_gradient(layers):
    """Chain 1-D-separable convolutions with all-ones kernels on a 2-D input; the input
    cells a central output unit depends on span exactly `size` along each side."""
    fields = receptive_field(layers)
    size = fields[-1][0]
    n = size + 2 * fields[-1][1] + 8  # room for the unit's whole window
    x = np.zeros((n, n))
    grads = []
    # the gradient of output unit (0, 0) w.r.t. each input cell: feed unit impulses
    out0 = _forward(np.zeros((n, n)), layers)
    for r in range(n):
        e = x.copy()
        e[r, 0] = 1.0
        grads.append(_forward(e, layers)[0, 0] - out0[0, 0])
    support = np.flatnonzero(np.abs(np.array(grads)) > 0)
    assert support.max() - support.min() + 1 == size
    # neighbouring units start `jump` input cells apart
    if _forward(np.zeros((n, n)), layers).shape[0] > 1:
        e = x.copy()
        e[support.min() + fields[-1][1], 0] = 1.0
        assert _forward(e, layers)[1, 0] != 0


def _forward(x, layers):
    for k, s, d in layers:
        x = cv.conv2d(x, np.ones((k, k)), stride=s, dilation=d)
    return x


def test_known_networks():
    assert receptive_field([(3, 1, 1)] * 3) == [(3, 1), (5, 1), (7, 1)]  # three 3x3 = 7x7
    assert receptive_field([(7, 2, 1), (3, 2, 1)]) == [(7, 2), (11, 4)]  # ResNet's stem
    assert receptive_field([(3, 1, 2)]) == [(5, 1)]  # a dilated 3x3 sees 5


@pytest.mark.parametrize(("layers", "error", "match"), [
    ("abc", TypeError, "`layers` must be a sequence"),
    ([(3, 1)], ValueError, "`layers\\[0\\]` must be a \\(kernel_size, stride, dilation\\)"),
    ([(3, 1, 1), (0, 1, 1)], ValueError, "`layers\\[1\\] kernel_size`"),
    ([(3, 0, 1)], ValueError, "`layers\\[0\\] stride`"),
])
def test_errors_name_the_layer(layers, error, match):
    with pytest.raises(error, match=match):
        receptive_field(layers)
