"""One memory limit for the whole server.

All sessions share one process, so memory has one limit for all of them:
:func:`max_memory_mb` (the environment variable ``CONVVIZ_MAX_MEMORY_MB``, default
2048). :func:`reserve` admits a piece of work only if the process's resident memory, plus
what work in flight has reserved, plus this work's estimate stays under the limit; else it
raises :class:`MemoryLimitError` before the work starts. The reservations are a process-wide
count (a lock and an integer): memory is a property of the process, so that is the one
place they can live. (What one click may cost at all is :mod:`convviz.base.budget`.)

>>> with reserve(10_000_000, "a test"):
...     reserved_bytes() >= 10_000_000
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from convviz.base.budget import megabytes

__all__ = ["DEFAULT_MAX_MEMORY_MB", "MEMORY_ENV", "MemoryLimitError", "max_memory_mb",
           "memory_refusal", "process_rss_bytes", "reserve", "reserved_bytes"]

#: The environment variable holding the server-wide memory limit, in MB.
MEMORY_ENV = "CONVVIZ_MAX_MEMORY_MB"
#: The server-wide memory limit when :data:`MEMORY_ENV` is not set.
DEFAULT_MAX_MEMORY_MB = 2048
_MEMORY_RANGE = (256, 1_048_576)  # MB: below 256 the app alone does not fit

_LOCK = threading.Lock()
_reserved = 0  # bytes reserved by work in flight, in this process


class MemoryLimitError(RuntimeError):
    """Work refused because it would pass the server's memory limit; the message is for
    the user (pages show it as it is)."""


def max_memory_mb() -> int:
    """The server-wide memory limit in MB: ``CONVVIZ_MAX_MEMORY_MB``, default 2048.

    Raises
    ------
    ValueError
        When the variable is set to anything but an integer from 256 to 1,048,576.

    Examples
    --------
    >>> max_memory_mb() >= 256
    True
    """
    text = os.environ.get(MEMORY_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_MEMORY_MB
    lo, hi = _MEMORY_RANGE
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise ValueError(f"`{MEMORY_ENV}` must be an integer number of megabytes from {lo} "
                         f"to {hi:,}, got {text!r}")
    return value


def process_rss_bytes() -> int:
    """This process's resident memory in bytes (``/proc/self/statm``), 0 where unknown.

    Examples
    --------
    >>> process_rss_bytes() >= 0
    True
    """
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def reserved_bytes() -> int:
    """Bytes reserved by work in flight in this process (all sessions)."""
    return _reserved


def _refusal(nbytes: int, what: str, rss: int, reserved: int) -> str | None:
    limit = max_memory_mb() * 2**20
    if rss + reserved + nbytes <= limit:
        return None
    return (f"The server is short of memory right now: {what} needs about "
            f"{megabytes(nbytes)}, and with {megabytes(rss)} in use and "
            f"{megabytes(reserved)} held by other work it would pass the server's limit of "
            f"{megabytes(limit)}. Nothing was started: try again in a minute, or choose "
            "smaller settings.")


def memory_refusal(nbytes: int, what: str) -> str | None:
    """The message :func:`reserve` would refuse with right now, or None (reserves nothing:
    for a page to say so beside a button before anyone clicks it)."""
    return _refusal(int(nbytes), what, process_rss_bytes(), _reserved)


@contextmanager
def reserve(nbytes: int, what: str) -> Iterator[None]:
    """Hold ``nbytes`` of the server's memory limit while the ``with`` block runs.

    Parameters
    ----------
    nbytes : int
        The work's estimated peak memory (:attr:`Cost.peak_bytes`).
    what : str
        What the work makes, for the message ("the animation").

    Raises
    ------
    MemoryLimitError
        Before the block runs, when resident memory + reservations in flight + ``nbytes``
        would pass :func:`max_memory_mb`.
    """
    global _reserved
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise ValueError(f"`nbytes` must be an integer >= 0, got {nbytes!r}")
    with _LOCK:
        if msg := _refusal(nbytes, what, process_rss_bytes(), _reserved):
            raise MemoryLimitError(msg)
        _reserved += nbytes
    try:
        yield
    finally:
        with _LOCK:
            _reserved -= nbytes

