"""Predict-first questions about one output cell of a convolution: multiply the window by the
kernel, sum (over every channel), add the bias.

The right value and every mistaken one are computed by the engine (:func:`convviz.conv2d`)
under the right or the mistaken rule: the kernel flipped (true convolution, ``flip=True``),
no bias, only the first channel, the window of another cell (stride 1, or the neighbour),
no dilation. Questions come from a page's settings (:func:`conv_cell_question`) or a seeded
generator (:func:`random_conv_cell_question`).

Examples
--------
>>> from convviz.teach.questions import check
>>> x = np.arange(16).reshape(4, 4)
>>> q = conv_cell_question(x, [[1, 0], [0, -1]], 1, (0, 0))
>>> q.answer_text(), check(q, "6").mistake
('-4', 'flipped the kernel')
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_int, check_rng
from convviz.draw.numbers import format_value
from convviz.engine.conv import conv2d
from convviz.engine.conv_steps import conv_plan
from convviz.engine.steps import Step
from convviz.teach.predict_grid import MAX_GRID_SIDE, grid_table, is_whole, padded_window, to_lists
from convviz.teach.questions import Question, named_mistakes

__all__ = ["MAX_CHANNELS", "PADDING_WORDS", "check_index", "conv_cell_question",
           "random_conv_cell_question"]

#: The most input channels a cell question writes out.
MAX_CHANNELS = 4


def check_index(index: Any, out_shape: tuple[int, int]) -> tuple[int, int]:
    """``index`` as an output cell (row, col) inside ``out_shape``, or raise naming it.

    Examples
    --------
    >>> check_index((1, 2), (3, 3))
    (1, 2)
    """
    if not isinstance(index, (tuple, list, np.ndarray)) or len(index) != 2:
        raise ValueError(f"`index` must be an output cell (row, col), got {index!r}")
    r = check_int(index[0], "index[0]", minimum=0)
    c = check_int(index[1], "index[1]", minimum=0)
    if r >= out_shape[0] or c >= out_shape[1]:
        raise ValueError(f"`index` must be a cell of the {out_shape[0]} x {out_shape[1]} output: "
                         f"rows 0..{out_shape[0] - 1}, columns 0..{out_shape[1] - 1}, "
                         f"got ({r}, {c})")
    return r, c


def _term(v: float, w: float) -> str:
    wt = format_value(w)
    return f"{format_value(v)} × " + (f"({wt})" if w < 0 else wt)


def _sum_line(patch: np.ndarray, kernel: np.ndarray) -> str:
    total = float((patch * kernel).sum())
    return " + ".join(_term(float(v), float(w)) for v, w in
                      zip(patch.ravel(), kernel.ravel(), strict=True)) + f" = {format_value(total)}"


#: What the padding cells hold, for each of PyTorch's padding modes.
PADDING_WORDS: dict[str, str] = {
    "zeros": "zeros",
    "reflect": "the input's mirror image across its edge, the edge cell itself not repeated",
    "replicate": "copies of the nearest edge cell",
    "circular": "the cells from the opposite side (the input wraps around)",
}


def _pads_text(pads: Any, padding_mode: str) -> str:
    (t, b), (left, r) = pads
    what = ("zero padding" if padding_mode == "zeros" else
            f'padding_mode "{padding_mode}" padding (its cells hold '
            f"{PADDING_WORDS[padding_mode]})")
    if t == b == left == r:
        return "no padding" if t == 0 else f"{t} cell{'s' if t > 1 else ''} of {what} on " \
                                           "every side"
    return f"{what}: top {t}, bottom {b}, left {left}, right {r}"


def _pair_text(name: str, v: tuple[int, int]) -> str:
    return f"{name} {v[0]}" if v[0] == v[1] else f"{name} {v} (rows, columns)"


def _tables(a: np.ndarray, what: str) -> str:
    if a.ndim == 2:
        return f"{what} ({a.shape[0]} x {a.shape[1]}):\n\n{grid_table(a)}"
    parts = [f"{what} ({' x '.join(str(n) for n in a.shape)}), channel by channel:"]
    parts += [f"channel {i}:\n\n{grid_table(a[..., i])}" for i in range(a.shape[-1])]
    return "\n\n".join(parts)


def _outside_text(padding_mode: str) -> str:
    if padding_mode == "zeros":
        return " (numbers outside the input are its zero padding)"
    return f" (numbers outside the input are its padding: {PADDING_WORDS[padding_mode]})"


def _working(step: Step, window: list[int], hw: tuple[int, int], kernel: np.ndarray,
             bias: float, value: float, padding_mode: str, flip: bool) -> str:
    r0, c0, r1, c1 = window
    h, w = hw
    outside = r0 < 0 or c0 < 0 or r1 > h or c1 > w
    lines = [f"Output cell {step.out_pos}'s window starts at row {step.origin[0]}, column "
             f"{step.origin[1]} of the padded input: it covers rows {r0} to {r1 - 1} and "
             f"columns {c0} to {c1 - 1} of the input"
             + (_outside_text(padding_mode) if outside else "")
             + ". Multiply each value by the "
             + ("rotated kernel's weight" if flip else "kernel weight") + " over it and add:",
             ""]
    if flip:
        rotated = "\n\n".join(grid_table(kernel[..., i]) for i in range(kernel.shape[-1])) \
            if kernel.ndim == 3 else grid_table(kernel)
        lines[1:1] = ["", "The kernel rotated by 180 degrees (true convolution):", "", rotated]
    b = format_value(bias)
    if step.patch.ndim == 2:
        lines.append(f"- {_sum_line(step.patch, kernel)}")
        lines.append(f"- plus the bias {b}: **{format_value(value)}**")
    else:
        sums = []
        for i in range(step.patch.shape[-1]):
            lines.append(f"- channel {i}: {_sum_line(step.patch[..., i], kernel[..., i])}")
            sums.append(format_value(float((step.patch[..., i] * kernel[..., i]).sum())))
        lines.append(f"- the channels' sums plus the bias: {' + '.join(sums)} + "
                     + (f"({b})" if bias < 0 else b) + f" = **{format_value(value)}**")
    return "\n".join(lines)


def conv_cell_question(x: Any, kernel: Any, bias: float | None, index: Any, *, stride: Any = 1,
                       padding: Any = 0, dilation: Any = 1, padding_mode: str = "zeros",
                       flip: bool = False) -> Question:
    """Ask for one output cell of a single-filter convolution, with its named mistakes.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        At most :data:`~convviz.teach.predict_grid.MAX_GRID_SIDE` per side and
        :data:`MAX_CHANNELS` channels (the prompt writes every number out).
    kernel : array_like, shape (kH, kW) or (kH, kW, C)
        One filter, with as many slices as ``x`` has channels.
    bias : float or None
        The filter's bias (None: 0).
    index : (int, int)
        The output cell (row, col), 0-based.
    stride, padding, dilation, padding_mode
        As in :func:`convviz.conv2d`; the prompt says what the padding cells hold
        (:data:`PADDING_WORDS`).
    flip : bool
        Ask for the true (mathematical) convolution: the kernel rotated by 180 degrees.

    Returns
    -------
    Question
        Concept "convolution" ("channels" when C > 1), kind "conv_cell", one number.
        Exact (tolerance 0) when every number is whole, else to 0.01. ``grids`` holds
        "input", "kernel", "window" (``[r0, c0, r1, c1]`` of the input, ends exclusive,
        negative or past the edge in the padding), "pads" and "cell".

    Raises
    ------
    TypeError, ValueError
        Naming the argument.

    Examples
    --------
    >>> x = np.ones((3, 3, 2))
    >>> q = conv_cell_question(x, np.ones((2, 2, 2)), -1, (1, 1))
    >>> q.concept, q.answer, [m.name for m in q.mistakes]
    ('channels', (7.0,), ['forgot the bias', 'forgot to sum over channels'])
    """
    xa = as_float_array(x, "x", ndims=(2, 3))
    ka = as_float_array(kernel, "kernel", ndims=(2, 3))
    if max(xa.shape[:2]) > MAX_GRID_SIDE:
        raise ValueError(f"`x` must be at most {MAX_GRID_SIDE} x {MAX_GRID_SIDE} to be written "
                         f"out in a question, got {xa.shape[0]} x {xa.shape[1]}")
    if xa.ndim == 3 and not 1 <= xa.shape[2] <= MAX_CHANNELS:
        raise ValueError(f"`x` must have 1 to {MAX_CHANNELS} channels, got {xa.shape[2]}")
    if bias is None:
        bias = 0.0
    if isinstance(bias, bool) or not isinstance(bias, numbers.Real):
        raise TypeError(f"`bias` must be a number, got {bias!r}")
    bias = float(bias)
    if not np.isfinite(bias):
        raise ValueError(f"`bias` must be finite, got {bias}")
    if not isinstance(flip, bool):
        raise TypeError(f"`flip` must be True or False, got {flip!r}")
    plan = conv_plan(xa, ka, bias, stride=stride, padding=padding, dilation=dilation,
                     padding_mode=padding_mode, flip=flip)
    r, c = check_index(index, plan.out_shape)

    def cell(xv: np.ndarray = xa, kv: np.ndarray = ka, b: float | None = bias,
             at: tuple[int, int] = (r, c), **change: Any) -> float | None:
        a = {"stride": stride, "padding": padding, "dilation": dilation,
             "padding_mode": padding_mode, "flip": flip, **change}
        try:
            out = conv2d(xv, kv, b, **a)
        except ValueError:
            return None
        if at[0] >= out.shape[0] or at[1] >= out.shape[1]:
            return None
        return float(out[at])

    value = cell()
    assert value is not None
    step = plan.step(r * plan.out_shape[1] + c)
    window = padded_window(step.origin, step.rows, step.cols, plan.pads)
    channels = xa.shape[2] if xa.ndim == 3 else 1
    exact = is_whole(xa) and is_whole(ka) and is_whole(bias)
    b = format_value(bias)
    prompt = "\n\n".join([
        _tables(xa, "Input"), _tables(ka, "Kernel"),
        f"Bias: **{b}**. " + _pair_text("Stride", plan.stride) + ", "
        + _pair_text("dilation", plan.dilation) + f", {_pads_text(plan.pads, padding_mode)}.",
        ("The layer computes the true (mathematical) convolution: the kernel is rotated by 180 "
         "degrees before it is laid on the window (CNN layers do not rotate it)" if flip else
         "The layer computes cross-correlation, as PyTorch's `conv2d` and Keras' `Conv2D` do "
         "(the kernel is not flipped)")
        + (", and adds the sums over all channels" if channels > 1 else "")
        + f". What is the value of output cell **(row {r}, column {c})**, counting from "
        "(0, 0) at the top-left?"])
    working = _working(step, window, xa.shape[:2], plan.kernel, bias, value, padding_mode,
                       flip)
    sr, sc = plan.stride
    other = cell(flip=not flip)
    candidates: list[tuple[str, Any, str]] = [
        ("did not flip the kernel", _one(other),
         "The true convolution rotates the kernel by 180 degrees before laying it on the "
         "window; without the rotation it is the cross-correlation CNN layers compute, "
         f"{format_value(other or 0.0)} here.") if flip else
        ("flipped the kernel", _one(other),
         "CNN layers compute cross-correlation: the kernel is laid on the window as it is "
         "written. Rotating it by 180 degrees first gives the mathematical convolution, "
         f"{format_value(other or 0.0)} here."),
    ]
    r0, c0, r1, c1 = window
    if padding_mode != "zeros" and (r0 < 0 or c0 < 0 or r1 > xa.shape[0] or c1 > xa.shape[1]):
        candidates.append(
            ("padded with zeros", _one(cell(padding_mode="zeros")),
             f'With padding_mode "{padding_mode}" the padding cells hold '
             f"{PADDING_WORDS[padding_mode]}, not zeros."))
    if bias != 0:
        candidates.append(("forgot the bias", _one(cell(b=None)),
                           f"The bias, {b}, is added after the products are summed."))
    if channels > 1:
        candidates.append(
            ("forgot to sum over channels", _one(cell(xv=xa[..., :1], kv=ka[..., :1])),
             f"A filter has one slice per input channel: the sums of all {channels} channels "
             "add up, with the bias, into one output value. Channel 0 alone (plus the bias) "
             f"gives {format_value(cell(xv=xa[..., :1], kv=ka[..., :1]) or 0.0)}."))
    if (sr, sc) != (1, 1):
        candidates.append(
            ("used the wrong window", _one(cell(stride=1)),
             f"The window moves {sr} row{'s' if sr > 1 else ''} and {sc} "
             f"column{'s' if sc > 1 else ''} per output cell: cell ({r}, {c}) starts at row "
             f"{r} × {sr} = {r * sr}, column {c} × {sc} = {c * sc} of the padded input, "
             f"not at ({r}, {c})."))
    else:
        h2, w2 = plan.out_shape
        near = next(((i, j) for i, j in ((r, c + 1), (r, c - 1), (r + 1, c), (r - 1, c))
                     if 0 <= i < h2 and 0 <= j < w2), None)
        if near is not None:
            candidates.append(
                ("used the wrong window", _one(cell(at=near)),
                 f"That is output cell {near}'s value: cell ({r}, {c})'s window starts at row "
                 f"{step.origin[0]}, column {step.origin[1]} of the padded input."))
    if plan.dilation != (1, 1):
        candidates.append(
            ("forgot the dilation", _one(cell(dilation=1)),
             f"With dilation {plan.dilation[0]} the kernel's taps are that many cells apart: "
             "the window skips the cells between them."))
    tol = 0.0 if exact else 0.01
    return Question(
        concept="channels" if channels > 1 else "convolution", kind="conv_cell",
        prompt=prompt, answer=(value,), working=working,
        mistakes=named_mistakes((value,), candidates, tol), tolerance=tol,
        answer_hint="a whole number" if exact else "a number, to 2 decimals",
        grids={"input": to_lists(xa), "kernel": to_lists(ka), "window": window,
               "pads": [list(plan.pads[0]), list(plan.pads[1])], "cell": [r, c]})


def _one(v: float | None) -> tuple[float] | None:
    return None if v is None else (v,)


def random_conv_cell_question(rng: np.random.Generator) -> Question:
    """A random cell question on a small whole-number input (a third of them with 3
    channels), always answerable exactly.

    Examples
    --------
    >>> q = random_conv_cell_question(np.random.default_rng(1))
    >>> q.kind, q.tolerance, q.concept in ("convolution", "channels")
    ('conv_cell', 0.0, True)
    """
    rng = check_rng(rng, "rng")
    for _ in range(100):
        channels = 3 if rng.random() < 1 / 3 else 1
        h = int(rng.integers(3, 6 if channels > 1 else 7))
        w = h if rng.random() < 0.7 else int(rng.integers(3, 7))
        k = int(rng.choice([2, 3, 3]))
        stride = int(rng.choice([1, 1, 2]))
        padding = int(rng.choice([0, 0, 1]))
        dilation = 2 if rng.random() < 0.1 else 1
        shape = (h, w) if channels == 1 else (h, w, channels)
        x = rng.integers(0, 5, size=shape)
        kernel = rng.integers(-1, 3, size=(k, k) + shape[2:])
        bias = int(rng.integers(-2, 3))
        try:
            plan = conv_plan(x, kernel, bias, stride=stride, padding=padding, dilation=dilation)
        except ValueError:
            continue
        index = (int(rng.integers(plan.out_shape[0])), int(rng.integers(plan.out_shape[1])))
        q = conv_cell_question(x, kernel, bias, index, stride=stride, padding=padding,
                               dilation=dilation)
        if len(q.mistakes) >= 2:
            return q
    return conv_cell_question(np.arange(16).reshape(4, 4) % 5, [[1, 0], [0, -1]], 1, (0, 0))
