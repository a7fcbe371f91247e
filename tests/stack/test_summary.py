"""summarize, layer_problem, dense_equivalent_params and softmax: the seed's MNIST model,
LeNet-5, problem rows, the dense comparison, and a numerically stable softmax."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.engine.softmax import softmax, softmax_parts
from convviz.stack.spec import PRESETS, layers_from_text
from convviz.stack.summary import (
    NOT_COMPUTED,
    RELU_WHY,
    LayerSpec,
    dense_equivalent_params,
    format_bytes,
    format_shape,
    layer_problem,
    summarize,
    uncounted_note,
)

MNIST = PRESETS["Classic Keras MNIST"]


def test_mnist_shapes_params_and_names():
    s = summarize(*MNIST)
    assert [r.output_shape for r in s.rows] == [
        (26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64), (576,), (64,), (10,)]
    assert [r.params for r in s.rows] == [320, 0, 18_496, 0, 36_928, 0, 36_928, 650]
    assert s.total_params == 93_322
    assert s.ok and s.output_shape == (10,)
    assert [r.name for r in s.rows] == [
        "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2", "flatten",
        "dense", "dense_1"]  # Keras's default names


def test_mnist_texts():
    rows = summarize(*MNIST).rows
    assert rows[0].size_text == "⌊(28 − 3) / 1⌋ + 1 = 26"
    assert rows[0].params_text == "3×3×1×32 + 32 = 320"
    assert rows[3].size_text == "⌊(11 − 2) / 2⌋ + 1 = 5"
    assert rows[5].size_text == "3 × 3 × 64 = 576"
    assert rows[6].params_text == "576×64 + 64 = 36,928"
    assert rows[1].params_text == "no weights"


def test_lenet5_shapes_and_total():
    s = summarize(*PRESETS["LeNet-5 style"])
    assert [r.output_shape for r in s.rows] == [
        (28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)]
    assert [r.params for r in s.rows] == [156, 0, 2416, 0, 0, 48_120, 10_164, 850]
    assert s.total_params == 61_706


def test_tiny_preset_same_padding():
    s = summarize(*PRESETS["Tiny (digits 16x16)"])
    assert [r.output_shape for r in s.rows] == [
        (16, 16, 8), (8, 8, 8), (8, 8, 16), (4, 4, 16), (256,), (10,)]
    assert s.total_params == 80 + 1168 + 2570
    assert s.rows[0].size_text == "same: ⌈16 / 1⌉ = 16"


def test_every_preset_summarizes():
    for shape, layers in PRESETS.values():
        summarize(shape, layers)


def test_too_deep_is_flagged_with_the_reason_and_later_rows_not_computed():
    s = summarize(*PRESETS["Too deep for 28x28"])
    assert not s.ok
    assert s.rows[5].output_shape == (1, 1, 64)
    bad = s.rows[6]
    assert bad.output_shape is None and bad.params is None
    assert bad.error.startswith("does not fit: the kernel, 3 wide, is wider than the padded "
                                "input, 1")
    assert [r.error for r in s.rows[7:]] == [NOT_COMPUTED, NOT_COMPUTED]
    assert s.total_params == 320 + 18_496 + 36_928  # the rows before the problem
    assert s.output_shape is None


def test_pool_that_does_not_fit_says_pool_window():
    s = summarize((1, 1, 3), [LayerSpec("MaxPool2D", kernel_size=2)])
    assert "the pool window, 2 wide" in s.rows[0].error


def test_small_input_makes_mnist_fail_where_expected():
    s = summarize((8, 8, 1), MNIST[1])  # 6 -> 3 -> 1 -> pool 2 on 1x1 fails
    assert [r.output_shape for r in s.rows[:3]] == [(6, 6, 32), (3, 3, 32), (1, 1, 64)]
    assert s.rows[3].error.startswith("does not fit")


@pytest.mark.parametrize(("spec", "message"), [
    (LayerSpec("Conv2D", None, 3), "Conv2D needs a number of filters"),
    (LayerSpec("Conv2D", 32, 0), "Conv2D needs a kernel size: a whole number >= 1, got 0"),
    (LayerSpec("Conv2D", 32, 2.5), "got 2.5"),
    (LayerSpec("Conv2D", 32, 3, 0), "needs a stride"),
    (LayerSpec("Conv2D", 32, 3, padding="full"), "padding must be 'valid', 'same'"),
    (LayerSpec("Conv2D", 32, 3, padding=-1), "padding must be"),
    (LayerSpec("MaxPool2D"), "MaxPool2D needs a pool size"),
    (LayerSpec("Dense"), "Dense needs a number of units"),
    (LayerSpec("Dense", True), "got True"),
    (LayerSpec("Dense", float("inf")), "got inf"),
    (LayerSpec("Dense", float("nan")), "got nan"),
    (LayerSpec("Dense", "8"), "got '8'"),
    (LayerSpec("Dense", 10, activation="gelu"), "activation must be one of"),
    (LayerSpec(""), "choose a layer type"),
    (LayerSpec("Conv3D", 3, 3), "choose a layer type"),
])
def test_layer_problems(spec, message):
    assert message in layer_problem(spec)
    row = summarize((28, 28, 1), [spec, LayerSpec("Flatten")]).rows
    assert message in row[0].error and row[1].error == NOT_COMPUTED


def test_each_bad_row_reports_its_own_problem_after_a_failure():
    rows = summarize((28, 28, 1), [LayerSpec("Conv2D", 8, 0), LayerSpec("Flatten"),
                                   LayerSpec("Dense")]).rows
    assert "kernel size" in rows[0].error
    assert rows[1].error == NOT_COMPUTED
    assert rows[2].error == "Dense needs a number of units"


def test_valid_layers_ignore_unused_fields():
    assert layer_problem(LayerSpec("Flatten", 0, 0, 0, "weird")) is None
    assert layer_problem(LayerSpec("Conv2D", 8, 3, padding=2)) is None


def test_conv_after_flatten_is_a_problem():
    rows = summarize((8, 8, 1), [LayerSpec("Flatten"), LayerSpec("Conv2D", 4, 3)]).rows
    assert "needs an (H, W, C) input" in rows[1].error and "before Flatten" in rows[1].error


def test_dense_on_an_image_acts_on_the_last_axis_like_keras():
    row = summarize((5, 5, 3), [LayerSpec("Dense", 4)]).rows[0]
    assert row.output_shape == (5, 5, 4) and row.params == 3 * 4 + 4
    assert "last axis" in row.note and "Flatten" in row.note


def test_stride_padding_and_defaults():
    rows = summarize((28, 28, 3), [
        LayerSpec("Conv2D", 8, 3, 2, "same"),  # ceil(28 / 2) = 14
        LayerSpec("Conv2D", 8, 3, padding=1),  # 14 + 2 - 3 + 1 = 14
        LayerSpec("MaxPool2D", kernel_size=3),  # stride 3 by default: floor(11 / 3) + 1 = 4
        LayerSpec("AvgPool2D", kernel_size=2, stride=1),  # 3
        LayerSpec("ReLU"),
        LayerSpec("GlobalAvgPool2D"),
    ]).rows
    assert [r.output_shape for r in rows] == [
        (14, 14, 8), (14, 14, 8), (4, 4, 8), (3, 3, 8), (3, 3, 8), (8,)]
    assert rows[0].params == 3 * 3 * 3 * 8 + 8
    assert rows[1].size_text == "⌊(14 + 2·1 − 3) / 1⌋ + 1 = 14"
    assert all(r.params == 0 for r in rows[2:])


def test_non_square_input_explains_both_axes():
    row = summarize((10, 6, 1), [LayerSpec("Conv2D", 2, 3)]).rows[0]
    assert row.output_shape == (8, 4, 2)
    assert row.size_text.startswith("H: ") and "; W: " in row.size_text


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 4), st.integers(1, 6),
       st.integers(1, 3), st.sampled_from(["valid", "same", 1]))
def test_conv_shape_matches_output_size_and_conv2d(h, w, c, k, s, pad):
    spec = LayerSpec("Conv2D", 2, k, s, pad)
    row = summarize((h, w, c), [spec]).rows[0]
    try:
        expected = (cv.output_size(h, k, stride=s, padding=pad),
                    cv.output_size(w, k, stride=s, padding=pad))
    except ValueError:
        assert row.error and row.error.startswith("does not fit")
        return
    assert row.output_shape == (*expected, 2)
    x = np.zeros((h, w, c))
    y = cv.conv2d(x, np.zeros((k, k, c, 2)), stride=s, padding=pad)
    assert y.shape == row.output_shape


def test_input_shape_checked():
    with pytest.raises(ValueError, match="input_shape"):
        summarize((28, 28), [])
    with pytest.raises(ValueError, match="input_shape"):
        summarize((0, 28, 1), [])
    assert summarize((784,), [LayerSpec("Dense", 10)]).total_params == 7850


def test_empty_stack():
    s = summarize((28, 28, 1), [])
    assert s.rows == () and s.total_params == 0 and s.ok and s.output_shape == (28, 28, 1)
    assert s.dense_ratio == 0.0


def test_dense_comparison_for_mnist():
    s = summarize(*MNIST)
    conv1 = s.rows[0]
    assert conv1.dense_params == 28 * 28 * 1 * 26 * 26 * 32 + 26 * 26 * 32
    assert conv1.local_params == 26 * 26 * (3 * 3 * 1 * 32) + 26 * 26 * 32
    assert s.rows[1].dense_params is None  # no weights either way
    assert s.rows[6].dense_params == s.rows[6].local_params == 36_928
    assert s.total_dense == 59_828_170
    assert s.total_local == 2_824_266
    assert round(s.dense_ratio) == 641


def test_dense_equivalent_params():
    assert dense_equivalent_params((28, 28, 1), [64], 10) == 784 * 64 + 64 + 64 * 10 + 10
    assert dense_equivalent_params((4,), [], 2) == 10
    with pytest.raises(ValueError, match="hidden_widths"):
        dense_equivalent_params((4,), [0], 2)


def test_format_shape():
    assert format_shape((26, 26, 32)) == "(26, 26, 32)"
    assert format_shape((576,)) == "576"
    assert format_shape(None) == "-"


def test_layers_from_text_matches_preset_objects():
    assert layers_from_text("C32k3:relu;M2")[0] == LayerSpec("Conv2D", 32, 3, activation="relu")


# softmax


def test_softmax_sums_to_one_and_orders():
    p = softmax([2.0, 1.0, 0.1])
    assert p.sum() == pytest.approx(1.0)
    assert np.allclose(p, np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum())
    assert list(np.argsort(p)) == [2, 1, 0]


def test_softmax_is_stable_for_large_logits():
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp([1000.0, 999.0]) / np.exp([1000.0, 999.0]).sum()
    assert np.isnan(naive).any()  # the naive formula fails
    p = softmax([1000.0, 999.0])
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)
    assert np.allclose(p, softmax([1.0, 0.0]))
    assert np.allclose(softmax([-1000.0, -1001.0]), softmax([1.0, 0.0]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-500, 500), min_size=1, max_size=12), st.floats(-400, 400))
def test_softmax_shift_invariant(z, c):
    p = softmax(z)
    assert p.sum() == pytest.approx(1.0) and np.all(p >= 0)
    assert np.allclose(p, softmax(np.asarray(z) + c), atol=1e-9)


def test_softmax_batches_along_last_axis():
    p = softmax([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    assert np.allclose(p.sum(axis=-1), 1.0)
    assert np.allclose(p[1], 1 / 3)


@pytest.mark.parametrize("bad", [[], 3.0, [1.0, np.nan], [np.inf, 0.0]])
def test_softmax_errors(bad):
    with pytest.raises(ValueError, match="logits"):
        softmax(bad)


def test_softmax_parts():
    parts = softmax_parts([2.0, 1.0, 0.1])
    assert np.allclose(parts.shifted, [0.0, -1.0, -1.9])
    assert np.allclose(parts.exps, np.exp([0.0, -1.0, -1.9]))
    assert parts.total == pytest.approx(math.fsum(parts.exps))
    assert np.allclose(parts.probs, parts.exps / parts.total)
    with pytest.raises(ValueError, match="1-D"):
        softmax_parts([[1.0]])


# why Conv2D or Dense rows have no parameter count


def test_uncounted_note_names_the_first_failing_layer_when_conv_and_dense_rows_exist():
    s = summarize((28, 28, 1), [LayerSpec("Conv2D", 8, 30), LayerSpec("Flatten"),
                                LayerSpec("Dense", 10)])
    note = uncounted_note(s)
    assert note.startswith("Layer 1, conv2d (Conv2D), has no output: does not fit: the "
                           "kernel, 30 wide")
    assert "the 2 layers with weights (conv2d, dense) are not counted" in note


def test_uncounted_note_for_a_failure_after_some_counted_layers():
    s = summarize((8, 8, 1), [LayerSpec("Conv2D", 4, 3), LayerSpec("Conv2D", 4, 9),
                              LayerSpec("Flatten"), LayerSpec("Dense", 10)])
    note = uncounted_note(s)
    assert note.startswith("Layer 2, conv2d_1 (Conv2D), has no output")
    assert "the 2 layers with weights (conv2d_1, dense) are not counted" in note


def test_uncounted_note_without_weighted_layers_or_problems():
    assert uncounted_note(summarize((28, 28, 1), [LayerSpec("Flatten")])) == (
        "No layer with weights yet: add a Conv2D or a Dense row.")
    assert uncounted_note(summarize(*MNIST)) is None
    bad_pool = summarize((4, 4, 1), [LayerSpec("MaxPool2D", None, 8)])
    assert uncounted_note(bad_pool) == "No layer with weights yet: add a Conv2D or a Dense row."


def test_pool_padding_above_half_the_window_is_a_problem_row():
    spec = LayerSpec("MaxPool2D", kernel_size=2, padding=2)
    assert layer_problem(spec) == ("`padding` of 2 is too large for a pool of 2: pooling padding "
                                   "must be at most half the pool size, 2 // 2 = 1 (PyTorch's "
                                   "rule; within it every window keeps an input cell)")
    assert layer_problem(LayerSpec("AvgPool2D", kernel_size=2, padding=1)) is None
    assert layer_problem(LayerSpec("MaxPool2D", kernel_size=2, padding="same")) is None
    assert layer_problem(LayerSpec("Conv2D", 4, 2, padding=2)) is None  # convolutions: any
    with pytest.raises(ValueError, match="too large for a pool of 2"):
        cv.pool2d(np.ones((6, 6)), 2, padding=2)  # the Pooling page's rule is the same
    row = summarize((8, 8, 1), [LayerSpec("MaxPool2D", kernel_size=2, padding=2)]).rows[0]
    assert row.output_shape is None and "too large for a pool of 2" in row.error


def test_relu_rows_say_why_a_nonlinearity_is_needed():
    row = summarize((4, 4, 1), [LayerSpec("ReLU")]).rows[0]
    assert row.note == RELU_WHY
    assert "collapse into one linear map" in RELU_WHY


def test_the_collapse_claim_holds_in_the_engine():
    """Two convolutions with nothing between them are one convolution (one linear map);
    a ReLU between them breaks that."""
    rng = np.random.default_rng(0)
    x, a, b = rng.normal(size=(9, 9)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    two = cv.conv2d(cv.conv2d(x, a, 0.5), b, -1.0)  # (5, 5)
    k = cv.conv2d(np.pad(b, 2), a[::-1, ::-1])  # the 5x5 kernel of the pair, (5, 5)
    one = cv.conv2d(x, k, 0.5 * b.sum() - 1.0)
    np.testing.assert_allclose(two, one, atol=1e-9)
    relu = cv.conv2d(np.maximum(cv.conv2d(x, a, 0.5), 0), b, -1.0)
    assert not np.allclose(relu, one)


# --- the receptive field, multiply-add and activation columns ---------------------------------

DEEP = PRESETS["Deep MNIST (5x5, Dense 1024)"]


def test_deep_mnist_preset_has_3274634_params_as_in_torch():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    s = summarize(*DEEP)
    assert s.ok and s.total_params == 3_274_634
    net = nn.Sequential(nn.Conv2d(1, 32, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(),
                        nn.Linear(1024, 10))
    assert sum(p.numel() for p in net.parameters()) == s.total_params
    # every shape as torch computes it (channels first there)
    x = torch.zeros(1, 1, 28, 28)
    shapes = []
    for layer in net:
        x = layer(x)
        if not isinstance(layer, nn.ReLU):
            shapes.append(tuple(x.shape[1:]))
    ours = [r.output_shape for r in s.rows]
    assert [sh[1:] + sh[:1] if len(sh) == 3 else sh for sh in shapes] == ours


def test_macs_by_hand_and_totals():
    s = summarize(*MNIST)
    assert [r.macs for r in s.rows] == [
        26 * 26 * 9 * 32, 0, 11 * 11 * 9 * 32 * 64, 0, 3 * 3 * 9 * 64 * 64, 0, 576 * 64,
        64 * 10]
    assert s.total_macs == sum(r.macs for r in s.rows) == 2_794_240
    assert s.rows[0].macs_text == "26×26×3×3×1×32 = 194,688"
    assert s.rows[6].macs_text == "576×64 = 36,864"
    assert s.rows[1].macs_text == "0: compares, no weights"


def test_macs_are_the_products_the_engine_makes():
    """Convolve ones with ones: each output value is the number of products behind it."""
    s = summarize((9, 8, 3), [LayerSpec("Conv2D", 4, 3, 2, 1)])
    out = cv.conv2d(np.ones((9, 8, 3)), np.ones((3, 3, 3, 4)), stride=2, padding=1,
                    padding_mode="zeros")
    full = cv.conv2d(np.ones((11, 10, 3)), np.ones((3, 3, 3, 4)), stride=2)  # padding as data
    assert out.shape == s.rows[0].output_shape
    assert full.sum() == s.rows[0].macs  # padding cells are multiplied too


def test_dense_on_an_image_counts_every_position():
    s = summarize((4, 5, 8), [LayerSpec("Dense", 3)])
    assert s.rows[0].macs == 4 * 5 * 8 * 3
    assert s.rows[0].macs_text == "4×5×8×3 = 480"
    assert s.rows[0].field.text() == "1×1, jump 1"  # each position on its own


def test_activation_values_and_bytes_at_float32():
    s = summarize(*DEEP)
    assert [r.values for r in s.rows] == [25_088, 6_272, 12_544, 3_136, 3_136, 1_024, 10]
    assert [r.act_bytes for r in s.rows][:2] == [100_352, 25_088]
    assert s.total_values == 51_210 and s.total_bytes == 204_840
    assert np.zeros(s.rows[0].output_shape, np.float32).nbytes == s.rows[0].act_bytes
    assert format_bytes(s.total_bytes) == "200.0 KB"
    assert [format_bytes(n) for n in (40, 1023, 1024, 10 * 2**20)] == [
        "40 bytes", "1,023 bytes", "1.0 KB", "10 MB"]


def test_problem_rows_have_no_new_columns():
    s = summarize((8, 8, 1), [LayerSpec("Conv2D", 4, 9), LayerSpec("Dense", 2)])
    assert [(r.macs, r.values, r.act_bytes, r.field) for r in s.rows] == [(None,) * 4] * 2
    assert s.total_macs == 0 and s.total_values == 0


def test_dense_after_flatten_sees_the_whole_input_or_says_which_part():
    rows = summarize(*DEEP).rows
    assert rows[5].field.text() == rows[6].field.text() == "whole input"
    rows = summarize(*PRESETS["Classic Keras MNIST"]).rows  # 'valid': rows 26, 27 unseen
    assert rows[6].field.text() == "rows 0–25, columns 0–25 of the input"
    assert summarize((8, 8, 2), [LayerSpec("GlobalMaxPool2D")]).rows[0].field.text() == \
        "whole input"


def test_total_macs_agree_with_the_training_pages_count():
    from convviz.nn.trainable import multiply_adds

    for name in ("Classic Keras MNIST", "LeNet-5 style", "Deep MNIST (5x5, Dense 1024)"):
        shape, specs = PRESETS[name]
        s = summarize(shape, specs)
        assert s.total_macs == multiply_adds(s, specs)
