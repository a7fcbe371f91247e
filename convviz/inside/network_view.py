"""The whole network for one input: every layer's output, and the numbers of any one unit.

:func:`network_activations` runs one example through a trained
:class:`~convviz.nn.Sequential` and keeps every column of the picture a whole-network view
draws: the input, each layer's output (the model's own ``activations``) and the softmax of
the last layer's scores. :func:`unit_computation` takes one unit (one cell of one layer's
output) and returns what it reads and what it computes, from the layer's own weights and
the previous layer's own output: a convolution's window over all input channels, its
weights, products, their sum and the bias; a pooling window and its maximum (or mean); a
ReLU's one input; a Dense unit's inputs, weights and products; a softmax probability's
exponentials. The ``output`` it reports is the layer's forward output at that cell, and
``recomputed`` is the same number rebuilt from the parts in float64, so a view can show
that the two agree.

Columns are numbered as in the view: 0 is the input, ``i + 1`` the output of
``model.layers[i]``, and the last column the softmax. Positions are 0-based:
``(row, col, channel)`` in an (H, W, C) output, ``(index,)`` in a vector.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(4, 4, 1))
>>> x = np.arange(16.0).reshape(4, 4, 1) / 15
>>> [c.name for c in network_activations(model, x)]
['input', 'conv2d_1', 'relu_1', 'flatten_1', 'dense_1', 'softmax']
>>> u = unit_computation(model, x, 0, (1, 1, 0))
>>> u.inputs.shape, u.weights.shape, abs(u.recomputed - u.output) < 1e-5
((3, 3, 1), (3, 3, 1), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.inside.inspect import check_example
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import Dense, Flatten, ReLU
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

__all__ = ["Column", "UnitComputation", "column_count", "network_activations",
           "softmax_probabilities", "unit_computation"]

SOFTMAX = "softmax"  #: the name and kind of the last column (not a layer of the model)


@dataclass(frozen=True)
class Column:
    """One column of the whole-network view: the input, a layer's output or the softmax.

    Attributes
    ----------
    index : int
        0 for the input, ``i + 1`` for ``model.layers[i]``, the last for the softmax.
    name : str
        "input", the layer's name ("conv2d_1") or "softmax".
    kind : str
        "input", the layer's ``kind`` ("conv2d", "relu", "max_pool2d", ...) or "softmax".
    values : ndarray, shape (H, W, C) or (n,)
        The numbers, without the batch axis (float32 as the model computes them; the
        softmax in float64).
    """

    index: int
    name: str
    kind: str
    values: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)


def softmax_probabilities(logits: Any) -> np.ndarray:
    """``exp(z - max z) / sum(exp(z - max z))`` in float64: the probabilities of the scores.

    Subtracting ``max z`` multiplies every exponential by the same factor, so the
    probabilities do not change; it keeps ``exp`` from overflowing.

    Examples
    --------
    >>> softmax_probabilities([0.0, np.log(3.0)]).round(3).tolist()
    [0.25, 0.75]
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"`logits` must be a non-empty vector, got shape {z.shape}")
    e = np.exp(z - z.max())
    return e / e.sum()


def column_count(model: Sequential) -> int:
    """How many columns the view of ``model`` has: the input, one per layer, the softmax.

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> column_count(Sequential([Dense(3)], input_shape=(4,)))
    3
    """
    return len(model.layers) + 2


def network_activations(model: Sequential, x_single: Any) -> list[Column]:
    """Every column of the whole-network view for one example.

    Parameters
    ----------
    model : Sequential
        A classifier: its last layer gives one score per class.
    x_single : array_like, shape ``model.input_shape``
        One example (no batch axis).

    Returns
    -------
    list of Column
        The input, every layer's output (``model.activations``, layer by layer in order)
        and the softmax of the last output.

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> cols = network_activations(Sequential([Dense(3)], input_shape=(2,)), [1.0, 2.0])
    >>> [(c.index, c.kind, c.shape) for c in cols]
    [(0, 'input', (2,)), (1, 'dense', (3,)), (2, 'softmax', (3,))]
    """
    x = check_example(model, x_single)
    if len(model.output_shape) != 1:
        raise ValueError(f"`model` must end in a vector of class scores, its output has shape "
                         f"{model.output_shape}")
    cols = [Column(0, "input", "input", x.astype(model.dtype))]
    for i, (layer, (name, out)) in enumerate(zip(model.layers, model.activations(x),
                                                 strict=True)):
        cols.append(Column(i + 1, name, layer.kind, out))
    cols.append(Column(len(cols), SOFTMAX, SOFTMAX, softmax_probabilities(cols[-1].values)))
    return cols


