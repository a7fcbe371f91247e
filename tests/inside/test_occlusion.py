"""Occlusion (convviz.inside.occlusion) against PyTorch with the same weights and against a
hand-made case; the patch positions cover every pixel."""

from __future__ import annotations

import numpy as np
import pytest
from nn.test_model import to_torch

from convviz.inside.occlusion import occlusion, occlusion_positions
from inside.models import example, linear


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


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda m, x: occlusion(m, x, 0, patch=29, stride=2), ValueError,
     "`patch` must be 1 to 28 pixels, got 29"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=4), ValueError,
     r"`stride` must be 1 to the patch's side \(3\), got 4"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=0), ValueError, "`stride`"),
    (lambda m, x: occlusion(m, x, 0, patch=3, stride=1, fill="grey"), TypeError, "`fill`"),
])
def test_arguments_are_checked(call, error, match):
    model = example()
    with pytest.raises(error, match=match):
        call(model, np.zeros((28, 28, 1)))
