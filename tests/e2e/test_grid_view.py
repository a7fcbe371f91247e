"""The convolution page's grid view in a real browser: it plays, links and reads well.

Every check reads the component's DOM (Playwright's CSS locators and the page scripts below
look inside its shadow root) and compares it with the engine's numbers for the same step.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

import convviz as cv
from convviz.draw import conv_view as view
from convviz.teach.examples import make_input

from .conftest import IDLE, shot, wait_idle

# The grid view's root, wherever Streamlit mounted it (a shadow root of its own).
ROOT_JS = """() => {
  for (const host of document.querySelectorAll('*')) {
    const r = host.shadowRoot && host.shadowRoot.querySelector('.cvg');
    if (r) return r;
  }
  return null;
}"""

# One moment of the view: everything a step shows, read in one synchronous call.
SAMPLE_JS = """() => {
  const root = (__ROOT__)();
  const panel = (id) => root.querySelector(`.cvg-panel[data-panel="${id}"]`);
  const cells = (id, cls) => [...panel(id).querySelectorAll(`.cvg-cell.${cls}`)]
    .map((c) => Number(c.dataset.cell));
  const cur = panel('output').querySelector('.cvg-cell.cur');
  return {
    step: Number(root.querySelector('[data-convviz-step]').dataset.convvizStep),
    window: cells('input', 'win'),
    value: root.querySelector('.cvg-eq').dataset.value,
    equation: root.querySelector('.cvg-eq').innerText,
    target: Number(cur.dataset.cell),
    targetText: cur.innerText,
    shown: panel('output').querySelectorAll('.cvg-cell:not(.hidden)').length,
    products: [...panel('products').querySelectorAll('.cvg-num')].map((n) => n.textContent),
  };
}""".replace("__ROOT__", ROOT_JS)

# Every value data-convviz-step takes, recorded by the page itself as it changes.
RECORD_JS = """() => {
  const root = (__ROOT__)();
  const counter = root.querySelector('[data-convviz-step]');
  window.__steps = [Number(counter.dataset.convvizStep)];
  new MutationObserver(() => window.__steps.push(Number(counter.dataset.convvizStep)))
    .observe(counter, {attributes: true, attributeFilter: ['data-convviz-step']});
}""".replace("__ROOT__", ROOT_JS)

PARAMS = "?conv.pad=1"  # the default "7" with one cell of zero padding: 49 steps
X = make_input("digit", 7, 7)
PLAN = cv.conv_plan(X, cv.KERNELS["sobel_x"].array, padding=1)


def _open(page, app_url: str, params: str = PARAMS) -> None:
    page.goto(f"{app_url}/convolution{params}")
    wait_idle(page)
    expect(page.locator("[data-convviz-step]")).to_have_attribute("data-convviz-step", "1")


def _agrees(sample: dict, plan=PLAN) -> None:
    """The sampled moment shows one step, all of it the engine's."""
    i = sample["step"] - 1
    step = plan.step(i)
    wp = plan.pad_mask.shape[1]
    assert sorted(sample["window"]) == sorted(r * wp + c for r in step.rows for c in step.cols)
    want = view.fmt(step.value)
    assert sample["value"] == want == sample["targetText"]
    assert sample["target"] == i
    assert sample["shown"] == i + 1  # the output filled in up to this step
    first, second = view.step_equation(step, plan.kernel)
    assert first in sample["equation"] and second in sample["equation"]
    assert sample["products"] == [view.fmt(float(p)) for p in step.products.ravel()]


def _heard(page, step: int, n: int) -> None:
    """Python shows ``step`` (1-based) below the grids, once its run has finished."""
    metric = page.get_by_test_id("stMetric").filter(has_text="output[")
    expect(metric).to_contain_text(f"Step {step} of {n}:")
    page.wait_for_selector(IDLE)


def test_every_sampled_moment_of_playback_agrees_with_the_engine(page, app_url):
    _open(page, app_url)
    page.locator(".cvg-speed").select_option("10")
    page.evaluate(RECORD_JS)
    play = page.get_by_role("button", name="Play")
    play.click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    samples = []
    for _ in range(60):  # sampling while it plays (not waiting for anything)
        samples.append(page.evaluate(SAMPLE_JS))
        page.wait_for_timeout(45)
    steps_seen = {s["step"] for s in samples}
    assert len(steps_seen) >= 10, steps_seen  # it played
    for s in samples:
        _agrees(s)
    # The end: playback stops on the last step, Python hears it.
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=30_000)
    recorded = page.evaluate("() => window.__steps")
    assert recorded == list(range(1, PLAN.n_steps + 1))  # every step shown, in order
    _agrees(page.evaluate(SAMPLE_JS))
    _heard(page, PLAN.n_steps, PLAN.n_steps)
    assert f"conv.pos={PLAN.n_steps - 1}" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


