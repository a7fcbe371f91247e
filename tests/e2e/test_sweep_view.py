"""The image page's sweep in a real browser: it plays from numbers sent once, the map shown
agrees with the frame at every sampled moment, the zoom's numbers are readable, and Python
hears the frame when it stops."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from convviz.draw.numbers import format_value
from convviz.engine.conv_steps import conv_plan
from convviz.engine.kernels import get_kernel
from convviz.imaging.filters import zoom_region
from convviz.imaging.samples import load_sample
from convviz.imaging.sweep import sweep_plan

from .conftest import shot, wait_idle

STEP = "[data-convviz-step]"
# Per pixel row of the map's canvas: the share of its pixels in the "not computed yet" greys
# (neutral, 170-210: the hidden fill and its hatching), with the step shown, in one call, so
# nothing moves in between (the page runs one task at a time).
SAMPLE = """() => {
  const root = [...document.querySelectorAll('*')]
    .find(e => e.shadowRoot && e.shadowRoot.querySelector('.map-canvas')).shadowRoot;
  const canvas = root.querySelector('.map-canvas');
  const counter = root.querySelector('[data-convviz-step]');
  const step = Number(counter.getAttribute('data-convviz-step'));
  const ctx = canvas.getContext('2d');
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const hidden = [];
  for (let y = 0; y < canvas.height; y++) {
    let grey = 0;
    for (let x = 0; x < canvas.width; x++) {
      const k = (y * canvas.width + x) * 4;
      const [a, b, c] = [px[k], px[k + 1], px[k + 2]];
      if (a === b && b === c && a >= 170 && a <= 210) grey++;
    }
    hidden.push(grey / canvas.width);
  }
  return {step, hidden, text: counter.textContent};
}"""


def _open(page, app_url, query: str = "") -> None:
    page.goto(app_url)  # the first run of app.py registers the navigation (st.navigation)
    wait_idle(page)
    page.goto(f"{app_url}/image_filters{query}")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.locator(STEP)).to_have_attribute("data-convviz-step", "1")
    expect(page.locator(".map-canvas")).to_have_attribute("data-numbers-px", re.compile(r"\d+"))


def test_playback_shows_every_part_of_each_frame_together(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 768})
    _open(page, app_url)
    plan = sweep_plan(load_sample("grace_hopper", max_side=512), get_kernel("sobel_x"))
    rows, cols = plan.shape
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    seen = []
    for _ in range(25):  # sampling while it plays (not waiting for anything)
        got = page.evaluate(SAMPLE)
        k, hidden = got["step"], got["hidden"]
        full, rem = divmod(int(plan.revealed[k - 1]), cols)  # whole map rows revealed
        after = full + (rem > 0)
        assert got["text"].startswith(f"Frame {k} of {plan.n_frames}: the windows of output rows")
        per = rows / len(hidden)  # map rows per pixel row
        shown = [h for y, h in enumerate(hidden) if (y + 1) * per <= full]
        covered = [h for y, h in enumerate(hidden) if y * per >= after]
        assert shown and max(shown) < 0.05, (k, shown)  # the rows revealed so far
        if after < rows:
            assert min(covered) > 0.9, (k, covered)  # and nothing below them
        seen.append(k)
        page.wait_for_timeout(60)
    assert seen == sorted(seen) and len(set(seen)) >= 10 and seen[-1] > 10
    page.get_by_role("button", name="Pause", exact=True).click()
    stopped = int(page.locator(STEP).get_attribute("data-convviz-step"))
    # Python hears where it stopped: the line below the sweep and the link follow.
    line = page.get_by_text(f"Frame {stopped} of {plan.n_frames}: the windows of", exact=False)
    expect(line.filter(has_text="sums to")).to_be_visible()
    wait_idle(page)
    assert f"img.frame={stopped}" in page.url
    shot(page, "sweep_view-1024-played")


def test_zoom_numbers_are_readable_keys_step_and_hover_reads_the_engine(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 768})
    _open(page, app_url, "?img.zoom=1")
    img = load_sample("grace_hopper", max_side=512)
    sobel = get_kernel("sobel_x")
    full = sweep_plan(img, sobel)  # the engine's whole map
    region = zoom_region(conv_plan(img[..., 0], sobel, padding="same"), (165, 150), 16)
    zoom = sweep_plan(img, sobel, region=region, by_rows=False, n_frames=256)
    (r, c0), (_, c2), (_, c5) = (zoom.position(f) for f in (0, 2, 5))
    counter = page.locator(STEP)
    expect(counter).to_contain_text(f"Frame 1 of 256: the windows of output cell {(r, c0)}")
    for canvas in (".input-canvas", ".map-canvas"):  # numbers drawn in the cells, >= 12 px
        expect(page.locator(canvas)).not_to_have_attribute("data-numbers-px", "0")
        assert int(page.locator(canvas).get_attribute("data-numbers-px")) >= 12
    sizes = page.locator(".detail .cell").evaluate_all(
        "cells => cells.map(c => parseFloat(getComputedStyle(c).fontSize))")
    assert len(sizes) == 27 and min(sizes) >= 12  # pixels, kernel, products of a 3x3 window
    assert page.locator(".legend-bar").count() == 2  # a colour legend under each panel
    expect(page.locator(".detail-total")).to_have_text(
        f"sum of products = {format_value(float(full.fmap[r, c0]), 4)}")
    page.locator(".sweep").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_attribute("data-convviz-step", "3")
    expect(page.locator(".detail-title")).to_have_text(f"The window of output cell {(r, c2)}")
    expect(page.locator(".detail-total")).to_have_text(
        f"sum of products = {format_value(float(full.fmap[r, c2]), 4)}")
    # Hover the third map cell (revealed at frame 3): the read-out is the engine's value.
    box = page.locator(".map-canvas").bounding_box()
    cell = box["width"] / 16
    page.mouse.move(box["x"] + 2.5 * cell, box["y"] + 0.5 * cell)
    expect(page.locator(".readout")).to_have_text(
        f"output cell {(r, c2)}: {format_value(float(full.fmap[r, c2]), 2)}")
    page.mouse.move(box["x"] + 5.5 * cell, box["y"] + 0.5 * cell)
    expect(page.locator(".readout")).to_have_text(
        f"output cell {(r, c5)}: not computed yet at this frame")
    page.keyboard.press("ArrowLeft")
    expect(counter).to_have_attribute("data-convviz-step", "2")
    page.locator(".sweep").focus()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    expect(counter).not_to_have_attribute("data-convviz-step", "2")
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    wait_idle(page)
    shot(page, "sweep_view-1024-zoom")


def test_layout_at_1440(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    _open(page, app_url, "?img.zoom=1&img.zsize=8")
    assert int(page.locator(".map-canvas").get_attribute("data-numbers-px")) >= 12
    shot(page, "sweep_view-1440-zoom")
    _open(page, app_url)
    shot(page, "sweep_view-1440")
