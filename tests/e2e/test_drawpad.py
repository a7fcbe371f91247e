"""The drawing pad in a real browser: strokes with the mouse and a finger reach Python (the
convolution page's input grid, the training page's prediction), and Clear empties it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from playwright.sync_api import expect

from convviz.serve.params import text_to_grid
from convviz.ui.drawn_input import DRAWN

from .conftest import shot, wait_idle
from .test_train import _train_to

PAD = ".st-key-{} canvas.ink"  # Playwright's CSS locators pierce the pad's shadow root


def _stroke(page, pad, start: tuple[float, float], end: tuple[float, float], *,
            touch: bool = False) -> None:
    """Draw a straight stroke from ``start`` to ``end`` (fractions of the pad's side).

    The pad is scrolled into view first: pointer events outside the viewport reach nothing."""
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    points = [(box["x"] + box["width"] * (start[0] + (end[0] - start[0]) * i / 12),
               box["y"] + box["height"] * (start[1] + (end[1] - start[1]) * i / 12))
              for i in range(13)]
    if touch:  # a finger: Chromium's touch events, as a touchscreen sends them
        cdp = page.context.new_cdp_session(page)
        for kind, (x, y) in zip(["touchStart"] + ["touchMove"] * 12, points, strict=True):
            cdp.send("Input.dispatchTouchEvent",
                     {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        cdp.detach()
        return
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y)
    page.mouse.up()


def _conv_input(page) -> np.ndarray:
    """The input grid the page holds, as its URL says (the page writes its settings there)."""
    query = parse_qs(urlparse(page.url).query)
    assert query.get("conv.preset") == ["given"], page.url
    return text_to_grid(query["conv.x"][0])


@pytest.fixture()
def touch_page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def test_mouse_and_finger_strokes_become_the_convolution_input(touch_page, app_url):
    page = touch_page
    page.goto(app_url)
    wait_idle(page)
    page.goto(f"{app_url}/convolution")
    wait_idle(page)
    page.get_by_text("Draw the input").click()
    pad = page.locator(PAD.format("conv-drawpad"))
    expect(pad).to_be_visible()
    assert pad.bounding_box()["width"] >= 160  # a usable square in a third of 1024 px
    _stroke(page, pad, (0.5, 0.05), (0.5, 0.95))  # a vertical line down the middle, mouse
    expect(page.get_by_role("combobox", name="Start from")).to_have_value(DRAWN)
    wait_idle(page)
    grid = _conv_input(page)  # 7 x 7 cells, ink 0 to 9
    assert grid.shape == (7, 7)
    assert (grid[1:-1, 3] >= 8).all() and not grid[:, :2].any() and not grid[:, 5:].any()
    assert grid[3, 2] <= 1 and grid[3, 4] <= 1  # the medium pen: one cell wide
    shot(page, "drawpad-conv-mouse")

    page.get_by_role("button", name="Clear").click()
    wait_idle(page)
    thick = page.get_by_role("button", name="Thick")
    thick.click()
    expect(thick).to_have_attribute("aria-pressed", "true")
    before = page.url
    _stroke(page, pad, (0.5, 0.05), (0.5, 0.95))  # the same line, 1.6 times as wide
    page.wait_for_function("before => location.href !== before", arg=before)
    wait_idle(page)
    grid = _conv_input(page)
    assert (grid[1:-1, 3] >= 8).all() and grid[3, 2] >= 2 and grid[3, 4] >= 2

    page.get_by_role("button", name="Clear").click()
    page.get_by_role("button", name="Medium").click()
    wait_idle(page)
    before = page.url  # Clear keeps the input grid: only a new drawing replaces it
    _stroke(page, pad, (0.05, 0.5), (0.95, 0.5), touch=True)  # a horizontal line, finger
    page.wait_for_function("before => location.href !== before", arg=before)
    wait_idle(page)
    grid = _conv_input(page)
    assert (grid[3, 1:-1] >= 8).all() and not grid[:2].any() and not grid[5:].any()
    assert not grid[:, 3][[0, 1, 5, 6]].any()  # the mouse's line was cleared
    shot(page, "drawpad-conv-touch")


def test_a_drawn_digit_is_classified_and_clear_empties_the_pad(page, app_url):
    _train_to(page, app_url, 85)
    page.get_by_role("tab", name="Predict").click()
    page.get_by_text("Draw it").click()
    wait_idle(page)
    pad = page.locator(PAD.format("train-pred_pad"))
    expect(pad).to_be_visible()
    answer = page.locator('[data-testid="stMetric"]', has_text="The network answers")
    expect(answer).to_have_count(0)
    _stroke(page, pad, (0.5, 0.15), (0.48, 0.85))  # a "1"
    expect(answer).to_have_count(1)
    wait_idle(page)
    expect(page.get_by_text("Your drawing as the network sees it")).to_be_visible()
    expect(answer.locator('[data-testid="stMetricValue"]')).to_have_text("1")
    shot(page, "drawpad-predict")
    page.get_by_role("button", name="Clear").click()
    expect(answer).to_have_count(0)
    expect(page.get_by_text("Draw a digit (0 to 9), as large as you like")).to_be_visible()
