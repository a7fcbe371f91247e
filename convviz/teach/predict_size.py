"""Predict-first questions about output sizes: a convolution's (PyTorch's floor rule or
Keras' ``"valid"``/``"same"``) and a pooling's.

Every answer, right or mistaken, is computed by the engine (:func:`convviz.output_size`)
under the right rule or the mistaken one: without the + 1 (:func:`size_without_plus_one`),
rounded up (``ceil_mode``), with the padding on one side only, without the padding, without
the dilation, or the input's own size. The questions come from a page's settings
(:func:`output_size_question`, :func:`pool_size_question`) or from a seeded generator
(:func:`random_output_size_question`, :func:`random_pool_size_question`).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = output_size_question(7, 7, 3, 1, 0, 1)
>>> q.answer_text()
'(5, 5)'
>>> check(q, "4").mistake
'forgot the + 1'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int, check_rng
from convviz.engine.padding import resolve_padding_1d
from convviz.engine.pooling import pool_padding_problem
from convviz.engine.shapes import explain_output_size, output_size
from convviz.teach.questions import Question, named_mistakes

__all__ = ["RULES", "output_size_question", "pool_size_question", "random_output_size_question",
           "random_pool_size_question", "size_without_plus_one"]

#: The conventions an output-size question can follow.
RULES: dict[str, str] = {
    "torch": "PyTorch's Conv2d: padding a number of cells per side (or \"valid\"/\"same\" at "
             "stride 1), the size rounded down",
    "keras": "Keras' Conv2D: padding \"valid\" (none) or \"same\" (ceil(n / stride) cells)",
}


def size_without_plus_one(n: int, kernel_size: int, *, stride: int = 1, padding: Any = 0,
                          dilation: int = 1) -> int | None:
    """The output-size formula without its + 1: ``floor((n + p_before + p_after - k_eff) / s)``.

    The mistaken rule "forgot the + 1" (it counts the steps between window positions, not
    the positions). Padding is resolved as :func:`convviz.output_size` does. None when the
    kernel is wider than the padded input (no window fits, so there is nothing to get wrong).

    Examples
    --------
    >>> size_without_plus_one(7, 3), output_size(7, 3)
    (4, 5)
    >>> size_without_plus_one(8, 3, stride=2, padding="same")
    3
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    before, after = resolve_padding_1d(padding, n, k, s, d)
    span = n + before + after - (d * (k - 1) + 1)
    return None if span < 0 else span // s


def _both(h: int, w: int, size: Callable[[int], int | None]) -> tuple[int, int] | None:
    """(rows, columns) of a per-side size rule; None when it gives no size on a side."""
    out = []
    for n in (h, w):
        try:
            v = size(n)
        except ValueError:  # the mistaken rule leaves no window
            return None
        if v is None:
            return None
        out.append(v)
    return out[0], out[1]


def _shape(hw: tuple[int, int]) -> str:
    return f"{hw[0]} x {hw[1]}"


def _explained(h: int, w: int, explain: Callable[[int], str]) -> str:
    """The worked formula per side, in a code block (one side when the input is square)."""
    if h == w:
        body = explain(h)
    else:
        body = f"rows:\n{explain(h)}\ncolumns:\n{explain(w)}"
    return f"```\n{body}\n```"


def _check_padding(p: Any, rule: str) -> Any:
    if isinstance(p, str):
        return check_choice(p, "p", ("valid", "same"))
    if rule == "keras":
        raise ValueError(f'`p` must be "valid" or "same" with rule="keras" (Keras\' Conv2D takes '
                         f"no number of cells), got {p!r}")
    return check_int(p, "p", minimum=0)


