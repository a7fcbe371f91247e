"""MaxPool2D and AvgPool2D: the engine as oracle, gradients, tie routing, shapes, errors."""

import numpy as np
import pytest

import convviz as cv
from convviz.nn import AvgPool2D, MaxPool2D

CASES = [  # (input (H, W, C), pool_size, stride, padding)
    ((4, 4, 2), 2, None, "valid"),
    ((5, 7, 1), 2, None, "valid"),  # odd: the last row and column are dropped
    ((6, 6, 2), 3, 1, "valid"),  # overlapping windows
    ((5, 5, 3), 2, None, "same"),
    ((7, 6, 1), 3, 2, "same"),
    ((6, 7, 2), (2, 3), (1, 2), "valid"),
]
KINDS = [(MaxPool2D, "max"), (AvgPool2D, "avg")]


def pool(cls, input_shape, size, stride, padding, dtype=np.float64):
    layer = cls(size, stride, padding=padding)
    layer.build(input_shape, dtype=dtype)
    return layer


@pytest.mark.parametrize(("cls", "mode"), KINDS)
@pytest.mark.parametrize(("shape", "size", "stride", "padding"), CASES)
def test_forward_equals_the_engine(rng, cls, mode, shape, size, stride, padding):
    layer = pool(cls, shape, size, stride, padding)
    x = rng.standard_normal((3,) + shape)
    # Keras's "same": padding never wins a max and does not count in an average
    expected = cv.pool2d(x, size, stride=stride, padding=padding, mode=mode,
                         count_include_pad=False)
    out = layer.forward(x)
    assert out.shape == (3,) + layer.output_shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-13)


@pytest.mark.parametrize(("cls", "mode"), KINDS)
@pytest.mark.parametrize(("shape", "size", "stride", "padding"), CASES)
def test_gradients_match_finite_differences(gradcheck, rng, cls, mode, shape, size, stride,
                                            padding):
    gradcheck(pool(cls, shape, size, stride, padding), rng.standard_normal((2,) + shape))


def test_inference_gives_the_same_output_without_a_cache(rng):
    layer = pool(MaxPool2D, (6, 6, 2), 3, 1, "valid")
    x = rng.standard_normal((2, 6, 6, 2))
    np.testing.assert_array_equal(layer.forward(x, training=False), layer.forward(x))
    layer.forward(x, training=False)
    with pytest.raises(RuntimeError, match="before backward"):
        layer.backward(np.ones((2, 4, 4, 2)))


def test_ties_go_to_the_first_maximum_in_row_major_order():
    layer = pool(MaxPool2D, (2, 6, 1), 2, None, "valid")
    x = np.array([[7, 7, 1, 5, 2, 2],
                  [7, 7, 5, 0, 2, 3.]]).reshape(1, 2, 6, 1)
    np.testing.assert_array_equal(layer.forward(x)[0, :, :, 0], [[7, 5, 3]])
    dx = layer.backward(np.array([10.0, 20.0, 30.0]).reshape(1, 1, 3, 1))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[10, 0, 0, 20, 0, 0],
                                                   [0, 0, 0, 0, 0, 30]])


def test_overlapping_windows_add_up_their_gradients():
    layer = pool(MaxPool2D, (3, 3, 1), 2, 1, "valid")
    x = np.array([[0, 1, 0], [1, 9, 1], [0, 1, 0.]]).reshape(1, 3, 3, 1)
    layer.forward(x)
    dx = layer.backward(np.ones((1, 2, 2, 1)))
    assert dx[0, 1, 1, 0] == 4 and dx.sum() == 4


def test_ties_match_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[1, 1, 2, 2, 0],
                  [1, 0, 2, 2, 0],
                  [3, 3, 3, 0, 0],
                  [3, 3, 0, 3, 0]], dtype=np.float64).reshape(1, 4, 5, 1)
    for size, stride in ((2, 2), (2, 1), (3, 1)):
        layer = pool(MaxPool2D, (4, 5, 1), size, stride, "valid")
        out = layer.forward(x)
        dout = np.arange(1.0, out.size + 1).reshape(out.shape)
        xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
        yt = torch.nn.functional.max_pool2d(xt, size, stride)
        yt.backward(torch.tensor(dout.transpose(0, 3, 1, 2)))
        np.testing.assert_array_equal(out, yt.detach().numpy().transpose(0, 2, 3, 1))
        np.testing.assert_array_equal(layer.backward(dout),
                                      xt.grad.numpy().transpose(0, 2, 3, 1))


