"""The pooling, output-size and gradients grid views in a real browser: they play, link and
read well.

Every check reads the grid view's DOM (inside its shadow root: the page scripts below find
the root under the element container of the component's key) and compares it with the
engine's numbers for the same step.
"""

from __future__ import annotations

import numpy as np
from playwright.sync_api import expect

import convviz as cv
from convviz.draw.numbers import format_value
from convviz.teach import arithmetic as ar
from convviz.teach.examples import random_grid
from convviz.teach.pool_text import pool_step_text

from .conftest import IDLE, ROOT_JS, shot, wait_idle

# One moment of a view with an "input" source and an "output" target, read in one call.
SAMPLE_JS = """(key) => {
  const root = (__ROOT__)(key);
  const panel = (id) => root.querySelector(`.cvg-panel[data-panel="${id}"]`);
  const cells = (id, cls) => [...panel(id).querySelectorAll(`.cvg-cell.${cls}`)]
    .map((c) => Number(c.dataset.cell));
  const cur = panel('output').querySelector('.cvg-cell.cur');
  return {
    step: Number(root.querySelector('[data-convviz-step]')?.dataset.convvizStep ?? 1),
    window: cells('input', 'win'),
    marks: cells('input', 'mark-step'),
    value: root.querySelector('.cvg-eq').dataset.value,
    equation: root.querySelector('.cvg-eq').innerText,
    target: Number(cur.dataset.cell),
    targetText: cur.innerText,
    shown: panel('output').querySelectorAll('.cvg-cell:not(.hidden)').length,
  };
}""".replace("__ROOT__", ROOT_JS)

# Every value data-convviz-step takes, recorded by the page itself as it changes.
RECORD_JS = """(key) => {
  const root = (__ROOT__)(key);
  const counter = root.querySelector('[data-convviz-step]');
  window.__steps = [Number(counter.dataset.convvizStep)];
  new MutationObserver(() => window.__steps.push(Number(counter.dataset.convvizStep)))
    .observe(counter, {attributes: true, attributeFilter: ['data-convviz-step']});
}""".replace("__ROOT__", ROOT_JS)

# Every number's computed font size, per panel, and whether the panel hides its numbers.
FONTS_JS = """(key) => {
  const root = (__ROOT__)(key);
  return [...root.querySelectorAll('.cvg-panel')].map((p) => {
    const grid = p.querySelector('.cvg-grid');
    const nums = [...p.querySelectorAll('.cvg-num')];
    return {id: p.dataset.panel, hidden: grid.classList.contains('nonum'),
            legend: !!p.querySelector('.cvg-legend'),
            sizes: nums.map((n) => parseFloat(getComputedStyle(n).fontSize)),
            heights: nums.filter((n) => n.textContent)
              .map((n) => n.getBoundingClientRect().height)};
  });
}""".replace("__ROOT__", ROOT_JS)

# Pooling: a 6x6 grid, 3x3 windows at stride 1 (16 overlapping windows), max.
POOL_PARAMS = "?pool.k=3&pool.tied=0&pool.s=1"
POOL_X = random_grid(6, 6, seed=0).astype(np.float64)
POOL = cv.pool_plan(POOL_X, 3, stride=1)
# Output size: 7x7, 3x3 at dilation 2 with padding 2 (25 windows with gaps).
SIZE_PARAMS = "?size.d=2&size.p=2"
SIZE = ar.window_grid((7, 7), 3, 1, 2, 2)


def _view(page, key: str):
    """A locator scoped to the grid view of ``key`` (CSS locators pierce shadow roots)."""
    return page.locator(f".st-key-{key.replace('.', '-')}")


def _open(page, url: str, key: str) -> None:
    page.goto(url)
    wait_idle(page)
    expect(_view(page, key).locator("[data-convviz-step]")).to_have_attribute(
        "data-convviz-step", "1")


def _pool_agrees(sample: dict) -> None:
    i = sample["step"] - 1
    s = POOL.step(i)
    wp = POOL.pad_mask.shape[1]
    assert sorted(sample["window"]) == sorted(r * wp + c for r in s.rows for c in s.cols)
    assert sample["marks"] == [s.rows[s.argmax[0]] * wp + s.cols[s.argmax[1]]]
    assert sample["value"] == format_value(s.value) == sample["targetText"]
    assert sample["target"] == i and sample["shown"] == i + 1
    pads = POOL.pad_mask[np.ix_(s.rows, s.cols)]
    assert pool_step_text(s, pads) in sample["equation"]


