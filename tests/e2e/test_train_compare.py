"""Compare two settings in a real browser: a short comparison on the tiny network, both
curves, the final accuracies, the confusion difference as a grid and the PNG report;
screenshots at 1024 and 1440 px."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import shot, wait_idle

PARAMS = urlencode({"train.arch": "C4k3:relu;M2;F;D10", "train.epochs": "10"})
REPORT = "Download the comparison report (PNG)"


@pytest.mark.parametrize("width", [1024, 1440])
def test_a_short_comparison_shows_both_curves_the_difference_and_the_report(
        page, app_url, width):
    page.set_viewport_size({"width": width, "height": 768})
    page.goto(app_url)  # the first run of app.py registers the navigation
    wait_idle(page)
    page.goto(f"{app_url}/train?{PARAMS}")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    # both runs train in turn, then the results appear
    report = page.get_by_role("button", name=REPORT)
    expect(report).to_be_visible(timeout=90_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(2)  # loss and held-out accuracy (the page's own: untrained)
    for label in ("learning rate 0.002", "learning rate 0.02"):
        expect(page.get_by_test_id("stMetric").filter(
            has_text=f"Final: held-out accuracy, {label}")).to_be_visible()
    grid = page.locator(".cvg").filter(has_text="minus")
    expect(grid.locator(".cvg-cell")).to_have_count(100)  # 10 classes x 10
    expect(grid.locator(".cvg-legend")).to_have_count(1)
    size = grid.locator(".cvg-cell").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 12
    shot(page, f"train_compare_{width}")
    with page.expect_download() as info:
        report.click()
    download = info.value
    assert download.suggested_filename == "comparison.png"
    with Image.open(io.BytesIO(open(download.path(), "rb").read())) as img:
        assert img.format == "PNG" and img.size == (1200, 900)
