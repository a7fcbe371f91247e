"""Which input channels each filter reads, as an SVG picture of slabs and links.

Input channels are slabs on the left, filters in the middle (one small square per slice,
``C_in / groups`` of them), their feature maps on the right. A line links each input
channel to every filter slice that reads it; channels, slices and lines take the colour
of their group (:data:`GROUP_COLORS`, with a legend), so ``groups=1`` (standard: every
filter reads every channel), grouped and depthwise (``groups = C_in``: one channel per
filter) look as different as they are. The page puts the SVG in the document
(``st.html``): its labels stay real 14 px text, and a browser test reads
``data-links`` (how many lines) and ``data-groups`` on the ``<svg>``.

Examples
--------
>>> svg = links_svg(4, 4, 2)
>>> 'data-links="8"' in svg, 'data-groups="2"' in svg
(True, True)
"""

from __future__ import annotations

from html import escape

from convviz.base.checks import check_int

__all__ = ["GROUP_COLORS", "MAX_CHANNELS", "links_svg", "reads"]

#: One colour per group (up to 12, distinct on a projector).
GROUP_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939")
MAX_CHANNELS = 12  #: the most input channels or filters drawn
_FONT = 14
_ROW = 30  # px per slab row
_SLAB_W, _SLAB_H = 96, 22
_SLICE, _SLICE_GAP = 14, 3


def reads(c_in: int, c_out: int, groups: int) -> list[list[int]]:
    """For each filter, the input channels (0-based) it reads.

    Filter ``f`` is in group ``f // (c_out // groups)`` and reads that group's
    ``c_in // groups`` channels, in order (as PyTorch's and convviz's ``conv2d`` do).

    >>> reads(4, 2, 2)
    [[0, 1], [2, 3]]
    >>> reads(2, 4, 2)  # depthwise with two filters per channel
    [[0], [0], [1], [1]]
    """
    c_in, c_out = check_int(c_in, "c_in", minimum=1), check_int(c_out, "c_out", minimum=1)
    groups = check_int(groups, "groups", minimum=1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"`groups` must divide `c_in` ({c_in}) and `c_out` ({c_out}), "
                         f"got {groups}")
    per_in, per_out = c_in // groups, c_out // groups
    return [[(f // per_out) * per_in + j for j in range(per_in)] for f in range(c_out)]


def links_svg(c_in: int, c_out: int, groups: int, *, slice_text: str = "",
              title: str = "") -> str:
    """The slabs-and-links picture of a convolution's channels.

    Parameters
    ----------
    c_in, c_out : int, 1 to :data:`MAX_CHANNELS`
        Input channels and filters.
    groups : int
        Divides both.
    slice_text : str
        What a slice is, under the filters' heading (``"3×3"``).
    title : str
        A line above the picture.

    Returns
    -------
    str
        ``<svg ...>...</svg>``.
    """
    table = reads(c_in, c_out, groups)
    for name, value in (("c_in", c_in), ("c_out", c_out)):
        if value > MAX_CHANNELS:
            raise ValueError(f"`{name}` must be at most {MAX_CHANNELS} to draw, got {value}")
    per_in, per_out = c_in // groups, c_out // groups
    color = [GROUP_COLORS[g % len(GROUP_COLORS)] for g in range(groups)]
    pad = 10
    head = pad + (_FONT + 10 if title else 0)
    legend_y = head
    top = legend_y + _FONT + 30  # below the legend and the column headings
    rows = max(c_in, c_out)
    height = top + rows * _ROW + pad

    def row_y(i: int, n: int) -> float:  # centre the shorter column
        return top + (rows - n) * _ROW / 2 + i * _ROW

    x_in = pad
    x_f = x_in + _SLAB_W + 150  # the filters' slices start here
    slices_w = per_in * (_SLICE + _SLICE_GAP)
    x_lab = x_f + slices_w + 8  # "filter f" after its slices
    x_out = max(x_lab + 90, x_f + 175)  # room for the arrow and the headings
    width = x_out + _SLAB_W + pad
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
             f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'class="convviz-links" data-links="{c_out * per_in}" data-groups="{groups}" '
             f'font-family="sans-serif" font-size="{_FONT}">']
    if title:
        parts.append(f'<text x="{pad}" y="{pad + _FONT}" font-weight="bold">'
                     f'{escape(title)}</text>')
    # legend: colour = group
    lx = pad
    parts.append(f'<text x="{lx}" y="{legend_y + _FONT}">colour = group:</text>')
    lx += 110
    for g in range(groups):
        parts.append(f'<rect x="{lx}" y="{legend_y + 2}" width="{_FONT}" height="{_FONT}" '
                     f'fill="{color[g]}"/><text x="{lx + _FONT + 4}" y="{legend_y + _FONT}">'
                     f'{g + 1}</text>')
        lx += _FONT + 12 + 9 * len(str(g + 1))
    hy = top - 10
    slices = f" ({escape(slice_text)} slices)" if slice_text else ""
    parts.append(f'<text x="{x_in}" y="{hy}">input channels</text>'
                 f'<text x="{x_f}" y="{hy}">filters{slices}</text>'
                 f'<text x="{x_out}" y="{hy}">feature maps</text>')
    lines = []
    for f, chans in enumerate(table):
        g = f // per_out
        fy = row_y(f, c_out)
        for j, ch in enumerate(chans):
            iy = row_y(ch, c_in) + _SLAB_H / 2
            sx = x_f + j * (_SLICE + _SLICE_GAP) + _SLICE / 2
            lines.append(f'<path class="link" d="M{x_in + _SLAB_W} {iy:.1f}L{sx:.1f} '
                         f'{fy + (_SLAB_H - _SLICE) / 2:.1f}" stroke="{color[g]}" '
                         'stroke-width="1.5" fill="none" stroke-opacity="0.8"/>')
    parts += lines
    for ch in range(c_in):
        g = ch // per_in
        iy = row_y(ch, c_in)
        parts.append(f'<rect x="{x_in}" y="{iy:.1f}" width="{_SLAB_W}" height="{_SLAB_H}" '
                     f'rx="3" fill="{color[g]}" fill-opacity="0.25" stroke="{color[g]}"/>'
                     f'<text x="{x_in + 8}" y="{iy + _SLAB_H - 6:.1f}">channel {ch + 1}</text>')
    for f in range(c_out):
        g = f // per_out
        fy = row_y(f, c_out)
        for j in range(per_in):
            sx = x_f + j * (_SLICE + _SLICE_GAP)
            parts.append(f'<rect class="slice" x="{sx}" y="{fy + (_SLAB_H - _SLICE) / 2:.1f}" '
                         f'width="{_SLICE}" height="{_SLICE}" fill="{color[g]}"/>')
        parts.append(f'<text x="{x_lab}" y="{fy + _SLAB_H - 6:.1f}">filter {f + 1}</text>'
                     f'<path d="M{x_lab + 60} {fy + _SLAB_H / 2:.1f}H{x_out - 4}" '
                     'stroke="#555" stroke-width="1.5"/>'
                     f'<rect x="{x_out}" y="{fy:.1f}" width="{_SLAB_W}" height="{_SLAB_H}" '
                     f'rx="3" fill="#ffffff" stroke="{color[g]}" stroke-width="1.5"/>'
                     f'<text x="{x_out + 8}" y="{fy + _SLAB_H - 6:.1f}">map {f + 1}</text>')
    parts.append("</svg>")
    return "".join(parts)
