"""Every action of a live class, for the tests that make its store fail in the middle."""

from __future__ import annotations

from collections.abc import Callable

from convviz.serve.class_store import ClassStore
from convviz.serve.classroom import (
    ClassHandle,
    answer,
    end,
    join,
    results,
    reveal,
    send,
    start_class,
    state,
)
from serve.test_classroom import question


def every_action(store: ClassStore, teacher: ClassHandle,
                 student_id: str) -> dict[str, Callable[[], object]]:
    """Each thing a page does with the class, as a call on ``store`` (name -> call)."""
    return {
        "state": lambda: state(store, teacher.code),
        "join": lambda: join(store, teacher.code, "Bob"),
        "answer": lambda: answer(store, teacher.code, student_id, "5"),
        "send": lambda: send(store, teacher.code, teacher.secret, question(9)),
        "results": lambda: results(store, teacher.code, teacher.secret),
        "reveal": lambda: reveal(store, teacher.code, teacher.secret),
        "start a class": lambda: start_class(store),
        "end": lambda: end(store, teacher.code, teacher.secret),
    }