def output_size_question(h: int, w: int, k: int, s: int, p: Any, d: int, *,
                         rule: str = "torch") -> Question:
    """Ask for a convolution's output (height, width), with its named mistakes.

    Parameters
    ----------
    h, w : int >= 1
        The input's height and width.
    k : int >= 1
        The kernel's side (a k x k kernel).
    s, d : int >= 1
        Stride and dilation.
    p : int >= 0, "valid" or "same"
        Padding on every side; with ``rule="keras"`` only "valid" or "same".
    rule : {"torch", "keras"}
        Whose layer the question names (:data:`RULES`). PyTorch accepts "same" only at
        stride 1 and Keras refuses a stride above 1 with a dilation above 1: both raise.

    Returns
    -------
    Question
        Concept "output-size" ("same-padding" when ``p == "same"``), kind "output_size",
        the answer ``(H', W')``.

    Raises
    ------
    TypeError, ValueError
        Naming the argument; ValueError also when no window fits the padded input.

    Examples
    --------
    >>> q = output_size_question(8, 8, 3, 2, "same", 1, rule="keras")
    >>> q.concept, q.answer_text(), [m.name for m in q.mistakes]
    ('same-padding', '(4, 4)', ['forgot the padding', "kept the input's size at stride > 1"])
    """
    h, w = check_int(h, "h", minimum=1), check_int(w, "w", minimum=1)
    k, s = check_int(k, "k", minimum=1), check_int(s, "s", minimum=1)
    d = check_int(d, "d", minimum=1)
    rule = check_choice(rule, "rule", tuple(RULES))
    p = _check_padding(p, rule)
    if rule == "torch" and p == "same" and s > 1:
        raise ValueError(f'`p` "same" needs `s` 1 with rule="torch" (PyTorch refuses '
                         f'padding="same" with a stride above 1), got s={s}; use rule="keras"')
    if rule == "keras" and s > 1 and d > 1:
        raise ValueError(f"`d` must be 1 when `s` > 1 with rule=\"keras\" (Keras refuses strides "
                         f"> 1 together with dilation_rate > 1), got s={s}, d={d}")

    def size(**change: Any) -> Callable[[int], int]:
        a = {"stride": s, "padding": p, "dilation": d, **change}
        return lambda n: output_size(n, k, **a)

    right = _both(h, w, size())
    if right is None:  # let the engine say why no window fits
        output_size(min(h, w), k, stride=s, padding=p, dilation=d)
    assert right is not None
    eff = d * (k - 1) + 1
    if rule == "torch":
        layer = (f"`torch.nn.Conv2d(1, 1, kernel_size={k}, stride={s}, "
                 f"padding={p!r}, dilation={d})`").replace("'", '"')
        rounding = "PyTorch's rule: the size is rounded down"
    else:
        layer = (f'`keras.layers.Conv2D(filters=1, kernel_size={k}, strides={s}, '
                 f'padding="{p}", dilation_rate={d})`')
        rounding = 'Keras\' rule: "same" gives ceil(n / stride) cells, "valid" pads nothing'
    prompt = (f"A **{h} x {w}** input (height x width, one channel) goes through {layer} "
              f"({rounding}). What is the output's **(height, width)**?")
    formula = ("floor((n + p_before + p_after - k_eff) / s) + 1, with the kernel's span "
               f"k_eff = d * (k - 1) + 1 = {eff}" if d > 1
               else "floor((n + p_before + p_after - k) / s) + 1")
    working = (f"Each side: output = {formula}.\n\n"
               + _explained(h, w, lambda n: explain_output_size(n, k, stride=s, padding=p,
                                                                dilation=d))
               + f"\n\nThe output is **{_shape(right)}**.")
    padded = p not in (0, "valid")
    candidates: list[tuple[str, Any, str]] = []
    if p != "same":
        candidates += [
            ("forgot the + 1",
             _both(h, w, lambda n: size_without_plus_one(n, k, stride=s, padding=p,
                                                         dilation=d)),
             "Without the + 1 you count the steps between window positions, not the "
             "positions: the first window, at offset 0, counts too."),
            ("rounded up instead of down", _both(h, w, size(ceil_mode=True)),
             "Round down: a window that would hang past the edge of the padded input is not "
             "used."),
        ]
    if padded and p != "same":
        candidates.append(
            ("padded one side only", _both(h, w, size(padding=(p, 0))),
             f"`padding={p}` adds {p} cells on *each* side: a side of n cells becomes "
             f"n + 2 * {p} = n + {2 * p} before the kernel slides."))
    if padded:
        why = ('"same" pads so that the output has ceil(n / s) cells; without it you get '
               'the "valid" size.' if p == "same" else
               "The padding adds cells around the input before the kernel slides: "
               "n + p_before + p_after, not n.")
        candidates.append(("forgot the padding", _both(h, w, size(padding=0)), why))
    if d > 1:
        candidates.append(
            ("forgot the dilation", _both(h, w, size(dilation=1)),
             f"With dilation {d} the kernel's taps are {d} cells apart: it spans "
             f"k_eff = d * (k - 1) + 1 = {d} * ({k} - 1) + 1 = {eff} cells, not {k}."))
    if p == "same" and s > 1:
        candidates.append(
            ("kept the input's size at stride > 1", (h, w),
             f'"same" keeps the input\'s size only at stride 1; at stride {s} the windows '
             f"jump {s} cells and the output has ceil(n / {s}) cells per side."))
    elif p != "same":
        candidates.append(
            ("kept the input's size", (h, w),
             f"At stride 1 the size stays the same only when the padding adds back the "
             f"k_eff - 1 = {eff - 1} cells the kernel takes away; here it adds "
             f"{2 * p if p != 'valid' else 0}"
             + (f", and the stride is {s}: the windows jump {s} cells, so fewer fit."
                if s > 1 else ".")))
    mistakes = named_mistakes(right, candidates)
    return Question(concept="same-padding" if p == "same" else "output-size",
                    kind="output_size", prompt=prompt,
                    answer=(float(right[0]), float(right[1])), working=working,
                    mistakes=mistakes, answer_hint="two whole numbers: (height, width)")


