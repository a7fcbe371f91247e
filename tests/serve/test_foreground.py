"""convviz.serve.foreground: the count of interactive runs, and training ticks yielding to it."""

from __future__ import annotations

import doctest
import threading
import time

import pytest

from convviz.nn.data import load_builtin
from convviz.serve import foreground as fg_module
from convviz.serve.foreground import Foreground
from convviz.serve.session import TrainSettings, build_trainer, training_tick
from convviz.serve.slots import Slots

TINY = "C4k3:relu;M2;F;D10"


@pytest.fixture(scope="module")
def digits():
    return load_builtin("digits")


def _trainer(digits):
    return build_trainer(TrainSettings(arch_text=TINY, epochs=50, batch_size=16), digits)


def test_doctests():
    assert doctest.testmod(fg_module).failed == 0


def test_counts_nested_runs_and_runs_that_raise():
    fg = Foreground()
    assert (fg.in_flight, fg.busy) == (0, False)
    with fg.running():
        with fg.running():
            assert fg.in_flight == 2
        assert fg.in_flight == 1
        with pytest.raises(RuntimeError), fg.running():
            raise RuntimeError("a page run stopped by st.rerun, say")
        assert fg.in_flight == 1
    assert (fg.in_flight, fg.busy) == (0, False)


def test_wait_idle_wakes_when_the_last_run_ends():
    fg = Foreground()
    entered, leave = threading.Event(), threading.Event()

    def page_run():
        with fg.running():
            entered.set()
            leave.wait(5)

    worker = threading.Thread(target=page_run)
    worker.start()
    entered.wait(5)
    assert fg.wait_idle(0.02) is False
    threading.Timer(0.05, leave.set).start()
    t0 = time.perf_counter()
    assert fg.wait_idle(5) is True
    assert time.perf_counter() - t0 < 4  # woken by the run's end, not the timeout
    worker.join(5)


def test_wait_idle_rejects_a_negative_timeout():
    with pytest.raises(ValueError, match="timeout"):
        Foreground().wait_idle(-1)


def _other_session_run(fg: Foreground):
    """Another session's page run, in flight until the returned event is set."""
    entered, leave = threading.Event(), threading.Event()

    def page_run():
        with fg.running():
            entered.set()
            leave.wait(30)

    worker = threading.Thread(target=page_run)
    worker.start()
    entered.wait(5)
    return worker, leave


def test_a_tick_trains_one_step_while_a_page_run_is_in_flight(digits):
    trainer, fg = _trainer(digits), Foreground()
    worker, leave = _other_session_run(fg)
    try:
        tick = training_tick(trainer, Slots(1), max_seconds=5.0, foreground=fg,
                             yield_wait=0.01)  # not the server's 0.2 s
    finally:
        leave.set()
        worker.join(5)
    assert tick.status == "trained"
    assert trainer.step == 1  # the slice ended after its first step


def test_aside_leaves_the_callers_runs_out_and_puts_them_back():
    fg = Foreground()
    worker, leave = _other_session_run(fg)
    with fg.running():
        with fg.running():
            assert fg.in_flight == 3
            with fg.aside():
                assert fg.in_flight == 1 and fg.busy  # the other session's run only
            assert fg.in_flight == 3
    leave.set()
    worker.join(5)
    with fg.running():
        with fg.aside():
            assert (fg.in_flight, fg.busy) == (0, False)
            assert fg.wait_idle(0) is True
        with pytest.raises(RuntimeError), fg.aside():
            raise RuntimeError("a tick that fails")
        assert fg.in_flight == 1
    assert fg.in_flight == 0


def test_a_tick_inside_its_own_page_run_trains_its_slice(digits):
    # Start's click runs the whole page, and its first tick trains inside that run: the
    # run is training, not interactive work to make way for (it used to train one step).
    trainer, fg = _trainer(digits), Foreground()
    with fg.running():
        tick = training_tick(trainer, Slots(1), max_seconds=0.2, foreground=fg,
                             yield_wait=0.01)
        assert fg.in_flight == 1  # counted again once the tick is over
    assert tick.status == "trained" and trainer.step > 1


def test_an_idle_foreground_lets_the_slice_run_its_time(digits):
    trainer = _trainer(digits)
    tick = training_tick(trainer, Slots(1), max_seconds=0.2,
                         foreground=Foreground())
    assert tick.status == "trained"
    assert trainer.step > 1


def test_a_page_run_starting_mid_slice_ends_the_slice(digits):
    trainer, fg = _trainer(digits), Foreground()
    started, done = threading.Event(), threading.Event()

    def page_run():
        started.wait(5)
        with fg.running():
            done.wait(10)

    worker = threading.Thread(target=page_run)
    worker.start()
    threading.Timer(0.05, started.set).start()
    t0 = time.perf_counter()
    training_tick(trainer, Slots(1), max_seconds=30.0, foreground=fg)
    elapsed = time.perf_counter() - t0
    done.set()
    worker.join(5)
    assert elapsed < 20  # not the 30 s slice: it stopped once the page run began
    assert trainer.step >= 1


def test_trainer_run_until_stops_after_the_first_true(digits):
    trainer = _trainer(digits)
    calls = []
    trainer.run(max_steps=10, until=lambda: calls.append(1) or len(calls) >= 3)
    assert trainer.step == 3


@pytest.mark.parametrize(("yield_wait", "error"), [(-0.1, ValueError), (float("inf"), ValueError),
                                                   ("soon", TypeError), (None, TypeError)])
def test_a_tick_checks_its_yield_wait(digits, yield_wait, error):
    with pytest.raises(error, match="`yield_wait`"):
        training_tick(_trainer(digits), Slots(1), foreground=Foreground(),
                      yield_wait=yield_wait)
