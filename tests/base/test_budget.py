"""One click's budget: costs, what fits, the frames kept."""

from __future__ import annotations

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
