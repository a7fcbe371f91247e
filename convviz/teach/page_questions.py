"""The predict-first question for an arithmetic page's current settings.

Each page hands its settings, as its widgets hold them, to one function here, which picks the
question generator (``convviz.teach.predict_*``) and its arguments, or returns None when the
settings have no question to ask: a choice the generator does not cover, or settings the
framework refuses (the page explains those itself). The page stays layout and wording.

Examples
--------
>>> size_page_question(7, 7, 3, 1, 0, 1, "torch").answer_text()
'(5, 5)'
>>> size_page_question(7, 7, 3, 1, "full", 1, "torch") is None  # no "full" in PyTorch
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.teach.predict_conv import MAX_CHANNELS, conv_cell_question
from convviz.teach.predict_field import MAX_LAYERS, receptive_field_question
from convviz.teach.predict_grid import MAX_GRID_SIDE
from convviz.teach.predict_params import conv_params_question, dense_params_question
from convviz.teach.predict_pool import pool_value_question
from convviz.teach.predict_shape import layer_shape_question
from convviz.teach.predict_size import output_size_question, pool_size_question
from convviz.teach.predict_transposed import transposed_size_question
from convviz.teach.questions import Question

__all__ = ["LAYER_ASKS", "POOL_ASKS", "conv_page_question", "layer_page_question",
           "pool_page_question", "size_page_question", "transposed_page_question"]

#: What the layer-shapes page can ask about a layer of its stack.
LAYER_ASKS = {"params": "its parameter count", "shape": "its output shape",
              "field": "a unit's receptive field"}
_POOLS = {"MaxPool2D": "maxpool", "AvgPool2D": "avgpool"}

#: What the pooling page can ask about its current settings.
POOL_ASKS = {"value": "the pooled value of the current window",
             "size": "the output size"}


def size_page_question(h: int, w: int, k: int, s: int, p: Any, d: int, rule: str, *,
                       refused: bool = False) -> Question | None:
    """The output-size page's question: the output (height, width) under the page's rule.

    Parameters
    ----------
    h, w, k, s, p, d : int (p also "valid", "same" or "full")
        The page's input height and width, kernel, stride, padding and dilation.
    rule : {"torch", "keras", "pool_ceil"}
        The page's framework rule: PyTorch's Conv2d, Keras' Conv2D (padding "valid" or
        "same"; 0 is "valid"), or PyTorch's max pooling with ``ceil_mode=True``.
    refused : bool
        True when the framework cannot compute these settings (e.g. a padding mode's limit):
        no question.

    Returns
    -------
    Question or None
        None for "full" padding, a Keras padding given as a number of cells, pooling with
        dilation or "same", settings the framework refuses, or no window that fits.

    Examples
    --------
    >>> size_page_question(8, 8, 3, 2, "same", 1, "keras").concept
    'same-padding'
    >>> size_page_question(7, 7, 3, 2, 0, 1, "pool_ceil").answer_text()
    '(3, 3)'
    """
    if refused or p == "full":
        return None
    try:
        if rule == "pool_ceil":
            if d != 1 or isinstance(p, str):
                return None
            return pool_size_question(h, w, k, stride=s, padding=p, ceil_mode=True)
        if rule == "keras" and p == 0:
            p = "valid"
        return output_size_question(h, w, k, s, p, d, rule=rule)
    except ValueError:  # refused by the framework or no window fits: the page says why
        return None


def conv_page_question(x: np.ndarray, kernel: np.ndarray, bias: float, index: tuple[int, int],
                       *, stride: int, padding: Any, dilation: int, padding_mode: str = "zeros",
                       flip: bool = False) -> Question | None:
    """The convolution page's question: the value of the output cell at the current step.

    Parameters
    ----------
    x : ndarray, shape (H, W) or (H, W, C)
        The page's input.
    kernel : ndarray, shape (kH, kW) or (kH, kW, C)
        The filter the page steps through.
    bias : float
        The filter's bias.
    index : (int, int)
        The output cell (row, column) of the current step, 0-based.
    stride, padding, dilation, padding_mode, flip
        The page's settings, as for :func:`convviz.conv2d`.

    Returns
    -------
    Question or None
        None for a grid too large to write out, or settings the engine refuses.

    Examples
    --------
    >>> x = np.arange(25).reshape(5, 5)
    >>> q = conv_page_question(x, np.eye(3), 1.0, (0, 1), stride=1, padding=0, dilation=1)
    >>> q.answer_text()
    '22'
    >>> conv_page_question(x, np.eye(3)[::-1], 1.0, (0, 1), stride=1, padding=0, dilation=1,
    ...                    flip=True).answer_text()  # the anti-diagonal, rotated: the diagonal
    '22'
    """
    if max(np.shape(x)[:2]) > MAX_GRID_SIDE or (np.ndim(x) == 3 and np.shape(x)[2] > MAX_CHANNELS):
        return None
    try:
        return conv_cell_question(x, kernel, bias, index, stride=stride, padding=padding,
                                  dilation=dilation, padding_mode=padding_mode, flip=flip)
    except ValueError:  # the page says why the engine refuses these settings
        return None


def pool_page_question(x: np.ndarray, mode: str, k: int, s: int, p: int, *, ceil_mode: bool,
                       count_include_pad: bool, index: tuple[int, int],
                       ask: str = "value") -> Question | None:
    """The pooling page's question: the current window's pooled value, or the output size.

    Parameters
    ----------
    x : ndarray, shape (H, W)
        The page's input.
    mode : {"max", "avg", "gmax", "gavg"}
        Max or average pooling, or their global versions (one window: the whole map).
    k, s, p : int
        Pool size, stride and padding (local pooling).
    ceil_mode, count_include_pad : bool
        PyTorch's options, as the page sets them.
    index : (int, int)
        The output cell of the current window (local pooling), 0-based.
    ask : {"value", "size"}
        What to ask (:data:`POOL_ASKS`); a global pooling's size is always 1 x 1: it is
        asked for its value.

    Returns
    -------
    Question or None
        None for a grid too large to write out, or settings PyTorch refuses.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> pool_page_question(x, "max", 2, 2, 0, ceil_mode=False, count_include_pad=True,
    ...                    index=(1, 0)).answer_text()
    '13'
    >>> pool_page_question(x, "gavg", 2, 2, 0, ceil_mode=False, count_include_pad=True,
    ...                    index=(0, 0)).answer_text()
    '7.5'
    >>> pool_page_question(x, "max", 3, 2, 1, ceil_mode=True, count_include_pad=True,
    ...                    index=(0, 0), ask="size").answer_text()
    '(3, 3)'
    """
    if ask not in POOL_ASKS:
        raise ValueError(f"`ask` must be one of {list(POOL_ASKS)}, got {ask!r}")
    x = np.asarray(x)
    try:
        if mode in ("gmax", "gavg"):
            return pool_value_question(x, x.shape, (0, 0), mode=mode[1:])
        if ask == "size":
            return pool_size_question(x.shape[0], x.shape[1], k, stride=s, padding=p,
                                      ceil_mode=ceil_mode)
        return pool_value_question(x, k, index, stride=s, padding=p, mode=mode,
                                   ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    except ValueError:  # refused by PyTorch, or too large to write out
        return None


def layer_page_question(layers: list[tuple[str, Any, Any, Any, Any]], index: int,
                        layer_input: tuple[int, ...], ask: str) -> Question | None:
    """The layer-shapes page's question about layer ``index`` of its stack.

    Parameters
    ----------
    layers : list of (kind, filters_or_units, kernel_size, stride, padding)
        The page's table, from the input up: kinds as Keras names them ("Conv2D",
        "MaxPool2D", "AvgPool2D", "Dense", "Flatten", "ReLU", "GlobalAvgPool2D",
        "GlobalMaxPool2D"); a stride of None is the default (1, or the pooling window);
        padding "valid", "same" or a number of cells per side.
    index : int
        The layer asked about, 0-based.
    layer_input : tuple of int
        That layer's input shape, channels last: (H, W, C), or (n,) after Flatten.
    ask : {"params", "shape", "field"}
        :data:`LAYER_ASKS`: the parameter count (Conv2D and Dense), the output shape
        (Conv2D and pooling), or the side of one unit's receptive field (a Conv2D or pooling
        layer with only such layers below it).

    Returns
    -------
    Question or None
        None when the question does not apply to that layer (no weights, no window, a field
        that is the whole map after a Dense or global pooling layer, more than
        ``MAX_LAYERS`` windows) or the layer has no output.

    Examples
    --------
    >>> mnist = [("Conv2D", 32, 3, None, "valid"), ("MaxPool2D", None, 2, None, "valid"),
    ...          ("Conv2D", 64, 3, None, "valid")]
    >>> layer_page_question(mnist, 2, (13, 13, 32), "params").answer_text()
    '18496'
    >>> layer_page_question(mnist, 1, (26, 26, 32), "shape").answer_text()
    '(13, 13, 32)'
    >>> layer_page_question(mnist, 2, (13, 13, 32), "field").answer_text()
    '8'
    """
    if ask not in LAYER_ASKS:
        raise ValueError(f"`ask` must be one of {list(LAYER_ASKS)}, got {ask!r}")
    if not 0 <= index < len(layers):
        raise ValueError(f"`index` must be from 0 to {len(layers) - 1}, got {index!r}")
    kind, units, k, stride, padding = layers[index]
    try:
        if ask == "params":
            if kind == "Conv2D" and len(layer_input) == 3:
                return conv_params_question(k, k, layer_input[-1], units)
            if kind == "Dense":
                return dense_params_question(layer_input[-1], units)
            return None
        if ask == "shape":
            if len(layer_input) != 3 or kind not in ("Conv2D", *_POOLS):
                return None
            if kind == "Conv2D":
                pad = padding if padding in ("valid", "same") else int(padding)
                return layer_shape_question(layer_input, "conv", k, filters=units,
                                            stride=stride, padding=pad)
            if padding == "same":  # the question's pooling takes a number of cells
                return None
            return layer_shape_question(layer_input, _POOLS[kind], k, stride=stride,
                                        padding=0 if padding == "valid" else int(padding))
        windows = []
        for kind_i, _, k_i, s_i, _ in layers[:index + 1]:
            if kind_i in ("Conv2D", *_POOLS):
                default = 1 if kind_i == "Conv2D" else k_i
                windows.append((k_i, default if s_i is None else s_i, 1))
            elif kind_i != "ReLU":  # Flatten, Dense, global pooling: the whole map
                return None
        if kind not in ("Conv2D", *_POOLS) or len(windows) > MAX_LAYERS:
            return None
        return receptive_field_question(windows)
    except (ValueError, TypeError):  # the page reports the layer's problem
        return None


def transposed_page_question(n: int, k: int, *, stride: int, padding: int,
                             output_padding: int, dilation: int) -> Question | None:
    """The transposed-convolution page's question: the output (height, width) of its
    ``ConvTranspose2d`` on the n x n input; None when PyTorch refuses the settings.

    Examples
    --------
    >>> transposed_page_question(3, 3, stride=2, padding=1, output_padding=1,
    ...                          dilation=1).answer_text()
    '(6, 6)'
    >>> transposed_page_question(2, 1, stride=1, padding=2, output_padding=0, dilation=1)
    """
    try:
        return transposed_size_question(n, k, stride=stride, padding=padding,
                                        output_padding=output_padding, dilation=dilation)
    except ValueError:  # no output, or an output_padding PyTorch refuses: the page says so
        return None
