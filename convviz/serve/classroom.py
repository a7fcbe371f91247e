"""A live class: a teacher sends a question, students answer, the teacher sees the answers.

Everything of a class is one record of a :class:`~convviz.serve.class_store.ClassStore`,
named by the class code, so every server process (and, with Redis, every machine) sees the
same class. A class's fields (JSON text):

- ``secret``: the SHA-256 of the teacher's secret (the secret itself is only in the
  teacher's session; :func:`hmac.compare_digest` checks it);
- ``current``: ``{"number", "question", "revealed"}``: the question as
  :meth:`convviz.teach.questions.Question.to_dict` writes it, and its number (1 for the
  first question sent);
- ``joined``: how many students joined (a counter);
- ``student:<id>``: ``{"nickname", "n"}``; the nickname is the only personal thing kept;
- ``rate:<id>``: the times of the student's last answers (the rate limit);
- ``answer:<number>:<id>``: the student's latest answer to question ``number``: the numbers
  read from it, whether it was right, and the named mistake.

Every change is one atomic store step (a counter, or a compare-and-set of the fields it
read), so two processes never lose each other's writes. Ending a class deletes its record;
the store deletes it when it expires (4 hours after it started, by default).

Examples
--------
>>> import tempfile
>>> from convviz.serve.class_store import open_store
>>> from convviz.teach.questions import Mistake, Question
>>> store = open_store(tempfile.mkdtemp() + "/classes.sqlite3")
>>> teacher = start_class(store)
>>> ann = join(store, teacher.code.lower(), " Ann ")  # codes are read in any case
>>> q = Question("output-size", "output_size", "7 x 7 input, 3 x 3 kernel: output side?",
...              (5.0,), "(7 - 3) / 1 + 1 = 5",
...              (Mistake("forgot the + 1", (4.0,), "The first window counts too."),))
>>> send(store, teacher.code, teacher.secret, q.to_dict())
1
>>> s = state(store, teacher.code)
>>> s.number, s.revealed, s.n_students, s.question["prompt"][:5]
(1, False, 1, '7 x 7')
>>> answer(store, teacher.code, ann, "4").mistake
'forgot the + 1'
>>> r = results(store, teacher.code, teacher.secret)
>>> r.n_answered, r.n_correct, r.histogram, r.mistakes
(1, 0, {'4': 1}, {'forgot the + 1': 1})
>>> reveal(store, teacher.code, teacher.secret)
1
>>> end(store, teacher.code, teacher.secret)
>>> state(store, teacher.code)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
convviz.serve.classroom.ClassNotFound: Class code ... was not found. ...
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from convviz.serve.class_store import ClassStore
from convviz.teach.questions import Question, Verdict, check, format_answer

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_NICKNAME",
    "MAX_STUDENTS",
    "RATE_LIMIT",
    "ClassHandle",
    "ClassNotFound",
    "ClassState",
    "Results",
    "answer",
    "end",
    "is_code",
    "join",
    "normalise_code",
    "results",
    "reveal",
    "send",
    "start_class",
    "state",
]

#: Capital letters and digits without the look-alikes 0/O and 1/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: Characters of a new class code (codes of 4 to 6 characters are read).
CODE_LENGTH = 5
MAX_NICKNAME = 24
MAX_STUDENTS = 200
#: At most this many answers per student in this many seconds.
RATE_LIMIT = (5, 10.0)

_CODE = re.compile(r"[A-Z0-9]{4,6}\Z")
_CREATE_TRIES = 20  # new codes tried before giving up (33 million codes: never in practice)


class ClassNotFound(ValueError):
    """No live class has this code: mistyped, ended, or expired."""


@dataclass(frozen=True)
class ClassHandle:
    """What the teacher's session keeps: the class code and the teacher's secret."""

    code: str
    secret: str


@dataclass(frozen=True)
class ClassState:
    """What every student's page polls.

    ``question`` is the current question's dict (None before the first send), ``number``
    counts the questions sent (0 before the first), ``revealed`` says whether the teacher
    has revealed the current one, ``expires_at`` is in the store's clock (seconds).
    """

    code: str
    question: dict[str, Any] | None
    number: int
    revealed: bool
    n_students: int
    expires_at: float


@dataclass(frozen=True)
class Results:
    """The answers to the current question, for the teacher.

    ``histogram`` maps each answer, written as :func:`~convviz.teach.questions.format_answer`
    writes it (so ``"5"``, ``" 5.0"`` and ``"5"`` are one bar), to how many students gave it
    as their latest answer, in numeric order; ``mistakes`` maps each named mistake to its
    count, most frequent first; ``answer_text`` is the right answer (None before the first
    question). Answers that could not be read as numbers are not stored (the student is
    told what to type), so they are in no count.
    """

    number: int
    n_students: int
    n_answered: int
    n_correct: int
    histogram: dict[str, int]
    mistakes: dict[str, int]
    answer_text: str | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _hours(store: ClassStore) -> str:
    hours = store.ttl / 3600
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def is_code(code: object) -> bool:
    """Whether ``code``, stripped and in any case, has the form of a class code (4 to 6
    letters and digits); no store is read.

    Examples
    --------
    >>> is_code(" ab3d "), is_code("AB"), is_code("[x](y)")
    (True, False, False)
    """
    return isinstance(code, str) and bool(_CODE.match(code.strip().upper()))


def normalise_code(store: ClassStore, code: object) -> str:
    """``code`` stripped and upper-cased; :class:`ClassNotFound` when it cannot be a code.

    Examples
    --------
    >>> import tempfile
    >>> from convviz.serve.class_store import open_store
    >>> normalise_code(open_store(tempfile.mkdtemp() + "/c.sqlite3"), "  ab3d ")
    'AB3D'
    """
    if not isinstance(code, str):
        raise TypeError(f"`code` must be a str, got {type(code).__name__}")
    norm = code.strip().upper()
    if not _CODE.match(norm):
        raise _not_found(store, code.strip())
    return norm


def _not_found(store: ClassStore, code: str) -> ClassNotFound:
    shown = code if len(code) <= 12 else code[:12] + "..."
    return ClassNotFound(
        f"Class code {shown!r} was not found. A class code is 4 to 6 letters and digits, "
        f"like ABCD; check it with your teacher. A class ends when the teacher ends it, "
        f"and expires {_hours(store)} after it starts.")


def _load(raw: str | None, default: Any) -> Any:
    return default if raw is None else json.loads(raw)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _check_secret(store: ClassStore, code: str, secret: object) -> dict[str, str]:
    """The class's fields ``secret`` and ``current``, once the secret is the teacher's."""
    if not isinstance(secret, str):
        raise PermissionError("Only the teacher who started this class can do this "
                              "(the teacher's secret is missing).")
    rec = store.get(code, ["secret", "current"])
    if rec is None:
        raise _not_found(store, code)
    if not hmac.compare_digest(_hash(secret), rec.fields.get("secret", "")):
        raise PermissionError(f"Only the teacher who started class {code} can do this "
                              f"(the teacher's secret does not match).")
    return rec.fields


def start_class(store: ClassStore) -> ClassHandle:
    """Start a class with a new code; the teacher's session keeps the returned secret.

    Returns
    -------
    ClassHandle
        ``code``: :data:`CODE_LENGTH` characters of :data:`CODE_ALPHABET`, unique among
        live classes; ``secret``: ``secrets.token_urlsafe(16)``, stored only as a hash.
    """
    if not isinstance(store, ClassStore):
        raise TypeError(f"`store` must be a ClassStore, got {type(store).__name__}")
    secret = secrets.token_urlsafe(16)
    fields = {"secret": _hash(secret), "joined": "0",
              "current": _dump({"number": 0, "question": None, "revealed": False})}
    for _ in range(_CREATE_TRIES):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if store.create(code, fields):
            return ClassHandle(code, secret)
    raise RuntimeError(f"Could not find a free class code in {_CREATE_TRIES} tries; "
                       f"try again.")


def _check_nickname(nickname: object) -> str:
    if not isinstance(nickname, str):
        raise TypeError(f"`nickname` must be a str, got {type(nickname).__name__}")
    name = nickname.strip()
    if not 1 <= len(name) <= MAX_NICKNAME:
        raise ValueError(f"A nickname is 1 to {MAX_NICKNAME} characters (spaces at the ends "
                         f"do not count); this one has {len(name)}.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ValueError("A nickname is one line of letters, digits, spaces and signs: "
                         "no control characters.")
    return name


def join(store: ClassStore, code: str, nickname: str) -> str:
    """Join class ``code`` as ``nickname``; returns the student's id (kept in the session).

    The nickname is stripped and must be 1 to :data:`MAX_NICKNAME` characters on one line;
    it is stored as given (text, never markup). Two students may share a nickname: each
    gets a distinct id. At most :data:`MAX_STUDENTS` students join a class.
    """
    code = normalise_code(store, code)
    name = _check_nickname(nickname)
    n = store.incr(code, "joined")
    if n is None:
        raise _not_found(store, code)
    if n > MAX_STUDENTS:
        raise ValueError(f"Class {code} is full: at most {MAX_STUDENTS} students can join.")
    student_id = secrets.token_urlsafe(9)  # not guessable: nobody answers for another
    if store.update(code, {f"student:{student_id}": _dump({"nickname": name, "n": n})}) is None:
        raise _not_found(store, code)
    return student_id


def _set_current(store: ClassStore, code: str, secret: str, change) -> int:
    """Compare-and-set ``current`` (after the secret check) until no other write came
    between; ``change`` maps the current dict to the new one."""
    while True:
        fields = _check_secret(store, code, secret)
        raw = fields["current"]
        new = change(json.loads(raw))
        done = store.update(code, {"current": _dump(new)}, expect={"current": raw})
        if done is None:
            raise _not_found(store, code)
        if done:
            return int(new["number"])


def send(store: ClassStore, code: str, secret: str, question: dict[str, Any]) -> int:
    """Send ``question`` (``Question.to_dict()``) to the class; returns its number."""
    code = normalise_code(store, code)
    if not isinstance(question, dict):
        raise TypeError(f"`question` must be a dict (Question.to_dict()), "
                        f"got {type(question).__name__}")
    try:
        data = Question.from_dict(question).to_dict()
        text = _dump(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"`question` must be a dict written by Question.to_dict(): "
                         f"{type(exc).__name__}: {exc}") from exc
    data = json.loads(text)
    return _set_current(store, code, secret,
                        lambda cur: {"number": int(cur["number"]) + 1, "question": data,
                                     "revealed": False})


def reveal(store: ClassStore, code: str, secret: str) -> int:
    """Reveal the current question's answer to everyone; returns its number."""
    code = normalise_code(store, code)

    def change(cur: dict[str, Any]) -> dict[str, Any]:
        if cur["question"] is None:
            raise ValueError(f"Class {code} has no question to reveal: send one first.")
        return {**cur, "revealed": True}

    return _set_current(store, code, secret, change)


