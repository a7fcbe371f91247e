"""Practice questions on the transposed-convolution page: one layer's output size (the
question bank's :func:`~convviz.teach.predict_transposed.random_transposed_size_question`),
the ``output_padding`` that gives an encoder's size back, and the sides after each stage of
a U-Net decoder.

Every answer, right or mistaken, is computed by the engine
(:func:`convviz.transpose_output_size`, :func:`convviz.output_size`) under the right rule or
the mistaken one; a decoder's named mistakes make the same mistake at every stage.

Examples
--------
>>> from convviz.teach.questions import check
>>> q = unet_question(28, 4, 2, stride=2)
>>> q.answer_text(), check(q, "55, 109, 217, 433").mistake
('(56, 112, 224, 448)', 'forgot the + 1')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from convviz.base.checks import check_int, check_rng
from convviz.engine.shapes import output_size
from convviz.engine.transpose import transpose_output_size
from convviz.teach.predict_transposed import random_transposed_size_question
from convviz.teach.questions import Question, named_mistakes
from convviz.teach.transposed import formula_text, output_padding_cases, output_paddings

__all__ = ["DECODERS", "FORMULA", "output_padding_question", "random_practice_question",
           "unet_question"]

#: U-Net decoder stages the practice asks about: (kernel, stride, padding, output_padding).
DECODERS = ((2, 2, 0, 0), (3, 2, 1, 1), (4, 2, 1, 0))


#: The working's first line: the output side of a transposed convolution.
FORMULA = "Output side = (n − 1) × s − 2p + d × (k − 1) + output_padding + 1."


def _numbers(n: int, k: int, s: int, p: int, op: int) -> str:
    """The formula with the numbers put in (:func:`formula_text` without its symbols)."""
    return formula_text(n, k, stride=s, padding=p, output_padding=op).split(" = ", 1)[1]


def _settings(k: int, stride: int, padding: int) -> tuple[int, int, int]:
    return (check_int(k, "k", minimum=1), check_int(stride, "stride", minimum=1),
            check_int(padding, "padding", minimum=0))


def output_padding_question(target: int, k: int, *, stride: int, padding: int = 0) -> Question:
    """Ask which ``output_padding`` makes a decoder's ``ConvTranspose2d`` give back the size
    an encoder's ``Conv2d`` (same kernel, stride, padding) started from.

    Parameters
    ----------
    target : int >= 1
        The encoder's input side; the encoder turns it into
        ``n = output_size(target, k, stride, padding)``.
    k : int >= 1
    stride : int >= 1
    padding : int >= 0

    Returns
    -------
    Question
        Concept "transposed", kind "transposed_output_padding", the answer ``(op,)``; the
        named mistake "left output_padding at 0" when the answer is not 0.

    Examples
    --------
    >>> q = output_padding_question(8, 3, stride=2, padding=1)
    >>> q.answer_text(), [m.name for m in q.mistakes]
    ('1', ['left output_padding at 0'])
    """
    target = check_int(target, "target", minimum=1)
    k, s, p = _settings(k, stride, padding)
    try:
        n = output_size(target, k, stride=s, padding=p)
    except ValueError as exc:
        raise ValueError(f"`target` {target} gives the encoder no output: {exc}") from None
    cases = output_padding_cases(n, k, stride=s, padding=p)
    op = next(o for size, o in cases if size == target)  # the engine's both ways
    layer = f"kernel_size={k}, stride={s}, padding={p}"
    prompt = (f"An encoder's `Conv2d` with `{layer}` turned a **{target} x {target}** map "
              f"into **{n} x {n}**. Which `output_padding` makes the decoder's "
              f"`ConvTranspose2d` with `{layer}` give back **{target} x {target}**?")
    lines = [f"output_padding {o}: " + _numbers(n, k, s, p, o) for _, o in cases]
    sides = [str(size) for size, _ in cases]
    sizes = ", ".join(sides[:-1]) + " and " + sides[-1] if len(sides) > 1 else sides[0]
    working = (f"{FORMULA}\n\n```\n" + "\n".join(lines) + "\n```\n\n"
               f"The convolution maps sides {sizes} all to {n} (it rounds down); "
               f"output_padding picks which one comes back: **{op}** gives {target}.")
    size0 = cases[0][0]
    mistakes = named_mistakes((float(op),), [
        ("left output_padding at 0", (0.0,),
         f"`output_padding=0` gives back {size0} x {size0}, the smallest side the convolution "
         f"maps to {n}; the encoder's input was {target}.")])
    return Question(concept="transposed", kind="transposed_output_padding", prompt=prompt,
                    answer=(float(op),), working=working, mistakes=mistakes)


def unet_question(start: int, stages: int, k: int, *, stride: int = 2, padding: int = 0,
                  output_padding: int = 0) -> Question:
    """Ask for the side after each of ``stages`` identical ``ConvTranspose2d`` layers.

    Parameters
    ----------
    start : int >= 1
        The side of the square feature map the decoder starts from.
    stages : int >= 1
    k, stride : int >= 1
    padding : int >= 0
    output_padding : int >= 0
        Smaller than the stride (PyTorch's rule).

    Returns
    -------
    Question
        Concept "transposed", kind "transposed_unet", one side per stage as the answer. Each
        named mistake (forgot the output padding, forgot to subtract the padding, started
        from n × s, forgot the + 1, used the convolution's formula) is made at every stage.

    Examples
    --------
    >>> q = unet_question(7, 3, 3, padding=1, output_padding=1)
    >>> q.answer_text(), [m.name for m in q.mistakes][:2]
    ('(14, 28, 56)', ['forgot the output padding', 'forgot to subtract the padding'])
    """
    start = check_int(start, "start", minimum=1)
    stages = check_int(stages, "stages", minimum=1)
    k, s, p = _settings(k, stride, padding)
    op = check_int(output_padding, "output_padding", minimum=0)
    if op not in output_paddings(s, 1):
        raise ValueError(f"`output_padding` must be smaller than the stride ({s}) (PyTorch's "
                         f"rule), got {op}")

    def layer(n: int, **change: Any) -> int:
        a = {"stride": s, "padding": p, "output_padding": op, **change}
        return transpose_output_size(n, k, **a)

    def chain(step: Callable[[int], int]) -> tuple[int, ...] | None:
        out, n = [], start
        for _ in range(stages):
            try:
                n = step(n)
            except ValueError:  # the mistaken rule leaves no output
                return None
            if n < 1:
                return None
            out.append(n)
        return tuple(out)

    right = chain(layer)
    if right is None:
        raise ValueError(f"no output: `padding` {p} crops more than a stage's stamps cover "
                         f"from a {start} x {start} map")
    settings = f"kernel_size={k}, stride={s}, padding={p}, output_padding={op}"
    prompt = (f"A U-Net decoder starts from a **{start} x {start}** feature map and has "
              f"**{stages} stages**, each a `ConvTranspose2d` with `{settings}`. What is the "
              "side after each stage? Type the sides in order, separated by commas.")
    lines, n = [], start
    for i, out in enumerate(right, start=1):
        lines.append(f"stage {i}: " + _numbers(n, k, s, p, op))
        n = out
    working = (f"{FORMULA}\n\n```\n" + "\n".join(lines) + "\n```\n\nThe sides are "
               + " → ".join(str(v) for v in (start, *right)) + ".")
    candidates: list[tuple[str, Any, str]] = []
    if op:
        candidates.append(("forgot the output padding", chain(lambda m: layer(m, output_padding=0)),
                           f"`output_padding={op}` adds {op} cell{'s' if op > 1 else ''} at "
                           "the bottom and right at every stage."))
    if p:
        candidates.append(("forgot to subtract the padding", chain(lambda m: layer(m, padding=0)),
                           f"The padding crops {p} cell{'s' if p > 1 else ''} off each side of "
                           "every stage's stamped result: − 2p."))
    if s > 1:
        candidates.append(("started from n × s", chain(lambda m: layer(m + 1)),
                           "Start from (n − 1) × s, not n × s: the last input's stamp starts "
                           "(n − 1) strides after the first."))
    candidates += [
        ("forgot the + 1", chain(lambda m: layer(m) - 1),
         "Without the + 1 you get the distance from the first stamp's first cell to the last "
         "stamp's last cell; counting the cells at both ends takes one more."),
        ("used the convolution's formula",
         chain(lambda m: output_size(m, k, stride=s, padding=p)),
         "floor((n + 2p − k) / s) + 1 is the ordinary convolution's output size, which "
         "shrinks the map; a decoder's transposed convolution runs the other way."),
    ]
    example = ", ".join(str(56 * 2 ** i) for i in range(stages))
    return Question(concept="transposed", kind="transposed_unet", prompt=prompt,
                    answer=tuple(float(v) for v in right), working=working,
                    mistakes=named_mistakes(tuple(float(v) for v in right), candidates),
                    answer_hint=f"{stages} whole numbers, like {example}")


def random_practice_question(rng: np.random.Generator) -> Question:
    """A random practice question: one layer's size (two in five), the ``output_padding``
    that gives a size back (one in five) or a U-Net decoder's sides (two in five).

    Examples
    --------
    >>> random_practice_question(np.random.default_rng(0)).concept
    'transposed'
    """
    rng = check_rng(rng, "rng")
    kind = ("size", "size", "op", "unet", "unet")[int(rng.integers(5))]
    if kind == "unet":
        k, s, p, op = DECODERS[int(rng.integers(len(DECODERS)))]
        return unet_question(int(rng.choice([4, 7, 8, 14, 16, 28])), int(rng.choice([3, 4])),
                             k, stride=s, padding=p, output_padding=op)
    if kind == "op":
        for _ in range(100):
            k, s = int(rng.choice([2, 3, 3, 4, 5])), int(rng.choice([2, 2, 3]))
            p, n = int(rng.integers(0, 3)), int(rng.choice([3, 4, 5, 7, 8, 14]))
            cases = output_padding_cases(n, k, stride=s, padding=p)
            if len(cases) > 1:
                target = cases[int(rng.integers(len(cases)))][0]
                return output_padding_question(target, k, stride=s, padding=p)
    return random_transposed_size_question(rng)
