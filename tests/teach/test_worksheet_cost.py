"""The worksheet's budget: an upper bound of what worksheets measured, checked before work."""

from __future__ import annotations

import pytest

from convviz.teach.worksheet_cost import (
    MAX_QUESTIONS,
    MEASURED,
    check_problem_count,
    worksheet_cost,
)


def test_the_largest_worksheet_fits_one_clicks_budget():
    assert worksheet_cost(MAX_QUESTIONS).fits


@pytest.mark.parametrize("row", MEASURED, ids=[f"{r[0]}-{r[1]}" for r in MEASURED])
def test_the_estimate_bounds_every_measured_worksheet(row):
    """The budget's estimate is an upper bound of what worksheets measured (the figures
    recorded beside the constants, benchmarks/bench_worksheet.py): seconds of CPU and of
    wall clock, pages, peak memory. The old estimate said 6.5 s and 40 MB for 40 problems,
    where 40 convolution problems took 10.5 s and 113 MB."""
    topics, n, cpu_s, wall_s, pages, peak_mb = row
    cost = worksheet_cost(n)
    assert cost.seconds >= max(cpu_s, wall_s), (topics, n)
    assert cost.frames >= pages, (topics, n)
    assert cost.peak_bytes >= peak_mb * 2**20, (topics, n)


@pytest.mark.parametrize("n", [0, 41, 2.0, True, "8"])
def test_a_problem_count_outside_1_to_40_is_refused(n):
    with pytest.raises(ValueError, match=r"`n` must be an integer from 1 to 40, got "):
        check_problem_count(n)
    with pytest.raises(ValueError, match=r"`n` must be an integer from 1 to 40, got "):
        worksheet_cost(n)
