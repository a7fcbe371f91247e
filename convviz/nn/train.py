"""Training a model in bounded slices: the loop behind the training page and ``convviz train``.

A :class:`Trainer` holds a model, a data set, a :class:`TrainConfig` and everything a
training run needs between calls (optimizer state, the epoch's shuffled order, counters,
the history). :meth:`Trainer.run` advances a bounded slice of steps (a page's fragment tick,
or about a second of the command line) and returns a :class:`Metrics` record. Pausing is
simply not calling ``run``; resuming is calling it again; :meth:`Trainer.reset` starts over.

Determinism: the weights after ``n`` steps depend only on the model's initial weights and
``config`` (its seed shuffles the epochs), never on how the steps were sliced or how long a
slice took. A time budget only moves where a slice ends.

How to train (optimizer, learning rate and schedule, batch size, epochs, seed) is a
:class:`~convviz.nn.train_config.TrainConfig`.

Keep one Trainer per user (Streamlit: in ``st.session_state``): it shares nothing.

Speed: the matrices of these small models are small, and numpy's BLAS on two threads
slows down badly when other processes compete for the cores (measured on a busy 2-core
machine, 860 digit steps: 3.6 to 6.2 s on one thread; on two, 3.2 to 7.6 s, and in two
runs of five only 221 and 543 steps in 10 s). Limit it once per process, as
``convviz train`` does:
``threadpoolctl.threadpool_limits(1, user_api="blas")``.

Examples
--------
>>> from convviz.nn.data import load_builtin
>>> from convviz.nn.presets import model_from_preset
>>> ds = load_builtin("digits")
>>> model = model_from_preset("small", ds.input_shape, ds.n_classes, seed=0)
>>> trainer = Trainer(model, ds, TrainConfig(epochs=2, seed=0))
>>> m = trainer.run(max_steps=60)  # the page runs about 0.15 s per tick: max_seconds=0.15
>>> m.step, trainer.steps_per_epoch, trainer.total_steps, trainer.done
(60, 43, 86, False)
>>> m.test_acc > 0.9
True
>>> trainer.run().step, trainer.done  # no bound: to the end
(86, True)
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.augment import largest_shift, shift_batch
from convviz.nn.losses import softmax_cross_entropy
from convviz.nn.metrics import (
    Metrics,
    Mistakes,
    confusion_matrix,
    most_confident_mistakes,
    predict_proba,
)
from convviz.nn.model import Sequential
from convviz.nn.train_config import TrainConfig

if TYPE_CHECKING:  # imported when needed: the data sets pull in scipy and Pillow
    from convviz.nn.data import Dataset

__all__ = ["EVAL_SIZE", "Trainer"]

#: Test images scored after each slice (an evenly spaced fixed subset of larger test sets).
EVAL_SIZE = 512


class Trainer:
    """Train ``model`` on ``dataset`` a bounded slice at a time.

    Parameters
    ----------
    model : Sequential
        Takes ``dataset.input_shape`` and outputs ``(dataset.n_classes,)`` scores. Trained in
        place; its weights now are what :meth:`reset` goes back to (for a fully seeded run,
        build it with a seed, e.g. :func:`convviz.nn.presets.model_from_specs`).
    dataset : convviz.nn.data.Dataset
    config : TrainConfig, optional
        Defaults to ``TrainConfig()``. Its ``augment`` must fit the images: at most
        :func:`convviz.nn.augment.largest_shift` of ``dataset.input_shape``.
    eval_size : int, default :data:`EVAL_SIZE`
        Test images scored at the end of each slice.

    Attributes
    ----------
    model, dataset, config, optimizer
    history : list of Metrics
        One record per slice that trained, oldest first.

    Examples
    --------
    See the module docstring.
    """

    def __init__(self, model: Sequential, dataset: Dataset, config: TrainConfig | None = None,
                 *, eval_size: int = EVAL_SIZE) -> None:
        from convviz.nn.data import Dataset

        if not isinstance(model, Sequential):
            raise TypeError(f"`model` must be a Sequential, got {type(model).__name__}")
        if not isinstance(dataset, Dataset):
            raise TypeError(f"`dataset` must be a convviz.nn.data.Dataset, got "
                            f"{type(dataset).__name__}")
        config = TrainConfig() if config is None else config
        if not isinstance(config, TrainConfig):
            raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}")
        if model.input_shape != dataset.input_shape:
            raise ValueError(f"`model` takes images of shape {model.input_shape}, but the data "
                             f"set's are {dataset.input_shape}")
        if model.output_shape != (dataset.n_classes,):
            raise ValueError(f"`model` outputs shape {model.output_shape}, but the data set has "
                             f"{dataset.n_classes} classes: its last layer must be "
                             f"Dense({dataset.n_classes})")
        top = largest_shift(dataset.input_shape)
        if config.augment > top:
            h, w, _ = dataset.input_shape
            raise ValueError(f"`augment` must be at most {top} pixels for {h}x{w} images (a "
                             f"quarter of the smaller side), got {config.augment}")
        eval_size = check_int(eval_size, "eval_size", minimum=1)
        self.model, self.dataset, self.config = model, dataset, config
        self.steps_per_epoch = math.ceil(dataset.n_train / config.batch_size)
        self.total_steps = config.epochs * self.steps_per_epoch
        n_test = dataset.n_test
        self._eval_idx = (np.arange(n_test) if n_test <= eval_size else
                          np.linspace(0, n_test - 1, eval_size).round().astype(np.int64))
        self._initial = [[p.copy() for p in layer.params.values()] for layer in model.layers]
        self.reset()

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Go back to the initial weights and a fresh optimizer; clear counters and history.

        Running the same slices again then gives the same metrics (times aside).
        """
        for layer, saved in zip(self.model.layers, self._initial, strict=True):
            for param, value in zip(layer.params.values(), saved, strict=True):
                param[...] = value
        self.optimizer = self.config.make_optimizer()
        self.history: list[Metrics] = []
        self._rng = np.random.default_rng(self.config.seed)
        # the shifts' own stream: the batches' order is the same with augmentation or without
        self._shifts = np.random.default_rng([self.config.seed, 1])
        self._order: np.ndarray | None = None
        self._step = 0
        self._elapsed = 0.0
        self._diverged = False
        self._proba: tuple[int, np.ndarray] | None = None  # (step, test probabilities)

    @property
    def step(self) -> int:
        """Steps done since the start (or the last reset)."""
        return self._step

    @property
    def epoch(self) -> float:
        """Passes over the training set so far, e.g. 2.5."""
        return self._step / self.steps_per_epoch

    @property
    def progress(self) -> float:
        """Share of the run done, in [0, 1]."""
        return self._step / self.total_steps

    @property
    def diverged(self) -> bool:
        """True once the loss became nan or infinite (lower the learning rate and reset)."""
        return self._diverged

    @property
    def done(self) -> bool:
        """True when every step of the run is done, or training diverged."""
        return self._step >= self.total_steps or self._diverged

    # -- training -------------------------------------------------------------------------
    def _train_step(self) -> tuple[float, int, int]:
        """One mini-batch update; returns (loss, correct answers, batch size)."""
        bs, pos = self.config.batch_size, self._step % self.steps_per_epoch
        if pos == 0 or self._order is None:  # a new epoch, a new order
            self._order = self._rng.permutation(self.dataset.n_train)
        idx = self._order[pos * bs:(pos + 1) * bs]
        xb, yb = self.dataset.x_train[idx], self.dataset.y_train[idx]
        if self.config.augment:
            xb = shift_batch(xb, self._shifts, self.config.augment)
        logits = self.model.forward(xb)
        loss, dlogits = softmax_cross_entropy(logits, yb)
        correct = int(np.count_nonzero(logits.argmax(axis=1) == yb))
        self.model.backward(dlogits, input_grad=False)  # the images' gradient is never used
        self.optimizer.lr = self.config.lr_at(self._step, self.total_steps)
        self.optimizer.step(self.model)
        self._step += 1
        return loss, correct, len(idx)

    def run(self, *, max_steps: int | None = None, max_seconds: float | None = None,
            evaluate: bool = True, until: Callable[[], bool] | None = None,
            clock: Callable[[], float] | None = None) -> Metrics:
        """Train for a bounded slice and return (and record) its metrics.

        Parameters
        ----------
        max_steps : int >= 1, optional
            At most this many steps.
        max_seconds : float > 0, optional
            Stop after the step that reaches this much training time (at least one step).
        evaluate : bool, default True
            Score the held-out subset at the end (``Metrics.test_acc``).
        until : callable, optional
            Asked after each step; the slice ends after the first step where it returns
            True (so a slice trains one step at least).
        clock : callable, optional
            What ``max_seconds`` is measured with: ``time.perf_counter`` (wall time) by
            default; ``time.thread_time`` counts only this thread's own compute, so time
            lost to other threads does not shorten the slice. The metrics' times are
            wall time either way.

        Returns
        -------
        Metrics
            Appended to :attr:`history`. With neither bound the slice runs to the end. Never
            goes past :attr:`total_steps`; once :attr:`done`, returns the last record
            unchanged and trains nothing.
        """
        if max_steps is not None:
            max_steps = check_int(max_steps, "max_steps", minimum=1)
        if max_seconds is not None:
            if isinstance(max_seconds, bool) or not isinstance(max_seconds, numbers.Real):
                raise TypeError(f"`max_seconds` must be a number > 0 or None, got "
                                f"{max_seconds!r}")
            if not (math.isfinite(max_seconds) and max_seconds > 0):
                raise ValueError(f"`max_seconds` must be a finite number > 0, got "
                                 f"{max_seconds!r}")
        if clock is not None and not callable(clock):
            raise TypeError(f"`clock` must be a callable giving seconds, got {clock!r}")
        clock = time.perf_counter if clock is None else clock
        if self.done and self.history:
            return self.history[-1]
        start, budget_start = time.perf_counter(), clock()
        steps = self.total_steps - self._step
        steps = steps if max_steps is None else min(steps, max_steps)
        loss_sum, correct, seen = 0.0, 0, 0
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            for _ in range(steps):
                loss, right, n = self._train_step()
                loss_sum, correct, seen = loss_sum + loss * n, correct + right, seen + n
                if not math.isfinite(loss):
                    self._diverged = True
                    break
                if max_seconds is not None and clock() - budget_start >= max_seconds:
                    break
                if until is not None and until():
                    break
        train_seconds = time.perf_counter() - start
        test_acc = None
        if evaluate and len(self._eval_idx):
            idx = self._eval_idx
            pred = self.model.predict(self.dataset.x_test[idx])
            test_acc = float(np.mean(pred == self.dataset.y_test[idx]))
        seconds = time.perf_counter() - start
        self._elapsed += seconds
        metrics = Metrics(
            step=self._step, epoch=self.epoch, loss=loss_sum / max(seen, 1),
            train_acc=correct / max(seen, 1), test_acc=test_acc,
            examples_per_sec=seen / train_seconds if train_seconds > 0 else 0.0,
            seconds=seconds, elapsed=self._elapsed, lr=self.optimizer.lr)
        self.history.append(metrics)
        return metrics

    # -- judging --------------------------------------------------------------------------
    def _test_proba(self) -> np.ndarray:
        if self.dataset.n_test == 0:
            raise ValueError("the data set has no test images to evaluate on")
        if self._proba is None or self._proba[0] != self._step:
            self._proba = (self._step, predict_proba(self.model, self.dataset.x_test))
        return self._proba[1]

    def evaluate(self) -> tuple[float, np.ndarray]:
        """Accuracy on the whole test set and the predicted class of every test image.

        Returns
        -------
        accuracy : float
        predictions : ndarray of int64, shape (n_test,)

        Raises
        ------
        ValueError
            If the data set has no test images.
        """
        pred = self._test_proba().argmax(axis=1).astype(np.int64)
        return float(np.mean(pred == self.dataset.y_test)), pred

    def confusion_matrix(self) -> np.ndarray:
        """(K, K) counts over the test set: rows the true class, columns the prediction."""
        _, pred = self.evaluate()
        return confusion_matrix(self.dataset.y_test, pred, self.dataset.n_classes)

    def most_confident_mistakes(self, k: int = 8) -> Mistakes:
        """The ``k`` test images the model gets wrong with the highest softmax probability.

        Returns :class:`convviz.nn.metrics.Mistakes` (indices into ``dataset.x_test``, true
        and predicted classes, confidence), the most confident first.
        """
        return most_confident_mistakes(self._test_proba(), self.dataset.y_test, k)
