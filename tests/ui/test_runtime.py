"""convviz.ui.runtime against the real Streamlit objects it reads and writes: an upgrade that
moves or renames them fails here, not in the app. (The whole first visit through a shared
link, in a browser: tests/e2e/test_deep_link.py.)"""

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from convviz.ui.runtime import leave_pages_folder_mode


@pytest.fixture
def fresh(monkeypatch):
    """A server process that has not decided yet (restored afterwards)."""
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)


def test_a_pages_folder_puts_streamlit_in_its_old_mode_and_it_is_left(fresh, tmp_path):
    (tmp_path / "pages").mkdir()
    PagesManager(str(tmp_path / "app.py"))
    assert PagesManager.uses_pages_directory is True  # what the adapter reads
    assert leave_pages_folder_mode() is True
    assert PagesManager.uses_pages_directory is False
    assert leave_pages_folder_mode() is False  # once: later runs go through app.py


def test_without_a_pages_folder_there_is_nothing_to_leave(fresh, tmp_path):
    PagesManager(str(tmp_path / "app.py"))
    assert leave_pages_folder_mode() is False


ENTRY = """
import streamlit as st
st.session_state["entry"] = st.session_state.get("entry", 0) + 1
st.navigation([st.Page("home.py", default=True), st.Page("pages/deep.py")]).run()
"""

DEEP = """
import streamlit as st
from convviz.ui.boot import ensure_app
ensure_app()
st.session_state["deep"] = st.session_state.get("deep", 0) + 1
st.markdown("deep page")
"""


def test_a_first_run_of_a_page_reruns_through_the_entry_point(tmp_path):
    """The shared link's first visit: Streamlit runs pages/deep.py alone (its old mode);
    ensure_app switches it to the entry point's navigation, which then runs the page."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "deep.py").write_text(DEEP)
    (tmp_path / "home.py").write_text("import streamlit as st\nst.markdown('home')\n")
    (tmp_path / "app.py").write_text(ENTRY)
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30)
    at.switch_page("pages/deep.py").run()
    assert not at.exception, at.exception
    assert at.session_state["entry"] == 1 and at.session_state["deep"] == 1
    assert [m.value for m in at.markdown] == ["deep page"]
    assert PagesManager.uses_pages_directory is False
