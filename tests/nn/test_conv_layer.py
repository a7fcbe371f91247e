"""Conv2D: agreement with the engine's conv2d, finite-difference gradients, shapes, errors."""

import numpy as np
import pytest

import convviz as cv
from convviz.nn import Conv2D

CASES = [  # (input (H, W, C), filters, kernel, stride, padding)
    ((5, 5, 1), 2, 3, 1, "valid"),
    ((6, 5, 2), 3, 3, 2, "same"),
    ((7, 6, 3), 2, (2, 3), (2, 1), "same"),
    ((5, 6, 2), 2, 3, 1, 1),
    ((6, 6, 2), 1, 1, 2, "valid"),
    ((4, 5, 1), 2, (3, 2), 3, 2),
]


def conv(input_shape, filters, kernel, stride, padding, seed=0, dtype=np.float64):
    layer = Conv2D(filters, kernel, stride=stride, padding=padding)
    layer.build(input_shape, rng=np.random.default_rng(seed), dtype=dtype)
    layer.params["bias"][:] = np.random.default_rng(seed + 1).standard_normal(filters)
    return layer


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "padding"), CASES)
def test_forward_equals_the_engine(rng, shape, filters, kernel, stride, padding):
    layer = conv(shape, filters, kernel, stride, padding)
    x = rng.standard_normal((3,) + shape)
    expected = cv.conv2d(x, layer.params["weight"], layer.params["bias"], stride=stride,
                         padding=padding)
    out = layer.forward(x)
    assert out.shape == (3,) + layer.output_shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "padding"), CASES)
def test_gradients_match_finite_differences(gradcheck, rng, shape, filters, kernel, stride,
                                            padding):
    layer = conv(shape, filters, kernel, stride, padding)
    gradcheck(layer, rng.standard_normal((2,) + shape))


def test_float32_forward_matches_the_engine(rng):
    layer = conv((28, 28, 1), 8, 3, 1, "valid", dtype=np.float32)
    x = rng.random((4, 28, 28, 1), dtype=np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, cv.conv2d(x, layer.params["weight"], layer.params["bias"]),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weight_gradient_of_a_large_batch(rng, dtype):
    # 64 x 26 x 26 output pixels: the weight gradient is summed in column blocks
    layer = conv((28, 28, 1), 8, 3, 1, "valid", dtype=dtype)
    x = rng.random((64, 28, 28, 1)).astype(dtype)
    dout = rng.standard_normal((64, 26, 26, 8)).astype(dtype)
    layer.forward(x)
    layer.backward(dout)
    expected = np.empty((3, 3, 1, 8))
    for i in range(3):
        for j in range(3):
            expected[i, j] = np.tensordot(x[:, i:i + 26, j:j + 26].astype(np.float64), dout,
                                          axes=([0, 1, 2], [0, 1, 2]))
    tol = 1e-12 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(layer.grads["weight"], expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(layer.grads["bias"], dout.sum(axis=(0, 1, 2), dtype=np.float64),
                               rtol=tol, atol=tol)


def test_output_shape_and_parameters_of_the_example_layer():
    layer = Conv2D(8, 3)
    assert layer.build((28, 28, 1)) == (26, 26, 8)
    assert layer.params["weight"].shape == (3, 3, 1, 8)
    assert layer.params["bias"].shape == (8,)
    assert layer.n_params == 80
    assert not layer.params["bias"].any()


def test_same_padding_follows_keras():
    # 7 wide, stride 2: ceil(7 / 2) = 4; 6 wide, 2x2 kernel: the extra pixel at the bottom
    assert Conv2D(1, 3, stride=2, padding="same").build((7, 7, 1)) == (4, 4, 1)
    layer = Conv2D(1, 2, padding="same")
    layer.build((6, 6, 1))
    assert layer.pads == ((0, 1), (0, 1))


def test_he_initialisation_scale():
    layer = Conv2D(64, 3)
    layer.build((8, 8, 16), rng=np.random.default_rng(3))
    assert abs(layer.params["weight"].std() - np.sqrt(2 / (3 * 3 * 16))) < 0.005


def test_any_memory_layout_gives_the_same_result(rng):
    layer = conv((6, 6, 3), 4, 3, 1, "same")
    x = rng.standard_normal((2, 6, 6, 3))
    x_channels_first = np.ascontiguousarray(x.transpose(3, 0, 1, 2)).transpose(1, 2, 3, 0)
    np.testing.assert_array_equal(layer.forward(x), layer.forward(x_channels_first))
    dout = rng.standard_normal((2, 6, 6, 4))
    dx = layer.backward(dout)
    dout_odd = np.asfortranarray(dout)
    np.testing.assert_allclose(layer.backward(dout_odd), dx, rtol=1e-13)


def test_backward_after_the_first_layer_returns_a_channels_last_shape(rng):
    layer = conv((5, 5, 2), 3, 3, 1, "valid")
    out = layer.forward(rng.standard_normal((2, 5, 5, 2)))
    assert layer.backward(np.ones_like(out)).shape == (2, 5, 5, 2)


def test_config_round_trips():
    layer = Conv2D(4, (3, 2), stride=2, padding="same")
    assert layer.get_config() == {"filters": 4, "kernel_size": [3, 2], "stride": [2, 2],
                                  "padding": "same"}
    assert Conv2D(**layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"filters": 0, "kernel_size": 3}, ValueError, "`filters` must be a positive integer, got 0"),
    ({"filters": 2.0, "kernel_size": 3}, TypeError, "`filters`"),
    ({"filters": 2, "kernel_size": 0}, ValueError, "`kernel_size`"),
    ({"filters": 2, "kernel_size": (3, 3, 3)}, ValueError, "`kernel_size`"),
    ({"filters": 2, "kernel_size": 3, "stride": 0}, ValueError, "`stride`"),
    ({"filters": 2, "kernel_size": 3, "padding": "full"}, ValueError,
     "`padding` must be 'valid', 'same' or an integer >= 0, got 'full'"),
    ({"filters": 2, "kernel_size": 3, "padding": -1}, ValueError, "`padding`"),
    ({"filters": 2, "kernel_size": 3, "padding": None}, TypeError, "`padding`"),
])
def test_arguments_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        Conv2D(**kwargs)


