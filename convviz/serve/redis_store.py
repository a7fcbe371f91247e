"""The class store in Redis: every server process on every machine shares it.

One Redis hash per record (``convviz:class:<name>``), every operation one Lua script (Redis
runs a script atomically, so a check and the writes it guards are one step), ``PEXPIRE`` so
that Redis itself deletes a record when it expires. The behaviour is
:class:`~convviz.serve.class_store.ClassStore`'s; :func:`~convviz.serve.class_store.open_store`
opens this backend for ``CONVVIZ_CLASS_STORE=redis://host:port/db`` (or ``rediss://``).
This module imports redis-py, so it is imported only when Redis is chosen.

When Redis cannot be reached (stopped, unreachable, loading its data, out of memory,
a read-only replica), a call raises :class:`~convviz.serve.class_store.StoreUnavailable`
and changes nothing; the next call connects again, so a class goes on once Redis is back.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from convviz.serve.class_store import (
    DEFAULT_TTL,
    ClassStore,
    Record,
    StoreUnavailable,
    check_fields,
    check_name,
    redacted,
)

__all__ = ["CONNECT_TIMEOUT", "TIMEOUT", "RedisStore"]

#: Seconds a call waits for Redis's reply before it gives up.
TIMEOUT = 10.0
#: Seconds to connect: Redis on a classroom's network answers in milliseconds, and a
#: student's page polls every second, so an unreachable Redis is said quickly.
CONNECT_TIMEOUT = 3.0
# Replies of a Redis that works but cannot serve now (not a bug of ours).
_OUTAGE_REPLIES = ("OOM", "MISCONF", "MASTERDOWN", "NOREPLICAS", "BUSY ", "LOADING")


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


class RedisStore(ClassStore):
    """Records as Redis hashes (``convviz:class:<name>``), shared by every machine.

    Parameters
    ----------
    url : str
        ``redis://host:port/db`` (``rediss://`` for TLS), as redis-py reads it.
    ttl, clock
        See :class:`~convviz.serve.class_store.ClassStore`.
    prefix : str
        Put before every record's name to make its key.

    Raises
    ------
    StoreUnavailable
        When Redis does not answer (also from every operation).
    """

    def __init__(self, url: str, *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.time,
                 prefix: str = "convviz:class:") -> None:
        super().__init__(ttl=ttl, clock=clock)
        self.url = url
        self.prefix = prefix
        # One retry at once (a connection that Redis closed is opened again), no backoff:
        # redis-py's default waits seconds between three retries, and a page must not.
        self._redis = redis.Redis.from_url(url, decode_responses=True,
                                           socket_timeout=TIMEOUT,
                                           socket_connect_timeout=CONNECT_TIMEOUT,
                                           retry=Retry(NoBackoff(), 1))
        with self._outage():
            self._redis.ping()
        scripts = {"create": _CREATE, "get": _GET, "scan": _SCAN, "update": _UPDATE,
                   "incr": _INCR, "delete": _DELETE}
        self._scripts = {k: self._redis.register_script(v) for k, v in scripts.items()}

    def describe(self) -> str:
        return f"Redis at {redacted(self.url)}"

    @contextlib.contextmanager
    def _outage(self) -> Iterator[None]:
        """Turn redis-py's errors for a Redis that cannot serve into StoreUnavailable."""
        try:
            yield
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError) as exc:
            if isinstance(exc, redis.ResponseError) and not (
                    isinstance(exc, redis.exceptions.ReadOnlyError)
                    or str(exc).startswith(_OUTAGE_REPLIES)):
                raise  # a script's error: a bug, never hidden as an outage
            reason = str(exc)
            password = urlsplit(self.url).password
            if password:
                reason = reason.replace(password, "***")
            raise StoreUnavailable(self.describe(), reason) from exc

    def _run(self, script: str, name: str, *args: object) -> object:
        with self._outage():
            return self._scripts[script](keys=[self.prefix + name],
                                        args=[repr(self.now()), *args])

    @staticmethod
    def _record(reply: object) -> Record | None:
        if not reply:
            return None
        items = list(reply)  # [expires_at, field, value, field, value, ...]
        return Record(dict(zip(items[1::2], items[2::2], strict=True)), float(items[0]))

    def create(self, name: str, fields: Mapping[str, str]) -> bool:
        check_name(name, "name")
        fields = check_fields(fields, "fields", allow_none=False)
        flat = [x for kv in fields.items() for x in kv]
        expires_at = self.now() + self.ttl
        return bool(self._run("create", name, repr(expires_at),
                              max(1, math.ceil(self.ttl * 1000)), *flat))

    def get(self, name: str, fields: Iterable[str]) -> Record | None:
        check_name(name, "name")
        wanted = [check_name(f, "fields") for f in fields]
        return self._record(self._run("get", name, *wanted))

    def scan(self, name: str, prefix: str) -> Record | None:
        check_name(name, "name")
        if not isinstance(prefix, str):
            raise TypeError(f"`prefix` must be a str, got {type(prefix).__name__}")
        return self._record(self._run("scan", name, prefix))

    def update(self, name: str, changes: Mapping[str, str | None], *,
               expect: Mapping[str, str | None] | None = None) -> bool | None:
        check_name(name, "name")
        changes = check_fields(changes, "changes", allow_none=True)
        expect = check_fields(expect or {}, "expect", allow_none=True)
        args: list[object] = [len(expect)]
        for field, value in [*expect.items(), *changes.items()]:
            args += [field, "0", ""] if value is None else [field, "1", value]
        done = int(self._run("update", name, *args))
        return None if done < 0 else bool(done)

    def incr(self, name: str, field: str, by: int = 1) -> int | None:
        check_name(name, "name")
        check_name(field, "field")
        if isinstance(by, bool) or not isinstance(by, int):
            raise TypeError(f"`by` must be an int, got {by!r}")
        reply = self._run("incr", name, field, by)
        return None if reply is None else int(reply)

    def delete(self, name: str) -> bool:
        check_name(name, "name")
        return bool(self._run("delete", name))

    def close(self) -> None:
        """Close the connections (a later call opens new ones)."""
        self._redis.close()