def end(store: ClassStore, code: str, secret: str) -> None:
    """End the class: every bit of its data (nicknames, answers) is deleted."""
    code = normalise_code(store, code)
    _check_secret(store, code, secret)
    store.delete(code)


def state(store: ClassStore, code: str) -> ClassState:
    """The class as a student's page shows it; any student (or teacher) may poll this."""
    code = normalise_code(store, code)
    rec = store.get(code, ["current", "joined"])
    if rec is None:
        raise _not_found(store, code)
    cur = _load(rec.fields.get("current"), {"number": 0, "question": None, "revealed": False})
    return ClassState(code=code, question=cur["question"], number=int(cur["number"]),
                      revealed=bool(cur["revealed"]),
                      n_students=min(int(rec.fields.get("joined", "0")), MAX_STUDENTS),
                      expires_at=rec.expires_at)


def answer(store: ClassStore, code: str, student_id: str, text: Any, *,
           now: float | None = None) -> Verdict:
    """Check a student's answer to the current question and keep it as their latest.

    Raises ``ValueError`` with a message for the student when there is no question yet,
    the answer was revealed, or the student answered :data:`RATE_LIMIT` times too quickly
    (it says how long to wait). An answer that cannot be read as numbers is not kept (the
    Verdict says what to type) but counts towards the rate limit. ``now`` (seconds, the
    store's clock by default) is for tests.

    Returns
    -------
    Verdict
        What :func:`convviz.teach.questions.check` found; the page decides what to show
        before the reveal.
    """
    code = normalise_code(store, code)
    if not isinstance(student_id, str) or not student_id or student_id.startswith("~"):
        raise ValueError(f"`student_id` must be the id join() returned, got {student_id!r}")
    now = float(store.clock()) if now is None else float(now)
    limit, window = RATE_LIMIT
    student, rate = f"student:{student_id}", f"rate:{student_id}"
    while True:
        rec = store.get(code, ["current", student, rate])
        if rec is None:
            raise _not_found(store, code)
        if student not in rec.fields:
            raise ValueError(f"You are not in class {code} (or it was restarted): "
                             f"join again with your nickname.")
        cur = json.loads(rec.fields["current"])
        if cur["question"] is None:
            raise ValueError("There is no question yet: wait for your teacher to send one.")
        if cur["revealed"]:
            raise ValueError("The answer to this question has been revealed: wait for the "
                             "next question.")
        times = [t for t in _load(rec.fields.get(rate), []) if t > now - window]
        if len(times) >= limit:
            wait = max(1, math.ceil(min(times) + window - now))
            raise ValueError(f"Too many answers in a row: wait {wait} s, then try again.")
        verdict = check(Question.from_dict(cur["question"]), text)
        changes = {rate: _dump([*times, now])}
        if verdict.parsed is not None:
            changes[f"answer:{cur['number']}:{student_id}"] = _dump(
                {"parsed": list(verdict.parsed), "correct": verdict.correct,
                 "mistake": verdict.mistake})
        done = store.update(code, changes, expect={"current": rec.fields["current"],
                                                   rate: rec.fields.get(rate)})
        if done is None:
            raise _not_found(store, code)
        if done:
            return verdict


