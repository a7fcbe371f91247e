"""Channels and groups: standard, grouped, depthwise, pointwise (1x1) and depthwise-separable
convolutions, each run by :func:`convviz.conv2d` on the page's input and counted by
:mod:`convviz.engine.cost`, with the formulas written out with their numbers.

Everything here is pure: the output shapes come from running the convolution, never from a
formula, and the counts from the cost functions.

Examples
--------
>>> x = channels_input(np.ones((7, 7)), 4)
>>> c = conv_cost(x, np.ones((3, 3)), c_out=4, groups=2, geo={})
>>> c.kind, c.out_shape, c.params, c.macs
('grouped', (5, 5, 4), 76, 1800)
>>> c.params_text
'3×3×(4 / 2)×4 + 4 = 3×3×2×4 + 4 = 76'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.conv import conv2d
from convviz.engine.cost import conv_macs, conv_params

__all__ = ["ConvCost", "Separable", "channels_input", "conv_cost", "group_choices",
           "groups_not_offered", "kind_of", "separable"]


def kind_of(groups: int, c_in: int) -> str:
    """``"standard"`` (groups 1), ``"depthwise"`` (groups = C_in > 1) or ``"grouped"``.

    >>> kind_of(1, 4), kind_of(2, 4), kind_of(4, 4)
    ('standard', 'grouped', 'depthwise')
    """
    if groups == 1:
        return "standard"
    return "depthwise" if groups == c_in else "grouped"


def group_choices(c_in: int, c_out: int) -> list[int]:
    """The groups a convolution from ``c_in`` to ``c_out`` channels can have: the numbers
    that divide both.

    >>> group_choices(6, 4)
    [1, 2]
    >>> group_choices(4, 8)
    [1, 2, 4]
    """
    c_in, c_out = check_int(c_in, "c_in", minimum=1), check_int(c_out, "c_out", minimum=1)
    return [g for g in range(1, min(c_in, c_out) + 1) if c_in % g == 0 and c_out % g == 0]


def groups_not_offered(c_in: int, c_out: int) -> str | None:
    """Why the numbers from 2 to ``c_in`` that are not in :func:`group_choices` are not,
    or None when every one is offered.

    >>> groups_not_offered(6, 4).split("; ")[0]
    'Not offered: 3 and 6 divide the 6 input channels but not the 4 filters'
    >>> groups_not_offered(6, 4).split("; ")[1]
    '4 and 5 do not divide the 6 input channels. Each group needs a whole number of \
channels and of filters.'
    >>> groups_not_offered(2, 2) is None
    True
    """
    offered = set(group_choices(c_in, c_out))
    missing = [g for g in range(2, c_in + 1) if g not in offered]
    if not missing:
        return None
    not_out = [g for g in missing if c_in % g == 0]
    not_in = [g for g in missing if c_in % g]

    def words(gs: list[int]) -> str:
        return ", ".join(map(str, gs[:-1])) + " and " + str(gs[-1]) if len(gs) > 1 \
            else str(gs[0])

    parts = []
    if not_out:
        verb = "divide" if len(not_out) > 1 else "divides"
        parts.append(f"{words(not_out)} {verb} the {c_in} input channels but not the "
                     f"{c_out} filters")
    if not_in:
        verb = "do not divide" if len(not_in) > 1 else "does not divide"
        parts.append(f"{words(not_in)} {verb} the {c_in} input channels")
    return ("Not offered: " + "; ".join(parts) + ". Each group needs a whole number of "
            "channels and of filters.")


def channels_input(x: Any, c_in: int) -> np.ndarray:
    """The page's input as ``c_in`` channels, (H, W, c_in): a 2-D grid repeated in every
    channel, an (H, W, C) image's channels taken in turn.

    >>> channels_input(np.arange(4.0).reshape(2, 2), 3).shape
    (2, 2, 3)
    >>> channels_input(np.ones((2, 2, 3)) * [1, 2, 3], 4)[0, 0].tolist()
    [1.0, 2.0, 3.0, 1.0]
    """
    c_in = check_int(c_in, "c_in", minimum=1)
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3:
        raise ValueError(f"`x` must be (H, W) or (H, W, C), got shape {arr.shape}")
    return arr[..., [i % arr.shape[-1] for i in range(c_in)]]


@dataclass(frozen=True)
class ConvCost:
    """One convolution run on the input: its output shape and what it costs."""

    kind: str
    kh: int
    kw: int
    c_in: int
    c_out: int
    groups: int
    out_shape: tuple[int, int, int]
    params: int
    macs: int

    @property
    def params_text(self) -> str:
        """``kH×kW×(C_in / groups)×C_out + C_out`` with the numbers put in."""
        kh, kw, c, f, g = self.kh, self.kw, self.c_in, self.c_out, self.groups
        per = f"({c} / {g})×" if g > 1 else ""
        return (f"{kh}×{kw}×{per}{f} + {f} = " if g > 1 else "") + \
            f"{kh}×{kw}×{c // g}×{f} + {f} = {self.params:,}"

    @property
    def macs_text(self) -> str:
        """``H'×W'×kH×kW×(C_in / groups)×C_out`` with the numbers put in."""
        oh, ow = self.out_shape[:2]
        return (f"{oh}×{ow}×{self.kh}×{self.kw}×{self.c_in // self.groups}×{self.c_out} = "
                f"{self.macs:,}")


def conv_cost(x: np.ndarray, kernel2d: Any, *, c_out: int, groups: int,
              geo: Mapping[str, Any]) -> ConvCost:
    """Run ``conv2d(x, kernel, groups=groups, **geo)`` with ``c_out`` filters whose every
    slice is ``kernel2d`` and count the result.

    Parameters
    ----------
    x : ndarray, shape (H, W, C_in)
    kernel2d : array_like, shape (kH, kW)
    c_out, groups : int
    geo : mapping
        stride, padding, dilation, padding_mode, flip: as :func:`convviz.conv2d` takes them.

    Returns
    -------
    ConvCost

    Raises
    ------
    ValueError, TypeError
        From :func:`convviz.conv2d` (``groups`` that does not divide, a kernel that does
        not fit).
    """
    k2 = np.asarray(kernel2d, dtype=np.float64)
    if k2.ndim != 2:
        raise ValueError(f"`kernel2d` must be (kH, kW), got shape {k2.shape}")
    c_in = x.shape[-1]
    c_out = check_int(c_out, "c_out", minimum=1)
    groups = check_int(groups, "groups", minimum=1)
    if c_in % groups:
        raise ValueError(f"`groups` must divide the {c_in} input channels, got {groups}")
    kernel = np.broadcast_to(k2[:, :, None, None], (*k2.shape, c_in // groups, c_out))
    out = conv2d(x, kernel, groups=groups, **geo)  # (H', W', C_out): the shape it makes
    kh, kw = k2.shape
    oh, ow, f = out.shape
    return ConvCost(kind_of(groups, c_in), kh, kw, c_in, f, groups, (oh, ow, f),
                    conv_params(kh, kw, c_in, f, groups=groups),
                    conv_macs(oh, ow, kh, kw, c_in, f, groups=groups))


@dataclass(frozen=True)
class Separable:
    """A depthwise kH x kW convolution then a pointwise 1x1 one, beside the standard
    convolution with the same input, kernel size and output."""

    depthwise: ConvCost
    pointwise: ConvCost
    standard: ConvCost

    @property
    def params(self) -> int:
        return self.depthwise.params + self.pointwise.params

    @property
    def macs(self) -> int:
        return self.depthwise.macs + self.pointwise.macs

    @property
    def params_ratio(self) -> float:
        """Separable parameters over standard parameters."""
        return self.params / self.standard.params

    @property
    def macs_ratio(self) -> float:
        return self.macs / self.standard.macs


def separable(x: np.ndarray, kernel2d: Any, *, c_out: int,
              geo: Mapping[str, Any]) -> Separable:
    """Depthwise-separable versus standard for ``x`` (H, W, C_in), all three run by
    :func:`convviz.conv2d`: depthwise (``groups = C_in``, C_in filters, the page's
    geometry), pointwise 1x1 on its output (C_in to ``c_out``), standard (C_in to
    ``c_out``, the page's geometry).

    Examples
    --------
    >>> s = separable(np.ones((7, 7, 4)), np.ones((3, 3)), c_out=8, geo={})
    >>> s.pointwise.out_shape == s.standard.out_shape, s.params, s.standard.params
    (True, 80, 296)
    """
    c_in = x.shape[-1]
    dw = conv_cost(x, kernel2d, c_out=c_in, groups=c_in, geo=geo)
    mid = np.zeros(dw.out_shape)  # only its shape matters to the 1x1 convolution's count
    pw = conv_cost(mid, np.ones((1, 1)), c_out=c_out, groups=1, geo={})
    pw = replace(pw, kind="pointwise")
    std = conv_cost(x, kernel2d, c_out=c_out, groups=1, geo=geo)
    return Separable(dw, pw, std)
