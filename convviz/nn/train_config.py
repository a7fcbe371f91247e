"""How to train: the settings of a training run, checked (:class:`TrainConfig`).

:class:`convviz.nn.train.Trainer` takes one; the training page and
``convviz train`` build it from their settings, so a bad value is refused with the
argument's name and its valid range before any model is touched.

Examples
--------
>>> TrainConfig(optimizer="sgd").lr  # each optimizer's default learning rate
0.05
>>> TrainConfig(batch_size=0)
Traceback (most recent call last):
...
ValueError: `batch_size` must be a positive integer, got 0
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

from convviz.base.checks import check_choice, check_int
from convviz.nn.augment import MAX_SHIFT
from convviz.nn.optim import SGD, Adam, Momentum, Optimizer

__all__ = ["DEFAULT_LR", "MAX_BATCH_SIZE", "MAX_EPOCHS", "OPTIMIZERS", "SCHEDULES",
           "TrainConfig"]

OPTIMIZERS = ("adam", "sgd", "momentum")
#: The learning rate each optimizer gets when ``lr`` is None (tuned on the digits).
DEFAULT_LR = MappingProxyType({"adam": 2e-3, "sgd": 0.05, "momentum": 0.02})
SCHEDULES = ("cosine", "constant")
MAX_BATCH_SIZE, MAX_EPOCHS = 1024, 1000


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, learning rate and its schedule, batch size, epochs, seed.

    The defaults reach about 98% held-out accuracy on the digits with the "small" preset
    (:data:`convviz.nn.presets.ARCHITECTURES`) in 860 steps (a few seconds).

    Parameters
    ----------
    optimizer : {"adam", "sgd", "momentum"}
        Adam; plain SGD; SGD with momentum 0.9.
    lr : float > 0 or None
        Peak learning rate; None becomes the optimizer's :data:`DEFAULT_LR` at
        construction (so ``dataclasses.replace(config, optimizer=...)`` keeps that number:
        pass ``lr=None`` again to get the new optimizer's default).
    batch_size : int, 1 to 1024
    epochs : int, 1 to 1000
        Passes over the training images; the run is ``epochs * steps_per_epoch`` steps.
    seed : int >= 0
        Shuffles each epoch's order.
    schedule : {"cosine", "constant"}
        "cosine" lowers the learning rate from ``lr`` to 0 along half a cosine over the
        whole run (steadier final accuracy); "constant" keeps ``lr``.
    augment : int, 0 to 4
        Shift each training image by up to this many pixels, a random whole-pixel shift per
        image and step (:func:`convviz.nn.augment.shift_batch`); 0 is off. The shifts come
        from their own generator (seeded by ``seed``), so the batches' order is the same
        with or without.

    Examples
    --------
    >>> TrainConfig(optimizer="sgd").lr
    0.05
    >>> TrainConfig(batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: `batch_size` must be a positive integer, got 0
    """

    optimizer: str = "adam"
    lr: float | None = None
    batch_size: int = 32
    epochs: int = 20
    seed: int = 0
    schedule: str = "cosine"
    augment: int = 0

    def __post_init__(self) -> None:
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        lr = DEFAULT_LR[self.optimizer] if self.lr is None else self.lr
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
            raise TypeError(f"`lr` must be a number > 0 or None, got {lr!r}")
        if not (math.isfinite(lr) and 0 < lr <= 10):
            raise ValueError(f"`lr` must be a number > 0 and <= 10, got {lr!r}")
        object.__setattr__(self, "lr", float(lr))
        for name, top in (("batch_size", MAX_BATCH_SIZE), ("epochs", MAX_EPOCHS)):
            value = check_int(getattr(self, name), name, minimum=1)
            if value > top:
                raise ValueError(f"`{name}` must be between 1 and {top}, got {value}")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "seed", check_int(self.seed, "seed", minimum=0))
        check_choice(self.schedule, "schedule", SCHEDULES)
        augment = check_int(self.augment, "augment", minimum=0)
        if augment > MAX_SHIFT:
            raise ValueError(f"`augment` must be between 0 and {MAX_SHIFT}, got {augment}")
        object.__setattr__(self, "augment", augment)

    def make_optimizer(self) -> Optimizer:
        """A fresh optimizer of this kind at the peak learning rate."""
        cls = {"adam": Adam, "sgd": SGD, "momentum": Momentum}[self.optimizer]
        return cls(lr=self.lr)

    def lr_at(self, step: int, total_steps: int) -> float:
        """The learning rate of step ``step`` (0-based) of a ``total_steps`` run.

        >>> TrainConfig(lr=0.1).lr_at(50, 100)  # half way down the cosine
        0.05
        """
        if self.schedule == "constant":
            return self.lr
        return self.lr * 0.5 * (1.0 + math.cos(math.pi * step / max(total_steps, 1)))
