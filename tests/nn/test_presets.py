"""Architecture presets and layer specs -> trainable models (convviz.nn.presets)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from convviz.nn import Conv2D, Sequential
from convviz.nn.presets import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    model_from_preset,
    model_from_specs,
    preset_specs,
)
from convviz.nn.trainable import check_specs
from convviz.stack.spec import PRESETS, layers_from_text, layers_to_text
from convviz.stack.summary import LayerSpec, summarize

INPUTS = [((16, 16, 1), 10), ((28, 28, 1), 7)]  # digits, shapes
MNIST_ONLY = ("keras_mnist",)  # too deep for 16x16
CASES = [(name, shape, n) for name in ARCHITECTURES for shape, n in INPUTS
         if shape == (28, 28, 1) or name not in MNIST_ONLY]


@pytest.mark.parametrize(("name", "input_shape", "n_classes"), CASES)
def test_every_preset_builds_for_digits_and_shapes(name, input_shape, n_classes):
    model = model_from_preset(name, input_shape, n_classes, seed=0)
    assert isinstance(model, Sequential)
    assert model.input_shape == input_shape
    assert model.output_shape == (n_classes,)
    x = np.random.default_rng(0).random((2, *input_shape), dtype=np.float32)
    assert model.forward(x).shape == (2, n_classes)


@pytest.mark.parametrize(("name", "input_shape", "n_classes"), CASES)
def test_params_and_shapes_match_the_layer_shapes_summary(name, input_shape, n_classes):
    specs = preset_specs(name, n_classes)
    summary = summarize(input_shape, specs)
    assert summary.ok
    model = model_from_specs(specs, input_shape, n_classes)
    assert model.n_params == summary.total_params
    # A relu activation adds a ReLU layer after its row; the other layers map one to one.
    ours = [(layer.output_shape, layer.n_params) for layer in model.layers
            if layer.kind != "relu"]
    assert ours == [(row.output_shape, row.params) for row in summary.rows]


def test_the_default_is_a_preset_and_presets_use_the_text_form():
    assert DEFAULT_ARCHITECTURE in ARCHITECTURES
    for arch in ARCHITECTURES.values():
        assert layers_to_text(layers_from_text(arch.text)) == arch.text
        assert arch.title and arch.description


def test_preset_specs_fit_the_number_of_classes():
    specs = preset_specs("keras_mnist_small", n_classes=7)
    assert specs[-1].kind == "Dense" and specs[-1].filters_or_units == 7
    assert layers_to_text(specs) == "C8k3:relu;M2;C16k3:relu;M2;F;D32:relu;D7:softmax"


def test_lenet_gets_lenet5_shapes_on_28x28():
    shapes = [row.output_shape for row in summarize((28, 28, 1), preset_specs("lenet")).rows]
    assert shapes[:4] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16)]


def test_a_preset_that_does_not_fit_says_which_layer_and_why():
    with pytest.raises(ValueError, match=r"architecture 'lenet': the layers do not fit 8x8x1 "
                       r"images: layer 3 \(Conv2D\) does not fit: the kernel, 5 wide"):
        model_from_preset("lenet", (8, 8, 1), 10)


def test_unknown_preset_names_the_argument():
    with pytest.raises(ValueError, match=r"`name` must be one of 'small', 'tiny'"):
        model_from_preset("resnet", (16, 16, 1), 10)
    with pytest.raises(ValueError, match="`n_classes`"):
        preset_specs("tiny", 1)


def test_relu_activations_become_relu_layers_and_settings_carry_over():
    specs = layers_from_text("C8k3s2same:relu;M3s2same;A2;F;D16:relu;R;D4")
    model = model_from_specs(specs, (16, 16, 1), 4, seed=0)
    kinds = [layer.kind for layer in model.layers]
    assert kinds == ["conv2d", "relu", "max_pool2d", "avg_pool2d", "flatten", "dense", "relu",
                     "relu", "dense"]
    conv = model.layers[0]
    assert isinstance(conv, Conv2D)
    assert (conv.stride, conv.padding, conv.output_shape) == ((2, 2), "same", (8, 8, 8))
    assert model.layers[2].stride == (2, 2) and model.layers[2].padding == "same"
    assert model.n_params == summarize((16, 16, 1), specs).total_params


def test_the_classic_keras_mnist_stack_of_the_layer_shapes_page_builds():
    shape, specs = PRESETS["Classic Keras MNIST"]
    model = model_from_specs(specs, shape, 10)
    assert model.n_params == 93_322


def test_the_same_seed_gives_the_same_weights():
    a, b, c = (model_from_preset("tiny", (16, 16, 1), 10, seed=s) for s in (3, 3, 4))
    wa, wb, wc = (m.layers[0].params["weight"] for m in (a, b, c))
    assert np.array_equal(wa, wb) and not np.array_equal(wa, wc)


def test_fit_classes_false_checks_the_last_layer_instead():
    specs = layers_from_text("F;D10")
    assert model_from_specs(specs, (4, 4, 1), 10, fit_classes=False).output_shape == (10,)
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\): gives 10 class scores, but the "
                       r"data has 3 classes; set its units to 3"):
        model_from_specs(specs, (4, 4, 1), 3, fit_classes=False)
    fitted, summary = check_specs(specs, (4, 4, 1), 3)
    assert fitted[-1].filters_or_units == 3 and summary.output_shape == (3,)


@pytest.mark.parametrize(("text", "message"), [
    ("C8k3;GA;D10", r"layer 2 \(GlobalAvgPool2D\): cannot be trained here; use Conv2D"),
    ("C8k3:tanh;F;D10", r"layer 1 \(Conv2D\): activation 'tanh' cannot be trained here; "
                        r"use relu or none"),
    ("F;D32:softmax;D10", r"layer 2 \(Dense\): activation 'softmax' cannot be trained here "
                          r"\(only on the last Dense layer\)"),
    ("C8k3;M2p1;F;D10", r"layer 2 \(MaxPool2D\): padding must be 'valid' or 'same' for "
                        r"training, got 1"),
    ("C8k3;F", r"layer 2 \(Flatten\): the last layer must be Dense"),
    ("F;D10:relu", r"layer 2 \(Dense\): the last Dense layer gives the class scores and "
                   r"takes no activation"),
    ("C8k3;D10", r"layer 2 \(Dense\): its input \(14, 14, 8\) is not flat; put a Flatten"),
    ("C8k3;C8k3;C8k3;C8k3;C8k3;C8k3;C8k3;C8k3;F;D10",
     r"do not fit 16x16x1 images: layer 8 \(Conv2D\) does not fit"),
])
def test_bad_stacks_name_the_row(text, message):
    with pytest.raises(ValueError, match=message):
        model_from_specs(layers_from_text(text), (16, 16, 1), 10)


def test_a_bad_setting_in_a_row_is_reported_with_the_row():
    specs = [LayerSpec("Conv2D", 8, 0), LayerSpec("Flatten"), LayerSpec("Dense", 10)]
    with pytest.raises(ValueError, match=r"layer 1 \(Conv2D\): Conv2D needs a kernel size"):
        model_from_specs(specs, (16, 16, 1), 10)


def test_the_layer_shapes_lenet_preset_is_refused_for_its_tanh():
    shape, specs = PRESETS["LeNet-5 style"]
    with pytest.raises(ValueError, match=r"layer 1 \(Conv2D\): activation 'tanh'"):
        model_from_specs(specs, shape, 10)
    relu = [dataclasses.replace(s, activation="relu") if s.activation == "tanh" else s
            for s in specs]
    assert model_from_specs(relu, shape, 10).n_params == summarize(shape, relu).total_params


def test_specs_must_be_a_non_empty_list_of_layer_specs():
    with pytest.raises(TypeError, match="`specs` must be a list of LayerSpec"):
        model_from_specs("C8k3;F;D10", (16, 16, 1), 10)
    with pytest.raises(TypeError, match=r"`specs\[1\]` must be a LayerSpec"):
        model_from_specs([LayerSpec("Flatten"), "D10"], (16, 16, 1), 10)
    with pytest.raises(ValueError, match="`specs` must hold at least one layer"):
        model_from_specs([], (16, 16, 1), 10)


@pytest.mark.parametrize(("name", "params"), [("keras_mnist", 93_322), ("seed004", 3_274_634)])
def test_the_mnist_networks_have_their_published_parameter_counts(name, params):
    model = model_from_preset(name, (28, 28, 1), 10, seed=0)
    assert model.n_params == params
    assert f"{params:,} parameters" in ARCHITECTURES[name].description


def test_the_mnist_networks_say_why_they_do_not_fit_16x16_digits():
    # keras_mnist's third convolution gets a 2x2 map
    with pytest.raises(ValueError, match="layer 5 \\(Conv2D\\) does not fit"):
        model_from_preset("keras_mnist", (16, 16, 1), 10)
