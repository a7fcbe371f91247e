"""A live class: 30 students join and answer; how long until everyone sees the question, and
until the teacher sees every answer.

Clients that cost little: each student is a thread calling the class API
(:mod:`convviz.serve.classroom`) the way the Class page does, polling :func:`state` every
``--poll`` seconds (the page's poll interval, 1 s) with a random phase, and answering as
soon as a question appears; the teacher sends a question, then polls :func:`results` at the
same interval until all the answers are in, reveals, and sends the next one. A Streamlit
server runs its sessions on threads, so threads in one or two OS processes are the
server's side of the class without the browsers (which, on this 2-core machine, would be
the bottleneck: README, *A classroom at once*).

Two layouts, as behind ``deploy/``: **1 process** (the teacher and the 30 students in this
process) and **2 processes** (the teacher and 15 students here, 15 students in a second
OS process), on each store: SQLite (a WAL file in a temporary folder) and Redis (Debian's
redis-server started on a free loopback port, or ``--redis-url``).

Prints, per store and layout, medians over the rounds (one question each):

- send -> every student has seen it (the slowest of the 30; bound by the poll interval);
- last answer -> the teacher's results show all 30 answers (bound by the teacher's poll);
- the store's own time per call, under that load: a student's ``state`` (read), ``answer``
  (read, check, compare-and-set write), the teacher's ``results``, ``send`` and ``join``.

Then the server's script time on the Class page itself (Streamlit's AppTest, one session
per student, on SQLite, one run at a time, as ``bench_pages.py`` measures pages): a waiting
student's page, the run that shows a sent question, an answer, and the teacher's page with
every answer in; and their sum for the 30 students (what one process computes in the
second after a send). ``--no-pages`` skips it.

    python benchmarks/bench_class.py [--students 30] [--rounds 7] [--poll 1.0]
                                     [--stores sqlite,redis] [--redis-url redis://...]
                                     [--no-pages]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from convviz.serve.class_store import open_store  # noqa: E402
from convviz.serve.classroom import (  # noqa: E402
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
from convviz.teach.questions import Mistake, Question  # noqa: E402


def _question(k: int) -> dict:
    side = 7 + k
    return Question("output-size", "output_size", f"{side} x {side} input, 3 x 3 kernel: "
                    "output side?", (float(side - 2),), f"({side} - 3) / 1 + 1 = {side - 2}",
                    (Mistake("forgot the + 1", (float(side - 3),), "..."),)).to_dict()


def _student(spec: str, code: str, name: str, poll: float, log: dict, lock) -> None:
    """One student: join, poll state every ``poll`` s, answer each new question at once."""
    store = open_store(spec)
    rng = random.Random(name)
    t0 = time.perf_counter()
    sid = join(store, code, name)
    times = defaultdict(list)
    times["join"].append(time.perf_counter() - t0)
    seen: dict[int, float] = {}
    answered: dict[int, float] = {}
    next_poll = time.monotonic() + rng.uniform(0, poll)  # sessions poll out of phase
    while True:
        time.sleep(max(0.0, next_poll - time.monotonic()))
        next_poll += poll
        t0 = time.perf_counter()
        try:
            s = state(store, code)
        except ClassNotFound:
            break  # the teacher ended the class
        times["state"].append(time.perf_counter() - t0)
        if s.number and s.number not in seen and not s.revealed:
            seen[s.number] = time.time()
            right = s.question["answer"][0]
            t0 = time.perf_counter()
            answer(store, code, sid, str(int(right) - (s.number + len(name)) % 2))
            times["answer"].append(time.perf_counter() - t0)
            answered[s.number] = time.time()
    with lock:
        for k, v in times.items():
            log["times"].setdefault(k, []).extend(v)
        for k, v in seen.items():
            log["seen"].setdefault(k, []).append(v)
        for k, v in answered.items():
            log["answered"].setdefault(k, []).append(v)


def _students(spec: str, code: str, names: list[str], poll: float) -> dict:
    """Students as threads of this process; their times when the class ends."""
    log: dict = {"times": {}, "seen": {}, "answered": {}}
    lock = threading.Lock()
    threads = [threading.Thread(target=_student, args=(spec, code, n, poll, log, lock))
               for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return log


def _other_process(spec: str, code: str, names: list[str], poll: float, out) -> None:
    out.put(_students(spec, code, names, poll))


def run(spec: str, n_students: int, n_processes: int, rounds: int, poll: float) -> dict:
    """One class: the teacher in this thread, students split over ``n_processes``."""
    store = open_store(spec)
    klass = start_class(store)
    names = [f"student {i}" for i in range(n_students)]
    here, there = names[: n_students // n_processes], names[n_students // n_processes:]
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    other = None
    if there:
        other = ctx.Process(target=_other_process, args=(spec, klass.code, there, poll, out))
        other.start()
    box: dict = {}
    local = threading.Thread(target=lambda: box.update(_students(spec, klass.code, here,
                                                                  poll)))
    local.start()
    times = defaultdict(list)
    sent: dict[int, float] = {}
    complete: dict[int, float] = {}
    deadline = time.monotonic() + 60
    while state(store, klass.code).n_students < n_students:  # everyone joined
        if time.monotonic() > deadline:
            end(store, klass.code, klass.secret)
            raise RuntimeError("not every student joined within 60 s (see above)")
        time.sleep(0.05)
    rng = random.Random(0)
    for k in range(1, rounds + 1):
        t0 = time.perf_counter()
        sent[k] = time.time()
        send(store, klass.code, klass.secret, _question(k))
        times["send"].append(time.perf_counter() - t0)
        next_poll = time.monotonic() + rng.uniform(0, poll)
        deadline = time.monotonic() + 30 + 5 * poll
        answered = 0
        while True:  # the teacher's results fragment, every `poll` seconds
            if time.monotonic() > deadline:
                end(store, klass.code, klass.secret)  # the students stop
                raise RuntimeError(f"question {k}: {answered} of {n_students} answers "
                                   f"after 30 s (a student failed: see above)")
            time.sleep(max(0.0, next_poll - time.monotonic()))
            next_poll += poll
            t0 = time.perf_counter()
            r = results(store, klass.code, klass.secret)
            times["results"].append(time.perf_counter() - t0)
            answered = r.n_answered
            if answered == n_students:
                complete[k] = time.time()
                break
        reveal(store, klass.code, klass.secret)
        time.sleep(poll)  # every student sees the reveal before the next question
    end(store, klass.code, klass.secret)
    local.join()
    logs = [box]
    if other is not None:
        logs.append(out.get(timeout=60))
        other.join(timeout=60)
    merged: dict = {"times": defaultdict(list, times), "seen": defaultdict(list),
                    "answered": defaultdict(list)}
    for log in logs:
        for part in ("times", "seen", "answered"):
            for key, values in log[part].items():
                merged[part][key].extend(values)
    seen_all = [max(merged["seen"][k]) - sent[k] for k in sent]
    last_to_results = [complete[k] - max(merged["answered"][k]) for k in sent]
    assert all(len(merged["seen"][k]) == n_students for k in sent), "a student missed one"
    return {"seen_all": seen_all, "last_to_results": last_to_results,
            "times": merged["times"]}


def _ms(values: list[float], q: float = 0.5) -> str:
    values = sorted(values)
    if q == 0.5:
        return f"{statistics.median(values) * 1000:.2f}"
    return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:.2f}"


def pages(n_students: int) -> None:
    """Script time of the Class page's runs, one AppTest session per student."""
    import os

    from apptest import open_page

    from convviz.serve.class_store import ENV_VAR
    from convviz.ui import class_session as cs

    page = "pages/classroom.py"

    def timed(action) -> tuple[object, float]:
        t0 = time.perf_counter()
        at = action()
        dt = time.perf_counter() - t0
        assert not at.exception, [e.value for e in at.exception]
        return at, dt

    def click(at, label: str):
        return next(b for b in at.button if b.label == label).click().run()

    with tempfile.TemporaryDirectory() as folder:
        os.environ[ENV_VAR] = f"{folder}/classes.sqlite3"
        teacher = click(open_page(page), "Start a class")
        handle = teacher.session_state[cs.TEACHER]
        store = open_store(os.environ[ENV_VAR])
        students = []
        for i in range(n_students):
            at = open_page(page, {"code": handle.code})
            at.text_input(key="class.nickname").input(f"student {i}")
            students.append(click(at, "Join"))
        times = defaultdict(list)
        for at in students:
            times["a waiting student's page"].append(timed(at.run)[1])
        send(store, handle.code, handle.secret, _question(1))
        for i, at in enumerate(students):
            students[i], dt = timed(at.run)
            times["the run that shows the question"].append(dt)
        for i, at in enumerate(students):
            at.text_input(key="class.answer.1").input(str(5 + i % 3))
            students[i], dt = timed(lambda at=at: click(at, "Send answer"))
            times["an answer"].append(dt)
        for _ in range(5):
            teacher, dt = timed(teacher.run)
            times["the teacher's page, all answers in"].append(dt)
        assert results(store, handle.code, handle.secret).n_answered == n_students
        del os.environ[ENV_VAR]
    print(f"\nThe Class page's script time (AppTest, SQLite; ms): median, and the sum over "
          f"the {n_students} students\n")
    print("| run | median | sum |")
    print("| --- | --- | --- |")
    for what, values in times.items():
        total = f"{sum(values) * 1000:.0f}" if len(values) == n_students else ""
        print(f"| {what} | {_ms(values)} | {total} |")


