"""Two runs that differ in one setting: the pairing, the same batches, the turns, the curves."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from convviz.nn.data import load_builtin
from convviz.serve.compare import (
    CURVE_POINTS,
    build_comparison,
    compare_tick,
    confusion_difference,
    curve_rows,
    paired_settings,
    strided_text,
)
from convviz.serve.session import TrainSettings
from convviz.serve.slots import Slots

TINY = "C4k3:relu;M2;F;D10"


@pytest.fixture(scope="module")
def ds():
    return load_builtin("digits")


def _base(**kw) -> TrainSettings:
    return TrainSettings(arch_text=TINY, epochs=1, batch_size=64, seed=3, **kw)


def _fields(s: TrainSettings) -> dict:
    return dataclasses.asdict(s)


@pytest.mark.parametrize(("variable", "values", "field"), [
    ("lr", (0.001, 0.01), "lr"),
    ("optimizer", ("adam", "sgd"), "optimizer"),
    ("downsampling", ("pooling", "strided convolution"), "arch_text"),
    ("filters", (4, 8), "arch_text"),
    ("augment", (0, 2), "augment"),
])
def test_the_two_runs_differ_only_in_the_chosen_setting(variable, values, field):
    pair = paired_settings(_base(), variable, values)
    a, b = (_fields(s) for s in pair.settings)
    assert {k for k in a if a[k] != b[k]} == {field}


def test_the_optimizer_comparison_keeps_one_learning_rate():
    pair = paired_settings(_base(), "optimizer", ("adam", "sgd"))
    assert pair.settings[0].config().lr == pair.settings[1].config().lr == 2e-3


def test_strided_text_folds_each_pool_into_its_convolution():
    assert strided_text(TINY) == "C4k3s2:relu;F;D10"
    with pytest.raises(ValueError, match="`arch_text` has no pooling"):
        strided_text("C4k3:relu;F;D10")


@pytest.mark.parametrize(("variable", "values", "match"), [
    ("momentum", (1, 2), "`variable` must be one of"),
    ("lr", (0.1,), "`values` must hold two values, got 1"),
    ("lr", (0.1, 0.1), "`values` must differ"),
    ("lr", (0.1, -1.0), "`lr` must be a number > 0"),
    ("optimizer", ("adam", "rmsprop"), "`values` must be optimizers"),
    ("filters", (4, 0), "`values` must be filter counts >= 1, got 0"),
    ("augment", (0, 5), "`values` must be shifts from 0 to 4 pixels, got 5"),
    ("augment", (0, True), "`values` must be shifts"),
])
def test_bad_pairs_are_refused_naming_the_argument(variable, values, match):
    with pytest.raises(ValueError, match=match):
        paired_settings(_base(), variable, values)


def _record_batches(trainer) -> list[np.ndarray]:
    """Record every batch the trainer's model is trained on."""
    seen, forward = [], trainer.model.forward

    def spy(x, *args, **kwargs):
        seen.append(x.copy())
        return forward(x, *args, **kwargs)

    trainer.model.forward = spy
    return seen


DOWN = ("pooling", "strided convolution")


@pytest.mark.parametrize(("variable", "values"), [
    ("lr", (0.001, 0.02)), ("filters", (2, 6)), ("downsampling", DOWN)])
def test_both_runs_see_the_same_batches_in_the_same_order(ds, variable, values):
    comp = build_comparison(paired_settings(_base(), variable, values), ds)
    a, b = (_record_batches(t) for t in comp.trainers)
    for t in comp.trainers:
        t.run(max_steps=12, evaluate=False)
    assert len(a) == len(b) == 12
    for xa, xb in zip(a, b, strict=True):
        np.testing.assert_array_equal(xa, xb)


def test_same_initial_weights_where_the_shapes_match(ds):
    comp = build_comparison(paired_settings(_base(), "downsampling", DOWN), ds)
    assert comp.same_init
    wa, wb = (t.model.layers[0].params["weight"] for t in comp.trainers)
    np.testing.assert_array_equal(wa, wb)
    assert not build_comparison(paired_settings(_base(), "filters", (2, 6)), ds).same_init


def _clock():
    """A deterministic compute clock: each reading is 0.01 s later."""
    counter = itertools.count()
    return lambda: next(counter) * 0.01


