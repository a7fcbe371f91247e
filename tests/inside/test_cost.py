"""What a look inside costs (convviz.inside.cost): the multiply-adds of a forward pass, and
seconds that grow with the passes."""

from __future__ import annotations

from convviz.inside.cost import attribution_cost, forward_macs
from convviz.nn.presets import model_from_preset
from inside.models import example


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

