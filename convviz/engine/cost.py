"""What a layer costs: its parameters (weights and biases) and its multiply-adds.

A convolution with a ``kh x kw`` kernel, ``c_in`` input and ``c_out`` output channels in
``groups`` groups has ``c_out`` filters, each with ``c_in // groups`` slices:

    params = kh * kw * (c_in // groups) * c_out  (+ c_out biases)
    MACs   = out_h * out_w * kh * kw * (c_in // groups) * c_out

One multiply-add (MAC) is one kernel tap times one input value added to a sum; the bias
additions are not counted (the usual convention, as in the "FLOPs" tables of papers, where
one MAC is two FLOPs). A Dense layer from ``n_in`` values to ``units`` units is a 1x1
convolution on one position: ``n_in * units`` weights (+ ``units`` biases) and as many MACs.
``groups = c_in`` is a depthwise convolution (each channel filtered on its own), with
``c_in`` times fewer weights than the standard one.

Examples
--------
>>> conv_params(3, 3, 1, 32), conv_macs(26, 26, 3, 3, 1, 32)
(320, 194688)
>>> conv_params(3, 3, 32, 32, groups=32)  # depthwise: one 3x3 slice per filter
320
"""

from __future__ import annotations

from convviz.base.checks import check_int

__all__ = ["conv_macs", "conv_params", "dense_macs", "dense_params"]


def _per_group(c_in: int, c_out: int, groups: int) -> int:
    """The input channels each filter reads, after checking ``groups`` divides both."""
    for name, value in (("c_in", c_in), ("c_out", c_out)):
        if value % groups:
            raise ValueError(f"`groups` must divide `{name}` ({value}), got {groups}: each "
                             "group needs a whole number of input channels and of filters")
    return c_in // groups


def _bias(bias: bool) -> bool:
    if not isinstance(bias, bool):
        raise TypeError(f"`bias` must be True or False, got {bias!r}")
    return bias


def conv_params(kh: int, kw: int, c_in: int, c_out: int, groups: int = 1,
                bias: bool = True) -> int:
    """The parameters of a (grouped) 2-D convolution layer.

    Parameters
    ----------
    kh, kw : int >= 1
        Kernel height and width.
    c_in, c_out : int >= 1
        Input channels and filters (output channels); both divisible by ``groups``.
    groups : int >= 1, default 1
        1 is a standard convolution, ``c_in`` a depthwise one.
    bias : bool, default True
        One bias per filter.

    Returns
    -------
    int
        ``kh * kw * (c_in // groups) * c_out`` (+ ``c_out`` with a bias): what
        ``sum(p.numel() for p in torch.nn.Conv2d(c_in, c_out, (kh, kw), groups=groups,
        bias=bias).parameters())`` counts.

    Raises
    ------
    TypeError, ValueError
        Naming the argument (``groups`` when it does not divide ``c_in`` or ``c_out``).

    Examples
    --------
    >>> conv_params(5, 5, 32, 64)
    51264
    >>> conv_params(3, 3, 6, 6, groups=3, bias=False)  # 6 filters of 2 slices
    108
    """
    kh, kw = check_int(kh, "kh", minimum=1), check_int(kw, "kw", minimum=1)
    c_in, c_out = check_int(c_in, "c_in", minimum=1), check_int(c_out, "c_out", minimum=1)
    groups = check_int(groups, "groups", minimum=1)
    weights = kh * kw * _per_group(c_in, c_out, groups) * c_out
    return weights + (c_out if _bias(bias) else 0)


def conv_macs(out_h: int, out_w: int, kh: int, kw: int, c_in: int, c_out: int,
              groups: int = 1) -> int:
    """The multiply-adds of a (grouped) 2-D convolution producing an ``out_h x out_w`` map.

    Parameters
    ----------
    out_h, out_w : int >= 1
        The output's spatial size (from the convolution itself: stride, padding and
        dilation are already in it).
    kh, kw, c_in, c_out, groups : int >= 1
        As in :func:`conv_params`.

    Returns
    -------
    int
        ``out_h * out_w * kh * kw * (c_in // groups) * c_out``: one per kernel tap per
        output value (biases not counted).

    Examples
    --------
    >>> conv_macs(28, 28, 5, 5, 1, 32)
    627200
    >>> conv_macs(4, 4, 3, 3, 8, 8, groups=8)  # depthwise: 9 taps per output value
    1152
    """
    out_h = check_int(out_h, "out_h", minimum=1)
    out_w = check_int(out_w, "out_w", minimum=1)
    kh, kw = check_int(kh, "kh", minimum=1), check_int(kw, "kw", minimum=1)
    c_in, c_out = check_int(c_in, "c_in", minimum=1), check_int(c_out, "c_out", minimum=1)
    groups = check_int(groups, "groups", minimum=1)
    return out_h * out_w * kh * kw * _per_group(c_in, c_out, groups) * c_out


def dense_params(n_in: int, units: int, bias: bool = True) -> int:
    """The parameters of a Dense (fully connected) layer: ``n_in * units`` (+ ``units``).

    Examples
    --------
    >>> dense_params(576, 64)
    36928
    """
    n_in, units = check_int(n_in, "n_in", minimum=1), check_int(units, "units", minimum=1)
    return n_in * units + (units if _bias(bias) else 0)


def dense_macs(n_in: int, units: int) -> int:
    """The multiply-adds of a Dense layer on one vector: ``n_in * units``.

    Examples
    --------
    >>> dense_macs(576, 64)
    36864
    """
    n_in, units = check_int(n_in, "n_in", minimum=1), check_int(units, "units", minimum=1)
    return n_in * units
