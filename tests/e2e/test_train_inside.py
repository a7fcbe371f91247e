"""The "What it looks at" tab in a real browser: train briefly, draw a digit on the tab's pad
and watch the answer, its probabilities and the saliency follow each stroke; every closer
look renders; screenshots at 1024 and 1440 px wide."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import load_model_file, shot, wait_idle
from .test_drawpad import PAD, _stroke
from .test_train import _train_to

SALIENCY = "[data-testid='stImage']:has-text('Saliency')"


def _answer(page) -> tuple[str, str]:
    metric = page.locator('[data-testid="stMetric"]', has_text="The network answers")
    return (metric.locator('[data-testid="stMetricValue"]').inner_text(),
            metric.locator('[data-testid="stMetricDelta"]').inner_text())


def _saliency_src(page) -> str:
    return page.locator(SALIENCY).locator("img").get_attribute("src")


def test_drawing_on_the_tab_updates_the_answer_and_the_saliency(page, app_url):
    _train_to(page, app_url, 85)
    page.get_by_role("tab", name="What it looks at").click()
    wait_idle(page)
    expect(page.locator(SALIENCY)).to_be_visible()  # the held-out sample, explained
    page.get_by_text("Draw it").click()
    wait_idle(page)
    pad = page.locator(PAD.format("train-in_pad"))
    expect(pad).to_be_visible()
    answer = page.locator('[data-testid="stMetric"]', has_text="The network answers")
    expect(answer).to_have_count(0)
    _stroke(page, pad, (0.5, 0.15), (0.48, 0.85))  # a "1"
    expect(answer).to_have_count(1)
    wait_idle(page)
    expect(answer.locator('[data-testid="stMetricValue"]')).to_have_text("1")
    first, first_src = _answer(page), _saliency_src(page)
    _stroke(page, pad, (0.2, 0.15), (0.8, 0.15))  # a bar across the top: now a "7"-ish
    expect(page.locator(SALIENCY).locator("img")).not_to_have_attribute("src", first_src)
    wait_idle(page)
    assert _answer(page) != first  # the answer or its probability moved with the stroke
    assert page.locator('[data-testid="stException"]').count() == 0
    for width, height in ((1024, 768), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        shot(page, f"train-inside-draw-{width}")


def test_every_closer_look_renders(page, app_url):
    _train_to(page, app_url, 80)
    page.get_by_role("tab", name="What it looks at").click()
    wait_idle(page)
    views = _every_closer_look(page)
    views.get_by_text("Grad-CAM", exact=True).click()
    wait_idle(page)
    for width, height in ((1024, 768), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        shot(page, f"train-inside-gradcam-{width}")


def test_every_view_works_on_a_loaded_model(page, app_url, tmp_path):
    """A model loaded from a file (never trained in this session): the held-out sample's
    answer and saliency, then every closer look."""
    load_model_file(page, app_url, tmp_path)
    page.get_by_role("tab", name="What it looks at").click()
    wait_idle(page)
    expect(page.locator(SALIENCY)).to_be_visible()
    _every_closer_look(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "train-inside-loaded-1024")


def _every_closer_look(page):
    """Pick each closer look in turn and wait for its picture; returns the radio group."""
    views = page.get_by_role("radiogroup", name="Look closer")
    for label, sentence in (("Occlusion", "Occlusion"), ("Grad-CAM", "Grad-CAM"),
                            ("Flip the answer", "The change made"),
                            ("A unit's receptive field", "The receptive field")):
        views.get_by_text(label, exact=True).click()
        wait_idle(page)
        expect(page.locator(f"[data-testid='stImage']:has-text('{sentence}')")).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
    views.get_by_text("What a class or filter responds to", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Make the picture").click()
    wait_idle(page)
    expect(page.locator("[data-testid='stImage']:has-text('What raises')")).to_be_visible()
    return views
