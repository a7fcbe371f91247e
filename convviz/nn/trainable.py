"""What the numpy layers can train, and how big: a stack of layer specs checked before any
weight is allocated.

A stack for the training page (:mod:`convviz.nn.presets` builds it) must use the kinds in
:data:`TRAINABLE_KINDS`, activations relu (or none), and end with the Dense layer giving
one score per class; its shapes must fit the images (:func:`convviz.stack.summary.summarize`,
the Layer-shapes page's arithmetic), and its size must stay under :data:`MAX_PARAMS`
parameters and :data:`MAX_MULTIPLY_ADDS` multiply-adds per image, so that no setting (a
link, a model file) can ask the server for gigabytes or for steps that take seconds. Every
refusal names the row (1-based, as in the text form) and what would be valid.

Examples
--------
>>> from convviz.stack.spec import layers_from_text
>>> check_specs(layers_from_text("C8k3:tanh;F;D10"), (8, 8, 1), 10)
Traceback (most recent call last):
...
ValueError: layer 1 (Conv2D): activation 'tanh' cannot be trained here; use relu or none
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from convviz.base.checks import check_int
from convviz.stack.summary import POOLS, LayerSpec, Summary, format_shape, summarize

__all__ = ["MAX_MULTIPLY_ADDS", "MAX_PARAMS", "TRAINABLE_KINDS", "check_specs",
           "multiply_adds"]

#: Stacks with more parameters are refused before building (a URL could otherwise ask the
#: server for gigabytes): 10 million float32 weights are 40 MB, 160 MB with Adam's state.
MAX_PARAMS = 10_000_000
# Multiply-adds of one image's forward pass: the presets need at most 26 million (Small CNN
# on 128x128 colour images); a step costs about 3x this per image of the batch.
MAX_MULTIPLY_ADDS = 50_000_000

#: The LayerSpec kinds the numpy layers can train.
TRAINABLE_KINDS = ("Conv2D", "MaxPool2D", "AvgPool2D", "ReLU", "Flatten", "Dense")


def _row(i: int, spec: LayerSpec) -> str:
    return f"layer {i + 1} ({spec.kind})"


def _check_trainable(i: int, spec: LayerSpec, last: bool) -> None:
    """Raise for what the numpy layers cannot do (shapes are checked by summarize)."""
    if spec.kind not in TRAINABLE_KINDS:
        raise ValueError(f"{_row(i, spec)}: cannot be trained here; use "
                         f"{', '.join(TRAINABLE_KINDS)}")
    if spec.kind in POOLS and not isinstance(spec.padding, str):
        raise ValueError(f"{_row(i, spec)}: padding must be 'valid' or 'same' for training, "
                         f"got {spec.padding!r}")
    act = spec.activation
    if last:
        if spec.kind != "Dense":
            raise ValueError(f"{_row(i, spec)}: the last layer must be Dense, giving one score "
                             "per class; add a Flatten and a Dense layer at the end")
        if act not in (None, "softmax"):
            raise ValueError(f"{_row(i, spec)}: the last Dense layer gives the class scores and "
                             f"takes no activation (the loss applies softmax), got {act!r}")
    elif act not in (None, "relu"):
        hint = " (only on the last Dense layer)" if act == "softmax" else ""
        raise ValueError(f"{_row(i, spec)}: activation {act!r} cannot be trained here"
                         f"{hint}; use relu or none")


def check_specs(specs: Sequence[LayerSpec], input_shape: Sequence[int], n_classes: int, *,
                fit_classes: bool = True) -> tuple[tuple[LayerSpec, ...], Summary]:
    """Check a stack for training and return it (last Dense fitted) with its summary.

    Parameters
    ----------
    specs : sequence of LayerSpec
    input_shape : (H, W, C)
        One image's shape, e.g. ``dataset.input_shape``.
    n_classes : int, >= 2
    fit_classes : bool, default True
        Set the last Dense layer's units to ``n_classes``; when False, a different number
        raises instead.

    Returns
    -------
    specs : tuple of LayerSpec
        ``specs`` with the last layer's units set to ``n_classes``.
    summary : convviz.stack.summary.Summary
        Every row's output shape and parameter count (those of the model that
        :func:`model_from_specs` builds).

    Raises
    ------
    TypeError
        If ``specs`` is not a sequence of LayerSpec.
    ValueError
        Naming the first bad row: a setting, a layer that does not fit the input, a kind
        or activation that cannot be trained, or a last layer that is not a Dense.

    Examples
    --------
    >>> from convviz.stack.spec import layers_from_text, layers_to_text
    >>> specs, summary = check_specs(layers_from_text("C8k3:relu;M2;F;D10"), (16, 16, 1), 3)
    >>> layers_to_text(specs), summary.output_shape, summary.total_params
    ('C8k3:relu;M2;F;D3', (3,), 1259)
    >>> check_specs(layers_from_text("C8k3;M2;C8k5;F;D10"), (8, 8, 1), 10)
    Traceback (most recent call last):
    ...
    ValueError: the layers do not fit 8x8x1 images: layer 3 (Conv2D) does not fit: the \
