"""convviz.inside.step_view: the patch and kernel sent to the convolution page, and its link."""

import numpy as np
import pytest

import convviz as cv
from convviz.inside.step_view import kernel_patch_for_step_view, rounded_step_value
from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from convviz.serve.params import text_to_grid
from convviz.serve.session import step_view_query
from convviz.teach.examples import check_grid_shape

GEOMETRIES = [  # (input side, kernel, stride, padding)
    (16, 3, 1, "valid"),
    (16, 3, 1, "same"),
    (15, 3, 2, "same"),
    (13, 5, 2, "valid"),
    (9, 2, 2, "same"),
    (6, 1, 1, 1),
    (20, 7, 3, "same"),
]


def conv_model(side, k, s, padding, *, channels=1, seed=0):
    return Sequential([Conv2D(3, k, stride=s, padding=padding), ReLU()],
                      input_shape=(side, side, channels), seed=seed)


@pytest.mark.parametrize(("side", "k", "s", "padding"), GEOMETRIES)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_pages_outputs_are_the_layers_outputs(side, k, s, padding, seed):
    model = conv_model(side, k, s, padding, seed=seed)
    x = np.random.default_rng(seed).random((side, side, 1))
    out = model.activations(x)[0][1]  # (H', W', 3), before the ReLU
    for f in range(3):
        patch = kernel_patch_for_step_view(model, 0, f, x)
        h, w = patch.input_patch.shape
        assert 5 <= h <= 12 and 5 <= w <= 12 and patch.pad_mask.shape == (h, w)
        np.testing.assert_array_equal(patch.kernel, model.layers[0].params["weight"][..., 0, f])
        # the page's whole output, from the exact numbers, is a block of the layer's output
        page = cv.conv2d(patch.input_patch, patch.kernel, patch.bias, stride=patch.stride)
        assert page.shape == patch.out_shape
        (i0, j0), (a, b) = patch.layer_pos, patch.out_pos
        block = out[i0 - a:i0 - a + page.shape[0], j0 - b:j0 - b + page.shape[1], f]
        np.testing.assert_allclose(page, block, rtol=1e-5, atol=1e-5)
        # and the cell it opens on is the filter's strongest response
        assert patch.layer_value == out[..., f].max() == out[i0, j0, f]
        assert patch.step_index == a * page.shape[1] + b
        np.testing.assert_allclose(patch.channel_sum + patch.bias, patch.layer_value,
                                   rtol=1e-5, atol=1e-5)


def test_padding_cells_are_cut_in_as_zeros():
    model = conv_model(8, 3, 1, "same")
    x = np.ones((8, 8, 1))
    patch = kernel_patch_for_step_view(model, 0, 0, x, patch_size=10)  # the whole padded input
    assert patch.input_patch.shape == (10, 10) and patch.origin == (0, 0)
    assert patch.pad_mask[0].all() and not patch.pad_mask[1:-1, 1:-1].any()
    np.testing.assert_array_equal(patch.input_patch[patch.pad_mask], 0)


def test_a_deeper_layer_uses_its_input_activation_one_channel_at_a_time():
    model = Sequential([Conv2D(2, 3, padding="same"), ReLU(), Conv2D(4, 3), ReLU(), Flatten(),
                        Dense(2)], input_shape=(9, 9, 1), seed=3)
    x = np.random.default_rng(3).random((9, 9, 1))
    patches = [kernel_patch_for_step_view(model, 2, 1, x, channel=c) for c in range(2)]
    a, b = patches
    assert a.layer_pos == b.layer_pos and a.layer_value == b.layer_value
    # the channel sums add up, with one bias, to the layer's value
    np.testing.assert_allclose(a.channel_sum + b.channel_sum + a.bias, a.layer_value,
                               rtol=1e-5, atol=1e-5)
    relu = model.activations(x)[1][1]  # (9, 9, 2), the input of conv2d_2
    r0, c0 = a.origin
    h, w = a.input_patch.shape
    np.testing.assert_array_equal(a.input_patch, relu[r0:r0 + h, c0:c0 + w, 0])


def test_patch_size_is_clipped_to_the_pages_range():
    model = conv_model(30, 3, 1, "valid")
    x = np.random.default_rng(0).random((30, 30, 1))
    assert kernel_patch_for_step_view(model, 0, 0, x, patch_size=40).input_patch.shape == (12, 12)
    assert kernel_patch_for_step_view(model, 0, 0, x, patch_size=1).input_patch.shape == (5, 5)
    assert kernel_patch_for_step_view(model, 0, 0, x).input_patch.shape == (7, 7)


