"""convviz.nn.model_files: conv layers and their pools, the architecture as text, and model
files for the page's download and upload."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from convviz.nn import ModelFileError, model_files
from convviz.nn.data import Dataset, load_builtin
from convviz.nn.model_files import (
    conv_layers,
    load_model_for,
    model_bytes,
    model_to_text,
    pool_after,
)
from convviz.nn.presets import ARCHITECTURES, model_from_preset
from convviz.serve.session import TrainSettings, build_trainer, training_tick
from convviz.serve.slots import Slots
from convviz.stack.spec import layers_from_text


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_builtin("digits")


def test_doctests():
    assert doctest.testmod(model_files).failed == 0


def test_conv_layers_and_the_pool_after_them():
    model = model_from_preset("small", (16, 16, 1), 10)  # conv relu pool conv relu pool ...
    assert conv_layers(model) == [0, 3]
    assert pool_after(model, 0) == 2 and pool_after(model, 3) == 5
    lenet = model_from_preset("lenet", (16, 16, 1), 10)  # average pooling: no max routing
    assert pool_after(lenet, 0) is None
    tiny_dense = model_from_preset("tiny", (16, 16, 1), 10)
    assert pool_after(tiny_dense, len(tiny_dense.layers) - 1) is None


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_model_to_text_rebuilds_the_same_architecture(name):
    model = model_from_preset(name, (28, 28, 1), 7)
    text = model_to_text(model)
    expected = ARCHITECTURES[name].text.replace("D10:softmax", "D7")
    assert text == expected
    assert layers_from_text(text)  # parses


def test_model_to_text_gives_none_for_what_the_text_cannot_say():
    from convviz.nn import Conv2D, Dense, Flatten, Sequential

    model = Sequential([Conv2D(2, (3, 5)), Flatten(), Dense(2)], input_shape=(8, 8, 1))
    assert model_to_text(model) is None


def test_model_file_round_trip(digits):
    trainer = build_trainer(TrainSettings(arch_text="C4k3:relu;M2;F;D10", epochs=5), digits)
    training_tick(trainer, Slots(1), max_seconds=0.05)
    data = model_bytes(trainer.model)
    loaded = load_model_for(data, digits)
    for a, b in zip(trainer.model.layers, loaded.layers, strict=True):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key])
    assert loaded.summary() == trainer.model.summary()


def test_load_model_for_refuses_other_data(digits):
    shapes_like = model_from_preset("tiny", (28, 28, 1), 10)
    with pytest.raises(ModelFileError, match="input of shape"):
        load_model_for(model_bytes(shapes_like), digits)
    three = model_from_preset("tiny", digits.input_shape, 3)
    with pytest.raises(ModelFileError, match="3,.*10 classes"):
        load_model_for(model_bytes(three), digits)
    with pytest.raises(ModelFileError, match="not a convviz model"):
        load_model_for(b"hello, not a zip", digits)
