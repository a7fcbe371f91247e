"""AppTest runs of the convolution page's "Channels and groups" section: the counts it shows
are conv2d's shapes and the cost functions' numbers (checked against torch), at the defaults
and the extremes; groups that do not divide the channels are not offered and are explained."""

import base64
import re

import numpy as np
import pytest
from apptest import markdown_text, open_page
from streamlit.testing.v1 import AppTest

from convviz.engine.cost import conv_macs, conv_params


def _run(**params: str) -> AppTest:
    at = open_page("pages/convolution.py", params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at: AppTest) -> list[tuple[int, int]]:
    """(parameters, multiply-adds) of the grouped block and of the 1x1 block, as shown."""
    text = markdown_text(at)
    params = [int(v.replace(",", "")) for v in re.findall(r"\*\*Parameters: ([\d,]+)\*\*", text)]
    macs = [int(v.replace(",", "")) for v in re.findall(r"\*\*Multiply-adds: ([\d,]+)\*\*", text)]
    return list(zip(params, macs, strict=True))


def _links(at: AppTest) -> list[int]:
    """How many links each slabs-and-links picture (an SVG image) draws."""
    svgs = [base64.b64decode(i.proto.imgs[0].url.split(",", 1)[1]).decode()
            for i in at.get("image") if i.proto.imgs[0].url.startswith("data:image/svg")]
    return [int(m) for s in svgs for m in re.findall(r'data-links="(\d+)"', s)]


def test_defaults_show_the_standard_convolution_of_four_channels():
    at = _run()
    assert "Channels and groups" in [h.value for h in at.header]
    ctl = at.select_slider(key="conv.groups")
    assert ctl.options == ["1 (standard)", "2 (grouped)", "4 (depthwise)"] and ctl.value == 1
    # the default 7x7 digit and 3x3 Sobel: 5x5 outputs, 4 -> 4 channels
    assert _counts(at) == [(conv_params(3, 3, 4, 4), conv_macs(5, 5, 3, 3, 4, 4)),
                           (conv_params(1, 1, 4, 4), conv_macs(7, 7, 1, 1, 4, 4))]
    assert _counts(at)[0] == (148, 3600)
    assert _links(at) == [16, 16]  # every filter slice linked to its channel
    text = markdown_text(at)
    assert "torch.nn.Conv2d(4, 4, kernel_size=(3, 3), groups=1)" in [c.value for c in at.code]
    # depthwise 3x3x4 + 4 = 40 and 5x5x9x4 = 900; pointwise 4x4 + 4 = 20 and 5x5x16 = 400
    assert "| **depthwise-separable** | **60** | **1,300** |" in text
    assert "1/4 + 1/9 = 0.361" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(("groups", "links"), [(2, 8), (4, 4)])
def test_the_groups_control_changes_the_counts_and_the_links(groups, links):
    torch = pytest.importorskip("torch")
    at = _run()
    at.select_slider(key="conv.groups").set_value(groups).run()
    assert not at.exception
    layer = torch.nn.Conv2d(4, 4, 3, groups=groups)
    params, macs = _counts(at)[0]
    assert params == sum(p.numel() for p in layer.parameters())
    assert macs == layer.weight.numel() * 5 * 5
    assert _links(at)[0] == links
    assert at.query_params["conv.groups"] == str(groups)


def test_groups_that_do_not_divide_are_not_offered_and_explained():
    at = _run(**{"conv.g_cin": "6", "conv.g_cout": "4"})
    assert at.select_slider(key="conv.groups").options == ["1 (standard)", "2 (grouped)"]
    captions = " ".join(c.value for c in at.caption)
    assert "3 and 6 divide the 6 input channels but not the 4 filters" in captions
    assert "4 and 5 do not divide the 6 input channels" in captions


def test_a_link_with_groups_that_no_longer_divide_falls_to_the_nearest_below():
    at = _run(**{"conv.g_cin": "6", "conv.g_cout": "6", "conv.groups": "5"})
    assert at.select_slider(key="conv.groups").value == 3
    assert _counts(at)[0] == (conv_params(3, 3, 6, 6, groups=3),
                              conv_macs(5, 5, 3, 3, 6, 6, groups=3))
    at.slider(key="conv.g_cout").set_value(4).run()  # 3 does not divide 4: down to 2
    assert not at.exception and at.select_slider(key="conv.groups").value == 2


@pytest.mark.parametrize("params", [
    {"conv.g_cin": "12", "conv.g_cout": "12", "conv.groups": "12"},
    {"conv.g_cin": "1", "conv.g_cout": "1"},
    {"conv.g_cin": "7", "conv.g_cout": "5"},
    {"conv.mode": "rgb", "conv.g_cin": "12", "conv.g_cout": "1", "conv.stride": "4",
     "conv.dil": "3", "conv.x": ";".join([",".join(["1"] * 12)] * 12)},
])
def test_extremes_render(params):
    at = _run(**params)
    assert not at.error
    c_in, c_out = int(params["conv.g_cin"]), int(params["conv.g_cout"])
    assert len(_counts(at)) == 2 and _links(at)[1] == c_in * c_out
    if c_in % 2 and c_out % c_in:  # nothing but 1 divides both: no slider, a sentence
        assert not at.get("select_slider") or all(
            s.key != "conv.groups" for s in at.select_slider)
        assert "1 only" in markdown_text(at)


def test_a_kernel_that_does_not_fit_gives_no_counts_and_no_second_error():
    grid = ";".join([",".join(["1"] * 7)] * 7)
    at = _run(**{"conv.dil": "3", "conv.x": ";".join([",".join(["1"] * 5)] * 5),
                 "conv.kname": "custom", "conv.k": grid})
    assert len(at.error) == 1  # the page's own
    assert any("No counts with these settings" in i.value for i in at.info)
    assert not _counts(at)


def test_counts_follow_the_pages_geometry():
    at = _run(**{"conv.stride": "2", "conv.pad_kind": "same"})  # 7x7, stride 2: 4x4 out
    assert _counts(at)[0] == (148, conv_macs(4, 4, 3, 3, 4, 4))
    assert np.ceil(7 / 2) == 4
