"""Tests for the handwritten digits data set (scikit-learn's bundled 8x8 scans)."""

import numpy as np
import pytest

from convviz.nn.data import load_digits_dataset


@pytest.fixture(scope="module")
def digits():
    return load_digits_dataset()


def test_default_shapes_and_types(digits):
    assert digits.n_train + digits.n_test == 1797
    assert (digits.n_train, digits.n_test) == (1347, 450)
    assert digits.input_shape == (16, 16, 1)
    assert digits.n_classes == 10
    assert digits.class_names == tuple("0123456789")
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    assert digits.name == "Handwritten digits"
    assert "1,797" in digits.description


def test_values_in_unit_range_and_use_it(digits):
    for x in (digits.x_train, digits.x_test):
        assert x.min() == 0.0 and x.max() == 1.0


def test_split_is_stratified(digits):
    from sklearn.datasets import load_digits

    totals = np.bincount(load_digits().target)
    test = digits.class_counts("test")
    assert np.all(np.abs(test - totals * 0.25) <= 1)
    assert np.array_equal(test + digits.class_counts("train"), totals)


def test_deterministic_and_seed_changes_split(digits):
    again = load_digits_dataset()
    assert np.array_equal(again.x_train, digits.x_train)
    assert np.array_equal(again.y_test, digits.y_test)
    other = load_digits_dataset(seed=1)
    assert not np.array_equal(other.x_test, digits.x_test)


def test_native_size_is_the_raw_scans():
    from sklearn.datasets import load_digits

    ds = load_digits_dataset(size=8)
    raw = load_digits().images / 16
    assert ds.input_shape == (8, 8, 1)
    all_images = np.concatenate([ds.x_train, ds.x_test])[:, :, :, 0]
    # Every scan appears once, unchanged (compare as sorted rows of pixel values).
    a = np.sort(all_images.reshape(1797, -1).round(6), axis=0)
    b = np.sort(raw.reshape(1797, -1).round(6), axis=0)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("size", [12, 28, 32])
def test_upsampling_keeps_the_picture(size):
    small = load_digits_dataset(size=8)
    big = load_digits_dataset(size=size)
    assert big.input_shape == (size, size, 1)
    assert 0 <= big.x_train.min() and big.x_train.max() <= 1
    # Same split, so image i is the same digit: block means stay close to the 8x8 scan.
    assert np.array_equal(big.y_train, small.y_train)
    ratio = abs(big.x_train.mean() - small.x_train.mean())
    assert ratio < 0.02


def test_test_fraction():
    ds = load_digits_dataset(test_fraction=0.5)
    assert ds.n_test == 899


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(size=7), ValueError, "`size` must be between 8 and 32, got 7"),
        (dict(size=33), ValueError, "`size` must be between 8 and 32, got 33"),
        (dict(size=16.0), TypeError, "`size` must be an integer"),
        (dict(test_fraction=0), ValueError, "`test_fraction` must be strictly between 0 and 1"),
        (dict(test_fraction=True), TypeError, "`test_fraction`"),
        (dict(test_fraction=0.001), ValueError, "at least 10 images"),
        (dict(seed=-1), ValueError, "`seed` must be a non-negative integer"),
    ],
)
def test_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digits_dataset(**kwargs)
