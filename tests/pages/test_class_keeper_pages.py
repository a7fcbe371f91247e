"""A teacher's browser keeps the class across a reload: the Class page and an arithmetic
page, each opened as a fresh session (a reload, an address typed, a second tab), are given
back the teacher's controls when the browser's keeper holds a live class and its secret.

AppTest runs no JavaScript: the keeper's state ``held`` is set as keeper.js sets it on
mount (the localStorage value), and what the keeper is sent is read from its element.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from apptest import markdown_text, open_page
from serve.redis_server import redis_process
from streamlit.testing.v1 import AppTest

from convviz.serve import class_store, classroom
from convviz.ui import class_session as cs
from convviz.ui.class_keeper import KEY, WAITING_TEXT, welcome_text

PAGE = "pages/classroom.py"


@pytest.fixture()
def store(tmp_path, monkeypatch):
    path = str(tmp_path / "classes.sqlite3")
    monkeypatch.setenv(class_store.ENV_VAR, path)
    return class_store.open_store(path)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _payload(at: AppTest) -> dict:
    (el,) = [e for e in at.get("bidi_component") if e.proto.component_name == "convviz.keeper"]
    return json.loads(el.proto.json)


def _held(handle: classroom.ClassHandle) -> dict:
    return {"held": {"code": handle.code, "secret": handle.secret}}


def _reload(page: str, handle: classroom.ClassHandle, params=None) -> AppTest:
    """A fresh session at ``page`` whose browser's keeper holds ``handle``."""
    at = open_page(page, params)
    _ok(at)
    assert _payload(at) == {"keep": None, "drop": None, "ask": True, "heard": False}
    at.session_state[KEY] = _held(handle)  # what keeper.js reports on mount
    return at.run()


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_a_reloaded_class_page_teaches_the_class_again(store):
    handle = classroom.start_class(store)
    at = _reload(PAGE, handle)
    _ok(at)
    assert f"## Class code: {handle.code}" in markdown_text(at)
    assert [i.value for i in at.info][0] == welcome_text(handle.code)
    assert {"Reveal", "Next question", "End class"} <= set(_buttons(at))
    assert at.session_state[cs.TEACHER] == handle
    assert _payload(at)["keep"] == {"code": handle.code, "secret": handle.secret}
    assert handle.secret not in markdown_text(at)  # never on the page


def test_the_teachers_page_no_longer_says_a_reload_loses_the_class(store):
    handle = classroom.start_class(store)
    at = _reload(PAGE, handle)
    captions = "\n".join(c.value for c in at.caption)
    assert "Reloading it starts a new session without those controls" not in captions
    assert "this browser" in captions


@pytest.mark.parametrize("case", ["wrong secret", "ended", "expired"])
def test_a_reload_after_the_class_is_gone_offers_a_new_class_and_drops_it(store, case,
                                                                         tmp_path):
    if case == "expired":  # started by a clock a lifetime and a second ago: expired now
        past = class_store.open_store(
            str(tmp_path / "classes.sqlite3"),
            clock=lambda: time.time() - class_store.DEFAULT_TTL - 1)
        handle = classroom.start_class(past)
    else:
        handle = classroom.start_class(store)
    held = handle
    if case == "wrong secret":
        held = classroom.ClassHandle(handle.code, handle.secret[:-1] + "x")
    elif case == "ended":
        classroom.end(store, handle.code, handle.secret)
    at = _reload(PAGE, held)
    _ok(at)
    assert "Start a class" in _buttons(at)
    assert "End class" not in _buttons(at)
    assert cs.TEACHER not in at.session_state
    assert _payload(at) == {"keep": None, "drop": {"code": held.code, "secret": held.secret},
                            "ask": True, "heard": True}


