"""Tests for convviz.nn.slots: first come, first served, bounded, and waits that can be
called off."""

import threading
import time

import pytest

from convviz.nn.slots import Slots


def test_doctests():
    import doctest

    import convviz.nn.slots as mod

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
    slots = Slots(1)
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
