"""Tests for convviz.serve.slots: first come, first served, bounded, and waits that can be
called off."""

import threading
import time

import pytest

from convviz.serve.slots import Slots


def test_doctests():
    import doctest

    import convviz.serve.slots as mod

    assert doctest.testmod(mod).failed == 0


def test_at_most_n_holders_and_a_try_fails_when_full():
    slots = Slots(2)
    assert slots.acquire(blocking=False) and slots.acquire(timeout=0)
    assert slots.free == 0 and not slots.acquire(blocking=False)
    slots.release()
    assert slots.acquire(blocking=False)


def test_waiters_are_served_in_the_order_they_came():
    slots = Slots(1)
    slots.acquire()
    order: list[int] = []

    def waiter(i: int) -> None:
        assert slots.acquire(timeout=30)
        order.append(i)
        slots.release()

    threads = []
    for i in range(5):
        threads.append(threading.Thread(target=waiter, args=(i,)))
        threads[-1].start()
        while slots.waiting < i + 1:  # queued before the next one comes
            time.sleep(0.001)
    slots.release()
    for th in threads:
        th.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_waiter_that_gives_up_leaves_the_queue():
    slots = Slots(1, poll=0.001)  # stop() checked every millisecond, not every 0.1 s
    slots.acquire()
    calls = []
    assert not slots.acquire(timeout=30, stop=lambda: calls.append(1) or len(calls) >= 2)
    assert len(calls) == 2 and slots.waiting == 0
    assert not slots.acquire(timeout=0.01) and slots.waiting == 0  # timed out: gone too
    slots.release()
    assert slots.acquire(blocking=False)  # nobody left in front


def test_a_slot_freed_by_a_late_waiter_goes_to_the_next():
    slots = Slots(1)
    slots.acquire()
    got = threading.Event()

    def patient() -> None:
        if slots.acquire(timeout=30):
            got.set()

    th = threading.Thread(target=patient)
    th.start()
    while slots.waiting < 1:
        time.sleep(0.001)
    slots.release()
    th.join()
    assert got.is_set() and slots.free == 0


def test_context_manager_and_too_many_releases():
    slots = Slots(1)
    with slots:
        assert slots.free == 0
    assert slots.free == 1
    with pytest.raises(ValueError, match="released too many times"):
        slots.release()


@pytest.mark.parametrize(("n", "error"), [(0, ValueError), (1.5, TypeError)])
def test_bad_count(n, error):
    with pytest.raises(error, match="`n`"):
        Slots(n)


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_trainings_are_counted_by_who_checked_in_lately():
    clock = _Clock()
    slots = Slots(1, seen_for=20.0, clock=clock)
    assert slots.others("me") == 0
    slots.checkin("me")
    assert slots.others("me") == 0  # alone
    slots.checkin("ann")
    slots.checkin("bob")
    slots.checkin("bob")  # again: still one training
    assert slots.others("me") == 2 and slots.others("ann") == 2
    assert slots.trainings == 3
    slots.checkout("ann")  # paused
    assert slots.others("me") == 1
    clock.now += 15.0
    slots.checkin("me")
    clock.now += 6.0  # bob last seen 21 s ago: a closed tab, say
    assert slots.others("me") == 0 and slots.trainings == 1
    slots.checkout("nobody")  # never checked in: nothing to do


def test_a_caller_waiting_for_a_slot_counts_as_training():
    clock = _Clock()
    slots = Slots(1, seen_for=5.0, clock=clock)
    slots.checkin("me")
    slots.acquire()
    got = threading.Event()

    def waiter() -> None:
        if slots.acquire(timeout=30, who="ann"):
            got.set()
            slots.release()

    th = threading.Thread(target=waiter)
    th.start()
    while slots.waiting < 1:
        time.sleep(0.001)
    clock.now += 60.0  # a long wait: still training, in the queue
    assert slots.others("me") == 1
    slots.release()
    th.join()
    assert got.is_set()


@pytest.mark.parametrize(("kwargs", "error"), [({"seen_for": 0}, ValueError),
                                              ({"seen_for": "long"}, TypeError)])
def test_bad_seen_for(kwargs, error):
    with pytest.raises(error, match="`seen_for`"):
        Slots(1, **kwargs)


@pytest.mark.parametrize(("poll", "error"), [(0, ValueError), (-0.1, ValueError),
                                             (float("inf"), ValueError), ("fast", TypeError),
                                             (True, TypeError)])
def test_bad_poll(poll, error):
    with pytest.raises(error, match="`poll`"):
        Slots(1, poll=poll)
