"""Practice questions below the output-size and transposed pages in a real browser: asked
with "Predict first" off, the page never hidden, a wrong answer made with a named mistake
names it, a right one counts, and the home page's progress shows both."""

from __future__ import annotations

import numpy as np

from convviz.teach import exercise
from convviz.teach import transposed_practice as tp
from convviz.teach.questions import CONCEPTS

from .conftest import open_session, progress_line, shot, wait_idle

METRIC = '[data-testid="stMetric"]'


def _numbers(values) -> str:
    return ", ".join(str(int(v)) for v in values)


def _answer(pg, prefix: str, text: str) -> None:
    box = pg.locator(f'[class*="st-key-{prefix}-practice-answer-"] input')
    box.fill(text)
    box.press("Enter")
    wait_idle(pg)
    pg.locator(f'[class*="st-key-{prefix}-practice-check-"] button').click()
    wait_idle(pg)


def test_practice_questions_name_mistakes_and_count_on_the_home_page(browser, app_url):
    pg = open_session(browser, f"{app_url}/output_size")
    _, q = exercise.random_practice(np.random.default_rng(0))  # a new session's first
    wrong = q.mistakes[0]
    pg.get_by_role("heading", name="Practice: output sizes").wait_for()
    _answer(pg, "size", _numbers(wrong.answer))
    alert = pg.locator('[data-testid="stAlertContentError"]').first
    assert f"if you {wrong.name}. The answer is {q.answer_text()}." in alert.inner_text()
    assert "5 x 5" in pg.locator(METRIC).inner_text()  # the page is shown all along
    alert.scroll_into_view_if_needed()
    shot(pg, "practice-output-size-mistake-1024")

    size_line = CONCEPTS[q.concept]
    pg.set_viewport_size({"width": 1024, "height": 768})  # shot() stretched it
    nav = pg.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("Transposed convolution", exact=True).click()  # the same session
    wait_idle(pg)
    q = tp.random_practice_question(np.random.default_rng(0))
    pg.get_by_role("heading", name="Practice: transposed sizes").wait_for()
    _answer(pg, "tr", _numbers(q.answer))
    ok = pg.locator('[data-testid="stAlertContentSuccess"]').first
    assert ok.inner_text() == f"Right: {q.answer_text()}."
    shot(pg, "practice-transposed-right-1024")

    pg.set_viewport_size({"width": 1024, "height": 768})
    nav.get_by_text("Start here").click()
    wait_idle(pg)
    pg.get_by_role("heading", name="Your progress").wait_for()
    assert progress_line(pg, size_line).endswith("0 right of 1 answered")
    assert progress_line(pg, CONCEPTS["transposed"]).endswith(
        "1 right of 1 answered")
    assert pg.locator('[data-testid="stException"]').count() == 0
    pg.context.close()
