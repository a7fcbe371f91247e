"""Channels and groups (convolution page) and the receptive field (layer-shapes page) in a
real browser: the groups control changes the counts and the links, picking a layer draws
its centre unit's field, the pictures keep 14 px text at 1024 and 1440 px wide, screenshots.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convviz.engine.cost import conv_macs, conv_params
from convviz.stack.spec import PRESETS
from convviz.stack.summary import summarize

from .conftest import shot, wait_idle

# What an SVG picture (an <img> with a data: URL) shows: its data attributes, its drawn
# width against the width it asks for, and its smallest text as drawn on the screen (the
# picture's font size scaled as the image is).
SVG_JS = """(cls) => {
  for (const img of document.querySelectorAll('img[src^="data:image/svg+xml"]')) {
    const text = atob(img.src.split(',')[1]);
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    if (!svg.classList.contains(cls)) continue;
    const asked = Number(svg.getAttribute('width'));
    const drawn = img.getBoundingClientRect().width;
    return {links: svg.dataset.links, groups: svg.dataset.groups, rows: svg.dataset.rows,
            cols: svg.dataset.cols, reached: svg.dataset.reached, drawn, asked,
            fontPx: Number(svg.getAttribute('font-size')) * drawn / asked,
            seen: svg.querySelectorAll('rect.seen').length};
  }
  return null;
}"""


def _svg(page, cls: str, **want: str) -> dict:
    """The picture of class ``cls`` once its attributes are ``want`` (it is redrawn by a
    rerun: wait for the new one, not for a time)."""
    page.wait_for_function(
        """([js, cls, want]) => { const s = eval(js)(cls);
             return s && Object.entries(want).every(([k, v]) => s[k] === v); }""",
        arg=[SVG_JS, cls, want])
    return page.evaluate(SVG_JS, cls)


@pytest.mark.parametrize("width", [1024, 1440])
def test_the_groups_control_changes_the_counts_and_the_links(page, app_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/convolution")
    wait_idle(page)
    page.get_by_role("heading", name="Channels and groups").scroll_into_view_if_needed()
    expect(page.get_by_text(f"Parameters: {conv_params(3, 3, 4, 4):,}")).to_be_visible()
    first = _svg(page, "convviz-links", groups="1")
    assert first["links"] == "16"
    assert first["fontPx"] >= 14 - 0.01 and first["drawn"] >= first["asked"] - 1  # not shrunk

    groups = page.get_by_test_id("stSlider").filter(has_text="Groups").get_by_role("slider")
    groups.focus()
    page.keyboard.press("ArrowRight")  # 1 (standard) -> 2 (grouped)
    expect(page.get_by_text(f"Parameters: {conv_params(3, 3, 4, 4, groups=2):,}")) \
        .to_be_visible()
    expect(page.get_by_text(f"Multiply-adds: {conv_macs(5, 5, 3, 3, 4, 4, groups=2):,}",
                            exact=False).first).to_be_visible()
    wait_idle(page)
    grouped = _svg(page, "convviz-links", groups="2")
    assert grouped["links"] == "8"
    page.keyboard.press("ArrowRight")  # 4 (depthwise)
    expect(page.get_by_text(f"Parameters: {conv_params(3, 3, 4, 4, groups=4):,}")) \
        .to_be_visible()
    wait_idle(page)
    assert _svg(page, "convviz-links", groups="4")["links"] == "4"
    assert "conv.groups=4" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("heading", name="Channels and groups").scroll_into_view_if_needed()
    shot(page, f"convolution-groups-{width}")


@pytest.mark.parametrize("width", [1024, 1440])
def test_clicking_a_layer_draws_its_receptive_field(page, app_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/layer_shapes")
    wait_idle(page)
    rows = summarize(*PRESETS["Classic Keras MNIST"]).rows
    default = _svg(page, "convviz-field", rows="4 21")
    assert (default["cols"], default["reached"]) == ("4 21", "324")
    assert default["fontPx"] >= 14 - 0.01 and default["drawn"] >= default["asked"] - 1

    pick = page.locator(".st-key-shapes-rf").get_by_role("combobox")
    pick.scroll_into_view_if_needed()
    pick.click()
    page.get_by_role("option", name="1: conv2d (Conv2D) → (26, 26, 32)").click()
    field = rows[0].field
    (r0, r1), (c0, c1) = field.seen(field.centre())
    drawn = _svg(page, "convviz-field", rows=f"{r0} {r1}")
    wait_idle(page)
    assert (drawn["cols"], drawn["reached"]) == (f"{c0} {c1}", "9")
    assert drawn["seen"] == 1  # one 3x3 block
    assert "shapes.rf=1" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("heading", name="Click a layer").scroll_into_view_if_needed()
    shot(page, f"layer_shapes-field-{width}")
