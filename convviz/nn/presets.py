"""Architectures for the training page: layer specs (the Layer-shapes page's) to models.

The training page edits an architecture as a list of :class:`convviz.stack.summary.LayerSpec`
rows, the same rows, text form (``"C8k3:relu;M2;F;D10"``) and shape arithmetic as the
Layer-shapes page. :func:`model_from_specs` checks such a stack with
:func:`convviz.stack.summary.summarize` (so the shapes and parameter counts shown are the ones the
model gets) and builds the :class:`convviz.nn.Sequential`:

- ``Conv2D`` and ``Dense`` with activation ``"relu"`` become the layer followed by
  ``ReLU()``; a ``ReLU`` row is a ``ReLU()`` layer.
- The last row must be a ``Dense`` layer: it gives the class scores (logits). Its units are
  set to the number of classes (or checked, with ``fit_classes=False``); it takes no
  activation, or ``"softmax"``, which the loss applies anyway.
- Anything the numpy layers cannot train (global pooling, tanh, sigmoid, integer padding on
  a pool, Dense on an image) raises ``ValueError`` naming the row (1-based, as in the text
  form).

What can be trained, and how big, is checked by :func:`convviz.nn.trainable.check_specs`
(with its limits). :data:`ARCHITECTURES` holds the presets; each fits both 16x16 digits and
28x28 images, except ``keras_mnist`` (made for MNIST's 28x28: too deep for 16x16).

Examples
--------
>>> model = model_from_preset("tiny", (16, 16, 1), n_classes=10, seed=0)
>>> [name for name, _, _ in model.summary()]
['conv2d_1', 'relu_1', 'max_pool2d_1', 'flatten_1', 'dense_1']
>>> from convviz.stack.summary import summarize
>>> model.n_params == summarize((16, 16, 1), preset_specs("tiny", 10)).total_params
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import Dense, Flatten, Layer, ReLU
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D
from convviz.nn.trainable import check_specs
from convviz.stack.spec import LENET5_DIFFERENCES, LENET5_PAPER_PARAMS, layers_from_text
from convviz.stack.summary import POOLS, LayerSpec, summarize

__all__ = ["ARCHITECTURES", "DEFAULT_ARCHITECTURE", "Architecture", "model_from_preset",
           "model_from_specs", "preset_specs"]


@dataclass(frozen=True)
class Architecture:
    """One architecture preset.

    Attributes
    ----------
    key : str
        The name used by the command line and the page, e.g. ``"tiny"``.
    title : str
        What a menu shows.
    description : str
        One or two sentences for the learner.
    text : str
        The stack in the Layer-shapes page's text form, written for 10 classes; the last
        Dense layer takes the data set's number of classes (:func:`preset_specs`).
    """

    key: str
    title: str
    description: str
    text: str


_LENET_TEXT = "C6k5same:relu;A2;C16k5:relu;A2;F;D120:relu;D84:relu;D10:softmax"
_LENET_PARAMS = summarize((28, 28, 1), layers_from_text(_LENET_TEXT)).total_params
_KERAS_TEXT = "C32k3:relu;M2;C64k3:relu;M2;C64k3:relu;F;D64:relu;D10:softmax"
_KERAS_PARAMS = summarize((28, 28, 1), layers_from_text(_KERAS_TEXT)).total_params
_SEED004_TEXT = "C32k5same:relu;M2;C64k5same:relu;M2;F;D1024:relu;D10:softmax"
_SEED004_PARAMS = summarize((28, 28, 1), layers_from_text(_SEED004_TEXT)).total_params

ARCHITECTURES: MappingProxyType[str, Architecture] = MappingProxyType({
    a.key: a for a in (
        Architecture(
            "small", "Small CNN (default)",
            "Two 3x3 convolutions with 'same' padding (16 then 32 filters), each followed by "
            "2x2 max pooling, then one Dense layer: about 98% on the digits in a few seconds.",
            "C16k3same:relu;M2;C32k3same:relu;M2;F;D10:softmax"),
        Architecture(
            "tiny", "Tiny",
            "One convolution with 8 filters, one max pool and the classifier: the smallest "
            "network that still learns edge filters.",
            "C8k3:relu;M2;F;D10:softmax"),
        Architecture(
            "lenet", "LeNet-like",
            "After LeCun's LeNet-5 (1998): 5x5 kernels, average pooling and three Dense "
            "layers, with ReLU instead of tanh; the first convolution uses 'same' padding, "
            f"so 28x28 images get LeNet's 32x32 shapes. {LENET5_DIFFERENCES}. The paper "
            f"counts {LENET5_PAPER_PARAMS} trainable parameters; this one has "
            f"{_LENET_PARAMS:,} on 28x28 images.",
            _LENET_TEXT),
        Architecture(
            "keras_mnist_small", "Keras MNIST, scaled down",
            "The classic Keras MNIST example with a quarter of its filters (8 and 16) and the "
            "last convolution left out, so that it also fits 16x16 digits.",
            "C8k3:relu;M2;C16k3:relu;M2;F;D32:relu;D10:softmax"),
        Architecture(
            "keras_mnist", "Keras MNIST (28x28 only)",
            "The classic Keras MNIST convnet exactly: Conv2D 32 3x3, 2x2 max pooling, Conv2D "
            "64 3x3, pooling, Conv2D 64 3x3, then Dense 64 and Dense 10, all ReLU: "
            f"{_KERAS_PARAMS:,} parameters on 28x28 images. Too deep for 16x16 digits (the "
            "third convolution would get a 2x2 map).",
            _KERAS_TEXT),
        Architecture(
            "seed004", "Two 5x5 convolutions and Dense 1024",
            "The TensorFlow tutorial's MNIST network: Conv2D 32 5x5 and Conv2D 64 5x5 with "
            "'same' padding, each followed by 2x2 max pooling, then Dense 1024 and Dense 10: "
            f"{_SEED004_PARAMS:,} parameters on 28x28 images, almost all of them "
            "(3,212,288) in the first Dense layer.",
            _SEED004_TEXT),
    )
})
DEFAULT_ARCHITECTURE = "small"


def _check_name(name: Any) -> Architecture:
    if not isinstance(name, str) or name not in ARCHITECTURES:
        raise ValueError(f"`name` must be one of {', '.join(map(repr, ARCHITECTURES))}, "
                         f"got {name!r}")
    return ARCHITECTURES[name]


def preset_specs(name: str, n_classes: int = 10) -> tuple[LayerSpec, ...]:
    """The layer specs of preset ``name``, its last Dense layer giving ``n_classes`` scores.

    Examples
    --------
    >>> from convviz.stack.spec import layers_to_text
    >>> layers_to_text(preset_specs("tiny", n_classes=7))
    'C8k3:relu;M2;F;D7:softmax'
    """
    specs = layers_from_text(_check_name(name).text)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    return specs[:-1] + (dataclasses.replace(specs[-1], filters_or_units=n_classes),)


def _layers(spec: LayerSpec) -> list[Layer]:
    """The numpy layers for one checked spec (a relu activation adds a ReLU)."""
    kind = spec.kind
    if kind == "Conv2D":
        stride = 1 if spec.stride is None else int(spec.stride)
        layers: list[Layer] = [Conv2D(int(spec.filters_or_units), int(spec.kernel_size),
                                      stride=stride, padding=spec.padding)]
    elif kind in POOLS:
        cls = MaxPool2D if kind == "MaxPool2D" else AvgPool2D
        stride = None if spec.stride is None else int(spec.stride)
        layers = [cls(int(spec.kernel_size), stride, padding=spec.padding)]
    elif kind == "Dense":
        layers = [Dense(int(spec.filters_or_units))]
    elif kind == "Flatten":
        layers = [Flatten()]
    else:  # "ReLU"
        layers = [ReLU()]
    if spec.activation == "relu":
        layers.append(ReLU())
    return layers


def model_from_specs(specs: Sequence[LayerSpec], input_shape: Sequence[int], n_classes: int,
                     seed: int = 0, *, fit_classes: bool = True,
                     dtype: Any = np.float32) -> Sequential:
    """Build a trainable model from layer specs (see :func:`check_specs` for the rules).

    Parameters
    ----------
    specs : sequence of LayerSpec
        E.g. ``convviz.stack.spec.layers_from_text("C8k3:relu;M2;F;D10")``.
    input_shape : (H, W, C)
    n_classes : int, >= 2
    seed : int, default 0
        Initial weights (He normal; see :class:`convviz.nn.Sequential`).
    fit_classes : bool, default True
        Give the last Dense layer ``n_classes`` units (else check that it has them).
    dtype : float32 or float64

    Returns
    -------
    Sequential
        Its ``n_params`` equals ``check_specs(...)[1].total_params``.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_specs`, naming the row.

    Examples
    --------
    >>> from convviz.stack.spec import layers_from_text
    >>> model = model_from_specs(layers_from_text("C4k3:relu;M2;F;D10"), (8, 8, 1), 3)
    >>> model.output_shape, model.n_params
    ((3,), 151)
    """
    checked, _ = check_specs(specs, input_shape, n_classes, fit_classes=fit_classes)
    layers = [layer for spec in checked for layer in _layers(spec)]
    return Sequential(layers, tuple(int(v) for v in input_shape), seed=seed, dtype=dtype)


def model_from_preset(name: str, input_shape: Sequence[int], n_classes: int,
                      seed: int = 0) -> Sequential:
    """Build preset ``name`` of :data:`ARCHITECTURES` for ``input_shape`` and ``n_classes``.

    Raises ``ValueError`` for an unknown name, or (naming the layer) when the preset does
    not fit ``input_shape``.

    Examples
    --------
    >>> model_from_preset("lenet", (28, 28, 1), 10).summary()[-1]
    ('dense_3', (10,), 850)
    """
    specs = preset_specs(name, n_classes)
    try:
        return model_from_specs(specs, input_shape, n_classes, seed)
    except ValueError as exc:
        raise ValueError(f"architecture {name!r}: {exc}") from None