def _size_agrees(sample: dict) -> None:
    i = sample["step"] - 1
    rows, cols = SIZE.window(i)
    wp = SIZE.pad_mask.shape[1]
    assert sorted(sample["window"]) == sorted(r * wp + c for r in rows for c in cols)
    assert sample["value"] == sample["targetText"] == str(i + 1)
    assert sample["target"] == i and sample["shown"] == i + 1
    assert f"Window {i + 1} of {SIZE.n_windows}: taps on padded rows {rows[0]} to" in \
        sample["equation"]


def _play_through(page, key: str, n: int, agrees) -> None:
    """Play at 10 steps/s, sampling the view; every sample agrees; every step is shown."""
    view = _view(page, key)
    view.locator(".cvg-speed").select_option("10")
    page.evaluate(RECORD_JS, key)
    view.get_by_role("button", name="Play").click()
    expect(view.get_by_role("button", name="Pause")).to_be_visible()
    samples = []
    for _ in range(30):  # sampling while it plays (not waiting for anything)
        samples.append(page.evaluate(SAMPLE_JS, key))
        page.wait_for_timeout(45)
    assert len({s["step"] for s in samples}) >= 6  # it played
    for s in samples:
        agrees(s)
    expect(view.get_by_role("button", name="Play")).to_be_visible(timeout=30_000)
    assert page.evaluate("() => window.__steps") == list(range(1, n + 1))
    agrees(page.evaluate(SAMPLE_JS, key))


def _fonts(page, key: str) -> list[dict]:
    panels = page.evaluate(FONTS_JS, key)
    for p in panels:
        if not p["hidden"]:
            assert min(p["sizes"]) >= 12, p["id"]
            assert min(p["heights"], default=12) >= 12, p["id"]
    return panels


def test_pooling_plays_links_and_python_hears_the_end(page, app_url):
    _open(page, f"{app_url}/pooling{POOL_PARAMS}", "pool.grid")
    _play_through(page, "pool.grid", POOL.n_steps, _pool_agrees)
    expect(page.get_by_text(f"Window {POOL.n_steps} of {POOL.n_steps}")).to_be_visible()
    page.wait_for_selector(IDLE)
    assert f"pool.pos={POOL.n_steps - 1}" in page.url
    view = _view(page, "pool.grid")
    view.locator('.cvg-panel[data-panel="output"] .cvg-cell').nth(5).hover()
    _pool_agrees(page.evaluate(SAMPLE_JS, "pool.grid"))
    assert page.evaluate(SAMPLE_JS, "pool.grid")["step"] == 6
    inp = view.locator('.cvg-panel[data-panel="input"] .cvg-cell')
    for r, c in ((0, 0), (0, 2), (2, 2), (5, 3)):
        n = sum(r in s.rows and c in s.cols for s in map(POOL.step, range(POOL.n_steps)))
        inp.nth(r * 6 + c).hover()
        expect(view.locator('.cvg-panel[data-panel="output"] .cvg-cell.fed')).to_have_count(n)
        expect(view.locator(".cvg-readout")).to_contain_text(f"covered by {n} window")
    view.locator('.cvg-panel[data-panel="output"] .cvg-cell').nth(9).click()  # pin step 10
    expect(page.get_by_text("Window 10 of 16")).to_be_visible()
    s = POOL.step(9)
    expect(page.locator('[data-testid="stCode"]').first).to_contain_text(
        pool_step_text(s, POOL.pad_mask[np.ix_(s.rows, s.cols)]))
    page.wait_for_selector(IDLE)
    assert "pool.pos=9" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


def test_global_pooling_is_one_window_without_a_player(page, app_url):
    page.goto(f"{app_url}/pooling?pool.mode=gmax")
    wait_idle(page)
    view = _view(page, "pool.global")
    expect(view.locator('.cvg-panel[data-panel="output"]')).to_be_visible()
    # a one-step view has no player: no Play button and no step counter
    expect(view.get_by_role("button", name="Play")).to_have_count(0)
    expect(view.locator("[data-convviz-step]")).to_have_count(0)
    sample = page.evaluate(SAMPLE_JS, "pool.global")
    assert len(sample["window"]) == 36 and sample["value"] == format_value(POOL_X.max())
    assert sample["marks"] == [int(np.argmax(POOL_X))]


