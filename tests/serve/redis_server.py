"""A real Redis for tests: Debian's redis-server on a free loopback port, nothing saved.

``.ci/run`` installs the ``redis-server`` package. :func:`redis_server` starts one server
with ``--save "" --appendonly no`` (no file is written) in a temporary folder, waits until
it answers PING, yields its URL (``redis://127.0.0.1:<port>/0``) and stops it. Use it from a
fixture::

    from serve.redis_server import redis_server

    @pytest.fixture(scope="module")
    def redis_url(tmp_path_factory):
        with redis_server(tmp_path_factory.mktemp("redis")) as url:
            yield url

A test that stops the server in the middle (a store outage) uses :func:`redis_process`,
which yields a :class:`RedisServer` with ``stop()`` and ``start()`` (again on the same port).

Without redis-server the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT = 20.0  # seconds for the server to answer PING


def redis_server_path() -> str | None:
    """The redis-server executable, or None."""
    if os.access(REDIS_SERVER, os.X_OK):
        return REDIS_SERVER
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _find_server() -> str:
    exe = redis_server_path()
    if exe is None:
        message = "redis-server is not installed (apt-get install redis-server; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return exe


class RedisServer:
    """One redis-server on a loopback port in ``folder``; ``url`` names it.

    :meth:`start` runs it (on a free port the first time, on the same port after
    :meth:`stop`) and returns once it answers PING; :meth:`stop` ends it. With ``persist``
    every write goes to an append-only file in ``folder`` first, so a restarted server has
    the data of the stopped one (as a production Redis would); without, nothing is written.
    """

    def __init__(self, folder: Path, *, persist: bool = False,
                 password: str | None = None) -> None:
        self.exe = _find_server()
        self.folder = Path(folder)
        self.persist = persist
        self.password = password
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def _spawn(self, port: int) -> bool:
        log = self.folder / f"redis-{port}.log"
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             *(["--appendonly", "yes", "--appendfsync", "always"] if self.persist
               else ["--appendonly", "no"]),
             *(["--requirepass", self.password] if self.password else []),
             "--dir", str(self.folder), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while self.proc.poll() is None and not self._answers(port) and time.monotonic() < deadline:
            time.sleep(0.02)  # polling for readiness, not waiting out a guess
        if self.proc.poll() is None and self._answers(port):
            self.port = port
            return True
        self.stop()
        return False

    @staticmethod
    def _answers(port: int) -> bool:
        """PING answered (with a password: refused for want of AUTH, which is an answer)."""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith((b"+PONG", b"-NOAUTH"))
        except OSError:
            return False

    def start(self) -> str:
        """Run the server (again on its port after :meth:`stop`); returns :attr:`url`."""
        if self.port is not None:
            if not self._spawn(self.port):
                raise RuntimeError(f"redis-server did not start again on port {self.port}; "
                                   f"see {self.folder}")
            return self.url
        for _ in range(5):  # another process may take the free port before the server binds it
            if self._spawn(_free_port()):
                return self.url
        raise RuntimeError(f"redis-server did not start; see the logs in {self.folder}")

    def stop(self) -> None:
        """End the server (its data is gone unless it was started with ``persist``)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def redis_process(folder: Path, *, persist: bool = False,
                  password: str | None = None) -> Iterator[RedisServer]:
    """Run redis-server on a free loopback port in ``folder``; yield it (stop, start, url).
    ``persist`` and ``password``: see :class:`RedisServer`."""
    server = RedisServer(folder, persist=persist, password=password)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server on a free loopback port in ``folder``; yield its URL."""
    with redis_process(folder) as server:
        yield server.url
