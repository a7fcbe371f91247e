"""A class in real browsers: a teacher and two students on two server processes.

Two `streamlit run` processes on two loopback ports share one class store (the
``CONVVIZ_CLASS_STORE`` environment variable): a SQLite file, then a real Redis (Debian's
redis-server, started by tests/serve/redis_server.py). The teacher starts a class on process
1; one student joins on process 1 with a phone's screen, the other on process 2 at 1024 px;
the teacher sends a question; the waiting students see it appear (their pages poll the
store); one answers right, one with a named mistake; the teacher's live results show
"Students: 2", the histogram and the mistake's count; Reveal shows each student the
working; End class ends it for everyone. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from serve.redis_server import redis_process, redis_server

from convviz.serve import class_store, classroom
from convviz.teach import worksheet
from convviz.teach.questions import Question

from .conftest import serve_process, shot, wait_idle

EXCEPTION = '[data-testid="stException"]'
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1024, "height": 768}
POLL_SEEN = 15_000  # ms: a poll every second; generous for a loaded 2-core machine


@contextlib.contextmanager
def _two_processes(tmp_path, spec: str):
    env = {class_store.ENV_VAR: spec}
    with serve_process(tmp_path / "one.log", env) as (one, _), \
            serve_process(tmp_path / "two.log", env) as (two, _):
        yield one, two


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return context, pg


def _no_exception(*pages) -> None:
    for pg in pages:
        assert pg.locator(EXCEPTION).count() == 0


def _start(pg, url: str) -> str:
    pg.goto(f"{url}/classroom")
    wait_idle(pg)
    pg.get_by_role("button", name="Start a class").click()
    heading = pg.get_by_role("heading", name=re.compile(r"^Class code: [A-Z0-9]{4,6}$"))
    expect(heading).to_be_visible()
    return heading.inner_text().split(": ")[1].strip()


def _qr_link(pg) -> list[str]:
    """What a phone's camera reads from the QR code on the teacher's page."""
    img = pg.get_by_test_id("stImage").locator("img").first
    expect(img).to_be_visible()
    pg.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    png = img.screenshot()
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


def _join(pg, url: str, code: str, nickname: str) -> None:
    pg.goto(f"{url}/classroom?code={code}")
    wait_idle(pg)
    pg.get_by_role("textbox", name="Your nickname").fill(nickname)
    pg.get_by_role("button", name="Join").click()
    expect(pg.get_by_text(f"You are {nickname} in class {code}.", exact=True)).to_be_visible()
    expect(pg.get_by_text("Waiting for your teacher's question...")).to_be_visible()


def _answer(pg, text: str) -> None:
    box = pg.get_by_role("textbox", name="Your answer")
    box.fill(text)
    pg.get_by_role("button", name="Send answer").click()
    expect(pg.get_by_text("Answer received.", exact=False)).to_be_visible()


def _last_line(markdown: str) -> str:
    """The working's last line as the browser shows it (bold and code marks gone)."""
    line = [ln for ln in markdown.strip().splitlines() if ln.strip()][-1]
    return line.replace("**", "").replace("`", "").strip()


