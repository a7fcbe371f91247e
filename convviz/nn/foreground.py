"""Interactive work first: count the page runs in flight, so that training can yield.

One server serves a whole class, and Python runs one thread's bytecode at a time. A
learner's click (a full page run) should not queue behind other people's training, so
the app counts every full page run while it runs (:meth:`Foreground.running`), and a
training tick that finds page runs in flight waits a moment for them
(:meth:`Foreground.wait_idle`), then trains a short slice that ends as soon as another
page run starts (:attr:`Foreground.busy`). Training still advances a step per tick when
the class never pauses. No streamlit here: the app keeps one instance per server.

Examples
--------
>>> fg = Foreground()
>>> with fg.running():
...     fg.busy, fg.wait_idle(0.01)
(True, False)
>>> fg.busy, fg.wait_idle(0.01)
(False, True)
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
        self._cond = threading.Condition()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the enclosed block as an interactive run (also when it raises)."""
        with self._cond:
            self._n += 1
        try:
            yield
        finally:
            with self._cond:
                self._n -= 1
                if self._n == 0:
                    self._cond.notify_all()

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