def test_starting_a_class_keeps_it_and_ending_it_drops_it(store):
    at = open_page(PAGE)
    at = [b for b in at.button if b.label == "Start a class"][0].click().run()
    _ok(at)
    handle = at.session_state[cs.TEACHER]
    assert _payload(at) == {"keep": {"code": handle.code, "secret": handle.secret},
                            "drop": None, "ask": False, "heard": False}
    at = [b for b in at.button if b.label == "End class"][0].click().run()
    at = [b for b in at.button if b.label == "Yes, end the class"][0].click().run()
    _ok(at)
    assert _payload(at) == {"keep": None, "drop": {"code": handle.code, "secret": handle.secret},
                            "ask": True, "heard": False}
    assert "Start a class" in _buttons(at)


def test_a_student_session_is_never_made_the_teacher(store):
    handle = classroom.start_class(store)
    at = open_page(PAGE, {"code": handle.code})
    at.text_input(key="class.nickname").input("Ann")
    at = [b for b in at.button if b.label == "Join"][0].click().run()
    _ok(at)
    assert _payload(at) == {"keep": None, "drop": None, "ask": False, "heard": False}
    at.session_state[KEY] = _held(handle)  # the same browser holds the teacher's secret
    at.run()
    _ok(at)
    assert cs.TEACHER not in at.session_state
    assert "End class" not in _buttons(at)
    assert _payload(at) == {"keep": None, "drop": None, "ask": False, "heard": True}


def test_a_reloaded_arithmetic_page_sends_to_the_class_again(store):
    handle = classroom.start_class(store)
    at = _reload("pages/pooling.py", handle)
    _ok(at)
    assert [t.value for t in at.toast] == [welcome_text(handle.code)]
    at.toggle(key="predict.on").set_value(True).run()
    _ok(at)
    (send,) = [b for b in at.button if b.label == "Send to the class"]
    at = send.click().run()
    _ok(at)
    assert any(f"Sent to class {handle.code} as question 1." in s.value for s in at.success)
    assert classroom.state(store, handle.code).number == 1


def test_an_arithmetic_page_with_nothing_held_has_no_send_button(store):
    at = open_page("pages/pooling.py")
    at.toggle(key="predict.on").set_value(True).run()
    _ok(at)
    assert _payload(at) == {"keep": None, "drop": None, "ask": True, "heard": False}
    assert not [b for b in at.button if b.label == "Send to the class"]
    assert not re.search("Welcome back", markdown_text(at))


def test_a_reload_while_the_store_is_away_says_so_and_teaches_once_it_is_back(tmp_path,
                                                                             monkeypatch):
    with redis_process(tmp_path, persist=True) as server:
        monkeypatch.setenv(class_store.ENV_VAR, server.url)
        handle = classroom.start_class(class_store.open_store(server.url))
        at = open_page(PAGE)
        server.stop()
        at.session_state[KEY] = _held(handle)
        at.run()
        _ok(at)
        said = [w.value for w in at.warning if "not reachable right now" in w.value]
        assert said and f"This browser was teaching class {handle.code}" in said[0]
        assert cs.TEACHER not in at.session_state
        assert _payload(at)["drop"] is None  # not checked: nothing is dropped
        assert _payload(at)["heard"]  # the browser shows the landing, and the message
        assert "Start a class" in _buttons(at)
        server.start()
        at.run()  # any click, or a reload in a few seconds
        _ok(at)
        assert at.session_state[cs.TEACHER] == handle
        assert f"## Class code: {handle.code}" in markdown_text(at)


def test_a_fresh_session_says_it_is_looking_until_the_keeper_has_answered(store):
    """A reload's first run cannot know yet what the browser holds: beside the landing it
    draws the note the browser shows instead (assets/classroom.css) until the keeper has
    answered, and tells the keeper whether Python has heard what it holds."""
    handle = classroom.start_class(store)
    at = open_page(PAGE)
    _ok(at)
    assert WAITING_TEXT in markdown_text(at)
    assert "Start a class" in _buttons(at)
    assert _payload(at)["heard"] is False  # the landing waits for the keeper's report
    at.session_state[KEY] = _held(handle)
    at.run()
    _ok(at)
    assert _payload(at)["heard"] is True
    assert WAITING_TEXT not in markdown_text(at)  # teaching: no landing, no note
