"""The final browser session: every page at its largest settings, every button clicked
(downloads included), and the server stays alive and under its memory limit.

The Class page (not a step of the guided path, so not in ``PAGES``) is driven as a class
goes, since its live results rerun every second: a teacher starts a class, sends the
largest question the app writes out (the convolution page at its largest RGB settings, a
12x12x3 input and a 7x7x3 kernel), a student joins and answers, the teacher reveals, makes
the largest worksheet (all seven topics, 40 problems) and downloads both PDFs, sends the
next question and ends the class.

The server runs with ``CONVVIZ_MAX_MEMORY_MB`` set. A thread reads the resident memory of
the server and its children (``/proc/<pid>/status``, VmRSS) all along, so a peak between two
clicks counts too; past the limit it stops the server at once (the test fails, and the
machine is spared what the old GIF export did: 23 GB).
"""

from __future__ import annotations

import re
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from convviz.imaging.filters import KERNEL_CHOICES, MAX_KERNELS, WORKING_SIZES
from convviz.nn.presets import ARCHITECTURES
from convviz.serve import class_store, classroom
from convviz.serve.params import grid_to_text
from convviz.teach import examples as ex
from convviz.teach import question_bank, worksheet_cost
from convviz.teach.questions import Question
from convviz.ui.class_teacher import topic_label
from convviz.ui.nav import PAGES

from .conftest import serve_process, shot, wait_idle
from .test_class_screens import pick

LIMIT_MB = 2048
DONE = '[data-testid="stMain"] [data-testid="stPageLink"]'  # each page ends with one
BUTTONS = ('[data-testid="stMain"] [data-testid="stButton"] button, '
           '[data-testid="stMain"] [data-testid="stDownloadButton"] button')
CLOSED_EXPANDER = '[data-testid="stMain"] details:not([open]) > summary'
TABS = '[data-testid="stMain"] [role="tab"]'
# The Play buttons of the browser's grid views (CSS locators pierce their shadow roots).
GRID_PLAY = '[data-testid="stMain"] .cvg-play'
GRID_COUNTER = '[data-testid="stMain"] .cvg [data-convviz-step]'
MAX_CLICKS = 60  # per page: a page that keeps making new buttons still ends

# Set a flag when a script run starts, so a click's run can be waited for to its end (the
# idle state alone is also true in the moment before the run starts).
WATCH_RUN = """() => {
  window.__convvizRan = false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__convvizObserver) window.__convvizObserver.disconnect();
  window.__convvizObserver = new MutationObserver((records) => {
    if (app.getAttribute('data-test-script-state') === 'running'
        || records.some((r) => r.oldValue === 'running')) window.__convvizRan = true;
  });
  window.__convvizObserver.observe(app, {attributeFilter: ['data-test-script-state'],
                                         attributeOldValue: true});
}"""
SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stMain"] [data-stale="true"]');
}"""
RAN_AND_SETTLED = f"() => window.__convvizRan && ({SETTLED})()"
TRAINED = """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
  .some(m => m.innerText.includes('Held-out accuracy')
        && /\\d/.test(m.querySelector('[data-testid="stMetricValue"]').innerText))"""


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and all its descendants, in MB (0 once gone)."""
    total_kb, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total_kb += next((int(line.split()[1]) for line in status.splitlines()
                              if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kb / 1024


class MemoryWatch(threading.Thread):
    """Samples the server's memory every 50 ms; stops the server past ``limit_mb``."""

    def __init__(self, proc, url: str, limit_mb: float) -> None:
        super().__init__(daemon=True)
        self.proc, self.url, self.limit_mb = proc, url, limit_mb
        self.peak, self.peak_during, self.doing = 0.0, "", "starting"
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):  # a sampling period, not a synchronisation
            mb = rss_mb(self.proc.pid)
            if mb > self.peak:
                self.peak, self.peak_during = mb, self.doing
            if mb > self.limit_mb:
                self.proc.kill()
                return

    def check(self) -> None:
        """The server has stayed under the limit so far, is alive and answers."""
        assert self.peak < self.limit_mb, (
            f"{self.peak:.0f} MB during {self.peak_during!r} (limit {self.limit_mb} MB)")
        assert self.proc.poll() is None, f"the server died during {self.doing!r}"
        with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=10) as resp:
            assert resp.status == 200


