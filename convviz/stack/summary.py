"""Shapes and parameter counts through a stack of layers, Keras ``model.summary()`` style.

A stack is a list of :class:`LayerSpec`; :func:`summarize` walks it from an input shape
(channels last, no batch axis) and returns one :class:`Row` per layer: its output shape,
its number of weights, and, when it cannot be computed, the reason. Spatial sizes come
from :func:`convviz.output_size`, so the rules are the same everywhere in convviz:

- Conv2D: stride 1 by default; padding "valid", "same" (Keras) or an int per side.
- MaxPool2D / AvgPool2D: stride = pool size by default (the Keras rule).
- Dense on an input that is not flat acts on the last axis only, as in Keras.

For the "why convolution" comparison each weighted row also carries what the same
layer would cost as a locally connected layer (same windows, weights not shared) and
as a Dense layer (every input value to every output value).

Each row also has its units' receptive field (a :class:`convviz.stack.fields.Field`: size
and jump from :func:`convviz.receptive_field`, pooling counting as a window; a Dense layer
on a flat input and global pooling see the union of every unit before them), its
multiply-adds (:mod:`convviz.engine.cost`: one per weight per output value; pooling, ReLU
and Flatten have none) and its activation size: the values it outputs for one image and
their bytes at float32 (:data:`BYTES_PER_VALUE`).

Presets and the compact text form of a stack (for links) are in :mod:`convviz.stack.spec`.

>>> from convviz.stack.spec import PRESETS
>>> s = summarize(*PRESETS["Classic Keras MNIST"])
>>> [r.output_shape for r in s.rows][:2], s.total_params
([(26, 26, 32), (13, 13, 32)], 93322)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from convviz.base.budget import megabytes
from convviz.engine.cost import conv_macs, conv_params, dense_macs, dense_params
from convviz.engine.padding import resolve_padding_1d
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.shapes import output_size
from convviz.stack.fields import Field, start_field

KINDS = ("Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Dense", "ReLU",
         "GlobalAvgPool2D", "GlobalMaxPool2D")
POOLS = ("MaxPool2D", "AvgPool2D")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "softmax")
#: Keras's default layer names (the summary's "conv2d_1", "max_pooling2d", ...).
KERAS_NAMES = {"Conv2D": "conv2d", "MaxPool2D": "max_pooling2d",
               "AvgPool2D": "average_pooling2d", "Flatten": "flatten", "Dense": "dense",
               "ReLU": "re_lu", "GlobalAvgPool2D": "global_average_pooling2d",
               "GlobalMaxPool2D": "global_max_pooling2d"}
NOT_COMPUTED = "not computed: an earlier layer has no output"
#: Why a stack needs ReLU (or another nonlinearity) between its layers.
RELU_WHY = ("the nonlinearity that makes depth count: without one between them, Conv2D and "
            "Dense layers stacked directly collapse into one linear map (plus a bias)")
__all__ = ["ACTIVATIONS", "BYTES_PER_VALUE", "KERAS_NAMES", "KINDS", "NOT_COMPUTED", "POOLS",
           "RELU_WHY", "LayerSpec", "Row", "Summary", "dense_equivalent_params", "format_bytes",
           "format_shape", "layer_problem", "summarize", "uncounted_note", "WEIGHTED"]
BYTES_PER_VALUE = 4  #: float32
#: What the multiply-add column counts, for the page.
NO_MACS = {"MaxPool2D": "0: compares, no weights", "AvgPool2D": "0: sums, no weights",
           "GlobalMaxPool2D": "0: compares, no weights",
           "GlobalAvgPool2D": "0: sums, no weights", "ReLU": "0: max(0, x)",
           "Flatten": "0: moves values"}
WEIGHTED = ("Conv2D", "Dense")  # the kinds of layer that have parameters


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a stack (what a Keras ``Sequential`` would be given).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    filters_or_units : int or None
        Number of filters of a Conv2D, number of units of a Dense.
    kernel_size : int or None
        Kernel side of a Conv2D, window side of a pooling layer (square).
    stride : int or None
        None means the default: 1 for Conv2D, the pool size for pooling.
    padding : "valid", "same" or int
        "same" keeps ``ceil(n / stride)`` (Keras); an int pads each side.
    activation : str or None
        One of :data:`ACTIVATIONS` or None; it changes neither shapes nor counts.
    """

    kind: str
    filters_or_units: int | None = None
    kernel_size: int | None = None
    stride: int | None = None
    padding: str | int = "valid"
    activation: str | None = None


