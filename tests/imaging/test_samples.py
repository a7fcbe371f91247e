"""Tests for convviz.imaging.samples: the bundled photos load offline."""

import numpy as np
import pytest

from convviz.imaging.samples import SAMPLE_IMAGES, load_sample


@pytest.mark.parametrize("name", list(SAMPLE_IMAGES))
def test_load_sample(name):
    out = load_sample(name)
    assert out.dtype == np.float32 and out.ndim == 3 and out.shape[2] == 3
    assert max(out.shape[:2]) == 512
    assert 0 <= out.min() and out.max() <= 1 and out.std() > 0.05


def test_sample_titles():
    assert SAMPLE_IMAGES == {
        "grace_hopper": "Grace Hopper (matplotlib)",
        "china": "Summer Palace, China (scikit-learn)",
        "flower": "Flower (scikit-learn)",
    }


def test_load_sample_full_size_and_cache_is_protected():
    full = load_sample("china", max_side=None)
    assert full.shape == (427, 640, 3)
    full[:] = 0
    assert load_sample("china", max_side=None).max() > 0
    assert load_sample("china", max_side=1000).flags.writeable


def test_load_sample_unknown_name():
    with pytest.raises(ValueError, match="`name` must be one of 'grace_hopper', 'china', 'flower'"):
        load_sample("lena")


def test_load_sample_bad_max_side():
    with pytest.raises(ValueError, match="`max_side`"):
        load_sample("flower", max_side=0)
