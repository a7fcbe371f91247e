"""The Class page on a classroom projector (1024x768) and a desktop (1440x900), in Chromium.

test_screens.py walks every page once, and the Class page shows there only its landing.
Here a teacher starts a class, sends a convolution question (grids of numbers: the widest
prompt the bank makes), a student joins and answers, the teacher's live results show the
histogram and the teacher reveals the answer. At each step, on the teacher's and on the
student's page: no exception, nothing cramped (tests/e2e/cramped.js) and no visible text
under 16 px in the page's main area (a projector's smallest readable size); screenshots
go to test-artifacts/ (class-screen-<width>-<view>.png).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from convviz.serve import class_store

from .conftest import serve_process, shot, wait_idle

CRAMPED = (Path(__file__).parent / "cramped.js").read_text()
SCREENS = [(1024, 768), (1440, 900)]
MIN_PX = 16
POLL_SEEN = 15_000  # ms: the pages poll the store every second

# Every visible piece of text in the main area (text nodes, and the values that inputs
# show) whose font is under MIN_PX, as "size px, owner: text".
SMALL_TEXT = """(minPx) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [];
  const check = (el, text) => {
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (!box.width || !box.height || cs.visibility === 'hidden') return;
    const px = parseFloat(cs.fontSize);
    if (px < minPx) {
      const owner = el.closest('[data-testid]');
      out.push(`${px} px, ${owner ? owner.dataset.testid : el.tagName}: ${text.slice(0, 50)}`);
    }
  };
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (text && !seen.has(el)) { seen.add(el); check(el, text); }
  }
  for (const e of main.querySelectorAll('input')) {
    if (e.value && !['hidden', 'file', 'checkbox'].includes(e.type)) check(e, e.value);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def class_url(chromium_path, tmp_path_factory):
    """A server of its own with its own class store."""
    where = tmp_path_factory.mktemp("class-screens")
    env = {class_store.ENV_VAR: str(where / "classes.sqlite3")}
    with serve_process(where / "streamlit.log", env) as (url, _):
        yield url


def pick(pg, menu, option: str) -> None:
    """Open ``menu`` and choose ``option``; open it again if a rerun closed it before the
    option could be clicked (seen on a loaded machine)."""
    for attempt in range(3):
        menu.click()
        try:
            pg.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            pg.keyboard.press("Escape")


def _settled(pg) -> None:
    wait_idle(pg)
    pg.wait_for_load_state("networkidle")  # the components' scripts and the images


def _look(pg, name: str) -> list[str]:
    """What reads badly on this page now (and a screenshot of it)."""
    _settled(pg)
    assert pg.locator('[data-testid="stException"]').count() == 0, name
    problems = [f"{name}: {p}" for p in pg.evaluate(CRAMPED)]
    problems += [f"{name}: {p}" for p in pg.evaluate(SMALL_TEXT, MIN_PX)]
    size = pg.viewport_size
    shot(pg, f"class-screen-{size['width']}-{name}")
    pg.set_viewport_size(size)  # shot() stretched it to the page's height
    return problems


@pytest.mark.parametrize("width,height", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_the_class_page_reads_well_on_a_projector(browser, class_url, width, height):
    viewport = {"width": width, "height": height}
    t_ctx = browser.new_context(viewport=viewport)
    s_ctx = browser.new_context(viewport=viewport)
    teacher, student = t_ctx.new_page(), s_ctx.new_page()
    for pg in (teacher, student):
        pg.set_default_timeout(30_000)
    problems: list[str] = []
    try:
        teacher.goto(f"{class_url}/classroom")
        start = teacher.get_by_role("button", name="Start a class")
        expect(start).to_be_visible()
        problems += _look(teacher, "landing")
        start.click()
        heading = teacher.get_by_role("heading", name=re.compile(r"^Class code: [A-Z0-9]+$"))
        expect(heading).to_be_visible()
        code = heading.inner_text().split(": ")[1].strip()

        wait_idle(teacher)
        pick(teacher, teacher.get_by_role("combobox", name="Topic", exact=True), "Convolution")
        wait_idle(teacher)
        teacher.get_by_role("button", name="New question").click()
        send = teacher.get_by_role("button", name="Send to the class")
        expect(send).to_be_visible()
        send.click()
        expect(teacher.get_by_text(f"Sent to class {code} as question 1.")).to_be_visible()

        student.goto(f"{class_url}/classroom?code={code}")
        student.get_by_role("textbox", name="Your nickname").fill("Ann")
        student.get_by_role("button", name="Join").click()
        expect(student.get_by_role("heading", name="Question 1")).to_be_visible(
            timeout=POLL_SEEN)
        student.get_by_role("textbox", name="Your answer").fill("3")
        student.get_by_role("button", name="Send answer").click()
        expect(student.get_by_text("Answer received.", exact=False)).to_be_visible()
        problems += _look(student, "student-answered")

        expect(teacher.get_by_text(re.compile(r"1 of 1 answered"))).to_be_visible(
            timeout=POLL_SEEN)
        expect(teacher.get_by_test_id("stVegaLiteChart")).to_be_visible()
        teacher.get_by_role("button", name="Reveal").click()
        expect(teacher.get_by_text("Revealed to everyone.", exact=False)).to_be_visible()
        problems += _look(teacher, "teacher-revealed")
        expect(student.get_by_test_id("stAlert").filter(
            has_text=re.compile("Right|what you get if you|The answer is"))).to_be_visible(
            timeout=POLL_SEEN)
        problems += _look(student, "student-revealed")
    finally:
        t_ctx.close()
        s_ctx.close()
    assert problems == []
