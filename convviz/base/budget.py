"""The work budget of one click.

Before an export (a GIF, a PNG) starts, its cost is estimated from the settings alone:
frames x bytes per frame, the peak memory, the size of the file and the seconds of work
(:class:`Cost`). A click may spend at most :data:`MAX_SECONDS` of work, write at most
:data:`MAX_OUTPUT_BYTES` and hold at most :data:`MAX_WORK_BYTES` at once. Over that,
:func:`fit_frames` proposes what fits (every k-th step, smaller cells or fewer frames) and
says so in a plain sentence (:class:`Fit`); nothing is allocated first and refused later.

Whether the server has the memory for it right now is :mod:`convviz.base.memory`'s concern.

>>> cost = Cost("the animation", frames=900, frame_bytes=22_000_000,
...             peak_bytes=90_000_000, output_bytes=21_000_000, seconds=60.0)
>>> cost.fits, cost.over()[0]
(False, 'about 60 s of work (one click may take 15 s)')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["MAX_OUTPUT_BYTES", "MAX_SECONDS", "MAX_WORK_BYTES", "Cost", "Fit", "OverBudgetError",
           "check", "every_kth", "fit_frames", "fit_picture", "megabytes", "ordinal"]

#: Seconds of work one click may start (a GIF that takes longer is made smaller): long
#: enough for a few hundred frames, short enough that a class of 30 clicking at once
#: shares two cores without anyone waiting minutes.
MAX_SECONDS = 15.0
#: The largest file one click may produce (a GIF for a slide; 8 MB loads in a second or
#: two on a school network and fits any presentation tool).
MAX_OUTPUT_BYTES = 8 * 2**20
#: The most memory one click may hold at once (frames in flight, the output, buffers).
MAX_WORK_BYTES = 384 * 2**20


class OverBudgetError(ValueError):
    """Work whose estimated cost passes one click's budget; the message says why."""


def megabytes(nbytes: float) -> str:
    """A size for people: "0.4 MB", "12 MB", "1,536 MB".

    Examples
    --------
    >>> megabytes(400_000), megabytes(8 * 2**20), megabytes(1536 * 2**20)
    ('0.4 MB', '8 MB', '1,536 MB')
    """
    mb = nbytes / 2**20
    return f"{mb:.1f} MB" if mb < 9.95 and mb != int(mb) else f"{mb:,.0f} MB"


def _seconds(s: float) -> str:
    return f"{s:.1f} s" if s < 9.95 else f"{s:,.0f} s"


@dataclass(frozen=True)
class Cost:
    """What one export would cost, estimated from its settings before any work.

    Attributes
    ----------
    what : str
        What is made, for sentences ("the animation").
    frames : int
        Frames (1 for a picture).
    frame_bytes : int
        Bytes of one RGB frame (H x W x 3).
    peak_bytes : int
        The most memory the work holds at once (frames in flight, buffers, the output).
    output_bytes : int
        The estimated size of the file.
    seconds : float
        The estimated seconds of work on one core.
    """

    what: str
    frames: int
    frame_bytes: int
    peak_bytes: int
    output_bytes: int
    seconds: float

    def over(self) -> tuple[str, ...]:
        """Why this passes one click's budget (empty when it fits)."""
        reasons = []
        if self.seconds > MAX_SECONDS:
            reasons.append(f"about {_seconds(self.seconds)} of work (one click may take "
                           f"{_seconds(MAX_SECONDS)})")
        if self.output_bytes > MAX_OUTPUT_BYTES:
            reasons.append(f"a file of about {megabytes(self.output_bytes)} (the limit is "
                           f"{megabytes(MAX_OUTPUT_BYTES)})")
        if self.peak_bytes > MAX_WORK_BYTES:
            reasons.append(f"about {megabytes(self.peak_bytes)} of memory (one click may "
                           f"use {megabytes(MAX_WORK_BYTES)})")
        return tuple(reasons)

    @property
    def fits(self) -> bool:
        """Whether this stays within one click's budget."""
        return not self.over()


def check(cost: Cost) -> Cost:
    """Return ``cost`` if it fits one click's budget, else raise :class:`OverBudgetError`.

    Examples
    --------
    >>> check(Cost("a picture", 1, 3, 3, 1, 0.1)).frames
    1
    """
    if reasons := cost.over():
        raise OverBudgetError(f"{cost.what[:1].upper()}{cost.what[1:]} would need "
                              f"{' and '.join(reasons)}: choose fewer frames or a smaller "
                              "size")
    return cost


def every_kth(total: int, k: int) -> list[int]:
    """Every ``k``-th of ``total`` frames from the first, and always the last one.

    Examples
    --------
    >>> every_kth(10, 4), every_kth(9, 4), every_kth(3, 1)
    ([0, 4, 8, 9], [0, 4, 8], [0, 1, 2])
    """
    if total < 1 or k < 1:
        raise ValueError(f"`total` and `k` must be positive integers, got {total} and {k}")
    picks = list(range(0, total, k))
    return picks if picks[-1] == total - 1 else picks + [total - 1]


def ordinal(k: int) -> str:
    """"1st", "2nd", "3rd", "4th", ... "11th", "22nd".

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '22nd']
    """
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