def _stem(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return "" if stem == "home" else stem


# The convolution page at its largest: a 12x12 input (the largest a question writes out),
# a 7x7 kernel, dilation 3, full padding: 900 steps.
CONV = {"conv.preset": "digit", "conv.x": grid_to_text(ex.make_input("digit", 12, 12)),
        "conv.kname": "custom", "conv.k": grid_to_text(np.arange(49).reshape(7, 7) % 5 - 2),
        "conv.stride": "1", "conv.dil": "3", "conv.pad_kind": "full"}
CONV_RGB = {"conv.mode": "rgb", "conv.nf": str(len(ex.FILTER_MIX)), **CONV}


def _largest() -> list[tuple[str, dict[str, str]]]:
    """Each page at its largest settings, as a link's query parameters (the convolution
    page twice: its GIF is offered with one channel, its most work is RGB)."""
    kernels = [k for k in KERNEL_CHOICES if k != "custom"][: MAX_KERNELS - 1] + ["custom"]
    ramp = np.arange(121, dtype=float).reshape(11, 11) % 7 - 3
    return [
        ("pages/home.py", {}),
        ("pages/convolution.py", {"conv.mode": "gray", **CONV}),
        ("pages/convolution.py", CONV_RGB),
        ("pages/image_filters.py", {  # and a 3000x2000 upload
            "img.source": "upload", "img.size": str(max(WORKING_SIZES)), "img.view": "rgb",
            "img.kernels": ",".join(kernels), "img.custom": grid_to_text(ramp),
            "img.stride": "1", "img.dil": "4", "img.pad_kind": "full", "img.zoom": "1",
            "img.zsize": "32"}),
        ("pages/output_size.py", {  # 56 x 56 = 3,136 window positions
            "size.h": "16", "size.w": "16", "size.k": "11", "size.s": "1", "size.p": "full",
            "size.d": "4"}),
        ("pages/transposed.py", {  # 36 stamps onto a 22x22 grid, 484 direct-conv steps
            "tr.n": "6", "tr.k": "4", "tr.s": "3", "tr.p": "0", "tr.op": "2", "tr.d": "2",
            "tr.kp": "random", "tr.b": "-9", "tr.img": "grace_hopper", "tr.resize": "bilinear"}),
        ("pages/pooling.py", {
            "pool.n": "12", "pool.k": "4", "pool.tied": "0", "pool.s": "1", "pool.p": "2",
            "pool.ceil": "1", "pool.mode": "avg"}),
        ("pages/layer_shapes.py", {"shapes.h": "4096", "shapes.w": "4096", "shapes.c": "4096"}),
        ("pages/train.py", {
            "train.data": "mnist", "train.arch": ARCHITECTURES["lenet"].text,
            "train.batch": "256", "train.epochs": "200"}),
    ]


def _photo(path: Path) -> None:
    """A 3000x2000 colour photo-like picture (smooth, so the PNG stays under the upload
    limit)."""
    y, x = np.mgrid[0:2000, 0:3000].astype(np.float32)
    rgb = np.stack([x / 3000 * 255, y / 2000 * 255,
                    (np.sin(x / 40) * np.cos(y / 55) + 1) * 127], axis=-1)
    Image.fromarray(rgb.astype(np.uint8)).save(path, optimize=True)


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(DONE)
    wait_idle(pg)


def _after_run(pg, action, watch: MemoryWatch) -> None:
    """Do ``action`` (a click that reruns the script) and wait until that run has ended."""
    pg.wait_for_function(SETTLED, timeout=120_000)  # nothing left over from the last run
    pg.evaluate(WATCH_RUN)
    action()
    try:
        pg.wait_for_function(RAN_AND_SETTLED, timeout=120_000)
    except PlaywrightTimeout:
        watch.check()  # a server stopped at its memory limit, or dead, says so first
        shot(pg, "largest-stuck")
        pytest.fail(f"no finished run within 2 minutes of {watch.doing}")


def _click(pg, button, label: str, title: str, watch: MemoryWatch,
           path: str) -> list[str]:
    """Click one button as a student would; return what was clicked (Play adds Pause)."""
    watch.doing = f"{title}: {label}"
    clicked = [label]
    if button.locator("xpath=ancestor::*[@data-testid='stDownloadButton']").count():
        for attempt in (1, 2):
            try:
                with pg.expect_download(timeout=60_000 * attempt) as info:
                    button.click()
                break
            except PlaywrightTimeout:
                watch.check()
                if attempt == 2:
                    raise
                # Seen under CI's load: the button was drawn by a run that a newer one had
                # replaced, and Streamlit answers "Deferred file ... not found". A student
                # clicks again; so does the test, on the button as drawn now.
                pg.wait_for_function(SETTLED, timeout=120_000)
                button = pg.locator(BUTTONS).filter(has_text=label).first
        assert info.value.path().stat().st_size > 0, label
        wait_idle(pg)
    else:
        _after_run(pg, button.click, watch)
    if label in ("Play", "Start", "Resume"):  # let it run a little, then pause
        if label != "Play":
            pg.wait_for_function(TRAINED, timeout=120_000)
        pause = pg.locator(BUTTONS).filter(has_text="Pause")
        if pause.count() and pause.first.is_enabled():
            watch.doing = f"{title}: Pause"
            _after_run(pg, pause.first.click, watch)
            clicked.append("Pause")
    watch.check()
    assert pg.locator('[data-testid="stException"]').count() == 0, f"{title}: {label}"
    _come_back(pg, title, path, watch, label)
    return clicked


def _come_back(pg, title: str, path: str, watch: MemoryWatch, label: str) -> None:
    """If a button opened another page (e.g. a kernel in the step-by-step view), come back
    the way a student would, in the same session."""
    if urlsplit(pg.url).path.rstrip("/") != f"/{_stem(path)}".rstrip("/"):
        watch.doing = f"{title}: back from {label}"
        _after_run(pg, pg.locator('[data-testid="stSidebarNav"] a', has_text=title).click,
                   watch)
        pg.wait_for_selector(DONE)


def _click_everything(pg, title: str, watch: MemoryWatch, path: str) -> list[str]:
    """Open every tab and every expander, and click every button once, in page order, the
    Reset buttons last (a reset hides what a trained model shows); return what was
    clicked."""
    clicked: list[str] = []

    def click_all(resets: bool) -> None:
        # A second pass, and a third if the second clicked something: a button that was not
        # drawn yet when a pass went by (the page redrawing, seen under CI's load) is
        # clicked in the next one.
        for attempt in range(3):
            before = len(clicked)
            pg.wait_for_function(SETTLED, timeout=120_000)
            i = 0
            while i < pg.locator(BUTTONS).count() and len(clicked) < MAX_CLICKS:
                while pg.locator(CLOSED_EXPANDER).count():  # buttons in expanders show too
                    pg.locator(CLOSED_EXPANDER).first.click()
                button = pg.locator(BUTTONS).nth(i)
                i += 1
                label = button.inner_text().split("\n")[-1].strip()
                if (label in clicked or label.startswith("Reset") != resets
                        or not button.is_visible() or button.is_disabled()):
                    continue
                clicked.extend(_click(pg, button, label, title, watch, path))
            if attempt and len(clicked) == before:
                return

    clicked.extend(_play_grids(pg, title, watch))  # first: at the link's largest settings
    click_all(resets=False)
    t = 0
    # The page a button opened may show in the URL only after the click's run: check again.
    _come_back(pg, title, path, watch, "the last click")
    while t < pg.locator(TABS).count():  # a tab draws its content when chosen
        tab = pg.locator(TABS).nth(t)
        t += 1
        if tab.get_attribute("aria-selected") != "true":
            watch.doing = f"{title}: the {tab.inner_text()} tab"
            _after_run(pg, tab.click, watch)
            clicked.extend(_play_grids(pg, title, watch))
            click_all(resets=False)
            _come_back(pg, title, path, watch, "the last click")
    click_all(resets=True)
    return clicked


def _play_grids(pg, title: str, watch: MemoryWatch) -> list[str]:
    """Play every grid view shown (in the browser) until its step moves, then Pause: the
    pause tells Python the step, a rerun at these settings."""
    played = []
    pg.wait_for_function(SETTLED, timeout=120_000)
    pg.wait_for_load_state("networkidle")  # the components' scripts have loaded
    for k in range(pg.locator(GRID_PLAY).count()):
        play = pg.locator(GRID_PLAY).nth(k)
        if not play.is_visible():
            continue  # a one-step view has no player
        counter = pg.locator(GRID_COUNTER).nth(k)  # one of each per view, in page order
        first = counter.get_attribute("data-convviz-step")
        watch.doing = f"{title}: Play in grid view {k + 1}"
        play.click()
        # The browser plays: the step moves, with no server work.
        expect(counter).not_to_have_attribute("data-convviz-step", first)
        watch.doing = f"{title}: Pause in grid view {k + 1}"
        _after_run(pg, play.click, watch)  # now "Pause"
        assert play.inner_text() == "Play"
        watch.check()
        assert pg.locator('[data-testid="stException"]').count() == 0, watch.doing
        played += [f"Play (grid view {k + 1})", f"Pause (grid view {k + 1})"]
    return played


def _no_exception(watch: MemoryWatch, *pages) -> None:
    watch.check()
    for pg in pages:
        assert pg.locator('[data-testid="stException"]').count() == 0, watch.doing


def _class_at_its_largest(browser, pg, url: str, store_path: str,
                          watch: MemoryWatch) -> list[str]:
    """A class at the Class page's largest settings, as a teacher (``pg``) and a student
    run it; return what was done. The teacher's live results rerun every second, so each
    step waits for what it should show rather than for the script to be idle."""
    done: list[str] = []

    def step(what: str) -> None:
        watch.doing = f"Class: {what}"
        done.append(what)

    step("start a class")
    _open(pg, f"{url}/classroom")
    pg.get_by_role("button", name="Start a class").click()
    heading = pg.get_by_role("heading", name=re.compile(r"^Class code: [A-Z0-9]{4,6}$"))
    expect(heading).to_be_visible()
    code = heading.inner_text().split(": ")[1].strip()
    _no_exception(watch, pg)

    step("send the largest question (convolution, RGB, 12x12, 7x7)")
    _open(pg, f"{url}/convolution?{urlencode(CONV_RGB)}")
    pg.get_by_text("Predict first", exact=True).first.click()
    send = pg.get_by_role("button", name="Send to the class").first
    expect(send).to_be_visible()
    send.click()
    expect(pg.get_by_text(f"Sent to class {code} as question 1.")).to_be_visible()
    question = Question.from_dict(
        classroom.state(class_store.open_store(store_path), code).question)
    assert "(12 x 12" in question.prompt, question.prompt[:200]
    _no_exception(watch, pg)

    step("a student joins and answers")
    s_ctx = browser.new_context(viewport={"width": 390, "height": 844})
    student = s_ctx.new_page()
    student.set_default_timeout(60_000)
    try:
        student.goto(f"{url}/classroom?code={code}")
        student.get_by_role("textbox", name="Your nickname").fill("Ann")
        student.get_by_role("button", name="Join").click()
        expect(student.get_by_role("heading", name="Question 1")).to_be_visible()
        student.get_by_role("textbox", name="Your answer").fill(question.answer_text())
        student.get_by_role("button", name="Send answer").click()
        expect(student.get_by_text("Answer received.", exact=False)).to_be_visible()
        _no_exception(watch, student)

        step("the teacher's results, Reveal")
        pg.get_by_role("link", name="See the answers on the Class page").click()
        expect(pg.get_by_text(re.compile(r"1 of 1 answered · 1 right"))).to_be_visible()
        pg.get_by_role("button", name="Reveal").click()
        expect(pg.get_by_text("Revealed to everyone.", exact=False)).to_be_visible()
        expect(student.get_by_text(f"Right: {question.answer_text()}.",
                                   exact=True)).to_be_visible()
        _no_exception(watch, pg, student)

        step("the largest worksheet: every topic, the most problems")
        pick(pg, pg.get_by_test_id("stMultiSelect"), "Select all")  # the Topics menu
        pg.keyboard.press("Escape")  # close the menu
        problems = pg.get_by_role("spinbutton", name="Problems")
        problems.fill(str(worksheet_cost.MAX_QUESTIONS))
        problems.press("Enter")
        caption = (f"Version A (seed 0): {worksheet_cost.MAX_QUESTIONS} problems on "
                   + ", ".join(topic_label(t).lower() for t in question_bank.TOPICS))
        expect(pg.get_by_text(caption, exact=False)).to_be_visible()
        pg.get_by_role("button", name="Make the worksheet").click()
        for label in ("Worksheet (PDF)", "Answer key (PDF)"):
            button = pg.get_by_role("button", name=label)
            expect(button).to_be_visible(timeout=120_000)
            watch.doing = f"Class: download {label}"
            with pg.expect_download(timeout=60_000) as info:
                button.click()
            assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-", label
            done.append(label)
        _no_exception(watch, pg)
        shot(pg, "largest-class-teacher-worksheet")
        pg.set_viewport_size({"width": 1440, "height": 900})

        step("Next question, End class")
        pg.get_by_role("button", name="Next question").click()
        expect(student.get_by_role("heading", name="Question 2")).to_be_visible()
        pg.get_by_role("button", name="End class").click()
        pg.get_by_role("button", name="Yes, end the class").click()
        expect(pg.get_by_text(f"Class {code} has ended", exact=False)).to_be_visible()
        expect(student.get_by_text("was not found", exact=False)).to_be_visible()
        _no_exception(watch, pg, student)
        shot(student, "largest-class-student")
    finally:
        s_ctx.close()
    shot(pg, "largest-class-teacher")
    return done


def test_largest_settings_every_button_server_alive_under_its_limit(browser, tmp_path):
    photo = tmp_path / "photo.png"
    _photo(photo)
    store_path = str(tmp_path / "classes.sqlite3")
    with serve_process(tmp_path / "streamlit.log",
                       env={"CONVVIZ_MAX_MEMORY_MB": str(LIMIT_MB),
                            class_store.ENV_VAR: store_path}) as (url, proc):
        watch = MemoryWatch(proc, url, LIMIT_MB)
        watch.start()
        context = browser.new_context(viewport={"width": 1440, "height": 900},
                                      accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        clicked = []
        try:
            _open(pg, url)
            for path, params in _largest():
                title = next(p.title for p in PAGES if p.path == path)
                watch.doing = f"{title}: opening"
                _open(pg, f"{url}/{_stem(path)}?{urlencode(params)}")
                if path == "pages/image_filters.py":
                    watch.doing = f"{title}: a 3000x2000 upload"
                    _after_run(pg, lambda: pg.locator(
                        '[data-testid="stFileUploaderDropzoneInput"]').set_input_files(photo),
                        watch)
                watch.check()
                assert pg.locator('[data-testid="stException"]').count() == 0, path
                clicked.append((path, _click_everything(pg, title, watch, path)))
                shot(pg, f"largest-{len(clicked)}-{_stem(path) or 'home'}")
                pg.set_viewport_size({"width": 1440, "height": 900})
            try:
                clicked.append(("pages/classroom.py",
                                _class_at_its_largest(browser, pg, url, store_path, watch)))
            except Exception:
                shot(pg, "largest-class-failed")  # the teacher's page as it was
                raise
            watch.check()
        finally:
            watch.done.set()
            context.close()
    print(f"peak {watch.peak:.0f} MB during {watch.peak_during!r}; clicked {clicked}")
    everything = [label for _, labels in clicked for label in labels]
    for wanted in ("Download the animation (GIF)", "Download the sweep (GIF)",
                   "Download the feature maps (PNG)", "Start", "Download the model (.npz)"):
        assert wanted in everything, f"{wanted!r} was never clicked"
    for path, views in (("pages/convolution.py", 1), ("pages/output_size.py", 1),
                        ("pages/pooling.py", 1), ("pages/train.py", 1)):  # train: gradients
        played = {label for p, labels in clicked if p == path for label in labels
                  if label.startswith("Pause (grid view")}
        assert len(played) >= views, f"{path}: grid views played {sorted(played)}"
