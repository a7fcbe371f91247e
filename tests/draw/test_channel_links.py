"""The slabs-and-links picture: one line per (filter, slice), coloured by group."""

import re

import pytest

from convviz.draw.channel_links import GROUP_COLORS, links_svg, reads


def _links(svg):
    return re.findall(r'class="link" d="M[\d.]+ ([\d.]+)L[\d.]+ [\d.]+" stroke="(#\w+)"', svg)


@pytest.mark.parametrize(("c_in", "c_out", "groups", "lines"), [
    (4, 4, 1, 16), (4, 4, 2, 8), (4, 4, 4, 4), (6, 12, 6, 12), (12, 12, 12, 12)])
def test_one_line_per_slice(c_in, c_out, groups, lines):
    svg = links_svg(c_in, c_out, groups)
    assert f'data-links="{lines}"' in svg and len(_links(svg)) == lines
    assert svg.count('class="slice"') == lines
    assert {colour for _, colour in _links(svg)} == set(GROUP_COLORS[:groups])


def test_filters_read_their_groups_channels_like_conv2d():
    import numpy as np

    import convviz as cv

    for c_in, c_out, groups in ((4, 2, 2), (2, 4, 2), (6, 6, 3)):
        table = reads(c_in, c_out, groups)
        for ch in range(c_in):  # an impulse in one channel reaches the filters that read it
            x = np.zeros((1, 1, c_in))
            x[0, 0, ch] = 1.0
            out = cv.conv2d(x, np.ones((1, 1, c_in // groups, c_out)), groups=groups)[0, 0]
            assert [f for f in range(c_out) if out[f]] == [
                f for f in range(c_out) if ch in table[f]]


def test_text_is_14_px_and_errors():
    assert 'font-size="14"' in links_svg(2, 2, 1)
    with pytest.raises(ValueError, match="`groups` must divide"):
        links_svg(4, 3, 2)
    with pytest.raises(ValueError, match="`c_in` must be at most 12"):
        links_svg(13, 13, 1)
