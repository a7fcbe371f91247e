"""What a class or a filter responds to (convviz.inside.visualisation): the pictures raise
their objective, are seeded, and without jitter and blur are plain gradient ascent."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.inside.checks import spatial_layers
from convviz.inside.visualisation import class_visualisation
from inside.models import example, linear


def test_class_visualisation_raises_the_class_score_and_is_seeded(trained):
    model = trained.model
    vis = class_visualisation(model, target=4, steps=60, seed=1)
    assert vis.image.shape == model.input_shape and len(vis.objective) == 61
    assert vis.image.min() >= 0 and vis.image.max() <= 1
    assert vis.objective[-1] > vis.objective[0] + 1.0
    x = vis.image[None]
    assert int(model.predict(x)[0]) == 4
    again = class_visualisation(model, target=4, steps=60, seed=1)
    np.testing.assert_array_equal(again.image, vis.image)
    other = class_visualisation(model, target=4, steps=60, seed=2)
    assert not np.array_equal(other.image, vis.image)


def test_filter_visualisation_raises_the_filters_mean_response(trained):
    model = trained.model
    layer = spatial_layers(model)[0]
    vis = class_visualisation(model, layer=layer, channel=2, steps=40, jitter=2, blur=1.0)
    acts = model.activations(vis.image)[layer][1]
    assert vis.objective[-1] == pytest.approx(float(acts[..., 2].mean()), rel=1e-5)
    assert vis.objective[-1] > vis.objective[0]


def test_without_jitter_and_blur_a_class_picture_is_plain_gradient_ascent():
    w = np.zeros((16, 2))
    w[:, 1] = np.linspace(-1, 1, 16)
    model = linear(4, w)
    vis = class_visualisation(model, target=1, steps=1, step_size=0.1, jitter=0, blur=0.0)
    start = (0.5 + 0.05 * np.random.default_rng(0).standard_normal((4, 4, 1))).clip(0, 1)
    grad = w[:, 1].reshape(4, 4, 1)
    np.testing.assert_allclose(vis.image, np.clip(start + 0.1 * grad / np.abs(grad).mean(),
                                                  0, 1))


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: class_visualisation(m), ValueError, "give either `target`"),
    (lambda m, x: class_visualisation(m, target=1, layer=0, channel=0), ValueError,
     "give either `target`"),
    (lambda m, x: class_visualisation(m, layer=0), ValueError, "`layer` and `channel`"),
    (lambda m, x: class_visualisation(m, layer=0, channel=8), ValueError,
     "`channel` must be 0 to 7, got 8"),
    (lambda m, x: class_visualisation(m, target=1, jitter=9), ValueError, "`jitter`"),
    (lambda m, x: class_visualisation(m, target=1, blur=-1), ValueError, "`blur`"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
