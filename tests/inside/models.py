"""Small models shared by the tests of the looks inside a trained network (occlusion,
Grad-CAM, the flip, the class picture, a unit's field, their costs and checks)."""

from __future__ import annotations

import numpy as np
from nn.test_model import example_layers

from convviz.nn import Dense, Flatten, Sequential


def example(seed=3):
    return Sequential(example_layers(), input_shape=(28, 28, 1), seed=seed, dtype=np.float64)


def linear(n: int = 4, weights=None, bias=None) -> Sequential:
    """Flatten + Dense(2) on an (n, n, 1) image, with the weights given."""
    model = Sequential([Flatten(), Dense(2)], input_shape=(n, n, 1), dtype=np.float64)
    if weights is not None:
        model.layers[1].params["weight"][:] = weights
    if bias is not None:
        model.layers[1].params["bias"][:] = bias
    return model
