"""The comparison's pictures: the difference grid (its colours and legend) and the PNG
report."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz.draw import render
from convviz.draw.grid_data import hex_colors
from convviz.inside.compare_report import (
    REPORT_SIZE,
    difference_payload,
    report_cost,
    report_png,
)

DIFF = np.array([[3, -1, -2], [0, 0, 0], [-3, 1, 2]])
NAMES = ["cat", "dog", "owl"]
LABELS = ("learning rate 0.001", "learning rate 0.01")


def test_the_difference_grid_shows_signed_counts_on_the_diverging_scale():
    p = difference_payload(DIFF, NAMES, LABELS)
    panel = p["panels"][0]
    assert panel["text"] == ["+3", "-1", "-2", "0", "0", "0", "-3", "+1", "+2"]
    colours = [p["palette"][c] for c in panel["colors"]]
    assert colours == hex_colors(render.diverging_colors(DIFF.astype(float), 3.0))
    assert colours[0] == "#b2182b" and colours[6] == "#2166ac"  # full red, full blue
    assert panel["legend"]["ticks"] == ["-3", "0", "3"]
    assert panel["hover"][1] == "true cat, predicted dog: -1 images"
    assert "minus “learning rate 0.001”" in panel["title"]


@pytest.mark.parametrize(("diff", "names", "labels", "match"), [
    (np.zeros((2, 3)), ["a", "b"], LABELS, "`diff` must be a square"),
    (DIFF, ["a", "b"], LABELS, "`class_names` must name 3 classes, got 2"),
    (DIFF, NAMES, ("a",), "`labels` must name two runs, got 1"),
])
def test_bad_difference_inputs_are_refused(diff, names, labels, match):
    with pytest.raises(ValueError, match=match):
        difference_payload(diff, names, labels)


def _rows():
    rows = []
    for k in range(5):
        rows.append({"epoch": k / 2, "run": LABELS[0], "loss": 2 - 0.3 * k,
                     "held-out accuracy": 0.2 * k})
        rows.append({"epoch": k / 2, "run": LABELS[1], "loss": 2 - 0.1 * k,
                     "held-out accuracy": None if k == 0 else 0.1 * k})
    return rows


def test_the_report_is_a_png_of_its_size_and_draws_the_difference():
    png = report_png(_rows(), LABELS, (0.8, 0.4), DIFF, NAMES, title="Learning rate")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == REPORT_SIZE
    other = report_png(_rows(), LABELS, (0.8, 0.4), -DIFF, NAMES, title="Learning rate")
    assert other != png
    rgb = np.asarray(img.convert("RGB")).reshape(-1, 3)
    red = np.array([178, 24, 43])  # the full-scale cells' colour is drawn
    assert (np.abs(rgb.astype(int) - red).sum(axis=1) == 0).sum() > 100


def test_the_report_fits_one_clicks_budget():
    assert report_cost(10).fits


def test_the_text_column_stays_left_of_the_confusion_grid():
    """The notes wrap: none runs under the difference grid or its axis label (the report
    once cut "...in the same order" off under the grid)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from convviz.draw.plot_lock import PLOT_LOCK
    from convviz.inside.compare_report import report_figure

    labels = ("SGD with momentum 0.9", "learning rate 0.000123")
    notes = ["Both runs: the same seed and the same batches in the same order;",
             "different initial weights (the two models' weights differ in shape)."]
    with PLOT_LOCK:
        rows = [{**r, "run": labels[LABELS.index(r["run"])]} for r in _rows()]
        fig = report_figure(rows, labels, (0.8, 0.4), DIFF, NAMES, title="t", notes=notes)
        renderer = FigureCanvasAgg(fig).get_renderer()
        text = fig.axes[2].texts[0]
        grid = fig.axes[3]
        words = text.get_window_extent(renderer)
        assert words.x1 < grid.get_tightbbox(renderer).x0
        assert words.y0 > 0  # and inside the page
        assert "same order; different initial" in text.get_text().replace("\n", " ")
