"""The class store: small records that every server process reads and writes.

A live class (:mod:`convviz.serve.classroom`) is shared by the teacher's session and every
student's, and behind ``deploy/`` those sessions live in different server processes (on one
machine or several). So a class never lives in module globals: it lives in a store that
every process opens on the same file or server. A store holds *records*: a record has a name
(a class code), a few named text fields, and an expiry time, after which the record and all
its fields are gone. Every change is one atomic step, so two processes never lose each
other's writes.

This module holds the interface (:class:`ClassStore`, :class:`Record`, the outage error
:class:`StoreUnavailable`) and :func:`open_store`. Two backends, one behaviour (the tests
run every behaviour against both), each in its own module and importable from here too:

- :class:`~convviz.serve.sqlite_store.SQLiteStore`: one SQLite file in WAL mode, for
  several processes on one machine;
- :class:`~convviz.serve.redis_store.RedisStore`: one Redis hash per record, for several
  machines. Its module (and redis-py) is imported only when Redis is chosen.

A store that cannot be reached in the middle of a class (Redis stopped or unreachable, the
SQLite file locked past the busy timeout, on a read-only or full disk) raises
:class:`StoreUnavailable`, a :class:`ConnectionError` that names the store (never its
password); it changed nothing, and the same call may succeed once the store is back. Every
other error is a bug or a bad argument.

:func:`open_store` picks the backend from ``CONVVIZ_CLASS_STORE``:

- unset or empty: SQLite in :func:`default_path` (``$XDG_CACHE_HOME/convviz/classes.sqlite3``,
  or ``~/.cache/convviz/classes.sqlite3``; the folder is created);
- a file path ending in ``.sqlite3``, ``.sqlite`` or ``.db``: SQLite in that file;
- ``redis://host:port/db`` (or ``rediss://`` for TLS): Redis.

Time is a parameter (``clock``, seconds as a float), and so is the lifetime of a record
(``ttl``), so tests move time forward instead of waiting. A record expires at
``clock() + ttl`` after :meth:`ClassStore.create`, by the store's clock; Redis also drops
it by its own clock after ``ttl`` seconds.

Field names are text not starting with ``~`` (reserved for the store's own bookkeeping);
values are text (callers store JSON).

Examples
--------
>>> import tempfile, pathlib
>>> folder = tempfile.mkdtemp()
>>> now = [1000.0]
>>> store = open_store(f"{folder}/classes.sqlite3", ttl=60, clock=lambda: now[0])
>>> store.create("ABCD", {"title": "conv"})
True
>>> store.create("ABCD", {"title": "again"})  # taken
False
>>> store.incr("ABCD", "joined"), store.incr("ABCD", "joined")
(1, 2)
>>> store.update("ABCD", {"step": "1"}, expect={"step": None})
True
>>> store.update("ABCD", {"step": "2"}, expect={"step": None})  # step is no longer absent
False
>>> store.get("ABCD", ["title", "step", "nothing"]).fields
{'title': 'conv', 'step': '1'}
>>> now[0] += 60  # a minute later the record is gone
>>> store.get("ABCD", ["title"]) is None
True
"""

from __future__ import annotations

import abc
import math
import numbers
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:  # the backends import this module; they are imported when chosen
    from convviz.serve.redis_store import RedisStore
    from convviz.serve.sqlite_store import SQLiteStore

__all__ = [
    "DEFAULT_TTL",
    "ENV_VAR",
    "ClassStore",
    "Record",
    "RedisStore",
    "SQLiteStore",
    "StoreUnavailable",
    "check_fields",
    "check_name",
    "default_path",
    "open_store",
    "redacted",
]

#: The environment variable that chooses the store.
ENV_VAR = "CONVVIZ_CLASS_STORE"
#: Seconds a record lives after it is created: a lesson, with room to spare.
DEFAULT_TTL = 4 * 3600.0
SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
VALID_FORMS = ("unset (SQLite in ~/.cache/convviz/classes.sqlite3), a file path ending in "
               ".sqlite3, .sqlite or .db, or redis://host:port/db")

_NAME = re.compile(r"[^~][^\x00]*\Z")


@dataclass(frozen=True)
class Record:
    """What a read returns: the fields asked for that exist, and when the record expires.

    ``expires_at`` is in the store's clock (seconds, like ``time.time()``).
    """

    fields: dict[str, str]
    expires_at: float


