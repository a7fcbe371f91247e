"""Predict-first questions about one pooled value: the largest value of a window, or its
average (PyTorch's ``max_pool2d`` / ``avg_pool2d``).

The right value and every mistaken one are computed by the engine (:func:`convviz.pool2d`)
under the right or the mistaken rule: the other mode, stride 1, or (average pooling) the
padding left out of the count (``count_include_pad=False``; PyTorch's default counts it).

Examples
--------
>>> from convviz.teach.questions import check
>>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]])
>>> q = pool_value_question(x, 2, (0, 0))
>>> q.answer_text(), check(q, "2.5").mistake
('4', 'averaged instead of taking the maximum')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import as_float_array, check_rng
from convviz.draw.numbers import format_value
from convviz.engine.pool_steps import pool_plan
from convviz.engine.pooling import POOL_MODES, pool2d, prepare_pool
from convviz.teach.predict_conv import check_index
from convviz.teach.predict_grid import MAX_GRID_SIDE, grid_table, is_whole, padded_window, to_lists
from convviz.teach.questions import Question, named_mistakes

__all__ = ["pool_value_question", "random_pool_question"]


def pool_value_question(x: Any, size: Any, index: Any, *, stride: Any = None, padding: Any = 0,
                        mode: str = "max", ceil_mode: bool = False,
                        count_include_pad: bool = True) -> Question:
    """Ask for one pooled value, with its named mistakes.

    Parameters
    ----------
    x : array_like, shape (H, W)
        At most :data:`~convviz.teach.predict_grid.MAX_GRID_SIDE` per side.
    size : int or (rows, cols)
        The pooling window.
    index : (int, int)
        The output cell (row, col), 0-based.
    stride : int or (rows, cols), optional
        Defaults to ``size``.
    padding : int or (rows, cols)
        At most half the window on each side (PyTorch's rule).
    mode : {"max", "avg"}
    ceil_mode : bool
        PyTorch's ``ceil_mode``: the output size rounded up, so a last window may hang past
        the padded input (those cells never count).
    count_include_pad : bool
        Average pooling: divide by the padding cells too (PyTorch's default) or only by
        the input cells in the window.

    Returns
    -------
    Question
        Concept "pooling", kind "pool_value", one number (to 0.01 when it is not whole).
        ``grids`` holds "input", "window" (``[r0, c0, r1, c1]`` of the input, ends
        exclusive), "pads" and "cell".

    Raises
    ------
    TypeError, ValueError
        Naming the argument.

    Examples
    --------
    >>> q = pool_value_question(np.arange(16).reshape(4, 4), 2, (1, 0), mode="avg")
    >>> q.answer, [m.name for m in q.mistakes]
    ((10.5,), ['took the maximum instead of averaging', 'used stride 1'])
    """
    xa = as_float_array(x, "x", ndims=(2,))
    if max(xa.shape) > MAX_GRID_SIDE:
        raise ValueError(f"`x` must be at most {MAX_GRID_SIDE} x {MAX_GRID_SIDE} to be written "
                         f"out in a question, got {xa.shape[0]} x {xa.shape[1]}")
    for name, flag in (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad)):
        if not isinstance(flag, bool):
            raise TypeError(f"`{name}` must be True or False, got {flag!r}")
    plan = pool_plan(xa, size, stride=stride, padding=padding, mode=mode, ceil_mode=ceil_mode,
                     count_include_pad=count_include_pad)
    r, c = check_index(index, plan.out_shape)
    mode, (kh, kw), (sh, sw) = plan.mode, plan.size, plan.stride
    pads = prepare_pool(xa, size, stride=stride, padding=padding, mode=mode).pads

    def cell(**change: Any) -> float | None:
        a = {"stride": plan.stride, "padding": pads, "mode": mode, "ceil_mode": ceil_mode,
             "count_include_pad": count_include_pad, **change}
        try:
            out = pool2d(xa, plan.size, **a)
        except ValueError:
            return None
        return float(out[r, c]) if r < out.shape[0] and c < out.shape[1] else None

    value = cell()
    assert value is not None
    step = plan.step(r * plan.out_shape[1] + c)
    window = padded_window(step.origin, step.rows, step.cols, pads)
    r0, c0, r1, c1 = window
    touches_pad = r0 < 0 or c0 < 0 or r1 > xa.shape[0] or c1 > xa.shape[1]
    (top, bottom), (left, right) = pads
    padded = bool(top or bottom or left or right)
    pad_text = ("no padding" if not padded else
                f"padding: top {top}, bottom {bottom}, left {left}, right {right}")
    options = (", ceil_mode=True" if ceil_mode else "") + (
        ", count_include_pad=False" if mode == "avg" and not count_include_pad else "")
    fn = "max_pool2d" if mode == "max" else "avg_pool2d"
    layer = (f"`torch.nn.functional.{fn}(x, kernel_size=({kh}, {kw}), stride=({sh}, {sw}), "
             f"padding={padding!r}{options})`")
    rules = (["it keeps the largest value of each window"] if mode == "max" else
             ["it averages each window"])
    if mode == "max" and (padded or ceil_mode):
        rules.append("cells outside the input never win (PyTorch pads max pooling with "
                     "-infinity)")
    if mode == "avg" and padded:
        rules.append("padding cells count as zeros in the average (count_include_pad=True, "
                     "PyTorch's default)" if count_include_pad else
                     "only the input cells of a window count in its average "
                     "(count_include_pad=False)")
    if ceil_mode:
        rules.append("the output size is rounded up (ceil_mode=True), so a last window may "
                     "hang past the padded input"
                     + ("; PyTorch leaves the cells past it out of the average"
                        if mode == "avg" else ""))
    rule = "; ".join(rules)
    prompt = "\n\n".join([
        f"Input ({xa.shape[0]} x {xa.shape[1]}):\n\n{grid_table(xa)}",
        f"It goes through {layer} ({pad_text}): {rule}. What is the value of output cell "
        f"**(row {r}, column {c})**, counting from (0, 0) at the top-left?"])
    values = [v for v, is_pad in zip(step.patch.ravel(),
                                     plan.pad_mask[np.ix_(step.rows, step.cols)].ravel(),
                                     strict=True) if not is_pad]
    outside = " or ".join((["padding"] if padded else [])
                          + (["past the padded input, where ceil_mode's last window hangs"]
                             if ceil_mode else []))
    where = (f"Output cell ({r}, {c})'s window covers input rows {r0} to {r1 - 1} and columns "
             f"{c0} to {c1 - 1}" + (f" (numbers outside the input are {outside})"
                                    if touches_pad else "") + ".")
    shown = ", ".join(format_value(float(v)) for v in values)
    if mode == "max":
        working = (f"{where} Its input values are {shown}; the largest is "
                   f"**{format_value(value)}**.")
    else:
        total = float(sum(values))
        terms = " + ".join(format_value(float(v)) for v in values)
        if not count_include_pad:
            by = f"divided by the {step.divisor} input cells in the window"
        elif step.divisor == kh * kw:
            by = f"divided by the window's {step.divisor} cells" + (
                ", padding included" if touches_pad else "")
        else:
            by = (f"divided by the {step.divisor} cells of the window inside the padded input "
                  "(PyTorch leaves out the cells past it)")
        working = (f"{where} Its input values add up to {terms} = {format_value(total)}; "
                   f"{by}, that is {format_value(total)} / {step.divisor} "
                   + ("= " if round(value, 2) == value else "≈ ")
                   + f"**{format_value(value)}**.")
    other = "avg" if mode == "max" else "max"
    swapped = cell(mode=other)
    candidates: list[tuple[str, Any, str]] = [
        ("averaged instead of taking the maximum" if mode == "max"
         else "took the maximum instead of averaging", _one(swapped),
         ("Max pooling keeps the window's largest value; the average, "
          if mode == "max" else "Average pooling keeps the window's mean; the largest value, ")
         + f"{format_value(swapped or 0.0)}, is what the other kind of pooling gives."),
    ]
    if (sh, sw) != (1, 1):
        candidates.append(
            ("used stride 1", _one(cell(stride=1)),
             f"The window moves {sh} row{'s' if sh > 1 else ''} and {sw} "
             f"column{'s' if sw > 1 else ''} per output cell (the stride defaults to the "
             f"window's size): cell ({r}, {c}) starts at row {r} × {sh} = {r * sh}, column "
             f"{c} × {sw} = {c * sw} of the padded input, not at ({r}, {c})."))
    if mode == "avg" and touches_pad and not count_include_pad:
        candidates.append(
            ("counted the padding in the average", _one(cell(count_include_pad=True)),
             "With count_include_pad=False only the input cells under the window count: "
             f"divide by those {len(values)}, not by the padding cells too."))
    if mode == "avg" and touches_pad and count_include_pad:
        candidates.append(
            ("left the padding out of the average", _one(cell(count_include_pad=False)),
             "PyTorch's avg_pool2d counts the padding cells as zeros and divides by the whole "
             f"window, {step.divisor} cells (count_include_pad=True, its default); dividing "
             f"by the {len(values)} input cells only is count_include_pad=False."))
    whole = mode == "max" and is_whole(xa)  # every answer, right or mistaken, is whole
    tol = 0.0 if whole and all(is_whole(m[1] or 0.0) for m in candidates) else 0.01
    return Question(
        concept="pooling", kind="pool_value", prompt=prompt, answer=(value,), working=working,
        mistakes=named_mistakes((value,), candidates, tol), tolerance=tol,
        answer_hint="a whole number" if whole else "a number, to 2 decimals",
        grids={"input": to_lists(xa), "window": window,
               "pads": [list(pads[0]), list(pads[1])], "cell": [r, c]})


def _one(v: float | None) -> tuple[float] | None:
    return None if v is None else (v,)


def random_pool_question(rng: np.random.Generator) -> Question:
    """A random pooled-value question on a small whole-number input, max or average.

    Examples
    --------
    >>> q = random_pool_question(np.random.default_rng(0))
    >>> q.concept, q.kind
    ('pooling', 'pool_value')
    """
    rng = check_rng(rng, "rng")
    for _ in range(100):
        h = int(rng.integers(4, 9))
        w = h if rng.random() < 0.7 else int(rng.integers(4, 9))
        size = int(rng.choice([2, 2, 3]))
        stride = None if rng.random() < 0.6 else int(rng.choice([1, 2]))
        padding = 0 if rng.random() < 0.7 else 1
        mode = POOL_MODES[int(rng.integers(2))]
        x = rng.integers(0, 10, size=(h, w))
        try:
            plan = pool_plan(x, size, stride=stride, padding=padding, mode=mode)
        except ValueError:
            continue
        index = (int(rng.integers(plan.out_shape[0])), int(rng.integers(plan.out_shape[1])))
        q = pool_value_question(x, size, index, stride=stride, padding=padding, mode=mode)
        if q.mistakes:
            return q
    return pool_value_question(np.arange(16).reshape(4, 4), 2, (0, 0))
