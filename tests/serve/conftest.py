"""Fixtures for the class store tests: every behaviour against both backends, real ones.

``store_factory`` is parametrized over SQLite (a file in the test's tmp_path) and Redis (one
Debian redis-server for the session, flushed before each test); it makes stores on the same
file or server with the ttl and clock a test gives, as several processes would open them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from convviz.serve.class_store import DEFAULT_TTL, ClassStore, open_store
from serve.redis_server import redis_server


class Clock:
    """A clock the test moves: ``clock()`` is the time, ``clock.t += 60`` moves it."""

    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "redis"])
def store_spec(request, tmp_path) -> str:
    """The spec of an empty store: a SQLite file, or a flushed Redis database."""
    if request.param == "sqlite":
        return str(tmp_path / "classes.sqlite3")
    url = request.getfixturevalue("redis_url")
    import redis

    with redis.Redis.from_url(url) as r:
        r.flushdb()
    return url


@pytest.fixture
def store_factory(store_spec, clock) -> Callable[..., ClassStore]:
    """``store_factory(ttl=..., clock=...)``: a store on the test's file or server."""
    opened: list[ClassStore] = []

    def make(*, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = clock) -> ClassStore:
        store = open_store(store_spec, ttl=ttl, clock=clock)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory) -> ClassStore:
    return store_factory()
