"""What a reload of the Class page shows while the keeper restores the class, in Chromium.

A teacher's reload is a new session whose first run cannot know yet that the browser
teaches a class (convviz.ui.class_keeper). The page must go from "Looking for a class this
browser teaches..." to the class, never through the landing (Start a class, Join): a
teacher projecting the page would see the room offered a new class for a moment. A
recorder installed before the page's own scripts looks at every frame the browser draws
and notes whether the landing's "Start a class" button or the note was on screen.

A browser that teaches nothing sees the landing, and the note goes away.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from convviz.serve import class_store
from convviz.ui.class_keeper import WAITING_TEXT

from .conftest import serve_process, shot, wait_idle

PROJECTOR = {"width": 1024, "height": 768}

# Every frame: was the landing's "Start a class" button, or the waiting note, visible?
RECORDER = """
window.__classSeen = {landing: 0, note: 0, frames: 0};
(() => {
  const visible = (e) => {
    if (!e) return false;
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  };
  const tick = () => {
    const seen = window.__classSeen;
    seen.frames += 1;
    const start = [...document.querySelectorAll('button')]
      .find((b) => b.innerText.includes('Start a class'));
    if (visible(start)) seen.landing += 1;
    if (visible(document.querySelector('.st-key-class-restoring'))) seen.note += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def test_a_reload_goes_from_a_neutral_note_to_the_class_never_through_the_landing(
        browser, tmp_path):
    spec = str(tmp_path / "classes.sqlite3")
    with serve_process(tmp_path / "app.log", {class_store.ENV_VAR: spec}) as (url, _):
        context = browser.new_context(viewport=PROJECTOR)
        context.add_init_script(RECORDER)
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        try:
            pg.goto(f"{url}/classroom")
            start = pg.get_by_role("button", name="Start a class")
            expect(start).to_be_visible()  # nothing held: the landing shows
            expect(pg.get_by_text(WAITING_TEXT)).to_be_hidden()
            start.click()
            heading = pg.get_by_role("heading", name=re.compile(r"^Class code: [A-Z0-9]+$"))
            expect(heading).to_be_visible()
            code = heading.inner_text().split(": ")[1].strip()
            wait_idle(pg)

            pg.reload()  # F5 on the projector: a new session
            expect(pg.get_by_text(f"Welcome back: you are teaching class {code}.",
                                  exact=True)).to_be_visible()
            expect(pg.get_by_role("button", name="End class")).to_be_visible()
            seen = pg.evaluate("window.__classSeen")
            assert seen["frames"] > 0
            assert seen["landing"] == 0, seen  # the landing was never on screen
            assert seen["note"] > 0, seen  # the note was, until the class came back
            shot(pg, "class-reload-restored-1024")
        finally:
            context.close()