@dataclass(frozen=True)
class Fit:
    """What one click will make: the frames kept, the size, its cost, and why.

    Attributes
    ----------
    frames : tuple of int
        The indices of the frames kept (of ``total``).
    total : int
        The frames asked for.
    size : int
        The size chosen (a cell side, an enlargement, a longest side: the caller's unit).
    every : int
        Every ``every``-th frame was kept (1: all of them).
    cost : Cost
        The cost of what will be made.
    wanted : Cost
        The cost of what was asked for.
    note : str or None
        A sentence saying what was reduced and why (None when nothing was).
    """

    frames: tuple[int, ...]
    total: int
    size: int
    every: int
    cost: Cost
    wanted: Cost
    note: str | None

    @property
    def reduced(self) -> bool:
        """Whether anything was cut to fit the budget."""
        return self.note is not None


def fit_frames(total: int, sizes: Sequence[int], cost_of: Callable[[int, int], Cost], *,
               size_name: str = "cells", unit: str = "step",
               size_text: Callable[[int], str] = lambda s: f"{s} px") -> Fit:
    """The most frames, then the largest size, that fit one click's budget.

    Parameters
    ----------
    total : int
        Frames asked for (steps of an animation).
    sizes : sequence of int
        The sizes that may be used, preferred first (the first one is what was asked).
    cost_of : callable (frames, size) -> Cost
        The export's estimate.
    size_name, unit : str
        Words for the sentence: "smaller cells (24 px)", "every 4th step".
    size_text : callable
        How a size is written in the sentence.

    Returns
    -------
    Fit
        Every ``k``-th frame (the smallest ``k`` that fits at any size, at the largest
        size that fits with it). When nothing fits, a single frame at the smallest size.

    Examples
    --------
    >>> def cost(frames, cell):
    ...     return Cost("the animation", frames, 0, 0, 2**20, frames * cell / 1000)
    >>> fit = fit_frames(900, [40, 24], cost)
    >>> fit.every, fit.size, len(fit.frames)
    (2, 24, 451)
    >>> fit.note.split(". ")[1]
    'This one keeps every 2nd step with smaller cells (24 px): 451 of 900 frames, 1 MB.'
    """
    if total < 1 or not sizes:
        raise ValueError(f"`total` must be >= 1 and `sizes` not empty, got {total}, {sizes}")
    wanted = cost_of(total, sizes[0])
    if wanted.fits:
        return Fit(tuple(range(total)), total, sizes[0], 1, wanted, wanted, None)
    best: tuple[int, int, Cost] | None = None  # (k, size index, cost)
    for i, size in enumerate(sizes):
        lo, hi = 1, total
        if not cost_of(len(every_kth(total, hi)), size).fits:
            continue
        while lo < hi:  # the smallest k that fits at this size (cost grows with frames)
            mid = (lo + hi) // 2
            if cost_of(len(every_kth(total, mid)), size).fits:
                hi = mid
            else:
                lo = mid + 1
        if best is None or lo < best[0]:
            best = (lo, i, cost_of(len(every_kth(total, lo)), size))
    if best is None:
        k, i = total, len(sizes) - 1
        cost = cost_of(1, sizes[i])
        frames: tuple[int, ...] = (total - 1,)
    else:
        k, i, cost = best
        frames = tuple(every_kth(total, k))
    parts = []
    if k > 1:
        parts.append("only the last " + unit if len(frames) == 1 else
                     f"every {ordinal(k)} {unit}")
    if i > 0:
        parts.append(f"smaller {size_name} ({size_text(sizes[i])})")
    what = wanted.what[:1].upper() + wanted.what[1:]
    note = (f"{what} in full ({total} frames) would need {' and '.join(wanted.over())}, more "
            f"than one click may use. This one keeps {' with '.join(parts)}: "
            f"{len(frames)} of {total} frames, {megabytes(cost.output_bytes)}.")
    return Fit(frames, total, sizes[i], k, cost, wanted, note)


def fit_picture(sizes: Sequence[int], cost_of: Callable[[int], Cost], *,
                say: Callable[[int], str]) -> Fit:
    """The first of ``sizes`` (preferred first) whose picture fits one click's budget.

    Parameters
    ----------
    sizes : sequence of int
        The sizes that may be used (say, 1, 2, 3: every k-th pixel), preferred first.
    cost_of : callable (size) -> Cost
    say : callable (size) -> str
        What a reduced size shows, for the sentence ("every 2nd pixel of each map").

    Returns
    -------
    Fit
        One frame; the smallest size when none fits.

    Examples
    --------
    >>> fit = fit_picture([1, 2], lambda k: Cost("the PNG", 1, 0, 0, 2**24 // k**2, 1.0),
    ...                   say=lambda k: f"every {ordinal(k)} pixel")
    >>> fit.size, fit.note.split(". ")[1]
    (2, 'This one shows every 2nd pixel: 4 MB.')
    """
    if not sizes:
        raise ValueError("`sizes` must not be empty")
    wanted = cost_of(sizes[0])
    for size in sizes:
        cost = wanted if size == sizes[0] else cost_of(size)
        if cost.fits:
            break
    if cost is wanted:
        return Fit((0,), 1, size, 1, cost, wanted, None)
    what = wanted.what[:1].upper() + wanted.what[1:]
    note = (f"{what} at full size would need {' and '.join(wanted.over())}, more than one "
            f"click may use. This one shows {say(size)}: {megabytes(cost.output_bytes)}.")
    return Fit((0,), 1, size, 1, cost, wanted, note)
