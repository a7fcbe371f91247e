"""Tests for convviz.draw.conv_view: equations, feature maps, coverage and step pictures."""

import numpy as np
import pytest

import convviz as cv
from convviz.draw import conv_view as view
from convviz.draw import numbers, render
from convviz.teach.examples import make_input, rgb_filters

X = np.arange(25.0).reshape(5, 5)
SOBEL = cv.KERNELS["sobel_x"].array


def test_terms_equation_lists_weight_times_input():
    plan = cv.conv_plan(X, SOBEL)
    step = plan.step(0)  # patch rows 0..2, cols 0..2
    text = view.terms_equation(step.patch, plan.kernel, step.products)
    assert text.startswith("(-1×0) + (0×1) + (1×2) + (-2×5)")
    assert text.endswith(f"= {numbers.format_value(step.value)}")
    assert text.count("×") == 9


def test_terms_equation_long_kernel_gives_only_the_sum():
    plan = cv.conv_plan(X, np.ones((4, 4)))
    step = plan.step(0)
    assert view.terms_equation(step.patch, plan.kernel, step.products) == \
        f"sum of the 16 products = {numbers.format_value(step.value)}"


@pytest.mark.parametrize(("total", "bias", "value", "text"), [
    (12.0, 0.5, 12.5, "12 + 0.5 = 12.5"),
    (12.0, 0.0, 12.0, "12 + 0 = 12"),
    (-3.0, -1.5, -4.5, "-3 − 1.5 = -4.5"),
])
def test_bias_equation(total, bias, value, text):
    assert view.bias_equation(total, bias, value) == text


def test_step_equation_single_channel_uses_the_engine_value():
    plan = cv.conv_plan(X, SOBEL, 0.5, padding=1, stride=2)
    for i in range(plan.n_steps):
        step = plan.step(i)
        first, second = view.step_equation(step, plan.kernel)
        total = numbers.format_value(float(step.products.sum()))
        assert first.endswith(f"= {total}")
        assert second == f"{total} + 0.5 = {numbers.format_value(step.value)}"


def test_step_equation_multi_channel_adds_channel_sums():
    x = make_input("random", 5, 5, seed=2, channels=3)
    k = rgb_filters(SOBEL, 2)[..., 1]  # (3, 3, 3): R + 0 G - B
    plan = cv.conv_plan(x, k, -1.0)
    step = plan.step(4)
    first, second = view.step_equation(step, plan.kernel)
    sums = [numbers.format_value(float(s)) for s in step.channel_sums]
    assert first.startswith(f"R ({sums[0]}) + G ({sums[1]}) + B ({sums[2]}) = ")
    assert second.endswith(f"= {numbers.format_value(step.value)}")
    assert " − 1 = " in second


@pytest.mark.parametrize("kwargs", [
    {},
    {"padding": "same", "stride": 2},
    {"padding": 2, "dilation": 2, "padding_mode": "reflect"},
    {"padding": "full", "padding_mode": "circular", "flip": True},
])
def test_plan_values_match_the_steps_and_conv2d(kwargs):
    plan = cv.conv_plan(X, SOBEL, 0.25, **kwargs)
    values = view.plan_values(plan)
    assert values.shape == plan.out_shape
    steps = np.array([plan.step(i).value for i in range(plan.n_steps)])
    assert np.allclose(values.ravel(), steps)
    assert np.allclose(values, cv.conv2d(X, SOBEL, 0.25, **kwargs))


def test_plan_values_multi_channel():
    x = make_input("digit", 6, 6, channels=3)
    k = rgb_filters(SOBEL, 1)[..., 0]
    plan = cv.conv_plan(x, k, 1.0, padding=1)
    assert np.allclose(view.plan_values(plan), cv.conv2d(x, k, 1.0, padding=1))


@pytest.mark.parametrize("kwargs", [
    {}, {"stride": 2}, {"padding": 1}, {"padding": "same", "stride": 3}, {"dilation": 2},
    {"padding": "full"},
])
def test_coverage_counts_windows(kwargs):
    plan = cv.conv_plan(np.zeros((7, 6)), np.ones((3, 2)), **kwargs)
    brute = np.zeros(plan.pad_mask.shape, dtype=int)
    for i in range(plan.n_steps):
        rows, cols = plan.window(i)
        brute[np.ix_(rows, cols)] += 1
    cov = view.coverage(plan)
    assert cov.shape == (7, 6)
    assert np.array_equal(cov, brute[~plan.pad_mask].reshape(7, 6))


