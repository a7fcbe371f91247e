"""The thread policy of the engine: one pool of worker threads and single-threaded BLAS.

convviz splits big convolutions into blocks of output rows and runs them on a small pool of
its own threads (:func:`executor`, :data:`WORKERS` of them). Meanwhile BLAS must run
single-threaded (:func:`blas_single_threaded`): two Python threads each driving a
multi-threaded BLAS oversubscribe the cores (measured 2-3x slower). A training slice holds
the same limit while it trains, so the server's sessions never fight over the cores.

>>> with blas_single_threaded():
...     WORKERS >= 1
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from threadpoolctl import ThreadpoolController

__all__ = ["WORKERS", "blas_single_threaded", "executor", "in_worker"]

#: Worker threads of :func:`executor`: the cores, at most 4.
WORKERS = max(1, min(4, os.cpu_count() or 1))

_PREFIX = "convviz-conv"  # the pool's thread names start with this
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMIT: Any = None
_CONTROLLER: ThreadpoolController | None = None


def executor() -> ThreadPoolExecutor:
    """The engine's thread pool (made once per process, shared by every session)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=_PREFIX)
        return _POOL


def in_worker() -> bool:
    """True on one of :func:`executor`'s threads: work there must not wait on the pool
    again (with every worker waiting, nothing would run the tasks they wait for).

    >>> in_worker(), executor().submit(in_worker).result()
    (False, True)
    """
    return threading.current_thread().name.startswith(_PREFIX)


def _controller() -> ThreadpoolController:
    """The loaded BLAS libraries, scanned once (a scan costs ~5 ms, too much per call)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


@contextmanager
def blas_single_threaded() -> Iterator[None]:
    """Run BLAS single-threaded inside the block.

    Reference-counted, so overlapping blocks from several sessions restore the setting only
    when the last one leaves.
    """
    global _BLAS_USERS, _BLAS_LIMIT
    with _BLAS_LOCK:
        if _BLAS_USERS == 0:
            _BLAS_LIMIT = _controller().limit(limits=1, user_api="blas")
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMIT is not None:
                _BLAS_LIMIT.restore_original_limits()
                _BLAS_LIMIT = None
