"""Tests for convviz.ui.train_live's pure parts (the live view is driven through AppTest in
tests/pages and in a browser in tests/e2e; how a tick notices Pause: tests/ui/test_runs.py)."""

import pytest

from convviz.ui import train_live


@pytest.mark.parametrize(("others", "size", "text"), [
    (0, 1, None),
    (1, 1, "Sharing the server with 1 other training: the server trains 1 at a time, so "
           "you take turns, and each goes slower than alone."),
    (2, 1, "Sharing the server with 2 other trainings: the server trains 1 at a time, so "
           "you take turns, and each goes slower than alone."),
    (2, 3, "Sharing the server with 2 other trainings: each has a slot of its own, and "
           "all of them share the server's cores."),
])
def test_sharing_note(others, size, text):
    assert train_live.sharing_note(others, size) == text
