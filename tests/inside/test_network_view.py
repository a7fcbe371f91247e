"""convviz.inside.network_view: every column for one input, and one unit's numbers, each
checked against the layer's own forward output."""

import numpy as np
import pytest

from convviz.inside.network_view import (
    column_count,
    network_activations,
    softmax_probabilities,
    unit_computation,
)
from convviz.nn import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential


@pytest.fixture(scope="module")
def model():
    """Every kind of layer, with 'same' padding, a stride and two pools (one padded)."""
    m = Sequential([Conv2D(3, 3, padding="same"), ReLU(), MaxPool2D(2, padding="same"),
                    Conv2D(4, 3, stride=2), ReLU(), AvgPool2D(2, stride=1, padding="same"),
                    Flatten(), Dense(6), ReLU(), Dense(5)], input_shape=(9, 9, 2), seed=3)
    rng = np.random.default_rng(1)
    for layer in m.layers:  # non-zero biases, so a missing bias shows
        if "bias" in layer.params:
            layer.params["bias"][:] = rng.normal(size=layer.params["bias"].shape)
    return m


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).normal(size=(9, 9, 2)).astype(np.float32)


def _outputs(model, x):
    return [out for _, out in model.activations(x)]


def test_columns_are_the_input_every_layer_and_the_softmax(model, x):
    cols = network_activations(model, x)
    assert len(cols) == column_count(model) == len(model.layers) + 2
    assert [c.name for c in cols] == ["input", *[layer.name for layer in model.layers],
                                      "softmax"]
    np.testing.assert_array_equal(cols[0].values, x)
    for col, out in zip(cols[1:-1], _outputs(model, x), strict=True):
        np.testing.assert_array_equal(col.values, out)
    logits = model.forward(x[None], training=False)[0].astype(np.float64)
    np.testing.assert_allclose(cols[-1].values, np.exp(logits) / np.exp(logits).sum(),
                               rtol=1e-12)
    assert cols[-1].values.sum() == pytest.approx(1.0)


def _every_unit(shape):
    return list(np.ndindex(shape))


@pytest.mark.parametrize("li", range(10))
def test_every_unit_rebuilds_the_layers_own_output(model, x, li):
    """conv (same padding, stride 2), ReLU, max pool, avg pool, Flatten and Dense: each
    unit's parts give back the layer's forward output, at every position."""
    out = _outputs(model, x)[li]
    for pos in _every_unit(out.shape):
        u = unit_computation(model, x, li, pos)
        assert u.output == float(out[pos])
        assert u.recomputed == pytest.approx(u.output, rel=1e-5, abs=1e-5), (li, pos)


def test_a_conv_unit_reads_its_window_over_every_channel_and_zero_padding(model, x):
    u = unit_computation(model, x, 0, (0, 0, 1))  # the top-left corner: padded above, left
    assert u.kind == "conv2d" and u.source == "input"
    assert u.reads == {"rows": (-1, 2), "cols": (-1, 2), "channels": (0, 1)}
    assert u.inputs.shape == u.weights.shape == (3, 3, 2)
    assert u.pad_mask.tolist() == [[True, True, True], [True, False, False],
                                   [True, False, False]]
    np.testing.assert_array_equal(u.inputs[1:, 1:], x[:2, :2])
    assert not u.inputs[0].any() and not u.inputs[:, 0].any()
    np.testing.assert_array_equal(u.weights, model.layers[0].params["weight"][..., 1])
    np.testing.assert_allclose(u.products, u.inputs * u.weights)
    assert u.total == pytest.approx(u.products.sum())
    assert u.bias == float(model.layers[0].params["bias"][1])
    assert u.count == 4 * 2  # taps inside the image, times channels


def test_a_strided_conv_unit_reads_the_window_the_stride_puts_it_on(model, x):
    u = unit_computation(model, x, 3, (1, 0, 0))  # stride 2, valid: rows 2-4, cols 0-2
    assert u.reads == {"rows": (2, 5), "cols": (0, 3), "channels": (0, 1, 2)}
    prev = _outputs(model, x)[2]  # (5, 5, 3)
    np.testing.assert_array_equal(u.inputs, prev[2:5, 0:3])


