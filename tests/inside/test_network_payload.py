"""convviz.inside.network_payload: the whole-network view's payload carries the engine's
numbers as colour levels whose colours are the server's own, and each column's reading rule
finds the cells unit_computation reads."""

import json

import numpy as np
import pytest

from convviz.draw import render as R
from convviz.draw.colors import feature_map_rgb
from convviz.inside.network_payload import (
    SCALES,
    column_levels,
    decode_levels,
    level_values,
    network_payload,
    scale_palette,
)
from convviz.inside.network_view import network_activations, unit_computation
from convviz.nn import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential

NAMES = tuple("abcde")


@pytest.fixture(scope="module")
def model():
    return Sequential([Conv2D(3, 3, padding="same"), ReLU(), MaxPool2D(2, padding="same"),
                       Conv2D(12, 3, stride=2), AvgPool2D(2, stride=1, padding="same"), ReLU(),
                       Flatten(), Dense(6), ReLU(), Dense(5)], input_shape=(9, 9, 2), seed=3)


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random((9, 9, 2)).astype(np.float32)


def test_every_column_sends_the_engines_numbers_as_levels(model, x):
    p = network_payload(model, x, NAMES)
    cols = network_activations(model, x)
    assert [c["name"] for c in p["columns"]] == [c.name for c in cols]
    assert [c["layer"] for c in p["columns"]] == list(range(-1, len(model.layers) + 1))
    for sent, col in zip(p["columns"], cols, strict=True):
        v = col.values.astype(np.float64)
        # the input's gray and the probabilities run 0 to 1; the rest to their largest |value|
        vmax = 1.0 if sent["scale"] == "gray" or col.kind == "softmax" else R.full_scale(v)
        want = v.transpose(2, 0, 1) if v.ndim == 3 else v  # map by map
        np.testing.assert_array_equal(decode_levels(sent["levels"]),
                                      column_levels(want, sent["scale"], vmax).ravel())
        assert sent["shape"] == list(col.shape)
    assert json.loads(json.dumps(p)) == p  # JSON-ready
    # a probability's bar is its level: its length is the probability itself
    probs = cols[-1].values
    assert decode_levels(p["columns"][-1]["levels"]).tolist() == np.rint(probs * 255).tolist()


def test_scales_follow_what_the_numbers_can_be(model, x):
    p = network_payload(model, x, NAMES)
    scales = {c["name"]: c["scale"] for c in p["columns"]}
    assert scales == {"input": "gray", "conv2d_1": "signed", "relu_1": "relu",
                      "max_pool2d_1": "relu", "conv2d_2": "signed", "avg_pool2d_1": "signed",
                      "relu_2": "relu", "flatten_1": "relu", "dense_1": "signed",
                      "relu_3": "relu", "dense_2": "signed", "softmax": "relu"}
    for c in p["columns"]:
        assert c["legend"]["colors"] and c["legend"]["ticks"]


@pytest.mark.parametrize("scale", SCALES)
def test_the_browsers_colour_of_a_level_is_the_servers_colour_of_the_value(scale):
    """The browser colours a value by its level's palette entry; that is the colour the
    server-side scale gives the value, up to the rounding to 256 levels."""
    rng = np.random.default_rng(1)
    vmax = 2.5
    values = rng.uniform(-vmax if scale == "signed" else 0, vmax, 2000)
    palette = scale_palette(scale)
    browser = np.array([[int(palette[q][i:i + 2], 16) for i in (1, 3, 5)]
                        for q in column_levels(values, scale, vmax)])
    if scale == "gray":
        server = R.gray_colors(values, 0, vmax)
    else:
        server = feature_map_rgb(values[None], mode=scale, vmax=vmax)[0]
    assert np.abs(browser - server.astype(int)).max() <= 2
    # and each level stands for the value its palette colour is drawn at
    assert level_values(scale, vmax)[[0, -1]].tolist() == ([-vmax, vmax] if scale == "signed"
                                                            else [0.0, vmax])


def test_each_columns_reading_rule_finds_the_cells_the_unit_reads(model, x):
    """The rule the browser lights on hover (reads) gives unit_computation's cells."""
    p = network_payload(model, x, NAMES)
    for col in p["columns"][1:-1]:
        li, reads = col["layer"], col["reads"]
        shape = tuple(col["shape"])
        for pos in [tuple(0 for _ in shape), tuple(s - 1 for s in shape)]:
            u = unit_computation(model, x, li, pos)
            if reads["kind"] == "window":
                rows = [pos[0] * reads["stride"][0] - reads["pad"][0]]
                cols = [pos[1] * reads["stride"][1] - reads["pad"][1]]
                rows.append(rows[0] + reads["size"][0])
                cols.append(cols[0] + reads["size"][1])
                chans = (tuple(range(p["columns"][li]["shape"][2])) if reads["channels"] == "all"
                         else (pos[2],))
                assert u.reads == {"rows": tuple(rows), "cols": tuple(cols), "channels": chans}
            elif reads["kind"] == "same" and len(pos) == 1:
                assert u.reads == {"index": pos[0]}
            elif reads["kind"] == "same":
                assert u.reads == {"rows": (pos[0], pos[0] + 1), "cols": (pos[1], pos[1] + 1),
                                   "channels": (pos[2],)}
            elif reads["kind"] == "flat":
                r, c, ch = np.unravel_index(pos[0], reads["shape"])
                assert u.reads == {"rows": (r, r + 1), "cols": (c, c + 1), "channels": (ch,)}
            else:
                assert reads["kind"] == "all" and u.reads == {"all": True}
    assert p["columns"][-1]["reads"] == {"kind": "all"}


def test_scores_and_probabilities_are_labelled_rows_of_class_names(model, x):
    p = network_payload(model, x, NAMES, picked=(3, (0, 1, 2)))
    scores, probs = p["columns"][-2:]
    assert [r["label"] for r in probs["rows"]] == list(NAMES)
    want = network_activations(model, x)[-1].values
    assert [r["text"] for r in probs["rows"]] == [f"{v:.1%}" for v in want]
    assert scores["rows"] and scores["cells"] is None and scores["maps"] is None
    assert p["picked"] == {"column": 3, "position": [0, 1, 2]}
    assert p["left_out"] is None


def test_over_the_budget_fewer_maps_are_sent_and_the_view_says_so(model, x):
    full = network_payload(model, x, NAMES)
    small = network_payload(model, x, NAMES, budget=sum(len(c["levels"])
                                                        for c in full["columns"]) - 1)
    conv2 = next(c for c in small["columns"] if c["name"] == "conv2d_2")
    assert conv2["maps"]["channels"] == 12 and conv2["maps"]["shown"] < 12
    assert len(decode_levels(conv2["levels"])) == conv2["maps"]["shown"] * 2 * 2
    assert "conv2d_2" in small["left_out"] and small["token"] != full["token"]
    assert full["token"] == network_payload(model, x, NAMES, picked=(1, (0, 0, 0)))["token"]


def test_wrong_class_names_are_refused(model, x):
    with pytest.raises(ValueError, match="`class_names` must name the model's 5 classes"):
        network_payload(model, x, ("a", "b"))
