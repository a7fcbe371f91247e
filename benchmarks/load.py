"""A classroom at once: N browser sessions against one `streamlit run` process.

Starts the app on a loopback port, then drives N concurrent sessions with Playwright and
Debian's Chromium (one browser, one context per session). Most sessions open *Filters on
your image* and add kernels one at a time (a fixed number of actions each), timing each
action from the click to the new feature map loaded in the page; a few (the trainers) open
*Train a CNN*, press Start on the handwritten digits and keep training while the others
work. Prints p50 / p95 of those times, the sessions that saw an error (an exception box, a
timeout, a lost connection) and the server's peak memory, against the targets.

    python benchmarks/load.py [--sessions 30] [--trainers 5] [--actions 3] [--think 10]
                              [--ramp 5] [--client-priority idle] [--port 0] [--timeout 30]
                              [--url http://server:8501]

The sessions open their page a few at a time (--ramp), then all stay connected; the
kernel changes start once every session is open and every trainer shows an accuracy, each
after a random think time (0 to 2x --think seconds: by default 0-20 s, a student looking at
the new feature map before picking another; --think 2 is a stress test).

On one machine the browsers compete with the server for the same cores (a classroom's
browsers run on the students' devices), so they run at idle priority (--client-priority), and
the report adds two figures that separate the two: the server's part of each change (from
the rerun request to the websocket frame carrying the new feature map, on Chromium's
network clock) and the CPU time the server, the browsers and other work used.

Everything stays on 127.0.0.1, unless --url points the browsers at a server started
elsewhere (another machine, or deploy/run.sh's nginx): then this machine runs only the
browsers, as a classroom's laptops would, and the server's memory, CPU and script times are
not measured here. Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import async_playwright, expect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from convviz.imaging.filters import KERNEL_CHOICES, kernel_label  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IDLE = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]')
EXCEPTION = '[data-testid="stException"]'
DEFAULT_KERNELS = ("sobel_x", "sobel_y", "laplacian_4")  # what the image page starts with
POOL = [k for k in KERNEL_CHOICES if k not in (*DEFAULT_KERNELS, "custom")]
TARGET_P95_S, TARGET_MEMORY_MB = 3.0, 2048


@dataclass
class Session:
    """What one browser session measured and what went wrong in it."""

    index: int
    role: str  # "kernels" or "train"
    open_s: float | None = None
    actions_s: list[float] = field(default_factory=list)  # click -> new feature map loaded
    runs_s: list[float] = field(default_factory=list)  # click -> the script run finished
    server_s: list[float] = field(default_factory=list)  # request frame -> answer frame
    span: list[float] = field(default_factory=list)  # time.monotonic() of the first and
    # last moment of the kernel changes
    first_accuracy_s: float | None = None
    final: str = ""
    signalled: bool = False  # a trainer has told the others it trains (or failed)
    errors: list[str] = field(default_factory=list)


# -- the server and its memory ---------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status_kb(pid: int, key: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (0 if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _processes() -> dict[int, tuple[int, int, float]]:
    """Every process: pid -> (parent pid, start time, CPU seconds used), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), int(fields[19]),
                               (int(fields[11]) + int(fields[12])) / tick)
    return out


def _tree(pid: int, procs: dict[int, tuple[int, int, float]]) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for p, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(p)
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class Sampler(threading.Thread):
    """Every 0.2 s: the memory of the server (and any children it has), and the CPU time
    of the server, of the browsers (Chromium's processes) and of the harness (this script
    and Playwright's driver, which every browser event goes through)."""

    def __init__(self, server_pid: int | None) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.peak_kb, self.hwm_kb = server_pid, 0, 0
        self._cpu: dict[tuple[int, int], tuple[str, float]] = {}  # (pid, start) -> (who, s)
        self._kinds: dict[tuple[int, int], str] = {}
        self._base = self._cpu_by_process()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.2):
            self.sample()

    def _cpu_by_process(self) -> dict[tuple[int, int], tuple[str, float]]:
        procs = _processes()
        server = set(_tree(self.server_pid, procs)) if self.server_pid else set()
        return {(p, procs[p][1]): (self._who(p, procs[p][1], server), procs[p][2])
                for p in _tree(os.getpid(), procs) if p in procs}

    def _who(self, pid: int, start: int, server: set[int]) -> str:
        """"server", "harness" or "client" (a browser process), kept per process."""
        key = (pid, start)
        if key not in self._kinds:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                cmd = b""
            self._kinds[key] = ("server" if pid in server else "harness" if (
                pid == os.getpid() or b"/playwright/driver/" in cmd) else "client")
        return self._kinds[key]

    def sample(self) -> None:
        self._cpu.update(self._cpu_by_process())  # the last value seen of each process
        if not self.server_pid:
            return
        tree = _tree(self.server_pid, _processes())
        self.peak_kb = max(self.peak_kb, sum(_status_kb(p, "VmRSS") for p in tree))
        # VmHWM is the kernel's own peak RSS per process: it catches spikes between samples.
        self.hwm_kb = max(self.hwm_kb, sum(_status_kb(p, "VmHWM") for p in tree))

    def cpu_s(self, who: str) -> float:
        """CPU seconds used since the start by the "server", "client" or "harness"."""
        return sum(t - self._base.get(k, (who, 0.0))[1]
                   for k, (w, t) in self._cpu.items() if w == who)

    def stop(self) -> None:
        self.sample()
        self._stop_event.set()


