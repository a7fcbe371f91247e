"""Every page offline and on small screens, in a real browser.

One walk per screen size visits every page once, as a student would: it records every
request the browser makes, looks for cramped controls (tests/e2e/cramped.js: text cut off,
words broken across lines, tables sticking out of their column) and saves a full-page
screenshot of each page under test-artifacts/ (screen-<width>-<page>.png).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from convviz.ui.nav import NAV_PAGES

from .conftest import shot, wait_idle

CRAMPED = (Path(__file__).parent / "cramped.js").read_text()
SCREENS = [(1024, 768), (1440, 900)]  # a classroom projector, a desktop
PHONE = (390, 844)
DONE = '[data-testid="stMain"] [data-testid="stPageLink"]'  # each page ends with one
LOADED = """() => document.fonts.status === 'loaded'
  && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')"""

# Where the page points the browser: icons, scripts, styles, images, frames.
LINKED = """() => [...document.querySelectorAll(
  'link[href], script[src], img[src], iframe[src], source[src], video[src], audio[src]')]
  .map(e => e.href || e.src)"""

# Whether the sidebar is open and on screen, rather than collapsed out of the way.
SIDEBAR_OPEN = """() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  if (!s) return false;
  const box = s.getBoundingClientRect();
  return s.getAttribute('data-collapsed') !== 'true' && box.width > 100 && box.right > 100;
}"""


def _url_path(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return "" if stem == "home" else stem


def _open(pg, url: str) -> None:
    """Open ``url`` and wait for its run to reach the end of the page, for every element's
    code to arrive (Streamlit shows a grey skeleton until then) and for the fonts."""
    pg.goto(url)
    pg.wait_for_selector(DONE)
    wait_idle(pg)
    pg.wait_for_function(LOADED)


@dataclass
class Walk:
    """What one visit of every page at one screen size saw."""

    origin: str
    sidebar_open: bool = False  # on the first page, before anyone touched it
    requests: list[str] = field(default_factory=list)
    linked: set[str] = field(default_factory=set)
    cramped: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module", params=SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def walk(request, browser, app_url) -> Walk:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    seen = Walk(origin=app_url)
    context.on("request", lambda r: seen.requests.append(r.url))
    pg = context.new_page()
    pg.on("websocket", lambda ws: seen.requests.append(ws.url))
    pg.set_default_timeout(30_000)
    try:
        _open(pg, app_url)
        seen.sidebar_open = pg.evaluate(SIDEBAR_OPEN)
        for info in NAV_PAGES:
            stem = _url_path(info.path)
            _open(pg, f"{app_url}/{stem}")
            assert pg.locator('[data-testid="stException"]').count() == 0, info.path
            problems = pg.evaluate(CRAMPED)
            if problems:
                seen.cramped[info.path] = problems
            seen.linked.update(pg.evaluate(LINKED))
            shot(pg, f"screen-{width}-{stem or 'home'}")
            pg.set_viewport_size({"width": width, "height": height})  # shot() stretched it
        yield seen
    finally:
        context.close()


def _elsewhere(urls, origin: str) -> list[str]:
    """The URLs that would leave the app's own server (data: and blob: stay in the page)."""
    host = urlsplit(origin).hostname
    return sorted({u for u in urls
                   if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != host})


def test_no_request_leaves_the_server(walk):
    """Offline in a classroom: every request (the tab icon too) goes to the app's server."""
    assert walk.requests, "no request recorded"
    assert _elsewhere(walk.requests, walk.origin) == []
    assert _elsewhere(walk.linked, walk.origin) == []


def test_nothing_cramped(walk):
    """No label broken mid-word, no select showing one letter, no button cut to "B...",
    no table sticking out of its column."""
    assert walk.cramped == {}


def test_sidebar_open_on_wide_screens(walk):
    assert walk.sidebar_open


def test_sidebar_starts_collapsed_on_a_phone(browser, app_url):
    """On a phone the sidebar would cover the page: it starts collapsed, the title shows."""
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]},
                                  is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        _open(pg, f"{app_url}/convolution")
        assert not pg.evaluate(SIDEBAR_OPEN)
        title = pg.get_by_role("heading", name="Convolution, step by step").first
        box = title.bounding_box()
        on_top = pg.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y)?.closest('[data-testid=\"stMain\"]')",
            [box["x"] + 10, box["y"] + box["height"] / 2])
        assert on_top, "the sidebar covers the page's title"
        shot(pg, "screen-390-convolution")
    finally:
        context.close()
