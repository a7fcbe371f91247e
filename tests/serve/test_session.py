"""convviz.serve.session: settings to a trainer, the training tick and its shared slots, the
curves' columns and the convolution page's state for a learned kernel."""

from __future__ import annotations

import doctest
import threading
import time

import numpy as np
import pytest

from convviz.engine.conv_steps import conv_plan
from convviz.inside.step_view import kernel_patch_for_step_view, rounded_step_value
from convviz.nn.data import Dataset, load_builtin
from convviz.nn.presets import model_from_preset
from convviz.nn.train import Trainer
from convviz.nn.train_config import TrainConfig
from convviz.serve import session
from convviz.serve.session import (
    Tick,
    TrainSettings,
    build_trainer,
    history_columns,
    max_trainings,
    step_view_state,
    training_tick,
)
from convviz.serve.slots import Slots

TINY = "C4k3:relu;M2;F;D10"


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_builtin("digits")


@pytest.fixture
def trainer(digits) -> Trainer:
    return build_trainer(TrainSettings(arch_text=TINY, epochs=50, batch_size=64), digits)


def test_doctests():
    assert doctest.testmod(session).failed == 0


def test_max_trainings_reads_the_environment_or_counts_cores(monkeypatch):
    assert max_trainings({"CONVVIZ_MAX_TRAININGS": "5"}) == 5
    cores = max(1, (__import__("os").cpu_count() or 1) - 1)  # one core kept for the pages
    for bad in ("0", "-2", "many", ""):
        assert max_trainings({"CONVVIZ_MAX_TRAININGS": bad}) == cores
    assert max_trainings({}) == cores
    monkeypatch.setenv("CONVVIZ_MAX_TRAININGS", "7")
    assert max_trainings() == 7


def test_build_trainer_fits_the_classes_and_follows_the_settings(digits):
    t = build_trainer(TrainSettings(arch_text="C4k3:relu;M2;F;D3", optimizer="sgd", lr=0.1,
                                    batch_size=16, epochs=2, seed=3), digits)
    assert t.model.output_shape == (10,)  # the last Dense gets one unit per class
    assert t.config.optimizer == "sgd" and t.config.lr == 0.1 and t.config.seed == 3
    assert t.total_steps == 2 * t.steps_per_epoch
    again = build_trainer(TrainSettings(arch_text="C4k3:relu;M2;F;D3", seed=3), digits)
    np.testing.assert_array_equal(t.model.layers[0].params["weight"],
                                  again.model.layers[0].params["weight"])  # seeded


@pytest.mark.parametrize(("text", "words"), [
    ("C4k3;M2;F", "last layer must be Dense"),
    ("C4k3:tanh;F;D10", "tanh"),
    ("C4k3;M2;M2;M2;M2;F;D10", "do not fit"),
    ("C4", "kernel size"),
])
def test_build_trainer_explains_a_bad_architecture(digits, text, words):
    with pytest.raises(ValueError, match=words):
        build_trainer(TrainSettings(arch_text=text), digits)


def test_build_trainer_explains_a_bad_setting(digits):
    with pytest.raises(ValueError, match="batch_size"):
        build_trainer(TrainSettings(arch_text=TINY, batch_size=0), digits)


def test_tick_trains_a_slice_and_records_it(trainer):
    slots = Slots(2)
    tick = training_tick(trainer, slots, max_seconds=0.05)
    assert tick.status == "trained" and tick.metrics is trainer.history[-1]
    assert trainer.step >= 1 and tick.metrics.test_acc is not None
    step = trainer.step
    training_tick(trainer, slots, max_seconds=0.05)
    assert trainer.step > step and len(trainer.history) == 2
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)  # both free


def test_tick_waits_without_a_free_slot_and_trains_nothing(trainer):
    slots = Slots(1)
    slots.acquire()  # another session computes
    tick = training_tick(trainer, slots, wait=0.01)
    assert tick == Tick("waiting", None) and trainer.step == 0 and not trainer.history
    slots.release()
    assert training_tick(trainer, slots, max_seconds=0.01).status == "trained"


def test_tick_reports_done_and_then_trains_no_more(digits):
    trainer = build_trainer(TrainSettings(arch_text=TINY, epochs=1, batch_size=64), digits)
    slots = Slots(1)
    while training_tick(trainer, slots, max_seconds=0.5).status != "done":
        pass
    assert trainer.done and trainer.step == trainer.total_steps
    n = len(trainer.history)
    tick = training_tick(trainer, slots)
    assert tick.status == "done" and len(trainer.history) == n
    assert tick.metrics is trainer.history[-1]


