"""convviz.ui.runs against Streamlit's real script runner (AppTest): the documented behaviour
it is built on. An upgrade that changes that behaviour fails here, not in the app.

A click that arrives while a run works is put in the session's request box the way the
server does it (``script_requests.request_rerun``); the box is private, so the tests, not the
app, reach into it.
"""

from streamlit.testing.v1 import AppTest

HEAD = """
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from convviz.serve.slots import Slots
from convviz.ui.runs import NewRunWatch, session_key, timer_fragment

ss = st.session_state
ss["runs"] = ss.get("runs", 0) + 1
requests = get_script_run_ctx().script_requests
"""


def _run(body: str) -> AppTest:
    at = AppTest.from_string(HEAD + body, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_a_fragments_own_rerun_is_a_tick_and_a_full_run_is_not():
    at = _run("""
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
ss.setdefault("ticks", [])
def frame(tick):
    ss["ticks"].append(tick)
    ss["fragment"] = ThreadState.get().fragment_id
timer_fragment(frame, run_every=None)()
if ss["runs"] == 1:  # the fragment alone next, as its timer asks for it
    requests.request_rerun(RerunData(fragment_id_queue=[ss["fragment"]]))
""")
    assert at.session_state["ticks"] == [False, True]
    assert at.session_state["runs"] == 1  # the page itself ran once
    at.run()
    assert at.session_state["ticks"] == [False, True, False]


def test_a_timer_fragment_keeps_its_bodys_name():
    at = _run("""
def frame(tick):
    pass
ss["name"] = timer_fragment(frame, run_every=2.0).__name__
""")
    assert at.session_state["name"] == "frame"


def test_a_click_during_a_wait_is_seen_then_ends_the_run():
    at = _run("""
if ss["runs"] == 1:
    requests.request_rerun(RerunData())  # a click (Pause) while this run works
    with NewRunWatch() as clicked:
        ss["asked"] = clicked()
        ss["tidied"] = True  # the block goes on: the caller finishes its step
    ss["after"] = True  # never: the run ends at the block's end
""")
    assert at.session_state["asked"] is True and at.session_state["tidied"] is True
    assert "after" not in at.session_state
    assert at.session_state["runs"] == 2  # the click's run came next


def test_the_ending_goes_on_even_when_the_block_raises(tmp_path):
    caught = tmp_path / "caught.txt"  # not session state: reading it may end the run
    at = _run(f"""
if ss["runs"] == 1:
    requests.request_rerun(RerunData())
    try:
        with NewRunWatch() as clicked:
            clicked()
            raise ValueError("a bug in the wait")
    except ValueError:
        open({str(caught)!r}, "w").write("caught")  # never: the run's ending wins
""")
    assert not caught.exists()
    assert at.session_state["runs"] == 2


def test_nothing_pending_is_no_click():
    at = _run("""
with NewRunWatch() as clicked:
    ss["asked"] = clicked()
ss["after"] = True
""")
    assert at.session_state["asked"] is False and at.session_state["after"] is True
    assert at.session_state["runs"] == 1


def test_the_timers_next_tick_is_no_click():
    at = _run("""
def frame(tick):
    if ss["runs"] == 1 and not tick:
        # The timer asks for this fragment again while the page's run goes on.
        requests.request_rerun(RerunData(fragment_id_queue=["no-such-fragment"]))
        with NewRunWatch() as clicked:
            ss["asked"] = clicked()
        ss["after"] = True
timer_fragment(frame, run_every=None)()
""")
    assert at.session_state["asked"] is False and at.session_state["after"] is True
    assert at.session_state["runs"] == 1


def test_leaving_the_page_is_seen(tmp_path):
    seen = tmp_path / "seen.txt"  # a stopped run keeps no session state: note it here
    at = AppTest.from_string(HEAD + f"""
requests.request_stop()  # the session ends (the tab closed, another page)
with NewRunWatch() as clicked:
    open({str(seen)!r}, "a").write(f"asked={{clicked()}};")
open({str(seen)!r}, "a").write("after;")
""", default_timeout=30).run()
    assert seen.read_text() == "asked=True;"
    assert not at.exception


def test_a_click_ends_a_wait_for_a_slot_at_once():
    """The training page's case: every slot busy, and Pause clicked. The wait asks its
    stop once and ends (without the watch it would ask every poll until its timeout)."""
    at = _run("""
if ss["runs"] == 1:
    slots = Slots(1)
    slots.acquire()  # another session trains
    requests.request_rerun(RerunData())
    with NewRunWatch() as clicked:
        asked = []
        ss["got"] = slots.acquire(timeout=5, stop=lambda: asked.append(1) or clicked())
        ss["asked"], ss["waiting"] = len(asked), slots.waiting
""")
    assert at.session_state["got"] is False and at.session_state["asked"] == 1
    assert at.session_state["waiting"] == 0  # it left the queue
    assert at.session_state["runs"] == 2


def test_the_session_key_is_one_per_session():
    at = _run("""
ss.setdefault("keys", []).append(session_key())
""")
    at.run()
    keys = at.session_state["keys"]
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) == 32
    other = _run("ss['key'] = session_key()")
    assert other.session_state["key"] != keys[0]