kernel, 5 wide, is wider than the padded input, 3 (3 + 0 + 0 padding). Use a smaller window, \
'same' padding or fewer layers before it
    """
    if isinstance(specs, (str, LayerSpec)) or not isinstance(specs, Sequence):
        raise TypeError(f"`specs` must be a list of LayerSpec, got {type(specs).__name__}")
    if not specs:
        raise ValueError("`specs` must hold at least one layer, got none; the last one must "
                         "be a Dense layer giving one score per class")
    for i, spec in enumerate(specs):
        if not isinstance(spec, LayerSpec):
            raise TypeError(f"`specs[{i}]` must be a LayerSpec, got {spec!r}")
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    last = len(specs) - 1
    for i, spec in enumerate(specs):
        _check_trainable(i, spec, i == last)
    out = tuple(specs)
    units = specs[last].filters_or_units
    if fit_classes:
        out = out[:-1] + (dataclasses.replace(specs[last], filters_or_units=n_classes),)
    elif units != n_classes:
        raise ValueError(f"{_row(last, specs[last])}: gives {units} class scores, but the data "
                         f"has {n_classes} classes; set its units to {n_classes}")
    summary = summarize(input_shape, out)
    shape_text = "x".join(map(str, summary.input_shape))
    for row in summary.rows:
        if row.error is not None:
            sep = " " if row.error.startswith("does not fit") else ": "
            raise ValueError(f"the layers do not fit {shape_text} images: "
                             f"{_row(row.index, out[row.index])}{sep}{row.error}")
        if row.kind == "Dense" and len(row.input_shape) != 1:
            raise ValueError(f"{_row(row.index, out[row.index])}: its input "
                             f"{format_shape(row.input_shape)} is not flat; put a Flatten "
                             "layer before it")
    if summary.total_params > MAX_PARAMS:  # checked before any weight is allocated
        raise ValueError(f"the model would have {summary.total_params:,} parameters; the limit "
                         f"here is {MAX_PARAMS:,}. Use fewer filters or units, or pool more "
                         "before Flatten")
    if (macs := multiply_adds(summary, out)) > MAX_MULTIPLY_ADDS:
        raise ValueError(f"the model would need {macs:,} multiply-adds per image; the limit "
                         f"here is {MAX_MULTIPLY_ADDS:,} (a training step would take seconds)."
                         " Use fewer filters, pool earlier or use smaller images")
    return out, summary


def multiply_adds(summary: Summary, specs: Sequence[LayerSpec]) -> int:
    """Multiply-adds of one image's forward pass through the Conv2D and Dense layers.

    A Conv2D layer computes ``kH * kW * C_in`` products for each of its ``H' * W' * F``
    outputs; a Dense layer ``in * units``. Rows without an output count 0.

    Examples
    --------
    >>> from convviz.stack.spec import layers_from_text
    >>> specs = layers_from_text("C4k3;F;D10")
    >>> multiply_adds(summarize((8, 8, 1), specs), specs)  # 6*6*4*9 + 144*10
    2736
    """
    total = 0
    for row, spec in zip(summary.rows, specs, strict=True):
        if row.output_shape is None or row.input_shape is None:
            continue
        if row.kind == "Conv2D":
            h, w, f = row.output_shape
            total += h * w * f * int(spec.kernel_size) ** 2 * row.input_shape[-1]
        elif row.kind == "Dense":
            total += row.input_shape[0] * row.output_shape[0]
    return total
