"""The receptive-field picture: the reached pixels, the dashed window, the data attributes."""

import re

from convviz.draw.field_picture import field_svg, runs


def _rects(svg, cls):
    return [tuple(float(v) for v in m) for m in re.findall(
        rf'class="{cls}" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)]


def test_reached_pixels_drawn_as_runs_and_attributes():
    svg = field_svg((10, 10), (2, 4, 6), (3, 4, 5), ((2, 6), (3, 7)), title="t", max_px=100)
    assert 'data-rows="2 6"' in svg and 'data-cols="3 5"' in svg and 'data-reached="9"' in svg
    seen = _rects(svg, "seen")
    assert len(seen) == 3  # three rows of pixels, one run of three columns each
    assert {w for _, _, w, _ in seen} == {30.0} and {h for *_, h in seen} == {10.0}
    (win,) = _rects(svg, "window")
    assert win[2:] == (50.0, 50.0)  # 5x5 window at 10 px a pixel


def test_window_in_the_padding_widens_the_canvas():
    inside = field_svg((8, 8), (0, 1), (0, 1), ((0, 1), (0, 1)), title="t", max_px=80)
    padded = field_svg((8, 8), (0, 1), (0, 1), ((-2, 1), (-2, 1)), title="t", max_px=80)
    (w_in,), (w_pad,) = _rects(inside, "window"), _rects(padded, "window")
    assert w_pad[2] == 4 * 80 / 10 and w_in[2] == 2 * 80 / 8  # 10 cells span the canvas now
    assert "(4×4)" in padded


def test_runs_and_a_unit_on_padding_alone():
    assert runs([]) == [] and runs([3]) == [(3, 3)]
    svg = field_svg((4, 4), (), (), ((-3, -1), (-3, -1)), title="t")
    assert 'data-reached="0"' in svg and 'class="seen"' not in svg
