"""Argument checks shared by the engine."""

import numpy as np
import pytest

from convviz.base.checks import check_rng, per_channel_bias


def test_bias_none_scalar_and_per_channel():
    np.testing.assert_array_equal(per_channel_bias(None, 2, np.float32), [0.0, 0.0])
    assert per_channel_bias(None, 2, np.float32).dtype == np.float32
    np.testing.assert_array_equal(per_channel_bias(1.5, 3, np.float64), [1.5] * 3)
    np.testing.assert_array_equal(per_channel_bias([1, 2], 2, np.float64), [1.0, 2.0])


def test_a_bias_of_the_wrong_length_names_what_it_is_per():
    with pytest.raises(ValueError, match=r"`bias` must be a scalar or have shape \(2,\), one "
                                         r"per output channel, got shape \(3,\)"):
        per_channel_bias([1, 2, 3], 2, np.float64, what="output channel")


def test_check_rng_returns_the_generator_and_refuses_a_seed():
    rng = np.random.default_rng(0)
    assert check_rng(rng, "rng") is rng
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator, got int"):
        check_rng(7, "rng")
    with pytest.raises(TypeError, match="`seed_rng` must be a numpy.random.Generator, got "
                                        "RandomState"):
        check_rng(np.random.RandomState(0), "seed_rng")