def _machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# Run by the server process before `streamlit run`: times every script run (a page or a
# fragment) and writes one JSON line per run to $CONVVIZ_LOAD_RUNLOG. It measures the
# server alone, waits for Python's lock included; the app itself is not changed.
TIMED_SERVER = """
import json, os, sys, threading, time
from streamlit.runtime.scriptrunner import script_runner as sr
from streamlit.web.cli import main
run, lock = sr.ScriptRunner._run_script, threading.Lock()
out = open(os.environ["CONVVIZ_LOAD_RUNLOG"], "a", buffering=1)
def timed(self, rerun_data):
    t0 = time.monotonic()
    try:
        return run(self, rerun_data)
    finally:
        d = time.monotonic() - t0
        try:
            page = self._pages_manager.get_pages()[
                self._get_script_run_ctx().page_script_hash]["page_name"]
        except Exception:
            page = "?"
        with lock:
            out.write(json.dumps({"t": t0, "d": d, "page": page,
                                  "fragment": bool(rerun_data.fragment_id_queue)}) + "\\n")
sr.ScriptRunner._run_script = timed
sys.argv = ["streamlit", *sys.argv[1:]]
main()
"""


def start_server(port: int, log: Path, runlog: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", TIMED_SERVER, "run", str(ROOT / "app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "CONVVIZ_LOAD_RUNLOG": str(runlog)}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:  # readiness poll of the health endpoint
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"streamlit did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


# -- the sessions ----------------------------------------------------------------------------

async def _check(page, s: Session, where: str) -> None:
    if await page.locator(EXCEPTION).count():
        text = (await page.locator(EXCEPTION).first.inner_text())[:200]
        s.errors.append(f"exception box {where}: {text!r}")


async def _feature_map_loaded(page, kernel: str, timeout_ms: float) -> None:
    """Wait until the feature map of ``kernel`` is in the page and its picture loaded."""
    caption = page.get_by_test_id("stImageCaption").filter(has_text=kernel_label(kernel)[1])
    img = page.get_by_test_id("stImageContainer").filter(has=caption).locator("img").first
    handle = await img.element_handle(timeout=timeout_ms)
    await page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=handle,
                                 timeout=timeout_ms)


async def _watch_frames(page) -> list[tuple[str, float, str]]:
    """Record the page's websocket frames with Chromium's own network timestamps.

    (direction, time in s, base64 payload) for each frame, appended as they come. The
    timestamps are taken in the browser's network service as frames cross the socket, so
    their differences measure the server (and loopback), not the page's rendering.
    """
    frames: list[tuple[str, float, str]] = []
    cdp = await page.context.new_cdp_session(page)
    for event, kind in (("Network.webSocketFrameSent", "sent"),
                        ("Network.webSocketFrameReceived", "recv")):
        cdp.on(event, lambda e, kind=kind: frames.append(
            (kind, e["timestamp"], e["response"]["payloadData"])))
    await cdp.send("Network.enable")
    return frames


def _server_answer(frames: list[tuple[str, float, str]], kernel: str) -> float | None:
    """Seconds from the rerun request (the first frame sent after the click) to the first
    frame received that carries the new feature map (its caption), or None."""
    caption = kernel_label(kernel)[1][:40].encode()
    sent = next((t for kind, t, _ in frames if kind == "sent"), None)
    if sent is None:
        return None
    for kind, t, payload in frames:
        if kind == "recv" and t >= sent and caption in _decode(payload):
            return t - sent
    return None


def _decode(payload: str) -> bytes:
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError:
        return payload.encode()  # a text frame


