"""Predict-then-reveal questions: one schema, answer parsing, and matching a wrong answer to a
named mistake.

A :class:`Question` carries its right answer, the worked answer, and every named mistake
with the answer that mistake produces (computed by the engine under the mistaken rule, never
typed in). :func:`check` parses what a learner typed and returns a :class:`Verdict`: right,
one named mistake (with the working for that mistake), or wrong for a reason we cannot name.
Questions turn into plain JSON-ready dicts (:meth:`Question.to_dict`) so a class store can
hold them and every server process can read them back (:meth:`Question.from_dict`).

Generators that build questions from a page's settings or a seeded ``numpy.random.Generator``
live in the topic modules (``convviz.teach.predict_*``); :data:`CONCEPTS` is the guided
path's list that the progress view counts against.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

# The concepts of the guided path that questions are asked about, in teaching order, with
# the words the progress view shows. A question's ``concept`` is one of these keys.
CONCEPTS: dict[str, str] = {
    "convolution": "A convolution's output cell: multiply and sum",
    "channels": "Channels: one sum over every input channel, plus the bias",
    "output-size": "The output size: padding, stride, dilation",
    "same-padding": "\"same\" padding in Keras",
    "transposed": "Transposed convolution's output size",
    "pooling": "Pooling: a pooled value",
    "pool-size": "Pooling's output size",
    "parameters": "A layer's parameter count",
    "receptive-field": "A unit's receptive field",
    "shapes": "Shapes through a network",
}

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
MAX_ANSWER_CHARS = 80


@dataclass(frozen=True)
class Mistake:
    """One named mistake: its name, the answer it produces, and the working that shows it.

    ``answer`` is what a learner who makes exactly this mistake would type, computed by the
    engine under the mistaken rule. ``working`` (Markdown) says what went wrong and works
    the right answer from there.
    """

    name: str
    answer: tuple[float, ...]
    working: str


@dataclass(frozen=True)
class Question:
    """One predict-first question.

    Parameters
    ----------
    concept : str
        A key of :data:`CONCEPTS`.
    kind : str
        What is asked, e.g. ``"output_size"``, ``"conv_cell"`` (used by worksheets and the
        class page to group answers).
    prompt : str
        The question in Markdown, with every number the learner needs.
    answer : tuple of float
        The right answer: one number, or several (a shape, e.g. ``(13, 13, 32)``).
    working : str
        The worked right answer, Markdown.
    mistakes : tuple of Mistake
        The named mistakes this question can recognise. Mistakes whose answer equals the
        right answer, or another mistake's, are dropped by the generators (ambiguous).
    tolerance : float
        Absolute tolerance per number (0 for whole numbers; 0.01 for values rounded to two
        decimals).
    answer_hint : str
        How to type the answer, e.g. ``"a whole number"``.
    grids : dict
        Optional small arrays for drawing the question (worksheets): name -> nested lists.
    """

    concept: str
    kind: str
    prompt: str
    answer: tuple[float, ...]
    working: str
    mistakes: tuple[Mistake, ...] = ()
    tolerance: float = 0.0
    answer_hint: str = "a whole number"
    grids: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.concept not in CONCEPTS:
            raise ValueError(f"`concept` must be one of {sorted(CONCEPTS)}, got {self.concept!r}")
        if not self.answer:
            raise ValueError("`answer` must hold at least one number, got ()")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists, not tuples); :meth:`from_dict` reads it back."""
        d = asdict(self)
        d["answer"] = list(self.answer)
        d["mistakes"] = [{"name": m.name, "answer": list(m.answer), "working": m.working}
                         for m in self.mistakes]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        """Read a dict written by :meth:`to_dict` (e.g. from a class store)."""
        if not isinstance(data, dict):
            raise TypeError(f"`data` must be a dict, got {type(data).__name__}")
        mistakes = tuple(Mistake(str(m["name"]), tuple(float(v) for v in m["answer"]),
                                 str(m["working"])) for m in data.get("mistakes", ()))
        return cls(concept=str(data["concept"]), kind=str(data["kind"]),
                   prompt=str(data["prompt"]), answer=tuple(float(v) for v in data["answer"]),
                   working=str(data["working"]), mistakes=mistakes,
                   tolerance=float(data.get("tolerance", 0.0)),
                   answer_hint=str(data.get("answer_hint", "a whole number")),
                   grids=dict(data.get("grids", {})))

    def answer_text(self) -> str:
        """The right answer as it is shown: ``5``, ``(13, 13, 32)`` or ``2.75``."""
        return format_answer(self.answer)


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` found.

    ``correct`` is True for the right answer; ``mistake`` names the matched mistake (None
    when right, unparsable or not one we can name); ``parsed`` is the answer as numbers
    (None when it could not be read); ``message`` is the one line to show; ``working`` the
    Markdown to show under it (the mistake's working, or the question's).
    """

    correct: bool
    mistake: str | None
    parsed: tuple[float, ...] | None
    message: str
    working: str


def format_answer(values: tuple[float, ...]) -> str:
    """``(5.0,)`` -> ``"5"``; ``(13, 13, 32)`` -> ``"(13, 13, 32)"``; 2.5 stays ``"2.5"``.

    Examples
    --------
    >>> format_answer((5.0,)), format_answer((13.0, 13.0, 32.0)), format_answer((2.75,))
    ('5', '(13, 13, 32)', '2.75')
    """
    parts = [str(int(v)) if float(v).is_integer() else f"{v:.4g}" for v in values]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def parse_answer(text: Any, n: int) -> tuple[float, ...]:
    """Read ``n`` numbers from what a learner typed: ``"5"``, ``"5x5"``, ``"(13, 13, 32)"``.

    A square answer may be given once: when ``n`` is 2 and one number is typed, it is used
    for both sides. Raises ``ValueError`` with a message that says what was typed and what
    would be valid.

    Examples
    --------
    >>> parse_answer("(13, 13, 32)", 3)
    (13.0, 13.0, 32.0)
    >>> parse_answer(" 5 x 5 ", 2)
    (5.0, 5.0)
    >>> parse_answer("-1.5", 1)
    (-1.5,)
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    raw = "" if text is None else str(text)
    shown = raw.strip()[:MAX_ANSWER_CHARS]
    what = "a number" if n == 1 else f"{n} numbers, like ({', '.join(['5'] * n)})"
    if not shown:
        raise ValueError(f"Type {what}.")
    if len(raw) > MAX_ANSWER_CHARS:
        raise ValueError(f"Type {what}; the answer is at most {MAX_ANSWER_CHARS} characters.")
    leftover = _NUMBER.sub(" ", shown)
    if re.search(r"[^\s,;x×*()\[\]]", leftover, re.IGNORECASE):
        raise ValueError(f"Type {what}; you typed {shown!r}.")
    values = [float(v) for v in _NUMBER.findall(shown)]
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"Type {what} (finite); you typed {shown!r}.")
    if n == 2 and len(values) == 1:
        values = values * 2
    if len(values) != n:
        raise ValueError(f"Type {what}; you typed {len(values)} number"
                         f"{'' if len(values) == 1 else 's'}: {shown!r}.")
    return tuple(values)


def _same(a: tuple[float, ...], b: tuple[float, ...], tol: float) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol + 1e-9 for x, y in zip(a, b, strict=True))


def check(question: Question, text: Any) -> Verdict:
    """Check a learner's answer to ``question``; never raises on what a learner types.

    Examples
    --------
    >>> q = Question("output-size", "output_size", "7 x 7 input, 3 x 3 kernel: output side?",
    ...              (5.0,), "(7 - 3) / 1 + 1 = 5",
    ...              (Mistake("forgot the + 1", (4.0,), "The first window counts too."),))
    >>> check(q, "5").correct
    True
    >>> v = check(q, "4")
    >>> v.correct, v.mistake
    (False, 'forgot the + 1')
    >>> check(q, "five").parsed is None
    True
    """
    if not isinstance(question, Question):
        raise TypeError(f"`question` must be a Question, got {type(question).__name__}")
    try:
        given = parse_answer(text, len(question.answer))
    except ValueError as exc:
        return Verdict(False, None, None, str(exc), "")
    right = question.answer_text()
    if _same(given, question.answer, question.tolerance):
        return Verdict(True, None, given, f"Right: {right}.", question.working)
    for m in question.mistakes:
        if _same(given, m.answer, question.tolerance):
            return Verdict(False, m.name, given,
                           f"Not quite: {format_answer(given)} is what you get if you "
                           f"{m.name}. The answer is {right}.",
                           m.working + "\n\n" + question.working)
    return Verdict(False, None, given,
                   f"Not quite: you said {format_answer(given)}, the answer is {right}.",
                   question.working)


def named_mistakes(right: tuple[float, ...],
                   candidates: list[tuple[str, tuple[float, ...] | None, str]],
                   tol: float = 0.0) -> tuple[Mistake, ...]:
    """Keep the candidate mistakes that a wrong answer can tell apart.

    ``candidates`` holds ``(name, answer or None, working)``; None (the mistaken rule does
    not apply, e.g. it gives no valid output) is dropped, as is an answer equal to the right
    one or to an earlier candidate's (the first name wins), so a match is never ambiguous.

    Examples
    --------
    >>> [m.name for m in named_mistakes((5.0,), [("a", (4.0,), ""), ("b", (5.0,), ""),
    ...                                           ("c", (4.0,), ""), ("d", None, "")])]
    ['a']
    """
    kept: list[Mistake] = []
    for name, ans, working in candidates:
        if ans is None:
            continue
        ans = tuple(float(v) for v in ans)
        if _same(ans, right, tol) or any(_same(ans, m.answer, tol) for m in kept):
            continue
        kept.append(Mistake(name, ans, working))
    return tuple(kept)