@dataclass(frozen=True)
class Row:
    """One line of the summary. ``output_shape`` and ``params`` are None on a problem row."""

    index: int
    name: str
    kind: str
    input_shape: tuple[int, ...] | None
    output_shape: tuple[int, ...] | None
    params: int | None
    error: str | None = None
    note: str | None = None
    size_text: str = ""
    params_text: str = ""
    local_params: int | None = None
    dense_params: int | None = None
    field: Field | None = None
    macs: int | None = None
    macs_text: str = ""

    @property
    def values(self) -> int | None:
        """How many values the layer outputs for one image (None on a problem row)."""
        return None if self.output_shape is None else math.prod(self.output_shape)

    @property
    def act_bytes(self) -> int | None:
        """Their bytes at float32."""
        return None if self.values is None else self.values * BYTES_PER_VALUE


@dataclass(frozen=True)
class Summary:
    """The rows of a stack and their totals (problem rows count as 0)."""

    input_shape: tuple[int, ...]
    rows: tuple[Row, ...]

    @property
    def ok(self) -> bool:
        """True when every layer has an output."""
        return all(r.error is None for r in self.rows)

    @property
    def total_params(self) -> int:
        return sum(r.params or 0 for r in self.rows)

    @property
    def total_macs(self) -> int:
        """Multiply-adds of one image through every layer that has an output."""
        return sum(r.macs or 0 for r in self.rows)

    @property
    def total_values(self) -> int:
        """Values every layer outputs for one image (the input not counted): what a
        training step keeps for the backward pass."""
        return sum(r.values or 0 for r in self.rows)

    @property
    def total_bytes(self) -> int:
        return self.total_values * BYTES_PER_VALUE

    @property
    def total_local(self) -> int:
        return sum(r.local_params or 0 for r in self.rows)

    @property
    def total_dense(self) -> int:
        return sum(r.dense_params or 0 for r in self.rows)

    @property
    def dense_ratio(self) -> float:
        """How many times more weights the all-Dense version needs (0 with no weights)."""
        return self.total_dense / self.total_params if self.total_params else 0.0

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        return self.rows[-1].output_shape if self.rows else self.input_shape


def format_shape(shape: Sequence[int] | None) -> str:
    """``(26, 26, 32)`` for an image-like shape, ``576`` for a flat one, ``-`` for None.

    >>> format_shape((26, 26, 32)), format_shape((576,))
    ('(26, 26, 32)', '576')
    """
    if shape is None:
        return "-"
    return str(shape[0]) if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"


def format_bytes(nbytes: int) -> str:
    """A size in bytes for people: "784 bytes", "12.3 KB", "1.2 MB" (1 KB = 1,024 bytes).

    Examples
    --------
    >>> format_bytes(3136), format_bytes(100_352), format_bytes(12_845_056)
    ('3.1 KB', '98.0 KB', '12 MB')
    """
    if nbytes < 1024:
        return f"{nbytes:,} bytes"
    if nbytes < 2**20:
        return f"{nbytes / 1024:,.1f} KB"
    return megabytes(nbytes)


