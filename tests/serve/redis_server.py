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


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server on a free loopback port in ``folder``; yield its URL."""
    exe = redis_server_path()
    if exe is None:
        message = "redis-server is not installed (apt-get install redis-server; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    for _ in range(5):  # another process may take the free port before the server binds it
        port = _free_port()
        log = Path(folder) / f"redis-{port}.log"
        proc = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while proc.poll() is None and not _pings(port) and time.monotonic() < deadline:
            time.sleep(0.02)  # polling for readiness, not waiting out a guess
        if proc.poll() is None and _pings(port):
            break
        proc.kill()
        proc.wait()
    else:
        raise RuntimeError(f"redis-server did not start; see {log}")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
