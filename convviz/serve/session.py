"""The training page's session logic, without streamlit: settings to a trainer, one bounded
training tick under a shared limit on concurrent trainings, the curves' columns, and the
convolution page's state for "Open in the step-by-step view". (A model's structure and files:
:mod:`convviz.nn.model_files`; the user's picture as an input: :mod:`convviz.inside.user_images`.)

The page keeps one :class:`~convviz.nn.train.Trainer` per user in its session state and calls
:func:`training_tick` from a fragment a few times a second. Every session of one server
shares one semaphore (``Slots(max_trainings())``, served in turn): a tick holds a slot only
while it computes, so a slot can never leak when a user closes the tab, and a tick that gets
no slot trains nothing and reports ``"waiting"``.

Turns are fair in work, not only in order: a slice is a budget of the training thread's own
compute (``time.thread_time``), not of wall time. Measured in wall time, the session whose
turn came right after another's spent it mostly waiting while the other redrew its page (one
interpreter runs one thread at a time): 13 steps against 222 in the same second, and the
first clicker's first turns were cut to one step by the second's page run waiting for a
slot. (A wall-time limit, :data:`WALL_FACTOR` times the slice, still bounds every turn.)

Examples
--------
>>> from convviz.nn.data import load_builtin
>>> ds = load_builtin("digits")
>>> trainer = build_trainer(TrainSettings(arch_text="C8k3:relu;M2;F;D10", epochs=5), ds)
>>> slots = Slots(1)
>>> tick = training_tick(trainer, slots, max_seconds=0.05)
>>> tick.status, trainer.step > 0, len(trainer.history)
('trained', True, 1)
>>> with slots:  # another session holds the only slot
...     training_tick(trainer, slots).status
'waiting'
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Callable, Hashable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.threads import blas_single_threaded  # one count for every BLAS limit
from convviz.inside.step_view import MAX_BIAS, MAX_CELL, StepViewPatch, rounded_patch
from convviz.nn.data import Dataset
from convviz.nn.metrics import Metrics
from convviz.nn.presets import ARCHITECTURES, DEFAULT_ARCHITECTURE, model_from_specs
from convviz.nn.train import Trainer
from convviz.nn.train_config import DEFAULT_LR, TrainConfig
from convviz.serve.foreground import Foreground
from convviz.serve.params import grid_to_text, text_to_grid
from convviz.serve.slots import Slots
from convviz.stack.spec import layers_from_text
from convviz.teach.examples import GIVEN

__all__ = ["MAX_TRAININGS_ENV", "TICK_SECONDS", "Tick", "TrainSettings", "build_trainer",
           "default_lr", "history_columns", "max_trainings", "step_view_query",
           "step_view_state",
           "training_tick"]

#: Environment variable that sets how many trainings may compute at once in one server.
MAX_TRAININGS_ENV = "CONVVIZ_MAX_TRAININGS"
#: Training time per tick: short enough for several redraws a second.
TICK_SECONDS = 1.0
YIELD_WAIT = 0.2  # seconds a tick waits for the page runs in flight to finish
BUSY_SECONDS = 0.03  # a tick's training time when page runs are still in flight
RECORD_SECONDS = 0.25  # a slice records its metrics (a point of the curves) this often
#: A slice ends after this many times its budget of wall time, its compute spent or not.
WALL_FACTOR = 3.0


def max_trainings(environ: Mapping[str, str] | None = None) -> int:
    """How many trainings may compute at once: ``$CONVVIZ_MAX_TRAININGS``, else one core
    fewer than the machine has (at least 1), so one core stays for everyone's page runs.

    Examples
    --------
    >>> max_trainings({"CONVVIZ_MAX_TRAININGS": "3"})
    3
    >>> max_trainings({"CONVVIZ_MAX_TRAININGS": "zero"}) == max(1, (os.cpu_count() or 1) - 1)
    True
    """
    env = os.environ if environ is None else environ
    try:
        value = int(env.get(MAX_TRAININGS_ENV, ""))
    except ValueError:
        value = 0
    return value if value >= 1 else max(1, (os.cpu_count() or 1) - 1)


@dataclass(frozen=True)
class TrainSettings:
    """What the page's settings ask for: an architecture (text form) and how to train it.

    ``lr`` None takes the optimizer's default learning rate
    (:data:`convviz.nn.train_config.DEFAULT_LR`).

    Examples
    --------
    >>> TrainSettings(optimizer="sgd").config().lr
    0.05
    """

    arch_text: str = field(default_factory=lambda: ARCHITECTURES[DEFAULT_ARCHITECTURE].text)
    optimizer: str = "adam"
    lr: float | None = None
    batch_size: int = 32
    epochs: int = 20
    seed: int = 0
    augment: int = 0

    def config(self) -> TrainConfig:
        """The :class:`TrainConfig` (raises ``ValueError``/``TypeError`` for a bad value)."""
        return TrainConfig(optimizer=self.optimizer, lr=self.lr, batch_size=self.batch_size,
                           epochs=self.epochs, seed=self.seed, augment=self.augment)


def build_trainer(settings: TrainSettings, dataset: Dataset) -> Trainer:
    """A fresh, seeded model for ``dataset`` and its trainer.

    The last Dense layer of the architecture gets one unit per class of ``dataset``.

    Raises
    ------
    ValueError, TypeError
        A bad architecture (naming the layer), or a bad training setting.
    """
    specs = layers_from_text(settings.arch_text)
    config = settings.config()
    model = model_from_specs(specs, dataset.input_shape, dataset.n_classes, seed=settings.seed)
    return Trainer(model, dataset, config)


@dataclass(frozen=True)
class Tick:
    """What one tick did: ``"trained"`` a slice, ``"waiting"`` (no free slot) or ``"done"``.

    ``metrics`` is the slice's record, or the last one (None before any training).
    """

    status: str
    metrics: Metrics | None


def training_tick(trainer: Trainer, slots: Slots, *,
                  max_seconds: float = TICK_SECONDS, wait: float = 0.0,
                  foreground: Foreground | None = None,
                  stop: Callable[[], bool] | None = None,
                  clock: Callable[[], float] = time.thread_time,
                  who: Hashable | None = None, yield_wait: float = YIELD_WAIT,
                  record_steps: int | None = None) -> Tick:
    """Train one slice of about ``max_seconds`` of compute if a training slot is free.

    Parameters
    ----------
    trainer : Trainer
    slots : Slots
        Shared by every session, served in turn: a slot is held only while this slice
        computes and is released in a ``finally``, so no slot can leak.
    max_seconds : float
        Compute time of the slice, as ``clock`` counts it (one step at least; the held-out
        check comes on top). The slice also ends after ``WALL_FACTOR * max_seconds``
        seconds of wall time.
    wait : float
        Seconds to wait for a slot; 0 tries once. When more people train than there are
        slots, a wait as long as a few slices makes the sessions take turns: each tick then
        trains (and its page redraws something new) once per turn, instead of many ticks
        finding no slot and redrawing the same picture.
    foreground : Foreground, optional
        The server's interactive page runs. Training yields to them: holding a slot, the
        tick first waits up to ``yield_wait`` seconds for none to be in flight; if some
        still are, the slice is cut to ``BUSY_SECONDS``; and a slice ends after the step
        during which one started. Training advances one step per tick at least. The
        caller's own page run (a tick called from a full run) is not counted while the
        tick waits and trains (:meth:`Foreground.aside`).
    stop : callable, optional
        True when the tick should end now (say, its user clicked Pause while it waits):
        checked every ``poll`` seconds of ``slots`` (:class:`~convviz.serve.slots.Slots`)
        while waiting for a slot (a stopped wait trains nothing and reports
        ``"waiting"``) and after every step of the slice.
    clock : callable
        What the slice's budget is measured with: by default this thread's CPU time, so
        that time lost to other sessions (their redraws hold the interpreter) does not
        eat this turn. Tests pass a deterministic clock.
    who : hashable, optional
        The session training: checked in to ``slots`` before and after the tick (and
        counted while it waits), so every page can say how many trainings share the
        server (:meth:`Slots.others`).
    yield_wait : float, >= 0
        Seconds the tick waits for the page runs in flight (:data:`YIELD_WAIT`); tests
        pass a small one.
    record_steps : int >= 1, optional
        Record the metrics (a point of the curves) at least every this many steps, as well
        as every :data:`RECORD_SECONDS`: a small network trains a whole run in a few
        records' time, and its curves would have only a point or two.

    Returns
    -------
    Tick
        BLAS runs single-threaded during the slice: the server's cores are shared by the
        slots, and small matrix products run steadier that way.
    """
    if not isinstance(trainer, Trainer):
        raise TypeError(f"`trainer` must be a Trainer, got {type(trainer).__name__}")
    if isinstance(yield_wait, bool) or not isinstance(yield_wait, numbers.Real):
        raise TypeError(f"`yield_wait` must be a number of seconds, got {yield_wait!r}")
    if not 0 <= yield_wait < math.inf:
        raise ValueError(f"`yield_wait` must be a finite number of seconds >= 0, got "
                         f"{yield_wait!r}")
    if record_steps is not None:
        record_steps = check_int(record_steps, "record_steps", minimum=1)
    last = trainer.history[-1] if trainer.history else None
    if trainer.done:
        return Tick("done", last)
    if who is not None:
        slots.checkin(who)
    try:
        with nullcontext() if foreground is None else foreground.aside():
            return _tick(trainer, slots, max_seconds, wait, foreground, stop, clock, last,
                         who, yield_wait, record_steps)
    finally:
        if who is not None:
            slots.checkin(who)


def _tick(trainer: Trainer, slots: Slots, max_seconds: float, wait: float,
          foreground: Foreground | None, stop: Callable[[], bool] | None,
          clock: Callable[[], float], last: Metrics | None, who: Hashable | None,
          yield_wait: float, record_steps: int | None) -> Tick:
    """:func:`training_tick` once its trainer is checked (the caller's run set aside)."""
    if not slots.acquire(blocking=wait > 0, timeout=wait, stop=stop, who=who):
        return Tick("waiting", last)
    try:
        if foreground is not None and not foreground.wait_idle(yield_wait):
            max_seconds = min(max_seconds, BUSY_SECONDS)
        wall_end = time.perf_counter() + WALL_FACTOR * max_seconds

        def until() -> bool:  # checked after every step of the slice
            return ((stop is not None and stop())
                    or (foreground is not None and foreground.busy)
                    or time.perf_counter() >= wall_end)

        with blas_single_threaded():  # a record every RECORD_SECONDS: smooth curves
            start = clock()
            while True:
                left = max_seconds - (clock() - start)
                metrics = trainer.run(max_seconds=min(RECORD_SECONDS, max(left, 1e-3)),
                                      max_steps=record_steps, until=until, clock=clock)
                if trainer.done or trainer.diverged or left <= RECORD_SECONDS or until():
                    break
    finally:
        slots.release()
    return Tick("done" if trainer.done else "trained", metrics)


def history_columns(history: list[Metrics]) -> dict[str, np.ndarray]:
    """The history as columns for the curves: epoch, loss, train and held-out accuracy.

    Examples
    --------
    >>> h = [Metrics(10, 0.5, 1.2, 0.6, 0.7, 900.0, 0.2, 0.2, 0.002)]
    >>> {k: v.tolist() for k, v in history_columns(h).items()}
    {'epoch': [0.5], 'loss': [1.2], 'train accuracy': [0.6], 'held-out accuracy': [0.7]}
    """
    return {
        "epoch": np.array([m.epoch for m in history], dtype=np.float64),
        "loss": np.array([m.loss for m in history], dtype=np.float64),
        "train accuracy": np.array([m.train_acc for m in history], dtype=np.float64),
        "held-out accuracy": np.array([np.nan if m.test_acc is None else m.test_acc
                                       for m in history], dtype=np.float64),
    }


def step_view_query(patch: StepViewPatch, *, decimals: int = 2) -> dict[str, str]:
    """The convolution page's query parameters that open ``patch`` step by step.

    Parameters
    ----------
    patch : StepViewPatch
    decimals : int
        Inputs, weights and the bias are rounded to this many decimals, so the link stays
        short. The page then computes with the rounded numbers, so its output can differ a
        little from the layer's (see :func:`~convviz.inside.step_view.rounded_step_value`).
        The default, 2, is what the page prints in its cells, so the products and sums on
        screen add up exactly.

    Returns
    -------
    dict of str to str
        "conv.mode", "conv.preset" (:data:`convviz.teach.examples.GIVEN`: not a preset's grid),
        "conv.x", "conv.kname", "conv.k", "conv.bias", "conv.stride",
        "conv.pad_kind", "conv.pad", "conv.pad_mode", "conv.dil", "conv.flip".

    Raises
    ------
    ValueError
        When a rounded value is outside what the page takes (cells -99..99, bias -10..10).
    """
    x, k, bias = rounded_patch(patch, decimals)
    if np.abs(x).max() > MAX_CELL or np.abs(k).max() > MAX_CELL:
        raise ValueError(f"the step-by-step page takes values from {-MAX_CELL:g} to "
                         f"{MAX_CELL:g}; this patch or kernel has "
                         f"{max(np.abs(x).max(), np.abs(k).max()):g}")
    if abs(bias) > MAX_BIAS:
        raise ValueError(f"the step-by-step page takes a bias from {-MAX_BIAS:g} to "
                         f"{MAX_BIAS:g}; this filter's bias is {bias:g}")
    return {"conv.mode": "gray", "conv.preset": GIVEN, "conv.x": grid_to_text(x),
            "conv.kname": "custom",
            "conv.k": grid_to_text(k), "conv.bias": f"{bias:g}",
            "conv.stride": str(patch.stride), "conv.pad_kind": "number", "conv.pad": "0",
            "conv.pad_mode": "zeros", "conv.dil": "1", "conv.flip": "0"}


def step_view_state(patch: StepViewPatch, *, decimals: int = 2) -> dict[str, Any]:
    """The convolution page's session values that open ``patch`` step by step.

    The values are those of :func:`step_view_query` (the link), parsed
    into what the page's widgets hold: grids as float arrays, numbers as numbers. Also
    ``"conv.pos"``, the player's step, at the filter's strongest response, and
    ``"conv.playing"`` False.

    Raises
    ------
    ValueError
        When a rounded value is outside what the page takes.
    """
    query = step_view_query(patch, decimals=decimals)
    state: dict[str, Any] = {
        "conv.mode": query["conv.mode"],
        "conv.preset": query["conv.preset"],
        "conv.x": text_to_grid(query["conv.x"], max_side=12),
        "conv.kname": query["conv.kname"],
        "conv.k": text_to_grid(query["conv.k"], max_side=7),
        "conv.bias": float(query["conv.bias"]),
        "conv.stride": int(query["conv.stride"]),
        "conv.pad_kind": query["conv.pad_kind"],
        "conv.pad": int(query["conv.pad"]),
        "conv.pad_mode": query["conv.pad_mode"],
        "conv.dil": int(query["conv.dil"]),
        "conv.flip": query["conv.flip"] == "1",
    }
    state["conv.pos"] = patch.step_index
    state["conv.playing"] = False
    state["conv.given"] = patch.label  # what the input grid is, for the page's menu
    return state


def default_lr(optimizer: str) -> float:
    """The learning rate an optimizer starts with on the page (:data:`DEFAULT_LR`)."""
    return float(DEFAULT_LR[optimizer])
