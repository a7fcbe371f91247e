"""Hostile links: every page opened with every one of its URL settings set to nonsense, and a
training link that asks for a huge model. A shared link is input like any upload."""

from __future__ import annotations

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from convviz.nn.trainable import MAX_PARAMS
from convviz.ui.nav import NAV_PAGES

NONSENSE = ["9" * 30, "nan"]


def _app(page: str, params: dict[str, str] | None = None) -> AppTest:
    return open_page(page, params)


@pytest.fixture(scope="module")
def settings_keys() -> dict[str, list[str]]:
    """Each page's URL settings, as the page itself writes them after a run."""
    return {p.path: list(_app(p.path).query_params.keys()) for p in NAV_PAGES}


@pytest.mark.parametrize("value", NONSENSE)
@pytest.mark.parametrize("page", [p.path for p in NAV_PAGES])
def test_nonsense_in_every_url_setting_is_explained(settings_keys, page, value):
    keys = settings_keys[page]
    at = _app(page, dict.fromkeys(keys, value))
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(w.value for w in at.warning)
    refused = [k for k in keys if f"`{k}=" in said]  # named in a warning; the default is used
    assert len(refused) == len(keys), (keys, said)


@pytest.mark.parametrize(("page", "key", "grid"), [
    ("pages/image_filters.py", "img.custom", "1,2;3,500"),
    ("pages/convolution.py", "conv.k", "1,0;0,-1000"),
    ("pages/pooling.py", "pool.x", "1,2;3,4;5,1e6"),
])
def test_a_link_with_a_weight_beyond_the_editors_range_is_explained(page, key, grid):
    at = _app(page, {key: grid})
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    assert f"`{key}=" in said and "between -99 and 99" in said, said


def test_a_link_asking_for_a_huge_model_is_refused_before_building():
    # 257 million weights (3 GB and 10 s to build before the parameter cap existed)
    at = _app("pages/train.py", {"train.arch": "C100000k3same;F;D10"})
    assert not at.exception
    assert any("257,000,010 parameters" in e.value and f"{MAX_PARAMS:,}" in e.value
               for e in at.error), [e.value for e in at.error]
    assert "train.trainer" not in at.session_state or at.session_state["train.trainer"] is None
    assert at.button(key="train.start").disabled


@pytest.mark.parametrize("value", [*NONSENSE, "pooling.3.2", "pooling.1.1_pooling.1.1",
                                   "`x`_[a](http://x)", "a" * 5000, "convolution.1.2 \n"])
@pytest.mark.parametrize("page", ["pages/home.py", "pages/output_size.py"])
def test_a_nonsense_progress_link_is_explained_and_counts_nothing(page, value):
    at = _app(page, {"progress": value})
    assert not at.exception, [e.value for e in at.exception]
    said = [w.value for w in at.warning if "`progress=" in w.value]
    assert len(said) == 1 and "was ignored" in said[0], [w.value for w in at.warning]
    shown, why = said[0].split("` was ignored: ", 1)  # the value sits in a code span
    assert "`" not in shown.split("`progress=", 1)[1]  # ... that it cannot close
    assert "](" not in why.replace("\\]", "")  # quoted text is escaped: never a link
    assert "learner.progress" not in at.session_state
    assert "progress" not in at.query_params
