"""The class store: small records that every server process reads and writes.

A live class (:mod:`convviz.serve.classroom`) is shared by the teacher's session and every
student's, and behind ``deploy/`` those sessions live in different server processes (on one
machine or several). So a class never lives in module globals: it lives in a store that
every process opens on the same file or server. A store holds *records*: a record has a name
(a class code), a few named text fields, and an expiry time, after which the record and all
its fields are gone. Every change is one atomic step, so two processes never lose each
other's writes.

Two backends, one behaviour (the tests run every behaviour against both):

- :class:`SQLiteStore`: one SQLite file in WAL mode (readers never wait for the writer),
  every write in a ``BEGIN IMMEDIATE`` transaction with a busy timeout, a connection per
  call, taken from the store's idle ones (Streamlit runs sessions on several threads: a
  connection serves one call at a time and never crosses a process). Expired records are
  purged by the next call (read or write) of any process, and a read never returns one.
  For several processes on one machine.
- :class:`RedisStore`: one Redis hash per record, every operation one Lua script (Redis runs
  a script atomically), ``PEXPIRE`` so that Redis itself deletes a record when it expires.
  For several machines. redis-py is imported only when Redis is chosen.

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
import contextlib
import math
import numbers
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "DEFAULT_TTL",
    "ENV_VAR",
    "ClassStore",
    "Record",
    "RedisStore",
    "SQLiteStore",
    "default_path",
    "open_store",
]

#: The environment variable that chooses the store.
ENV_VAR = "CONVVIZ_CLASS_STORE"
#: Seconds a record lives after it is created: a lesson, with room to spare.
DEFAULT_TTL = 4 * 3600.0
#: Seconds a SQLite call waits for another process's write before it gives up.
BUSY_TIMEOUT = 10.0
#: Idle SQLite connections a store keeps for the next calls (more threads open more).
MAX_IDLE = 8
SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
VALID_FORMS = ("unset (SQLite in ~/.cache/convviz/classes.sqlite3), a file path ending in "
               ".sqlite3, .sqlite or .db, or redis://host:port/db")

_NAME = re.compile(r"[^~][^\x00]*\Z")
_EXPIRES = "~expires_at"  # the Redis hash's own field: the expiry by the store's clock


@dataclass(frozen=True)
class Record:
    """What a read returns: the fields asked for that exist, and when the record expires.

    ``expires_at`` is in the store's clock (seconds, like ``time.time()``).
    """

    fields: dict[str, str]
    expires_at: float


def _check_name(value: object, what: str) -> str:
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


def _check_fields(fields: Mapping[str, str | None], what: str,
                  allow_none: bool) -> dict[str, str | None]:
    if not isinstance(fields, Mapping):
        raise TypeError(f"`{what}` must be a mapping of field names to text, "
                        f"got {type(fields).__name__}")
    out: dict[str, str | None] = {}
    for name, value in fields.items():
        _check_name(name, f"{what}` field `{name!r}")
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

    def _now(self) -> float:
        return float(self.clock())

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the records are, in words (no password): ``SQLite file /x.sqlite3``."""

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


