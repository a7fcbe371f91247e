"""The input pixels a unit of a layer stack depends on, found by the engine alone (shared by
the summary's tests and the layer-shapes page tests): every input impulse pushed through the
stack by ``convviz.conv2d`` with all-ones kernels, so nothing cancels."""

from __future__ import annotations

import numpy as np

import convviz as cv
from convviz.stack.summary import POOLS


def impulse_support(input_hw, layers, upto, unit):
    """Boolean (H, W): the input pixels whose impulse reaches ``unit`` (row, col) of layer
    ``upto`` (0-based). A pool counts as the window it is (a max pool's winner can be any
    pixel of it); Flatten keeps each unit; a Dense layer on a flat input and global pooling
    sum the whole map (``unit`` is then ignored)."""
    h, w = input_hw
    x = np.eye(h * w).reshape(h * w, h, w, 1)  # (N, H, W, 1): one impulse per image
    combined = flat = False
    for spec in layers[:upto + 1]:
        if spec.kind == "Conv2D" or spec.kind in POOLS:
            k = spec.kernel_size
            s = spec.stride or (1 if spec.kind == "Conv2D" else k)
            x = cv.conv2d(x, np.ones((k, k, 1, 1)), stride=s, padding=spec.padding)
        elif spec.kind.startswith("Global") or (spec.kind == "Dense" and flat):
            combined = True  # every unit of the map summed into each output
        elif spec.kind == "Flatten":
            flat = True  # a flat value is still one unit of the map
    reach = x.sum(axis=(1, 2, 3)) if combined else x[:, unit[0], unit[1], 0]
    return (reach > 0).reshape(h, w)