def _is_whole(value: Any, minimum: int = 1) -> bool:
    """True for an int (or a float with an integer value) >= ``minimum``; never raises."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return math.isfinite(value) and value == int(value) and value >= minimum


def _whole(value: Any, what: str, minimum: int = 1) -> int:
    if not _is_whole(value, minimum):
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def layer_problem(spec: LayerSpec) -> str | None:
    """What is wrong with the settings of one layer (shapes aside), or None.

    >>> layer_problem(LayerSpec("Conv2D", 32, 0))
    'Conv2D needs a kernel size: a whole number >= 1, got 0'
    """
    if spec.kind not in KINDS:
        return f"choose a layer type (one of {', '.join(KINDS)}), got {spec.kind!r}"
    checks = []
    if spec.kind in ("Conv2D", "Dense"):
        what = "a number of filters" if spec.kind == "Conv2D" else "a number of units"
        checks.append((spec.filters_or_units, what))
    if spec.kind == "Conv2D" or spec.kind in POOLS:
        what = "a kernel size" if spec.kind == "Conv2D" else "a pool size"
        checks.append((spec.kernel_size, what))
        if spec.stride is not None:
            checks.append((spec.stride, "a stride"))
    for value, what in checks:
        if value is None:
            return f"{spec.kind} needs {what}"
        if not _is_whole(value):
            return f"{spec.kind} needs {what}: a whole number >= 1, got {value!r}"
    if spec.kind == "Conv2D" or spec.kind in POOLS:
        pad = spec.padding
        if not (pad in ("valid", "same") or (isinstance(pad, numbers.Integral)
                                             and _is_whole(pad, 0))):
            return f"padding must be 'valid', 'same' or a whole number >= 0, got {pad!r}"
        too_much = (pool_padding_problem(int(pad), int(spec.kernel_size))
                    if spec.kind in POOLS and isinstance(pad, numbers.Integral) else None)
        if too_much:  # PyTorch's rule, as on the Pooling page
            return too_much
    if spec.activation not in (None, *ACTIVATIONS):
        return f"activation must be one of {', '.join(ACTIVATIONS)} or none, " \
               f"got {spec.activation!r}"
    return None


def _stride(spec: LayerSpec) -> int:
    """The stride: as set, else 1 for Conv2D and the pool size for pooling (Keras)."""
    k = int(spec.kernel_size)
    return int(spec.stride) if spec.stride is not None else (1 if spec.kind == "Conv2D" else k)


def _window(spec: LayerSpec, shape: tuple[int, ...]) -> tuple[tuple[int, ...], str]:
    """Output (H', W') of a conv or pool layer and the arithmetic as text."""
    k, s = int(spec.kernel_size), _stride(spec)
    sizes, texts = [], []
    for n in shape[:2]:
        sizes.append(output_size(n, k, stride=s, padding=spec.padding))
        if spec.padding == "same":
            texts.append(f"same: ⌈{n} / {s}⌉ = {sizes[-1]}")
        else:
            pad = f" + 2·{spec.padding}" if spec.padding not in ("valid", 0) else ""
            texts.append(f"⌊({n}{pad} − {k}) / {s}⌋ + 1 = {sizes[-1]}")
    text = texts[0] if texts[0] == texts[1] else f"H: {texts[0]}; W: {texts[1]}"
    return tuple(sizes), text


def _windowed_field(spec: LayerSpec, shape: tuple[int, ...], out_hw: tuple[int, ...],
                    field: Field | None) -> Field | None:
    """The field after a Conv2D or pooling layer: its padding before the first row and
    column, as the engine resolves it ("same" puts the odd extra pixel after)."""
    if field is None:
        return None
    k, s = int(spec.kernel_size), _stride(spec)
    pads = tuple(resolve_padding_1d(spec.padding, n, k, s)[0] for n in shape[:2])
    return field.through_window(kernel_size=k, stride=s, pads=pads, out_hw=out_hw)


def _layer(spec: LayerSpec, shape: tuple[int, ...], field: Field | None) -> dict[str, Any]:
    """Output shape, counts, texts and receptive field of one valid layer on ``shape``
    (raises ValueError); ``field`` is the receptive field of ``shape``'s units (None when
    the stack's input is flat)."""
    kind = spec.kind
    if kind == "Flatten":
        flat = math.prod(shape)
        text = " × ".join(map(str, shape)) + f" = {flat}" if len(shape) > 1 else "already flat"
        return {"output_shape": (flat,), "params": 0, "size_text": text, "field": field,
                "macs": 0, "macs_text": NO_MACS[kind]}
    if kind == "ReLU":
        return {"output_shape": shape, "params": 0, "size_text": "same shape: max(0, x)",
                "note": RELU_WHY, "field": field, "macs": 0, "macs_text": NO_MACS[kind]}
    if kind == "Dense":
        units, n_in = int(spec.filters_or_units), shape[-1]
        out = (*shape[:-1], units)
        params = dense_params(n_in, units)
        positions = math.prod(shape[:-1])
        macs = positions * dense_macs(n_in, units)
        note = None
        if len(shape) > 1:
            note = (f"Dense acts on the last axis only (as in Keras): the same {n_in} → "
                    f"{units} layer at each position; add Flatten first to connect all values")
        where = "×".join(map(str, shape[:-1])) + "×" if len(shape) > 1 else ""
        return {"output_shape": out, "params": params, "note": note,
                "size_text": f"{units} units" if len(shape) == 1 else f"last axis {n_in} → {units}",
                "params_text": f"{n_in}×{units} + {units} = {params:,}",
                "local_params": positions * params,
                "dense_params": math.prod(shape) * math.prod(out) + math.prod(out),
                "macs": macs, "macs_text": f"{where}{n_in}×{units} = {macs:,}",
                # on a flat input every unit reads every value; per position, one unit's
                "field": None if field is None else (field.combine() if len(shape) == 1
                                                     else field)}
    if len(shape) != 3:
        raise ValueError(f"{kind} needs an (H, W, C) input, but its input is flat "
                         f"({format_shape(shape)}); put it before Flatten")
    h, w, c = shape
    if kind.startswith("Global"):
        return {"output_shape": (c,), "params": 0,
                "size_text": f"one value per channel: {c}", "macs": 0,
                "macs_text": NO_MACS[kind], "field": None if field is None else field.combine()}
    try:
        (oh, ow), text = _window(spec, shape)
    except ValueError as exc:
        what = "the kernel" if kind == "Conv2D" else "the pool window"
        reason = str(exc).removeprefix("no output: ").replace("the kernel", what)
        raise ValueError(f"does not fit: {reason}. Use a smaller window, 'same' padding "
                         f"or fewer layers before it") from None
    out_field = _windowed_field(spec, shape, (oh, ow), field)
    if kind in POOLS:
        return {"output_shape": (oh, ow, c), "params": 0, "size_text": text,
                "field": out_field, "macs": 0, "macs_text": NO_MACS[kind]}
    k, f = int(spec.kernel_size), int(spec.filters_or_units)
    params = conv_params(k, k, c, f)
    macs = conv_macs(oh, ow, k, k, c, f)
    out_values = oh * ow * f
    return {"output_shape": (oh, ow, f), "params": params, "size_text": text,
            "params_text": f"{k}×{k}×{c}×{f} + {f} = {params:,}",
            "local_params": oh * ow * (k * k * c * f) + out_values,
            "dense_params": h * w * c * out_values + out_values,
            "macs": macs, "macs_text": f"{oh}×{ow}×{k}×{k}×{c}×{f} = {macs:,}",
            "field": out_field}


