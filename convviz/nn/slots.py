"""Training slots taken in turn: a first-come, first-served semaphore whose waits can be
called off.

One server lets a few trainings compute at once (:func:`convviz.nn.session.max_trainings`);
when more people train, their ticks wait for a slot. :class:`Slots` serves the waiters in
the order they came, so five people sharing one slot each get a fifth of it (a plain
semaphore polled for a way out of the wait serves them in no particular order), and a wait
ends early when its ``stop()`` says so (the user clicked Pause). No streamlit here: the app
keeps one instance per server.

Examples
--------
>>> slots = Slots(1)
>>> slots.acquire(timeout=0)
True
>>> slots.acquire(timeout=0.01)  # taken: no slot within the wait
False
>>> slots.release()
>>> with slots:
...     slots.free
0
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from convviz._validate import check_int

__all__ = ["STOP_POLL", "Slots"]

STOP_POLL = 0.1  # seconds between two checks of a waiter's stop()


class Slots:
    """``n`` slots, given to waiters in arrival order.

    Parameters
    ----------
    n : int
        How many holders at once (at least 1).
    """

    def __init__(self, n: int) -> None:
        self._n = check_int(n, "n", minimum=1)
        self._free = self._n
        self._queue: deque[object] = deque()
        self._cond = threading.Condition()

    @property
    def free(self) -> int:
        """How many slots nobody holds now."""
        return self._free

    @property
    def waiting(self) -> int:
        """How many callers wait for a slot now."""
        return len(self._queue)

    def acquire(self, blocking: bool = True, timeout: float | None = None,
                stop: Callable[[], bool] | None = None) -> bool:
        """Take a slot, after everyone who came earlier; True if taken.

        Parameters
        ----------
        blocking : bool
            False tries once (as ``timeout=0``).
        timeout : float, optional
            Seconds to wait at most; None waits as long as it takes.
        stop : callable, optional
            Checked every ``STOP_POLL`` seconds while waiting: True gives up the wait.
        """
        deadline = None if timeout is None or not blocking else time.monotonic() + timeout
        me = object()
        with self._cond:
            self._queue.append(me)
            try:
                while not (self._free and self._queue[0] is me):
                    left = None if deadline is None else deadline - time.monotonic()
                    if not blocking or (left is not None and left <= 0) or (
                            stop is not None and stop()):
                        return False
                    self._cond.wait(STOP_POLL if left is None else min(STOP_POLL, left))
                self._free -= 1
                return True
            finally:
                self._queue.remove(me)
                self._cond.notify_all()  # the next in line may go now

    def release(self) -> None:
        """Give a slot back (more releases than acquires raise ``ValueError``)."""
        with self._cond:
            if self._free >= self._n:
                raise ValueError(f"Slots released too many times (there are {self._n})")
            self._free += 1
            self._cond.notify_all()

    def __enter__(self) -> Slots:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
