"""What only the Redis backend does: keys that Redis expires itself, and a Redis that stops in
the middle of a class (a real redis-server, stopped and started again on its port)."""

from __future__ import annotations

import pytest

from convviz.serve.class_store import ENV_VAR, StoreUnavailable, open_store
from convviz.serve.classroom import (
    answer,
    join,
    results,
    send,
    start_class,
    state,
)
from convviz.serve.redis_store import RedisStore
from serve.outage import every_action
from serve.redis_server import redis_process
from serve.test_classroom import question


def test_redis_expires_the_key_itself(redis_url, clock):
    import redis

    store = RedisStore(redis_url, ttl=90, clock=clock, prefix="test-expiry:")
    store.create("R", {"a": "1"})
    with redis.Redis.from_url(redis_url) as r:
        assert 89_000 < r.pttl("test-expiry:R") <= 90_000
        clock.t += 90
        assert store.get("R", ["a"]) is None
        assert r.exists("test-expiry:R") == 0  # found expired by the store's clock: deleted


@pytest.fixture
def server(tmp_path):
    """A Redis of this test alone that keeps its data when it stops, with a password."""
    with redis_process(tmp_path, persist=True, password="hunter2") as server:
        yield server


def test_a_stopped_redis_fails_every_action_with_one_error_then_the_class_goes_on(server):
    store = open_store(server.url)
    teacher = start_class(store)
    ann = join(store, teacher.code, "Ann")
    send(store, teacher.code, teacher.secret, question())
    server.stop()
    where = f"Redis at redis://:***@127.0.0.1:{server.port}/0"
    for name, action in every_action(store, teacher, ann).items():
        with pytest.raises(StoreUnavailable) as info:
            action()
        message = str(info.value)
        assert message.startswith(f"The class store ({where}; {ENV_VAR} chooses it) is not "
                                  "reachable right now: "), (name, message)
        assert "hunter2" not in message, name
        assert info.value.where == where
    server.start()  # the same port; the class was kept on disk
    assert state(store, teacher.code).number == 1
    assert answer(store, teacher.code, ann, "5").correct
    join(store, teacher.code, "Bob")
    assert results(store, teacher.code, teacher.secret).histogram == {"5": 1}
    assert send(store, teacher.code, teacher.secret, question(9)) == 2
    assert state(store, teacher.code).n_students == 2


def test_an_outage_is_a_connection_error_and_a_store_opened_during_it_works_after(server):
    server.stop()
    with pytest.raises(ConnectionError):  # StoreUnavailable is one
        open_store(server.url)
    server.start()
    assert open_store(server.url).create("R", {}) is True
