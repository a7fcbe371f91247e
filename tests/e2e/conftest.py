"""Real-browser fixtures: the app under `streamlit run` on a free loopback port, driven by
Playwright with Debian's Chromium (never `playwright install`, which downloads).

Without /usr/bin/chromium these tests skip with a hint, except under CI (CI=true), where
they must run: `.ci/run` installs Chromium with apt-get.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from convviz.nn.model_files import model_bytes
from convviz.nn.presets import model_from_preset

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CONVVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# An `expect(...)` waits this long (Playwright's default is 5 s): on CI's two cores, with a
# browser, a server and the tests sharing them, one Streamlit rerun can take longer.
expect.set_options(timeout=20_000)

IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]' \
       '[data-test-script-state="notRunning"]'


# The grid view's root under the container of the component with key `key`.
ROOT_JS = """(key) => {
  const box = document.querySelector('.st-key-' + key.replace(/\\./g, '-'));
  if (!box) return null;
  for (const host of [box, ...box.querySelectorAll('*')]) {
    const r = host.shadowRoot && host.shadowRoot.querySelector('.cvg');
    if (r) return r;
  }
  return null;
}"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        msg = ("Debian's Chromium is not installed: `apt-get install -y chromium` "
               "(the e2e tests use /usr/bin/chromium; never `playwright install`)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " -- required under CI")
        pytest.skip(msg)
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float,
                 failure: str) -> None:
    """Poll ``url``'s health endpoint until it answers 200 (a readiness check, not a UI
    synchronisation); fail with ``failure`` and the log's tail if ``proc`` exits first or
    ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{failure}:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def serve(log: Path):
    """Start `streamlit run app.py` on a free loopback port; yield its URL; stop it."""
    with serve_process(log) as (url, _):
        yield url


@contextlib.contextmanager
def serve_process(log: Path, env: dict[str, str] | None = None):
    """As :func:`serve`, with ``env`` added to the server's environment; yield its URL and
    its process (to watch its memory)."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, 60, "streamlit did not start")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory) -> str:
    """The app served once for the whole e2e session."""
    with serve(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def wait_idle(pg) -> None:
    """Wait until the script run has finished, as Streamlit's own e2e tests do."""
    pg.wait_for_selector(IDLE, timeout=30_000)


def open_session(browser, url: str, *, width: int = 1024, height: int = 768):
    """A new browser session (a context of its own) showing ``url`` at ``width`` x ``height``
    once its first run has finished; close it with ``pg.context.close()``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(url)
    wait_idle(pg)
    return pg


def progress_line(pg, label: str) -> str:
    """The home page's "Your progress" line of the concept shown as ``label``."""
    return pg.locator('[data-testid="stMarkdownContainer"] li', has_text=label).first.inner_text()


def shot(pg, name: str) -> Path:
    """Save a screenshot of the whole page (not just the viewport) as a test artifact.

    Streamlit scrolls inside its main container, so the viewport is first stretched to the
    content's height; then the images and widgets that appeared are given time to load.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    height = pg.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    width = pg.viewport_size["width"] if pg.viewport_size else 1400
    pg.set_viewport_size({"width": width, "height": min(max(int(height), 800), 8000)})
    pg.wait_for_load_state("networkidle")
    wait_idle(pg)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def load_model_file(page, app_url, tmp_path):
    """Open the training page and load a small model from a file (never trained in this
    session); returns the model."""
    model = model_from_preset("tiny", (16, 16, 1), 10, seed=5)
    path = tmp_path / "tiny.npz"
    path.write_bytes(model_bytes(model))
    page.goto(app_url)
    wait_idle(page)
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("tab", name="Save or load").click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    expect(page.get_by_text(re.compile("loaded from “tiny.npz”"))).to_be_visible()
    wait_idle(page)
    return model
