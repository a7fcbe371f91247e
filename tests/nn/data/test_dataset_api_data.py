"""Tests for the Dataset container, the stratified split, mini-batches and the registry."""

import numpy as np
import pytest

from convviz.nn.data import (
    DATASETS,
    UPLOADS,
    Dataset,
    DatasetError,
    batches,
    load_builtin,
    stratified_split,
)


def tiny(**overrides):
    fields = dict(
        x_train=np.zeros((4, 3, 3, 1), np.float32),
        y_train=np.array([0, 1, 0, 1]),
        x_test=np.ones((2, 3, 3, 1), np.float32),
        y_test=np.array([1, 0]),
        class_names=("a", "b"),
        name="Tiny",
    )
    fields.update(overrides)
    return Dataset(**fields)


def test_dataset_properties_and_dtypes():
    ds = tiny(x_train=np.zeros((4, 3, 5, 1)), x_test=np.zeros((2, 3, 5, 1)))  # float64 in
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.input_shape == (3, 5, 1)
    assert (ds.n_classes, ds.n_train, ds.n_test) == (2, 4, 2)
    assert ds.class_counts("train").tolist() == [2, 2]
    assert ds.class_counts("test").tolist() == [1, 1]
    assert ds.notes == () and ds.description == ""


def test_dataset_arrays_are_read_only_and_caller_arrays_untouched():
    x = np.zeros((4, 3, 3, 1), np.float32)
    ds = tiny(x_train=x)
    with pytest.raises(ValueError):
        ds.x_train[0, 0, 0, 0] = 1
    x[0, 0, 0, 0] = 0.5  # the caller's array stays writeable
    with pytest.raises(AttributeError):
        ds.name = "other"


def test_dataset_allows_empty_test_split():
    ds = tiny(x_test=np.zeros((0, 3, 3, 1), np.float32), y_test=[])
    assert ds.n_test == 0 and ds.y_test.dtype == np.int64


def test_dataset_accepts_list_class_names_and_notes():
    ds = tiny(class_names=["a", "b"], notes=["hello"])
    assert ds.class_names == ("a", "b") and ds.notes == ("hello",)


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        (dict(x_train=np.zeros((4, 3, 3))), ValueError, "`x_train` must be 4-D"),
        (dict(x_train=np.zeros((4, 3, 3, 1), np.uint8)), TypeError, "`x_train` must be a float"),
        (dict(x_train=np.full((4, 3, 3, 1), 2.0)), ValueError, r"in \[0, 1\]"),
        (dict(x_train=np.full((4, 3, 3, 1), np.nan)), ValueError, "finite"),
        (dict(x_test=np.zeros((2, 4, 3, 1))), ValueError, "`x_test` images must have the shape"),
        (dict(y_train=np.array([0, 1, 0])), ValueError, r"`y_train` must have shape \(4,\)"),
        (dict(y_train=np.array([0, 1, 0, 2])), ValueError, "class indices 0 .. 1"),
        (dict(y_test=np.array([0.0, 1.0])), TypeError, "`y_test` must be an integer array"),
        (dict(class_names=("a", "a")), ValueError, "unique"),
        (dict(class_names=()), TypeError, "`class_names`"),
        (dict(name=3), TypeError, "`name`"),
        (
            dict(x_train=np.zeros((0, 3, 3, 1), np.float32), y_train=[]),
            ValueError,
            "at least one image",
        ),
    ],
)
def test_dataset_validation(overrides, error, match):
    with pytest.raises(error, match=match):
        tiny(**overrides)


def test_class_counts_rejects_unknown_split():
    with pytest.raises(ValueError, match="`split` must be 'train' or 'test'"):
        tiny().class_counts("val")


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


# --- stratified_split -------------------------------------------------------------------------


def test_stratified_split_keeps_class_shares_and_covers_everything():
    y = np.repeat(np.arange(3), [40, 20, 8])
    train, test = stratified_split(y, 0.25, seed=0)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(y)))
    assert np.bincount(y[test]).tolist() == [10, 5, 2]
    assert np.bincount(y[train]).tolist() == [30, 15, 6]


