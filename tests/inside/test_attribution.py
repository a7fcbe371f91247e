"""What the network looks at (convviz.inside.attribution): Grad-CAM and occlusion against
PyTorch with the same weights and against hand-made cases, the flip on a trained model, the
class and filter pictures, and the receptive box against the support of the unit's input
gradient."""

from __future__ import annotations

import numpy as np
import pytest
from nn.test_model import example_layers, to_torch

from convviz.engine.receptive import receptive_field
from convviz.inside.attribution import (
    attribution_cost,
    bilinear_upsample,
    class_visualisation,
    flip_steps,
    forward_macs,
    grad_cam,
    occlusion,
    occlusion_positions,
    spatial_layers,
    unit_gradient,
    unit_receptive_box,
)
from convviz.nn import (
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    softmax,
)
from convviz.nn.data import load_builtin
from convviz.nn.presets import model_from_preset
from convviz.nn.train import Trainer
from convviz.nn.train_config import TrainConfig


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def example(seed=3):
    return Sequential(example_layers(), input_shape=(28, 28, 1), seed=seed, dtype=np.float64)


def linear(n: int = 4, weights=None, bias=None) -> Sequential:
    """Flatten + Dense(2) on an (n, n, 1) image, with the weights given."""
    model = Sequential([Flatten(), Dense(2)], input_shape=(n, n, 1), dtype=np.float64)
    if weights is not None:
        model.layers[1].params["weight"][:] = weights
    if bias is not None:
        model.layers[1].params["bias"][:] = bias
    return model


# -- Grad-CAM ----------------------------------------------------------------------------------

def _torch_grad_cam(torch, model, x, target, layer):
    net = to_torch(model, torch)
    out = torch.tensor(x.transpose(2, 0, 1)[None].copy())
    maps = None
    for i, mod in enumerate(net):
        out = mod(out)
        if i == layer:
            out.retain_grad()
            maps = out
    out[0, target].backward()
    weights = maps.grad.mean(dim=(2, 3))  # (1, C): the paper's alpha_k
    cam = torch.relu((weights[:, :, None, None] * maps).sum(dim=1, keepdim=True))
    up = torch.nn.functional.interpolate(cam, size=x.shape[:2], mode="bilinear",
                                         align_corners=False)
    return (weights[0].detach().numpy(), cam[0, 0].detach().numpy(),
            up[0, 0].detach().numpy())


