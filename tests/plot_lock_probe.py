"""Whether a drawing holds the one matplotlib lock (convviz.draw.plot_lock.PLOT_LOCK) when it
makes its Figures: shared by the tests of every module that draws with matplotlib."""

from __future__ import annotations

import matplotlib.figure
import pytest

from convviz.draw.plot_lock import PLOT_LOCK


def lock_held_at_figures(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """From now until the test ends, every ``matplotlib.figure.Figure(...)`` appends to the
    returned list whether PLOT_LOCK was held when it was made."""
    held: list[bool] = []
    real = matplotlib.figure.Figure

    def figure(*args, **kwargs):
        held.append(PLOT_LOCK.locked())
        return real(*args, **kwargs)

    monkeypatch.setattr(matplotlib.figure, "Figure", figure)
    return held