def results(store: ClassStore, code: str, secret: str) -> Results:
    """The answers to the current question (teacher only: needs the secret)."""
    code = normalise_code(store, code)
    fields = _check_secret(store, code, secret)
    cur = json.loads(fields["current"])
    number = int(cur["number"])
    rec = store.scan(code, f"answer:{number}:")
    joined = store.get(code, ["joined"])
    if rec is None or joined is None:
        raise _not_found(store, code)
    answers = [json.loads(v) for v in rec.fields.values()]
    counts: dict[str, int] = {}
    order: dict[str, tuple[float, ...]] = {}  # each bar's smallest answer, to sort by
    mistakes: dict[str, int] = {}
    for a in answers:
        values = tuple(a["parsed"])
        key = format_answer(values)
        counts[key] = counts.get(key, 0) + 1
        order[key] = min(order.get(key, values), values)
        if a["mistake"] is not None:
            mistakes[a["mistake"]] = mistakes.get(a["mistake"], 0) + 1
    histogram = {k: counts[k] for k in sorted(counts, key=lambda k: (order[k], k))}
    q = cur["question"]
    return Results(
        number=number,
        n_students=min(int(joined.fields.get("joined", "0")), MAX_STUDENTS),
        n_answered=len(answers),
        n_correct=sum(bool(a["correct"]) for a in answers),
        histogram=histogram,
        mistakes=dict(sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))),
        answer_text=None if q is None else Question.from_dict(q).answer_text())
