"""ReLU, Flatten, Dense and the Layer protocol: values, finite-difference gradients, errors."""

import numpy as np
import pytest

from convviz.nn import AvgPool2D, Conv2D, Dense, Flatten, Layer, MaxPool2D, ReLU


def built(layer: Layer, shape, dtype=np.float64, seed=0) -> Layer:
    layer.build(shape, rng=np.random.default_rng(seed), dtype=dtype)
    return layer


def test_relu_values_and_slope():
    relu = built(ReLU(), (4,))
    out = relu.forward(np.array([[-2.0, -0.0, 0.5, 3.0]]))
    np.testing.assert_array_equal(out, [[0, 0, 0.5, 3]])
    np.testing.assert_array_equal(relu.backward(np.full((1, 4), 2.0)), [[0, 0, 2, 2]])


def test_relu_gradient(gradcheck, rng, spread):
    gradcheck(built(ReLU(), (3, 4, 2)), spread(rng, (2, 3, 4, 2)))


def test_flatten_is_row_major_and_undoes_itself(rng):
    flat = built(Flatten(), (3, 4, 2))
    x = rng.standard_normal((5, 3, 4, 2))
    out = flat.forward(x)
    assert flat.output_shape == (24,)
    np.testing.assert_array_equal(out, x.reshape(5, 24))
    np.testing.assert_array_equal(flat.backward(out), x)


def test_flatten_gradient(gradcheck, rng):
    gradcheck(built(Flatten(), (2, 3, 2)), rng.standard_normal((2, 2, 3, 2)))


def test_dense_forward_is_affine(rng):
    dense = built(Dense(3), (4,))
    dense.params["bias"][:] = [1.0, -1.0, 0.5]
    x = rng.standard_normal((2, 4))
    np.testing.assert_allclose(dense.forward(x), x @ dense.params["weight"] + [1.0, -1.0, 0.5])
    assert dense.params["weight"].shape == (4, 3) and dense.n_params == 15


def test_dense_gradient(gradcheck, rng):
    dense = built(Dense(3), (5,))
    dense.params["bias"][:] = rng.standard_normal(3)
    gradcheck(dense, rng.standard_normal((4, 5)))


def test_dense_he_initialisation_is_seeded_with_the_right_scale():
    a = built(Dense(200), (400,), seed=7).params["weight"]
    b = built(Dense(200), (400,), seed=7).params["weight"]
    np.testing.assert_array_equal(a, b)
    assert abs(a.std() - np.sqrt(2 / 400)) < 0.002
    assert abs(a.mean()) < 0.002


def test_float32_by_default_and_inputs_are_cast():
    dense = Dense(2)
    dense.build((3,))
    assert dense.params["weight"].dtype == np.float32
    assert dense.forward(np.ones((1, 3))).dtype == np.float32
    assert dense.backward(np.ones((1, 2))).dtype == np.float32
    assert dense.grads["weight"].dtype == np.float32


def test_grads_are_overwritten_not_accumulated(rng):
    dense = built(Dense(2), (3,))
    x = rng.standard_normal((4, 3))
    dense.forward(x)
    dense.backward(np.ones((4, 2)))
    first = dense.grads["weight"].copy()
    dense.forward(x)
    dense.backward(np.ones((4, 2)))
    np.testing.assert_array_equal(dense.grads["weight"], first)


def test_dense_needs_vectors():
    with pytest.raises(ValueError, match=r"Flatten\(\)"):
        Dense(4).build((5, 5, 2))


@pytest.mark.parametrize(("units", "error"), [(0, ValueError), (-3, ValueError),
                                              (2.5, TypeError), (True, TypeError)])
def test_dense_units_are_checked(units, error):
    with pytest.raises(error, match="`units`"):
        Dense(units)


def test_forward_before_build_is_explained():
    with pytest.raises(RuntimeError, match="not built"):
        ReLU().forward(np.zeros((1, 2)))


def test_backward_before_forward_is_explained():
    dense = built(Dense(2), (3,))
    with pytest.raises(RuntimeError, match=r"forward\(x, training=True\)"):
        dense.backward(np.ones((1, 2)))
    dense.forward(np.ones((1, 3)), training=False)  # inference keeps no cache
    with pytest.raises(RuntimeError, match="before backward"):
        dense.backward(np.ones((1, 2)))


