"""convviz.inside.predictions: class probabilities and the confusion matrix image."""

import numpy as np
import pytest

from convviz.draw.colors import sequential_colors
from convviz.draw.grid_data import hex_colors
from convviz.inside.predictions import confusion_matrix_image, confusion_payload, probabilities
from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential, softmax, softmax_cross_entropy


def is_image(img: np.ndarray) -> bool:
    return img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.size > 0


# -- probabilities ---------------------------------------------------------------------------
def test_probabilities_are_the_softmax_of_the_logits():
    model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1))
    x = np.random.default_rng(0).random((6, 6, 1))
    p = probabilities(model, x)
    logits = model.forward(x[None], training=False)
    np.testing.assert_allclose(p, softmax(logits)[0], rtol=1e-6)
    assert p.shape == (3,) and np.isclose(p.sum(), 1.0)
    loss, _ = softmax_cross_entropy(logits, np.array([1]))
    assert np.isclose(-np.log(p[1]), loss, rtol=1e-5)


def test_probabilities_are_stable_for_huge_logits():
    model = Sequential([Dense(2)], input_shape=(1,), seed=0)
    model.layers[0].params["bias"][:] = [1000.0, 999.0]
    p = probabilities(model, np.zeros(1))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, [1 / (1 + np.exp(-1)), 1 / (1 + np.e)], rtol=1e-6)
    with pytest.raises(ValueError, match="`model` must output class scores"):
        probabilities(Sequential([Conv2D(2, 3)], input_shape=(4, 4, 1)), np.zeros((4, 4, 1)))


# -- confusion matrix ------------------------------------------------------------------------
def test_confusion_matrix_image_grows_with_the_classes():
    small = confusion_matrix_image(np.array([[5, 1], [0, 4]]), ["cat", "dog"])
    big = confusion_matrix_image(np.diag(np.arange(1, 11)), [str(d) for d in range(10)])
    assert is_image(small) and is_image(big) and big.shape[1] > small.shape[1]
    assert is_image(confusion_matrix_image(np.zeros((3, 3), int), ["a", "b", "a long name"]))


def test_confusion_matrix_image_errors():
    with pytest.raises(TypeError, match="`cm` must hold integer counts"):
        confusion_matrix_image(np.eye(2), ["a", "b"])
    with pytest.raises(ValueError, match="`cm` must be a square"):
        confusion_matrix_image(np.zeros((2, 3), int), ["a", "b"])
    with pytest.raises(ValueError, match="`cm` must hold counts >= 0"):
        confusion_matrix_image(np.array([[1, -1], [0, 1]]), ["a", "b"])
    with pytest.raises(ValueError, match="`class_names` must give 2 names"):
        confusion_matrix_image(np.eye(2, dtype=int), ["a"])


def test_confusion_payload_holds_the_counts_and_the_row_shares_colours():
    cm = np.array([[5, 1, 0], [0, 4, 2], [0, 0, 0]])
    p = confusion_payload(cm, ["a", "b", "c"])
    (panel,) = p["panels"]
    assert (panel["rows"], panel["cols"]) == (4, 4)
    text = np.array(panel["text"]).reshape(4, 4)
    assert text[0].tolist() == ["", "a", "b", "c"] and text[:, 0].tolist() == ["", "a", "b", "c"]
    assert text[1:, 1:].tolist() == cm.astype(str).tolist()
    colors = np.array([p["palette"][i] for i in panel["colors"]]).reshape(4, 4)
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    assert colors[1:, 1:].ravel().tolist() == hex_colors(sequential_colors(share, 1.0))
    assert set(colors[0]) == set(colors[:, 0]) == {"#ffffff"}  # the headings
    assert panel["legend"]["ticks"] == ["0%", "50%", "100%"]
    assert p["steps"]["lines"] == [[]]


def test_confusion_payload_numbers_long_class_names_and_says_which_is_which():
    p = confusion_payload(np.eye(2, dtype=int), ["circle", "square"])
    assert p["panels"][0]["text"][:3] == ["", "0", "1"]
    assert p["steps"]["lines"] == [["Classes: 0 = circle, 1 = square."]]
    with pytest.raises(TypeError, match="`cm` must hold integer counts"):
        confusion_payload(np.eye(2), ["a", "b"])
    with pytest.raises(ValueError, match="`class_names` must give 2 names"):
        confusion_payload(np.eye(2, dtype=int), ["a"])