@dataclass(frozen=True)
class UnitComputation:
    """What one unit reads and computes (see :func:`unit_computation`).

    Attributes
    ----------
    layer_index : int
        Into ``model.layers``; ``len(model.layers)`` for the softmax.
    name, kind : str
        The layer's name and kind ("softmax" for the softmax).
    position : tuple of int
        ``(row, col, channel)`` or ``(index,)`` in the layer's output.
    source : str
        The name of the column it reads ("input" for the first layer).
    reads : dict
        Where its inputs lie in the source column: ``rows`` and ``cols`` (start, stop) of
        the window, which may reach into the padding (before 0 or past the edge), and
        ``channels`` (the channels read, a tuple); ``{"all": True}`` for a Dense unit or the
        softmax, which read the whole source.
    inputs : ndarray
        The numbers read: (kH, kW, C_in) for a convolution (0 on padding), (pH, pW) for a
        pool (one channel; NaN on padding, which takes no part), (n,) for Dense and the
        softmax (the scores), shape (1,) for ReLU and Flatten.
    pad_mask : ndarray of bool or None
        (kH, kW): the window's taps that fall on padding (convolution and pooling).
    weights : ndarray or None
        The weights multiplied with ``inputs``, same shape (convolution, Dense).
    products : ndarray or None
        ``inputs * weights`` in float64 (convolution, Dense); the exponentials
        ``exp(z - max z)`` for the softmax.
    total : float
        The sum of ``products`` (convolution, Dense, softmax), the window's maximum or mean
        (pooling), the one input (ReLU, Flatten).
    bias : float or None
        The bias added (convolution, Dense).
    output : float
        The layer's own forward output at ``position`` (the engine's number).
    recomputed : float
        ``output`` rebuilt from the parts in float64: ``total + bias``, ``max(total, 0)``,
        the pool's maximum or mean, or ``products[k] / total``.
    winner : (row, col) or None
        Max pooling: the tap that holds the maximum (the first in row-major order, as the
        layer and PyTorch pick it).
    count : int
        How many numbers it reads (taps on padding left out).
    """

    layer_index: int
    name: str
    kind: str
    position: tuple[int, ...]
    source: str
    reads: dict[str, Any]
    inputs: np.ndarray
    pad_mask: np.ndarray | None
    weights: np.ndarray | None
    products: np.ndarray | None
    total: float
    bias: float | None
    output: float
    recomputed: float
    winner: tuple[int, int] | None
    count: int


