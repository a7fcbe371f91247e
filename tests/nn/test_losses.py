"""softmax and softmax_cross_entropy: values, gradient, stability, label checks."""

import numpy as np
import pytest

from convviz.nn import softmax, softmax_cross_entropy

from .conftest import numeric_gradient


def test_uniform_logits_cost_log_k():
    loss, dlogits = softmax_cross_entropy(np.zeros((3, 5)), np.array([0, 2, 4]))
    assert loss == pytest.approx(np.log(5))
    expected = np.full((3, 5), 0.2)
    expected[[0, 1, 2], [0, 2, 4]] -= 1
    np.testing.assert_allclose(dlogits, expected / 3)


def test_hand_computed_example():
    logits = np.array([[2.0, 1.0, 0.1]])
    p = np.exp(logits) / np.exp(logits).sum()
    loss, dlogits = softmax_cross_entropy(logits, np.array([0]))
    assert loss == pytest.approx(-np.log(p[0, 0]))
    np.testing.assert_allclose(dlogits, p - [[1, 0, 0]])


def test_gradient_matches_finite_differences(rng):
    logits = rng.standard_normal((4, 3)) * 3
    labels = np.array([0, 2, 1, 2])
    _, dlogits = softmax_cross_entropy(logits, labels)
    numeric = numeric_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    np.testing.assert_allclose(dlogits, numeric, rtol=1e-6, atol=1e-9)


def test_is_the_batch_mean(rng):
    logits = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    each = [softmax_cross_entropy(logits[i:i + 1], labels[i:i + 1])[0] for i in range(6)]
    assert softmax_cross_entropy(logits, labels)[0] == pytest.approx(np.mean(each))


def test_huge_logits_stay_finite():
    logits = np.array([[1e4, -1e4, 0.0], [3e38, 3e38, -3e38]], dtype=np.float32)
    loss, dlogits = softmax_cross_entropy(logits, np.array([1, 0]))
    assert np.isfinite(loss) and np.isfinite(dlogits).all()
    assert loss == pytest.approx((2e4 + np.log(2)) / 2, rel=1e-6)
    assert dlogits.dtype == np.float32


def test_matches_torch(rng):
    torch = pytest.importorskip("torch")
    logits = rng.standard_normal((5, 7)) * 4
    labels = rng.integers(0, 7, 5)
    lt = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(lt, torch.tensor(labels))
    ref.backward()
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(dlogits, lt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_softmax_rows_sum_to_one(rng):
    p = softmax(rng.standard_normal((4, 6)) * 50)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p >= 0).all()


@pytest.mark.parametrize(("labels", "error", "match"), [
    (np.array([0, 3]), ValueError, r"`labels` must be class indices in \[0, 3\), got 3"),
    (np.array([-1, 0]), ValueError, r"got -1"),
    (np.array([0, 1, 2]), ValueError, r"`labels` must have shape \(2,\)"),
    (np.array([0.0, 1.0]), TypeError, "`labels` must be integers"),
    (np.array([True, False]), TypeError, "`labels` must be integers"),
])
def test_labels_are_checked(labels, error, match):
    with pytest.raises(error, match=match):
        softmax_cross_entropy(np.zeros((2, 3)), labels)


@pytest.mark.parametrize("logits", [np.zeros(3), np.zeros((2, 0)), np.zeros((1, 2, 3))])
def test_logits_must_be_a_matrix(logits):
    with pytest.raises(ValueError, match="`logits` must be a non-empty 2-D array"):
        softmax_cross_entropy(logits, np.zeros(len(logits), dtype=int))


def test_logits_must_be_numbers():
    with pytest.raises(TypeError, match="`logits`"):
        softmax(np.array([["a", "b"]]))
