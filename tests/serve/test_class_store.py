"""The class store: every behaviour on SQLite and on a real Redis (conftest), plus choosing
the backend from CONVVIZ_CLASS_STORE. (What one backend does underneath, and its outages:
test_sqlite_store.py, test_redis_store.py.)"""

from __future__ import annotations

import multiprocessing
import socket
import sqlite3
import subprocess
import sys
import threading

import pytest

from convviz.serve.class_store import (
    DEFAULT_TTL,
    ENV_VAR,
    RedisStore,
    SQLiteStore,
    StoreUnavailable,
    default_path,
    open_store,
)
from convviz.serve.redis_store import RedisStore as RedisBackend
from convviz.serve.sqlite_store import SQLiteStore as SQLiteBackend

# --- choosing the backend -----------------------------------------------------------------


def test_unset_means_sqlite_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = open_store()
    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "cache" / "convviz" / "classes.sqlite3"
    assert store.path.is_file()  # the folder was created
    assert default_path() == store.path
    assert store.ttl == DEFAULT_TTL == 4 * 3600


def test_default_path_without_xdg_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".cache" / "convviz" / "classes.sqlite3"


def test_an_empty_variable_means_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, "  ")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert open_store().path == tmp_path / "convviz" / "classes.sqlite3"


@pytest.mark.parametrize("name", ["a/b/c.sqlite3", "x.sqlite", "x.db"])
def test_a_file_path_means_that_sqlite_file(monkeypatch, tmp_path, name):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / name))
    store = open_store()
    assert isinstance(store, SQLiteStore) and store.path == tmp_path / name
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_backends_are_importable_from_here_too():
    assert SQLiteStore is SQLiteBackend and RedisStore is RedisBackend


def test_a_redis_url_means_redis(monkeypatch, redis_url):
    monkeypatch.setenv(ENV_VAR, redis_url)
    store = open_store()
    assert isinstance(store, RedisStore)
    assert store.describe() == f"Redis at {redis_url}"


@pytest.mark.parametrize("spec", ["http://example.org", "redis:/localhost:6379",
                                  "/tmp/classes.txt", "classes", "sqlite:///x.sqlite3"])
def test_anything_else_is_refused_naming_the_variable_and_the_forms(monkeypatch, spec):
    monkeypatch.setenv(ENV_VAR, spec)
    with pytest.raises(ValueError) as info:
        open_store()
    message = str(info.value)
    assert message.startswith(f"`{ENV_VAR}` must be unset (SQLite in ")
    assert "a file path ending in .sqlite3, .sqlite or .db, or redis://host:port/db" in message
    assert repr(spec) in message


def test_the_message_hides_a_password(monkeypatch):
    with pytest.raises(ValueError) as info:
        open_store("http://user:hunter2@example.org/")
    assert "hunter2" not in str(info.value) and "user:***@example.org" in str(info.value)


def test_an_unreachable_redis_says_where_and_hides_the_password():
    with socket.socket() as s:  # a loopback port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable) as info:
        open_store(f"redis://:hunter2@127.0.0.1:{port}/0")
    message = str(info.value)
    assert message.startswith(f"The class store (Redis at redis://:***@127.0.0.1:{port}/0; "
                              f"{ENV_VAR} chooses it) is not reachable right now: ")
    assert "hunter2" not in message


def test_sqlite_users_never_import_redis():
    code = ("import sys, tempfile; from convviz.serve import classroom, class_store; "
            "classroom.start_class(class_store.open_store(tempfile.mkdtemp() + '/c.sqlite3'));"
            "print('redis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("ttl, error", [(0, ValueError), (-1, ValueError),
                                        (float("inf"), ValueError), ("4h", TypeError),
                                        (True, TypeError)])
def test_ttl_must_be_positive_seconds(tmp_path, ttl, error):
    with pytest.raises(error, match="`ttl` must be"):
        open_store(str(tmp_path / "c.sqlite3"), ttl=ttl)


def test_clock_must_be_callable(tmp_path):
    with pytest.raises(TypeError, match="`clock` must be callable, got float"):
        open_store(str(tmp_path / "c.sqlite3"), clock=1.0)


# --- records, on both backends -------------------------------------------------------------


def test_create_once_then_taken(store):
    assert store.create("AB12", {"a": "1", "b": "2"})
    assert not store.create("AB12", {"a": "changed"})
    assert store.get("AB12", ["a", "b"]).fields == {"a": "1", "b": "2"}


def test_get_returns_the_fields_asked_for_that_exist_in_that_order(store, clock):
    store.create("R", {"a": "1", "b": "2", "c": "3"})
    rec = store.get("R", ["c", "zz", "a"])
    assert rec.fields == {"c": "3", "a": "1"} and list(rec.fields) == ["c", "a"]
    assert rec.expires_at == clock.t + DEFAULT_TTL
    assert store.get("R", []).fields == {}
    assert store.get("missing", ["a"]) is None


