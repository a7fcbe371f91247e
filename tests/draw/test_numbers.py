"""Tests for convviz.draw.numbers: one rounding rule, fractions for weights."""

import numpy as np

from convviz.draw import numbers


def test_format_value_rounds_half_away_from_zero_everywhere():
    assert numbers.format_value(1.125) == "1.13"  # was 1.12 (half to even)
    assert numbers.format_value(3.375) == "3.38"
    assert numbers.format_value(-1.125) == "-1.13"
    assert numbers.format_value(2.675) == "2.68"  # as written, not its binary value 2.67499..
    assert numbers.format_value(0.125, 2) == "0.13" and numbers.format_value(0.5, 0) == "1"
    assert numbers.format_value(-0.004) == "0" and numbers.format_value(3.0) == "3"


def test_format_value_with_significant_digits():
    assert numbers.format_value(0.5625, digits=4) == "0.5625"
    assert numbers.format_value(1 / 9, digits=4) == "0.1111"
    assert numbers.format_value(12.34567, digits=4) == "12.35"
    assert numbers.format_value(1234.56, digits=4) == "1235"
    assert numbers.format_value(123456.7, digits=4) == "123457"  # never an exponent
    assert numbers.format_value(0.00012345, digits=4) == "0.0001235"
    assert numbers.format_value(-0.06255, digits=3) == "-0.0626"


def test_format_weight_shows_simple_fractions_else_four_significant_digits():
    assert numbers.format_weight(0.0625) == "1/16"
    assert numbers.format_weight(1 / 9) == "1/9"
    assert numbers.format_weight(-0.125) == "-1/8"
    assert numbers.format_weight(3 / 16) == "3/16"
    assert numbers.format_weight(6 / 256) == "3/128"
    assert numbers.format_weight(1 / 25) == "0.04"  # short and exact: a decimal
    assert numbers.format_weight(2 / 49) == "2/49"
    assert numbers.format_weight(2.0) == "2" and numbers.format_weight(-1.0) == "-1"
    assert numbers.format_weight(0.5) == "0.5"  # a short decimal stays a decimal
    assert numbers.format_weight(0.25) == "0.25"
    assert numbers.format_weight(0.2347) == "0.2347"
    assert numbers.format_weight(1 / 7 + 1e-3) == "0.1439"
    assert numbers.format_weight(1 / 97) == "0.01031"  # not a simple fraction
    assert numbers.format_weight(np.float32(1 / 9)) == "1/9"  # a float32 kernel's 1/9


def test_one_kernel_writes_all_its_weights_alike():
    gauss = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16
    fmt = numbers.weight_format(gauss)
    assert [fmt(v) for v in gauss[1]] == ["1/8", "1/4", "1/8"]  # not 0.25 beside 1/8
    assert [fmt(v) for v in (gauss[0, 0], 2.0)] == ["1/16", "2"]
    halves = numbers.weight_format(np.array([[0.5, -0.25], [1.0, 0.0]]))
    assert [halves(v) for v in (0.5, -0.25)] == ["0.5", "-0.25"]  # short decimals: as they are
    mixed = numbers.weight_format(np.array([[0.0625, 0.2347]]))  # not all simple fractions
    assert [mixed(v) for v in (0.0625, 0.2347)] == ["0.0625", "0.2347"]
