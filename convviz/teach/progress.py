"""A learner's progress: per concept of the guided path, how many answers were right of how
many tried, and a short code that carries it in a link.

The code is readable and URL-safe (letters, digits, ``-``, ``.`` and ``_`` only): one part
per concept that was tried, in the guided path's order, ``concept.right.tried``, joined by
``_``; for example ``convolution.1.2_pooling.1.1`` reads "convolution: 1 right of 2 tried;
pooling: 1 of 1". :func:`decode` reads a code from a link, which is input like any other: it
refuses anything else with a ``ValueError`` that says what was wrong.

Examples
--------
>>> p = record(record(Progress(), "output-size", True), "output-size", False)
>>> encode(p)
'output-size.1.2'
>>> decode("output-size.1.2") == p
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from convviz.teach.questions import CONCEPTS

MAX_COUNT = 9999  # answers per concept that a code can carry
MAX_CODE_CHARS = 400  # every concept at MAX_COUNT fits (under 300)
SEPARATOR = "_"
_PART = re.compile(r"([a-z]+(?:-[a-z]+)*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", re.ASCII)


def _checked(counts: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The counts in the guided path's order, or a ValueError naming what is wrong."""
    for concept, (right, tried) in counts.items():
        if concept not in CONCEPTS:
            raise ValueError(f"`progress` names an unknown concept {concept!r}; known: "
                             f"{', '.join(CONCEPTS)}")
        for n in (right, tried):
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_COUNT:
                raise ValueError(f"`progress` counts must be whole numbers from 0 to at most "
                                 f"{MAX_COUNT}, got {n!r} for {concept!r}")
        if tried < 1:
            raise ValueError(f"`progress` says 0 tried for {concept!r}: leave it out")
        if right > tried:
            raise ValueError(f"`progress` says {right} right of {tried} tried for {concept!r}")
    return {c: (int(counts[c][0]), int(counts[c][1])) for c in CONCEPTS if c in counts}


@dataclass(frozen=True)
class Progress:
    """Right and tried answers per concept (a key of ``CONCEPTS``); untried concepts are
    left out. Immutable: :func:`record` and :func:`merge` return a new one.

    Parameters
    ----------
    counts : mapping of str to (int, int)
        ``concept -> (right, tried)``, with ``0 <= right <= tried``, ``1 <= tried <=
        MAX_COUNT``.

    Examples
    --------
    >>> p = Progress({"pooling": (1, 2)})
    >>> p.right("pooling"), p.tried("pooling"), p.tried("shapes"), p.total()
    (1, 2, 0, (1, 2))
    """

    counts: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.counts, Mapping):
            raise TypeError(f"`counts` must be a mapping, got {type(self.counts).__name__}")
        object.__setattr__(self, "counts", _checked(self.counts))

    def right(self, concept: str) -> int:
        """How many answers about ``concept`` were right."""
        return self.counts.get(concept, (0, 0))[0]

    def tried(self, concept: str) -> int:
        """How many questions about ``concept`` were answered."""
        return self.counts.get(concept, (0, 0))[1]

    def total(self) -> tuple[int, int]:
        """(right, tried) over every concept."""
        return (sum(r for r, _ in self.counts.values()),
                sum(t for _, t in self.counts.values()))


def record(progress: Progress, concept: str, correct: bool) -> Progress:
    """``progress`` with one more answer about ``concept`` (right when ``correct``).

    Counts stop at ``MAX_COUNT`` tried (further answers are not counted).

    Examples
    --------
    >>> record(Progress(), "pooling", True).counts
    {'pooling': (1, 1)}
    """
    if not isinstance(progress, Progress):
        raise TypeError(f"`progress` must be a Progress, got {type(progress).__name__}")
    if concept not in CONCEPTS:
        raise ValueError(f"`concept` must be one of {list(CONCEPTS)}, got {concept!r}")
    if not isinstance(correct, bool):
        raise TypeError(f"`correct` must be a bool, got {type(correct).__name__}")
    right, tried = progress.counts.get(concept, (0, 0))
    if tried >= MAX_COUNT:
        return progress
    return Progress({**progress.counts, concept: (right + correct, tried + 1)})


def merge(a: Progress, b: Progress) -> Progress:
    """The larger right and the larger tried count of each concept, so that loading the
    same link twice (or an older link) never counts an answer twice.

    Examples
    --------
    >>> merge(Progress({"pooling": (1, 3)}), Progress({"pooling": (2, 2)})).counts
    {'pooling': (2, 3)}
    """
    for name, p in (("a", a), ("b", b)):
        if not isinstance(p, Progress):
            raise TypeError(f"`{name}` must be a Progress, got {type(p).__name__}")
    return Progress({c: (max(a.right(c), b.right(c)), max(a.tried(c), b.tried(c)))
                     for c in CONCEPTS if c in a.counts or c in b.counts})


def encode(progress: Progress) -> str:
    """The link code: ``concept.right.tried`` per tried concept, joined by ``_``.

    Examples
    --------
    >>> encode(Progress({"pooling": (1, 1), "convolution": (1, 2)}))
    'convolution.1.2_pooling.1.1'
    """
    if not isinstance(progress, Progress):
        raise TypeError(f"`progress` must be a Progress, got {type(progress).__name__}")
    return SEPARATOR.join(f"{c}.{r}.{t}" for c, (r, t) in progress.counts.items())


def decode(text: str) -> Progress:
    """Read a link code written by :func:`encode`; ``""`` is no progress.

    Raises ``ValueError`` saying what was wrong (too long, a part that is not
    ``concept.right.tried``, an unknown concept, a concept twice, more right than tried,
    a count above ``MAX_COUNT``), and ``TypeError`` for a non-string.

    Examples
    --------
    >>> decode("pooling.2.3").counts
    {'pooling': (2, 3)}
    >>> decode("pooling.4.3")
    Traceback (most recent call last):
    ...
    ValueError: `progress` says 4 right of 3 tried for 'pooling'
    """
    if not isinstance(text, str):
        raise TypeError(f"`progress` must be a str, got {type(text).__name__}")
    if len(text) > MAX_CODE_CHARS:
        raise ValueError(f"`progress` must be at most {MAX_CODE_CHARS} characters, "
                         f"got {len(text)}")
    if not text:
        return Progress()
    counts: dict[str, tuple[int, int]] = {}
    for part in text.split(SEPARATOR):
        if not part:
            raise ValueError(f"`progress` has an empty part: parts are joined by one "
                             f"{SEPARATOR!r}")
        m = _PART.fullmatch(part)
        if m is None or len(m.group(2)) > 5 or len(m.group(3)) > 5:
            raise ValueError(f"`progress` part {part[:40]!r} is not concept.right.tried, "
                             f"like 'pooling.2.3' (counts at most {MAX_COUNT})")
        concept, right, tried = m.group(1), int(m.group(2)), int(m.group(3))
        if concept in counts:
            raise ValueError(f"`progress` names {concept!r} twice")
        if max(right, tried) > MAX_COUNT:
            raise ValueError(f"`progress` counts must be at most {MAX_COUNT}, "
                             f"got {max(right, tried)}")
        counts[concept] = (right, tried)
    return Progress(counts)
