"""The smallest change that flips the answer (convviz.inside.flip) on a trained model."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.inside.checks import spatial_layers
from convviz.inside.flip import flip_steps
from convviz.inside.grad_cam import grad_cam
from convviz.nn import softmax
from inside.models import example


def test_the_flip_changes_the_answer_of_a_trained_model(trained):
    model, ds = trained.model, trained.dataset
    right = np.flatnonzero(model.predict(ds.x_test) == ds.y_test)
    assert len(right) > 0.8 * ds.n_test  # trained
    flips = 0
    for i in right[:5]:
        x, label = ds.x_test[i], int(ds.y_test[i])
        target = (label + 3) % 10
        flip = flip_steps(model, x, target, epsilon=0.02, steps=100)
        assert int(np.argmax(flip.before)) == label
        assert 1 <= flip.steps <= 100 and len(flip.answers) == flip.steps
        assert flip.largest_change <= 0.02 * flip.steps + 1e-6
        assert flip.image.min() >= 0 and flip.image.max() <= 1
        np.testing.assert_allclose(flip.perturbation, flip.image - x, atol=1e-6)
        if flip.flipped:
            flips += 1
            assert int(model.predict(flip.image[None])[0]) == target  # really flipped
            assert flip.answers[-1] == target and target not in flip.answers[:-1]
            np.testing.assert_allclose(
                flip.after, softmax(model.forward(flip.image[None], training=False))[0],
                rtol=1e-5)
    assert flips == 5


def test_a_flip_that_runs_out_of_steps_says_so(trained):
    model, ds = trained.model, trained.dataset
    i = int(np.flatnonzero(model.predict(ds.x_test) == ds.y_test)[0])
    flip = flip_steps(model, ds.x_test[i], (int(ds.y_test[i]) + 1) % 10, epsilon=0.001,
                      steps=2)
    assert not flip.flipped and flip.steps == 2 and len(flip.answers) == 2
    assert flip.largest_change <= 0.002 + 1e-6


def test_the_flip_leaves_the_models_gradients_alone(trained):
    model, ds = trained.model, trained.dataset
    before = [g.copy() for layer in model.layers for g in layer.grads.values()]
    flip_steps(model, ds.x_test[0], 1, epsilon=0.05, steps=3)
    grad_cam(model, ds.x_test[0], 1, layer=spatial_layers(model)[-1])
    after = [g for layer in model.layers for g in layer.grads.values()]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: flip_steps(m, x, 1, epsilon=0, steps=3), ValueError,
     r"`epsilon` must be a number in \(0, 1\], got 0"),
    (lambda m, x: flip_steps(m, x, 1, epsilon=0.1, steps=501), ValueError,
     "`steps` must be 1 to 500, got 501"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
