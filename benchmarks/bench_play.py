"""Play in the browser: the steps a viewer sees per second, and what playing costs the server.

Starts the app on a loopback port and opens N sessions (one Chromium, one context each) on
the convolution page (a 12x12 input, 144 steps), sets the component's speed and presses Play
in every one; whenever a session's playback reaches the last step it presses Play again
(which starts over), for --seconds. Prints:

- in the first session, the steps delivered per second while playing and how many steps
  were skipped (every change of ``data-convviz-step`` is recorded in the page by a
  MutationObserver, so nothing is missed between samples);
- the server's CPU time over the run, in core-seconds per second, for all N sessions;
- with --baseline REF (default: the last commit whose step view was drawn on the server),
  the same N sessions against that commit served from a temporary git worktree, pressing its
  server-rendered Play at its nearest speed: the figure the browser component replaces.

    python benchmarks/bench_play.py [--sessions 5] [--seconds 20] [--speed 10]
                                    [--baseline e2847db | --baseline none]

Target (DESIGN.md, issue 12): every step shown at 10 steps/s (at least 9 delivered per second,
none skipped) and under 0.1 core-seconds per second of server time for five sessions.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CONVVIZ_CHROMIUM", "/usr/bin/chromium")
IDLE = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]')
BASELINE = "e2847db"  # the step view still drawn on the server, one rerun per frame
OLD_SPEEDS = (0.5, 1, 2, 4, 8, 15)  # the server-rendered player's choices (default 2)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

OBSERVE = """(el) => {
  window.__steps = [[performance.now(), Number(el.dataset.convvizStep)]];
  new MutationObserver(() => window.__steps.push(
      [performance.now(), Number(el.dataset.convvizStep)]))
    .observe(el, {attributes: true, attributeFilter: ["data-convviz-step"]});
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextlib.contextmanager
def server(checkout: Path):
    """`streamlit run app.py` of ``checkout`` on a free loopback port: yield (url, pid)."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(checkout))  # the checkout's convviz, not ours
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=checkout, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError):
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"the server did not start:\n{log.read()[-2000:]!r}")
                time.sleep(0.2)
            yield url, proc.pid
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                proc.kill()


@contextlib.contextmanager
def worktree(ref: str):
    """A temporary git worktree of ``ref``."""
    path = Path(tempfile.mkdtemp(prefix="convviz-baseline-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(path), ref], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT,
                       capture_output=True)
        shutil.rmtree(path, ignore_errors=True)


# A 12x12 input with one cell of padding: 144 steps, 14 s of playing at 10 steps/s between
# two presses of Play (each end of playback reports its step to Python: one rerun).
EXAMPLE = "conv.x=" + ";".join(",".join(str((r * 7 + c * 3) % 10) for c in range(12))
                               for r in range(12)) + "&conv.pad=1"


def open_sessions(browser, url: str, n: int):
    pages = []
    for _ in range(n):
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        page.goto(f"{url}/convolution?{EXAMPLE}")
        page.wait_for_selector(IDLE, timeout=60_000)
        pages.append(page)
    return pages


def play_component(pages, speed: int, seconds: float, pid: int) -> dict:
    """Press the component's Play in every page at ``speed``; keep playing for ``seconds``."""
    for page in pages:
        page.get_by_label("Speed (steps per second)").select_option(str(speed))
    step = pages[0].locator("[data-convviz-step]").first
    step.element_handle().evaluate(OBSERVE)
    buttons = [page.get_by_role("button", name="Play", exact=True) for page in pages]
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    for button in buttons:
        button.click()
    restarts = 0
    while time.monotonic() - start < seconds:
        for button in buttons:  # at the last step playback stops: press Play again
            if button.count():
                button.click()
                restarts += 1
        pages[0].wait_for_timeout(200)
    cpu = cpu_seconds(pid) - start_cpu
    elapsed = time.monotonic() - start
    samples = pages[0].evaluate("window.__steps")
    return {"cpu": cpu / elapsed, "restarts": restarts, **delivered(samples)}


def delivered(samples: list[list[float]]) -> dict:
    """Steps per second while playing, and skipped steps, from (ms, step) changes."""
    moves = skips = 0
    playing_ms = 0.0
    for (t0, s0), (t1, s1) in zip(samples, samples[1:], strict=False):
        if s1 == s0 + 1:
            moves += 1
            playing_ms += t1 - t0
        elif s1 > s0 + 1:
            skips += s1 - s0 - 1
            moves += 1
            playing_ms += t1 - t0
    rate = moves / (playing_ms / 1000) if playing_ms else 0.0
    return {"rate": rate, "moves": moves, "skips": skips}


def play_server_rendered(pages, speed: float, seconds: float, pid: int) -> dict:
    """The baseline: the server-rendered player's Play, at its ``speed`` choice."""
    clicks = OLD_SPEEDS.index(speed) - OLD_SPEEDS.index(2)
    for page in pages:
        thumb = page.get_by_role("slider", name="Speed (steps per second)")
        thumb.focus()
        for _ in range(clicks):
            thumb.press("ArrowRight")
            page.wait_for_selector(IDLE)
    buttons = [page.get_by_role("button", name="Play") for page in pages]
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    for button in buttons:
        button.click()
    restarts = 0
    while time.monotonic() - start < seconds:
        for button in buttons:
            if button.count():
                button.click()
                restarts += 1
        pages[0].wait_for_timeout(200)
    cpu = cpu_seconds(pid) - start_cpu
    return {"cpu": cpu / (time.monotonic() - start), "restarts": restarts}


def measure(checkout: Path, args, component: bool) -> dict:
    from playwright.sync_api import sync_playwright

    with server(checkout) as (url, pid), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        try:
            pages = open_sessions(browser, url, args.sessions)
            if component:
                return play_component(pages, args.speed, args.seconds, pid)
            old = min(OLD_SPEEDS, key=lambda v: abs(v - args.speed))
            return {"speed": old, **play_server_rendered(pages, old, args.seconds, pid)}
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--speed", type=int, default=10, help="steps per second, 1..30")
    parser.add_argument("--baseline", default=BASELINE,
                        help="git ref of the server-rendered player ('none': skip)")
    args = parser.parse_args()
    now = measure(ROOT, args, component=True)
    print(f"{args.sessions} sessions playing the convolution step view at {args.speed} "
          f"steps/s for {args.seconds:.0f} s")
    ok_rate = now["rate"] >= 0.9 * args.speed and now["skips"] == 0
    print(f"  browser: {now['rate']:.1f} steps/s delivered in session 1 ({now['moves']} "
          f"moves, {now['skips']} skipped)  [target >= {0.9 * args.speed:.0f}, none "
          f"skipped: {'met' if ok_rate else 'MISSED'}]")
    ok_cpu = now["cpu"] < 0.1
    print(f"  server:  {now['cpu']:.3f} core-seconds per second for all sessions "
          f"({now['restarts']} restarts at the last step)  [target < 0.1: "
          f"{'met' if ok_cpu else 'MISSED'}]")
    if args.baseline.lower() != "none":
        with worktree(args.baseline) as path:
            old = measure(path, args, component=False)
        print(f"  server-rendered baseline ({args.baseline}, its speed {old['speed']:g}): "
              f"{old['cpu']:.3f} core-seconds per second "
              f"({old['cpu'] / max(now['cpu'], 1e-3):.0f}x the component's)")
    sys.exit(0 if ok_rate and ok_cpu else 1)


if __name__ == "__main__":
    main()
