"""Channels and groups: shapes from running conv2d, counts against torch, the separable ratio,
the groups offered and why the others are not."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.groups import (
    channels_input,
    conv_cost,
    group_choices,
    groups_not_offered,
    kind_of,
    separable,
)


@settings(max_examples=30, deadline=None)
@given(c_in=st.integers(1, 8), c_out=st.integers(1, 8), k=st.integers(1, 4),
       stride=st.integers(1, 3), side=st.integers(5, 9), data=st.data())
def test_counts_and_shape_match_torch(c_in, c_out, k, stride, side, data):
    torch = pytest.importorskip("torch")
    groups = data.draw(st.sampled_from(group_choices(c_in, c_out)))
    x = channels_input(np.arange(side * side, dtype=float).reshape(side, side), c_in)
    cost = conv_cost(x, np.ones((k, k)), c_out=c_out, groups=groups,
                     geo={"stride": stride, "padding": 1})
    layer = torch.nn.Conv2d(c_in, c_out, k, stride=stride, padding=1, groups=groups)
    out = layer(torch.zeros(1, c_in, side, side))
    assert cost.params == sum(p.numel() for p in layer.parameters())
    assert cost.out_shape == (out.shape[2], out.shape[3], out.shape[1])
    # one multiply-add per weight per output position
    assert cost.macs == layer.weight.numel() * out.shape[2] * out.shape[3]


def test_texts_put_the_numbers_in():
    x = channels_input(np.ones((7, 7)), 6)
    c = conv_cost(x, np.ones((3, 3)), c_out=6, groups=3, geo={})
    assert (c.kind, c.out_shape) == ("grouped", (5, 5, 6))
    assert c.params_text == "3×3×(6 / 3)×6 + 6 = 3×3×2×6 + 6 = 114"
    assert c.macs_text == "5×5×3×3×2×6 = 2,700"
    std = conv_cost(x, np.ones((3, 3)), c_out=6, groups=1, geo={})
    assert std.params_text == "3×3×6×6 + 6 = 330" and std.kind == "standard"
    assert conv_cost(x, np.ones((3, 3)), c_out=6, groups=6, geo={}).kind == "depthwise"


def test_separable_against_torch_and_the_exact_mac_ratio():
    torch = pytest.importorskip("torch")
    x = channels_input(np.ones((9, 9)), 8)
    s = separable(x, np.ones((3, 3)), c_out=12, geo={"stride": 2, "padding": "same"})
    assert s.depthwise.out_shape == (5, 5, 8) and s.pointwise.out_shape == (5, 5, 12)
    assert s.standard.out_shape == s.pointwise.out_shape
    dw = torch.nn.Conv2d(8, 8, 3, groups=8)
    pw = torch.nn.Conv2d(8, 12, 1)
    std = torch.nn.Conv2d(8, 12, 3)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert s.params == count(dw) + count(pw) and s.standard.params == count(std)
    assert s.macs_ratio == pytest.approx(1 / 12 + 1 / 9)
    assert s.params_ratio == pytest.approx((count(dw) + count(pw)) / count(std))


def test_groups_offered_divide_both_and_the_rest_are_explained():
    assert group_choices(6, 4) == [1, 2]
    assert group_choices(12, 12) == [1, 2, 3, 4, 6, 12]
    why = groups_not_offered(6, 4)
    assert "3 and 6 divide the 6 input channels but not the 4 filters" in why
    assert "4 and 5 do not divide the 6 input channels" in why
    assert groups_not_offered(5, 10) == ("Not offered: 2, 3 and 4 do not divide the 5 input "
                                         "channels. Each group needs a whole number of "
                                         "channels and of filters.")
    assert groups_not_offered(1, 3) is None
    for g in range(2, 7):  # what is not offered, conv2d refuses
        if g not in group_choices(6, 4):
            with pytest.raises(ValueError, match="groups"):
                conv_cost(channels_input(np.ones((5, 5)), 6), np.ones((3, 3)), c_out=4,
                          groups=g, geo={})


def test_kinds_and_the_input_channels():
    assert [kind_of(g, 4) for g in (1, 2, 4)] == ["standard", "grouped", "depthwise"]
    rgb = np.stack([np.full((3, 3), v) for v in (1.0, 2.0, 3.0)], axis=-1)
    assert channels_input(rgb, 5)[0, 0].tolist() == [1, 2, 3, 1, 2]
    with pytest.raises(ValueError, match="`x` must be"):
        channels_input(np.ones(3), 2)