def test_pause_tells_python_the_step_shown(page, app_url):
    _open(page, app_url)
    page.locator(".cvg-speed").select_option("10")
    page.get_by_role("button", name="Play").click()
    expect(page.locator("[data-convviz-step]")).to_have_attribute(
        "data-convviz-step", re.compile(r"^([5-9]|\d\d)$"))
    page.get_by_role("button", name="Pause").click()
    shown = page.evaluate(SAMPLE_JS)
    _agrees(shown)
    _heard(page, shown["step"], PLAN.n_steps)
    assert page.evaluate(SAMPLE_JS)["step"] == shown["step"]  # the rerun left it there
    assert f"conv.pos={shown['step'] - 1}" in page.url


def test_hover_links_cells_and_click_pins_a_step(page, app_url):
    _open(page, app_url)
    out = page.locator('.cvg-panel[data-panel="output"] .cvg-cell')
    out.nth(23).hover()  # output cell (3, 2): its window, products and equation show
    sample = page.evaluate(SAMPLE_JS)
    assert sample["step"] == 24
    _agrees(sample)
    expect(page.locator(".st-key-conv-grid .cvg-readout")).to_contain_text("step 24")
    cov = view.coverage(PLAN)  # (7, 7): windows per input cell, padding excluded
    inp = page.locator('.cvg-panel[data-panel="input"] .cvg-cell')
    wp = PLAN.pad_mask.shape[1]
    for r, c in ((1, 1), (1, 4), (4, 4), (7, 7)):  # padded coordinates: corner .. centre
        inp.nth(r * wp + c).hover()
        lit = page.locator('.cvg-panel[data-panel="output"] .cvg-cell.fed')
        n = int(cov[r - 1, c - 1])
        expect(lit).to_have_count(n)
        expect(page.locator(".st-key-conv-grid .cvg-readout")).to_contain_text(
            f"covered by {n} window")
    page.mouse.move(0, 0)  # away: the step shown before the hover comes back
    expect(page.locator("[data-convviz-step]")).to_have_attribute("data-convviz-step", "1")
    out.nth(30).click()  # pin step 31
    _heard(page, 31, PLAN.n_steps)
    _agrees(page.evaluate(SAMPLE_JS))
    assert "conv.pos=30" in page.url


def test_keyboard_space_and_arrows(page, app_url):
    _open(page, app_url)
    page.locator(".st-key-conv-grid .cvg").focus()
    page.keyboard.press("ArrowRight")
    _heard(page, 2, PLAN.n_steps)
    page.locator(".st-key-conv-grid .cvg").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-convviz-step]")).to_have_attribute("data-convviz-step", "4")
    page.keyboard.press("ArrowLeft")
    _heard(page, 3, PLAN.n_steps)
    _agrees(page.evaluate(SAMPLE_JS))
    page.locator(".st-key-conv-grid .cvg").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    _agrees(page.evaluate(SAMPLE_JS))


# Every number's computed font size, per panel, and whether the panel hides its numbers.
FONTS_JS = """() => {
  const root = (__ROOT__)();
  return [...root.querySelectorAll('.cvg-panel')].map((p) => {
    const grid = p.querySelector('.cvg-grid');
    const nums = [...p.querySelectorAll('.cvg-num')];
    return {id: p.dataset.panel, hidden: grid.classList.contains('nonum'),
            sizes: nums.map((n) => parseFloat(getComputedStyle(n).fontSize)),
            heights: nums.filter((n) => n.textContent)
              .map((n) => n.getBoundingClientRect().height)};
  });
}""".replace("__ROOT__", ROOT_JS)


def _fonts(page) -> list[dict]:
    panels = page.evaluate(FONTS_JS)
    for p in panels:
        if not p["hidden"]:
            assert min(p["sizes"]) >= 12, p["id"]
            assert min(p["heights"], default=12) >= 12, p["id"]
    return panels


def test_numbers_read_at_1024_and_scale_up_at_1440(browser, app_url):
    big = "?conv.pad=3&conv.bias=0.5&conv.kname=box_blur_3&conv.x=" + ";".join(  # 18x18 padded
        ",".join(str((r * 5 + c * 3) % 10) for c in range(12)) for r in range(12))
    sizes = {}
    for width, height in ((1024, 768), (1440, 900)):
        for name, params in (("rgb", "?conv.mode=rgb&conv.nf=3"), ("", PARAMS),
                             ("-12x12", big)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()  # a new session: the link's settings, nothing kept
            page.set_default_timeout(30_000)
            _open(page, app_url, params)
            panels = _fonts(page)
            if name == "rgb":
                assert not any(p["hidden"] for p in panels)  # a 7x7 input: every number
                sizes[width] = next(p for p in panels if p["id"] == "input.R")["sizes"][0]
            elif name == "-12x12":
                inp = next(p for p in panels if p["id"] == "input")
                assert len(inp["sizes"]) == 18 * 18
                out = page.locator('.cvg-panel[data-panel="output"] .cvg-cell')
                out.nth(3 * 16 + 3).hover()  # a hidden number is read on hover
                expect(page.locator(".st-key-conv-grid .cvg-readout")).to_contain_text("[3, 3] = ")
            if name != "rgb":
                shot(page, f"grid-view{name}-{width}")
            context.close()
    assert sizes[1440] > sizes[1024]  # the numbers grow with the column