def test_output_size_plays_and_links_coverage(page, app_url):
    _open(page, f"{app_url}/output_size{SIZE_PARAMS}", "size.grid")
    _play_through(page, "size.grid", SIZE.n_windows, _size_agrees)
    last = f"Window {SIZE.n_windows} of {SIZE.n_windows}: taps on padded rows ["  # below
    expect(page.get_by_text(last)).to_be_visible()
    page.wait_for_selector(IDLE)
    assert f"size.pos={SIZE.n_windows - 1}" in page.url
    view = _view(page, "size.grid")
    counts = SIZE.counts()
    wp = SIZE.pad_mask.shape[1]
    inp = view.locator('.cvg-panel[data-panel="input"] .cvg-cell')
    for r, c in ((0, 0), (2, 2), (3, 4), (5, 5)):
        inp.nth(r * wp + c).hover()
        n = int(counts[r, c])
        expect(view.locator('.cvg-panel[data-panel="output"] .cvg-cell.fed')).to_have_count(n)
        expect(view.locator(".cvg-readout")).to_contain_text(f"covered by {n} window")
    view.locator('.cvg-panel[data-panel="output"] .cvg-cell').nth(12).hover()
    _size_agrees(page.evaluate(SAMPLE_JS, "size.grid"))
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_largest_window_grid_plays_from_boxes(page, app_url):
    """16x16, 11x11 at dilation 4, full padding: 3,136 windows of 121 taps, sent as boxes."""
    key = "size.grid"
    _open(page, f"{app_url}/output_size?size.h=16&size.w=16&size.k=11&size.p=full&size.d=4",
          key)
    grid = ar.window_grid((16, 16), 11, 1, "full", 4)
    view = _view(page, key)
    view.locator('.cvg-panel[data-panel="output"] .cvg-cell').nth(57).hover()
    sample = page.evaluate(SAMPLE_JS, key)
    rows, cols = grid.window(57)
    wp = grid.pad_mask.shape[1]
    assert sample["step"] == 58
    assert sorted(sample["window"]) == sorted(r * wp + c for r in rows for c in cols)
    view.locator('.cvg-panel[data-panel="input"] .cvg-cell').nth(40 * wp + 40).hover()
    n = int(grid.counts()[40, 40])
    expect(view.locator(".cvg-readout")).to_contain_text(f"covered by {n} window")


def test_numbers_read_at_1024_and_scale_up_at_1440(browser, app_url):
    sizes = {}
    for width, height in ((1024, 768), (1440, 900)):
        for name, url, key in (("pooling", f"/pooling{POOL_PARAMS}&pool.p=1", "pool.grid"),
                               ("output-size", f"/output_size{SIZE_PARAMS}", "size.grid"),
                               ("output-size-16", "/output_size?size.h=16&size.w=16&size.p=1",
                                "size.grid")):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()  # a new session: the link's settings, nothing kept
            page.set_default_timeout(30_000)
            _open(page, f"{app_url}{url}", key)
            panels = _fonts(page, key)
            inp = next(p for p in panels if p["id"] == "input")
            assert inp["legend"]
            if name == "pooling":
                assert not inp["hidden"]  # an 8x8 padded input: every number
                sizes[width] = inp["sizes"][0]
            shot(page, f"grid-{name}-{width}")
            context.close()
    assert sizes[1440] >= sizes[1024]


def test_gradients_view_plays_the_kernel_gradient(page, app_url):
    page.goto(app_url)  # the first run of app.py registers the navigation
    wait_idle(page)
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Gradients").click()
    wait_idle(page)
    key = "train.g_grid"
    view = _view(page, key)
    expect(view.locator("[data-convviz-step]")).to_have_attribute("data-convviz-step", "1")
    for other in ("train.g_route", "train.g_update"):
        expect(_view(page, other).locator(".cvg-panel").first).to_be_visible()
    expect(_view(page, "train.g_update").get_by_role("button", name="Play")).to_be_hidden()
    view.locator(".cvg-speed").select_option("10")
    view.get_by_role("button", name="Play").click()
    expect(view.get_by_role("button", name="Play")).to_be_visible(timeout=30_000)
    n = int(view.locator(".cvg-scrub").get_attribute("max"))
    expect(view.locator("[data-convviz-step]")).to_have_attribute("data-convviz-step", str(n))
    # The last kernel entry: the text below the grids says the same number, to its decimals.
    where = view.locator(".cvg-eq-where").inner_text()  # "dW[u, v] = value"
    label, shown = where.split(" = ")
    expect(page.get_by_text(f"The layer's own backward pass gives the same number: {label}")
           ).to_be_visible()
    caption = page.get_by_text("The layer's own backward pass").inner_text()
    exact = float(caption.split(f"{label} = ")[1].split(" ")[0])
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    assert abs(float(shown) - exact) <= 0.5 * 10.0 ** -decimals + 1e-6 * abs(exact)
    for k in (key, "train.g_route", "train.g_update"):
        panels = _fonts(page, k)
        assert all(p["legend"] for p in panels), k
    shot(page, "grid-gradients-1400")
    assert page.locator('[data-testid="stException"]').count() == 0
