"""Open a page of the app under AppTest as a visit does: through app.py's navigation, with
the link's query parameters (shared by the page, hostile-input and random-widget tests)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import TextInput

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


def predict_first_on(at: AppTest) -> AppTest:
    """Switch the sidebar's "Predict first" toggle on and rerun the page."""
    at.toggle(key="predict.on").set_value(True).run()
    return at


def answer_box(at: AppTest, block: str) -> TextInput:
    """The answer box of question block ``block`` (``"size.predict"``, ``"tr.practice"``):
    exactly one must be on the page (convviz.ui.predict keys it ``<block>.answer.<id>``)."""
    (box,) = [t for t in at.text_input if t.key.startswith(f"{block}.answer.")]
    return box


def check_answer(at: AppTest, block: str, text: str) -> AppTest:
    """Type ``text`` into question block ``block``'s answer box, press its "Check" and rerun;
    the verdict is then the page's ``at.error`` / ``at.success``."""
    box = answer_box(at, block)
    box.input(text)
    (check,) = [b for b in at.button if b.key == box.key.replace(".answer.", ".check.")]
    return check.click().run()
