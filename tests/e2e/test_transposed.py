"""The transposed-convolution page in a real browser: the scatter plays with the engine's
numbers, hovering links input and output cells, numbers read at 1024x768 and 1440."""

from __future__ import annotations

from playwright.sync_api import expect

import convviz as cv
from convviz.draw.conv_view import fmt
from convviz.draw.transpose_grid import terms_line
from convviz.teach import transposed as tr

from .conftest import IDLE, ROOT_JS, shot, wait_idle

KEY = "tr.grid"
X = tr.make_input("random", 3, seed=0)
PLAN = cv.transpose_plan(X, tr.make_kernel("ones", 3), stride=2, padding=1, output_padding=1)
WF = PLAN.full_shape[1]
WO = PLAN.out_shape[1]


SAMPLE_JS = """(key) => {
  const root = (__ROOT__)(key);
  const panel = (id) => root.querySelector(`.cvg-panel[data-panel="${id}"]`);
  const cells = (id, cls) => [...panel(id).querySelectorAll(`.cvg-cell.${cls}`)]
    .map((c) => Number(c.dataset.cell));
  return {
    step: Number(root.querySelector('[data-convviz-step]').dataset.convvizStep),
    stampedLit: cells('stamped', 'win'),
    outputLit: cells('output', 'win'),
    inputCur: cells('input', 'cur'),
    stamped: [...panel('stamped').querySelectorAll('.cvg-num')].map((n) => n.textContent),
    output: [...panel('output').querySelectorAll('.cvg-num')].map((n) => n.textContent),
  };
}""".replace("__ROOT__", ROOT_JS)

RECORD_JS = """(key) => {
  const root = (__ROOT__)(key);
  const counter = root.querySelector('[data-convviz-step]');
  window.__steps = [Number(counter.dataset.convvizStep)];
  new MutationObserver(() => window.__steps.push(Number(counter.dataset.convvizStep)))
    .observe(counter, {attributes: true, attributeFilter: ['data-convviz-step']});
}""".replace("__ROOT__", ROOT_JS)

FONTS_JS = """(key) => {
  const root = (__ROOT__)(key);
  return [...root.querySelectorAll('.cvg-panel')].map((p) => ({
    id: p.dataset.panel,
    hidden: p.querySelector('.cvg-grid').classList.contains('nonum'),
    legend: !!p.querySelector('.cvg-legend'),
    sizes: [...p.querySelectorAll('.cvg-num')].map((n) => parseFloat(getComputedStyle(n).fontSize)),
  }));
}""".replace("__ROOT__", ROOT_JS)


def view_of(page, key: str = KEY):
    return page.locator(f".st-key-{key.replace('.', '-')}")


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    expect(view_of(page).locator("[data-convviz-step]")).to_have_attribute(
        "data-convviz-step", "1")


def agrees(sample: dict) -> None:
    i = sample["step"] - 1
    s = PLAN.stamp(i)
    assert sample["inputCur"] == [i]
    assert sample["stampedLit"] == sorted(r * WF + c for r, c in s.cells)
    assert sample["outputLit"] == sorted(r * WO + c for r, c in (x for x in s.out_cells if x))
    assert sample["stamped"] == [fmt(v) for v in PLAN.partial(i + 1).ravel()]


def test_the_scatter_plays_every_stamp_and_python_hears_the_end(page, app_url):
    open_page(page, f"{app_url}/transposed")
    view = view_of(page)
    view.locator(".cvg-speed").select_option("10")
    page.evaluate(RECORD_JS, KEY)
    view.get_by_role("button", name="Play").click()
    expect(view.get_by_role("button", name="Pause")).to_be_visible()
    samples = []
    for _ in range(20):  # sampling while it plays (not waiting for anything)
        samples.append(page.evaluate(SAMPLE_JS, KEY))
        page.wait_for_timeout(40)
    assert len({s["step"] for s in samples}) >= 4  # it played
    for s in samples:
        agrees(s)
    expect(view.get_by_role("button", name="Play")).to_be_visible(timeout=30_000)
    assert page.evaluate("() => window.__steps") == list(range(1, PLAN.n_steps + 1))
    last = page.evaluate(SAMPLE_JS, KEY)
    agrees(last)
    assert last["output"] == [fmt(v) for v in PLAN.output.ravel()]
    expect(page.get_by_text(f"Stamp {PLAN.n_steps} of {PLAN.n_steps}")).to_be_visible()
    page.wait_for_selector(IDLE)
    assert f"tr.pos={PLAN.n_steps - 1}" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


def test_hovering_links_inputs_and_outputs(page, app_url):
    open_page(page, f"{app_url}/transposed")
    view = view_of(page)
    out = view.locator('.cvg-panel[data-panel="output"] .cvg-cell')
    for r, c in ((0, 0), (1, 1), (2, 3), (5, 5)):
        out.nth(r * WO + c).hover()
        expect(view.locator(".cvg-readout")).to_have_text(terms_line(PLAN, r, c))
        n = len(PLAN.terms(r, c))
        expect(view.locator('.cvg-panel[data-panel="input"] .cvg-cell.fed')).to_have_count(n)
    inp = view.locator('.cvg-panel[data-panel="input"] .cvg-cell')
    for t in (0, 4, 8):
        inp.nth(t).hover()
        s = PLAN.stamp(t)
        kept = [x for x in s.out_cells if x is not None]
        expect(view.locator('.cvg-panel[data-panel="output"] .cvg-cell.fed')).to_have_count(
            len(kept))
        expect(view.locator("[data-convviz-step]")).to_have_attribute(
            "data-convviz-step", str(t + 1))  # its step, previewed
        expect(view.locator(".cvg-readout")).to_contain_text(
            f"adds onto {len(kept)} output cell")


def test_numbers_read_at_1024_and_1440_with_screenshots(browser, app_url):
    sizes = {}
    for width, height in ((1024, 768), (1440, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30_000)
        open_page(page, f"{app_url}/transposed")
        for key in (KEY, "tr.conv", "tr.matrix", "tr.adj", "tr.counts"):
            expect(view_of(page, key).locator(".cvg-panel").first).to_be_visible()
            for p in page.evaluate(FONTS_JS, key):
                assert p["legend"], (key, p["id"])
                if not p["hidden"]:
                    assert min(p["sizes"]) >= 12, (key, p["id"], width)
        panels = {p["id"]: p for p in page.evaluate(FONTS_JS, KEY)}
        assert not panels["output"]["hidden"] and not panels["stamped"]["hidden"]
        sizes[width] = panels["output"]["sizes"][0]
        shot(page, f"transposed-{width}")
        context.close()
    assert sizes[1440] >= sizes[1024]
