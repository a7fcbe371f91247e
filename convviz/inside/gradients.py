"""The gradients that teach a CNN, for one example: every layer's, the kernel gradient as a
convolution to step through, max pooling's routing, and one SGD update (pure: no streamlit).

A conv layer's kernel gradient is itself a convolution: entry ``dW[u, v, c, f]`` is the
sum over the output positions ``(i, j)`` of ``x_pad[i * s + u, j * s + v, c] * dout[i, j, f]``,
the layer's input channel ``c`` correlated with the output gradient map ``f``, which
slides as the "kernel" with its taps ``s`` (the stride) apart. :func:`kernel_gradient_plan`
returns exactly that as a :class:`convviz.ConvPlan`, one step per kernel entry.

>>> from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
>>> model = Sequential([Conv2D(2, 3), ReLU(), MaxPool2D(2), Flatten(), Dense(3)],
...                    input_shape=(8, 8, 1), dtype=np.float64)
>>> x = np.random.default_rng(0).random((8, 8, 1))
>>> g = layer_gradients(model, x, 1)
>>> conv = g.layers[0]
>>> plan = layer_kernel_gradient_plan(conv, filter_index=1, channel=0)
>>> plan.out_shape, bool(np.isclose(plan.step(4).value, conv.grads["weight"][1, 1, 0, 1]))
((3, 3), True)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import as_float_array, check_int, check_pair
from convviz.engine.conv_steps import ConvPlan, conv_plan
from convviz.engine.padding import resolve_padding
from convviz.engine.pool_steps import pool_plan
from convviz.engine.shapes import output_size
from convviz.inside.inspect import check_example
from convviz.nn.conv_layer import Conv2D, check_padding
from convviz.nn.losses import softmax, softmax_cross_entropy
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import MaxPool2D

__all__ = ["ExampleGradients", "LayerGradients", "Route", "kernel_gradient_plan",
           "layer_gradients", "layer_kernel_gradient_plan", "layer_maxpool_routing",
           "maxpool_routing", "sgd_update_view"]


@dataclass(frozen=True, eq=False)
class LayerGradients:
    """One layer's forward and backward pass for one example (no batch axis anywhere).

    Attributes
    ----------
    index : int
        The layer's position in the model, from 0.
    name : str
        Its Keras-style name ("conv2d_1").
    kind : str
        Its ``kind`` ("conv2d", "relu", "max_pool2d", "flatten", "dense", ...).
    config : dict of str to value
        Its constructor arguments, as ``Layer.get_config()`` gives them.
    input : ndarray, shape ``input_shape``
        What the layer received, e.g. (H, W, C_in).
    output : ndarray, shape ``output_shape``
        What it returned, e.g. (H', W', F).
    dout : ndarray, shape ``output_shape``
        d loss / d output.
    dinput : ndarray, shape ``input_shape``
        d loss / d input: the previous layer's ``dout``.
    params, grads : dict of str to ndarray
        Copies of the layer's parameters and their gradients, keyed as ``Layer.params``
        ("weight" (kH, kW, C_in, F) or (in, out), "bias" (F,)); empty for a layer without.
    """

    index: int
    name: str
    kind: str
    config: dict[str, Any]
    input: np.ndarray
    output: np.ndarray
    dout: np.ndarray
    dinput: np.ndarray
    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class ExampleGradients:
    """Forward, loss and backward of a classifier on one example, layer by layer.

    Attributes
    ----------
    loss : float
        Softmax cross-entropy against ``label``.
    label : int
        The class the loss is computed against, in ``[0, K)``.
    logits : ndarray, shape (K,)
        The model's output.
    probabilities : ndarray, shape (K,)
        Softmax of ``logits``.
    layers : tuple of LayerGradients
        One per layer of the model, in order.
    """

    loss: float
    label: int
    logits: np.ndarray
    probabilities: np.ndarray
    layers: tuple[LayerGradients, ...]


def layer_gradients(model: Sequential, x_single: Any, label: int) -> ExampleGradients:
    """Forward, softmax cross-entropy and backward on one example, layer by layer.

    The layers run one at a time on a copy of ``model`` (its caches and gradients are left
    as they are), so every intermediate array can be kept.

    Parameters
    ----------
    model : Sequential
        A classifier: output (K,).
    x_single : array_like, shape ``model.input_shape``
    label : int
        The class the loss is computed against, in ``[0, K)``.

    Returns
    -------
    ExampleGradients
        The loss, logits (K,) and probabilities (K,), and ``layers``: one
        :class:`LayerGradients` per layer, in order (inputs, outputs and their gradients
        without the batch axis, copies of the parameters and their gradients).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten, Sequential
    >>> model = Sequential([Flatten(), Dense(3)], input_shape=(2, 2, 1), dtype=np.float64)
    >>> g = layer_gradients(model, np.ones((2, 2, 1)), 2)
    >>> [(entry.name, entry.dinput.shape) for entry in g.layers]
    [('flatten_1', (2, 2, 1)), ('dense_1', (4,))]
    >>> g.layers[-1].grads["weight"].shape, bool(np.isclose(g.probabilities.sum(), 1.0))
    ((4, 3), True)
    """
    x = check_example(model, x_single)
    if len(model.output_shape) != 1:
        raise ValueError(f"`model` must output class scores (K,), got output shape "
                         f"{model.output_shape}")
    k = model.output_shape[0]
    label = check_int(label, "label", minimum=0)
    if label >= k:
        raise ValueError(f"`label` must be a class index in [0, {k}), got {label}")
    work = model.astype(model.dtype)  # a deep copy without the training caches
    inputs, outputs = [], []
    out = x[None].astype(work.dtype)  # (1, *input_shape)
    for layer in work.layers:
        inputs.append(out)
        out = layer.forward(out, training=True)
        outputs.append(out)
    loss, grad = softmax_cross_entropy(out, np.array([label]))
    douts, dinputs = [None] * len(work.layers), [None] * len(work.layers)
    for i in reversed(range(len(work.layers))):
        douts[i] = grad
        grad = work.layers[i].backward(grad)
        dinputs[i] = grad
    layers = tuple(LayerGradients(
        index=i, name=layer.name, kind=layer.kind, config=layer.get_config(),
        input=inputs[i][0].copy(), output=outputs[i][0].copy(), dout=douts[i][0].copy(),
        dinput=dinputs[i][0].copy(),
        params={key: v.copy() for key, v in layer.params.items()},
        grads={key: v.copy() for key, v in layer.grads.items()})
        for i, layer in enumerate(work.layers))
    return ExampleGradients(loss=loss, label=label, logits=out[0].copy(),
                            probabilities=softmax(out)[0], layers=layers)


def kernel_gradient_plan(layer_input: Any, dout: Any, filter_index: int, channel: int, *,
                         kernel_size: Any, stride: Any = 1,
                         padding: str | int = "valid") -> ConvPlan:
    """The kernel gradient of one filter and input channel as a convolution to step through.

    Parameters
    ----------
    layer_input : array_like, shape (H, W, C_in)
        The conv layer's input for one example.
    dout : array_like, shape (H', W', F)
        d loss / d the layer's output, for the same example.
    filter_index, channel : int
        f and c of ``dW[:, :, c, f]`` (0-based).
    kernel_size : int or (kH, kW)
    stride : int or (rows, cols)
    padding : "valid", "same" or int
        The layer's settings (the same rules as :class:`~convviz.nn.Conv2D`).

    Returns
    -------
    ConvPlan
        Input: channel ``c`` of the layer input with the layer's padding (cells no window
        reaches are left out); kernel: ``dout[:, :, f]``, with dilation = ``stride``; bias 0.
        ``out_shape == (kH, kW)`` and ``plan.step(u * kW + v).value == dW[u, v, c, f]``:
        the step's patch holds the input cells that met output gradient ``dout[i, j, f]``.

    Examples
    --------
    >>> x = np.arange(25.0).reshape(5, 5, 1)
    >>> plan = kernel_gradient_plan(x, np.ones((2, 2, 1)), 0, 0, kernel_size=3, stride=2)
    >>> plan.out_shape, plan.dilation, plan.step(0).value  # 0 + 2 + 10 + 12
    ((3, 3), (2, 2), 24.0)
    """
    x = as_float_array(layer_input, "layer_input", ndims=(3,))
    d = as_float_array(dout, "dout", ndims=(3,))
    kh, kw = check_pair(kernel_size, "kernel_size")
    stride = check_pair(stride, "stride")
    padding = check_padding(padding)
    h, w, c_in = x.shape
    (t, b), (left, r) = resolve_padding(padding, (h, w), (kh, kw), stride)
    out_hw = (output_size(h, kh, stride=stride[0], padding=(t, b)),
              output_size(w, kw, stride=stride[1], padding=(left, r)))
    if d.shape[:2] != out_hw:
        raise ValueError(f"`dout` must have shape ({out_hw[0]}, {out_hw[1]}, F), the layer's "
                         f"output for input {x.shape}, kernel {kh}x{kw}, stride {stride} and "
                         f"padding {padding!r}, got {d.shape}")
    filter_index = check_int(filter_index, "filter_index", minimum=0)
    if filter_index >= d.shape[2]:
        raise ValueError(f"`filter_index` must be in 0..{d.shape[2] - 1}, got {filter_index}")
    channel = check_int(channel, "channel", minimum=0)
    if channel >= c_in:
        raise ValueError(f"`channel` must be in 0..{c_in - 1}, got {channel}")
    # the padded rows and columns that some window reaches: exactly kH x kW outputs
    used_h, used_w = (out_hw[0] - 1) * stride[0] + kh, (out_hw[1] - 1) * stride[1] + kw
    rows, cols = min(h, used_h - t), min(w, used_w - left)
    pads = ((t, max(0, used_h - t - h)), (left, max(0, used_w - left - w)))
    return conv_plan(x[:rows, :cols, channel], d[:, :, filter_index], 0.0, stride=1,
                     padding=pads, dilation=stride)


def _check_entry(layer: Any, kind: str) -> LayerGradients:
    if not isinstance(layer, LayerGradients):
        raise TypeError(f"`layer` must be a {kind} entry of layer_gradients(...).layers (a "
                        f"LayerGradients), got {type(layer).__name__}")
    if layer.kind != kind:
        raise ValueError(f"`layer` must be a {kind} entry of layer_gradients(...).layers, "
                         f"got {layer.name} ({layer.kind})")
    return layer


def layer_kernel_gradient_plan(layer: LayerGradients, filter_index: int,
                               channel: int) -> ConvPlan:
    """:func:`kernel_gradient_plan` for one Conv2D entry of :func:`layer_gradients`.

    Raises ``TypeError`` unless ``layer`` is a :class:`LayerGradients` and ``ValueError``
    unless it is a conv2d layer's.
    """
    cfg = _check_entry(layer, Conv2D.kind).config
    return kernel_gradient_plan(layer.input, layer.dout, filter_index, channel,
                                kernel_size=tuple(cfg["kernel_size"]),
                                stride=tuple(cfg["stride"]), padding=cfg["padding"])


class Route(NamedTuple):
    """Where one output gradient of a max pool goes.

    ``out_pos`` is the pool's output cell, ``in_pos`` the input cell (unpadded
    coordinates) holding the window's maximum, ``value`` that maximum and ``grad`` the
    gradient it receives: ``dout[out_pos]``. ``rows`` and ``cols`` are the window's input
    rows and columns (padding left out).
    """

    out_pos: tuple[int, int]
    in_pos: tuple[int, int]
    value: float
    grad: float
    rows: tuple[int, ...]
    cols: tuple[int, ...]


def maxpool_routing(layer_input: Any, dout: Any, pool_size: Any = 2, stride: Any = None,
                    channel: int = 0, *,
                    padding: str = "valid") -> tuple[np.ndarray, list[Route]]:
    """How max pooling routes each output gradient to its window's winning cell.

    Parameters
    ----------
    layer_input : array_like, shape (H, W, C)
        The MaxPool2D layer's input for one example.
    dout : array_like, shape (H', W', C)
        d loss / d the pool's output.
    pool_size, stride, padding
        The layer's settings (stride defaults to ``pool_size``; padding "valid" or "same").
    channel : int

    Returns
    -------
    routed : ndarray, shape (H, W)
        d loss / d input for that channel: each ``dout`` value added to its winner, zero
        elsewhere (equal to ``MaxPool2D.backward``'s channel).
    winners : list of Route
        One per output cell, row-major; ties go to the first maximum, as the layer does.

    Examples
    --------
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8.]])[..., None]
    >>> routed, winners = maxpool_routing(x, np.full((2, 2, 1), 0.5))
    >>> routed[:2].tolist(), winners[0].in_pos
    ([[0.0, 0.0, 0.5, 0.0], [0.5, 0.0, 0.0, 0.0]], (1, 0))
    """
    x = as_float_array(layer_input, "layer_input", ndims=(3,))
    d = as_float_array(dout, "dout", ndims=(3,))
    size = check_pair(pool_size, "pool_size")
    stride = size if stride is None else check_pair(stride, "stride")
    padding = check_padding(padding, allow_int=False)
    channel = check_int(channel, "channel", minimum=0)
    if channel >= x.shape[2]:
        raise ValueError(f"`channel` must be in 0..{x.shape[2] - 1}, got {channel}")
    pads = resolve_padding(padding, x.shape[:2], size, stride)
    plan = pool_plan(x[..., channel], size, stride=stride, padding=pads, mode="max")
    if d.shape != plan.out_shape + (x.shape[2],):
        raise ValueError(f"`dout` must have shape {plan.out_shape + (x.shape[2],)}, the pool's "
                         f"output for input {x.shape}, got {d.shape}")
    (t, _), (left, _) = pads
    routed = np.zeros(x.shape[:2], dtype=np.result_type(x.dtype, d.dtype))
    winners = []
    for index in range(plan.n_steps):
        step = plan.step(index)
        r, c = step.rows[step.argmax[0]] - t, step.cols[step.argmax[1]] - left
        g = d[step.out_pos[0], step.out_pos[1], channel]
        routed[r, c] += g  # overlapping windows can pick the same winner
        rows = tuple(i - t for i in step.rows if 0 <= i - t < x.shape[0])
        cols = tuple(j - left for j in step.cols if 0 <= j - left < x.shape[1])
        winners.append(Route(step.out_pos, (r, c), step.value, float(g), rows, cols))
    return routed, winners


def layer_maxpool_routing(layer: LayerGradients,
                          channel: int = 0) -> tuple[np.ndarray, list[Route]]:
    """:func:`maxpool_routing` for one MaxPool2D entry of :func:`layer_gradients`.

    Raises ``TypeError`` unless ``layer`` is a :class:`LayerGradients` and ``ValueError``
    unless it is a max_pool2d layer's.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten, MaxPool2D, Sequential
    >>> model = Sequential([MaxPool2D(2), Flatten(), Dense(2)], input_shape=(4, 4, 1))
    >>> g = layer_gradients(model, np.arange(16.0).reshape(4, 4, 1), 0)
    >>> routed, winners = layer_maxpool_routing(g.layers[0])
    >>> routed.shape, [w.in_pos for w in winners]
    ((4, 4), [(1, 1), (1, 3), (3, 1), (3, 3)])
    """
    cfg = _check_entry(layer, MaxPool2D.kind).config
    return maxpool_routing(layer.input, layer.dout, tuple(cfg["pool_size"]),
                           tuple(cfg["stride"]), channel, padding=cfg["padding"])


def sgd_update_view(weight_before: Any, grad: Any,
                    lr: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One plain SGD step of a kernel: ``after = before - lr * grad``, as ``SGD(lr).step``.

    Parameters
    ----------
    weight_before, grad : array_like, shape (kH, kW)
        A kernel slice and its gradient (e.g. ``weight[:, :, c, f]``), same shape.
    lr : float, > 0

    Returns
    -------
    (before, grad, after) : three ndarrays of shape (kH, kW)
        Copies in the inputs' dtype; ``after`` is computed with the optimizer's own
        arithmetic, so it equals what ``SGD(lr).step(model)`` does to those weights.

    Examples
    --------
    >>> before, grad, after = sgd_update_view(np.ones((2, 2)), np.full((2, 2), 2.0), 0.25)
    >>> after.tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    before = as_float_array(weight_before, "weight_before", ndims=(2,)).copy()
    g = as_float_array(grad, "grad", ndims=(2,)).copy()
    if g.shape != before.shape:
        raise ValueError(f"`grad` must have the shape of `weight_before`, {before.shape}, "
                         f"got {g.shape}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"`lr` must be a number, got {lr!r}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"`lr` must be a finite number > 0, got {lr!r}")
    after = before.copy()
    after -= float(lr) * g  # the very operation of SGD._update
    return before, g, after
