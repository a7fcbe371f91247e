"""The "predict the output size" exercise: random settings, answer checking with hints.

Pure: a seeded ``numpy.random.Generator`` in, settings out; text in, (ok, message) out.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from convviz.engine.shapes import explain_output_size, output_size
from convviz.teach.predict_size import output_size_question
from convviz.teach.questions import Question

_ANSWER = re.compile(r"^\(?\s*(\d+)\s*(?:[x×*,]\s*(\d+))?\s*\)?$", re.IGNORECASE)


def random_exercise(rng: np.random.Generator) -> dict[str, Any]:
    """Settings for one "predict the output size" question (always a valid combination).

    Examples
    --------
    >>> ex = random_exercise(np.random.default_rng(0))
    >>> sorted(ex)
    ['dilation', 'kernel_size', 'padding', 'size', 'stride']
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}")
    for _ in range(100):
        ex = {"size": int(rng.choice([5, 6, 7, 8, 9, 10, 12, 14, 16, 28, 32, 64])),
              "kernel_size": int(rng.choice([1, 2, 3, 3, 3, 5, 5, 7])),
              "stride": int(rng.choice([1, 1, 2, 2, 3])),
              "padding": [0, 0, 1, 1, 2, 3, "valid", "same"][int(rng.integers(8))],
              "dilation": 1 if rng.random() < 0.8 else 2}
        try:
            output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                        padding=ex["padding"], dilation=ex["dilation"])
        except ValueError:
            continue
        return ex
    return {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


def exercise_question(settings: dict[str, Any]) -> str:
    """The question, in words (Markdown)."""
    n, k, p = settings["size"], settings["kernel_size"], settings["padding"]
    pad = f'padding="{p}"' if isinstance(p, str) else f"padding {p}"
    return (f"A **{n} x {n}** input goes through a **{k} x {k}** convolution with **stride "
            f"{settings['stride']}**, **{pad}** and **dilation {settings['dilation']}** "
            "(PyTorch's floor rule; \"same\" as in Keras). How many cells wide is the output?")


def _worked(settings: dict[str, Any], **changes: Any) -> int | None:
    s = {**settings, **changes}
    try:
        return output_size(s["size"], s["kernel_size"], stride=s["stride"], padding=s["padding"],
                           dilation=s["dilation"], ceil_mode=s.get("ceil_mode", False))
    except ValueError:
        return None


def _keeps_size_hint(settings: dict[str, Any]) -> str:
    """When the output keeps the input's size at stride 1: padding that adds back the
    k_eff - 1 cells the kernel takes away, "same" or P = (k_eff - 1) / 2 per side."""
    k, d, s = settings["kernel_size"], settings["dilation"], settings["stride"]
    eff = d * (k - 1) + 1
    text = (f"At stride 1 the size stays the same when the padding adds back the "
            f"k_eff - 1 = {eff - 1} cells the kernel takes away: \"same\"")
    if (eff - 1) % 2 == 0:
        p = (eff - 1) // 2
        if _worked({**settings, "stride": 1, "padding": p}) == settings["size"]:
            text += f", or P = (k_eff - 1) / 2 = {p} on each side"  # checked, not assumed
    text += "."
    if s > 1:
        text += f" Here the stride is {s}: the windows jump {s} cells, so fewer fit."
    return text


def check_answer(settings: dict[str, Any], answer_text: Any) -> tuple[bool, str]:
    """Check a learner's output size ("5", "5x5" or "(5, 5)") against the engine's.

    Returns (ok, message); text that is not a whole number gets a message asking for
    one, never an exception. The worked formula is :func:`convviz.explain_output_size`.

    Examples
    --------
    >>> ex = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
    >>> check_answer(ex, "5x5")
    (True, 'Correct! The output is 5 x 5.')
    >>> check_answer(ex, "five")[0]
    False
    """
    right = _worked(settings)
    m = _ANSWER.match(str(answer_text or "").strip())
    if not m:
        return False, ("Type the output size as a whole number, like 5 (or 5x5); "
                       f"you typed {str(answer_text or '').strip()!r}.")
    given = [int(g) for g in m.groups() if g is not None]
    if all(g == right for g in given):
        return True, f"Correct! The output is {right} x {right}."
    if len(set(given)) > 1:
        return False, ("Not quite: the input is square, so the output is too; give one "
                       f"number. The output is {right} x {right}.")
    g, p, n = given[0], settings["padding"], settings["size"]
    hints = [
        (p != "same" and g == right - 1, "Did you forget the + 1? The first window counts too."),
        (p not in (0, "valid") and g == _worked(settings, padding=0),
         "Did you forget the padding? It adds cells on both sides before the kernel slides."),
        (settings["dilation"] > 1 and g == _worked(settings, dilation=1),
         "Did you forget the dilation? The kernel spans d * (k - 1) + 1 cells."),
        (g == _worked(settings, ceil_mode=True) and p != "same",
         "Round down: a window that would hang past the edge is not used."),
        (g == n and p == "same" and settings["stride"] > 1,
         f'"same" padding keeps ceil(n / s) = ceil({n} / {settings["stride"]}) = {right} '
         "cells: the input's size only at stride 1."),
        (g == n and p != "same", _keeps_size_hint(settings)),
    ]
    hint = next((text for cond, text in hints if cond), "Work through the formula below.")
    return False, f"Not quite: you said {g}, the output is {right} x {right}. {hint}"


def as_question(settings: dict[str, Any]) -> Question | None:
    """The exercise as a predict-first :class:`~convviz.teach.questions.Question`, with the
    named mistakes of :func:`convviz.teach.predict_size.output_size_question`.

    PyTorch's rule, Keras' for "same" (as the exercise says). None for "same" with both a
    stride and a dilation above 1, which neither framework accepts.

    Examples
    --------
    >>> ex = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
    >>> as_question(ex).answer_text()
    '(5, 5)'
    """
    keys = ("size", "kernel_size", "stride", "padding", "dilation")
    if not isinstance(settings, dict) or any(k not in settings for k in keys):
        raise ValueError(f"`settings` must hold {list(keys)}, got {settings!r}")
    n, k, s, p, d = (settings[key] for key in keys)
    if p == "same" and s > 1 and d > 1:
        return None
    return output_size_question(n, n, k, s, p, d, rule="keras" if p == "same" else "torch")


def worked_formula(settings: dict[str, Any]) -> str:
    """The exercise's worked answer, :func:`convviz.explain_output_size` text."""
    return explain_output_size(settings["size"], settings["kernel_size"],
                               stride=settings["stride"], padding=settings["padding"],
                               dilation=settings["dilation"])
