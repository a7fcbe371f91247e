"""The checks every look inside shares (convviz.inside.checks), with their messages as the
views raise them."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.inside.grad_cam import grad_cam
from convviz.inside.occlusion import occlusion
from inside.models import example


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: occlusion(m, x, 10, patch=2, stride=2), ValueError,
     "`target` must be a class in 0..9, got 10"),
    (lambda m, x: occlusion(m, x[None], 0, patch=3, stride=1), ValueError,
     r"`x` must be one image of shape \(28, 28, 1\)"),
    (lambda m, x: grad_cam(m, x, 0, layer=7), ValueError,
     "`layer` must be the index of a layer with feature maps \\(0, 1, 2, 3, 4, 5\\), got 7"),
    (lambda m, x: grad_cam(object(), x, 0, layer=0), TypeError, "`model` must be"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