def _check_position(position: Any, shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    if isinstance(position, (int, np.integer)) and not isinstance(position, bool):
        position = (position,)
    if not isinstance(position, (tuple, list)) or len(position) != len(shape):
        what = "(row, col, channel)" if len(shape) == 3 else "(index,)"
        raise TypeError(f"`position` must be {what} in {name}'s output of shape {shape}, "
                        f"got {position!r}")
    out = []
    for axis, (value, size) in enumerate(zip(position, shape, strict=True)):
        v = check_int(value, f"position[{axis}]", minimum=0)
        if v >= size:
            raise ValueError(f"`position[{axis}]` must be in 0..{size - 1} for {name}'s output "
                             f"of shape {shape}, got {v}")
        out.append(v)
    return tuple(out)


def _window(prev: np.ndarray, layer: Any, row: int, col: int, size: tuple[int, int]
            ) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    """The (kH, kW, C) window of ``prev`` under output cell (row, col), NaN on padding."""
    (top, _), (left, _) = layer.pads
    r0, c0 = row * layer.stride[0] - top, col * layer.stride[1] - left
    kh, kw = size
    h, w, c = prev.shape
    win = np.full((kh, kw, c), np.nan)
    rr = np.arange(r0, r0 + kh)
    cc = np.arange(c0, c0 + kw)
    inside_r = (rr >= 0) & (rr < h)
    inside_c = (cc >= 0) & (cc < w)
    win[np.ix_(inside_r, inside_c)] = prev[np.ix_(rr[inside_r], cc[inside_c])]
    pad = ~(inside_r[:, None] & inside_c[None, :])  # (kH, kW)
    return win, pad, (int(r0), int(r0 + kh)), (int(c0), int(c0 + kw))


def unit_computation(model: Sequential, x: Any, layer_index: int,
                     position: Any) -> UnitComputation:
    """What one unit of one layer reads and computes, for one example.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape ``model.input_shape``
        One example (no batch axis).
    layer_index : int
        0-based index into ``model.layers``, or ``len(model.layers)`` for the softmax of
        the last layer's scores.
    position : tuple of int
        ``(row, col, channel)`` in an (H, W, C) output, ``(index,)`` (or an int) in a
        vector, 0-based.

    Returns
    -------
    UnitComputation
        Every part in float64, taken from the layer's parameters and the previous layer's
        own output; ``output`` is the layer's forward output at ``position``.

    Raises
    ------
    TypeError, ValueError
        For a bad model, example, layer index or position (naming the argument).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten, MaxPool2D, Sequential
    >>> model = Sequential([MaxPool2D(2), Flatten(), Dense(2)], input_shape=(4, 4, 1))
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> u = unit_computation(model, x, 0, (0, 1, 0))
    >>> u.inputs.tolist(), u.winner, u.output
    ([[2.0, 3.0], [6.0, 7.0]], (1, 1), 7.0)
    >>> unit_computation(model, x, 1, 3).reads
    {'rows': (1, 2), 'cols': (1, 2), 'channels': (0,)}
    """
    x = check_example(model, x, "x")
    n_layers = len(model.layers)
    li = check_int(layer_index, "layer_index", minimum=0)
    if li > n_layers:
        raise ValueError(f"`layer_index` must be in 0..{n_layers} (the model's {n_layers} "
                         f"layers, then {n_layers} for the softmax), got {li}")
    cols = network_activations(model, x)
    prev, here = cols[li], cols[li + 1]
    pos = _check_position(position, here.shape, here.name)
    out = float(here.values[pos])
    base = {"layer_index": li, "name": here.name, "kind": here.kind, "position": pos,
            "source": prev.name, "output": out}
    src = prev.values.astype(np.float64)
    if here.kind == SOFTMAX:
        e = np.exp(src - src.max())
        return UnitComputation(**base, reads={"all": True}, inputs=src, pad_mask=None,
                               weights=None, products=e, total=float(e.sum()), bias=None,
                               recomputed=float(e[pos[0]] / e.sum()), winner=None,
                               count=src.size)
    layer = model.layers[li]
    if isinstance(layer, Conv2D):
        row, col, f = pos
        win, pad, rows, cols_ = _window(src, layer, row, col, layer.kernel_size)
        inputs = np.where(pad[..., None], 0.0, win)  # padding reads zeros
        weights = layer.params["weight"][..., f].astype(np.float64)  # (kH, kW, C_in)
        products = inputs * weights
        total = float(products.sum())
        bias = float(layer.params["bias"][f])
        return UnitComputation(**base, reads={"rows": rows, "cols": cols_,
                                              "channels": tuple(range(src.shape[2]))},
                               inputs=inputs, pad_mask=pad, weights=weights,
                               products=products, total=total, bias=bias,
                               recomputed=total + bias, winner=None,
                               count=int((~pad).sum()) * src.shape[2])
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        row, col, ch = pos
        win, pad, rows, cols_ = _window(src, layer, row, col, layer.pool_size)
        inputs = win[..., ch]  # (pH, pW), NaN on padding
        winner = None
        if isinstance(layer, MaxPool2D):
            flat = np.where(pad, -np.inf, inputs).reshape(-1)
            k = int(np.argmax(flat))  # the first maximum in row-major order
            winner = (k // inputs.shape[1], k % inputs.shape[1])
            total = float(flat[k])
        else:
            total = float(np.nansum(inputs) / (~pad).sum())
        return UnitComputation(**base, reads={"rows": rows, "cols": cols_, "channels": (ch,)},
                               inputs=inputs, pad_mask=pad, weights=None, products=None,
                               total=total, bias=None, recomputed=total, winner=winner,
                               count=int((~pad).sum()))
    if isinstance(layer, ReLU):
        v = float(src[pos])
        reads = ({"rows": (pos[0], pos[0] + 1), "cols": (pos[1], pos[1] + 1),
                  "channels": (pos[2],)} if len(pos) == 3 else {"index": pos[0]})
        return UnitComputation(**base, reads=reads, inputs=np.array([v]), pad_mask=None,
                               weights=None, products=None, total=v, bias=None,
                               recomputed=max(v, 0.0), winner=None, count=1)
    if isinstance(layer, Flatten):
        where = np.unravel_index(pos[0], src.shape)
        v = float(src[where])
        reads = ({"rows": (int(where[0]), int(where[0]) + 1),
                  "cols": (int(where[1]), int(where[1]) + 1), "channels": (int(where[2]),)}
                 if src.ndim == 3 else {"index": int(where[0])})
        return UnitComputation(**base, reads=reads, inputs=np.array([v]), pad_mask=None,
                               weights=None, products=None, total=v, bias=None, recomputed=v,
                               winner=None, count=1)
    if isinstance(layer, Dense):
        j = pos[0]
        weights = layer.params["weight"][:, j].astype(np.float64)  # (in,)
        products = src * weights
        total = float(products.sum())
        bias = float(layer.params["bias"][j])
        return UnitComputation(**base, reads={"all": True}, inputs=src, pad_mask=None,
                               weights=weights, products=products, total=total, bias=bias,
                               recomputed=total + bias, winner=None, count=src.size)
    raise TypeError(f"`model.layers[{li}]` is a {type(layer).__name__}, which the whole-network "
                    "view does not know")