def _run(ds):
    """Both runs to the end, slice by slice; returns the comparison and (run, step) turns."""
    comp = build_comparison(paired_settings(_base(), "lr", (0.001, 0.02)), ds)
    turns = []
    slots = Slots(1)
    while not comp.done:
        i, tick = compare_tick(comp, slots, max_seconds=0.2, clock=_clock(), yield_wait=0)
        turns.append((i, comp.trainers[i].step))
    return comp, turns


def test_the_runs_take_turns_and_the_same_seed_gives_the_same_curves(ds):
    comp1, turns = _run(ds)
    comp2, _ = _run(ds)
    # the run that is behind trains next: the turns alternate, the first run first
    assert [i for i, _ in turns[:4]] == [0, 1, 0, 1]
    assert comp1.done and all(t.step == t.total_steps for t in comp1.trainers)
    rows1, rows2 = curve_rows(comp1), curve_rows(comp2)
    assert {r["run"] for r in rows1} == {"learning rate 0.001", "learning rate 0.02"}
    assert [(r["run"], r["epoch"]) for r in rows1] == [(r["run"], r["epoch"]) for r in rows2]
    np.testing.assert_allclose([r["loss"] for r in rows1], [r["loss"] for r in rows2])
    # two learning rates: two different curves
    by_run = {}
    for r in rows1:
        by_run.setdefault(r["run"], []).append(r["loss"])
    assert by_run["learning rate 0.001"] != by_run["learning rate 0.02"]


def test_compare_tick_waits_for_a_slot_and_trains_nothing(ds):
    comp = build_comparison(paired_settings(_base(), "lr", (0.001, 0.02)), ds)
    slots = Slots(1)
    with slots:
        i, tick = compare_tick(comp, slots)
    assert (i, tick.status) == (0, "waiting")
    assert [t.step for t in comp.trainers] == [0, 0]


def test_the_confusion_difference_is_the_second_minus_the_first(ds):
    comp = build_comparison(paired_settings(_base(), "lr", (0.001, 0.02)), ds)
    comp.trainers[1].run(max_steps=20)
    diff = confusion_difference(comp)
    a, b = (t.confusion_matrix() for t in comp.trainers)
    np.testing.assert_array_equal(diff, b.astype(int) - a.astype(int))
    assert diff.sum() == 0 and diff.any()  # same test images; the trained one answers otherwise


def test_a_fast_run_still_draws_its_curves_with_many_points(ds):
    """However fast the network trains (here a clock that barely moves, so a time budget
    alone would record once per slice), each run records every `record_steps` steps."""
    comp = build_comparison(paired_settings(_base(), "lr", (0.001, 0.02)), ds)
    slow = itertools.count()
    clock = lambda: next(slow) * 1e-6  # noqa: E731  (a whole run in one record's time)
    while not comp.done:
        compare_tick(comp, Slots(1), max_seconds=10.0, clock=clock, yield_wait=0)
    steps = comp.trainers[0].total_steps
    assert comp.record_steps == max(1, -(-steps // CURVE_POINTS))
    for t in comp.trainers:
        assert len(t.history) >= min(CURVE_POINTS, steps)
        assert all(b.step - a.step <= comp.record_steps
                   for a, b in zip(t.history, t.history[1:], strict=False))


def test_augmentation_runs_see_the_same_images_in_the_same_order_shifted(ds):
    comp = build_comparison(paired_settings(_base(), "augment", (0, 2)), ds)
    assert comp.pair.labels == ("no augmentation", "shifts up to 2 px") and comp.same_init
    a, b = (_record_batches(t) for t in comp.trainers)
    for t in comp.trainers:
        t.run(max_steps=4, evaluate=False)
    assert len(a) == len(b) == 4
    for xa, xb in zip(a, b, strict=True):
        assert not np.array_equal(xa, xb)
        padded = np.pad(xa, ((0, 0), (2, 2), (2, 2), (0, 0)))
        h, w = xa.shape[1:3]
        for img, pad in zip(xb, padded, strict=True):  # each one a shift of the same image
            assert any(np.array_equal(img, pad[i:i + h, j:j + w])
                       for i in range(5) for j in range(5))