@contextlib.contextmanager
def _redis(url: str | None):
    if url:
        yield url
        return
    from serve.redis_server import redis_server, redis_server_path

    if redis_server_path() is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as folder, redis_server(Path(folder)) as started:
        yield started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7, help="questions per class (7)")
    parser.add_argument("--poll", type=float, default=1.0,
                        help="seconds between two polls of a page (the Class page's: 1)")
    parser.add_argument("--stores", default="sqlite,redis",
                        help="sqlite, redis or both, comma-separated (sqlite,redis)")
    parser.add_argument("--redis-url", default=None,
                        help="an existing Redis (default: start redis-server on loopback)")
    parser.add_argument("--no-pages", action="store_true",
                        help="skip the Class page's script times (AppTest)")
    args = parser.parse_args()
    kinds = [k for k in args.stores.split(",") if k]
    if not set(kinds) <= {"sqlite", "redis"}:
        parser.error(f"--stores takes sqlite, redis or both, got {args.stores!r}")
    print(f"{args.students} students, {args.rounds} questions, pages poll every "
          f"{args.poll:g} s; times in ms, medians (p95 for the store's calls)\n")
    header = (f"| store | processes | send -> all {args.students} saw it | last answer -> "
              "teacher's results | state (read) | answer (write) | results | send | join |")
    print(header)
    print("|" + " --- |" * (len(header.split("|")) - 2))
    for kind in kinds:
        with contextlib.ExitStack() as stack:
            if kind == "sqlite":
                folder = stack.enter_context(tempfile.TemporaryDirectory())
                spec = f"{folder}/classes.sqlite3"
            else:
                spec = stack.enter_context(_redis(args.redis_url))
                if spec is None:
                    print("| redis | (no redis-server: skipped) |")
                    continue
            for n_proc in (1, 2):
                r = run(spec, args.students, n_proc, args.rounds, args.poll)
                t = r["times"]
                calls = " | ".join(f"{_ms(t[k])} (p95 {_ms(t[k], 0.95)})"
                                   for k in ("state", "answer", "results", "send", "join"))
                print(f"| {kind} | {n_proc} | {_ms(r['seen_all'])} (max "
                      f"{max(r['seen_all']) * 1000:.0f}) | {_ms(r['last_to_results'])} (max "
                      f"{max(r['last_to_results']) * 1000:.0f}) | {calls} |", flush=True)
    if not args.no_pages:
        pages(args.students)


if __name__ == "__main__":
    main()