async def kernel_session(page, url: str, s: Session, args, gate: Gate) -> None:
    t_ms = args.timeout * 1000
    rng = random.Random(s.index)
    async with gate.opening:  # a few at a time, as a class arrives
        t0 = time.perf_counter()
        await page.goto(f"{url}/image_filters", timeout=2 * t_ms, wait_until="commit")
        await _feature_map_loaded(page, DEFAULT_KERNELS[-1], 2 * t_ms)
        await page.wait_for_selector(IDLE, timeout=2 * t_ms)
        s.open_s = time.perf_counter() - t0
    gate.opened()
    await _check(page, s, "on opening")
    frames = await _watch_frames(page)
    await gate.wait(gate.all_open, gate.training)  # everyone here, the trainers training
    box = page.get_by_test_id("stMultiSelect").filter(
        has_text="Kernels").get_by_role("combobox")
    for j in range(args.actions):
        kernel = POOL[(s.index + j * 5) % len(POOL)]  # different per session: few cache hits
        await asyncio.sleep(rng.uniform(0, 2 * args.think))  # a student's think time
        title = kernel_label(kernel)[0]
        await box.click(timeout=t_ms)
        await box.fill(title, timeout=t_ms)
        option = page.get_by_role("option", name=title, exact=True)
        await option.wait_for(timeout=t_ms)
        mark = len(frames)
        if not s.span:
            s.span.append(time.monotonic())
        t0 = time.perf_counter()
        await option.click(timeout=t_ms)
        await _feature_map_loaded(page, kernel, t_ms)
        s.actions_s.append(time.perf_counter() - t0)
        if (answer := _server_answer(frames[mark:], kernel)) is not None:
            s.server_s.append(answer)
        await page.keyboard.press("Escape")
        await page.wait_for_selector(IDLE, timeout=t_ms)
        s.runs_s.append(time.perf_counter() - t0)
        s.span[1:] = [time.monotonic()]
        await _check(page, s, f"after adding {kernel}")


async def train_session(page, url: str, s: Session, args, gate: Gate) -> None:
    t_ms = args.timeout * 1000
    async with gate.opening:
        t0 = time.perf_counter()
        # 200 epochs (a link setting): training goes on until the others are done.
        await page.goto(f"{url}/train?train.epochs=200", timeout=2 * t_ms,
                        wait_until="commit")
        await page.get_by_role("button", name="Start").wait_for(timeout=2 * t_ms)
        await page.wait_for_selector(IDLE, timeout=2 * t_ms)
        s.open_s = time.perf_counter() - t0
    gate.opened()
    await _check(page, s, "on opening")
    metric = page.get_by_test_id("stMetric").filter(has_text="Held-out accuracy")
    value = metric.get_by_test_id("stMetricValue")
    t0 = time.perf_counter()
    await page.get_by_role("button", name="Start").click(timeout=t_ms)
    try:
        await expect(value).to_contain_text("%", timeout=t_ms)
        s.first_accuracy_s = time.perf_counter() - t0
    finally:
        s.signalled = True
        gate.trained()
    await gate.wait(gate.done)  # keep training while the others change kernels
    pause = page.get_by_role("button", name="Pause")
    if await pause.count():
        await pause.click(timeout=t_ms)
    await page.get_by_role("button", name="Resume").wait_for(timeout=t_ms)
    await page.wait_for_selector(IDLE, timeout=t_ms)
    progress = page.get_by_test_id("stProgress")
    step = (await progress.inner_text()).split("·")[0].strip() if await progress.count() else ""
    s.final = f"{await value.inner_text()} held-out, {step}"
    await _check(page, s, "after training")


class Gate:
    """Where the sessions wait for each other; every wait is bounded."""

    def __init__(self, args) -> None:
        self.args = args
        self.opening = asyncio.Semaphore(args.ramp)
        self.all_open, self.training, self.done = (asyncio.Event() for _ in range(3))
        self.n_open = self.n_trained = 0
        if args.trainers == 0:
            self.training.set()

    def opened(self) -> None:
        self.n_open += 1
        if self.n_open == self.args.sessions:
            self.all_open.set()

    def trained(self) -> None:
        self.n_trained += 1
        if self.n_trained == self.args.trainers:
            self.training.set()

    async def wait(self, *events: asyncio.Event) -> None:
        """Wait for ``events``; go on after a generous bound (a stuck session is counted
        as an error where it got stuck, and must not hold up the others)."""
        a = self.args
        bound = a.timeout * (2 * a.sessions / a.ramp + a.actions + 4)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), bound)


