"""The pure helpers of the "What it looks at" tab: which layers Grad-CAM is offered on, and
what fits one click's budget (counted before any work)."""

from __future__ import annotations

from convviz.inside import cost
from convviz.inside.cost import attribution_cost
from convviz.inside.occlusion import occlusion_positions
from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from convviz.nn.presets import model_from_preset
from convviz.ui.train_inside import cam_layers, fitting_steps, fitting_stride


def test_grad_cam_is_offered_on_each_convolutions_rectified_maps():
    model = model_from_preset("keras_mnist", (28, 28, 1), 10)
    assert cam_layers(model) == [(1, "conv2d_1, after its ReLU"), (4, "conv2d_2, after its ReLU"),
                                 (7, "conv2d_3, after its ReLU")]
    plain = Sequential([Conv2D(2, 3), MaxPool2D(2), Flatten(), Dense(3)], input_shape=(8, 8, 1))
    assert cam_layers(plain) == [(0, "conv2d_1")]
    assert cam_layers(Sequential([Flatten(), Dense(3)], input_shape=(8, 8, 1))) == []


def test_the_occlusion_stride_widens_until_its_passes_fit(monkeypatch):
    model = model_from_preset("seed004", (28, 28, 1), 10)

    def fits(patch, stride):
        n = len(occlusion_positions(28, patch, stride)) ** 2 + 1
        return attribution_cost(model, forward=n).fits

    assert not fits(2, 1) and fits(2, 2)  # 27 x 27 positions: too many on this network
    assert fitting_stride(model, 2, 1) == 2
    assert fitting_stride(model, 1, 1) is None  # a 1-pixel patch cannot go wider
    monkeypatch.setattr(cost, "MACS_PER_SECOND", 1e12)  # a much faster machine
    assert fitting_stride(model, 1, 1) == 1


def test_the_steps_shrink_until_they_fit(monkeypatch):
    model = Sequential([Conv2D(8, 3), ReLU(), Flatten(), Dense(10)], input_shape=(28, 28, 1))
    assert fitting_steps(model, 300) == 300
    monkeypatch.setattr(cost, "MACS_PER_SECOND", 1e6)  # 300 steps: about 90 s
    assert not attribution_cost(model, backward=300).fits
    used = fitting_steps(model, 300)
    assert 1 <= used < 300 and attribution_cost(model, backward=used).fits
    assert not attribution_cost(model, backward=used + 1).fits  # the most that fit