def test_stratified_split_small_classes():
    y = np.array([0, 1, 1, 2, 2, 2])  # class 0 has a single image
    train, test = stratified_split(y, 0.1, seed=0)
    assert 0 in train and 0 not in test  # a single image is for training
    assert np.bincount(y[test], minlength=3).tolist() == [0, 1, 1]  # >= 1 test when n >= 2
    train, test = stratified_split(y, 0.9, seed=0)
    assert np.bincount(y[train], minlength=3).tolist() == [1, 1, 1]  # >= 1 train always


def test_stratified_split_is_deterministic_and_seed_dependent():
    y = np.repeat(np.arange(4), 25)
    a = stratified_split(y, 0.3, seed=1)
    b = stratified_split(y, 0.3, seed=1)
    c = stratified_split(y, 0.3, seed=2)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_stratified_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="`test_fraction` must be strictly between 0 and 1"):
        stratified_split(np.array([0, 1]), fraction)


# --- batches ----------------------------------------------------------------------------------


def test_batches_cover_one_epoch_in_a_new_order_each_time():
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1)
    y = np.arange(10)
    rng = np.random.default_rng(0)
    epochs = []
    for _ in range(2):
        out = list(batches(x, y, 4, rng))
        assert [len(yb) for _, yb in out] == [4, 4, 2]
        for xb, yb in out:
            assert np.array_equal(xb[:, 0, 0, 0], yb)  # x and y stay paired
        epochs.append(np.concatenate([yb for _, yb in out]))
    assert sorted(epochs[0].tolist()) == sorted(epochs[1].tolist()) == list(range(10))
    assert not np.array_equal(epochs[0], epochs[1])


def test_batches_replay_from_a_seed():
    x, y = np.zeros((9, 2, 2, 1)), np.arange(9)
    first = [yb.tolist() for _, yb in batches(x, y, 3, 7)]
    again = [yb.tolist() for _, yb in batches(x, y, 3, np.random.default_rng(7))]
    assert first == again


def test_batches_without_shuffle_and_drop_last():
    x, y = np.zeros((7, 2, 2, 1)), np.arange(7)
    out = [yb.tolist() for _, yb in batches(x, y, 3, 0, shuffle=False, drop_last=True)]
    assert out == [[0, 1, 2], [3, 4, 5]]


def test_batches_validate_before_iterating():
    with pytest.raises(ValueError, match="same number of samples"):
        batches(np.zeros((3, 2)), np.zeros(4), 2, 0)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        batches(np.zeros((3, 2)), np.zeros(3), 0, 0)
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        batches(np.zeros((3, 2)), np.zeros(3), 2, 1.5)
    with pytest.raises(ValueError, match="non-negative"):
        batches(np.zeros((3, 2)), np.zeros(3), 2, -1)


# --- registry ---------------------------------------------------------------------------------


def test_registry_titles_and_descriptions():
    assert list(DATASETS) == ["digits", "shapes", "mnist"]
    assert DATASETS["digits"].title == "Handwritten digits"
    assert DATASETS["shapes"].title == "Shapes"
    assert list(UPLOADS) == ["images_zip", "mnist_files"]
    for info in [*DATASETS.values(), *UPLOADS.values()]:
        assert info.description and "\n" not in info.description and callable(info.loader)
    with pytest.raises(TypeError):
        DATASETS["x"] = DATASETS["digits"]  # shared by all sessions: read-only


def test_load_builtin_passes_options():
    ds = load_builtin("shapes", n_per_class=4, size=16, classes=("circle", "square"))
    assert ds.class_names == ("circle", "square") and ds.input_shape == (16, 16, 1)


def test_load_builtin_errors():
    with pytest.raises(ValueError,
                       match="`name` must be one of 'digits', 'shapes', 'mnist', got 'cifar'"):
        load_builtin("cifar")
    with pytest.raises(TypeError, match="'digits' does not take the option"):
        load_builtin("digits", n_per_class=3)
