"""Train a CNN in a real browser: Start, watch the held-out accuracy rise, Pause; then open a
learned kernel on the convolution page and find the same number there."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .conftest import shot, wait_idle

# The number shown by the "Held-out accuracy" metric (e.g. 91.3 for "91.3%"), or -1.
ACCURACY = """() => {
  const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(e => e.innerText.includes('Held-out accuracy'));
  const v = m && parseFloat(m.querySelector('[data-testid="stMetricValue"]').innerText);
  return Number.isFinite(v) ? v : -1;
}"""


# While training, what the live part's stale elements (those a tick is redrawing) look like:
# assets/app.css keeps them at full opacity, with no fade to repaint.
LIVE_STALE = """() => [...document.querySelectorAll('.st-key-train-live [data-stale="true"]')]
  .map(e => getComputedStyle(e).opacity + ' ' + getComputedStyle(e).transitionDuration)"""


def _accuracy(page) -> float:
    return float(page.evaluate(ACCURACY))


def _train_to(page, app_url: str, threshold: float) -> None:
    page.goto(app_url)  # the first run of app.py registers the navigation
    wait_idle(page)
    page.goto(f"{app_url}/train")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _accuracy(page) == -1  # nothing trained yet: "–"
    page.get_by_role("button", name="Start").click()
    page.wait_for_function(f"() => ({ACCURACY})() >= 0", timeout=30_000)
    first = _accuracy(page)
    seen = _live_stale_styles(page)
    assert seen and seen == {"1 0s"}, seen  # a tick happened and nothing dimmed
    page.wait_for_function(f"() => ({ACCURACY})() >= {threshold}", timeout=45_000)
    assert _accuracy(page) >= threshold and (_accuracy(page) > first or first >= threshold)
    # Pause, unless the run has finished meanwhile (a loaded machine can be slow to show the
    # accuracy while a small network trains to its end): either way Resume then shows
    with contextlib.suppress(PlaywrightTimeout):
        page.get_by_role("button", name="Pause").click(timeout=5_000)
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    wait_idle(page)


def _live_stale_styles(page, seconds: float = 10.0) -> set[str]:
    """The opacity and fade of the live part's stale elements over a few ticks."""
    seen: set[str] = set()
    for _ in range(int(seconds / 0.05)):
        now = page.evaluate(LIVE_STALE)
        if seen and not now:
            break  # one tick seen from its start to its end
        seen.update(now)
        page.wait_for_timeout(50)
    return seen


def test_a_slow_rerun_dims_the_page_in_one_step(page, app_url):
    """Streamlit fades a rerunning page over a second; assets/app.css makes it one step."""
    page.goto(app_url)
    wait_idle(page)
    style = page.evaluate("""() => { const e = document.createElement('div');
      e.setAttribute('data-stale', 'true'); document.body.appendChild(e);
      const t = getComputedStyle(e).transition; e.remove(); return t; }""")
    assert style == "opacity 0s linear 1s"


def test_start_shows_the_accuracy_rise_then_pause(page, app_url):
    _train_to(page, app_url, 85)
    paused = page.locator('[data-testid="stProgress"]').inner_text()
    assert re.search(r"Step \d+ of 860", paused)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2  # loss, accuracy
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.get_by_role("tab", name="Gradients")).to_be_visible()
    shot(page, "train-paused")
    assert page.locator('[data-testid="stProgress"]').inner_text() == paused  # stopped


def test_a_learned_kernel_opens_step_by_step(page, app_url):
    _train_to(page, app_url, 80)
    page.get_by_role("tab", name="Step by step").click()
    button = page.get_by_role("button", name="Open in the step-by-step view")
    expect(button).to_be_visible()
    note = page.get_by_text("The convolution page gets the numbers").inner_text()
    value = re.search(r"value there is (-?\d+(\.\d+)?)\.", note).group(1)
    button.click()
    page.wait_for_url("**/convolution**")
    wait_idle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="output[")
    shown = metric.get_by_test_id("stMetricValue")
    expect(shown).to_be_visible()
    assert shown.inner_text() == value  # one format on both pages (4 significant digits)
    assert "conv.kname=custom" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "train-kernel-step-by-step")
