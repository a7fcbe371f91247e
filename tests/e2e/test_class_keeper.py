"""A teacher's browser keeps the class across reloads (convviz.ui.class_keeper, keeper.js).

One `streamlit run` on a temporary SQLite class store, Chromium at 1024 x 768 (a
projector). The teacher starts a class and reloads the tab: the Class page still shows the
class code with Reveal and End class. A second tab, and /pooling opened by its address,
teach it too: Predict first shows "Send to the class", and it sends. A student, in a
browser of their own, never sees a teacher's control and their browser keeps nothing. After
End class the browser holds nothing and a reload offers a new class. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from convviz.serve import class_store, classroom
from convviz.serve.classroom import ClassHandle
from convviz.ui.class_keeper import STORAGE_KEY, kept_handle

from .conftest import serve_process, shot, wait_idle

PROJECTOR = {"width": 1024, "height": 768}
EXCEPTION = '[data-testid="stException"]'
HELD = f"() => window.localStorage.getItem({json.dumps(STORAGE_KEY)})"
KEEPER = ".st-key-class-keeper"


def _context(browser):
    context = browser.new_context(viewport=PROJECTOR)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return context, pg


def _takes_no_space(pg) -> None:
    """The keeper's element is on the page and takes no space (no gap either)."""
    expect(pg.locator(KEEPER)).to_have_count(1)
    box = pg.locator(KEEPER).evaluate(
        "(el) => [el.dataset.testid, getComputedStyle(el).display,"
        " el.getBoundingClientRect().height]")
    assert box == ["stElementContainer", "none", 0]  # the flex item itself: no gap


def _teacher_controls(pg, code: str) -> None:
    expect(pg.get_by_role("heading", name=f"Class code: {code}")).to_be_visible()
    for name in ("Reveal", "End class"):
        expect(pg.get_by_role("button", name=name)).to_be_visible()


def _no_secret_shown(pg, secret: str) -> None:
    assert secret not in pg.url
    assert secret not in pg.locator("body").inner_text()


def test_a_reload_a_second_tab_and_a_typed_address_teach_on_until_the_class_ends(
        browser, tmp_path):
    spec = str(tmp_path / "classes.sqlite3")
    store = class_store.open_store(spec)
    with serve_process(tmp_path / "app.log", {class_store.ENV_VAR: spec}) as (url, _):
        t_ctx, teacher = _context(browser)
        s_ctx, student = _context(browser)
        try:
            teacher.goto(f"{url}/classroom")
            wait_idle(teacher)
            teacher.get_by_role("button", name="Start a class").click()
            heading = teacher.get_by_role("heading",
                                          name=re.compile(r"^Class code: [A-Z0-9]{4,6}$"))
            expect(heading).to_be_visible()
            code = heading.inner_text().split(": ")[1].strip()
            held = json.loads(teacher.wait_for_function(f"{HELD} || null").json_value())
            assert held["code"] == code
            secret = held["secret"]
            assert kept_handle(store, ClassHandle(code, secret)) is not None  # the real one
            _no_secret_shown(teacher, secret)

            # F5 on the projector: a new session, the same class and its controls
            teacher.reload()
            expect(teacher.get_by_text(f"Welcome back: you are teaching class {code}.",
                                       exact=True)).to_be_visible()
            _teacher_controls(teacher, code)
            expect(teacher.get_by_role("heading", name="Students: 0")).to_be_visible()
            _takes_no_space(teacher)
            _no_secret_shown(teacher, secret)
            assert teacher.locator(EXCEPTION).count() == 0
            shot(teacher, "class-keeper-teacher-reloaded-1024")

            # a second tab of the same browser teaches it too
            tab = t_ctx.new_page()
            tab.goto(f"{url}/classroom")
            _teacher_controls(tab, code)
            tab.close()

            # /pooling typed in the address bar: Predict first has "Send to the class"
            teacher.goto(f"{url}/pooling")
            wait_idle(teacher)
            teacher.get_by_text("Predict first", exact=True).first.click()
            send = teacher.get_by_role("button", name="Send to the class")
            expect(send).to_be_visible()
            _takes_no_space(teacher)
            shot(teacher, "class-keeper-pooling-send-1024")
            send.click()
            expect(teacher.get_by_text(f"Sent to class {code} as question 1.")).to_be_visible()
            assert classroom.state(store, code).number == 1

            # a student, in a browser of their own: no teacher's control, nothing kept
            student.goto(f"{url}/classroom?code={code}")
            wait_idle(student)
            student.get_by_role("textbox", name="Your nickname").fill("Ann")
            student.get_by_role("button", name="Join").click()
            expect(student.get_by_role("heading", name="Question 1")).to_be_visible()
            student.reload()
            wait_idle(student)
            assert student.get_by_role("button", name="End class").count() == 0
            student.goto(f"{url}/pooling")
            wait_idle(student)
            student.get_by_text("Predict first", exact=True).first.click()
            expect(student.get_by_role("button", name="Check")).to_be_visible()
            wait_idle(student)
            assert student.get_by_role("button", name="Send to the class").count() == 0
            student.goto(f"{url}/classroom")
            wait_idle(student)
            for name in ("Reveal", "Next question", "End class"):
                assert student.get_by_role("button", name=name).count() == 0
            assert student.evaluate(HELD) is None
            assert student.locator(EXCEPTION).count() == 0
            shot(student, "class-keeper-student-1024")

            # End class: the browser holds nothing, and a reload offers a new class
            teacher.goto(f"{url}/classroom")
            _teacher_controls(teacher, code)
            teacher.get_by_role("button", name="End class").click()
            teacher.get_by_role("button", name="Yes, end the class").click()
            expect(teacher.get_by_text(f"Class {code} has ended", exact=False)).to_be_visible()
            teacher.wait_for_function(f"{HELD} === null")
            teacher.reload()
            wait_idle(teacher)
            expect(teacher.get_by_role("button", name="Start a class")).to_be_visible()
            assert teacher.get_by_role("heading", name=f"Class code: {code}").count() == 0
            assert teacher.get_by_role("button", name="End class").count() == 0
            assert teacher.locator(EXCEPTION).count() == 0
            shot(teacher, "class-keeper-teacher-ended-reloaded-1024")
        finally:
            t_ctx.close()
            s_ctx.close()
