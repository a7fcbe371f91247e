"""convviz.draw.render.full_scale: the one fallback of every colour scale's magnitude."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from convviz.draw import render
from convviz.draw.colors import feature_map_rgb, resolve_vmax, sequential_colors
from convviz.imaging.filter_bank import display_vmax, map_tile

ROOT = Path(__file__).resolve().parents[2]
FINITE = arrays(np.float64, st.integers(1, 12),
                elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False))


@given(FINITE)
def test_without_vmax_the_scale_is_the_largest_magnitude_or_one(values):
    top = float(np.abs(values).max())
    assert render.full_scale(values) == (top if top > 0 else 1.0)


@pytest.mark.parametrize(("vmax", "want"), [(2.5, 2.5), (np.float32(0.5), 0.5), (3, 3.0),
                                            (0.0, 1.0), (-1.0, 1.0), (np.nan, 1.0)])
def test_a_given_vmax_is_kept_when_above_zero_else_one(vmax, want):
    got = render.full_scale(np.array([7.0]), vmax)
    assert got == want and type(got) is float


def test_no_value_or_no_finite_value_gives_one_and_non_finite_values_are_skipped():
    assert render.full_scale(np.zeros((0, 3))) == 1.0
    assert render.full_scale(np.array([np.nan, np.inf])) == 1.0
    assert render.full_scale(np.array([np.inf, -3.0, np.nan, 2.0])) == 3.0
    assert render.full_scale(np.array([0, -4], dtype=np.int16)) == 4.0


def test_a_map_with_a_nan_or_infinity_is_scaled_by_its_finite_values():
    # resolve_vmax, feature_map_rgb's checked scale, gave inf (every colour white) for an
    # infinite value and 1 for a NaN anywhere; display_vmax gave NaN or inf.
    fmap = np.array([[np.inf, -4.0], [np.nan, 2.0]])
    assert resolve_vmax(fmap, None) == 4.0
    assert display_vmax(fmap) == 4.0


def test_the_display_and_tile_scales_are_full_scale():
    fmap = np.array([[-3.0, 1.0], [0.5, 2.0]])
    assert resolve_vmax(fmap, None) == render.full_scale(fmap) == display_vmax(fmap) == 3.0
    assert display_vmax(fmap, "relu") == render.full_scale(np.maximum(fmap, 0)) == 2.0
    np.testing.assert_array_equal(map_tile(fmap, "relu"), map_tile(fmap, "relu", vmax=2.0))
    np.testing.assert_array_equal(feature_map_rgb(np.zeros((2, 2))),
                                  feature_map_rgb(np.zeros((2, 2)), vmax=1.0))
    # sequential colours default to the largest value shown: negative values show as 0
    np.testing.assert_array_equal(sequential_colors(np.array([-5.0, 2.0])),
                                  sequential_colors(np.array([-5.0, 2.0]), 2.0))
    with pytest.raises(ValueError, match="`vmax` must be a positive finite number"):
        resolve_vmax(fmap, 0.0)


# The fallback written out again somewhere: `... or 1.0` after a max, or `top if top > 0
# else 1.0`. Eight copies of it used to drift apart (NaN, signed and finite variants).
COPY = re.compile(r"\.max\(\)\)*\s*or 1(\.0)?\b|\bif (top|vmax) > 0 else 1(\.0)?\b")


def test_no_module_writes_the_colour_scale_fallback_again():
    sources = [*ROOT.joinpath("convviz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")]
    copies = [f"{p.relative_to(ROOT)}:{n}" for p in sources
              for n, line in enumerate(p.read_text().splitlines(), 1)
              if COPY.search(line) and p.name != "render.py"]
    assert not copies, copies
    assert COPY.search("    vmax = float(np.abs(w).max()) or 1.0")  # the pattern finds one
    assert COPY.search("    vmax = top if top > 0 else 1.0")
    assert COPY.search("    vmax = float(max(np.abs(b).max(), np.abs(a).max())) or 1.0")