class SQLiteStore(ClassStore):
    """Records in one SQLite file (WAL), shared by every process on this machine.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created.
    ttl, clock
        See :class:`ClassStore`.
    """

    def __init__(self, path: str | os.PathLike[str], *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(ttl=ttl, clock=clock)
        self.path = Path(path).expanduser().resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        self._pid = os.getpid()
        with self._connection() as con:
            con.execute("PRAGMA journal_mode=WAL")  # stays set in the file
            with self._transaction(con):
                con.execute("CREATE TABLE IF NOT EXISTS records ("
                            "name TEXT PRIMARY KEY, expires_at REAL NOT NULL)")
                con.execute("CREATE INDEX IF NOT EXISTS records_expiry "
                            "ON records (expires_at)")
                con.execute("CREATE TABLE IF NOT EXISTS fields (name TEXT NOT NULL, "
                            "field TEXT NOT NULL, value TEXT NOT NULL, "
                            "PRIMARY KEY (name, field)) WITHOUT ROWID")
        with self._write():  # what expired while no process had the file open
            pass

    def describe(self) -> str:
        return f"SQLite file {self.path}"

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for this call alone: an idle one of this process, or a new one.

        Connections are kept between calls (each used by one thread at a time): a process
        whose last connection closes checkpoints the WAL and deletes it, and the next call
        would rebuild it while holding the file's locks (two processes then wait on each
        other by tens of milliseconds).
        """
        with self._idle_lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                self._idle, self._pid = [], os.getpid()
            con = self._idle.pop() if self._idle else None
        if con is None:
            # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE to write).
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                  check_same_thread=False)
            con.execute("PRAGMA synchronous=NORMAL")  # WAL: durable but for a power cut
        try:
            yield con
        except BaseException:
            con.close()  # in an unknown state: never reused
            raise
        with self._idle_lock:
            if len(self._idle) < MAX_IDLE and self._pid == os.getpid():
                self._idle.append(con)
                con = None
        if con is not None:
            con.close()

    def close(self) -> None:
        """Close the idle connections (a later call opens new ones)."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()

    @staticmethod
    @contextlib.contextmanager
    def _transaction(con: sqlite3.Connection, write: bool = True) -> Iterator[None]:
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    @contextlib.contextmanager
    def _write(self) -> Iterator[tuple[sqlite3.Connection, float]]:
        """A write transaction that first purges every expired record."""
        with self._connection() as con, self._transaction(con):
            now = self._now()
            con.execute("DELETE FROM fields WHERE name IN "
                        "(SELECT name FROM records WHERE expires_at <= ?)", (now,))
            con.execute("DELETE FROM records WHERE expires_at <= ?", (now,))
            yield con, now

    @staticmethod
    def _expiry(con: sqlite3.Connection, name: str) -> float | None:
        row = con.execute("SELECT expires_at FROM records WHERE name = ?", (name,)).fetchone()
        return None if row is None else float(row[0])

    def _read(self, name: str, query: str, args: tuple) -> Record | None:
        """Read in a read transaction (readers never wait in WAL mode); if any record has
        expired, this one or another, purge it (a write) before returning."""
        rec = None
        with self._connection() as con, self._transaction(con, write=False):
            now = self._now()
            expires_at = self._expiry(con, name)
            if expires_at is not None and expires_at > now:
                rows = con.execute(query, (name, *args)).fetchall()
                rec = Record(dict(rows), expires_at)
            stale = con.execute("SELECT 1 FROM records WHERE expires_at <= ? LIMIT 1",
                                (now,)).fetchone()
        if stale:
            with self._write():  # the first write after an expiry deletes the record
                pass
        return rec

    def create(self, name: str, fields: Mapping[str, str]) -> bool:
        _check_name(name, "name")
        fields = _check_fields(fields, "fields", allow_none=False)
        with self._write() as (con, now):
            if self._expiry(con, name) is not None:
                return False
            con.execute("INSERT INTO records VALUES (?, ?)", (name, now + self.ttl))
            con.executemany("INSERT INTO fields VALUES (?, ?, ?)",
                            [(name, k, v) for k, v in fields.items()])
            return True

    def get(self, name: str, fields: Iterable[str]) -> Record | None:
        _check_name(name, "name")
        wanted = [_check_name(f, "fields") for f in fields]
        marks = ", ".join("?" * len(wanted)) or "NULL"
        rec = self._read(name, "SELECT field, value FROM fields WHERE name = ? "
                               f"AND field IN ({marks})", tuple(wanted))
        if rec is None:
            return None
        # In the order asked for, as the Redis backend returns them.
        return Record({f: rec.fields[f] for f in wanted if f in rec.fields}, rec.expires_at)

    def scan(self, name: str, prefix: str) -> Record | None:
        _check_name(name, "name")
        if not isinstance(prefix, str):
            raise TypeError(f"`prefix` must be a str, got {type(prefix).__name__}")
        # substr compares code points, as the Redis backend's Lua compares bytes of UTF-8:
        # both mean "starts with".
        return self._read(name, "SELECT field, value FROM fields WHERE name = ? "
                                "AND substr(field, 1, ?) = ?", (len(prefix), prefix))

    def update(self, name: str, changes: Mapping[str, str | None], *,
               expect: Mapping[str, str | None] | None = None) -> bool | None:
        _check_name(name, "name")
        changes = _check_fields(changes, "changes", allow_none=True)
        expect = _check_fields(expect or {}, "expect", allow_none=True)
        with self._write() as (con, _):
            if self._expiry(con, name) is None:
                return None
            for field, value in expect.items():
                row = con.execute("SELECT value FROM fields WHERE name = ? AND field = ?",
                                  (name, field)).fetchone()
                if (row[0] if row else None) != value:
                    return False
            for field, value in changes.items():
                if value is None:
                    con.execute("DELETE FROM fields WHERE name = ? AND field = ?",
                                (name, field))
                else:
                    con.execute("INSERT OR REPLACE INTO fields VALUES (?, ?, ?)",
                                (name, field, value))
            return True

    def incr(self, name: str, field: str, by: int = 1) -> int | None:
        _check_name(name, "name")
        _check_name(field, "field")
        if isinstance(by, bool) or not isinstance(by, int):
            raise TypeError(f"`by` must be an int, got {by!r}")
        with self._write() as (con, _):
            if self._expiry(con, name) is None:
                return None
            row = con.execute("SELECT value FROM fields WHERE name = ? AND field = ?",
                              (name, field)).fetchone()
            total = (int(row[0]) if row else 0) + by
            con.execute("INSERT OR REPLACE INTO fields VALUES (?, ?, ?)",
                        (name, field, str(total)))
            return total

    def delete(self, name: str) -> bool:
        _check_name(name, "name")
        with self._write() as (con, _):
            con.execute("DELETE FROM fields WHERE name = ?", (name,))
            return con.execute("DELETE FROM records WHERE name = ?", (name,)).rowcount > 0


