"""The server-wide memory limit: from the environment, refused before work starts,
reservations counted for every session."""

from __future__ import annotations

import threading

import pytest

from convviz.base import memory as M


def test_memory_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(M.MEMORY_ENV, raising=False)
    assert M.max_memory_mb() == 2048
    monkeypatch.setenv(M.MEMORY_ENV, "4096")
    assert M.max_memory_mb() == 4096


@pytest.mark.parametrize("text", ["lots", "2.5", "0", "-1", "100", "99999999"])
def test_an_invalid_memory_limit_names_the_variable_and_the_range(monkeypatch, text):
    monkeypatch.setenv(M.MEMORY_ENV, text)
    with pytest.raises(ValueError, match=r"`CONVVIZ_MAX_MEMORY_MB` must be an integer "
                       r"number of megabytes from 256 to 1,048,576, got '"):
        M.max_memory_mb()


def test_work_over_the_limit_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setenv(M.MEMORY_ENV, "1024")
    monkeypatch.setattr(M, "process_rss_bytes", lambda: 900 * 2**20)
    started = []
    with pytest.raises(M.MemoryLimitError, match="the animation needs about 200 MB") as err:
        with M.reserve(200 * 2**20, "the animation"):
            started.append(True)
    assert not started and "limit of 1,024 MB" in str(err.value)
    assert "Nothing was started" in str(err.value)
    assert M.memory_refusal(200 * 2**20, "the animation") == str(err.value)
    assert M.memory_refusal(100 * 2**20, "the animation") is None
    assert M.reserved_bytes() == 0


def test_reservations_in_flight_count_for_everyone(monkeypatch):
    monkeypatch.setenv(M.MEMORY_ENV, "1024")
    monkeypatch.setattr(M, "process_rss_bytes", lambda: 500 * 2**20)
    with M.reserve(300 * 2**20, "one GIF"):
        assert M.reserved_bytes() == 300 * 2**20
        with pytest.raises(M.MemoryLimitError, match="300 MB held by other work"):
            with M.reserve(300 * 2**20, "another GIF"):
                pass
        with M.reserve(200 * 2**20, "a small PNG"):
            assert M.reserved_bytes() == 500 * 2**20
    assert M.reserved_bytes() == 0


def test_reservations_are_thread_safe(monkeypatch):
    """16 threads reserve at once and hold on until all have tried: exactly as many are
    admitted as the limit allows (5 x 200 MB under 1,024 MB), the rest refused."""
    monkeypatch.setenv(M.MEMORY_ENV, "1024")
    monkeypatch.setattr(M, "process_rss_bytes", lambda: 0)
    admitted, refused = [], []
    start, tried = threading.Barrier(16), threading.Barrier(16, timeout=60)

    def work() -> None:
        start.wait()
        try:
            with M.reserve(200 * 2**20, "a GIF"):
                admitted.append(M.reserved_bytes())
                tried.wait()  # hold the reservation until every thread has tried
        except M.MemoryLimitError:
            refused.append(1)
            tried.wait()

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(admitted) == 5 and len(refused) == 11
    assert max(admitted) <= 1000 * 2**20 and M.reserved_bytes() == 0


def test_reserve_checks_its_argument():
    with pytest.raises(ValueError, match="`nbytes` must be an integer >= 0, got -1"):
        with M.reserve(-1, "x"):
            pass


def test_process_rss_is_read_from_proc():
    assert M.process_rss_bytes() > 10 * 2**20  # this interpreter with numpy loaded
