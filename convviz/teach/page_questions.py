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

from convviz.teach.predict_size import output_size_question, pool_size_question
from convviz.teach.questions import Question

__all__ = ["size_page_question"]


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