class StoreUnavailable(ConnectionError):
    """The class store cannot be reached right now; the call changed nothing.

    Redis stopped or unreachable, the SQLite file locked past the busy timeout, or on a
    read-only or full disk. Wait and call again: the store may be back. ``where`` is
    :meth:`ClassStore.describe` (no password), ``reason`` what the backend said.

    Examples
    --------
    >>> err = StoreUnavailable("SQLite file /x.sqlite3", "database is locked")
    >>> print(err)
    The class store (SQLite file /x.sqlite3; CONVVIZ_CLASS_STORE chooses it) is not reachable right now: database is locked
    >>> isinstance(err, ConnectionError), err.where
    (True, 'SQLite file /x.sqlite3')
    """  # noqa: E501 (a doctest's expected line is as long as the message)

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"The class store ({where}; {ENV_VAR} chooses it) is not reachable "
                         f"right now: {reason}")
        self.where = where
        self.reason = reason


def check_name(value: object, what: str) -> str:
    """``value`` if it is a record or field name (text not starting with ``~``, no NUL);
    else TypeError or ValueError naming ``what``. Every backend checks its arguments so.

    Examples
    --------
    >>> check_name("ABCD", "name")
    'ABCD'
    >>> check_name("~expires_at", "field")
    Traceback (most recent call last):
    ...
    ValueError: `field` must be non-empty text not starting with '~' and without NUL characters, got '~expires_at'
    """  # noqa: E501 (a doctest's expected line is as long as the message)
    if not isinstance(value, str):
        raise TypeError(f"`{what}` must be a str, got {type(value).__name__}")
    if not _NAME.match(value):
        raise ValueError(f"`{what}` must be non-empty text not starting with '~' and without "
                         f"NUL characters, got {value!r}")
    return value


def _check_value(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"the value of `{what}` must be a str, got {type(value).__name__}")
    return value


def check_fields(fields: Mapping[str, str | None], what: str,
                 allow_none: bool) -> dict[str, str | None]:
    """``fields`` as a dict once every name passes :func:`check_name` and every value is
    text (or None, where ``allow_none``: a field to delete or expect absent)."""
    if not isinstance(fields, Mapping):
        raise TypeError(f"`{what}` must be a mapping of field names to text, "
                        f"got {type(fields).__name__}")
    out: dict[str, str | None] = {}
    for name, value in fields.items():
        check_name(name, f"{what}` field `{name!r}")
        out[name] = None if (allow_none and value is None) else _check_value(value, name)
    return out


def _check_ttl(ttl: float) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, numbers.Real):
        raise TypeError(f"`ttl` must be a number of seconds, got {ttl!r}")
    if not (math.isfinite(ttl) and ttl > 0):
        raise ValueError(f"`ttl` must be a finite number of seconds > 0, got {ttl!r}")
    return float(ttl)


class ClassStore(abc.ABC):
    """Named records of text fields that expire; every operation is atomic.

    Parameters
    ----------
    ttl : float
        Seconds a record lives after :meth:`create` (default :data:`DEFAULT_TTL`, 4 hours).
    clock : callable
        Returns the time in seconds (default ``time.time``); tests pass their own.
    """

    def __init__(self, *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.time) -> None:
        if not callable(clock):
            raise TypeError(f"`clock` must be callable, got {type(clock).__name__}")
        self.ttl = _check_ttl(ttl)
        self.clock = clock

    def now(self) -> float:
        """The store's time: ``clock()`` as a float (seconds)."""
        return float(self.clock())

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the records are, in words (no password): ``SQLite file /x.sqlite3``."""

    # Every operation below raises StoreUnavailable when the store cannot be reached.

    @abc.abstractmethod
    def create(self, name: str, fields: Mapping[str, str]) -> bool:
        """Create record ``name`` with ``fields``, expiring ``ttl`` seconds from now.

        Returns False, changing nothing, when a live record of that name exists (an expired
        one is replaced).
        """

    @abc.abstractmethod
    def get(self, name: str, fields: Iterable[str]) -> Record | None:
        """The named ``fields`` of record ``name`` that exist; None when there is no record."""

    @abc.abstractmethod
    def scan(self, name: str, prefix: str) -> Record | None:
        """Every field of record ``name`` whose name starts with ``prefix`` ("" for all)."""

    @abc.abstractmethod
    def update(self, name: str, changes: Mapping[str, str | None], *,
               expect: Mapping[str, str | None] | None = None) -> bool | None:
        """Set (or, for a None value, delete) fields, if every field in ``expect`` has the
        value given there (None: the field is absent).

        Returns True when the changes were made, False when an expectation failed (nothing
        changed: read again and retry), None when there is no record ``name``.
        """

    @abc.abstractmethod
    def incr(self, name: str, field: str, by: int = 1) -> int | None:
        """Add ``by`` to the integer in ``field`` (absent counts as 0) and return the sum;
        None when there is no record ``name``."""

    @abc.abstractmethod
    def delete(self, name: str) -> bool:
        """Delete record ``name`` and all its fields; False when there was no live record."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store's connections; a later call opens new ones."""


