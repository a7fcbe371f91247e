"""Tests for convviz.ui.train_live's reading of a session's pending request (the rest of the
live view is driven through AppTest in tests/pages and in a browser in tests/e2e)."""

import pytest
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

from convviz.ui import train_live


class _Ctx:
    def __init__(self, requests: ScriptRequests) -> None:
        self.script_requests = requests


@pytest.fixture
def requests(monkeypatch) -> ScriptRequests:
    """Streamlit's own request box of a session, as the page's run would see it."""
    box = ScriptRequests()
    monkeypatch.setattr(train_live, "get_script_run_ctx", lambda: _Ctx(box))
    return box


def test_nothing_pending(requests):
    assert train_live._rerun_requested() is False


def test_a_click_is_a_pending_rerun(requests):
    requests.request_rerun(RerunData())  # Pause: a full run of the page
    assert train_live._rerun_requested() is True


def test_the_timers_next_tick_is_not(requests):
    requests.request_rerun(RerunData(fragment_id_queue=["live"]))
    assert train_live._rerun_requested() is False


def test_leaving_is_a_stop(requests):
    requests.request_stop()
    assert train_live._rerun_requested() is True


def test_outside_a_run_it_reads_no(monkeypatch):
    monkeypatch.setattr(train_live, "get_script_run_ctx", lambda: None)
    assert train_live._rerun_requested() is False


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