def summarize(input_shape: Sequence[int], layers: Sequence[LayerSpec]) -> Summary:
    """Walk ``layers`` from ``input_shape`` and return every output shape and count.

    Never raises for a layer: a bad setting or a layer that does not fit gives its row
    an ``error`` (the reason); every later row gets its own bad settings as its error,
    or else ``NOT_COMPUTED``.

    Parameters
    ----------
    input_shape : (H, W, C) or (n,) of ints >= 1
    layers : sequence of LayerSpec

    Returns
    -------
    Summary

    Raises
    ------
    ValueError
        If ``input_shape`` is not 1 or 3 whole numbers >= 1.

    Examples
    --------
    >>> s = summarize((28, 28, 1), [LayerSpec("Conv2D", 32, 3), LayerSpec("MaxPool2D", None, 2)])
    >>> [(r.name, r.output_shape, r.params) for r in s.rows]
    [('conv2d', (26, 26, 32), 320), ('max_pooling2d', (13, 13, 32), 0)]
    """
    shape_in = tuple(input_shape)
    if len(shape_in) not in (1, 3):
        raise ValueError(f"`input_shape` must be (H, W, C) or (n,), got {shape_in!r}")
    shape: tuple[int, ...] | None = tuple(_whole(v, "`input_shape` values") for v in shape_in)
    rows, seen = [], {}
    field = start_field(shape[:2]) if len(shape) == 3 else None
    for i, spec in enumerate(layers):
        base = KERAS_NAMES.get(spec.kind, "layer")
        name = base if base not in seen else f"{base}_{seen[base]}"
        seen[base] = seen.get(base, 0) + 1
        problem = layer_problem(spec)
        if shape is None:  # still report this row's own bad settings, if any
            rows.append(Row(i, name, spec.kind, None, None, None, problem or NOT_COMPUTED))
            continue
        info: dict[str, Any] = {}
        if problem is None:
            try:
                info = _layer(spec, shape, field)
            except ValueError as exc:
                problem = str(exc)
        if problem is not None:
            rows.append(Row(i, name, spec.kind, shape, None, None, problem))
            shape = None
            continue
        info.setdefault("params_text", "no weights")
        rows.append(Row(i, name, spec.kind, shape, **info))
        shape, field = info["output_shape"], info["field"]
    return Summary(tuple(int(v) for v in shape_in), tuple(rows))


