"""Open a page of the app under AppTest as a visit does: through app.py's navigation, with
the link's query parameters (shared by the page, hostile-input and random-widget tests)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str, params: Mapping[str, str] | None = None, *,
              timeout: float = 60) -> AppTest:
    """Run ``app.py`` switched to ``page`` (``"pages/pooling.py"``) with ``params``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params.update(params or {})
    at.switch_page(page)
    return at.run()


def markdown_text(at: AppTest) -> str:
    """Every markdown element the last run drew, one after another (for sentence checks)."""
    return "\n".join(m.value for m in at.markdown)