def test_a_max_pool_unit_names_its_winner_and_leaves_padding_out(model, x):
    prev = _outputs(model, x)[1]  # (9, 9, 3): 'same' pooling pads the last row and column
    u = unit_computation(model, x, 2, (4, 4, 2))
    assert u.reads == {"rows": (8, 10), "cols": (8, 10), "channels": (2,)}
    assert u.pad_mask.tolist() == [[False, True], [True, True]] and u.count == 1
    assert u.inputs[0, 0] == prev[8, 8, 2] and np.isnan(u.inputs[1, 1])
    assert u.winner == (0, 0) and u.total == prev[8, 8, 2]
    u = unit_computation(model, x, 2, (1, 2, 0))
    window = prev[2:4, 4:6, 0]
    k = int(np.argmax(window))
    assert u.winner == (k // 2, k % 2) and u.total == window.max()


def test_max_pool_ties_go_to_the_first_maximum_as_the_layer_picks():
    model = Sequential([MaxPool2D(2), Flatten(), Dense(2)], input_shape=(2, 2, 1))
    u = unit_computation(model, np.full((2, 2, 1), 5.0), 0, (0, 0, 0))
    assert u.winner == (0, 0)


def test_an_avg_pool_unit_divides_by_the_cells_inside_only(model, x):
    prev = _outputs(model, x)[4]  # (2, 2, 4), pooled 2x2 stride 1 'same'
    u = unit_computation(model, x, 5, (1, 1, 3))
    assert u.count == 1 and u.total == pytest.approx(prev[1, 1, 3])
    u = unit_computation(model, x, 5, (0, 0, 3))
    assert u.count == 4 and u.total == pytest.approx(prev[:, :, 3].mean())


def test_relu_flatten_and_dense_units(model, x):
    outs = _outputs(model, x)
    u = unit_computation(model, x, 1, (3, 4, 2))
    assert u.inputs.tolist() == [float(outs[0][3, 4, 2])]
    assert u.reads == {"rows": (3, 4), "cols": (4, 5), "channels": (2,)}
    u = unit_computation(model, x, 6, 7)  # Flatten: row-major over (2, 2, 4)
    assert u.reads == {"rows": (0, 1), "cols": (1, 2), "channels": (3,)}
    assert u.output == float(outs[5][0, 1, 3])
    u = unit_computation(model, x, 8, (5,))  # a ReLU on a vector
    assert u.reads == {"index": 5} and u.inputs.tolist() == [float(outs[7][5])]
    u = unit_computation(model, x, 9, (2,))
    dense = model.layers[9]
    np.testing.assert_array_equal(u.inputs, outs[8])
    np.testing.assert_array_equal(u.weights, dense.params["weight"][:, 2])
    assert u.bias == float(dense.params["bias"][2]) and u.reads == {"all": True}
    assert u.count == 6


def test_a_softmax_unit_is_its_exponential_over_the_sum(model, x):
    u = unit_computation(model, x, len(model.layers), (3,))
    logits = _outputs(model, x)[-1].astype(np.float64)
    np.testing.assert_allclose(u.products, np.exp(logits - logits.max()))
    assert u.total == pytest.approx(u.products.sum())
    assert u.output == pytest.approx(softmax_probabilities(logits)[3], rel=1e-12)
    assert u.name == "softmax" and u.source == model.layers[-1].name


def test_a_conv_unit_agrees_with_torch(model, x):
    torch = pytest.importorskip("torch")
    layer = model.layers[0]
    w = torch.tensor(layer.params["weight"].transpose(3, 2, 0, 1).copy(), dtype=torch.float64)
    b = torch.tensor(layer.params["bias"], dtype=torch.float64)
    inp = torch.tensor(x.transpose(2, 0, 1)[None].copy(), dtype=torch.float64)
    ref = torch.nn.functional.conv2d(inp, w, b, padding=1)[0].numpy()  # (F, H, W)
    for pos in [(0, 0, 0), (4, 4, 2), (8, 8, 1)]:
        u = unit_computation(model, x, 0, pos)
        assert u.recomputed == pytest.approx(ref[pos[2], pos[0], pos[1]], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(("args", "error", "message"), [
    ((11, (0,)), ValueError, "`layer_index` must be in 0..10"),
    ((-1, (0,)), ValueError, "`layer_index`"),
    ((0, (9, 0, 0)), ValueError, "`position[0]` must be in 0..8"),
    ((0, (0, 0)), TypeError, "`position` must be (row, col, channel)"),
    ((9, (0, 0, 0)), TypeError, "`position` must be (index,)"),
    ((0, (0, 0, 3)), ValueError, "`position[2]` must be in 0..2"),
])
def test_bad_units_are_refused_by_name(model, x, args, error, message):
    with pytest.raises(error) as info:
        unit_computation(model, x, *args)
    assert message in str(info.value)


def test_a_bad_example_is_refused(model):
    with pytest.raises(ValueError, match="`x` must be one example of shape"):
        unit_computation(model, np.zeros((9, 9)), 0, (0, 0, 0))