# Every Redis operation is one script: Redis runs a script alone, so a check and the
# writes it guards are one step. `live` drops a record that has expired by the store's
# clock (ARGV[1]); Redis's own PEXPIRE drops it by the real clock.
_LIVE = """
local function live(key, now)
  local exp = redis.call('HGET', key, '~expires_at')
  if not exp then redis.call('DEL', key) return false end
  if tonumber(exp) <= tonumber(now) then redis.call('DEL', key) return false end
  return true
end
"""
_CREATE = _LIVE + """
if redis.call('EXISTS', KEYS[1]) == 1 and live(KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], '~expires_at', ARGV[2], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
_GET = _LIVE + """
if not live(KEYS[1], ARGV[1]) then return false end
local out = {redis.call('HGET', KEYS[1], '~expires_at')}
for i = 2, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v then out[#out + 1] = ARGV[i]; out[#out + 1] = v end
end
return out
"""
_SCAN = _LIVE + """
if not live(KEYS[1], ARGV[1]) then return false end
local out = {redis.call('HGET', KEYS[1], '~expires_at')}
local all = redis.call('HGETALL', KEYS[1])
local n = string.len(ARGV[2])
for i = 1, #all, 2 do
  local f = all[i]
  if f ~= '~expires_at' and string.sub(f, 1, n) == ARGV[2] then
    out[#out + 1] = f; out[#out + 1] = all[i + 1]
  end
end
return out
"""
# ARGV: now, number of expectations, then (field, '1' or '0' for present, value) triples:
# the expectations, then the changes ('0': delete the field).
_UPDATE = _LIVE + """
if not live(KEYS[1], ARGV[1]) then return -1 end
local i = 3
for _ = 1, tonumber(ARGV[2]) do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if ARGV[i + 1] == '1' then
    if cur ~= ARGV[i + 2] then return 0 end
  elseif cur then return 0 end
  i = i + 3
end
while i <= #ARGV do
  if ARGV[i + 1] == '1' then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  else redis.call('HDEL', KEYS[1], ARGV[i]) end
  i = i + 3
end
return 1
"""
_INCR = _LIVE + """
if not live(KEYS[1], ARGV[1]) then return false end
return redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
"""
_DELETE = _LIVE + """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local was = live(KEYS[1], ARGV[1])
redis.call('DEL', KEYS[1])
if was then return 1 end
return 0
"""


def _redacted(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class RedisStore(ClassStore):
    """Records as Redis hashes (``convviz:class:<name>``), shared by every machine.

    Parameters
    ----------
    url : str
        ``redis://host:port/db`` (``rediss://`` for TLS), as redis-py reads it.
    ttl, clock
        See :class:`ClassStore`.
    prefix : str
        Put before every record's name to make its key.
    """

    def __init__(self, url: str, *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.time,
                 prefix: str = "convviz:class:") -> None:
        super().__init__(ttl=ttl, clock=clock)
        import redis  # only when Redis is chosen: SQLite users need not install it

        self.url = url
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, decode_responses=True,
                                           socket_timeout=BUSY_TIMEOUT,
                                           socket_connect_timeout=BUSY_TIMEOUT)
        try:
            self._redis.ping()
        except redis.RedisError as exc:
            raise ConnectionError(f"Could not reach Redis at {_redacted(url)} (from {ENV_VAR}):"
                                  f" {exc}") from exc
        scripts = {"create": _CREATE, "get": _GET, "scan": _SCAN, "update": _UPDATE,
                   "incr": _INCR, "delete": _DELETE}
        self._scripts = {k: self._redis.register_script(v) for k, v in scripts.items()}

    def describe(self) -> str:
        return f"Redis at {_redacted(self.url)}"

    def _run(self, script: str, name: str, *args: object) -> object:
        return self._scripts[script](keys=[self.prefix + name], args=[repr(self._now()), *args])

    @staticmethod
    def _record(reply: object) -> Record | None:
        if not reply:
            return None
        items = list(reply)  # [expires_at, field, value, field, value, ...]
        return Record(dict(zip(items[1::2], items[2::2], strict=True)), float(items[0]))

    def create(self, name: str, fields: Mapping[str, str]) -> bool:
        _check_name(name, "name")
        fields = _check_fields(fields, "fields", allow_none=False)
        flat = [x for kv in fields.items() for x in kv]
        expires_at = self._now() + self.ttl
        return bool(self._run("create", name, repr(expires_at),
                              max(1, math.ceil(self.ttl * 1000)), *flat))

    def get(self, name: str, fields: Iterable[str]) -> Record | None:
        _check_name(name, "name")
        wanted = [_check_name(f, "fields") for f in fields]
        return self._record(self._run("get", name, *wanted))

    def scan(self, name: str, prefix: str) -> Record | None:
        _check_name(name, "name")
        if not isinstance(prefix, str):
            raise TypeError(f"`prefix` must be a str, got {type(prefix).__name__}")
        return self._record(self._run("scan", name, prefix))

    def update(self, name: str, changes: Mapping[str, str | None], *,
               expect: Mapping[str, str | None] | None = None) -> bool | None:
        _check_name(name, "name")
        changes = _check_fields(changes, "changes", allow_none=True)
        expect = _check_fields(expect or {}, "expect", allow_none=True)
        args: list[object] = [len(expect)]
        for field, value in [*expect.items(), *changes.items()]:
            args += [field, "0", ""] if value is None else [field, "1", value]
        done = int(self._run("update", name, *args))
        return None if done < 0 else bool(done)

    def incr(self, name: str, field: str, by: int = 1) -> int | None:
        _check_name(name, "name")
        _check_name(field, "field")
        if isinstance(by, bool) or not isinstance(by, int):
            raise TypeError(f"`by` must be an int, got {by!r}")
        reply = self._run("incr", name, field, by)
        return None if reply is None else int(reply)

    def delete(self, name: str) -> bool:
        _check_name(name, "name")
        return bool(self._run("delete", name))

    def close(self) -> None:
        self._redis.close()


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
    ConnectionError
        When Redis is chosen and does not answer.

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
    if not text:
        return SQLiteStore(default_path(), ttl=ttl, clock=clock)
    if text.lower().startswith(("redis://", "rediss://")):
        return RedisStore(text, ttl=ttl, clock=clock)
    if "://" not in text and text.lower().endswith(SQLITE_SUFFIXES):
        return SQLiteStore(text, ttl=ttl, clock=clock)
    raise ValueError(f"`{ENV_VAR}` must be {VALID_FORMS}, got {_redacted(spec)!r}")
