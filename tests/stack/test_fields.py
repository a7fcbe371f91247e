"""Receptive fields through a stack: the field the summary gives a unit (its outline on the
input) is the support of that unit's input gradient, computed by the engine from impulses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from impulses import impulse_support

from convviz.stack.fields import start_field
from convviz.stack.spec import PRESETS, layers_from_text
from convviz.stack.summary import summarize


def reached(field, unit):
    """The pixels the field says ``unit`` reaches: (H, W) booleans."""
    mask = np.zeros(field.input_hw, bool)
    rows, cols = field.reach(unit)
    mask[np.ix_(rows, cols)] = True
    return mask


def outline(field, unit):
    """The rectangle the page outlines: (H, W) booleans."""
    mask = np.zeros(field.input_hw, bool)
    box = field.seen(unit)
    if box:
        (r0, r1), (c0, c1) = box
        mask[r0:r1 + 1, c0:c1 + 1] = True
    return mask


def check_row(shape, layers, i):
    field = summarize(shape, layers).rows[i].field
    unit = field.centre()
    support = impulse_support(shape[:2], layers, i, unit)
    np.testing.assert_array_equal(reached(field, unit), support)
    if not support.any():  # a window on padding alone
        assert field.seen(unit) is None
        return
    box = outline(field, unit)
    assert not (support & ~box).any()
    assert field.gaps(unit) == (not np.array_equal(support, box))
    (r0, r1), (c0, c1) = field.window(unit)  # the unclipped outline holds every pixel
    rows, cols = np.nonzero(support)
    assert r0 <= rows.min() and rows.max() <= r1 and c0 <= cols.min() and cols.max() <= c1


@pytest.mark.parametrize("name", ["Classic Keras MNIST", "Tiny (digits 16x16)",
                                  "LeNet-5 style", "Deep MNIST (5x5, Dense 1024)"])
def test_every_preset_row_outlines_the_support_of_its_centre_unit(name):
    shape, layers = PRESETS[name]
    for i in range(len(layers)):
        check_row(shape, layers, i)


def test_mnist_fields_by_hand():
    rows = summarize(*PRESETS["Classic Keras MNIST"]).rows
    assert [(r.field.size, r.field.jump) for r in rows[:5]] == [
        (3, 1), (4, 2), (8, 2), (10, 4), (18, 4)]
    # the centre unit (1, 1) of the last 3x3 map: rows 4..21; Flatten keeps each unit's
    assert rows[4].field.seen((1, 1)) == ((4, 21), (4, 21))
    assert [r.field.text() for r in rows[4:]] == [
        "18×18, jump 4", "18×18, jump 4", "rows 0–25, columns 0–25 of the input",
        "rows 0–25, columns 0–25 of the input"]  # 'valid' windows never reach rows 26, 27


def test_same_padding_reaches_into_the_padding_and_covers_the_whole_input():
    rows = summarize(*PRESETS["Deep MNIST (5x5, Dense 1024)"]).rows
    assert rows[0].field.window((0, 0)) == ((-2, 2), (-2, 2))  # in the 'same' padding
    assert rows[0].field.seen((0, 0)) == ((0, 2), (0, 2))
    assert [(r.field.size, r.field.jump) for r in rows[:4]] == [(5, 1), (6, 2), (14, 2), (16, 4)]
    assert rows[5].field.text() == "whole input"


def test_a_window_narrower_than_its_stride_leaves_gaps():
    layers = layers_from_text("C1k1s2;C1k3")  # every other pixel, then three of them
    field = summarize((9, 9, 1), layers).rows[1].field
    assert (field.size, field.jump, field.gaps((1, 1))) == (5, 2, True)
    assert field.reach((1, 1)) == ((2, 4, 6), (2, 4, 6))  # units 1-3 of layer 1
    check_row((9, 9, 1), layers, 1)


def test_the_input_alone_and_a_flat_input():
    assert start_field((4, 5)).seen((2, 3)) == ((2, 2), (3, 3))
    assert summarize((10,), layers_from_text("D4")).rows[0].field is None


@st.composite
def stacks(draw):
    side = draw(st.integers(6, 14))
    tokens = []
    for _ in range(draw(st.integers(1, 3))):
        k, s = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        pad = draw(st.sampled_from(["", "same", "p1"]))
        if draw(st.booleans()):
            tokens.append(f"C1k{k}s{s}{pad}")
        else:
            tokens.append(f"M{k}s{s}{pad if pad != 'p1' or k >= 2 else ''}")
    tokens += draw(st.sampled_from([[], ["F"], ["F", "D3"], ["GA"]]))
    return (side, side + draw(st.integers(0, 3)), 1), layers_from_text(";".join(tokens))


@settings(max_examples=60, deadline=None)
@given(stacks())
def test_field_is_the_support_of_the_centre_units_input_gradient(case):
    shape, layers = case
    summary = summarize(shape, layers)
    for i, row in enumerate(summary.rows):
        if row.error:
            break
        check_row(shape, layers, i)
