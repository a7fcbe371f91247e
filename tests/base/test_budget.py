"""One click's budget and the server-wide memory limit."""

from __future__ import annotations

import threading

import pytest

from convviz.base import budget as B


def _cost(frames: int, size: int) -> B.Cost:
    """A toy export: each frame costs ``size`` / 1000 s and 10 kB."""
    return B.Cost("the animation", frames, size * size * 3, 2**20, frames * 10_000,
                  frames * size / 1000)


def test_cost_says_what_passes_the_budget():
    cost = B.Cost("the animation", 900, 22_000_000, 500 * 2**20, 21 * 2**20, 63.0)
    over = cost.over()
    assert not cost.fits and len(over) == 3
    assert over[0] == "about 63 s of work (one click may take 15 s)"
    assert "21 MB" in over[1] and "500 MB" in over[2]
    with pytest.raises(B.OverBudgetError, match="The animation would need about 63 s"):
        B.check(cost)
    assert B.check(_cost(10, 40)).frames == 10


def test_fit_keeps_everything_that_fits():
    fit = B.fit_frames(100, [40, 24], _cost)
    assert fit.frames == tuple(range(100)) and fit.size == 40 and fit.note is None
    assert not fit.reduced and fit.cost == fit.wanted


def test_fit_keeps_the_most_frames_then_the_largest_cells():
    fit = B.fit_frames(900, [40, 24], _cost)  # 36 s at 40 px, 21.6 s at 24 px
    assert (fit.every, fit.size, len(fit.frames)) == (2, 24, 451)
    assert fit.frames[0] == 0 and fit.frames[-1] == 899 and fit.cost.fits
    assert "every 2nd step with smaller cells (24 px): 451 of 900 frames" in fit.note
    assert "about 36 s of work" in fit.note
    fit = B.fit_frames(900, [40], _cost)
    assert (fit.every, len(fit.frames)) == (3, 301) and "smaller" not in fit.note


def test_fit_with_nothing_that_fits_is_one_frame():
    def huge(frames: int, size: int) -> B.Cost:
        return B.Cost("the picture", frames, 1, 1, 10**12, 1.0)

    fit = B.fit_frames(5, [40, 20], huge)
    assert fit.frames == (4,) and fit.size == 20 and "only the last step" in fit.note


def test_every_kth_ends_on_the_last():
    assert B.every_kth(900, 4)[-2:] == [896, 899] and len(B.every_kth(900, 4)) == 226
    with pytest.raises(ValueError, match="`total` and `k` must be positive"):
        B.every_kth(0, 1)


def test_memory_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(B.MEMORY_ENV, raising=False)
    assert B.max_memory_mb() == 2048
    monkeypatch.setenv(B.MEMORY_ENV, "4096")
    assert B.max_memory_mb() == 4096


@pytest.mark.parametrize("text", ["lots", "2.5", "0", "-1", "100", "99999999"])
def test_an_invalid_memory_limit_names_the_variable_and_the_range(monkeypatch, text):
    monkeypatch.setenv(B.MEMORY_ENV, text)
    with pytest.raises(ValueError, match=r"`CONVVIZ_MAX_MEMORY_MB` must be an integer "
                       r"number of megabytes from 256 to 1,048,576, got '"):
        B.max_memory_mb()


def test_work_over_the_limit_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setenv(B.MEMORY_ENV, "1024")
    monkeypatch.setattr(B, "process_rss_bytes", lambda: 900 * 2**20)
    started = []
    with pytest.raises(B.MemoryLimitError, match="the animation needs about 200 MB") as err:
        with B.reserve(200 * 2**20, "the animation"):
            started.append(True)
    assert not started and "limit of 1,024 MB" in str(err.value)
    assert "Nothing was started" in str(err.value)
    assert B.memory_refusal(200 * 2**20, "the animation") == str(err.value)
    assert B.memory_refusal(100 * 2**20, "the animation") is None
    assert B.reserved_bytes() == 0


def test_reservations_in_flight_count_for_everyone(monkeypatch):
    monkeypatch.setenv(B.MEMORY_ENV, "1024")
    monkeypatch.setattr(B, "process_rss_bytes", lambda: 500 * 2**20)
    with B.reserve(300 * 2**20, "one GIF"):
        assert B.reserved_bytes() == 300 * 2**20
        with pytest.raises(B.MemoryLimitError, match="300 MB held by other work"):
            with B.reserve(300 * 2**20, "another GIF"):
                pass
        with B.reserve(200 * 2**20, "a small PNG"):
            assert B.reserved_bytes() == 500 * 2**20
    assert B.reserved_bytes() == 0


def test_reservations_are_thread_safe(monkeypatch):
    """16 threads reserve at once and hold on until all have tried: exactly as many are
    admitted as the limit allows (5 x 200 MB under 1,024 MB), the rest refused."""
    monkeypatch.setenv(B.MEMORY_ENV, "1024")
    monkeypatch.setattr(B, "process_rss_bytes", lambda: 0)
    admitted, refused = [], []
    start, tried = threading.Barrier(16), threading.Barrier(16, timeout=60)

    def work() -> None:
        start.wait()
        try:
            with B.reserve(200 * 2**20, "a GIF"):
                admitted.append(B.reserved_bytes())
                tried.wait()  # hold the reservation until every thread has tried
        except B.MemoryLimitError:
            refused.append(1)
            tried.wait()

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(admitted) == 5 and len(refused) == 11
    assert max(admitted) <= 1000 * 2**20 and B.reserved_bytes() == 0


def test_reserve_checks_its_argument():
    with pytest.raises(ValueError, match="`nbytes` must be an integer >= 0, got -1"):
        with B.reserve(-1, "x"):
            pass


def test_process_rss_is_read_from_proc():
    assert B.process_rss_bytes() > 10 * 2**20  # this interpreter with numpy loaded
