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