def pool_size_question(h: int, w: int, size: int, *, stride: int | None = None,
                       padding: int = 0, ceil_mode: bool = False) -> Question:
    """Ask for a max pooling's output (height, width), with its named mistakes.

    Parameters
    ----------
    h, w : int >= 1
        The input's height and width.
    size : int >= 1
        The pooling window's side.
    stride : int >= 1, optional
        Defaults to ``size`` (as in PyTorch and Keras).
    padding : int >= 0
        At most ``size // 2`` (PyTorch's rule).
    ceil_mode : bool
        PyTorch's ``ceil_mode``: round up, but drop a last window that would start in the
        right padding.

    Returns
    -------
    Question
        Concept "pool-size", kind "pool_size", the answer ``(H', W')``.

    Examples
    --------
    >>> q = pool_size_question(7, 7, 2)
    >>> q.answer_text(), [m.name for m in q.mistakes]
    ('(3, 3)', ['forgot the + 1', 'rounded up instead of down', "kept the input's size", \
'used stride 1'])
    """
    h, w = check_int(h, "h", minimum=1), check_int(w, "w", minimum=1)
    k = check_int(size, "size", minimum=1)
    s = k if stride is None else check_int(stride, "stride", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"`ceil_mode` must be True or False, got {ceil_mode!r}")
    problem = pool_padding_problem(p, k)
    if problem:
        raise ValueError(problem)

    def rule(**change: Any) -> Callable[[int], int]:
        a = {"stride": s, "padding": p, "ceil_mode": ceil_mode, **change}
        return lambda n: output_size(n, k, **a)

    right = _both(h, w, rule())
    if right is None:
        output_size(min(h, w), k, stride=s, padding=p, ceil_mode=ceil_mode)
    assert right is not None
    layer = f"`torch.nn.MaxPool2d(kernel_size={k}, stride={s}, padding={p}, ceil_mode={ceil_mode})`"
    rounding = ("rounded up, a last window starting in the right padding dropped" if ceil_mode
                else "rounded down")
    prompt = (f"A **{h} x {w}** input (height x width) goes through {layer} (PyTorch's rule: "
              f"the size is {rounding}). What is the output's **(height, width)**?")
    working = ("Each side: output = " + ("ceil" if ceil_mode else "floor")
               + "((n + p_before + p_after - k) / s) + 1, with the pooling window as the "
               "kernel.\n\n"
               + _explained(h, w, lambda n: explain_output_size(n, k, stride=s, padding=p,
                                                                ceil_mode=ceil_mode))
               + f"\n\nThe output is **{_shape(right)}**.")
    other = "down instead of up" if ceil_mode else "up instead of down"
    candidates: list[tuple[str, Any, str]] = [
        ("forgot the + 1",
         None if ceil_mode else _both(h, w, lambda n: size_without_plus_one(
             n, k, stride=s, padding=p)),
         "Without the + 1 you count the steps between windows, not the windows: the first "
         "window, at offset 0, counts too."),
        (f"rounded {other}", _both(h, w, rule(ceil_mode=not ceil_mode)),
         "With ceil_mode=True PyTorch rounds up (keeping a last, incomplete window); "
         "without it, the default, it rounds down."),
        ("kept the input's size", (h, w),
         "The output has one cell per window position, not one per input cell: count the "
         "positions with the formula."),
    ]
    if s != 1:
        candidates.append(("used stride 1", _both(h, w, rule(stride=1)),
                           f"The window moves {s} cells at a time (the stride defaults to "
                           "the window's size), not 1."))
    if p:
        candidates += [
            ("forgot the padding", _both(h, w, rule(padding=0)),
             f"The padding adds {p} cells on each side before the window slides."),
            ("padded one side only", _both(h, w, rule(padding=(p, 0))),
             f"`padding={p}` adds {p} cells on *each* side: n + 2 * {p}."),
        ]
    return Question(concept="pool-size", kind="pool_size", prompt=prompt,
                    answer=(float(right[0]), float(right[1])),
                    working=working, mistakes=named_mistakes(right, candidates),
                    answer_hint="two whole numbers: (height, width)")


