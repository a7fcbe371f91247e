"""convviz.ui.class_keeper: which class a browser's keeper may teach again, and what the
keeper is sent (AppTest runs no JavaScript: its state ``held`` is set as keeper.js sets it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from convviz.serve import class_store, classroom
from convviz.serve.classroom import ClassHandle
from convviz.ui.class_keeper import (
    FALLBACK_SECONDS,
    KEY,
    LANDING,
    WAITING,
    held_handle,
    keeper_payload,
    kept_handle,
    welcome_text,
)


@pytest.fixture()
def clock():
    return [1000.0]


@pytest.fixture()
def store(tmp_path, clock):
    return class_store.open_store(str(tmp_path / "classes.sqlite3"), ttl=60,
                                  clock=lambda: clock[0])


def test_a_live_class_with_its_secret_is_taught_again(store):
    teacher = classroom.start_class(store)
    assert kept_handle(store, teacher) == teacher
    assert kept_handle(store, ClassHandle(teacher.code.lower(), teacher.secret)) is not None


def test_a_wrong_secret_is_not(store):
    teacher = classroom.start_class(store)
    assert kept_handle(store, ClassHandle(teacher.code, teacher.secret + "x")) is None
    other = classroom.start_class(store)  # another live class's secret does not open this one
    assert kept_handle(store, ClassHandle(teacher.code, other.secret)) is None


def test_an_ended_class_is_not(store):
    teacher = classroom.start_class(store)
    classroom.end(store, teacher.code, teacher.secret)
    assert kept_handle(store, teacher) is None


def test_an_expired_class_is_not(store, clock):
    teacher = classroom.start_class(store)
    clock[0] += 59
    assert kept_handle(store, teacher) == teacher
    clock[0] += 1  # the store's ttl is 60 s
    assert kept_handle(store, teacher) is None


def test_checking_changes_nothing_in_the_store(store):
    teacher = classroom.start_class(store)
    classroom.join(store, teacher.code, "Ann")
    before = classroom.state(store, teacher.code)
    kept_handle(store, teacher)
    kept_handle(store, ClassHandle(teacher.code, "wrong"))
    assert classroom.state(store, teacher.code) == before


def test_kept_handle_names_a_wrong_argument(store):
    with pytest.raises(TypeError, match="`handle` must be a ClassHandle, got dict"):
        kept_handle(store, {"code": "ABCD", "secret": "s"})
    with pytest.raises(TypeError, match="`store` must be a ClassStore, got str"):
        kept_handle("classes.sqlite3", ClassHandle("ABCD", "s"))


@pytest.mark.parametrize("value", [
    None, "ABCD2", ["ABCD2", "s"], {"code": "ABCD2"}, {"secret": "s"},
    {"code": 12345, "secret": "s"}, {"code": "ABCD2", "secret": 7},
    {"code": "AB", "secret": "s"}, {"code": "[x](//e.co)", "secret": "s"},
    {"code": "ABCD2", "secret": ""}, {"code": "ABCD2", "secret": "s" * 65},
])
def test_a_malformed_held_value_is_no_handle(value):
    assert held_handle(value) is None


def test_a_held_code_is_read_in_any_case():
    assert held_handle({"code": " abcd2 ", "secret": "s"}) == ClassHandle("ABCD2", "s")


def test_the_payload_keeps_drops_or_asks():
    h = ClassHandle("ABCD2", "s")
    assert keeper_payload(keep=h, drop=None, ask=False) == {
        "keep": {"code": "ABCD2", "secret": "s"}, "drop": None, "ask": False, "heard": False}
    assert keeper_payload(keep=None, drop=h, ask=True) == {
        "keep": None, "drop": {"code": "ABCD2", "secret": "s"}, "ask": True, "heard": False}
    assert keeper_payload(keep=None, drop=None, ask=True, heard=True)["heard"] is True
    assert welcome_text("ABCD2") == "Welcome back: you are teaching class ABCD2."


def _keeper_app():
    import streamlit as st

    from convviz.ui import class_session as cs
    from convviz.ui.class_keeper import keep_teacher

    restored = keep_teacher(announce=False)
    handle = cs.teaching()
    st.write(f"restored {restored.code}" if restored else "restored nothing")
    st.write(f"teaching {handle.code}" if handle else "teaching nothing")


def _payload(at: AppTest) -> dict:
    (el,) = [e for e in at.get("bidi_component") if e.proto.component_name == "convviz.keeper"]
    assert el.proto.js_source_path == "keeper.js"
    return json.loads(el.proto.json)


@pytest.fixture()
def env_store(tmp_path, monkeypatch):
    path = str(tmp_path / "env.sqlite3")
    monkeypatch.setenv(class_store.ENV_VAR, path)
    return class_store.open_store(path)


def test_the_keeper_asks_and_a_valid_held_class_is_taught_again(env_store):
    teacher = classroom.start_class(env_store)
    at = AppTest.from_function(_keeper_app).run()
    assert not at.exception
    assert _payload(at) == {"keep": None, "drop": None, "ask": True, "heard": False}
    assert [m.value for m in at.markdown] == ["restored nothing", "teaching nothing"]
    at.session_state[KEY] = {"held": {"code": teacher.code, "secret": teacher.secret}}
    at.run()
    assert [m.value for m in at.markdown] == [f"restored {teacher.code}",
                                              f"teaching {teacher.code}"]
    assert _payload(at) == {"keep": {"code": teacher.code, "secret": teacher.secret},
                            "drop": None, "ask": False, "heard": True}
    at.run()  # restored once: the next run just teaches
    assert [m.value for m in at.markdown] == ["restored nothing", f"teaching {teacher.code}"]


@pytest.mark.parametrize("case", ["wrong secret", "ended"])
def test_a_held_class_that_cannot_be_taught_is_dropped(env_store, case):
    teacher = classroom.start_class(env_store)
    secret = teacher.secret + "x" if case == "wrong secret" else teacher.secret
    if case == "ended":
        classroom.end(env_store, teacher.code, teacher.secret)
    at = AppTest.from_function(_keeper_app).run()
    at.session_state[KEY] = {"held": {"code": teacher.code, "secret": secret}}
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["restored nothing", "teaching nothing"]
    assert _payload(at) == {"keep": None, "drop": {"code": teacher.code, "secret": secret},
                            "ask": True, "heard": True}


def test_the_stylesheet_waits_for_the_keeper_as_long_as_the_module_says():
    """assets/classroom.css hides the landing until the keeper has answered, for at most
    FALLBACK_SECONDS (the module's docstring says so): the two agree."""
    css = (Path(__file__).resolve().parents[2] / "assets" / "classroom.css").read_text()
    assert f"animation: class-keeper-wait {FALLBACK_SECONDS}s;" in css
    assert f"animation: class-keeper-waited 0s {FALLBACK_SECONDS}s forwards;" in css
    assert f".st-key-{LANDING}" in css and f".st-key-{WAITING}" in css