def _class_in_browsers(browser, url_one: str, url_two: str, spec: str, label: str) -> None:
    t_ctx, teacher = _context(browser, PROJECTOR)
    a_ctx, ann = _context(browser, PHONE)
    b_ctx, bo = _context(browser, PROJECTOR)
    try:
        code = _start(teacher, url_one)
        link = f"{url_one}/classroom?code={code}"
        expect(teacher.get_by_text(link, exact=True)).to_be_visible()
        assert _qr_link(teacher) == [link]
        # served on loopback here: the page says students' devices cannot open this link
        expect(teacher.get_by_text("names this computer itself", exact=False)).to_be_visible()
        expect(teacher.get_by_role("heading", name="Students: 0")).to_be_visible()

        # Ann on process 1 (a phone), Bo on process 2; Ann's nickname is markup, shown as text
        ann_name = "<b>Ann</b>"
        _join(ann, url_one, code, ann_name)
        _join(bo, url_two, code, "Bo")
        expect(teacher.get_by_role("heading", name="Students: 2")).to_be_visible(
            timeout=POLL_SEEN)
        assert ann.locator("b", has_text="Ann").count() == 0

        # the teacher sends a question from the bank; the waiting students see it appear
        teacher.get_by_role("button", name="New question").click()
        send = teacher.get_by_role("button", name="Send to the class")
        expect(send).to_be_visible()
        send.click()
        expect(teacher.get_by_text(f"Sent to class {code} as question 1.")).to_be_visible()
        for pg in (ann, bo):
            expect(pg.get_by_role("heading", name="Question 1")).to_be_visible(
                timeout=POLL_SEEN)
        state = classroom.state(class_store.open_store(spec), code)
        q = Question.from_dict(state.question)
        mistake = q.mistakes[0]
        shot(teacher, f"class-{label}-teacher-sent")

        _answer(ann, q.answer_text())
        _answer(bo, Question(q.concept, q.kind, "", mistake.answer, "").answer_text())
        shot(ann, f"class-{label}-student-phone-answered")

        expect(teacher.get_by_text(re.compile(r"2 of 2 answered · 1 right"))).to_be_visible(
            timeout=POLL_SEEN)
        expect(teacher.get_by_test_id("stVegaLiteChart")).to_be_visible()
        expect(teacher.get_by_text(f"{mistake.name}: 1", exact=True)).to_be_visible()
        _no_exception(teacher, ann, bo)
        shot(teacher, f"class-{label}-teacher-results")

        # Reveal: each student sees the verdict and the working
        teacher.get_by_role("button", name="Reveal").click()
        expect(teacher.get_by_text("Revealed to everyone.", exact=False)).to_be_visible()
        expect(ann.get_by_text(f"Right: {q.answer_text()}.", exact=True)).to_be_visible(
            timeout=POLL_SEEN)
        expect(bo.get_by_text(f"is what you get if you {mistake.name}",
                              exact=False)).to_be_visible(timeout=POLL_SEEN)
        for pg in (ann, bo):
            expect(pg.get_by_text(_last_line(q.working), exact=False).first).to_be_visible()
        _no_exception(teacher, ann, bo)
        shot(ann, f"class-{label}-student-phone-revealed")
        shot(bo, f"class-{label}-student-1024-revealed")
        shot(teacher, f"class-{label}-teacher-revealed")

        if label == "sqlite":  # these do not depend on the store: once is enough
            _worksheet(teacher)
            _send_from_an_arithmetic_page(teacher, code, (ann, bo))

        # End class, then the confirmation: the students' pages say the class is gone
        teacher.get_by_role("button", name="End class").click()
        teacher.get_by_role("button", name="Yes, end the class").click()
        expect(teacher.get_by_text(f"Class {code} has ended", exact=False)).to_be_visible()
        for pg in (ann, bo):
            expect(pg.get_by_text("was not found", exact=False)).to_be_visible(
                timeout=POLL_SEEN)
        with pytest.raises(classroom.ClassNotFound):
            classroom.state(class_store.open_store(spec), code)
        _no_exception(teacher, ann, bo)
    finally:
        for ctx in (t_ctx, a_ctx, b_ctx):
            ctx.close()


def test_a_class_on_two_processes_sharing_a_sqlite_file(browser, tmp_path):
    spec = str(tmp_path / "classes.sqlite3")
    with _two_processes(tmp_path, spec) as (one, two):
        _class_in_browsers(browser, one, two, spec, "sqlite")
        _bad_code(browser, two)


def _worksheet(pg) -> None:
    """The teacher downloads the default worksheet and its key: the worksheet module's
    own PDFs for those settings."""
    expected = worksheet.worksheet_pdfs(["output-size", "convolution", "pooling"], 8, 0)
    pg.get_by_role("button", name="Make the worksheet").click()
    expect(pg.get_by_role("button", name="Answer key (PDF)")).to_be_visible(timeout=60_000)
    for label, name, want in (("Worksheet (PDF)", "worksheet_A.pdf", expected[0]),
                              ("Answer key (PDF)", "worksheet_A_key.pdf", expected[1])):
        with pg.expect_download(timeout=60_000) as info:
            pg.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename == name
        assert Path(download.path()).read_bytes() == want