def test_odd_rest_gets_no_gradient(rng):
    layer = pool(MaxPool2D, (5, 5, 1), 2, None, "valid")
    layer.forward(rng.standard_normal((1, 5, 5, 1)))
    dx = layer.backward(np.ones((1, 2, 2, 1)))
    assert not dx[0, 4].any() and not dx[0, :, 4].any() and dx.sum() == 4


def test_average_spreads_the_gradient_evenly():
    layer = pool(AvgPool2D, (4, 4, 1), 2, None, "valid")
    layer.forward(np.zeros((1, 4, 4, 1)))
    dx = layer.backward(np.array([4.0, 8.0, 12.0, 16.0]).reshape(1, 2, 2, 1))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 1, 2, 2], [1, 1, 2, 2],
                                                   [3, 3, 4, 4], [3, 3, 4, 4]])


def test_average_same_divides_by_the_cells_inside():
    layer = pool(AvgPool2D, (3, 3, 1), 2, None, "same")  # pads 0 before, 1 after
    out = layer.forward(np.ones((1, 3, 3, 1)))
    np.testing.assert_array_equal(out, np.ones((1, 2, 2, 1)))


def test_large_pools_count_more_than_256_taps(rng):
    layer = pool(MaxPool2D, (17, 17, 1), 17, None, "valid")
    x = rng.standard_normal((1, 17, 17, 1))
    x[0, 16, 16, 0] = 100.0  # the last of 289 taps wins
    assert layer.forward(x)[0, 0, 0, 0] == 100.0
    dx = layer.backward(np.ones((1, 1, 1, 1)))
    assert dx[0, 16, 16, 0] == 1 and dx.sum() == 1


def test_float32_stays_float32(rng):
    for cls, _ in KINDS:
        layer = pool(cls, (4, 4, 2), 2, None, "same", dtype=np.float32)
        out = layer.forward(rng.random((2, 4, 4, 2), dtype=np.float32))
        assert out.dtype == np.float32
        assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_shapes_and_config():
    layer = MaxPool2D(2)
    assert layer.build((26, 26, 8)) == (13, 13, 8)
    assert layer.n_params == 0 and layer.params == {} == layer.grads
    assert MaxPool2D(2).build((11, 11, 16)) == (5, 5, 16)
    assert AvgPool2D(2, padding="same").build((11, 11, 16)) == (6, 6, 16)
    assert layer.get_config() == {"pool_size": [2, 2], "stride": [2, 2], "padding": "valid"}
    assert layer.name == "max_pool2d" and AvgPool2D().name == "avg_pool2d"


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"pool_size": 0}, ValueError, "`pool_size` must be a positive integer, got 0"),
    ({"pool_size": 2, "stride": 0}, ValueError, "`stride`"),
    ({"pool_size": 2, "padding": 1}, TypeError, "`padding` must be 'valid' or 'same', got 1"),
    ({"pool_size": 2, "padding": "full"}, ValueError, "`padding`"),
])
def test_arguments_are_checked(kwargs, error, match):
    for cls, _ in KINDS:
        with pytest.raises(error, match=match):
            cls(**kwargs)


def test_pool_larger_than_the_input_is_explained():
    with pytest.raises(ValueError, match="MaxPool2D does not fit the input's columns"):
        MaxPool2D((1, 4)).build((4, 3, 1))
    with pytest.raises(ValueError, match=r"AvgPool2D takes images of shape \(H, W, C\)"):
        AvgPool2D(2).build((16,))


@pytest.mark.parametrize("kind", [MaxPool2D, AvgPool2D])
def test_reach_is_what_the_windows_read(kind):
    for kwargs, shape, reach in [(dict(pool_size=2), (11, 10, 3), (10, 10)),
                                 (dict(pool_size=3, stride=2), (8, 7, 1), (7, 7)),
                                 (dict(pool_size=2, stride=3), (8, 8, 1), (8, 8)),
                                 (dict(pool_size=2, padding="same"), (11, 11, 1), (11, 11))]:
        pool = kind(**kwargs)
        pool.build(shape)
        assert pool.reach == reach, kwargs


@pytest.mark.parametrize("kind", [MaxPool2D, AvgPool2D])
def test_on_input_builds_the_same_pool_for_another_shape(rng, kind):
    pool = kind((2, 3), stride=(2, 1))
    pool.build((11, 9, 2), dtype=np.float64)
    pool.name = "pool_7"
    twin = pool.on_input((10, 9, 2))
    assert type(twin) is kind and twin.name == "pool_7" and twin.dtype == np.float64
    assert twin.get_config() == pool.get_config()
    x = rng.standard_normal((3, 11, 9, 2))
    np.testing.assert_array_equal(twin.forward(x[:, :10]), pool.forward(x))