def random_output_size_question(rng: np.random.Generator) -> Question:
    """A random convolution output-size question (PyTorch's or Keras' rule), always valid.

    Examples
    --------
    >>> q = random_output_size_question(np.random.default_rng(0))
    >>> q.concept in ("output-size", "same-padding"), len(q.answer)
    (True, 2)
    """
    rng = check_rng(rng, "rng")
    for _ in range(200):
        h = int(rng.choice([5, 6, 7, 8, 9, 10, 12, 14, 16, 28, 32, 64]))
        w = h if rng.random() < 0.7 else int(rng.choice([5, 7, 8, 10, 12, 16, 28, 32]))
        k = int(rng.choice([1, 2, 3, 3, 3, 5, 5, 7]))
        s = int(rng.choice([1, 1, 2, 2, 3]))
        p: Any = [0, 0, 1, 1, 2, 3, "valid", "same"][int(rng.integers(8))]
        d = 1 if rng.random() < 0.8 else 2
        rule = "keras" if isinstance(p, str) and (s > 1 or rng.random() < 0.5) else "torch"
        if rule == "keras" and s > 1:
            d = 1
        try:
            q = output_size_question(h, w, k, s, p, d, rule=rule)
        except ValueError:
            continue
        if q.mistakes:
            return q
    return output_size_question(7, 7, 3, 1, 0, 1)


def random_pool_size_question(rng: np.random.Generator) -> Question:
    """A random pooling output-size question, always valid.

    Examples
    --------
    >>> random_pool_size_question(np.random.default_rng(0)).concept
    'pool-size'
    """
    rng = check_rng(rng, "rng")
    for _ in range(200):
        h = int(rng.choice([4, 5, 6, 7, 8, 9, 13, 14, 26, 28, 32]))
        w = h if rng.random() < 0.7 else int(rng.choice([5, 6, 7, 8, 11, 13, 28]))
        k = int(rng.choice([2, 2, 2, 3, 3]))
        s = None if rng.random() < 0.6 else int(rng.choice([1, 2, 2, 3]))
        p = 0 if rng.random() < 0.7 else int(rng.integers(1, k // 2 + 1))
        try:
            q = pool_size_question(h, w, k, stride=s, padding=p, ceil_mode=rng.random() < 0.2)
        except ValueError:
            continue
        if q.mistakes:
            return q
    return pool_size_question(7, 7, 2)