def _send_from_an_arithmetic_page(teacher, code: str, students) -> None:
    """The teacher sends the output-size page's question (Predict first); the students
    get it as question 2; the page links back to the Class page, where the class goes on."""
    teacher.get_by_test_id("stSidebarNav").get_by_role(
        "link", name="Padding, stride, dilation").click()
    teacher.wait_for_url("**/output_size")
    wait_idle(teacher)
    teacher.get_by_text("Predict first", exact=True).first.click()
    # the predict-first block's button: the first (the practice question below has its own)
    send = teacher.get_by_role("button", name="Send to the class").first
    expect(send).to_be_visible()
    shot(teacher, "class-teacher-arithmetic-page-send")
    send.click()
    expect(teacher.get_by_text(f"Sent to class {code} as question 2.")).to_be_visible()
    for pg in students:
        expect(pg.get_by_role("heading", name="Question 2")).to_be_visible(timeout=POLL_SEEN)
        expect(pg.get_by_text("What is the output's", exact=False).first).to_be_visible()
    teacher.get_by_role("link", name="See the answers on the Class page").click()
    teacher.wait_for_url("**/classroom")
    expect(teacher.get_by_role("heading", name=f"Class code: {code}")).to_be_visible()
    expect(teacher.get_by_text(re.compile(r"Question 2 · 0 of 2 answered"))).to_be_visible()


def _bad_code(browser, url: str) -> None:
    """A link with a code written as Markdown: the message shows the characters, no link."""
    ctx, pg = _context(browser, PHONE)
    try:
        pg.goto(f"{url}/classroom?code=[x](//e.co)")
        alert = pg.get_by_test_id("stAlert").filter(has_text="was not found")
        expect(alert).to_contain_text("'[X](//E.CO)' was not found")
        assert alert.locator("a").count() == 0
        expect(pg.get_by_role("textbox", name="Type the code again")).to_be_visible()
        shot(pg, "class-bad-code-phone")
    finally:
        ctx.close()


def test_a_class_on_two_processes_sharing_a_redis(browser, tmp_path):
    with redis_server(tmp_path) as spec, _two_processes(tmp_path, spec) as (one, two):
        _class_in_browsers(browser, one, two, spec, "redis")


def test_a_redis_that_stops_in_the_middle_is_said_and_the_pages_go_on_when_it_is_back(
        browser, tmp_path):
    """Redis stops while a student has typed an answer: both pages say the class store is
    not reachable (no exception), the typed answer stays in its box (also after Send answer
    found the store away), and when Redis is back on its port the pages' polls carry on by
    themselves and the answer goes through."""
    unreachable = "The class store is not reachable right now"
    with redis_process(tmp_path, persist=True) as server, \
            serve_process(tmp_path / "app.log", {class_store.ENV_VAR: server.url}) as (url, _):
        t_ctx, teacher = _context(browser, PROJECTOR)
        a_ctx, ann = _context(browser, PHONE)
        try:
            code = _start(teacher, url)
            _join(ann, url, code, "Ann")
            teacher.get_by_role("button", name="New question").click()
            teacher.get_by_role("button", name="Send to the class").click()
            expect(ann.get_by_role("heading", name="Question 1")).to_be_visible(
                timeout=POLL_SEEN)
            q = Question.from_dict(classroom.state(class_store.open_store(server.url),
                                                   code).question)
            box = ann.get_by_role("textbox", name="Your answer")
            box.fill(q.answer_text())

            server.stop()
            for pg in (teacher, ann):  # each page's one-second poll finds it gone
                expect(pg.get_by_text(unreachable, exact=False)).to_be_visible(
                    timeout=POLL_SEEN)
            expect(box).to_have_value(q.answer_text())
            _no_exception(teacher, ann)
            shot(ann, "class-store-away-student-phone")
            shot(teacher, "class-store-away-teacher")
            # Send answer now: the page, drawn again from the last state it read, says to
            # press it again, with the answer still in its box
            ann.get_by_role("button", name="Send answer").click()
            expect(ann.get_by_text("press Send answer again", exact=False)).to_be_visible()
            expect(box).to_have_value(q.answer_text())
            _no_exception(ann)
            shot(ann, "class-store-away-student-phone-sent")

            server.start()  # the same port, the class kept on disk
            for pg in (teacher, ann):
                expect(pg.get_by_text(unreachable, exact=False)).to_have_count(
                    0, timeout=POLL_SEEN)
            expect(teacher.get_by_role("heading", name="Students: 1")).to_be_visible()
            expect(box).to_have_value(q.answer_text())
            ann.get_by_role("button", name="Send answer").click()
            expect(ann.get_by_text("Answer received.", exact=False)).to_be_visible()
            expect(teacher.get_by_text(re.compile(r"1 of 1 answered · 1 right"))).to_be_visible(
                timeout=POLL_SEEN)
            _no_exception(teacher, ann)
        finally:
            for ctx in (t_ctx, a_ctx):
                ctx.close()
