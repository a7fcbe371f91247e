"""What the numpy layers can train, and how big (convviz.nn.trainable); the rules as the
presets meet them are in test_presets.py."""

from __future__ import annotations

import doctest

import pytest

import convviz.nn.trainable as trainable
from convviz.nn.presets import ARCHITECTURES, preset_specs
from convviz.nn.trainable import MAX_MULTIPLY_ADDS, MAX_PARAMS, check_specs, multiply_adds
from convviz.stack.spec import layers_from_text
from convviz.stack.summary import summarize


def test_doctests():
    assert doctest.testmod(trainable).failed == 0



def test_a_stack_with_too_many_parameters_is_refused_naming_the_limit():
    specs = layers_from_text("F;D4000;D10")  # 64*64*3*4000 = 49 million weights
    with pytest.raises(ValueError, match=f"parameters; the limit here is {MAX_PARAMS:,}"):
        check_specs(specs, (64, 64, 3), 10)


MNIST_NETWORKS = ("keras_mnist", "seed004")  # made for 28x28 images


@pytest.mark.parametrize(("name", "input_shape"), [
    (name, shape) for name in ARCHITECTURES
    for shape in [(16, 16, 1), (28, 28, 1), (128, 128, 3)]
    if name not in MNIST_NETWORKS or shape == (28, 28, 1)])  # those: refused below
def test_every_preset_fits_the_multiply_add_limit(name, input_shape):
    specs, summary = check_specs(preset_specs(name, 10), input_shape, 10)
    assert 0 < multiply_adds(summary, specs) <= MAX_MULTIPLY_ADDS


@pytest.mark.parametrize(("name", "match"), [
    ("keras_mnist", "multiply-adds per image; the limit"),  # 13.7 + 68 million at 128x128x3
    ("seed004", "parameters; the limit"),  # Dense 1024 on a 32x32x64 map
])
def test_the_mnist_networks_on_big_colour_images_are_refused_with_the_reason(name, match):
    with pytest.raises(ValueError, match=match):
        check_specs(preset_specs(name, 10), (128, 128, 3), 10)


def test_multiply_adds_count_each_conv_output_and_dense_weight():
    specs = layers_from_text("C8k3same:relu;M2;C4k5;F;D10")
    summary = summarize((16, 16, 3), specs)
    want = 16 * 16 * 8 * 9 * 3 + 4 * 4 * 4 * 25 * 8 + 64 * 10
    assert multiply_adds(summary, specs) == want


def test_a_stack_too_slow_to_train_is_refused_naming_the_limit():
    # 6.3 million weights (under the parameter limit) but 400 million multiply-adds an image
    specs = layers_from_text("C512k3same:relu;C512k3same:relu;C512k3same;F;D10")
    with pytest.raises(ValueError, match=f"multiply-adds per image; the limit here is "
                       f"{MAX_MULTIPLY_ADDS:,}"):
        check_specs(specs, (8, 8, 1), 10)
