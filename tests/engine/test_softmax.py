"""convviz.engine.softmax: shift_logits within the input limit, and the one stable softmax."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.engine.softmax import shift_logits, softmax, stable_softmax

LOGITS = (-1.0, 0.5, 1.5, 1.0, -0.5, 0.0, -2.0, 4.0, 0.5, 2.0)


def test_a_shift_inside_the_limit_adds_the_whole_amount():
    shift = shift_logits(LOGITS, 100.0, limit=1000.0)
    assert shift.added == 100.0 and shift.note is None
    assert shift.logits == tuple(v + 100.0 for v in LOGITS)


def test_a_shift_past_the_limit_moves_every_logit_by_the_same_smaller_amount():
    z = LOGITS
    for _ in range(10):  # ten clicks: the largest logit would pass 1000 on the tenth
        shift = shift_logits(z, 100.0, limit=1000.0)
        z = shift.logits
        assert max(z) <= 1000.0 and min(z) >= -1000.0
        np.testing.assert_allclose(softmax(z), softmax(LOGITS), rtol=1e-12, atol=0)
        assert np.argmax(softmax(z)) == 7
    assert max(z) == 1000.0
    assert z == tuple(v + 996.0 for v in LOGITS)
    assert shift.added == 96.0 and "1000" in shift.note
    again = shift_logits(z, 100.0, limit=1000.0)
    assert again.added == 0.0 and again.logits == z and "already at" in again.note


def test_a_negative_shift_stops_at_the_lower_limit():
    shift = shift_logits([-990.0, 0.0], -100.0, limit=1000.0)
    assert shift.logits == (-1000.0, -10.0) and shift.added == -10.0


def test_a_spread_wider_than_the_range_cannot_be_shifted():
    with pytest.raises(ValueError, match="`logits` must lie within"):
        shift_logits([-1000.0, 1001.0], 1.0, limit=1000.0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"logits": [1.0], "by": float("nan")}, ValueError, "`by` must be a finite number"),
    ({"logits": [1.0], "by": "1"}, TypeError, "`by` must be a number"),
    ({"logits": [1.0], "by": 1.0, "limit": 0.0}, ValueError, "`limit` must be a positive"),
    ({"logits": [[1.0]], "by": 1.0}, ValueError, "`logits` must be 1-D"),
])
def test_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        shift_logits(**kwargs)


# --- the one softmax: stable_softmax, used by softmax and by convviz.nn's loss ---------------

def test_stable_softmax_keeps_float32_and_gives_the_loss_terms():
    z = np.array([[2.0, 1.0, 0.1], [3e38, -3e38, 0.0]], dtype=np.float32)
    terms = stable_softmax(z, axis=1)
    assert terms.probs.dtype == np.float32 and terms.sums.shape == (2, 1)
    np.testing.assert_allclose(terms.probs[0], softmax(z[0].astype(np.float64)), rtol=1e-6)
    assert terms.shifted[1, 1] == -np.inf and terms.probs[1, 1] == 0  # a gap past the range
    np.testing.assert_allclose(np.log(terms.sums[0]) - terms.shifted[0],  # cross-entropies
                               -np.log(terms.probs[0].astype(np.float64)), rtol=1e-6)


def test_softmax_along_an_axis_equals_each_vector():
    z = np.random.default_rng(0).standard_normal((3, 4)) * 20
    np.testing.assert_array_equal(softmax(z, axis=0)[:, 1], softmax(z[:, 1]))


def test_the_cnn_library_runs_the_engines_softmax(monkeypatch):
    import convviz.nn.losses as losses

    calls = []

    def spy(z, axis=-1):
        calls.append(axis)
        return stable_softmax(z, axis)

    monkeypatch.setattr(losses, "stable_softmax", spy)
    z = np.array([[0.0, np.log(3.0)]])
    np.testing.assert_allclose(losses.softmax(z), [[0.25, 0.75]])
    loss, _ = losses.softmax_cross_entropy(z, np.array([1]))
    assert loss == pytest.approx(np.log(4 / 3))
    assert calls == [1, 1]
