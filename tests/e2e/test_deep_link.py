"""A shared link opened as the very first visit to a fresh server opens the right page.

Streamlit runs an app with a pages/ folder in its old multipage mode until app.py has
called st.navigation once; convviz.ui.boot.ensure_app reroutes such a first run.
"""

from .conftest import IDLE, serve


def test_first_visit_deep_link_keeps_page_and_settings(browser, tmp_path):
    with serve(tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/pooling?pool.k=3&pool.tied=1")
        page.wait_for_selector(IDLE, timeout=30_000)
        page.get_by_role("heading", name="Pooling").first.wait_for()
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert "Start here" in nav.inner_text()  # our titles, not file names
        assert "pool.k=3" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
