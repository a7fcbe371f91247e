"""Grad-CAM (Selvaraju et al. 2017): weight each feature map of a layer by the spatial mean
of ``d logit[target] / d map``, sum, keep the positive part, upsample to the input.

The gradient is the model's own backward pass, on a copy (:mod:`convviz.inside.passes`), so
the model's gradients and training caches are left alone. Layers are counted from 0, as in
``model.layers``.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1),
...                    dtype=np.float64)
>>> x = np.linspace(0, 1, 36).reshape(6, 6, 1)
>>> grad_cam(model, x, 0, layer=1).cam.shape
(6, 6)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import as_float_array, check_int
from convviz.inside.checks import check_class, check_image, check_layer, check_model
from convviz.inside.passes import logit_grads
from convviz.nn.model import Sequential

__all__ = ["GradCam", "bilinear_upsample", "grad_cam"]


def bilinear_upsample(img: Any, size: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D map bilinearly with pixel centres aligned, as PyTorch's
    ``interpolate(mode="bilinear", align_corners=False)`` and OpenCV's ``resize`` do.

    Examples
    --------
    >>> bilinear_upsample(np.array([[0.0, 1.0]]), (1, 4)).tolist()
    [[0.0, 0.25, 0.75, 1.0]]
    """
    arr = as_float_array(img, "img", ndims=(2,))
    out_h, out_w = (check_int(v, "size", minimum=1) for v in size)

    def weights(n_out: int, n_in: int) -> np.ndarray:  # (n_out, n_in): rows sum to 1
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(int), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = src - lo
        m = np.zeros((n_out, n_in))
        np.add.at(m, (np.arange(n_out), lo), 1 - frac)
        np.add.at(m, (np.arange(n_out), hi), frac)
        return m

    return weights(out_h, arr.shape[0]) @ arr @ weights(out_w, arr.shape[1]).T


class GradCam(NamedTuple):
    """The result of :func:`grad_cam`.

    Attributes
    ----------
    cam : ndarray, shape (H, W)
        The map upsampled to the input (bilinear), >= 0.
    coarse : ndarray, shape (H', W')
        ``ReLU(sum_k weights[k] * maps[..., k])`` at the layer's own size.
    weights : ndarray, shape (C',)
        Each map's weight: the spatial mean of ``d logit[target] / d map``.
    maps : ndarray, shape (H', W', C')
        The layer's output for ``x``.
    """

    cam: np.ndarray
    coarse: np.ndarray
    weights: np.ndarray
    maps: np.ndarray


def grad_cam(model: Sequential, x: Any, target: int, *, layer: int) -> GradCam:
    """Grad-CAM (Selvaraju et al. 2017) of ``target`` on the maps of ``layer``.

    The weight of map ``k`` is ``alpha_k = mean over (i, j) of d y / d A[i, j, k]``, with
    ``y`` the target's score before softmax (the logit); the map is
    ``ReLU(sum_k alpha_k A[..., k])``, keeping only what raises the score, then upsampled
    bilinearly to the input's size. The paper takes the last convolutional layer's
    rectified maps: pass the index of the ReLU after a convolution for those.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape model.input_shape
    target : int
    layer : int
        The index in ``model.layers`` of a layer with (H', W', C') output
        (:func:`spatial_layers`).

    Returns
    -------
    GradCam

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten
    >>> model = Sequential([Conv2D(1, 1), Flatten(), Dense(1)], input_shape=(2, 2, 1),
    ...                    dtype=np.float64)
    >>> model.layers[0].params["weight"][:] = 1.0; model.layers[2].params["weight"][:] = 2.0
    >>> grad_cam(model, np.arange(4.0).reshape(2, 2, 1), 0, layer=0).coarse.tolist()
    [[0.0, 2.0], [4.0, 6.0]]
    """
    model = check_model(model)
    arr = check_image(model, x)
    target = check_class(model, target, "target")
    layer = check_layer(model, layer)
    twin = model.astype(model.dtype)
    seed = np.zeros((1,) + model.output_shape, dtype=model.dtype)
    seed[0, target] = 1.0
    grad, outs = logit_grads(twin, arr[None], seed, layer)
    maps = np.array(outs[layer][0])  # (H', W', C')
    weights = np.asarray(grad[0]).mean(axis=(0, 1))  # (C',)
    coarse = np.maximum(np.tensordot(maps, weights, axes=([2], [0])), 0.0)  # (H', W')
    return GradCam(bilinear_upsample(coarse, model.input_shape[:2]), coarse, weights, maps)

