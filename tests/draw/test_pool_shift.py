"""The pooling page's shift demo as a static grid-view payload: the maps, their max pooling,
one shared colour scale with one legend."""

import numpy as np
import pytest

import convviz as cv
from convviz.draw import render
from convviz.draw.numbers import format_value
from convviz.draw.pool_shift import SHARED_LEGEND, shift_payload
from convviz.teach.pool_text import shift_demo

MAPS = [shift_demo(k)[1] for k in (0, 1, 2)]


def _colors(payload: dict, panel: dict) -> list[str]:
    return [payload["palette"][i] for i in panel["colors"]]


def test_each_map_stands_above_its_max_pooling_in_one_static_row():
    p = shift_payload(MAPS)
    assert p["n_steps"] == 1 and p["steps"]["window"] == [[]]
    assert p["layout"] == [[["map0", "pool0"], ["map1", "pool1"], ["map2", "pool2"]]]
    for k, m in enumerate(MAPS):
        grid, pooled = p["panels"][2 * k], p["panels"][2 * k + 1]
        assert (grid["rows"], grid["cols"], pooled["rows"], pooled["cols"]) == (6, 6, 3, 3)
        assert grid["text"] == [format_value(v) for v in m.ravel()]
        assert pooled["text"] == [format_value(v) for v in cv.pool2d(m, 2).ravel()]


def test_the_captions_say_what_the_engine_says_about_the_shifted_pooling():
    p = shift_payload(MAPS)
    same = [np.array_equal(cv.pool2d(m, 2), cv.pool2d(MAPS[0], 2)) for m in MAPS[1:]]
    assert same == [True, False]
    assert [q["caption"] for q in p["panels"][3::2]] == ["the same output", "a new output"]
    assert [q["title"] for q in p["panels"][0::2]] == ["A map (6x6)", "Shifted 1 right",
                                                       "Shifted 2 right"]


def test_six_grids_share_one_scale_and_one_legend():
    p = shift_payload(MAPS)
    legends = [q["legend"] for q in p["panels"] if q["legend"]]
    assert len(legends) == 1 and legends[0]["title"] == SHARED_LEGEND
    assert legends[0]["ticks"] == ["0", "3", "6", "9"]
    top = float(MAPS[0].max())
    for k, m in enumerate(MAPS):  # every grid on the scale of the first map, 0 to 9
        want = render.diverging_colors(m, vmax=top)
        got = _colors(p, p["panels"][2 * k])
        assert got == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in want.reshape(-1, 3)]
    # The legend's stops are the scale's colours at 0, 3, 6 and 9.
    stops = render.diverging_colors(np.array([0.0, 3.0, 6.0, 9.0]), vmax=top)
    assert legends[0]["colors"] == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in stops]


@pytest.mark.parametrize(("maps", "message"), [
    ([np.zeros((6, 6))], "at least one shift"),
    ([np.zeros((5, 6)), np.zeros((5, 6))], "even sides"),
    ([np.zeros((6, 6)), np.zeros((4, 4))], "must all have shape"),
    ([np.zeros((6, 6)), -np.ones((6, 6))], "finite values >= 0"),
])
def test_bad_maps_are_refused_with_the_reason(maps, message):
    with pytest.raises(ValueError, match=message):
        shift_payload(maps)
