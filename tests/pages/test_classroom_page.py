"""AppTest runs of pages/classroom.py: a teacher and students, each an AppTest session (as
separate browsers are), sharing one SQLite class store in a temporary file.

AppTest does not tick fragment timers: each ``run()`` is what a student's or the teacher's
page shows after its next poll.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest import ROOT, open_page
from serve.redis_server import redis_process
from streamlit.testing.v1 import AppTest

from convviz.serve import class_store, classroom
from convviz.teach import question_bank, worksheet
from convviz.teach.questions import CONCEPTS, Question
from convviz.ui import class_session as cs
from convviz.ui import class_worksheet

PAGE = "pages/classroom.py"


@pytest.fixture()
def store_path(tmp_path, monkeypatch) -> str:
    path = str(tmp_path / "classes.sqlite3")
    monkeypatch.setenv(class_store.ENV_VAR, path)
    return path


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def _click(at: AppTest, label: str) -> AppTest:
    return _button(at, label).click().run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _texts(at: AppTest) -> str:
    return "\n".join(t.value for t in at.text)


def _start(store_path: str) -> tuple[AppTest, str]:
    teacher = open_page(PAGE)
    _ok(teacher)
    teacher = _click(teacher, "Start a class")
    _ok(teacher)
    (code,) = re.findall(r"^## Class code: ([A-Z0-9]{4,6})$", _markdown(teacher), re.M)
    return teacher, code


def _join(code: str, nickname: str) -> AppTest:
    student = open_page(PAGE, {"code": code})
    _ok(student)
    student.text_input(key="class.nickname").input(nickname)
    student = _click(student, "Join")
    _ok(student)
    return student


def _current(store_path: str, code: str) -> Question:
    s = classroom.state(class_store.open_store(store_path), code)
    assert s.question is not None
    return Question.from_dict(s.question)


def _answer(student: AppTest, number: int, text: str) -> AppTest:
    student.text_input(key=f"class.answer.{number}").input(text)
    student = _click(student, "Send answer")
    _ok(student)
    return student


def test_the_page_offers_to_teach_or_join(store_path):
    at = open_page(PAGE)
    _ok(at)
    assert at.title[0].value == "Class"
    assert [b.label for b in at.button] == ["Start a class", "Join"]
    assert at.text_input(key="class.code_box") is not None


def test_a_whole_question_teacher_and_two_students(store_path):
    teacher, code = _start(store_path)
    # the join link is this page's address with ?code=; no browser address under AppTest
    assert any(c.value == f"/classroom?code={code}" for c in teacher.code)
    # the teacher's secret is in the teacher's session only
    handle = teacher.session_state[cs.TEACHER]
    assert handle.code == code and len(handle.secret) >= 16

    ann = _join(code, "Ann")
    bo = _join(code, "Bo")
    assert "You are Ann in class " + code in _texts(ann)
    assert any("Waiting for your teacher's question" in i.value for i in ann.info)
    # a student's session holds no secret and has no teacher control
    assert cs.TEACHER not in ann.session_state
    assert not {"Reveal", "Next question", "End class", "Send to the class",
                "Start a class"} & {b.label for b in ann.button}

    teacher = _click(teacher.run(), "New question")
    _ok(teacher)
    teacher = _click(teacher, "Send to the class")
    _ok(teacher)
    assert any(f"Sent to class {code} as question 1." in s.value for s in teacher.success)
    q = _current(store_path, code)
    assert q.mistakes, "the bank's question has a named mistake to test with"
    mistake = q.mistakes[0]

    ann = ann.run()  # the next poll: the question is there
    _ok(ann)
    assert q.prompt in _markdown(ann) and "Question 1" in [h.value for h in ann.subheader]
    ann = _answer(ann, 1, q.answer_text())
    assert any("Answer received" in s.value for s in ann.success)
    assert q.working not in _markdown(ann)  # nothing revealed before the teacher reveals
    bo = _answer(bo.run(), 1, _typed(mistake.answer))
    assert any("Answer received" in s.value for s in bo.success)

    teacher = teacher.run()
    _ok(teacher)
    md = _markdown(teacher)
    assert "### Students: 2" in md
    assert "2 of 2 answered · 1 right" in md
    assert f"- {mistake.name}: 1" in md
    (chart,) = teacher.get("vega_lite_chart")  # the histogram, coloured by kind
    assert all(k in chart.proto.spec for k in ("the right answer", "a named mistake"))
    # its bars in the order of the class's histogram (numeric), not the browser's choice
    res = classroom.results(class_store.open_store(store_path), code, handle.secret)
    assert json.loads(chart.proto.spec)["encoding"]["x"]["sort"] == list(res.histogram)

    teacher = _click(teacher, "Reveal")
    _ok(teacher)
    assert "Revealed to everyone" in _markdown(teacher)
    ann, bo = ann.run(), bo.run()
    assert [s.value for s in ann.success] == [f"Right: {q.answer_text()}."]
    assert q.working in _markdown(ann)
    (err,) = bo.error
    assert f"is what you get if you {mistake.name}" in err.value
    assert mistake.working in _markdown(bo)

    # End class asks first; then the class is gone for everyone
    teacher = _click(teacher, "End class")
    assert any("End the class for everyone?" in w.value for w in teacher.warning)
    teacher = _click(teacher, "Yes, end the class")
    _ok(teacher)
    assert cs.TEACHER not in teacher.session_state
    assert "Start a class" in [b.label for b in teacher.button]
    with pytest.raises(classroom.ClassNotFound):
        classroom.state(class_store.open_store(store_path), code)
    ann = ann.run()
    _ok(ann)
    assert any("was not found" in e.value for e in ann.error)
    assert cs.STUDENT not in ann.session_state


def _typed(values: tuple[float, ...]) -> str:
    return ", ".join(str(int(v)) if float(v).is_integer() else str(v) for v in values)


def test_next_question_sends_a_new_one_and_students_get_a_fresh_box(store_path):
    teacher, code = _start(store_path)
    ann = _join(code, "Ann")
    teacher = _click(_click(teacher, "New question"), "Send to the class")
    first = _current(store_path, code)
    ann = _answer(ann.run(), 1, first.answer_text())
    teacher = _click(teacher, "Next question")
    _ok(teacher)
    second = _current(store_path, code)
    assert classroom.state(class_store.open_store(store_path), code).number == 2
    assert second != first
    ann = ann.run()
    assert "Question 2" in [h.value for h in ann.subheader]
    assert ann.text_input(key="class.answer.2").value == ""
    assert not [s for s in ann.success if "Answer received" in s.value]
    teacher = teacher.run()
    assert "0 of 1 answered" in _markdown(teacher)


def test_an_unreadable_answer_is_not_received_and_says_what_to_type(store_path):
    teacher, code = _start(store_path)
    ann = _join(code, "Ann")
    _click(_click(teacher, "New question"), "Send to the class")
    ann = _answer(ann.run(), 1, "five")
    assert not [s for s in ann.success if "Answer received" in s.value]
    assert any(e.value.startswith("Type ") for e in ann.error)


@pytest.mark.parametrize("code", ["ZZZZ", "ab", "not a code at all"])
def test_a_bad_code_says_so_and_offers_a_new_box(store_path, code):
    at = open_page(PAGE, {"code": code})
    _ok(at)
    (err,) = at.error
    assert "was not found" in err.value and "4 to 6 letters and digits" in err.value
    assert at.text_input(key="class.code_box").label == "Type the code again"
    assert "Start a class" not in [b.label for b in at.button]


def test_a_code_written_as_markdown_is_shown_as_the_characters_typed(store_path):
    at = open_page(PAGE, {"code": "[x](//e.co)"})
    _ok(at)
    (err,) = at.error
    assert "Class code '\\[X\\]\\(//E.CO\\)' was not found." in err.value  # no link


def test_a_typed_code_opens_the_join_form(store_path):
    _, code = _start(store_path)
    at = open_page(PAGE)
    at.text_input(key="class.code_box").input(f" {code.lower()} ")
    at = _click(at, "Join")
    _ok(at)
    assert at.query_params["code"] == [code] or at.query_params["code"] == code
    assert f"Join class {code}" in [h.value for h in at.subheader]


def test_a_nickname_with_html_is_shown_as_text(store_path):
    _, code = _start(store_path)
    name = "<b>Bo</b> **x** [l](u)"
    bo = _join(code, name)
    assert f"You are {name} in class {code}." in _texts(bo)
    assert not [m for m in bo.markdown if "<b>" in m.value or "**x**" in m.value]


def test_an_empty_nickname_is_refused(store_path):
    _, code = _start(store_path)
    at = open_page(PAGE, {"code": code})
    at.text_input(key="class.nickname").input("   ")
    at = _click(at, "Join")
    _ok(at)
    assert any("nickname is 1 to 24 characters" in e.value for e in at.error)
    assert cs.STUDENT not in at.session_state


def test_a_student_link_cannot_act_as_the_teacher(store_path):
    teacher, code = _start(store_path)
    ann = _join(code, "Ann")
    me = ann.session_state[cs.STUDENT]
    store = class_store.open_store(store_path)
    for act in (classroom.reveal, classroom.end):
        with pytest.raises(PermissionError):
            act(store, code, me.student_id)
    assert classroom.state(store, code).n_students == 1


def _output_size_page(handle: classroom.ClassHandle | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if handle is not None:
        at.session_state[cs.TEACHER] = handle
    at.switch_page("pages/output_size.py")
    at.run()
    at.toggle(key="predict.on").set_value(True).run()
    _ok(at)
    return at


def _send_buttons(at: AppTest, block: str = "size.predict"):
    """The "Send to the class" buttons of one question block (the page's predict-first
    question; its practice question, ``size.practice``, has its own)."""
    return [b for b in at.button if b.label == "Send to the class"
            and b.key.startswith(f"{block}.send.")]


def test_an_arithmetic_page_sends_its_question_while_this_session_teaches(store_path):
    store = class_store.open_store(store_path)
    handle = classroom.start_class(store)
    at = _output_size_page(handle)
    (send,) = _send_buttons(at)
    at = send.click().run()
    _ok(at)
    assert any(f"Sent to class {handle.code} as question 1." in s.value for s in at.success)
    sent = classroom.state(store, handle.code)
    assert sent.number == 1
    # the question sent is the one the page asks about its current settings
    assert Question.from_dict(sent.question).prompt in _markdown(at)


def test_an_arithmetic_page_has_no_send_button_outside_a_class(store_path):
    at = _output_size_page(None)
    assert [b for b in at.button if b.label == "Send to the class"] == []


@pytest.mark.parametrize("topic", list(question_bank.TOPICS))
def test_every_topic_of_the_bank_goes_to_the_class_and_back(store_path, topic):
    teacher, code = _start(store_path)
    ann = _join(code, "Ann")
    teacher.selectbox(key="class.topic").set_value(topic).run()
    teacher = _click(_click(teacher, "New question"), "Send to the class")
    _ok(teacher)
    q = _current(store_path, code)
    assert q.concept in CONCEPTS
    ann = _answer(ann.run(), 1, q.answer_text())
    assert any("Answer received" in s.value for s in ann.success)
    assert "1 of 1 answered · 1 right" in _markdown(teacher.run())


def _downloads(at: AppTest) -> dict[str, object]:
    return {d.proto.label: d.proto for d in at.get("download_button")}


def test_the_teacher_can_download_a_worksheet_and_its_key(store_path):
    teacher, _ = _start(store_path)
    teacher.number_input(key="class.ws.n").set_value(4)
    teacher.number_input(key="class.ws.seed").set_value(1)
    teacher = teacher.run()
    _ok(teacher)
    assert any("Version B (seed 1)" in c.value for c in teacher.caption)
    assert _downloads(teacher) == {}  # nothing is drawn before the click
    teacher = _click(teacher, "Make the worksheet")
    _ok(teacher)
    downloads = _downloads(teacher)
    assert set(downloads) == {"Worksheet (PDF)", "Answer key (PDF)"}
    assert not any(d.disabled for d in downloads.values())
    # the files are the worksheet module's own pair for these settings, held as bytes by
    # this run (not made later by a callable that a ticking fragment's cleanup may race)
    topics = ["output-size", "convolution", "pooling"]
    made = teacher.session_state[class_worksheet.MADE]
    assert made[0] == (tuple(topics), 4, 1)
    assert made[1:] == worksheet.worksheet_pdfs(topics, 4, 1)
    assert all("/media/" in d.url and d.url.endswith(".pdf") for d in downloads.values())
    # other settings: the files go, the button comes back
    teacher.number_input(key="class.ws.seed").set_value(2)
    teacher = teacher.run()
    assert _downloads(teacher) == {}
    assert "Make the worksheet" in [b.label for b in teacher.button]


def test_a_worksheet_needs_a_topic(store_path):
    teacher, _ = _start(store_path)
    teacher.multiselect(key="class.ws.topics").set_value([])
    teacher = teacher.run()
    _ok(teacher)
    assert _downloads(teacher) == {}
    assert any("Pick at least one topic" in i.value for i in teacher.info)


def test_a_student_is_offered_no_answer_key(store_path):
    _, code = _start(store_path)
    assert _downloads(_join(code, "Ann")) == {}


@pytest.mark.parametrize("code", ["9" * 30, "nan", "`x`_[a](http://x)", "a" * 5000,
                                  "<script>alert(1)</script>", "\x00ABCD", "ÄBCD",
                                  "AB\u202eCD", "ABCD\n", "%00"])
def test_a_hostile_code_in_the_link_is_explained(store_path, code):
    at = open_page(PAGE, {"code": code})
    _ok(at)
    (err,) = at.error
    assert "was not found" in err.value and len(err.value) < 400
    assert at.text_input(key="class.code_box").label == "Type the code again"


@pytest.mark.parametrize("name, words", [("a" * 500, "A nickname is 1 to 24 characters"),
                                         ("\u202eAnn", "no control characters")])
def test_a_hostile_nickname_is_refused_with_the_reason(store_path, name, words):
    _, code = _start(store_path)
    at = open_page(PAGE, {"code": code})
    at.text_input(key="class.nickname").input(name)
    at = _click(at, "Join")
    _ok(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert cs.STUDENT not in at.session_state
    assert classroom.state(class_store.open_store(store_path), code).n_students == 0


# --- the class store stops in the middle of a class -----------------------------------------

UNREACHABLE = "The class store is not reachable right now"


@pytest.fixture
def redis(tmp_path, monkeypatch):
    """A real redis-server of this test alone as the class store; it keeps its data when the
    test stops it and starts it again on its port."""
    with redis_process(tmp_path, persist=True) as server:
        monkeypatch.setenv(class_store.ENV_VAR, server.url)
        yield server


def _says_unreachable(at: AppTest, retry: str) -> None:
    """No exception box; a message that the store is not reachable, what to try, and where
    the teacher looks."""
    _ok(at)
    said = [w.value for w in at.warning if UNREACHABLE in w.value]
    assert said, [w.value for w in [*at.warning, *at.error]]
    assert all("`CONVVIZ_CLASS_STORE`" in s for s in said), said
    assert any(retry in s for s in said), said


def test_the_teachers_page_says_the_store_is_away_and_goes_on_when_it_is_back(redis):
    teacher, code = _start(redis.url)
    teacher = _click(_click(teacher, "New question"), "Send to the class")
    redis.stop()
    teacher = teacher.run()  # the next tick of the live results
    _says_unreachable(teacher, "tries again every second")
    assert "### Students: 0" not in _markdown(teacher)
    teacher = _click(teacher, "Send to the class")  # the draft, again
    _says_unreachable(teacher, "press *Send to the class* again")
    assert cs.TEACHER in teacher.session_state  # still the class's teacher
    redis.start()
    teacher = teacher.run()
    _ok(teacher)
    assert "### Students: 0" in _markdown(teacher)
    assert not [w for w in teacher.warning if UNREACHABLE in w.value]
    teacher = _click(teacher, "Send to the class")
    assert any(f"Sent to class {code} as question 2." in s.value for s in teacher.success)


def test_starting_a_class_while_the_store_is_away_says_so(redis):
    at = open_page(PAGE)
    redis.stop()
    at = _click(at, "Start a class")
    _says_unreachable(at, "press *Start a class* again")
    assert cs.TEACHER not in at.session_state
    redis.start()
    at = _click(at, "Start a class")
    _ok(at)
    assert cs.TEACHER in at.session_state


def test_a_student_keeps_the_typed_answer_while_the_store_is_away(redis):
    teacher, code = _start(redis.url)
    ann = _join(code, "Ann")
    _click(_click(teacher, "New question"), "Send to the class")
    q = _current(redis.url, code)
    ann = ann.run()
    redis.stop()
    ann = ann.run()  # the page as the next poll draws it: the question still there
    _says_unreachable(ann, "tries again every second")
    assert q.prompt in _markdown(ann)
    ann.text_input(key="class.answer.1").input(q.answer_text())
    ann = _click(ann, "Send answer")
    _says_unreachable(ann, "press *Send answer* again")
    assert ann.text_input(key="class.answer.1").value == q.answer_text()  # nothing lost
    assert not [s for s in ann.success if "Answer received" in s.value]
    assert cs.STUDENT in ann.session_state
    redis.start()
    ann = _click(ann, "Send answer")
    _ok(ann)
    assert any("Answer received" in s.value for s in ann.success)
    assert not [w for w in ann.warning if UNREACHABLE in w.value]


def test_a_student_keeps_the_typed_nickname_while_the_store_is_away(redis):
    teacher, code = _start(redis.url)
    student = open_page(PAGE, {"code": code})
    student.text_input(key="class.nickname").input("Ann")
    redis.stop()
    student = _click(student, "Join")
    _says_unreachable(student, "press *Join* again")
    assert student.text_input(key="class.nickname").value == "Ann"
    assert f"Join class {code}" in [h.value for h in student.subheader]
    assert cs.STUDENT not in student.session_state
    redis.start()
    student = _click(student, "Join")
    _ok(student)
    assert "You are Ann in class " + code in _texts(student)


def test_a_student_link_opened_while_the_store_is_away_says_so(redis):
    teacher, code = _start(redis.url)
    redis.stop()
    student = open_page(PAGE, {"code": code})
    _says_unreachable(student, "press *Join* again")
    assert student.text_input(key="class.nickname") is not None


def test_an_arithmetic_page_says_the_store_is_away_when_it_sends(redis):
    handle = classroom.start_class(class_store.open_store(redis.url))
    at = _output_size_page(handle)
    redis.stop()
    (send,) = _send_buttons(at)
    at = send.click().run()
    _says_unreachable(at, "press *Send to the class* again")
    assert at.session_state[cs.TEACHER] == handle
    redis.start()
    (send,) = _send_buttons(at)
    at = send.click().run()
    assert any(f"Sent to class {handle.code} as question 1." in s.value for s in at.success)


def test_reveal_and_end_while_the_store_is_away_keep_the_class(redis):
    teacher, code = _start(redis.url)
    teacher = _click(_click(teacher, "New question"), "Send to the class")
    redis.stop()
    teacher = _click(teacher, "Reveal")
    _says_unreachable(teacher, "press *Reveal* again")
    assert "tries again every second" not in "".join(w.value for w in teacher.warning)
    # End class (confirmed) needs the live results' buttons: the store comes back meanwhile
    redis.start()
    teacher = _click(teacher.run(), "End class")
    redis.stop()
    teacher = _click(teacher, "Yes, end the class")
    _says_unreachable(teacher, "press *End class* again")
    assert teacher.session_state[cs.TEACHER].code == code  # not ended: still the teacher
    redis.start()
    teacher = _click(teacher.run(), "Reveal")
    _ok(teacher)
    assert "Revealed to everyone" in _markdown(teacher)


def test_a_link_that_cannot_be_a_code_while_the_store_is_away_offers_a_new_box(redis):
    redis.stop()
    at = open_page(PAGE, {"code": "[x](//e.co)"})
    _says_unreachable(at, "press *Join* again")
    assert at.text_input(key="class.code_box") is not None
    assert not [h for h in at.subheader if "Join class" in h.value]


def test_a_read_only_sqlite_store_refuses_an_answer_in_words_and_keeps_it(store_path,
                                                                         monkeypatch):
    teacher, code = _start(store_path)
    ann = _join(code, "Ann")
    _click(_click(teacher, "New question"), "Send to the class")
    q = _current(store_path, code)
    ann = ann.run()
    # A read-only disk, as SQLite sees it (root may write a file whose mode forbids it, so
    # the connections are opened read-only); the page's store opens new ones from now on.
    import sqlite3

    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: connect(
        f"file:{path}?mode=ro", uri=True, **kw))
    cs.store().close()
    ann.text_input(key="class.answer.1").input(q.answer_text())
    ann = _click(ann, "Send answer")
    _says_unreachable(ann, "press *Send answer* again")
    assert q.prompt in _markdown(ann)  # reading still works: the page is drawn as it is
    assert ann.text_input(key="class.answer.1").value == q.answer_text()
    monkeypatch.setattr(sqlite3, "connect", connect)
    cs.store().close()
    ann = _click(ann, "Send answer")
    _ok(ann)
    assert any("Answer received" in s.value for s in ann.success)