@pytest.mark.parametrize("layer", [0, 1, 3, 4, 5])
@pytest.mark.parametrize("target", [0, 7])
def test_grad_cam_matches_torch(rng, layer, target):
    torch = pytest.importorskip("torch")
    model = example()
    x = rng.random((28, 28, 1))
    weights, coarse, cam = _torch_grad_cam(torch, model, x, target, layer)
    got = grad_cam(model, x, target, layer=layer)
    np.testing.assert_allclose(got.weights, weights, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(got.coarse, coarse, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(got.cam, cam, rtol=1e-8, atol=1e-12)
    assert got.cam.shape == (28, 28) and got.maps.shape == model.layers[layer].output_shape


def _one_by_one(dense_weight: float, channels: int = 1) -> Sequential:
    """A 1x1 convolution copying the image into each channel, then Flatten and Dense(1)."""
    model = Sequential([Conv2D(channels, 1), Flatten(), Dense(1)], input_shape=(3, 3, 1),
                       dtype=np.float64)
    model.layers[0].params["weight"][:] = 1.0
    model.layers[2].params["weight"][:] = dense_weight
    return model


def test_grad_cam_by_hand_weights_are_the_mean_gradient_and_the_sum_is_rectified():
    x = np.arange(9.0).reshape(3, 3, 1)
    up = grad_cam(_one_by_one(2.0), x, 0, layer=0)  # logit = 2 * sum(A): dA = 2 everywhere
    assert up.weights.tolist() == [2.0]
    np.testing.assert_allclose(up.coarse, 2 * x[..., 0])
    down = grad_cam(_one_by_one(-1.0), x, 0, layer=0)  # the score falls where A is large
    assert down.weights.tolist() == [-1.0]
    assert not down.coarse.any() and not down.cam.any()  # ReLU keeps the positive part only
    # two channels: the Dense weight of each flattened value (h, w, c) picks its channel
    model = _one_by_one(0.0, channels=2)
    model.layers[2].params["weight"][:] = np.tile([[3.0], [-1.0]], (9, 1))  # c0: 3, c1: -1
    mixed = grad_cam(model, x, 0, layer=0)
    assert mixed.weights.tolist() == [3.0, -1.0]
    np.testing.assert_allclose(mixed.coarse, 2 * x[..., 0])  # relu(3 A - A)


def test_bilinear_upsample_matches_torch(rng):
    torch = pytest.importorskip("torch")
    for src, size in (((5, 5), (28, 28)), ((3, 4), (16, 16)), ((7, 2), (10, 9)),
                      ((4, 4), (4, 4)), ((1, 3), (5, 5))):
        img = rng.standard_normal(src)
        want = torch.nn.functional.interpolate(torch.tensor(img)[None, None], size=size,
                                               mode="bilinear", align_corners=False)
        np.testing.assert_allclose(bilinear_upsample(img, size), want[0, 0].numpy(),
                                   rtol=1e-12, atol=1e-12)


# -- occlusion ---------------------------------------------------------------------------------

def test_occlusion_matches_torch(rng):
    torch = pytest.importorskip("torch")
    model = example()
    net = to_torch(model, torch)
    x = rng.random((28, 28, 1))
    occ = occlusion(model, x, 3, patch=6, stride=4, fill=0.5)
    assert occ.rows == occ.cols == [0, 4, 8, 12, 16, 20, 22]
    batch = [x]
    for r in occ.rows:
        for c in occ.cols:
            covered = x.copy()
            covered[r:r + 6, c:c + 6] = 0.5
            batch.append(covered)
    with torch.no_grad():
        p = torch.softmax(net(torch.tensor(np.stack(batch).transpose(0, 3, 1, 2).copy())),
                          dim=1)[:, 3].numpy()
    assert occ.base == pytest.approx(p[0], rel=1e-10)
    np.testing.assert_allclose(occ.drops, (p[0] - p[1:]).reshape(7, 7), rtol=1e-8,
                               atol=1e-12)
    assert occ.passes == 50


def test_occlusion_by_hand_only_patches_over_the_watched_pixel_drop():
    # score 0 = 10 * x[2, 2], score 1 = 0: p0 = sigmoid(10 * x[2, 2])
    weights = np.zeros((16, 2))
    weights[2 * 4 + 2, 0] = 10.0
    model = linear(4, weights)
    x = np.full((4, 4, 1), 0.3)
    occ = occlusion(model, x, 0, patch=2, stride=1, fill=0.0)
    base = 1 / (1 + np.exp(-3.0))
    assert occ.base == pytest.approx(base)
    want = np.zeros((3, 3))
    want[1:, 1:] = base - 0.5  # the four 2x2 patches covering (2, 2): p0 becomes 1/2
    np.testing.assert_allclose(occ.drops, want, atol=1e-12)
    # each pixel: the mean over the patches covering it (pixel (2, 2): all four of its four)
    assert occ.pixel_map[2, 2] == pytest.approx(base - 0.5)
    assert occ.pixel_map[0, 0] == 0 and occ.pixel_map[3, 3] == pytest.approx(base - 0.5)
    assert occ.pixel_map[1, 1] == pytest.approx((base - 0.5) / 4)


def test_occlusion_positions_cover_every_pixel():
    assert occlusion_positions(28, 5, 5) == [0, 5, 10, 15, 20, 23]
    assert occlusion_positions(16, 16, 3) == [0]
    for size, patch, stride in ((28, 3, 2), (16, 4, 3), (28, 7, 7), (9, 2, 1)):
        covered = np.zeros(size, bool)
        for p in occlusion_positions(size, patch, stride):
            covered[p:p + patch] = True
        assert covered.all()


# -- the flip ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained():
    ds = load_builtin("digits")
    model = model_from_preset("tiny", ds.input_shape, ds.n_classes, seed=0)
    trainer = Trainer(model, ds, TrainConfig(seed=0))
    trainer.run(max_steps=200)
    return trainer


def test_the_flip_changes_the_answer_of_a_trained_model(trained):
    model, ds = trained.model, trained.dataset
    right = np.flatnonzero(model.predict(ds.x_test) == ds.y_test)
    assert len(right) > 0.8 * ds.n_test  # trained
    flips = 0
    for i in right[:5]:
        x, label = ds.x_test[i], int(ds.y_test[i])
        target = (label + 3) % 10
        flip = flip_steps(model, x, target, epsilon=0.02, steps=100)
        assert int(np.argmax(flip.before)) == label
        assert 1 <= flip.steps <= 100 and len(flip.answers) == flip.steps
        assert flip.largest_change <= 0.02 * flip.steps + 1e-6
        assert flip.image.min() >= 0 and flip.image.max() <= 1
        np.testing.assert_allclose(flip.perturbation, flip.image - x, atol=1e-6)
        if flip.flipped:
            flips += 1
            assert int(model.predict(flip.image[None])[0]) == target  # really flipped
            assert flip.answers[-1] == target and target not in flip.answers[:-1]
            np.testing.assert_allclose(
                flip.after, softmax(model.forward(flip.image[None], training=False))[0],
                rtol=1e-5)
    assert flips == 5


def test_a_flip_that_runs_out_of_steps_says_so(trained):
    model, ds = trained.model, trained.dataset
    i = int(np.flatnonzero(model.predict(ds.x_test) == ds.y_test)[0])
    flip = flip_steps(model, ds.x_test[i], (int(ds.y_test[i]) + 1) % 10, epsilon=0.001,
                      steps=2)
    assert not flip.flipped and flip.steps == 2 and len(flip.answers) == 2
    assert flip.largest_change <= 0.002 + 1e-6


def test_the_flip_leaves_the_models_gradients_alone(trained):
    model, ds = trained.model, trained.dataset
    before = [g.copy() for layer in model.layers for g in layer.grads.values()]
    flip_steps(model, ds.x_test[0], 1, epsilon=0.05, steps=3)
    grad_cam(model, ds.x_test[0], 1, layer=spatial_layers(model)[-1])
    after = [g for layer in model.layers for g in layer.grads.values()]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


# -- what a class or a filter responds to ---------------------------------------------------------

def test_class_visualisation_raises_the_class_score_and_is_seeded(trained):
    model = trained.model
    vis = class_visualisation(model, target=4, steps=60, seed=1)
    assert vis.image.shape == model.input_shape and len(vis.objective) == 61
    assert vis.image.min() >= 0 and vis.image.max() <= 1
    assert vis.objective[-1] > vis.objective[0] + 1.0
    x = vis.image[None]
    assert int(model.predict(x)[0]) == 4
    again = class_visualisation(model, target=4, steps=60, seed=1)
    np.testing.assert_array_equal(again.image, vis.image)
    other = class_visualisation(model, target=4, steps=60, seed=2)
    assert not np.array_equal(other.image, vis.image)


def test_filter_visualisation_raises_the_filters_mean_response(trained):
    model = trained.model
    layer = spatial_layers(model)[0]
    vis = class_visualisation(model, layer=layer, channel=2, steps=40, jitter=2, blur=1.0)
    acts = model.activations(vis.image)[layer][1]
    assert vis.objective[-1] == pytest.approx(float(acts[..., 2].mean()), rel=1e-5)
    assert vis.objective[-1] > vis.objective[0]


def test_without_jitter_and_blur_a_class_picture_is_plain_gradient_ascent():
    w = np.zeros((16, 2))
    w[:, 1] = np.linspace(-1, 1, 16)
    model = linear(4, w)
    vis = class_visualisation(model, target=1, steps=1, step_size=0.1, jitter=0, blur=0.0)
    start = (0.5 + 0.05 * np.random.default_rng(0).standard_normal((4, 4, 1))).clip(0, 1)
    grad = w[:, 1].reshape(4, 4, 1)
    np.testing.assert_allclose(vis.image, np.clip(start + 0.1 * grad / np.abs(grad).mean(),
                                                  0, 1))


# -- the receptive box and the unit's input gradient ---------------------------------------------

def _positive(model: Sequential) -> Sequential:
    """All weights positive: every ReLU passes, so a unit's gradient reaches its whole field."""
    for layer, key in model.parameters():
        layer.params[key][:] = np.abs(layer.params[key]) + 0.1
    return model


STACKS = [
    ([Conv2D(2, 3), ReLU(), Conv2D(2, 3)], (12, 12, 1)),
    ([Conv2D(2, 5, padding="same"), ReLU(), AvgPool2D(2), Conv2D(3, 5, padding="same")],
     (16, 16, 1)),
    ([Conv2D(2, (3, 5), stride=2, padding=1), AvgPool2D(3, 2), Conv2D(2, 3, stride=(1, 2))],
     (23, 21, 2)),
    ([Conv2D(2, 3, padding="same"), AvgPool2D(2, padding="same"), Conv2D(2, 3, stride=2)],
     (15, 15, 1)),
]


@pytest.mark.parametrize(("layers", "shape"), STACKS)
def test_the_receptive_box_is_the_support_of_the_units_input_gradient(rng, layers, shape):
    model = _positive(Sequential(layers, input_shape=shape, dtype=np.float64))
    x = rng.random(shape) + 0.1
    for li in spatial_layers(model):
        h, w, c = model.layers[li].output_shape
        for r, col in {(0, 0), (h - 1, w - 1), (h // 2, w // 3), (0, w - 1)}:
            box = unit_receptive_box(model, li, r, col)
            grad = unit_gradient(model, x, li, r, col, c - 1)
            rows = np.flatnonzero(np.abs(grad).sum(axis=(1, 2)))
            cols = np.flatnonzero(np.abs(grad).sum(axis=(0, 2)))
            inside = box.clipped(shape[:2])
            assert (rows[0], rows[-1], cols[0], cols[-1]) == (
                inside.top, inside.bottom, inside.left, inside.right), (li, r, col)
            assert (np.abs(grad).sum(axis=2)[inside.top:inside.bottom + 1,
                                              inside.left:inside.right + 1] > 0).all()


def test_the_box_has_receptive_fields_size_and_reaches_into_the_padding():
    model = Sequential([Conv2D(2, 5, padding="same"), ReLU(), MaxPool2D(2),
                        Conv2D(2, 5, padding="same"), MaxPool2D(2)], input_shape=(28, 28, 1))
    size, jump = receptive_field([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)])[-1]
    box = unit_receptive_box(model, 4, 0, 6)
    assert box.size == (size, size) == (16, 16) and jump == 4
    assert box == (-6, 18, 9, 33)  # 2 + 2 * 2 rows of padding before; 6 * 4 - 6 = 18
    assert box.clipped((28, 28)) == (0, 18, 9, 27)


def test_with_max_pooling_the_gradient_stays_inside_the_box(rng):
    model = example()
    x = rng.random((28, 28, 1))
    for li in spatial_layers(model):
        h, w, c = model.layers[li].output_shape
        for r, col in ((0, 0), (h - 1, w - 1), (h // 2, w // 2)):
            box = unit_receptive_box(model, li, r, col).clipped((28, 28))
            grad = np.abs(unit_gradient(model, x, li, r, col, 0))[..., 0]
            outside = grad.copy()
            outside[box.top:box.bottom + 1, box.left:box.right + 1] = 0
            assert not outside.any()


def test_unit_gradient_matches_torch(rng):
    torch = pytest.importorskip("torch")
    model = example()
    net = to_torch(model, torch)
    x = rng.random((28, 28, 1))
    xt = torch.tensor(x.transpose(2, 0, 1)[None].copy(), requires_grad=True)
    out = net[:4](xt)  # conv, relu, pool, conv: layer 3
    out[0, 5, 4, 6].backward()  # (N, C, H, W): channel 5, row 4, col 6
    np.testing.assert_allclose(unit_gradient(model, x, 3, 4, 6, 5),
                               xt.grad.numpy()[0].transpose(1, 2, 0), rtol=1e-8, atol=1e-14)


# -- costs and checks ------------------------------------------------------------------------------

def test_forward_macs_counts_convolutions_dense_layers_and_pool_windows():
    model = example()
    # conv 26x26x8 of 3x3x1, pool 13x13x8 of 4, conv 11x11x16 of 3x3x8, pool 5x5x16 of 4,
    # dense 400 -> 10
    want = 26 * 26 * 8 * 9 + 13 * 13 * 8 * 4 + 11 * 11 * 16 * 72 + 5 * 5 * 16 * 4 + 4000
    assert forward_macs(model) == want
    one = attribution_cost(model, forward=100)
    assert attribution_cost(model, forward=200).seconds > one.seconds
    assert attribution_cost(model, backward=100).seconds > one.seconds  # 3 passes each
    big = model_from_preset("seed004", (28, 28, 1), 10)
    assert not attribution_cost(big, forward=10_000).fits


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: occlusion(m, x, 10, patch=2, stride=2), ValueError,
     "`target` must be a class in 0..9, got 10"),
    (lambda m, x: occlusion(m, x, 0, patch=29, stride=2), ValueError,
     "`patch` must be 1 to 28 pixels, got 29"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=4), ValueError,
     r"`stride` must be 1 to the patch's side \(3\), got 4"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=0), ValueError, "`stride`"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=1, fill="grey"), TypeError, "`fill`"),
    (lambda m, x: occlusion(m, x[None], 0, patch=3, stride=1), ValueError,
     r"`x` must be one image of shape \(28, 28, 1\)"),
    (lambda m, x: grad_cam(m, x, 0, layer=7), ValueError,
     "`layer` must be the index of a layer with feature maps \\(0, 1, 2, 3, 4, 5\\), got 7"),
    (lambda m, x: grad_cam(object(), x, 0, layer=0), TypeError, "`model` must be"),
    (lambda m, x: flip_steps(m, x, 1, epsilon=0, steps=3), ValueError,
     r"`epsilon` must be a number in \(0, 1\], got 0"),
    (lambda m, x: flip_steps(m, x, 1, epsilon=0.1, steps=501), ValueError,
     "`steps` must be 1 to 500, got 501"),
    (lambda m, x: class_visualisation(m), ValueError, "give either `target`"),
    (lambda m, x: class_visualisation(m, target=1, layer=0, channel=0), ValueError,
     "give either `target`"),
    (lambda m, x: class_visualisation(m, layer=0), ValueError, "`layer` and `channel`"),
    (lambda m, x: class_visualisation(m, layer=0, channel=8), ValueError,
     "`channel` must be 0 to 7, got 8"),
    (lambda m, x: class_visualisation(m, target=1, jitter=9), ValueError, "`jitter`"),
    (lambda m, x: class_visualisation(m, target=1, blur=-1), ValueError, "`blur`"),
    (lambda m, x: unit_receptive_box(m, 3, 11, 0), ValueError,
     r"\(`row`, `col`\) must lie in the layer's 11x11 maps, got \(11, 0\)"),
    (lambda m, x: unit_gradient(m, x, 0, 0, 0, 8), ValueError, "`channel`\\) must lie"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
