"""deploy/: two Streamlit processes behind nginx with cookie affinity, in a real browser.

`deploy/run.sh` starts two `streamlit run` processes and Debian's nginx, all on loopback.
Two browser contexts (separate cookie jars) are pinned to different processes by their
affinity cookie; each uploads an image and trains a model through nginx. An upload only
succeeds on the process that holds the session's websocket, so a working upload in both
proves the affinity. Without nginx the test skips with a hint, except under CI (CI=true),
where it must run: `.ci/run` installs nginx with apt-get.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import ROOT, shot, wait_healthy, wait_idle

NGINX = os.environ.get("CONVVIZ_NGINX", "/usr/sbin/nginx")
COOKIE = "convviz_route"
UPSTREAM = "x-convviz-upstream"
EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def nginx_path(chromium_path) -> str:
    path = NGINX if os.path.exists(NGINX) else shutil.which("nginx")
    if path is None:
        msg = "Debian's nginx is not installed: `apt-get install -y nginx` (deploy/ uses it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " -- required under CI")
        pytest.skip(msg)
    return path


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(n: int) -> int:
    """A first port of ``n`` consecutive free loopback ports (bounded search)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n < 65536 and all(_free(base + i) for i in range(1, n)):
            return base
    raise RuntimeError(f"no {n} consecutive free loopback ports")


def _get(url: str, cookie: str | None = None):
    """GET ``url``: (status, upstream that answered, our Set-Cookie or None)."""
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=5) as resp:
        ours = [c for c in resp.headers.get_all("Set-Cookie") or [] if c.startswith(COOKIE)]
        return resp.status, resp.headers.get(UPSTREAM), (ours[0] if ours else None)


@contextlib.contextmanager
def _deploy(nginx: str, log: Path, replicas: int = 2):
    """Run deploy/run.sh on free loopback ports; yield nginx's URL; stop it all."""
    port, base = _free_ports(1), _free_ports(replicas)
    cmd = ["bash", str(ROOT / "deploy" / "run.sh"), "--replicas", str(replicas),
           "--port", str(port), "--base-port", str(base), "--address", "127.0.0.1"]
    env = {**os.environ, "NGINX": nginx, "PYTHON": sys.executable}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        # run.sh starts nginx once every process is healthy: poll through nginx
        wait_healthy(url, proc, log, 90, "deploy/run.sh did not come up")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)  # run.sh's trap stops streamlit and nginx
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own process group, started above
            proc.wait()


def _routes(url: str) -> dict[str, str]:
    """Two affinity-cookie values that nginx sends to two different processes.

    Also checks the cookie logic: a browser without the cookie is given one, a browser
    with it is not given another, and one value always reaches the same process.
    """
    status, _, set_cookie = _get(f"{url}/_stcore/health")
    assert status == 200 and set_cookie is not None
    assert re.match(rf"{COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly", set_cookie)
    found: dict[str, str] = {}
    for i in range(40):  # bounded: each value lands on either process with even odds
        value = f"convviz-test-{i:02d}"
        _, upstream, set_cookie = _get(f"{url}/_stcore/health", value)
        assert set_cookie is None and upstream
        found.setdefault(upstream, value)
        if len(found) == 2:
            break
    assert len(found) == 2, f"40 cookie values all reached {list(found)}"
    for upstream, value in found.items():
        assert all(_get(f"{url}/_stcore/health", value)[1] == upstream for _ in range(3))
    return found


def _card(path: Path, h: int, w: int) -> None:
    """A small test card: vertical stripes over a vertical ramp."""
    y, x = np.mgrid[0:h, 0:w]
    gray = ((x // 8) % 2) * 180 + (y * 60 // h)
    Image.fromarray(gray.astype(np.uint8)).convert("RGB").save(path)


def _open(browser, url: str, route: str, upstream: str):
    """A browser context pinned to ``upstream`` by its affinity cookie, on the home page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE, "value": route, "url": url}])
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    resp = pg.goto(url)
    assert resp is not None and resp.headers.get(UPSTREAM) == upstream
    wait_idle(pg)
    return context, pg


def _upload(pg, png: Path, h: int, w: int, upstream: str) -> None:
    """Upload ``png`` on the image page; the upload must reach the session's process."""
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name="Filters on your image").click()
    pg.wait_for_url("**/image_filters")
    wait_idle(pg)
    pg.get_by_text("Upload an image", exact=True).click()
    wait_idle(pg)
    with pg.expect_response(lambda r: "/_stcore/upload_file/" in r.url
                            and r.request.method == "PUT") as info:
        pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(png))
    resp = info.value
    assert resp.ok, f"upload answered {resp.status}: {resp.text()[:300]}"
    assert resp.headers.get(UPSTREAM) == upstream
    # the run after an upload computes the maps and the sweep's payload: on a loaded CI
    # machine with two server processes that can take longer than expect's 5 s default
    expect(pg.get_by_text(f"{png.name}: {h}x{w} pixels")).to_be_visible(timeout=60_000)
    wait_idle(pg)
    assert pg.locator(EXCEPTION).count() == 0


def _start_training(pg) -> None:
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name="Train a CNN").click()
    pg.wait_for_url("**/train")
    wait_idle(pg)
    assert pg.locator(EXCEPTION).count() == 0
    pg.get_by_role("button", name="Start").click()


def _held_out(pg):
    metric = pg.get_by_test_id("stMetric").filter(has_text="Held-out accuracy")
    return metric.get_by_test_id("stMetricValue")


def test_two_sessions_through_nginx_on_two_processes(nginx_path, browser, tmp_path):
    with _deploy(nginx_path, tmp_path / "deploy.log") as url:
        routes = _routes(url)  # {upstream: cookie value}
        (up_a, route_a), (up_b, route_b) = routes.items()
        ctx_a, pg_a = _open(browser, url, route_a, up_a)
        ctx_b, pg_b = _open(browser, url, route_b, up_b)
        try:
            sizes = {"a": (96, 128), "b": (80, 64)}
            for name, pg, up in (("a", pg_a, up_a), ("b", pg_b, up_b)):
                png = tmp_path / f"card_{name}.png"
                _card(png, *sizes[name])
                _upload(pg, png, *sizes[name], up)
            shot(pg_a, "deploy-upload-a")
            shot(pg_b, "deploy-upload-b")

            # Both train at once, each on its own process; a percentage appears in each.
            _start_training(pg_a)
            _start_training(pg_b)
            for pg in (pg_a, pg_b):
                expect(_held_out(pg)).to_contain_text("%", timeout=45_000)
                pg.get_by_role("button", name="Pause").click()
            for pg in (pg_a, pg_b):
                expect(pg.get_by_role("button", name="Resume")).to_be_visible()
                wait_idle(pg)
                assert pg.locator(EXCEPTION).count() == 0
            shot(pg_a, "deploy-train-a")
            shot(pg_b, "deploy-train-b")
        finally:
            ctx_a.close()
            ctx_b.close()
