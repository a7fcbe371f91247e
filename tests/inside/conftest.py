"""Fixtures shared by the tests of the looks inside a trained network: a seeded generator and
a small network trained on the digits (once for the package: it takes a few seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.nn.data import load_builtin
from convviz.nn.presets import model_from_preset
from convviz.nn.train import Trainer
from convviz.nn.train_config import TrainConfig


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.fixture(scope="package")
def trained():
    ds = load_builtin("digits")
    model = model_from_preset("tiny", ds.input_shape, ds.n_classes, seed=0)
    trainer = Trainer(model, ds, TrainConfig(seed=0))
    trainer.run(max_steps=200)
    return trainer
