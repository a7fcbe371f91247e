"""Every page opens in a real browser without an exception box; a screenshot of each."""

import pytest

from convviz.ui.nav import NAV_PAGES, PAGES

from .conftest import shot, wait_idle


def _url_path(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return "" if stem == "home" else stem


@pytest.mark.parametrize("info", NAV_PAGES, ids=[p.path for p in NAV_PAGES])
def test_page_opens_without_error(page, app_url, info):
    page.goto(f"{app_url}/{_url_path(info.path)}")
    wait_idle(page)
    page.get_by_text(info.title).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, f"page-{_url_path(info.path) or 'home'}")


def test_walk_the_path_with_next_links(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    for nxt in PAGES[1:]:
        page.get_by_role("link", name=f"Next: {nxt.title}").click()
        page.wait_for_url(f"**/{_url_path(nxt.path)}**")
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