def test_coverage_border_is_used_less_without_padding():
    cov = view.coverage(cv.conv_plan(np.zeros((7, 7)), np.ones((3, 3))))
    assert cov[0, 0] == 1 and cov[3, 3] == 9 and cov[0, 3] == 3


def test_input_image_matches_draw_grid_with_window():
    plan = cv.conv_plan(X, SOBEL, padding=1, padding_mode="replicate", dilation=2)
    step = plan.step(3)
    got = view.input_image(plan, step, cell=30)
    colors = render.gray_colors(plan.padded, 0, plan.padded.max())
    want = render.draw_grid(plan.padded, cell=30, colors=colors, pad_mask=plan.pad_mask,
                            window=(step.rows, step.cols))
    assert np.array_equal(got, want)
    base = view.input_base(plan.padded, plan.pad_mask, cell=30)
    assert np.array_equal(view.input_image(plan, step, cell=30, base=base), want)
    assert np.array_equal(view.input_image(plan, None, cell=30), base)


def test_input_image_one_channel_is_tinted():
    x = make_input("digit", 5, 5, channels=3)
    plan = cv.conv_plan(x, np.ones((3, 3, 3)))
    img = view.input_image(plan, None, cell=20, channel=0)
    assert img.shape == (101, 101, 3)
    ink = img[1 * 20 + 3, 1 * 20 + 3]  # cell (1, 1): R = 9 of 9, the full red
    assert ink.tolist() == [255, 60, 60]


def test_output_image_hides_later_cells_and_outlines_the_current_one():
    values = np.arange(6.0).reshape(2, 3) - 2
    got = view.output_image(values, 2, cell=30)
    hidden = np.array([[False, False, False], [True, True, True]])
    want = render.draw_grid(values, cell=30, colors=render.diverging_colors(values),
                            hidden=hidden, window=((0,), (2,)))
    assert np.array_equal(got, want)
    full = view.output_image(values, None, cell=30)
    assert np.array_equal(full, render.draw_grid(values, cell=30))


def test_channel_colors_and_cell_size():
    assert view.channel_colors(np.array([0.0, 4.5, 9.0]), 2, 0, 9).tolist() == [
        [0, 0, 0], [35, 60, 128], [70, 120, 255]]
    assert view.cell_size(5) == 56 and view.cell_size(100) == 30
    assert view.cell_size(20, budget=400, lo=22) == 22


def test_box_blur_weights_show_as_fractions_and_products_with_their_digits():
    box = cv.KERNELS["box_blur_4"].array  # every weight 1/16 = 0.0625
    plan = cv.conv_plan(np.full((5, 5), 9.0), box)
    step = plan.step(0)
    assert np.array_equal(view.kernel_image(plan.kernel, cell=40),
                          render.draw_grid(plan.kernel, cell=40, fmt=numbers.weight_format(box)))
    assert numbers.format_weight(plan.kernel[0, 0]) == "1/16"
    want = render.draw_grid(step.products, cell=40, fmt=view.fmt)
    assert np.array_equal(view.products_image(step, cell=40), want)
    assert view.fmt(step.products[0, 0]) == "0.5625"  # 9 × 1/16, every digit
    assert view.terms_equation(step.patch, plan.kernel, step.products) == \
        "sum of the 16 products = 9"


def test_equation_terms_show_weights_as_the_kernel_grid_does():
    plan = cv.conv_plan(np.arange(9.0).reshape(3, 3), cv.KERNELS["box_blur_3"].array)
    step = plan.step(0)
    text = view.terms_equation(step.patch, plan.kernel, step.products)
    assert text.startswith("(1/9×0) + (1/9×1) + (1/9×2)") and text.endswith("= 4")
    plan = cv.conv_plan(np.array([[3.0, 9.0]]), np.array([[0.375, 0.0]]))
    first, second = view.step_equation(plan.step(0), plan.kernel)
    assert first == "(3/8×3) + (0×9) = 1.125" and second == "1.125 + 0 = 1.125"
