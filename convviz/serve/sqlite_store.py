"""The class store in one SQLite file: every server process on this machine shares it.

One file in WAL mode (readers never wait for the writer), every write in a
``BEGIN IMMEDIATE`` transaction with a busy timeout, a connection per call, taken from the
store's idle ones (Streamlit runs sessions on several threads: a connection serves one call
at a time and never crosses a process). Expired records are purged by the next call (read
or write) of any process, and a read never returns one. The behaviour is
:class:`~convviz.serve.class_store.ClassStore`'s; :func:`~convviz.serve.class_store.open_store`
opens this backend for a file path or when ``CONVVIZ_CLASS_STORE`` is unset.

When the file cannot be used (locked by another process past the busy timeout, on a
read-only or full disk, its folder gone), a call raises
:class:`~convviz.serve.class_store.StoreUnavailable` and changes nothing.

Examples
--------
>>> import tempfile
>>> store = SQLiteStore(tempfile.mkdtemp() + "/classes.sqlite3", busy_timeout=0.5)
>>> store.create("ABCD", {"title": "conv"}), store.get("ABCD", ["title"]).fields
(True, {'title': 'conv'})
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from convviz.serve.class_store import (
    DEFAULT_TTL,
    ClassStore,
    Record,
    StoreUnavailable,
    check_fields,
    check_name,
)

__all__ = ["BUSY_TIMEOUT", "MAX_IDLE", "SQLiteStore"]

#: Seconds a SQLite call waits for another process's write before it gives up.
BUSY_TIMEOUT = 10.0
#: Idle SQLite connections a store keeps for the next calls (more threads open more).
MAX_IDLE = 8
# SQLite's primary result codes that mean the file cannot be used now, not a bug: busy or
# locked past the timeout, read-only, I/O error, disk full, cannot open, lock protocol.
_OUTAGES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY,
                      sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN,
                      sqlite3.SQLITE_PROTOCOL})


class SQLiteStore(ClassStore):
    """Records in one SQLite file (WAL), shared by every process on this machine.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created.
    ttl, clock
        See :class:`~convviz.serve.class_store.ClassStore`.
    busy_timeout : float
        Seconds a call waits for another connection's lock before it raises
        :class:`~convviz.serve.class_store.StoreUnavailable` (default
        :data:`BUSY_TIMEOUT`, 10 s).

    Raises
    ------
    StoreUnavailable
        When the file cannot be opened or written now (also from every operation).
    """

    def __init__(self, path: str | os.PathLike[str], *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.time,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        super().__init__(ttl=ttl, clock=clock)
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise TypeError(f"`busy_timeout` must be a number of seconds, got {busy_timeout!r}")
        if not (math.isfinite(busy_timeout) and busy_timeout >= 0):
            raise ValueError(f"`busy_timeout` must be a finite number of seconds >= 0, "
                             f"got {busy_timeout!r}")
        self.busy_timeout = float(busy_timeout)
        self.path = Path(path).expanduser().resolve()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a read-only disk, a file where the folder should be
            raise StoreUnavailable(self.describe(), f"cannot create the folder "
                                   f"{self.path.parent}: {exc.strerror or exc}") from exc
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
            try:
                con = self._connect()
            except sqlite3.Error as exc:
                self._raise_outage(exc)
                raise
        try:
            yield con
        except BaseException as exc:
            con.close()  # in an unknown state: never reused
            if isinstance(exc, sqlite3.Error):
                self._raise_outage(exc)
            raise
        with self._idle_lock:
            if len(self._idle) < MAX_IDLE and self._pid == os.getpid():
                self._idle.append(con)
                con = None
        if con is not None:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE to write).
        con = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                              check_same_thread=False)
        try:
            con.execute("PRAGMA synchronous=NORMAL")  # WAL: durable but for a power cut
        except BaseException:
            con.close()
            raise
        return con

    def _raise_outage(self, exc: sqlite3.Error) -> None:
        """Raise :class:`StoreUnavailable` if ``exc`` is an outage (a lock, the disk);
        anything else (a bug) is left to be raised as it is, never hidden as an outage."""
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _OUTAGES:
            raise StoreUnavailable(self.describe(), str(exc)) from exc

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
            if con.in_transaction:  # SQLite rolls back by itself after some errors
                with contextlib.suppress(sqlite3.Error):  # the connection is closed next
                    con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    @contextlib.contextmanager
    def _write(self) -> Iterator[tuple[sqlite3.Connection, float]]:
        """A write transaction that first purges every expired record."""
        with self._connection() as con, self._transaction(con):
            now = self.now()
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
            now = self.now()
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
        check_name(name, "name")
        fields = check_fields(fields, "fields", allow_none=False)
        with self._write() as (con, now):
            if self._expiry(con, name) is not None:
                return False
            con.execute("INSERT INTO records VALUES (?, ?)", (name, now + self.ttl))
            con.executemany("INSERT INTO fields VALUES (?, ?, ?)",
                            [(name, k, v) for k, v in fields.items()])
            return True

    def get(self, name: str, fields: Iterable[str]) -> Record | None:
        check_name(name, "name")
        wanted = [check_name(f, "fields") for f in fields]
        marks = ", ".join("?" * len(wanted)) or "NULL"
        rec = self._read(name, "SELECT field, value FROM fields WHERE name = ? "
                               f"AND field IN ({marks})", tuple(wanted))
        if rec is None:
            return None
        # In the order asked for, as the Redis backend returns them.
        return Record({f: rec.fields[f] for f in wanted if f in rec.fields}, rec.expires_at)

    def scan(self, name: str, prefix: str) -> Record | None:
        check_name(name, "name")
        if not isinstance(prefix, str):
            raise TypeError(f"`prefix` must be a str, got {type(prefix).__name__}")
        # substr compares code points, as the Redis backend's Lua compares bytes of UTF-8:
        # both mean "starts with".
        return self._read(name, "SELECT field, value FROM fields WHERE name = ? "
                                "AND substr(field, 1, ?) = ?", (len(prefix), prefix))

    def update(self, name: str, changes: Mapping[str, str | None], *,
               expect: Mapping[str, str | None] | None = None) -> bool | None:
        check_name(name, "name")
        changes = check_fields(changes, "changes", allow_none=True)
        expect = check_fields(expect or {}, "expect", allow_none=True)
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
        check_name(name, "name")
        check_name(field, "field")
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
        check_name(name, "name")
        with self._write() as (con, _):
            con.execute("DELETE FROM fields WHERE name = ?", (name,))
            return con.execute("DELETE FROM records WHERE name = ?", (name,)).rowcount > 0
