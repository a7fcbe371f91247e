"""What a printable worksheet costs before any work, and the most problems it holds.

:func:`worksheet_cost` is the budget a click checks before a worksheet (sheet and key,
:func:`convviz.teach.worksheet.worksheet_pdfs`) is made: an upper bound of what
:data:`MEASURED` found, whatever the topics.

>>> worksheet_cost(8).seconds
3.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.budget import Cost

__all__ = ["MAX_QUESTIONS", "MEASURED", "PEAK_FIXED", "PEAK_PER_PROBLEM", "SECONDS_FIXED",
           "SECONDS_PER_PROBLEM", "check_problem_count", "worksheet_cost"]

MAX_QUESTIONS = 40  #: the most problems one worksheet holds (some 15 pages, and the key)


def check_problem_count(n: Any) -> int:
    """``n`` as an int from 1 to :data:`MAX_QUESTIONS`, or a ValueError naming `n`.

    >>> check_problem_count(8)
    8
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_QUESTIONS:
        raise ValueError(f"`n` must be an integer from 1 to {MAX_QUESTIONS}, got {n!r}")
    return int(n)


#: What worksheets (sheet and key) measured, each made in a fresh process on this project's
#: 2-core machine while others worked on it (``benchmarks/bench_worksheet.py``, the median
#: of 3 runs, seeds 0 to 2; December 2026): ``(topics, problems, CPU seconds, wall-clock
#: seconds, pages of both files, peak memory in MB)``. A convolution problem costs most:
#: its grids of numbers take about half a page each, in the sheet and in the key. The
#: wall-clock seconds grow with whatever else the machine runs (up to 3x in these runs);
#: the row "all seven" is the largest worksheet the Class page offers (all seven topics, 40
#: problems), with the larger of two measurements: here (6.5 s of CPU, 10.4 s of wall
#: clock, 71 MB) and before (9.6 s, 122 MB).
#: :func:`worksheet_cost` must bound every row (a test checks it).
MEASURED = (
    ("convolution", 40, 9.9, 10.5, 40, 113),
    ("pooling", 40, 7.0, 7.9, 29, 97),
    ("output-size,convolution,pooling", 40, 7.5, 8.5, 29, 81),
    ("all seven", 40, 6.5, 10.4, 25, 122),
    ("all seven", 20, 4.7, 6.0, 14, 57),
    ("output-size,convolution,pooling", 8, 2.5, 2.5, 8, 52),
    ("all seven", 8, 2.4, 2.6, 6, 47),
)
#: Seconds of work before the first problem (fonts, the PDF files; measured: 8 problems
#: took 2.4 to 2.5 s) and for each problem, at the costliest topic (convolution: 9.9 s of
#: CPU and 10.5 s of wall clock for 40, so (10.5 - 1.5) / 40 = 0.225 s, rounded up).
SECONDS_FIXED, SECONDS_PER_PROBLEM = 1.5, 0.25
#: Peak memory (bytes) before the first problem, and for each problem (measured: 47 to 52 MB
#: for 8 problems, 113 to 122 MB for 40).
PEAK_FIXED, PEAK_PER_PROBLEM = 48 * 2**20, 2 * 2**20


def worksheet_cost(n: int) -> Cost:
    """What one worksheet (sheet and key) costs, before any work: an upper bound of what
    :data:`MEASURED` found on this project's 2-core machine, for any mix of topics.

    Seconds: :data:`SECONDS_FIXED` + :data:`SECONDS_PER_PROBLEM` per problem (11.5 s for 40
    problems, within one click's 15 s). Peak memory: :data:`PEAK_FIXED` +
    :data:`PEAK_PER_PROBLEM` per problem (128 MB for 40). Pages: up to one per problem over
    the two files (convolution problems), plus a first page each; under 10 kB of PDF per
    page after the fonts, which each file embeds once.

    Examples
    --------
    >>> cost = worksheet_cost(40)
    >>> cost.fits, cost.seconds, cost.peak_bytes // 2**20
    (True, 11.5, 128)
    """
    n = check_problem_count(n)
    pages = 2 * (1 + n // 2)  # the sheet and the key, two problems or more a page
    return Cost("the worksheet", pages, 0, PEAK_FIXED + PEAK_PER_PROBLEM * n,
                60_000 + 10_000 * pages, SECONDS_FIXED + SECONDS_PER_PROBLEM * n)
