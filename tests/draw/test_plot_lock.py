"""The one matplotlib lock: every module that draws with matplotlib holds the same lock."""

from __future__ import annotations

import numpy as np
from plot_lock_probe import lock_held_at_figures

from convviz.draw.plot_lock import PLOT_LOCK
from convviz.inside import compare_report


def test_the_comparison_report_draws_under_the_one_lock(monkeypatch):
    held = lock_held_at_figures(monkeypatch)
    rows = [{"epoch": 0.0, "run": r, "loss": 1.0, "held-out accuracy": 0.5} for r in "ab"]
    compare_report.report_png(rows, ("a", "b"), (0.5, 0.5), np.eye(2, dtype=int), ["x", "y"],
                              title="t")
    assert held == [True]
    assert not PLOT_LOCK.locked()