def test_needs_images():
    with pytest.raises(ValueError, match=r"Conv2D takes images of shape \(H, W, C\)"):
        Conv2D(2, 3).build((28, 28))


def test_kernel_larger_than_the_input_is_explained():
    with pytest.raises(ValueError, match="does not fit the input's rows.*wider than"):
        Conv2D(2, 5).build((3, 8, 1))


def test_wrong_dout_shape_is_explained(rng):
    layer = conv((5, 5, 1), 2, 3, 1, "valid")
    layer.forward(rng.standard_normal((1, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"`dout` must have shape \(N, 3, 3, 2\)"):
        layer.backward(np.ones((1, 3, 3, 3)))


@pytest.mark.parametrize("filters", [32, 64])
def test_weight_gradient_over_many_pixels_sums_its_blocks_exactly(filters):
    """A first layer's weight gradient over a long batch (here 7,680 wide columns) is summed
    in column blocks (conv_layer's partial products): it equals the float64 product."""
    rng = np.random.default_rng(4)
    conv = Conv2D(filters, 3)
    conv.build((32, 32, 1), rng=rng)
    x = rng.standard_normal((8, 32, 32, 1)).astype(np.float32)
    out = conv.forward(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    conv.param_backward(dout)
    x64, d64 = x.astype(np.float64)[..., 0], dout.astype(np.float64)
    want = np.zeros((3, 3, 1, filters))
    for i in range(3):
        for j in range(3):  # d loss / d w[i, j] = sum over every output of x-patch * dout
            want[i, j, 0] = np.einsum("nhw,nhwf->f", x64[:, i:i + 30, j:j + 30], d64)
    np.testing.assert_allclose(conv.grads["weight"], want, rtol=1e-4, atol=1e-3)


# -- a cropped twin: only the output cells a following pool reads ---------------------------

@pytest.mark.parametrize("stride, padding", [(1, "valid"), (2, "valid"), (1, "same")])
def test_cropped_twin_computes_the_corner_and_fills_the_layers_gradients(rng, stride, padding):
    conv = Conv2D(3, 3, stride=stride, padding=padding)
    ho, wo, _ = conv.build((9, 8, 2), rng=rng, dtype=np.float64)
    twin = conv.cropped((ho - 1, wo - 1))
    assert twin.output_shape == (ho - 1, wo - 1, 3)
    assert twin.params is conv.params and twin.grads is conv.grads
    x = rng.standard_normal((4, 9, 8, 2))
    full = conv.forward(x)
    np.testing.assert_allclose(twin.forward(x), full[:, :ho - 1, :wo - 1], rtol=1e-12)
    # the same gradients as the whole layer given zero gradient in the left-out cells
    dout = rng.standard_normal((4, ho - 1, wo - 1, 3))
    padded = np.zeros_like(full)
    padded[:, :ho - 1, :wo - 1] = dout
    want_dx = conv.backward(padded)
    want = {k: g.copy() for k, g in conv.grads.items()}
    np.testing.assert_allclose(twin.backward(dout), want_dx, rtol=1e-12, atol=1e-12)
    for key, g in conv.grads.items():  # the twin wrote into the layer's own gradients
        np.testing.assert_allclose(g, want[key], rtol=1e-12, atol=1e-12)


def test_cropped_twin_cannot_be_larger_than_the_output():
    conv = Conv2D(2, 3)
    conv.build((6, 6, 1))
    with pytest.raises(ValueError, match=r"`out_hw` must be at most the layer's output size"):
        conv.cropped((5, 4))
    with pytest.raises(ValueError, match=r"`out_hw\[1\]` must be a positive integer"):
        conv.cropped((2, 0))