def uncounted_note(summary: Summary) -> str | None:
    """Why Conv2D or Dense rows have no parameter count, or None when every one has one.

    With no Conv2D or Dense row at all, that is the reason. Otherwise the first row with a
    problem is named (row number, name, kind, reason) with the weighted layers it leaves
    uncounted, so a page never says "no layer with weights" while such rows exist.

    Parameters
    ----------
    summary : Summary

    Returns
    -------
    str or None

    Examples
    --------
    >>> s = summarize((8, 8, 1), [LayerSpec("Conv2D", 4, 9), LayerSpec("Flatten"),
    ...                           LayerSpec("Dense", 10)])
    >>> uncounted_note(s)[:62]
    'Layer 1, conv2d (Conv2D), has no output: does not fit: the ker'
    >>> uncounted_note(summarize((28, 28, 1), [LayerSpec("Flatten")]))
    'No layer with weights yet: add a Conv2D or a Dense row.'
    """
    if not isinstance(summary, Summary):
        raise TypeError(f"`summary` must be a Summary from summarize, got "
                        f"{type(summary).__name__}")
    missing = [r for r in summary.rows if r.kind in WEIGHTED and r.params is None]
    if not any(r.kind in WEIGHTED for r in summary.rows):
        return "No layer with weights yet: add a Conv2D or a Dense row."
    if not missing:
        return None
    first = next(r for r in summary.rows if r.error)
    names = ", ".join(r.name for r in missing)
    which = (f"the layer with weights ({names}) is" if len(missing) == 1 else
             f"the {len(missing)} layers with weights ({names}) are")
    return (f"Layer {first.index + 1}, {first.name} ({first.kind}), has no output: "
            f"{first.error.rstrip('.')}. Until it is fixed, {which} not counted in this "
            "comparison.")


def dense_equivalent_params(input_shape: Sequence[int], hidden_widths: Sequence[int],
                            n_outputs: int) -> int:
    """Weights of a fully connected network: flattened input -> hidden widths -> outputs.

    Each Dense layer from ``a`` values to ``b`` values has ``a * b + b`` parameters.

    >>> dense_equivalent_params((28, 28, 1), [64], 10)   # 784*64 + 64 + 64*10 + 10
    50890
    """
    sizes = [math.prod(_whole(v, "`input_shape` values") for v in input_shape)]
    sizes += [_whole(v, "`hidden_widths` values") for v in hidden_widths]
    sizes.append(_whole(n_outputs, "`n_outputs`"))
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
