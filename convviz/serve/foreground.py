"""Interactive work first: count the page runs in flight, so that training can yield.

One server serves a whole class, and Python runs one thread's bytecode at a time. A
learner's click (a full page run) should not queue behind other people's training, so
the app counts every full page run while it runs (:meth:`Foreground.running`), and a
training tick that finds page runs in flight waits a moment for them
(:meth:`Foreground.wait_idle`), then trains a short slice that ends as soon as another
page run starts (:attr:`Foreground.busy`). Training still advances a step per tick when
the class never pauses. A page run that trains (the run a click on Start makes trains the
first slice) is training while it does: :meth:`Foreground.aside` takes it out of the count,
so it neither yields to itself nor makes other people's turns yield to it while it waits
for a slot. No streamlit here: the app keeps one instance per server.

Examples
--------
>>> fg = Foreground()
>>> with fg.running():
...     fg.busy, fg.wait_idle(0.01)
(True, False)
>>> fg.busy, fg.wait_idle(0.01)
(False, True)
>>> with fg.running(), fg.aside():  # this run trains now: not interactive work
...     fg.busy
False
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Foreground"]


class Foreground:
    """A thread-safe count of the interactive runs in flight."""

    def __init__(self) -> None:
        self._n = 0
        self._by_thread: dict[int, int] = {}  # runs in flight per thread (a session's run)
        self._cond = threading.Condition()

    def _add(self, thread: int, k: int) -> None:
        """Count ``k`` more (or fewer) runs on ``thread``; hold ``self._cond``."""
        self._n += k
        left = self._by_thread.get(thread, 0) + k
        if left:
            self._by_thread[thread] = left
        else:
            self._by_thread.pop(thread, None)
        if self._n == 0:
            self._cond.notify_all()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the enclosed block as an interactive run (also when it raises)."""
        me = threading.get_ident()
        with self._cond:
            self._add(me, 1)
        try:
            yield
        finally:
            with self._cond:
                self._add(me, -1)

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Leave the calling thread's runs out of the count for the enclosed block.

        A training tick runs inside it: a page run that trains neither yields to itself
        nor, while it waits for a training slot, makes other people's slices yield to it.
        """
        me = threading.get_ident()
        with self._cond:
            k = self._by_thread.get(me, 0)
            self._add(me, -k)
        try:
            yield
        finally:
            with self._cond:
                self._add(me, k)

    @property
    def in_flight(self) -> int:
        """How many interactive runs are going on now."""
        return self._n

    @property
    def busy(self) -> bool:
        """Whether any interactive run is going on now."""
        return self._n > 0

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for no interactive run; True if none is left."""
        if timeout < 0:
            raise ValueError(f"`timeout` must be >= 0 seconds, got {timeout!r}")
        with self._cond:
            return self._cond.wait_for(lambda: self._n == 0, timeout=timeout)