async def run_sessions(url: str, args) -> list[Session]:
    sessions = [Session(i, "train" if i < args.trainers else "kernels")
                for i in range(args.sessions)]
    gate = Gate(args)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        # The first visit of a fresh server goes through app.py (registers the navigation).
        warm = await browser.new_context()
        page = await warm.new_page()
        await page.goto(url, timeout=args.timeout * 1000)
        await page.wait_for_selector(IDLE, timeout=args.timeout * 1000)
        await warm.close()

        async def one(s: Session) -> None:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            page.set_default_timeout(args.timeout * 1000)
            try:
                if s.role == "train":
                    await train_session(page, url, s, args, gate)
                else:
                    await kernel_session(page, url, s, args, gate)
            except Exception as exc:  # a timeout or a page error: counted, not raised
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                s.errors.append(f"{type(exc).__name__}: {first[:200]}")
                if s.open_s is None:
                    gate.opened()  # do not keep the others waiting for this one
                if s.role == "train" and not s.signalled:
                    gate.trained()
            finally:
                await context.close()

        async def kernels_then_done() -> None:
            await asyncio.gather(*(one(s) for s in sessions if s.role == "kernels"))
            gate.done.set()

        await asyncio.gather(*(one(s) for s in sessions if s.role == "train"),
                             kernels_then_done())
        await browser.close()
    return sessions


# -- the report ------------------------------------------------------------------------------

def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _script_runs(runlog: Path, sessions: list[Session]) -> dict[str, list[float]]:
    """Durations of the server's script runs while the kernel changes went on."""
    spans = [s.span for s in sessions if len(s.span) == 2]
    if not spans or not runlog.exists():
        return {}
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    out: dict[str, list[float]] = {"image page": [], "training tick": []}
    for line in runlog.read_text().splitlines():
        run = json.loads(line)
        page = run["page"].lower()
        if lo <= run["t"] <= hi:
            if "image" in page and not run["fragment"]:
                out["image page"].append(run["d"])
            elif "train" in page and run["fragment"]:
                out["training tick"].append(run["d"])
    return {k: v for k, v in out.items() if v}


