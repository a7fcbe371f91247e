"""Tests for the generated shapes data set."""

import itertools

import numpy as np
import pytest

from convviz.nn.data import SHAPE_CLASSES, make_shapes_dataset


@pytest.fixture(scope="module")
def shapes():
    return make_shapes_dataset()


def test_defaults(shapes):
    assert shapes.class_names == SHAPE_CLASSES
    assert len(SHAPE_CLASSES) == 7
    assert shapes.input_shape == (28, 28, 1)
    assert shapes.n_train + shapes.n_test == 7 * 300
    assert shapes.x_train.dtype == np.float32 and shapes.y_train.dtype == np.int64
    assert shapes.name == "Shapes"


def test_balanced_classes(shapes):
    assert shapes.class_counts("train").tolist() == [225] * 7
    assert shapes.class_counts("test").tolist() == [75] * 7


def test_value_range(shapes):
    for x in (shapes.x_train, shapes.x_test):
        assert x.min() >= 0 and x.max() <= 1
    assert shapes.x_train.max() == 1.0  # bright strokes plus noise reach the clip


def test_same_seed_same_arrays_other_seed_differs(shapes):
    again = make_shapes_dataset()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(again, name), getattr(shapes, name))
    other = make_shapes_dataset(seed=1)
    assert not np.array_equal(other.x_train, shapes.x_train)


def test_no_two_images_alike(shapes):
    flat = shapes.x_train.reshape(shapes.n_train, -1)
    assert len(np.unique(flat.round(3), axis=0)) == shapes.n_train


def test_classes_are_visually_distinct(shapes):
    x = shapes.x_train[:, :, :, 0]
    means = np.stack([x[shapes.y_train == k].mean(axis=0) for k in range(7)])
    for a, b in itertools.combinations(range(7), 2):
        assert np.linalg.norm(means[a] - means[b]) > 0.5, (SHAPE_CLASSES[a], SHAPE_CLASSES[b])


def test_lines_have_the_edges_their_names_promise():
    ds = make_shapes_dataset(
        n_per_class=20, classes=("horizontal line", "vertical line"), noise=0.0, seed=3
    )
    x = ds.x_train[:, :, :, 0]
    # Energy of the vertical and horizontal derivatives: what an edge filter responds to.
    d_rows = np.abs(np.diff(x, axis=1)).sum(axis=(1, 2))
    d_cols = np.abs(np.diff(x, axis=2)).sum(axis=(1, 2))
    horizontal = ds.y_train == 0
    assert np.all(d_rows[horizontal] > 2 * d_cols[horizontal])
    assert np.all(d_cols[~horizontal] > 2 * d_rows[~horizontal])


def test_noise_free_background_is_black():
    ds = make_shapes_dataset(n_per_class=5, noise=0.0, seed=2)
    assert np.mean(ds.x_train == 0) > 0.6
    for img in ds.x_train:
        assert img.max() >= 0.5  # every image has a visible stroke


def test_subset_of_classes_in_given_order():
    ds = make_shapes_dataset(n_per_class=6, classes=["cross", "circle"], size=20, seed=0)
    assert ds.class_names == ("cross", "circle")
    assert ds.input_shape == (20, 20, 1)
    assert ds.class_counts("train").tolist() == [4, 4]
    assert ds.class_counts("test").tolist() == [2, 2]


@pytest.mark.parametrize("size", [16, 64])
def test_size_limits_work(size):
    ds = make_shapes_dataset(n_per_class=2, size=size, seed=0)
    assert ds.input_shape == (size, size, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(size=15), ValueError, "`size` must be between 16 and 64, got 15"),
        (dict(size=65), ValueError, "`size` must be between 16 and 64, got 65"),
        (dict(n_per_class=1), ValueError, "`n_per_class` must be between 2 and 5000"),
        (dict(n_per_class=2.5), TypeError, "`n_per_class` must be an integer"),
        (dict(classes=("circle", "star")), ValueError, "`classes` must contain only"),
        (dict(classes=("circle",)), ValueError, "at least two classes"),
        (dict(classes=("circle", "circle")), ValueError, "must not repeat"),
        (dict(classes="circle"), TypeError, "`classes` must be a sequence"),
        (dict(noise=-0.1), ValueError, "`noise` must be between 0 and 1"),
        (dict(noise="loud"), TypeError, "`noise` must be a number"),
        (dict(seed=None), TypeError, "`seed` must be a non-negative integer"),
        (dict(test_fraction=1.0), ValueError, "`test_fraction` must be strictly between"),
    ],
)
def test_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_shapes_dataset(**kwargs)
