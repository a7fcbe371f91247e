"""The one process-wide lock around matplotlib.

Matplotlib is not thread-safe (its font cache, its global ``rcParams``, its text layout),
and every Streamlit session runs as a thread of one server process. Whatever draws with
matplotlib (a comparison's PNG report, a worksheet's PDF pages) holds :data:`PLOT_LOCK`
from the first ``Figure()`` to the last byte written, so two sessions never draw at once.
One lock for the whole package: two locks would let two modules draw at the same time.

Examples
--------
>>> with PLOT_LOCK:
...     PLOT_LOCK.locked()
True
>>> PLOT_LOCK.locked()
False
"""

from __future__ import annotations

import threading

__all__ = ["PLOT_LOCK"]

#: Held while matplotlib draws anything (it is not thread-safe).
PLOT_LOCK = threading.Lock()