def redacted(url: str) -> str:
    """``url`` without its password (what a store's description and messages show).

    Examples
    --------
    >>> redacted("redis://:hunter2@10.0.0.5:6379/0")
    'redis://:***@10.0.0.5:6379/0'
    >>> redacted("redis://10.0.0.5:6379/0")
    'redis://10.0.0.5:6379/0'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def __getattr__(name: str) -> object:
    """``SQLiteStore`` and ``RedisStore`` from here too, imported on first use (each
    backend's module imports this one; redis-py is imported only for Redis)."""
    if name == "SQLiteStore":
        from convviz.serve.sqlite_store import SQLiteStore

        return SQLiteStore
    if name == "RedisStore":
        from convviz.serve.redis_store import RedisStore

        return RedisStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_path() -> Path:
    """The SQLite file used when ``CONVVIZ_CLASS_STORE`` is unset: a per-user cache folder.

    ``$XDG_CACHE_HOME/convviz/classes.sqlite3``, or ``~/.cache/convviz/classes.sqlite3``.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "convviz" / "classes.sqlite3"


def open_store(spec: str | None = None, *, ttl: float = DEFAULT_TTL,
               clock: Callable[[], float] = time.time) -> ClassStore:
    """Open the class store that ``spec`` (or ``CONVVIZ_CLASS_STORE``) names.

    Parameters
    ----------
    spec : str or None
        None reads ``CONVVIZ_CLASS_STORE``. Empty or unset: SQLite in :func:`default_path`.
        A file path ending in ``.sqlite3``, ``.sqlite`` or ``.db``: SQLite in that file
        (``~`` is expanded). ``redis://host:port/db`` or ``rediss://...``: Redis.
    ttl : float
        Seconds a class lives (default 4 hours).
    clock : callable
        The time in seconds (default ``time.time``).

    Returns
    -------
    ClassStore

    Raises
    ------
    ValueError
        For anything else, naming ``CONVVIZ_CLASS_STORE`` and the valid forms.
    StoreUnavailable
        When the store cannot be reached (Redis does not answer, the SQLite file cannot be
        opened or written); a :class:`ConnectionError`.

    Examples
    --------
    >>> import tempfile
    >>> open_store(tempfile.mkdtemp() + "/c.sqlite3").describe().startswith("SQLite file")
    True
    >>> open_store("http://example.org")
    Traceback (most recent call last):
    ...
    ValueError: `CONVVIZ_CLASS_STORE` must be unset (SQLite in ~/.cache/convviz/classes.sqlite3), a file path ending in .sqlite3, .sqlite or .db, or redis://host:port/db, got 'http://example.org'
    """  # noqa: E501 (a doctest's expected line is as long as the message)
    if spec is None:
        spec = os.environ.get(ENV_VAR, "")
    if not isinstance(spec, str):
        raise TypeError(f"`spec` must be a str or None, got {type(spec).__name__}")
    text = spec.strip()
    if text.lower().startswith(("redis://", "rediss://")):
        from convviz.serve.redis_store import RedisStore

        return RedisStore(text, ttl=ttl, clock=clock)
    if text and ("://" in text or not text.lower().endswith(SQLITE_SUFFIXES)):
        raise ValueError(f"`{ENV_VAR}` must be {VALID_FORMS}, got {redacted(spec)!r}")
    from convviz.serve.sqlite_store import SQLiteStore

    return SQLiteStore(text or default_path(), ttl=ttl, clock=clock)
