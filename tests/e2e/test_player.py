"""The step player in a real browser: Play moves the step slider with the frame."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import wait_idle


def test_play_moves_the_step_slider_and_pause_leaves_them_agreeing(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.goto(f"{app_url}/convolution")
    wait_idle(page)
    step = page.locator('input[type="range"][aria-label="Step"]')
    caption = page.get_by_test_id("stImageCaption").filter(has_text="the window of step")
    expect(step).to_have_value("1")
    page.get_by_role("button", name="Play").click()
    expect(step).to_have_value(re.compile(r"^([4-9]|\d\d)$"), timeout=20_000)  # it moves
    expect(step).to_be_disabled()  # while playing: a drag is for a paused player
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    wait_idle(page)
    shown = re.search(r"step (\d+) of", caption.inner_text()).group(1)
    assert step.input_value() == shown
    expect(step).to_be_enabled()
    step.focus()
    page.keyboard.press("ArrowRight")  # a paused player's slider goes where it is moved
    expect(caption).to_contain_text(f"step {int(shown) + 1} of")
    wait_idle(page)
    expect(step).to_have_value(str(int(shown) + 1))
    assert page.locator('[data-testid="stException"]').count() == 0
