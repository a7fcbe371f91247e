"""Filters on your image in a real browser: upload, pick a kernel, download the GIF, play."""

from __future__ import annotations

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from .conftest import shot, wait_idle


def _stripes(path) -> None:
    """A 96x128 test card: vertical stripes (for Sobel x) over a slow vertical ramp."""
    y, x = np.mgrid[0:96, 0:128]
    gray = ((x // 8) % 2) * 180 + (y // 24) * 15
    Image.fromarray(gray.astype(np.uint8)).convert("RGB").save(path)


def test_upload_pick_download_the_gif_and_play(page, app_url, tmp_path):
    page.goto(app_url)  # the first run of app.py registers the navigation (st.navigation)
    wait_idle(page)
    page.goto(f"{app_url}/image_filters")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0

    png = tmp_path / "stripes.png"
    _stripes(png)
    page.get_by_text("Upload an image", exact=True).click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(png))
    expect(page.get_by_text("stripes.png: 96x128 pixels")).to_be_visible()
    wait_idle(page)

    kernels = page.get_by_test_id("stMultiSelect").get_by_role("combobox")
    kernels.click()
    kernels.fill("Emboss")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.get_by_text("(96, 128, 4)")).to_be_visible()  # a fourth feature map
    wait_idle(page)
    inspect = page.get_by_test_id("stSelectbox").filter(has_text="Kernel to inspect and sweep")
    inspect.get_by_role("combobox").click()
    inspect.get_by_role("combobox").fill("Emboss")
    page.get_by_role("option", name="Emboss").click()
    expect(page.get_by_text("Output size for Emboss")).to_be_visible()
    wait_idle(page)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the sweep (GIF)").click()
    download = info.value
    assert download.suggested_filename == "sweep_emboss.gif"
    with Image.open(download.path()) as gif:
        assert gif.format == "GIF" and gif.is_animated and gif.n_frames > 1

    # The sweep plays in the browser (tests/e2e/test_sweep_view.py checks it frame by frame).
    step = page.locator("[data-convviz-step]")
    expect(step).to_contain_text("Frame 1 of 96")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(step).not_to_have_attribute("data-convviz-step", "1")  # a new frame, no rerun
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()  # stopped
    stopped = step.get_attribute("data-convviz-step")
    expect(page.get_by_text(f"Frame {stopped} of 96: the windows of")
           .filter(has_text="sums to")).to_be_visible()  # and Python heard where
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0

    shot(page, "image_filters-sweep")
