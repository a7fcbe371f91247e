"""Training slots taken in turn: a first-come, first-served semaphore whose waits can be
called off.

One server lets a few trainings compute at once (:func:`convviz.serve.session.max_trainings`);
when more people train, their ticks wait for a slot. :class:`Slots` serves the waiters in
the order they came, so five people sharing one slot each get a fifth of it (a plain
semaphore polled for a way out of the wait serves them in no particular order), and a wait
ends early when its ``stop()`` says so (the user clicked Pause). No streamlit here: the app
keeps one instance per server.

The slots also know how many trainings share the server, so that each page can say so:
a training checks in at every tick (:meth:`Slots.checkin`) and out when it pauses or ends
(:meth:`Slots.checkout`); one that has not checked in for ``seen_for`` seconds (its tab was
closed) no longer counts, and a caller waiting for a slot always counts. Every time a waiter
can meet is a parameter (``seen_for``, ``clock``, ``poll``, and ``timeout`` per wait), so
tests pass small ones instead of waiting out the server's.

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
>>> slots.checkin("ann"); slots.checkin("bob"); slots.checkin("eve")
>>> slots.others("ann"), slots.trainings
(2, 3)
"""

from __future__ import annotations

import math
import numbers
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

from convviz.base.checks import check_int

__all__ = ["SEEN_FOR", "STOP_POLL", "Slots"]

STOP_POLL = 0.1  # seconds between two checks of a waiter's stop()
#: Seconds a training counts after its last check-in: longer than the page's longest gap
#: between two ticks (a wait for a slot, a slice, the timer), shorter than a lesson's pause.
SEEN_FOR = 20.0


def _seconds(value: float, name: str) -> float:
    """``value`` checked as a number of seconds > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number of seconds, got {value!r}")
    if not value > 0:
        raise ValueError(f"`{name}` must be > 0 seconds, got {value!r}")
    return float(value)


class Slots:
    """``n`` slots, given to waiters in arrival order.

    Parameters
    ----------
    n : int
        How many holders at once (at least 1).
    seen_for : float, > 0
        Seconds a training counts after its last check-in (:data:`SEEN_FOR`).
    clock : callable
        Seconds, for ``seen_for`` (``time.monotonic``; tests pass their own).
    poll : float, > 0
        Seconds between two checks of a waiter's ``stop()`` (:data:`STOP_POLL`): how long
        a click on Pause may take to end a wait.

    Examples
    --------
    >>> Slots(1, poll=0.001).acquire(timeout=0.01, stop=lambda: False)
    True
    >>> Slots(1, poll=0)
    Traceback (most recent call last):
    ...
    ValueError: `poll` must be > 0 seconds, got 0
    """

    def __init__(self, n: int, *, seen_for: float = SEEN_FOR,
                 clock: Callable[[], float] = time.monotonic, poll: float = STOP_POLL) -> None:
        self._n = check_int(n, "n", minimum=1)
        self._seen_for = _seconds(seen_for, "seen_for")
        self._clock = clock
        self._poll = _seconds(poll, "poll")
        if not math.isfinite(self._poll):
            raise ValueError(f"`poll` must be a finite number of seconds, got {poll!r}")
        self._free = self._n
        self._queue: deque[object] = deque()
        self._queued_who: dict[object, Hashable] = {}  # a waiter's token -> who waits
        self._seen: dict[Hashable, float] = {}  # who trains -> when last checked in
        self._cond = threading.Condition()

    @property
    def size(self) -> int:
        """How many holders at once (``n``)."""
        return self._n

    @property
    def free(self) -> int:
        """How many slots nobody holds now."""
        return self._free

    @property
    def waiting(self) -> int:
        """How many callers wait for a slot now."""
        return len(self._queue)

    def checkin(self, who: Hashable) -> None:
        """Count ``who`` (a session) as training now."""
        with self._cond:
            self._seen[who] = self._clock()

    def checkout(self, who: Hashable) -> None:
        """``who`` stopped training (paused, finished, reset): count it no more."""
        with self._cond:
            self._seen.pop(who, None)

    def _training(self) -> set[Hashable]:
        """Who trains now: checked in lately, or waiting for a slot; hold ``self._cond``."""
        now = self._clock()
        for who in [w for w, t in self._seen.items() if now - t > self._seen_for]:
            del self._seen[who]
        return set(self._seen) | set(self._queued_who.values())

    @property
    def trainings(self) -> int:
        """How many trainings share the server now."""
        with self._cond:
            return len(self._training())

    def others(self, who: Hashable) -> int:
        """How many trainings other than ``who``'s share the server now."""
        with self._cond:
            return len(self._training() - {who})

    def acquire(self, blocking: bool = True, timeout: float | None = None,
                stop: Callable[[], bool] | None = None, who: Hashable | None = None) -> bool:
        """Take a slot, after everyone who came earlier; True if taken.

        Parameters
        ----------
        blocking : bool
            False tries once (as ``timeout=0``).
        timeout : float, optional
            Seconds to wait at most; None waits as long as it takes.
        stop : callable, optional
            Checked every ``poll`` seconds while waiting: True gives up the wait.
        who : hashable, optional
            Who waits (a session): counted as training while it waits
            (:meth:`others`).
        """
        deadline = None if timeout is None or not blocking else time.monotonic() + timeout
        me = object()
        with self._cond:
            self._queue.append(me)
            if who is not None:
                self._queued_who[me] = who
            try:
                while not (self._free and self._queue[0] is me):
                    left = None if deadline is None else deadline - time.monotonic()
                    if not blocking or (left is not None and left <= 0) or (
                            stop is not None and stop()):
                        return False
                    self._cond.wait(self._poll if left is None else min(self._poll, left))
                self._free -= 1
                return True
            finally:
                self._queue.remove(me)
                self._queued_who.pop(me, None)
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
