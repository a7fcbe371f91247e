"""A trained model's structure and files, for the training page: its conv layers and the
max pool after each, its architecture back in the Layer-shapes text form, and model files as
bytes (download) and from bytes (upload, checked against the data set).

>>> from convviz.nn.presets import model_from_preset
>>> model = model_from_preset("small", (16, 16, 1), 10)
>>> conv_layers(model), pool_after(model, 0), model_to_text(model)
([0, 3], 2, 'C16k3same:relu;M2;C32k3same:relu;M2;F;D10')
"""

from __future__ import annotations

import io
from typing import Any

from convviz.nn.conv_layer import Conv2D
from convviz.nn.data import Dataset
from convviz.nn.io import ModelFileError, load_model, save_model
from convviz.nn.layers import Dense, Flatten, ReLU
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D
from convviz.nn.trainable import MAX_PARAMS
from convviz.stack.spec import layers_to_text
from convviz.stack.summary import LayerSpec

__all__ = ["conv_layers", "load_model_for", "model_bytes", "model_to_text", "pool_after"]


def conv_layers(model: Sequential) -> list[int]:
    """Indices in ``model.layers`` of the Conv2D layers."""
    return [i for i, layer in enumerate(model.layers) if isinstance(layer, Conv2D)]


def pool_after(model: Sequential, conv_index: int) -> int | None:
    """The index of the MaxPool2D that pools ``conv_index``'s maps (ReLUs may come between).

    None when another kind of layer comes first (or nothing does).
    """
    for i in range(conv_index + 1, len(model.layers)):
        layer = model.layers[i]
        if isinstance(layer, MaxPool2D):
            return i
        if not isinstance(layer, ReLU):
            return None
    return None


def _token(layers: list, i: int) -> tuple[LayerSpec, int] | None:
    """The LayerSpec of ``layers[i]`` (and a following ReLU) and how many layers it used."""
    layer = layers[i]
    relu = i + 1 < len(layers) and isinstance(layers[i + 1], ReLU)
    if isinstance(layer, Conv2D):
        (kh, kw), (sh, sw) = layer.kernel_size, layer.stride
        if kh != kw or sh != sw or not isinstance(layer.padding, str):
            return None
        spec = LayerSpec("Conv2D", layer.filters, kh, None if sh == 1 else sh, layer.padding,
                         "relu" if relu else None)
        return spec, 2 if relu else 1
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        (ph, pw), (sh, sw) = layer.pool_size, layer.stride
        if ph != pw or sh != sw:
            return None
        kind = "MaxPool2D" if isinstance(layer, MaxPool2D) else "AvgPool2D"
        return LayerSpec(kind, None, ph, None if sh == ph else sh, layer.padding), 1
    if isinstance(layer, Dense):
        last = i == len(layers) - 1
        return LayerSpec("Dense", layer.units, activation="relu" if relu and not last
                         else None), 2 if relu and not last else 1
    if isinstance(layer, Flatten):
        return LayerSpec("Flatten"), 1
    if isinstance(layer, ReLU):
        return LayerSpec("ReLU"), 1
    return None


def model_to_text(model: Sequential) -> str | None:
    """The architecture of ``model`` in the Layer-shapes text form, or None if it has none.

    Examples
    --------
    >>> from convviz.nn.presets import model_from_preset
    >>> model_to_text(model_from_preset("tiny", (16, 16, 1), 10))
    'C8k3:relu;M2;F;D10'
    """
    layers, specs, i = list(model.layers), [], 0
    while i < len(layers):
        found = _token(layers, i)
        if found is None:
            return None
        specs.append(found[0])
        i += found[1]
    try:
        return layers_to_text(specs)
    except ValueError:
        return None


def model_bytes(model: Sequential) -> bytes:
    """The model file (:func:`convviz.nn.save_model`) as bytes, for a download button."""
    buffer = io.BytesIO()
    save_model(model, buffer)
    return buffer.getvalue()


def load_model_for(data: Any, dataset: Dataset) -> Sequential:
    """Load a model file that fits ``dataset``: its input shape and its number of classes.

    Raises
    ------
    ModelFileError
        Saying what is wrong with the file, or what it does not fit.
    """
    model = load_model(data, input_shape=dataset.input_shape)
    if model.n_params > MAX_PARAMS:  # as the architecture editor: training would need 4x this
        raise ModelFileError(f"the model has {model.n_params:,} parameters; the limit for "
                             f"training here is {MAX_PARAMS:,}")
    if model.output_shape != (dataset.n_classes,):
        raise ModelFileError(f"the model gives {model.output_shape} scores, but "
                             f"“{dataset.name}” has {dataset.n_classes} classes: it was "
                             "trained on other data")
    return model
