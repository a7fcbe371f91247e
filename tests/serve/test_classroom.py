"""A live class over a real store, every behaviour on SQLite and on Redis (conftest)."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3

import pytest

from convviz.serve import classroom
from convviz.serve.class_store import open_store
from convviz.serve.classroom import (
    CODE_ALPHABET,
    MAX_NICKNAME,
    MAX_STUDENTS,
    ClassNotFound,
    answer,
    end,
    join,
    results,
    reveal,
    send,
    start_class,
    state,
)
from convviz.teach.questions import Mistake, Question


def question(side: int = 7, kernel: int = 3) -> dict:
    right = side - kernel + 1
    return Question(
        "output-size", "output_size", f"{side} x {side} input, {kernel} x {kernel} kernel: "
        "output side?", (float(right),), f"({side} - {kernel}) / 1 + 1 = {right}",
        (Mistake("forgot the + 1", (float(right - 1),), "The first window counts too."),
         Mistake("rounded up", (float(right + 1),), "Round down."))).to_dict()


@pytest.fixture
def klass(store):
    return start_class(store)


# --- starting a class --------------------------------------------------------------------


def test_code_is_short_and_unambiguous_and_secret_is_stored_hashed(store):
    handles = [start_class(store) for _ in range(30)]
    codes = [h.code for h in handles]
    assert len(set(codes)) == 30
    for code in codes:
        assert 4 <= len(code) <= 6
        assert set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("0O1I")
    h = handles[0]
    assert len(h.secret) >= 20
    stored = store.get(h.code, ["secret"]).fields["secret"]
    assert stored != h.secret and h.secret not in stored
    assert stored == hashlib.sha256(h.secret.encode()).hexdigest()


def test_a_taken_code_is_not_given_twice(store, monkeypatch):
    # The code generator draws AAAAA, then AAAAA again (taken), then BBBBB.
    draws = iter("AAAAA" + "AAAAA" + "BBBBB")
    monkeypatch.setattr(classroom.secrets, "choice", lambda alphabet: next(draws))
    first = start_class(store)
    second = start_class(store)
    assert (first.code, second.code) == ("AAAAA", "BBBBB")
    assert state(store, "AAAAA").number == 0


def test_an_expired_class_frees_its_code(store_factory, clock, monkeypatch):
    store = store_factory(ttl=60)
    monkeypatch.setattr(classroom.secrets, "choice", lambda alphabet: "C")
    old = start_class(store)
    join(store, old.code, "ann")
    clock.t += 60
    new = start_class(store)
    assert new.code == old.code
    assert state(store, new.code).n_students == 0  # nothing of the old class is left


# --- codes: normalised, and a clear message when not found --------------------------------


def test_codes_are_stripped_and_upper_cased(store, klass):
    sid = join(store, f"  {klass.code.lower()}\n", "ann")
    assert state(store, f" {klass.code.lower()} ").n_students == 1
    send(store, klass.code.lower(), klass.secret, question())
    assert answer(store, klass.code.lower() + " ", sid, "5").correct


@pytest.mark.parametrize("code", ["ZZZZ", "ab", "ABCDEFG", "AB-CD", "", "  ", "ÄBCD"])
def test_a_wrong_or_mistyped_code_says_what_a_code_is(store, klass, code):
    for call in (lambda: state(store, code), lambda: join(store, code, "ann"),
                 lambda: send(store, code, klass.secret, question()),
                 lambda: answer(store, code, "x", "5")):
        with pytest.raises(ClassNotFound) as info:
            call()
        message = str(info.value)
        assert "was not found" in message
        assert "4 to 6 letters and digits" in message
        assert "expires 4 hours after it starts" in message
        assert isinstance(info.value, ValueError)


def test_an_expired_class_is_not_found_and_its_data_is_gone(store_factory, clock):
    store = store_factory(ttl=2 * 3600)
    k = start_class(store)
    sid = join(store, k.code, "ann")
    send(store, k.code, k.secret, question())
    answer(store, k.code, sid, "5")
    clock.t += 2 * 3600 - 1
    assert state(store, k.code).n_students == 1
    clock.t += 1
    with pytest.raises(ClassNotFound, match="expires 2 hours after it starts"):
        state(store, k.code)
    with pytest.raises(ClassNotFound):
        results(store, k.code, k.secret)
    assert store.scan(k.code, "") is None


def test_code_must_be_text(store):
    with pytest.raises(TypeError, match="`code` must be a str, got int"):
        state(store, 1234)


# --- joining ------------------------------------------------------------------------------


def test_nickname_is_stripped_and_the_same_nickname_gets_a_distinct_id(store, klass):
    a = join(store, klass.code, "  Sam ")
    b = join(store, klass.code, "Sam")
    assert a != b
    assert state(store, klass.code).n_students == 2
    names = sorted(v for v in store.scan(klass.code, "student:").fields.values())
    assert all('"nickname":"Sam"' in v for v in names)


@pytest.mark.parametrize("nickname, length", [("", 0), ("   ", 0),
                                              ("x" * (MAX_NICKNAME + 1), MAX_NICKNAME + 1)])
def test_nickname_length_is_limited(store, klass, nickname, length):
    with pytest.raises(ValueError, match=f"1 to 24 characters .* this one has {length}"):
        join(store, klass.code, nickname)
    assert state(store, klass.code).n_students == 0


def test_nickname_of_the_longest_length_joins(store, klass):
    join(store, klass.code, " " + "é" * MAX_NICKNAME + " ")
    assert state(store, klass.code).n_students == 1


@pytest.mark.parametrize("nickname", ["ann\nbob", "a\x00b", "a\u202eb"])
def test_nickname_is_one_line_without_control_characters(store, klass, nickname):
    with pytest.raises(ValueError, match="no control characters"):
        join(store, klass.code, nickname)


def test_nickname_with_html_is_stored_as_the_text_typed(store, klass):
    nick = "<b>x</b>&amp;"
    join(store, klass.code, nick)
    (stored,) = store.scan(klass.code, "student:").fields.values()
    import json

    assert json.loads(stored)["nickname"] == nick


def test_nickname_must_be_text(store, klass):
    with pytest.raises(TypeError, match="`nickname` must be a str, got NoneType"):
        join(store, klass.code, None)


def test_a_class_is_full_at_max_students(store, klass, monkeypatch):
    monkeypatch.setattr(classroom, "MAX_STUDENTS", 3)
    for i in range(3):
        join(store, klass.code, f"s{i}")
    with pytest.raises(ValueError, match=f"Class {klass.code} is full: at most 3 students"):
        join(store, klass.code, "late")
    assert state(store, klass.code).n_students == 3


def test_max_students_is_200():
    assert MAX_STUDENTS == 200


# --- the teacher's controls need the secret -----------------------------------------------


@pytest.mark.parametrize("secret", ["wrong", "", None])
def test_send_reveal_end_results_need_the_teachers_secret(store, klass, secret):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    other = start_class(store)
    for bad in (secret, sid, other.secret):
        for call, args in ((send, (question(),)), (reveal, ()), (end, ()), (results, ())):
            with pytest.raises(PermissionError, match="Only the teacher who started"):
                call(store, klass.code, bad, *args)
    s = state(store, klass.code)
    assert (s.number, s.revealed, s.n_students) == (1, False, 1)  # nothing changed


def test_send_checks_the_question(store, klass):
    with pytest.raises(ValueError, match=r"`question` must be a dict written by "
                                         r"Question.to_dict\(\): KeyError"):
        send(store, klass.code, klass.secret, {"prompt": "no answer"})
    with pytest.raises(TypeError, match="`question` must be a dict"):
        send(store, klass.code, klass.secret, "7 x 7?")
    assert state(store, klass.code).question is None


# --- state, send, reveal ------------------------------------------------------------------


def test_state_follows_send_and_reveal(store_factory, clock):
    store = store_factory(ttl=3600)
    k = start_class(store)
    s = state(store, k.code)
    assert (s.code, s.question, s.number, s.revealed, s.n_students) == (k.code, None, 0,
                                                                        False, 0)
    assert s.expires_at == clock.t + 3600
    with pytest.raises(ValueError, match="no question to reveal: send one first"):
        reveal(store, k.code, k.secret)
    assert send(store, k.code, k.secret, question()) == 1
    s = state(store, k.code)
    assert (s.number, s.revealed, s.question) == (1, False, question())
    assert reveal(store, k.code, k.secret) == 1
    assert state(store, k.code).revealed
    assert send(store, k.code, k.secret, question(9)) == 2
    s = state(store, k.code)
    assert (s.number, s.revealed, s.question["answer"]) == (2, False, [7.0])


def test_end_deletes_everything_of_the_class(store, klass):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    answer(store, klass.code, sid, "4")
    other = start_class(store)
    join(store, other.code, "bob")
    end(store, klass.code, klass.secret)
    assert store.scan(klass.code, "") is None
    with pytest.raises(ClassNotFound):
        state(store, klass.code)
    assert state(store, other.code).n_students == 1  # another class is untouched


def test_end_leaves_no_row_in_the_sqlite_file(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = open_store(str(path))
    k = start_class(store)
    join(store, k.code, "ann")
    end(store, k.code, k.secret)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM fields").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM records").fetchone() == (0,)


# --- answers ------------------------------------------------------------------------------


def test_answer_needs_a_question_and_no_reveal(store, klass):
    sid = join(store, klass.code, "ann")
    with pytest.raises(ValueError, match="There is no question yet: wait for your teacher"):
        answer(store, klass.code, sid, "5")
    send(store, klass.code, klass.secret, question())
    reveal(store, klass.code, klass.secret)
    with pytest.raises(ValueError, match="has been revealed: wait for the next question"):
        answer(store, klass.code, sid, "5")
    assert results(store, klass.code, klass.secret).n_answered == 0


def test_answer_from_someone_who_did_not_join(store, klass):
    send(store, klass.code, klass.secret, question())
    with pytest.raises(ValueError, match="You are not in class .*join again"):
        answer(store, klass.code, "made-up-id", "5")


def test_answer_returns_the_verdict_and_results_count_it(store, klass):
    ids = [join(store, klass.code, f"s{i}") for i in range(6)]
    send(store, klass.code, klass.secret, question())  # right 5; 4 forgot + 1; 6 rounded up
    typed = ["5", " 5.0 ", "4", "(4)", "6", "9"]
    verdicts = [answer(store, klass.code, sid, t) for sid, t in zip(ids, typed, strict=True)]
    assert [v.correct for v in verdicts] == [True, True, False, False, False, False]
    assert [v.mistake for v in verdicts] == [None, None, "forgot the + 1", "forgot the + 1",
                                             "rounded up", None]
    r = results(store, klass.code, klass.secret)
    assert (r.number, r.n_students, r.n_answered, r.n_correct) == (1, 6, 6, 2)
    assert r.histogram == {"4": 2, "5": 2, "6": 1, "9": 1}
    assert r.mistakes == {"forgot the + 1": 2, "rounded up": 1}
    assert r.answer_text == "5"


def test_histogram_is_in_numeric_order(store, klass):
    ids = [join(store, klass.code, f"s{i}") for i in range(4)]
    send(store, klass.code, klass.secret, question(12))
    for sid, t in zip(ids, ["10", "9", "-2", "100"], strict=True):
        answer(store, klass.code, sid, t)
    assert list(results(store, klass.code, klass.secret).histogram) == ["-2", "9", "10", "100"]


def test_the_latest_answer_counts_and_an_unreadable_one_is_not_kept(store, klass):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    answer(store, klass.code, sid, "4")
    answer(store, klass.code, sid, "5")
    v = answer(store, klass.code, sid, "five")
    assert v.parsed is None and not v.correct
    r = results(store, klass.code, klass.secret)
    assert (r.n_answered, r.n_correct, r.histogram, r.mistakes) == (1, 1, {"5": 1}, {})


def test_a_new_question_starts_with_no_answers(store, klass):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    answer(store, klass.code, sid, "5")
    send(store, klass.code, klass.secret, question(9))
    r = results(store, klass.code, klass.secret)
    assert (r.number, r.n_answered, r.histogram, r.answer_text) == (2, 0, {}, "7")


def test_results_before_any_question(store, klass):
    r = results(store, klass.code, klass.secret)
    assert (r.number, r.n_answered, r.histogram, r.answer_text) == (0, 0, {}, None)


def test_answers_are_rate_limited_per_student(store, klass):
    ann = join(store, klass.code, "ann")
    bob = join(store, klass.code, "bob")
    send(store, klass.code, klass.secret, question())
    for t in range(5):
        answer(store, klass.code, ann, "4", now=100.0 + t)
    with pytest.raises(ValueError, match="Too many answers in a row: wait 5 s, then try again"):
        answer(store, klass.code, ann, "5", now=105.0)
    with pytest.raises(ValueError, match="wait 1 s"):
        answer(store, klass.code, ann, "5", now=109.5)
    assert answer(store, klass.code, bob, "5", now=105.0).correct  # another student is free
    assert results(store, klass.code, klass.secret).histogram == {"4": 1, "5": 1}
    assert answer(store, klass.code, ann, "5", now=110.0).correct  # the first one left
    assert results(store, klass.code, klass.secret).histogram == {"5": 2}


def test_unreadable_answers_count_towards_the_rate_limit(store, klass):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    for t in range(5):
        answer(store, klass.code, sid, "x" * 1000, now=float(t))
    with pytest.raises(ValueError, match="Too many answers"):
        answer(store, klass.code, sid, "5", now=5.0)


def test_the_rate_limit_uses_the_stores_clock_by_default(store, klass, clock):
    sid = join(store, klass.code, "ann")
    send(store, klass.code, klass.secret, question())
    for _ in range(5):
        answer(store, klass.code, sid, "4")
    with pytest.raises(ValueError, match="wait 10 s"):
        answer(store, klass.code, sid, "5")
    clock.t += 10
    assert answer(store, klass.code, sid, "5").correct


# --- several processes ---------------------------------------------------------------------


def _student_process(spec: str, inbox, outbox) -> None:
    """A second server process: joins, waits to be told a question was sent, answers."""
    store = open_store(spec)
    code = inbox.get(timeout=60)
    sid = join(store, code, "far away")
    outbox.put("joined")
    assert inbox.get(timeout=60) == "sent"
    s = state(store, code)
    outbox.put((s.number, s.question["prompt"]))
    outbox.put(answer(store, code, sid, "4").mistake)


def test_two_processes_share_one_class(store_spec):
    """A teacher in this process, a student in another OS process, one store."""
    ctx = multiprocessing.get_context("spawn")
    inbox, outbox = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=_student_process, args=(store_spec, inbox, outbox))
    proc.start()
    try:
        store = open_store(store_spec)
        k = start_class(store)
        inbox.put(k.code)
        assert outbox.get(timeout=60) == "joined"
        assert state(store, k.code).n_students == 1
        send(store, k.code, k.secret, question())
        inbox.put("sent")
        assert outbox.get(timeout=60) == (1, question()["prompt"])
        assert outbox.get(timeout=60) == "forgot the + 1"
        r = results(store, k.code, k.secret)
        assert (r.n_answered, r.histogram, r.mistakes) == (1, {"4": 1}, {"forgot the + 1": 1})
    finally:
        proc.join(timeout=60)
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == 0


def test_an_answer_that_crosses_a_reveal_is_refused(store_factory):
    """The teacher reveals (another process) between a student's read and write."""
    store, teacher_side = store_factory(), store_factory()
    k = start_class(store)
    sid = join(store, k.code, "ann")
    send(store, k.code, k.secret, question())
    real_update = store.update
    crossed = []

    def update_after_a_reveal(*args, **kwargs):
        if not crossed:
            crossed.append(reveal(teacher_side, k.code, k.secret))
        return real_update(*args, **kwargs)

    store.update = update_after_a_reveal
    with pytest.raises(ValueError, match="has been revealed"):
        answer(store, k.code, sid, "5")
    assert crossed == [1]
    assert results(teacher_side, k.code, k.secret).n_answered == 0


def test_two_sends_that_cross_both_count(store_factory):
    store, other = store_factory(), store_factory()
    k = start_class(store)
    real_update = store.update
    crossed = []

    def update_after_another_send(*args, **kwargs):
        if not crossed:
            crossed.append(send(other, k.code, k.secret, question(9)))
        return real_update(*args, **kwargs)

    store.update = update_after_another_send
    assert send(store, k.code, k.secret, question()) == 2
    assert crossed == [1]
    s = state(other, k.code)
    assert (s.number, s.question) == (2, question())