class _Failing(Trainer):
    def run(self, **kwargs):
        raise RuntimeError("boom")


def test_tick_releases_its_slot_when_training_fails(digits):
    model = model_from_preset("tiny", digits.input_shape, digits.n_classes)
    slots = Slots(1)
    with pytest.raises(RuntimeError):
        training_tick(_Failing(model, digits), slots)
    assert slots.acquire(blocking=False)


class _Recording(Trainer):
    """Counts how many slices compute at the same time."""

    lock = threading.Lock()
    active = 0
    most = 0

    def run(self, **kwargs):
        cls = type(self)
        with cls.lock:
            cls.active += 1
            cls.most = max(cls.most, cls.active)
        time.sleep(0.01)
        with cls.lock:
            cls.active -= 1
        self._step += 1
        return None


def test_slots_bound_the_trainings_that_compute_at_once(digits):
    slots = Slots(2)
    trainers = [_Recording(model_from_preset("tiny", digits.input_shape, 10), digits)
                for _ in range(6)]
    statuses: list[str] = []

    def user(t: Trainer) -> None:
        for _ in range(10):
            statuses.append(training_tick(t, slots, wait=5.0, max_seconds=0.05).status)

    threads = [threading.Thread(target=user, args=(t,)) for t in trainers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert _Recording.most == 2  # never more than the slots, and they were shared
    assert statuses.count("trained") == 60  # waiting (in order) gave every tick its turn


def test_tick_checks_its_trainer():
    with pytest.raises(TypeError, match="Trainer"):
        training_tick("trainer", Slots(1))


def test_history_columns(trainer):
    slots = Slots(1)
    for _ in range(3):
        training_tick(trainer, slots, max_seconds=0.01)
    cols = history_columns(trainer.history)
    assert list(cols) == ["epoch", "loss", "train accuracy", "held-out accuracy"]
    assert all(len(v) == 3 for v in cols.values())
    assert np.all(np.diff(cols["epoch"]) > 0)
    assert history_columns([])["loss"].shape == (0,)


def test_step_view_state_holds_the_kernel_patch_and_step(trainer, digits):
    training_tick(trainer, Slots(1), max_seconds=0.05)
    x = digits.x_test[0]
    patch = kernel_patch_for_step_view(trainer.model, 0, 1, x)
    state = step_view_state(patch)
    np.testing.assert_array_equal(state["conv.k"], np.round(patch.kernel.astype(float), 2))
    np.testing.assert_array_equal(state["conv.x"],
                                  np.round(patch.input_patch.astype(float), 2))
    assert state["conv.bias"] == pytest.approx(round(patch.bias, 2))
    assert state["conv.pos"] == patch.step_index and state["conv.playing"] is False
    assert state["conv.kname"] == "custom" and state["conv.mode"] == "gray"
    assert (state["conv.stride"], state["conv.pad"], state["conv.dil"]) == (1, 0, 1)
    assert state["conv.pad_kind"] == "number" and state["conv.flip"] is False
    assert state["conv.preset"] == "given" and state["conv.given"] == patch.label
    # what the convolution page computes at that step: the rounded value
    plan = conv_plan(state["conv.x"], state["conv.k"], state["conv.bias"],
                     stride=state["conv.stride"])
    assert plan.step(state["conv.pos"]).value == pytest.approx(rounded_step_value(patch))
    assert plan.step(state["conv.pos"]).value == pytest.approx(patch.layer_value, abs=0.1)


class _Compute:
    """A compute clock that each reading moves on by ``step`` seconds: no real waiting."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_long_tick_records_a_point_of_the_curves_every_quarter_second(digits):
    trainer = build_trainer(TrainSettings(arch_text=TINY, epochs=1000, batch_size=8), digits)
    tick = training_tick(trainer, Slots(1), max_seconds=1.0, clock=_Compute(0.01))
    assert tick.status == "trained"
    assert 3 <= len(trainer.history) <= 5  # ~1 s in records of ~0.25 s (one step at least)
    assert trainer.step > 4 * len(trainer.history)  # several steps a record
    assert tick.metrics is trainer.history[-1]
    assert trainer.history[-1].step == trainer.step


def test_a_stopped_wait_gives_up_and_trains_nothing(trainer):
    slots = Slots(1, poll=0.001)  # stop() checked every millisecond
    slots.acquire()  # another session computes for a long time
    calls = []

    def stop() -> bool:  # the user clicks Pause during the third check
        calls.append(1)
        return len(calls) == 3

    tick = training_tick(trainer, slots, wait=60.0, stop=stop)
    assert tick == Tick("waiting", None) and len(calls) == 3 and trainer.step == 0
    assert slots.waiting == 0  # it left the queue
    slots.release()
    assert training_tick(trainer, slots, wait=1.0, max_seconds=0.01).status == "trained"
    assert slots.free == 1


def test_a_waiting_tick_trains_once_a_slot_is_released(trainer):
    slots = Slots(1, poll=0.001)
    slots.acquire()

    def other_session() -> None:  # its slice ends once this tick waits for the slot
        _queue_of(slots, 1)
        slots.release()

    other = threading.Thread(target=other_session)
    other.start()
    tick = training_tick(trainer, slots, wait=60.0, max_seconds=0.05, stop=lambda: False)
    other.join()
    assert tick.status == "trained" and trainer.step >= 1
    assert slots.acquire(blocking=False)  # and the slot was given back


def test_stop_ends_a_slice_after_its_step(digits):
    trainer = build_trainer(TrainSettings(arch_text=TINY, epochs=1000, batch_size=8), digits)
    tick = training_tick(trainer, Slots(1), max_seconds=60.0,
                         stop=lambda: True)
    assert tick.status == "trained" and trainer.step == 1


class _Stalled(Trainer):
    """Its first step stalls (no CPU used), as a step does while another session's thread
    holds the interpreter to redraw its page."""

    def _train_step(self):
        if self.step == 0:
            threading.Event().wait(0.3)  # time lost to others, not synchronisation
        return super()._train_step()


def test_time_lost_to_other_sessions_does_not_eat_a_turn(digits):
    # A slice is a budget of this thread's own compute: a stall of 0.3 s in a 0.2 s slice
    # used to end the turn after one step.
    model = model_from_preset("tiny", digits.input_shape, digits.n_classes)
    trainer = _Stalled(model, digits, TrainConfig(epochs=50, batch_size=16))
    tick = training_tick(trainer, Slots(1), max_seconds=0.2)
    assert tick.status == "trained" and trainer.step > 1


def _queue_of(slots: Slots, n: int) -> None:
    """Wait until ``n`` callers wait for a slot (a condition, not a fixed time)."""
    while slots.waiting < n:
        threading.Event().wait(0.001)


def test_two_sessions_take_turns_of_equal_work_from_the_first(digits):
    # The schedule: A trains in its timer ticks; B clicks Start, so B's first tick
    # runs inside B's own page run (counted as interactive work), queued behind A. Each
    # must get a turn before the other gets a second one, and every turn the same work.
    from convviz.serve.foreground import Foreground

    fg, slots = Foreground(), Slots(1)
    turns: list[tuple[str, int]] = []
    ticks = threading.local()

    def cpu_clock() -> float:  # each thread's own "compute": 0.05 s per reading
        ticks.n = getattr(ticks, "n", 0) + 1
        return ticks.n * 0.05

    def session_(name: str, page_run: bool) -> None:
        trainer = build_trainer(TrainSettings(arch_text=TINY, epochs=50, batch_size=16),
                                digits)
        for k in range(2):
            before = trainer.step
            if page_run and k == 0:
                with fg.running():  # the click's full page run trains the first tick
                    tick = training_tick(trainer, slots, wait=60.0, max_seconds=1.0,
                                         foreground=fg, clock=cpu_clock)
            else:
                tick = training_tick(trainer, slots, wait=60.0, max_seconds=1.0,
                                     foreground=fg, clock=cpu_clock)
            assert tick.status == "trained"
            turns.append((name, trainer.step - before))

    slots.acquire()  # hold the slot until both sessions are queued: a fixed order
    a = threading.Thread(target=session_, args=("A", False))
    a.start()
    _queue_of(slots, 1)
    b = threading.Thread(target=session_, args=("B", True))
    b.start()
    _queue_of(slots, 2)
    slots.release()
    a.join()
    b.join()
    assert [name for name, _ in turns] == ["A", "B", "A", "B"]
    steps = [n for _, n in turns]
    assert steps[0] > 1 and len(set(steps)) == 1, turns  # the same work every turn


def test_a_tick_counts_its_session_as_training(trainer):
    slots = Slots(1)
    slots.checkin("ann")
    training_tick(trainer, slots, max_seconds=0.01, who="me")
    assert slots.others("ann") == 1 and slots.others("me") == 1
    slots.acquire()  # ann's slice: my next tick finds no slot and still counts
    assert training_tick(trainer, slots, wait=0.01, who="me").status == "waiting"
    assert slots.others("ann") == 1
    slots.release()
