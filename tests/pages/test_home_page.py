"""AppTest run of pages/home.py: it runs, and its sentences are true."""

from apptest import markdown_text, open_page


def test_home_runs_and_pooling_is_not_only_max():
    at = open_page("pages/home.py")
    assert not at.exception, [e.value for e in at.exception]
    text = markdown_text(at)
    assert "shrink the maps and keep the strongest responses" not in text
    assert "max pooling keeps its strongest response, average pooling its mean" in text