def test_query_parses_back_into_the_pages_ranges():
    model = conv_model(15, 3, 2, "same")
    x = np.random.default_rng(0).random((15, 15, 1))
    patch = kernel_patch_for_step_view(model, 0, 1, x)
    query = step_view_query(patch)
    assert all(isinstance(v, str) for v in query.values())
    grid = check_grid_shape(text_to_grid(query["conv.x"]), 5, 12, "input")
    kern = check_grid_shape(text_to_grid(query["conv.k"]), 1, 7, "kernel")
    np.testing.assert_allclose(grid, patch.input_patch, atol=0.005 + 1e-9)
    np.testing.assert_allclose(kern, patch.kernel, atol=0.005 + 1e-9)
    np.testing.assert_array_equal(grid, np.round(grid, 2))
    assert abs(float(query["conv.bias"]) - patch.bias) <= 0.005
    assert query["conv.stride"] == "2" and query["conv.pad"] == "0"
    assert (query["conv.kname"], query["conv.mode"], query["conv.pad_kind"]) == (
        "custom", "gray", "number")
    assert "-0," not in query["conv.x"] + ";" and not query["conv.k"].startswith("-0,")
    # what the page computes from the rounded numbers, against the exact value
    value = rounded_step_value(patch)
    plan = cv.conv_plan(grid, kern, float(query["conv.bias"]), stride=2)
    assert value == plan.step(patch.step_index).value
    assert abs(value - patch.layer_value) < 0.1


def test_query_refuses_values_the_page_cannot_take():
    model = conv_model(8, 3, 1, "valid")
    model.layers[0].params["bias"][:] = 50.0
    patch = kernel_patch_for_step_view(model, 0, 0, np.zeros((8, 8, 1)))
    with pytest.raises(ValueError, match="bias from -10 to 10"):
        step_view_query(patch)
    big = kernel_patch_for_step_view(conv_model(8, 3, 1, "valid"), 0, 0,
                                     np.full((8, 8, 1), 500.0))
    with pytest.raises(ValueError, match="values from -99 to 99"):
        step_view_query(big)
    with pytest.raises(TypeError, match="`patch` must be a StepViewPatch"):
        step_view_query({"conv.x": "1"})


def test_errors_name_the_argument():
    model = Sequential([Conv2D(2, 3), MaxPool2D(2), Conv2D(2, 3, stride=(1, 2)), Flatten(),
                        Dense(2)], input_shape=(16, 16, 1), seed=0)
    x = np.zeros((16, 16, 1))
    with pytest.raises(ValueError, match="`layer_index` 1 is max_pool2d_1, not a Conv2D"):
        kernel_patch_for_step_view(model, 1, 0, x)
    with pytest.raises(ValueError, match=r"`layer_index` must be in 0\.\.4, got 5"):
        kernel_patch_for_step_view(model, 5, 0, x)
    with pytest.raises(ValueError, match=r"`filter_index` must be in 0\.\.1, got 2"):
        kernel_patch_for_step_view(model, 0, 2, x)
    with pytest.raises(ValueError, match=r"`channel` must be in 0\.\.0, got 1"):
        kernel_patch_for_step_view(model, 0, 0, x, channel=1)
    with pytest.raises(ValueError, match=r"stride \(1, 2\)"):
        kernel_patch_for_step_view(model, 2, 0, x)
    with pytest.raises(ValueError, match="kernels up to 7"):
        kernel_patch_for_step_view(conv_model(12, 9, 1, "valid"), 0, 0, np.zeros((12, 12, 1)))
    small = Sequential([Conv2D(2, 3), MaxPool2D(2), Conv2D(2, 2)], input_shape=(10, 10, 1))
    with pytest.raises(ValueError, match="has 4 rows .* needs at least 5"):
        kernel_patch_for_step_view(small, 2, 0, np.zeros((10, 10, 1)))


def test_the_label_says_what_the_patch_is_of():
    model = conv_model(16, 3, 1, "valid")
    x = np.random.default_rng(0).random((16, 16, 1))
    patch = kernel_patch_for_step_view(model, 0, 0, x, sample_name="held-out sample 17 (a “3”)")
    assert patch.label == "a 7x7 patch of held-out sample 17 (a “3”)"
    assert kernel_patch_for_step_view(model, 0, 0, x).label == "a 7x7 patch of the sample"
    rgb = conv_model(16, 3, 1, "valid", channels=3)
    patch = kernel_patch_for_step_view(rgb, 0, 0, np.zeros((16, 16, 3)), channel=1,
                                       sample_name="sample 2")
    assert patch.label == "a 7x7 patch of channel 2 of sample 2"
    deep = Sequential([Conv2D(2, 3, padding="same"), ReLU(), Conv2D(4, 3)],
                      input_shape=(9, 9, 1), seed=3)
    patch = kernel_patch_for_step_view(deep, 2, 0, np.ones((9, 9, 1)), channel=1,
                                       sample_name="sample 5")
    h, w = patch.input_patch.shape
    assert patch.label == f"a {h}x{w} patch of channel 2 of relu_1's output for sample 5"


def test_the_query_opens_the_page_with_the_given_input_not_a_preset():
    model = conv_model(16, 3, 1, "valid")
    patch = kernel_patch_for_step_view(model, 0, 0, np.zeros((16, 16, 1)))
    assert step_view_query(patch)["conv.preset"] == "given"
