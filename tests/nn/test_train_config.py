"""Tests for convviz.nn.train_config: the settings of a training run, checked."""

import doctest

import pytest

import convviz.nn.train_config as train_config
from convviz.nn.train_config import DEFAULT_LR, OPTIMIZERS, TrainConfig


def test_doctests():
    assert doctest.testmod(train_config).failed == 0



def test_every_optimizer_has_a_default_rate_and_builds():
    for name in OPTIMIZERS:
        config = TrainConfig(optimizer=name)
        assert config.lr == DEFAULT_LR[name] and config.make_optimizer().lr == config.lr


def test_cosine_schedule_and_constant():
    config = TrainConfig(lr=0.01)
    assert config.schedule == "cosine"
    assert config.lr_at(0, 100) == 0.01 and config.lr_at(100, 100) == pytest.approx(0.0)
    lrs = [config.lr_at(s, 100) for s in range(100)]
    assert lrs == sorted(lrs, reverse=True)
    assert TrainConfig(lr=0.01, schedule="constant").lr_at(99, 100) == 0.01


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"optimizer": "rmsprop"}, ValueError, "`optimizer` must be one of 'adam', 'sgd'"),
    ({"optimizer": None}, TypeError, "`optimizer`"),
    ({"lr": 0}, ValueError, r"`lr` must be a number > 0 and <= 10, got 0"),
    ({"lr": -0.1}, ValueError, "`lr`"),
    ({"lr": float("nan")}, ValueError, "`lr`"),
    ({"lr": "fast"}, TypeError, "`lr` must be a number"),
    ({"batch_size": 0}, ValueError, "`batch_size` must be a positive integer, got 0"),
    ({"batch_size": 5000}, ValueError, "`batch_size` must be between 1 and 1024, got 5000"),
    ({"batch_size": 32.0}, TypeError, "`batch_size`"),
    ({"epochs": 0}, ValueError, "`epochs` must be a positive integer"),
    ({"epochs": 10_000}, ValueError, "`epochs` must be between 1 and 1000"),
    ({"seed": -1}, ValueError, "`seed` must be an integer >= 0, got -1"),
    ({"schedule": "step"}, ValueError, "`schedule` must be one of 'cosine', 'constant'"),
    ({"augment": 5}, ValueError, "`augment` must be between 0 and 4, got 5"),
    ({"augment": -1}, ValueError, "`augment`"),
    ({"augment": 1.0}, TypeError, "`augment`"),
])
def test_bad_config_values_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        TrainConfig(**kwargs)
