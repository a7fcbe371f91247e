"""AppTest run of pages/home.py: it runs, and its sentences are true."""

import json

import numpy as np
from apptest import markdown_text, open_page
from sklearn.datasets import load_digits

from convviz.draw.numbers import format_value
from convviz.imaging.samples import load_sample


def test_home_runs_and_pooling_is_not_only_max():
    at = open_page("pages/home.py")
    assert not at.exception, [e.value for e in at.exception]
    text = markdown_text(at)
    assert "shrink the maps and keep the strongest responses" not in text
    assert "max pooling keeps its strongest response, average pooling its mean" in text


def _grids(at) -> dict[str, dict]:
    """The grid-view payloads the last run sent, by the component's key."""
    out = {}
    for el in at.get("bidi_component"):
        if el.proto.component_name == "convviz.grid":
            out[el.proto.id.rsplit("-", 1)[-1]] = json.loads(el.proto.json)
    return out


def test_the_image_grids_are_browser_grid_views_of_the_pictures_numbers():
    at = open_page("pages/home.py")
    assert not at.exception
    grids = _grids(at)
    assert set(grids) == {"home.digit", "home.rgb"}
    digit = np.rint(load_digits().images[0] * (255 / 16))
    (panel,) = grids["home.digit"]["panels"]
    assert panel["text"] == [format_value(v) for v in digit.ravel()]
    assert panel["legend"]["ticks"] == ["0", "255"]
    crop = np.rint(load_sample("grace_hopper", max_side=128)[40:45, 55:60] * 255)
    rgb = grids["home.rgb"]
    assert [p["title"] for p in rgb["panels"]] == ["red", "green", "blue"]
    for c, p in enumerate(rgb["panels"]):
        assert p["text"] == [format_value(v) for v in crop[..., c].ravel()]
        assert p["legend"] is not None
    assert grids["home.digit"]["n_steps"] == rgb["n_steps"] == 1
    assert not at.get("image")  # no server-drawn picture of numbers left on the page


def _lines(at) -> dict[str, str]:
    """The progress view's line for each concept, by the concept's words."""
    from convviz.teach.questions import CONCEPTS

    text = markdown_text(at)
    return {c: next(line for line in text.splitlines() if f"**{w}**" in line)
            for c, w in CONCEPTS.items()}


def test_your_progress_lists_every_concept_as_not_answered_yet():
    at = open_page("pages/home.py")
    assert not at.exception
    assert [h.value for h in at.header][-1] == "Your progress"
    assert all(line.endswith("not answered yet") for line in _lines(at).values())
    assert "progress" not in at.query_params
    assert not [c for c in at.code if "progress=" in c.value]


def test_a_progress_link_is_loaded_shown_and_carried_on():
    at = open_page("pages/home.py", {"progress": "convolution.1.2_pooling.0.1"})
    assert not at.exception and not at.warning
    lines = _lines(at)
    assert lines["convolution"].endswith("1 right of 2 answered")
    assert lines["convolution"].startswith("- :green[:material/check_circle:]")
    assert lines["pooling"].startswith("- :red[:material/cancel:]")
    assert lines["pooling"].endswith("0 right of 1 answered")
    assert lines["shapes"].endswith("not answered yet")
    assert "1 right of 3 answered; 1 of 10 concepts answered right" in markdown_text(at)
    (link,) = [c.value for c in at.code if "progress=" in c.value]
    assert link.endswith("?progress=convolution.1.2_pooling.0.1")
    assert at.query_params["progress"] == "convolution.1.2_pooling.0.1"
    # what is left, with a link to the page that asks it
    labels = [p.label for p in at.get("page_link")]
    assert "Pooling: 2 concepts left" in labels, labels  # a pooled value, the output size
    assert "Convolution, step by step: 1 concept left" in labels, labels  # channels
    again = open_page("pages/home.py", {"progress": link.rsplit("progress=", 1)[1]})
    assert _lines(again) == lines


def test_a_broken_progress_link_is_explained_and_dropped():
    at = open_page("pages/home.py", {"progress": "pooling.3.2"})
    assert not at.exception
    (warning,) = at.warning
    assert "`progress=pooling.3.2` was ignored" in warning.value
    assert "3 right of 2 tried" in warning.value
    assert all(line.endswith("not answered yet") for line in _lines(at).values())
    assert "progress" not in at.query_params
