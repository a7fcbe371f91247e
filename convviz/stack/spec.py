"""Layer stacks as compact text (for links) and as table rows, and the preset stacks.

The text form is one token per layer, separated by ``;``::

    C32k3:relu   Conv2D, 32 filters, 3x3 kernel (s2 = stride 2, same / p1 = padding)
    M2, A2       MaxPool2D / AvgPool2D with a 2x2 window (stride = window unless s...)
    F            Flatten
    D64:relu     Dense, 64 units
    R, GA, GM    ReLU, GlobalAvgPool2D, GlobalMaxPool2D

>>> layers_to_text(PRESETS["Classic Keras MNIST"][1])
'C32k3:relu;M2;C64k3:relu;M2;C64k3:relu;F;D64:relu;D10:softmax'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from convviz.engine.pooling import pool_padding_problem
from convviz.stack.summary import ACTIVATIONS, POOLS, LayerSpec, summarize

#: Keys of a table row (the page gives them friendlier labels).
COLUMNS = ("layer", "units", "size", "stride", "padding", "activation")
PADDINGS = ("valid", "same", "1", "2")
MAX_LAYERS = 40
MAX_NUMBER = 100_000

_LETTER = {"C": "Conv2D", "M": "MaxPool2D", "A": "AvgPool2D", "F": "Flatten", "D": "Dense",
           "R": "ReLU", "GA": "GlobalAvgPool2D", "GM": "GlobalMaxPool2D"}
_KIND_LETTER = {v: k for k, v in _LETTER.items()}
_TOKEN = re.compile(r"(GA|GM|C|M|A|F|D|R)(\d+)?(?:K(\d+))?(?:S(\d+))?(?:P(\d+)|(SAME|VALID))?"
                    r"(?::([A-Z]+))?", re.IGNORECASE)
_HELP = ("write C32k3 (Conv2D), M2 (MaxPool2D), A2 (AvgPool2D), F (Flatten), D10 (Dense), "
         "R (ReLU), GA or GM (global pooling); add s2 for a stride, same or p1 for padding, "
         ":relu for an activation")


def _preset(shape: tuple[int, int, int],
            text: str) -> tuple[tuple[int, int, int], tuple[LayerSpec, ...]]:
    """(input shape, layers): what :func:`convviz.stack.summary.summarize` takes."""
    return shape, layers_from_text(text)


def layers_to_text(layers: Sequence[LayerSpec]) -> str:
    """The compact text of a stack (see the module docstring); inverse of
    :func:`layers_from_text` for stacks it returns.

    >>> layers_to_text([LayerSpec("Conv2D", 8, 3, 2, "same"), LayerSpec("Flatten")])
    'C8k3s2same;F'
    """
    tokens = []
    for spec in layers:
        if spec.kind not in _KIND_LETTER:
            raise ValueError(f"cannot write a layer of kind {spec.kind!r} as text")
        tok = _KIND_LETTER[spec.kind]
        if spec.kind in ("Conv2D", "Dense"):
            tok += "" if spec.filters_or_units is None else str(spec.filters_or_units)
        if spec.kind == "Conv2D" and spec.kernel_size is not None:
            tok += f"k{spec.kernel_size}"
        if spec.kind in POOLS and spec.kernel_size is not None:
            tok += str(spec.kernel_size)
        if spec.kind == "Conv2D" or spec.kind in POOLS:
            tok += "" if spec.stride is None else f"s{spec.stride}"
            pad = spec.padding
            tok += "" if pad == "valid" else ("same" if pad == "same" else f"p{pad}")
        if spec.activation:
            tok += f":{spec.activation}"
        tokens.append(tok)
    return ";".join(tokens)


def _number(digits: str | None, what: str) -> int | None:
    if digits is None:
        return None
    value = int(digits)
    if not 1 <= value <= MAX_NUMBER:
        raise ValueError(f"{what} must be between 1 and {MAX_NUMBER:,}, got {value}")
    return value


def _parse_token(token: str) -> LayerSpec:
    m = _TOKEN.fullmatch(token)
    if m is None:
        raise ValueError(f"not a layer; {_HELP}")
    letter, num, k, s, p, pword, act = m.groups()
    kind = _LETTER[letter.upper()]
    has_window = kind == "Conv2D" or kind in POOLS
    if not has_window and (k or s or p or pword):
        raise ValueError(f"{kind} takes no kernel, stride or padding")
    if kind not in ("Conv2D", "Dense", *POOLS) and num:
        raise ValueError(f"{kind} takes no number")
    if kind in POOLS and k:
        raise ValueError(f"write the pool size right after the letter, e.g. {letter}2")
    if act and kind not in ("Conv2D", "Dense"):
        raise ValueError(f"only Conv2D and Dense take an activation, not {kind}")
    if act and act.lower() not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {act!r}")
    if kind in ("Conv2D", "Dense") and num is None:
        what = "filters" if kind == "Conv2D" else "units"
        raise ValueError(f"{kind} needs a number of {what}, e.g. {letter}32")
    if kind in POOLS and num is None:
        raise ValueError(f"{kind} needs a pool size, e.g. {letter}2")
    if kind == "Conv2D" and k is None:
        raise ValueError("Conv2D needs a kernel size, e.g. C32k3")
    count = _number(num, "the number") if kind in ("Conv2D", "Dense") else None
    size = _number(num if kind in POOLS else k, "the kernel or pool size")
    padding: str | int = "valid"
    if pword:
        padding = pword.lower()
    elif p is not None:
        padding = int(p)
    if kind in POOLS and isinstance(padding, int):
        problem = pool_padding_problem(padding, size)
        if problem:
            raise ValueError(problem)
    return LayerSpec(kind, count, size, _number(s, "the stride"), padding,
                     act.lower() if act else None)


def layers_from_text(text: str) -> tuple[LayerSpec, ...]:
    """Parse the compact text of a stack (tokens separated by ``;``; spaces ignored).

    Raises
    ------
    ValueError
        Naming the first bad token, its position and what would be valid.

    Examples
    --------
    >>> layers_from_text("C32k3;M2")[1]
    LayerSpec(kind='MaxPool2D', filters_or_units=None, kernel_size=2, stride=None, \
padding='valid', activation=None)
    >>> layers_from_text("C32")
    Traceback (most recent call last):
    ...
    ValueError: layer 1 ('C32'): Conv2D needs a kernel size, e.g. C32k3
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string, got {type(text).__name__}")
    tokens = [t for t in re.sub(r"\s+", "", text).split(";") if t]
    if len(tokens) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers, got {len(tokens)}")
    layers = []
    for i, token in enumerate(tokens, start=1):
        try:
            layers.append(_parse_token(token))
        except ValueError as exc:
            raise ValueError(f"layer {i} ({token!r}): {exc}") from None
    return tuple(layers)