def test_scan_returns_the_fields_with_a_prefix(store):
    store.create("R", {"answer:1:x": "a", "answer:1:y": "b", "answer:10:z": "c",
                       "answer:2:x": "d", "other": "e", "é:1": "f"})
    assert store.scan("R", "answer:1:").fields == {"answer:1:x": "a", "answer:1:y": "b"}
    assert store.scan("R", "é").fields == {"é:1": "f"}
    assert len(store.scan("R", "").fields) == 6  # and not the store's own bookkeeping
    assert store.scan("R", "nothing").fields == {}
    assert store.scan("missing", "") is None


def test_update_sets_and_deletes_fields_when_expectations_hold(store):
    store.create("R", {"a": "1"})
    assert store.update("R", {"b": "2"}) is True
    assert store.update("R", {"a": "9"}, expect={"a": "0"}) is False
    assert store.update("R", {"a": "9"}, expect={"b": None}) is False
    assert store.update("R", {"a": "9"}, expect={"c": "x"}) is False
    assert store.get("R", ["a", "b"]).fields == {"a": "1", "b": "2"}  # nothing changed
    assert store.update("R", {"a": None, "c": "3"}, expect={"a": "1", "d": None}) is True
    assert store.get("R", ["a", "b", "c"]).fields == {"b": "2", "c": "3"}
    assert store.update("R", {"e": ""}, expect={"c": "3", "b": "2"}) is True
    assert store.get("R", ["e"]).fields == {"e": ""}


def test_update_and_incr_of_a_missing_record_create_nothing(store):
    assert store.update("R", {"a": "1"}) is None
    assert store.incr("R", "n") is None
    assert store.get("R", ["a", "n"]) is None


def test_incr_counts_from_zero(store):
    store.create("R", {"m": "10"})
    assert [store.incr("R", "n") for _ in range(3)] == [1, 2, 3]
    assert store.incr("R", "m", 5) == 15
    assert store.incr("R", "m", -20) == -5


def test_delete_removes_the_record_and_its_fields(store):
    store.create("R", {"a": "1"})
    store.create("S", {"a": "2"})
    assert store.delete("R") is True
    assert store.delete("R") is False
    assert store.get("R", ["a"]) is None
    assert store.create("R", {"b": "1"})  # the name is free again, with nothing left over
    assert store.scan("R", "").fields == {"b": "1"}
    assert store.get("S", ["a"]).fields == {"a": "2"}


def test_records_expire_by_the_stores_clock(store_factory, clock):
    store = store_factory(ttl=600)
    store.create("R", {"a": "1"})
    clock.t += 599.5
    assert store.get("R", ["a"]).expires_at == clock.t + 0.5
    clock.t += 0.5
    assert store.get("R", ["a"]) is None
    assert store.scan("R", "") is None
    assert store.update("R", {"a": "2"}) is None
    assert store.incr("R", "n") is None
    assert store.delete("R") is False
    assert store.create("R", {"b": "1"})  # an expired name can be used again
    assert store.scan("R", "").fields == {"b": "1"}


def test_two_stores_on_one_file_or_server_see_each_other(store_factory):
    a, b = store_factory(), store_factory()
    a.create("R", {"x": "1"})
    assert b.update("R", {"x": "2"}, expect={"x": "1"})
    assert a.get("R", ["x"]).fields == {"x": "2"}
    assert not b.create("R", {})


def test_field_and_record_names_are_checked(store):
    with pytest.raises(ValueError, match="`name` must be non-empty text not starting with '~'"):
        store.create("~R", {})
    with pytest.raises(ValueError, match="not starting with '~'"):
        store.create("R", {"~expires_at": "0"})
    with pytest.raises(ValueError, match="must be non-empty text"):
        store.get("", ["a"])
    with pytest.raises(TypeError, match="`name` must be a str, got int"):
        store.get(1, ["a"])
    with pytest.raises(TypeError, match="the value of `a` must be a str, got int"):
        store.create("R", {"a": 1})
    with pytest.raises(TypeError, match="`by` must be an int"):
        store.incr("R", "a", 1.5)


def test_threads_lose_no_write(store):
    """Several threads (Streamlit's sessions) counting and appending at once."""
    store.create("R", {"log": ""})

    def work(i: int) -> None:
        for j in range(10):
            store.incr("R", "n")
            while True:  # append by compare-and-set, as the classroom does
                old = store.get("R", ["log"]).fields["log"]
                if store.update("R", {"log": old + f"{i}.{j};"}, expect={"log": old}):
                    break

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("R", ["n"]).fields == {"n": "60"}
    log = store.get("R", ["log"]).fields["log"].rstrip(";").split(";")
    assert sorted(log) == sorted(f"{i}.{j}" for i in range(6) for j in range(10))


def _count(spec: str, n: int) -> None:
    store = open_store(spec)
    for _ in range(n):
        store.incr("R", "n")


def test_processes_lose_no_write(store_spec):
    store = open_store(store_spec)  # the real clock, as in the other processes
    store.create("R", {})
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_count, args=(store_spec, 50)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert store.get("R", ["n"]).fields == {"n": "100"}