def report(sessions: list[Session], sampler: Sampler, args, wall: float,
           cpu: tuple[float, float, float, float], load: float,
           runs_by_kind: dict[str, list[float]]) -> bool:
    actions = [t for s in sessions for t in s.actions_s]
    runs = [t for s in sessions for t in s.runs_s]
    answers = [t for s in sessions for t in s.server_s]
    opens = [s.open_s for s in sessions if s.open_s is not None]
    firsts = [s.first_accuracy_s for s in sessions if s.first_accuracy_s is not None]
    bad = [s for s in sessions if s.errors]
    peak_mb = max(sampler.peak_kb, sampler.hwm_kb) / 1024
    n_kern = sum(s.role == "kernels" for s in sessions)
    print(f"\nconvviz load: {args.sessions} sessions ({n_kern} add {args.actions} kernels "
          f"each, think time 0-{2 * args.think:g} s; {args.trainers} train on digits), "
          f"{'the server at ' + args.url if args.url else 'one streamlit process'}, "
          f"{os.cpu_count()} cores, {wall:.0f} s in all; browsers' CPU "
          f"priority: {args.client_priority}")
    server, client, harness, busy = cpu
    print(f"  CPU time during the run: server {server:.0f} s, browsers {client:.0f} s, "
          f"harness (this script, Playwright's driver) {harness:.0f} s, other work on the "
          f"machine {max(0.0, busy - server - client - harness):.0f} s, of "
          f"{wall * (os.cpu_count() or 1):.0f} core-seconds (load average before: {load:.1f})")
    if opens:
        print(f"  open a page              p50 {_pct(opens, 50):6.2f} s   "
              f"p95 {_pct(opens, 95):6.2f} s   (n={len(opens)})")
    ok_p95 = True
    if actions:
        p95 = _pct(actions, 95)
        ok_p95 = p95 < TARGET_P95_S
        print(f"  kernel -> feature map    p50 {_pct(actions, 50):6.2f} s   p95 {p95:6.2f} s   "
              f"(n={len(actions)})   target p95 < {TARGET_P95_S:g} s: "
              f"{'met' if ok_p95 else 'MISSED'}")
        print(f"  kernel -> run finished   p50 {_pct(runs, 50):6.2f} s   "
              f"p95 {_pct(runs, 95):6.2f} s")
    if answers:
        print(f"  server's part            p50 {_pct(answers, 50):6.2f} s   "
              f"p95 {_pct(answers, 95):6.2f} s   (n={len(answers)}; rerun request -> the "
              "frame with the new map, Chromium's network clock)")
    for kind, times in runs_by_kind.items():
        print(f"  server: {kind + ' run':<17} p50 {_pct(times, 50):6.2f} s   "
              f"p95 {_pct(times, 95):6.2f} s   (n={len(times)}; script time while the "
              "kernels changed)")
    if firsts:
        print(f"  Start -> first accuracy  p50 {_pct(firsts, 50):6.2f} s   "
              f"max {max(firsts):6.2f} s   (n={len(firsts)})")
    for s in sessions:
        if s.role == "train" and s.final:
            print(f"    trainer {s.index}: {s.final}")
    ok_err = not bad
    print(f"  sessions with errors     {len(bad)} of {len(sessions)}   target 0: "
          f"{'met' if ok_err else 'MISSED'}")
    for s in bad[:10]:
        print(f"    session {s.index} ({s.role}): {'; '.join(s.errors)}")
    if args.url is not None:
        print(f"  server peak memory       not measured (the server at {args.url} is not "
              "this machine's child process)")
        return ok_p95 and ok_err
    ok_mem = peak_mb < TARGET_MEMORY_MB
    print(f"  server peak memory       {peak_mb:6.0f} MB (sampled RSS {sampler.peak_kb / 1024:.0f}"
          f" MB, VmHWM {sampler.hwm_kb / 1024:.0f} MB)   target < {TARGET_MEMORY_MB} MB: "
          f"{'met' if ok_mem else 'MISSED'}")
    return ok_p95 and ok_err and ok_mem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="browser sessions (30)")
    parser.add_argument("--trainers", type=int, default=None,
                        help="how many of them train on digits (default: one in six, 5 of 30)")
    parser.add_argument("--actions", type=int, default=3, help="kernel changes per session (3)")
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean pause before each change, seconds (10; 0: all at once)")
    parser.add_argument("--ramp", type=int, default=5,
                        help="sessions that open their page at the same time (5)")
    parser.add_argument("--client-priority", choices=("idle", "low", "same"), default="idle",
                        help="CPU priority of the browsers: idle (SCHED_IDLE: only what the "
                        "server leaves, the default), low (nice 19) or same (as the server)")
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: a free one)")
    parser.add_argument("--url", default=None,
                        help="drive a server already running there instead of starting one")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds one step may take before it counts as an error (30)")
    parser.add_argument("--chromium", default=os.environ.get("CONVVIZ_CHROMIUM",
                                                             "/usr/bin/chromium"))
    args = parser.parse_args()
    if args.trainers is None:
        args.trainers = round(args.sessions / 6)
    if not 0 <= args.trainers <= args.sessions or min(args.sessions, args.actions,
                                                      args.ramp) < 1:
        parser.error("need 1 <= sessions, 0 <= trainers <= sessions, 1 <= actions, 1 <= ramp")
    if args.actions > 5:  # the page applies at most 8 kernels; it starts with 3
        parser.error("--actions must be at most 5")
    if not (os.path.exists(args.chromium) or shutil.which("chromium")):
        sys.exit("Debian's Chromium is missing: apt-get install -y chromium "
                 "(never `playwright install`)")
    with tempfile.TemporaryDirectory(prefix="convviz-load-") as tmp:
        log = Path(tmp) / "streamlit.log"
        runlog = Path(tmp) / "runs.jsonl"
        proc = None
        if args.url is None:
            port = args.port or _free_port()
            url = f"http://127.0.0.1:{port}"
            proc = start_server(port, log, runlog)
        else:
            url = args.url.rstrip("/")
        # The browsers stand in for the students' own devices: from here on this process
        # and its children (Playwright's driver, Chromium) run at a low priority, so they
        # use the CPU the server leaves instead of taking it from the server.
        if args.client_priority == "idle":
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        elif args.client_priority == "low":
            os.nice(19)
        sampler = Sampler(proc.pid if proc else None)
        sampler.start()
        load = os.getloadavg()[0]
        t0, busy0 = time.perf_counter(), _machine_busy_s()
        try:
            sessions = asyncio.run(run_sessions(url, args))
        finally:
            sampler.stop()
            cpu = (sampler.cpu_s("server"), sampler.cpu_s("client"),
                   sampler.cpu_s("harness"), _machine_busy_s() - busy0)
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        ok = report(sessions, sampler, args, time.perf_counter() - t0, cpu, load,
                    _script_runs(runlog, sessions))
        if log.exists() and any("Traceback" in line for line in log.read_text().splitlines()):
            print("  the server log has a traceback:\n" + log.read_text()[-2000:])
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
