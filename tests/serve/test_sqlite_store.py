"""What only the SQLite backend does: purging expired rows, keeping its connections, and a
file that cannot be used in the middle of a class (another process's lock held past the
busy timeout, a read-only database): one error type, and the class goes on after."""

from __future__ import annotations

import sqlite3

import pytest

from convviz.serve.class_store import StoreUnavailable
from convviz.serve.classroom import answer, join, send, start_class, state
from convviz.serve.sqlite_store import SQLiteStore
from serve.outage import every_action
from serve.test_classroom import question


def test_sqlite_purges_expired_rows_from_the_file(tmp_path, clock):
    store = SQLiteStore(tmp_path / "c.sqlite3", ttl=60, clock=clock)
    store.create("OLD", {"nickname": "ann", "answer": "5"})
    clock.t += 30
    store.create("NEW", {"nickname": "bob"})
    clock.t += 30  # OLD has expired, NEW has not
    store.get("OLD", ["nickname"])  # a read that finds it expired purges it
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT DISTINCT name FROM fields").fetchall() == [("NEW",)]
        assert con.execute("SELECT name FROM records").fetchall() == [("NEW",)]


def test_sqlite_purges_an_expired_record_when_any_record_is_read(tmp_path, clock):
    """A class nobody opens again is still deleted: the next poll of any class purges it."""
    store = SQLiteStore(tmp_path / "c.sqlite3", ttl=60, clock=clock)
    store.create("OLD", {"nickname": "ann"})
    clock.t += 30
    store.create("NEW", {"nickname": "bob"})
    clock.t += 30
    assert store.get("NEW", ["nickname"]).fields == {"nickname": "bob"}
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT DISTINCT name FROM fields").fetchall() == [("NEW",)]


def test_sqlite_purges_expired_records_when_opened(tmp_path, clock):
    SQLiteStore(tmp_path / "c.sqlite3", ttl=60, clock=clock).create("OLD", {"a": "1"})
    clock.t += 60
    SQLiteStore(tmp_path / "c.sqlite3", ttl=60, clock=clock)  # a server process starts
    with sqlite3.connect(tmp_path / "c.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM fields").fetchone() == (0,)


def test_sqlite_keeps_its_connections_so_the_wal_stays_between_calls(tmp_path):
    # A process whose last connection closes checkpoints and deletes the WAL; the next call
    # (in any process) would rebuild it under the file's locks.
    store = SQLiteStore(tmp_path / "c.sqlite3")
    store.create("R", {"a": "1"})
    store.get("R", ["a"])
    assert (tmp_path / "c.sqlite3-wal").exists()
    store.close()
    assert not (tmp_path / "c.sqlite3-wal").exists()
    assert store.get("R", ["a"]).fields == {"a": "1"}  # a closed store opens new connections



# --- a file that cannot be used right now -------------------------------------------------


@pytest.fixture
def klass(tmp_path):
    """A store with a small busy timeout, a class with a question, and one student."""
    store = SQLiteStore(tmp_path / "c.sqlite3", busy_timeout=0.05)
    teacher = start_class(store)
    ann = join(store, teacher.code, "Ann")
    send(store, teacher.code, teacher.secret, question())
    yield store, teacher, ann
    store.close()


def _other_process_locks(store: SQLiteStore) -> sqlite3.Connection:
    """Another process's connection that holds the file's exclusive lock until closed.

    SQLite grants that lock (readers wait too) only while no other connection has the file
    open, so the store's idle connections are closed first, as a server process that starts
    while another holds the file would have none.
    """
    store.close()
    con = sqlite3.connect(store.path, isolation_level=None)
    con.execute("PRAGMA locking_mode=EXCLUSIVE")  # kept after the transaction
    con.execute("BEGIN EXCLUSIVE")
    con.execute("COMMIT")
    return con


def test_a_lock_held_past_the_busy_timeout_fails_every_action_then_the_class_goes_on(klass):
    store, teacher, ann = klass
    other = _other_process_locks(store)
    for name, action in every_action(store, teacher, ann).items():
        with pytest.raises(StoreUnavailable) as info:
            action()
        assert str(info.value) == (f"The class store (SQLite file {store.path}; "
                                   "CONVVIZ_CLASS_STORE chooses it) is not reachable right "
                                   "now: database is locked"), name
        assert info.value.where == f"SQLite file {store.path}"
    other.close()
    assert state(store, teacher.code).number == 1
    assert answer(store, teacher.code, ann, "5").correct
    assert send(store, teacher.code, teacher.secret, question(9)) == 2


def test_a_writer_holding_the_file_lets_pages_read_but_no_write(klass):
    store, teacher, ann = klass
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # WAL: readers never wait for the writer
    assert state(store, teacher.code).number == 1
    with pytest.raises(StoreUnavailable, match="database is locked"):
        answer(store, teacher.code, ann, "5")
    other.execute("ROLLBACK")
    assert answer(store, teacher.code, ann, "5").correct


def test_a_read_only_database_fails_every_write_then_the_class_goes_on(klass, monkeypatch):
    store, teacher, ann = klass
    # A read-only disk, as SQLite sees it. (Root may write a file whose mode forbids it, so
    # the connection itself is opened read-only.)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: connect(
        f"file:{path}?mode=ro", uri=True, **kw))
    store.close()  # the next calls open new connections
    actions = every_action(store, teacher, ann)
    assert actions.pop("state")().number == 1  # reading still works
    assert actions.pop("results")().n_students == 1
    for name, action in actions.items():  # every write
        with pytest.raises(StoreUnavailable) as info:
            action()
        assert str(info.value).endswith("attempt to write a readonly database"), name
    monkeypatch.undo()
    store.close()
    assert answer(store, teacher.code, ann, "5").correct


def test_a_folder_that_cannot_be_made_is_an_outage(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreUnavailable, match="cannot create the folder"):
        SQLiteStore(tmp_path / "file" / "c.sqlite3")


def test_a_bug_is_not_hidden_as_an_outage(klass):
    store, teacher, _ = klass
    with sqlite3.connect(store.path) as con:
        con.execute("DROP TABLE fields")
    with pytest.raises(sqlite3.OperationalError, match="no such table") as info:
        state(store, teacher.code)
    assert not isinstance(info.value, StoreUnavailable)


@pytest.mark.parametrize("timeout, error", [(-1, ValueError), (float("nan"), ValueError),
                                            ("1s", TypeError), (True, TypeError)])
def test_the_busy_timeout_must_be_seconds(tmp_path, timeout, error):
    with pytest.raises(error, match="`busy_timeout` must be"):
        SQLiteStore(tmp_path / "c.sqlite3", busy_timeout=timeout)
