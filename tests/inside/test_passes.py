"""A model's passes run by hand (convviz.inside.passes): the same outputs as the model's
own forward pass, and the same input gradient of a logit as its own backward pass."""

from __future__ import annotations

import numpy as np

from convviz.inside.passes import backprop, logit_grads, run_layers
from convviz.nn.saliency import saliency
from inside.models import example


def test_run_layers_gives_every_layers_output_as_the_model_computes_it(rng):
    model = example()
    x = rng.random((28, 28, 1))
    outs = run_layers(model.astype(model.dtype), x[None])
    want = model.activations(x)
    assert len(outs) == len(want) == len(model.layers)
    for out, (_name, act) in zip(outs, want, strict=True):
        np.testing.assert_allclose(out[0], act, rtol=1e-12, atol=1e-12)
    assert len(run_layers(model.astype(model.dtype), x[None], upto=2)) == 3


def test_a_logits_gradient_is_the_saliency_and_backprop_goes_through_the_given_layers(rng):
    model = example()
    x = rng.random((28, 28, 1))
    seed = np.zeros((1, 10))
    seed[0, 4] = 1.0
    twin = model.astype(model.dtype)
    grad, outs = logit_grads(twin, x[None], seed)
    np.testing.assert_allclose(grad[0], saliency(model, x, 4), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(outs[-1][0], model.forward(x[None], training=False)[0],
                               rtol=1e-12)
    # from layer 2's output on: backprop through the layers above it only
    at_maps, _ = logit_grads(twin, x[None], seed, layer=2)
    assert at_maps.shape == (1,) + model.layers[2].output_shape
    np.testing.assert_allclose(backprop(twin.layers[:3], at_maps), grad, rtol=1e-10,
                               atol=1e-14)