def _cell(value: Any) -> Any:
    """A table cell as None, an int, or the value itself (to be reported as a problem)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value.isdigit():
            return int(value)
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return value


def spec_from_row(row: Mapping[str, Any]) -> LayerSpec:
    """A LayerSpec from one table row (keys :data:`COLUMNS`), keeping only the cells
    its kind uses. Never raises: bad cells stay in the spec for
    :func:`convviz.stack.summary.layer_problem` to report.

    >>> spec_from_row({"layer": "MaxPool2D", "units": 5, "size": 2.0, "padding": None})
    LayerSpec(kind='MaxPool2D', filters_or_units=None, kernel_size=2, stride=None, \
padding='valid', activation=None)
    """
    kind = _cell(row.get("layer")) or ""
    kind = kind if isinstance(kind, str) else str(kind)
    window = kind == "Conv2D" or kind in POOLS
    padding = _cell(row.get("padding")) if window else None
    activation = _cell(row.get("activation")) if kind in ("Conv2D", "Dense") else None
    if isinstance(activation, str) and activation.lower() in ("none", "linear"):
        activation = None
    return LayerSpec(
        kind=kind,
        filters_or_units=_cell(row.get("units")) if kind in ("Conv2D", "Dense") else None,
        kernel_size=_cell(row.get("size")) if window else None,
        stride=_cell(row.get("stride")) if window else None,
        padding="valid" if padding is None else padding,
        activation=activation,
    )


def spec_to_row(spec: LayerSpec) -> dict[str, Any]:
    """One table row (keys :data:`COLUMNS`) for ``spec``; unused cells are None.

    >>> spec_to_row(LayerSpec("Conv2D", 32, 3, activation="relu"))["padding"]
    'valid'
    """
    window = spec.kind == "Conv2D" or spec.kind in POOLS
    return {"layer": spec.kind, "units": spec.filters_or_units, "size": spec.kernel_size,
            "stride": spec.stride, "padding": str(spec.padding) if window else None,
            "activation": spec.activation}


PRESETS = {
    "Classic Keras MNIST": _preset(
        (28, 28, 1), "C32k3:relu;M2;C64k3:relu;M2;C64k3:relu;F;D64:relu;D10:softmax"),
    "LeNet-5 style": _preset(
        (32, 32, 1), "C6k5:tanh;A2;C16k5:tanh;A2;F;D120:tanh;D84:tanh;D10:softmax"),
    "Tiny (digits 16x16)": _preset(
        (16, 16, 1), "C8k3same:relu;M2;C16k3same:relu;M2;F;D10:softmax"),
    "Deep MNIST (5x5, Dense 1024)": _preset(
        (28, 28, 1), "C32k5same:relu;M2;C64k5same:relu;M2;F;D1024:relu;D10:softmax"),
    "Too deep for 28x28": _preset((28, 28, 1), "C32k3;M2;C64k3;M2;C64k3;M2;C64k3;F;D10"),
    "Empty": _preset((28, 28, 1), ""),
}
#: How the LeNet-5 presets differ from the 1998 network (LeCun, Bottou, Bengio and
#: Haffner, "Gradient-based learning applied to document recognition").
LENET5_DIFFERENCES = (
    "Unlike the 1998 network, its pooling has no weights (LeNet-5's subsampling layers had "
    "a trainable weight and bias per map), its second convolution sees all 6 maps (LeNet-5's "
    "C3 connected each of its 16 maps to only 3, 4 or 6 of them) and it ends in a Dense "
    "layer with softmax (LeNet-5 ended in 10 RBF units with hand-chosen weights)")
#: Trainable parameters of LeNet-5 as the 1998 paper counts them.
LENET5_PAPER_PARAMS = "about 60,000"

_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _lenet_note(name: str) -> str:
    total = summarize(*PRESETS[name]).total_params
    return ("After LeCun's LeNet-5 (1998), on 32x32 images: 5x5 kernels, 2x2 average pooling, "
            f"tanh, and three dense layers. {LENET5_DIFFERENCES}. The paper counts "
            f"{LENET5_PAPER_PARAMS} trainable parameters; this preset has {total:,}.")


def _too_deep_note(name: str) -> str:
    """Say where the stack stops, from its computed summary (the failing row and the
    pooling before it)."""
    shape, layers = PRESETS[name]
    rows = summarize(shape, layers).rows
    bad = next(r for r in rows if r.error)
    pools = [r for r in rows[:bad.index] if r.kind in POOLS]
    last = pools[-1]
    k = layers[bad.index].kernel_size
    side = bad.input_shape[0]
    return (f"One pool too many for {shape[0]}x{shape[1]}: the {_ORDINAL[len(pools) - 1]} "
            f"pool makes {last.input_shape[0]} → {last.output_shape[0]}, so the last {k}x{k} "
            f"convolution (row {bad.index + 1}) does not fit on a {side}x{side} map and has no "
            "output at all, as its summary row says.")


def _deep_mnist_note(name: str) -> str:
    """The preset's story with its own numbers (flattened size, the big Dense layer's share)."""
    rows = summarize(*PRESETS[name]).rows
    flat = next(r for r in rows if r.kind == "Flatten")
    big = max(rows, key=lambda r: r.params or 0)
    total = sum(r.params or 0 for r in rows)
    sides = [rows[0].input_shape[0]] + [r.output_shape[0] for r in rows if r.kind in POOLS]
    return ("TensorFlow's classic \"Deep MNIST\" network: two 5x5 convolutions with 'same' "
            "padding (32 and 64 filters), each followed by a 2x2 max pool "
            f"({' → '.join(map(str, sides))}), "
            f"then Dense {big.output_shape[0]} and Dense 10 (the tutorial's dropout has no "
            f"weights and is left out). Flatten gives {flat.size_text}, so the Dense "
            f"{big.output_shape[0]} layer holds {big.params:,} of the {total:,} parameters "
            f"({100 * big.params / total:.0f}%).")


PRESET_NOTES = {
    "Classic Keras MNIST": "The Keras example for handwritten digits: three 3x3 convolutions, "
                           "two 2x2 max pools, then a small dense classifier.",
    "LeNet-5 style": _lenet_note("LeNet-5 style"),
    "Tiny (digits 16x16)": "A very small net with 'same' padding: each 2x2 pool halves "
                           "16 → 8 → 4.",
    "Deep MNIST (5x5, Dense 1024)": _deep_mnist_note("Deep MNIST (5x5, Dense 1024)"),
    "Too deep for 28x28": _too_deep_note("Too deep for 28x28"),
    "Empty": "Start from nothing: add rows to the table.",
}
