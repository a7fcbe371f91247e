"""Predict-first questions about a transposed convolution's output size (PyTorch's
``ConvTranspose2d``).

The right size and every mistaken one are computed by the engine under the right or the
mistaken rule: :func:`convviz.transpose_output_size` (without the output padding, without
the padding, without the dilation, from ``n`` instead of ``n - 1`` strides, without the
+ 1) and :func:`convviz.output_size` (the ordinary convolution's formula).

Examples
--------
>>> from convviz.teach.questions import check
>>> q = transposed_size_question(4, 3, stride=2, padding=1, output_padding=1)
>>> q.answer_text(), check(q, "7").mistake
('(8, 8)', 'forgot the output padding')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_int, check_rng
from convviz.engine.shapes import output_size
from convviz.engine.transpose import transpose_output_size
from convviz.teach.questions import Question, named_mistakes
from convviz.teach.transposed import formula_text, output_paddings

__all__ = ["random_transposed_size_question", "transposed_size_question"]


def transposed_size_question(n: int, k: int, *, stride: int = 1, padding: int = 0,
                             output_padding: int = 0, dilation: int = 1) -> Question:
    """Ask for the output (height, width) of a transposed convolution on an n x n input.

    Parameters
    ----------
    n : int >= 1
        The input's side.
    k : int >= 1
        The kernel's side.
    stride, dilation : int >= 1
    padding : int >= 0
        Cells cropped off every side of the stamped result.
    output_padding : int >= 0
        Cells added at the bottom and right; smaller than the stride or the dilation
        (PyTorch's rule).

    Returns
    -------
    Question
        Concept "transposed", kind "transposed_size", the answer ``(side, side)`` with
        side ``(n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Raises
    ------
    TypeError, ValueError
        Naming the argument; ValueError also when the output would have no cells.

    Examples
    --------
    >>> q = transposed_size_question(28, 2, stride=2)
    >>> q.answer, [m.name for m in q.mistakes]
    ((56.0, 56.0), ["used the convolution's formula", 'started from n × s', 'forgot the + 1'])
    """
    n, k = check_int(n, "n", minimum=1), check_int(k, "k", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    op = check_int(output_padding, "output_padding", minimum=0)
    d = check_int(dilation, "dilation", minimum=1)
    if op not in output_paddings(s, d):
        raise ValueError(f"`output_padding` must be smaller than the stride ({s}) or the "
                         f"dilation ({d}) (PyTorch's rule), got {op}")

    def size(**change: Any) -> int | None:
        a = {"stride": s, "padding": p, "output_padding": op, "dilation": d, **change}
        m = a.pop("n", n)
        out = transpose_output_size(m, k, **a)
        return out if out >= 1 else None

    right = size()
    if right is None:
        raise ValueError(f"no output: `padding` {p} crops more than the "
                         f"{size(padding=0)} cells the stamps cover (2 × {p} from each axis)")
    layer = (f"`torch.nn.ConvTranspose2d(1, 1, kernel_size={k}, stride={s}, padding={p}, "
             f"output_padding={op}" + (f", dilation={d}" if d > 1 else "") + ")`")
    prompt = (f"A **{n} x {n}** input goes through {layer}: each input cell stamps the "
              f"kernel times its value onto the output, stamps {s} cell{'s' if s > 1 else ''} "
              "apart adding up where they overlap; `padding` crops that many cells off every "
              "side, `output_padding` adds cells at the bottom and right. What is the "
              "output's **(height, width)**?")
    working = ("The last input cell's stamp starts (n − 1) × s cells after the first and "
               "spans d × (k − 1) + 1 cells; the padding crops p from both sides and the "
               "output padding adds cells at the end:\n\n"
               f"```\n{formula_text(n, k, stride=s, padding=p, output_padding=op, dilation=d)}"
               f"\n```\n\nThe output is **{right} x {right}**.")
    try:
        conv = output_size(n, k, stride=s, padding=p, dilation=d)
    except ValueError:
        conv = None
    try:
        back = output_size(right, k, stride=s, padding=p, dilation=d)
    except ValueError:
        back = None
    candidates: list[tuple[str, Any, str]] = [
        ("used the convolution's formula", conv,
         "floor((n + 2p − d(k − 1) − 1) / s) + 1 is the ordinary convolution's output size; "
         "the transposed convolution runs the other way"
         + (f": a convolution with these settings turns its {right} cells back into {n}."
            if back == n else ".")),
    ]
    if op:
        candidates.append(("forgot the output padding", size(output_padding=0),
                           f"`output_padding={op}` adds {op} cell{'s' if op > 1 else ''} at "
                           "the bottom and right: + output_padding."))
    if p:
        candidates.append(("forgot to subtract the padding", size(padding=0),
                           f"A transposed convolution's padding crops {p} cell"
                           f"{'s' if p > 1 else ''} off each side of the stamped result: "
                           "− 2p."))
    if s > 1:
        candidates.append(("started from n × s", size(n=n + 1),
                           "Start from (n − 1) × s, not n × s: the last input's stamp starts "
                           "(n − 1) strides after the first."))
    if d > 1:
        candidates.append(("forgot the dilation", size(dilation=1),
                           f"With dilation {d} a stamp's taps are {d} cells apart: it spans "
                           f"d × (k − 1) + 1 = {d * (k - 1) + 1} cells, not {k}."))
    candidates.append(("forgot the + 1", right - 1 if right > 1 else None,
                       "Without the + 1 you get the distance from the first stamp's first "
                       "cell to the last stamp's last cell; counting the cells at both ends "
                       "takes one more."))
    square = [(name, None if v is None else (v, v), text) for name, v, text in candidates]
    return Question(concept="transposed", kind="transposed_size", prompt=prompt,
                    answer=(float(right), float(right)), working=working,
                    mistakes=named_mistakes((right, right), square),
                    answer_hint="two whole numbers: (height, width)")


def random_transposed_size_question(rng: np.random.Generator) -> Question:
    """A random transposed-convolution size question, always valid.

    Examples
    --------
    >>> random_transposed_size_question(np.random.default_rng(0)).concept
    'transposed'
    """
    rng = check_rng(rng, "rng")
    for _ in range(100):
        n = int(rng.choice([2, 3, 4, 5, 7, 8, 14, 16, 28]))
        k = int(rng.choice([1, 2, 3, 3, 4, 5]))
        s, d = int(rng.choice([1, 2, 2, 3])), 1 if rng.random() < 0.85 else 2
        p = int(rng.integers(0, 3))
        op = int(rng.choice(output_paddings(s, d)))
        try:
            q = transposed_size_question(n, k, stride=s, padding=p, output_padding=op,
                                         dilation=d)
        except ValueError:
            continue
        if len(q.mistakes) >= 2:
            return q
    return transposed_size_question(4, 3, stride=2, padding=1, output_padding=1)