def test_wrong_input_shape_names_x_and_the_layer():
    dense = built(Dense(2), (3,))
    dense.name = "dense_1"
    with pytest.raises(ValueError, match=r"`x` must have shape \(N, 3\) for layer `dense_1`"):
        dense.forward(np.ones((1, 4)))


@pytest.mark.parametrize(("shape", "error"), [((), TypeError), ("28", TypeError),
                                              ((28, 0), ValueError), ((28, 2.0), TypeError)])
def test_build_checks_the_input_shape(shape, error):
    with pytest.raises(error, match="input_shape"):
        ReLU().build(shape)


def test_build_checks_the_dtype():
    with pytest.raises(ValueError, match="`dtype` must be float32 or float64, got float16"):
        Dense(2).build((3,), dtype=np.float16)


EVERY_LAYER = [  # (a fresh layer, one example's shape)
    (ReLU, (3, 4, 2)), (Flatten, (3, 4, 2)), (lambda: Dense(3), (4,)),
    (lambda: Conv2D(2, 3, padding="same"), (5, 5, 2)), (lambda: MaxPool2D(2), (4, 4, 2)),
    (lambda: AvgPool2D(2, padding="same"), (5, 5, 2)),
]


@pytest.mark.parametrize(("make", "shape"), EVERY_LAYER,
                         ids=["relu", "flatten", "dense", "conv2d", "max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize(("src", "dst"), [(np.float32, np.float64), (np.float64, np.float32),
                                          (np.float32, np.float32)])
def test_astype_returns_a_converted_copy_and_leaves_the_layer(make, shape, src, dst, rng):
    layer = built(make(), shape, dtype=src)
    x = rng.standard_normal((2,) + shape).astype(src)
    out = layer.forward(x)
    layer.backward(np.ones_like(out))
    params = {k: v.copy() for k, v in layer.params.items()}
    grads = {k: v.copy() for k, v in layer.grads.items()}
    cache = layer._cache
    twin = layer.astype(dst)
    assert type(twin) is type(layer) and twin is not layer
    assert (layer.dtype, twin.dtype) == (np.dtype(src), np.dtype(dst))
    assert (twin.name, twin.input_shape, twin.output_shape, twin.get_config()) == \
        (layer.name, layer.input_shape, layer.output_shape, layer.get_config())
    assert layer._cache is cache and twin._cache is None  # the original keeps its cache
    for key in params:
        for mine, theirs, before in ((layer.params, twin.params, params),
                                     (layer.grads, twin.grads, grads)):
            assert mine[key].dtype == src and theirs[key].dtype == dst
            np.testing.assert_array_equal(mine[key], before[key])
            np.testing.assert_allclose(theirs[key], before[key], rtol=1e-6)
            assert not np.shares_memory(mine[key], theirs[key])
    copied = twin.forward(x)
    assert copied.dtype == dst
    np.testing.assert_allclose(copied, out, rtol=1e-5, atol=1e-6)
    assert layer._cache is cache


def test_astype_checks_the_dtype():
    with pytest.raises(ValueError, match="`dtype` must be float32 or float64, got int64"):
        built(Dense(2), (3,)).astype(np.int64)


def test_repr_and_config():
    assert repr(Dense(4)) == "Dense(units=4)"
    assert Dense(4).get_config() == {"units": 4}


def test_flatten_hands_its_gradient_back_in_the_inputs_memory_layout():
    """A Conv2D's maps are channels first in memory: Flatten's backward returns the same
    values as a reshape, laid out like its input, so the pool or ReLU before it runs over
    aligned arrays."""
    flat = Flatten()
    flat.build((5, 5, 16))
    x = np.zeros((16, 4, 5, 5), dtype=np.float32).transpose(1, 2, 3, 0)  # (N, H, W, C)
    flat.forward(x)
    dout = np.arange(4 * 400, dtype=np.float32).reshape(4, 400)
    dx = flat.backward(dout)
    assert dx.strides == x.strides and dx.dtype == np.float32
    np.testing.assert_array_equal(dx, dout.reshape(4, 5, 5, 16))
