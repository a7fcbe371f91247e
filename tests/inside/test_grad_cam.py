"""Grad-CAM (convviz.inside.grad_cam) against PyTorch with the same weights and against
hand-made cases, and its bilinear upsampling against PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from nn.test_model import to_torch

from convviz.inside.grad_cam import bilinear_upsample, grad_cam
from convviz.nn import Conv2D, Dense, Flatten, Sequential
from inside.models import example


def _torch_grad_cam(torch, model, x, target, layer):
    net = to_torch(model, torch)
    out = torch.tensor(x.transpose(2, 0, 1)[None].copy())
    maps = None
    for i, mod in enumerate(net):
        out = mod(out)
        if i == layer:
            out.retain_grad()
            maps = out
    out[0, target].backward()
    weights = maps.grad.mean(dim=(2, 3))  # (1, C): the paper's alpha_k
    cam = torch.relu((weights[:, :, None, None] * maps).sum(dim=1, keepdim=True))
    up = torch.nn.functional.interpolate(cam, size=x.shape[:2], mode="bilinear",
                                         align_corners=False)
    return (weights[0].detach().numpy(), cam[0, 0].detach().numpy(),
            up[0, 0].detach().numpy())


@pytest.mark.parametrize("layer", [0, 1, 3, 4, 5])
@pytest.mark.parametrize("target", [0, 7])
def test_grad_cam_matches_torch(rng, layer, target):
    torch = pytest.importorskip("torch")
    model = example()
    x = rng.random((28, 28, 1))
    weights, coarse, cam = _torch_grad_cam(torch, model, x, target, layer)
    got = grad_cam(model, x, target, layer=layer)
    np.testing.assert_allclose(got.weights, weights, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(got.coarse, coarse, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(got.cam, cam, rtol=1e-8, atol=1e-12)
    assert got.cam.shape == (28, 28) and got.maps.shape == model.layers[layer].output_shape


def _one_by_one(dense_weight: float, channels: int = 1) -> Sequential:
    """A 1x1 convolution copying the image into each channel, then Flatten and Dense(1)."""
    model = Sequential([Conv2D(channels, 1), Flatten(), Dense(1)], input_shape=(3, 3, 1),
                       dtype=np.float64)
    model.layers[0].params["weight"][:] = 1.0
    model.layers[2].params["weight"][:] = dense_weight
    return model


def test_grad_cam_by_hand_weights_are_the_mean_gradient_and_the_sum_is_rectified():
    x = np.arange(9.0).reshape(3, 3, 1)
    up = grad_cam(_one_by_one(2.0), x, 0, layer=0)  # logit = 2 * sum(A): dA = 2 everywhere
    assert up.weights.tolist() == [2.0]
    np.testing.assert_allclose(up.coarse, 2 * x[..., 0])
    down = grad_cam(_one_by_one(-1.0), x, 0, layer=0)  # the score falls where A is large
    assert down.weights.tolist() == [-1.0]
    assert not down.coarse.any() and not down.cam.any()  # ReLU keeps the positive part only
    # two channels: the Dense weight of each flattened value (h, w, c) picks its channel
    model = _one_by_one(0.0, channels=2)
    model.layers[2].params["weight"][:] = np.tile([[3.0], [-1.0]], (9, 1))  # c0: 3, c1: -1
    mixed = grad_cam(model, x, 0, layer=0)
    assert mixed.weights.tolist() == [3.0, -1.0]
    np.testing.assert_allclose(mixed.coarse, 2 * x[..., 0])  # relu(3 A - A)


def test_bilinear_upsample_matches_torch(rng):
    torch = pytest.importorskip("torch")
    for src, size in (((5, 5), (28, 28)), ((3, 4), (16, 16)), ((7, 2), (10, 9)),
                      ((4, 4), (4, 4)), ((1, 3), (5, 5))):
        img = rng.standard_normal(src)
        want = torch.nn.functional.interpolate(torch.tensor(img)[None, None], size=size,
                                               mode="bilinear", align_corners=False)
        np.testing.assert_allclose(bilinear_upsample(img, size), want[0, 0].numpy(),
                                   rtol=1e-12, atol=1e-12)

