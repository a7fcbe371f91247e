"""Tests for convviz.teach.pool_text.plan_lines: the text under every pooling window."""

import numpy as np
import pytest

import convviz as cv
from convviz.teach.pool_text import plan_lines

X4 = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]], dtype=np.float64)


def test_every_window_in_order():
    assert plan_lines(cv.pool_plan(X4, 2)) == [
        ["max(1, 3, 4, 2) = 4"], ["max(2, 1, 0, 1) = 2"], ["max(5, 1, 0, 2) = 5"],
        ["max(7, 2, 3, 8) = 8"]]


def test_padding_left_out_of_the_average_when_asked():
    plan = cv.pool_plan(X4, 3, stride=2, padding=1, mode="avg", count_include_pad=False)
    assert plan_lines(plan, count_include_pad=False)[0] == ["(1 + 3 + 4 + 2) / 4 = 10 / 4 = 2.5"]
    plan = cv.pool_plan(X4, 3, stride=2, padding=1, mode="avg")
    assert plan_lines(plan)[0] == ["(0 + 0 + 0 + 0 + 1 + 3 + 0 + 4 + 2) / 9 = 10 / 9 = 1.11"]


def test_not_a_plan():
    with pytest.raises(TypeError, match="`plan` must be a PoolPlan, got list"):
        plan_lines([])
