"""Feature-map display modes: signed, ReLU and absolute value, and their colours."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.draw.colors import (
    apply_display,
    display_colorbar,
    display_legend,
    feature_map_rgb,
    sequential_colors,
)
from convviz.draw.numbers import format_value
from convviz.draw.render import diverging_colors


def test_display_modes_numbers_and_colours():
    f = np.array([[-2.0, 0.0, 1.0]])
    np.testing.assert_array_equal(apply_display(f, "signed"), f)
    np.testing.assert_array_equal(apply_display(f, "relu"), [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(apply_display(f, "abs"), [[2.0, 0.0, 1.0]])
    signed = feature_map_rgb(f)
    assert signed[0, 1].tolist() == [247, 247, 247]  # zero is white on the diverging scale
    relu = feature_map_rgb(f, mode="relu")
    assert relu[0, 0].tolist() == relu[0, 1].tolist() == sequential_colors(0.0, 1.0).tolist()
    absolute = feature_map_rgb(f, mode="abs")
    assert absolute[0, 0].tolist() == sequential_colors(1.0, 1.0).tolist()  # |-2| is the max
    assert feature_map_rgb(f, mode="abs", vmax=4.0)[0, 0].tolist() == \
        sequential_colors(0.5, 1.0).tolist()
    with pytest.raises(ValueError, match="`mode`"):
        feature_map_rgb(f, mode="square")


@pytest.mark.parametrize("vmax", [None, 0.5, 1e-3])
def test_signed_colours_are_exactly_render_diverging_colors(vmax):
    f = np.random.default_rng(3).standard_normal((40, 30)).astype(np.float32)
    np.testing.assert_array_equal(feature_map_rgb(f, vmax=vmax), diverging_colors(f, vmax))


@pytest.mark.parametrize("mode", ["signed", "relu", "abs"])
def test_display_colorbar_has_the_asked_height_for_every_mode(mode):
    bar = display_colorbar(mode, 2.0, height=150)
    assert bar.dtype == np.uint8 and bar.shape[0] == 150 and bar.shape[2] == 3
    with pytest.raises(ValueError, match="`mode`"):
        display_colorbar("log", 2.0)


@pytest.mark.parametrize("mode", ["signed", "relu", "abs"])
def test_the_html_legend_has_the_scales_colours_at_evenly_spaced_values(mode):
    """The browser's bar (a CSS gradient through evenly spaced stops) shows the colour
    feature_map_rgb gives each value, and the ticks sit at the values they name."""
    lg = display_legend(mode, 2.4)
    lo = -2.4 if mode == "signed" else 0.0
    n = len(lg["colors"])
    values = np.array([[lo + (2.4 - lo) * k / (n - 1) for k in range(n)]])
    want = feature_map_rgb(values, mode=mode, vmax=2.4)[0]
    assert lg["colors"] == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in want.tolist()]
    ticks = [lo + (2.4 - lo) * k / 2 for k in range(3)]
    assert lg["ticks"] == [format_value(t, 3) for t in ticks]
    # The picture's colour bar names the same three values.
    assert lg["ticks"] == (["-2.4", "0", "2.4"] if mode == "signed" else ["0", "1.2", "2.4"])


def test_the_html_legend_checks_its_arguments():
    with pytest.raises(ValueError, match="`mode`"):
        display_legend("log", 1.0)
    with pytest.raises(ValueError, match="`vmax`"):
        display_legend("signed", 0.0)
