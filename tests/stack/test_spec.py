"""The compact text of a layer stack (links) and table rows <-> LayerSpec, and the presets."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.engine.pooling import pool_padding_problem
from convviz.stack.spec import (
    COLUMNS,
    LENET5_DIFFERENCES,
    PRESET_NOTES,
    PRESETS,
    layers_from_text,
    layers_to_text,
    spec_from_row,
    spec_to_row,
)
from convviz.stack.summary import KINDS, LayerSpec, layer_problem, summarize


def test_mnist_text():
    text = layers_to_text(PRESETS["Classic Keras MNIST"][1])
    assert text == "C32k3:relu;M2;C64k3:relu;M2;C64k3:relu;F;D64:relu;D10:softmax"
    assert PRESETS["Classic Keras MNIST"][0] == (28, 28, 1)


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_round_trip_and_have_notes(name):
    shape, layers = PRESETS[name]
    assert layers_from_text(layers_to_text(layers)) == layers
    assert all(layer_problem(s) is None for s in layers)
    assert name in PRESET_NOTES


def test_every_kind_round_trips():
    layers = (LayerSpec("Conv2D", 8, 5, 2, "same", "tanh"), LayerSpec("Conv2D", 4, 3, None, 1),
              LayerSpec("Conv2D", 4, 3, 1, 0), LayerSpec("MaxPool2D", None, 3, 1, "same"),
              LayerSpec("AvgPool2D", None, 2), LayerSpec("ReLU"), LayerSpec("GlobalAvgPool2D"),
              LayerSpec("GlobalMaxPool2D"), LayerSpec("Flatten"), LayerSpec("Dense", 10))
    text = layers_to_text(layers)
    assert text == "C8k5s2same:tanh;C4k3p1;C4k3s1p0;M3s1same;A2;R;GA;GM;F;D10"
    assert layers_from_text(text) == layers


_spec = st.one_of(
    st.builds(LayerSpec, st.just("Conv2D"), st.integers(1, 512), st.integers(1, 11),
              st.one_of(st.none(), st.integers(1, 4)),
              st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 5)),
              st.one_of(st.none(), st.sampled_from(["relu", "softmax"]))),
    st.builds(LayerSpec, st.sampled_from(["MaxPool2D", "AvgPool2D"]), st.none(),
              st.integers(1, 5), st.one_of(st.none(), st.integers(1, 4)),
              st.sampled_from(["valid", "same"])),
    st.builds(LayerSpec, st.just("Dense"), st.integers(1, 4096),
              activation=st.one_of(st.none(), st.just("sigmoid"))),
    st.builds(LayerSpec, st.sampled_from(["Flatten", "ReLU", "GlobalAvgPool2D"])),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_spec, max_size=12))
def test_round_trip_property(layers):
    assert layers_from_text(layers_to_text(layers)) == tuple(layers)


def test_spaces_case_and_empty_tokens_are_tolerated():
    assert layers_from_text(" c32K3 ; m2 ;; f;d10:ReLU ") == layers_from_text("C32k3;M2;F;D10:relu")
    assert layers_from_text("") == ()


@pytest.mark.parametrize(("text", "message"), [
    ("X5", "layer 1 ('X5'): not a layer; write C32k3"),
    ("C32k3;C32", "layer 2 ('C32'): Conv2D needs a kernel size, e.g. C32k3"),
    ("Ck3", "Conv2D needs a number of filters"),
    ("D", "Dense needs a number of units"),
    ("M", "MaxPool2D needs a pool size"),
    ("Mk2", "write the pool size right after the letter, e.g. M2"),
    ("F3", "Flatten takes no number"),
    ("D10k3", "Dense takes no kernel, stride or padding"),
    ("R:relu", "only Conv2D and Dense take an activation"),
    ("D10:gelu", "activation must be one of"),
    ("C0k3", "the number must be between 1 and 100,000, got 0"),
    ("C8k0", "the kernel or pool size must be between 1"),
    ("C8k3s0", "the stride must be between 1"),
    ("C8k3p", "not a layer"),
    ("C8k3psame", "not a layer"),
    ("C8k3;M2p2", "layer 2 ('M2p2'): `padding` of 2 is too large for a pool of 2: pooling "
     "padding must be at most half the pool size, 2 // 2 = 1"),
    ("A3p2", "`padding` of 2 is too large for a pool of 3"),
    (";".join(["F"] * 41), "at most 40 layers"),
])
def test_parse_errors(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        layers_from_text(text)


def test_parse_type_error():
    with pytest.raises(TypeError, match="string"):
        layers_from_text(None)


def test_to_text_rejects_unknown_kind():
    with pytest.raises(ValueError, match="Conv3D"):
        layers_to_text([LayerSpec("Conv3D")])


# table rows


def test_rows_round_trip():
    for _, layers in PRESETS.values():
        rows = [spec_to_row(s) for s in layers]
        assert all(set(r) == set(COLUMNS) for r in rows)
        assert tuple(spec_from_row(r) for r in rows) == layers


def test_spec_from_row_cleans_cells():
    row = {"layer": "Conv2D", "units": 32.0, "size": np.int64(3), "stride": math.nan,
           "padding": "1", "activation": "none"}
    assert spec_from_row(row) == LayerSpec("Conv2D", 32, 3, None, 1, None)


def test_spec_from_row_drops_cells_the_kind_does_not_use():
    row = {"layer": "Dense", "units": 10, "size": 3, "stride": 2, "padding": "same",
           "activation": "softmax"}
    assert spec_from_row(row) == LayerSpec("Dense", 10, activation="softmax")
    assert spec_from_row({"layer": "Flatten", "units": 5}) == LayerSpec("Flatten")


def test_spec_from_row_keeps_bad_cells_for_the_summary():
    spec = spec_from_row({"layer": "Conv2D", "units": None, "size": 2.5})
    assert spec.filters_or_units is None and spec.kernel_size == 2.5
    assert layer_problem(spec) == "Conv2D needs a number of filters"
    assert spec_from_row({"layer": None}).kind == ""
    assert spec_from_row({}) == LayerSpec("")
    assert "choose a layer type" in layer_problem(spec_from_row({"layer": math.nan}))


def test_all_kinds_have_a_letter():
    for kind in KINDS:
        assert layers_to_text([LayerSpec(kind, 1, 1)])


def test_pool_padding_follows_the_pooling_pages_rule():
    assert layers_from_text("M2p1;A3p1;M4p2;M2same")[2].padding == 2
    for k in range(1, 6):
        for p in range(0, 4):
            problem = pool_padding_problem(p, k)
            if problem is None:
                assert layers_from_text(f"M{k}p{p}")[0].padding == p
            else:
                with pytest.raises(ValueError, match=re.escape(problem)):
                    layers_from_text(f"M{k}p{p}")


def test_too_deep_note_is_the_summary_s_story():
    rows = summarize(*PRESETS["Too deep for 28x28"]).rows
    bad = next(r for r in rows if r.error)
    pools = [r for r in rows[:bad.index] if r.kind == "MaxPool2D"]
    assert len(pools) == 3 and (pools[-1].input_shape[0], pools[-1].output_shape[0]) == (3, 1)
    assert bad.kind == "Conv2D" and bad.output_shape is None and bad.input_shape[:2] == (1, 1)
    note = PRESET_NOTES["Too deep for 28x28"]
    assert "the third pool makes 3 → 1" in note
    assert f"convolution (row {bad.index + 1}) does not fit on a 1x1 map" in note
    assert "no output at all" in note and "finds only a 1x1 map" not in note


def test_lenet_note_says_how_it_differs_from_1998():
    note = PRESET_NOTES["LeNet-5 style"]
    total = summarize(*PRESETS["LeNet-5 style"]).total_params
    assert total == 61_706
    assert f"this preset has {total:,}" in note and "about 60,000" in note
    assert LENET5_DIFFERENCES in note
    for part in ("trainable weight and bias per map", "C3", "3, 4 or 6", "RBF"):
        assert part in LENET5_DIFFERENCES
