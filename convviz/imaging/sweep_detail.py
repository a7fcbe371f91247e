"""The numbers of one window of a sweep: its pixels, the kernel, the products and their sum.

:func:`window_detail` takes them from :meth:`ConvPlan.step` (the engine's numbers);
:func:`window_detail_payload` sends them to the browser's grid view (what the image page
shows: every number at 12 px or more, a legend under every grid) and
:func:`render_window_detail` draws them as a picture, per channel for an RGB sweep.

>>> from convviz.imaging.sweep import sweep_plan
>>> p = sweep_plan(np.arange(25.0).reshape(5, 5) / 24, np.ones((3, 3)), padding="valid")
>>> float(window_detail(p, (0, 0)).value) == float(p.fmap[0, 0])
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.draw import numbers
from convviz.draw import render as R
from convviz.draw.grid_data import PAD, diverging_legend, grid_panel
from convviz.draw.static_grids import gray_panel, static_payload
from convviz.imaging.sweep import SweepPlan

__all__ = ["WindowDetail", "render_window_detail", "window_detail", "window_detail_payload"]

_CAPTION = 16  # the grids' caption size (px): the signs between them are centred below it


@dataclass(frozen=True)
class WindowDetail:
    """Every number of one window position, from :meth:`ConvPlan.step`.

    Attributes
    ----------
    position : (row, col)
        The output cell.
    patch, products : ndarray, shape (kH, kW) or (kH, kW, 3)
    kernel : ndarray, shape like ``patch`` (as applied, after any flip)
    pad_mask : ndarray of bool, shape (kH, kW)
        Taps that fall on padding.
    value : float
        ``products.sum()``: the feature map's value at ``position``.
    channel_sums : ndarray, shape (3,), or None
    """

    position: tuple[int, int]
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    pad_mask: np.ndarray
    value: float
    channel_sums: np.ndarray | None


def window_detail(plan: SweepPlan, position: Any) -> WindowDetail:
    """The numbers of one window: ``position`` is an output (row, col), or a frame index.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.arange(25.0).reshape(5, 5) / 24, np.ones((3, 3)), padding="valid")
    >>> d = window_detail(p, (1, 1))
    >>> round(d.value, 6) == round(float(p.fmap[1, 1]), 6), d.patch.shape
    (True, (3, 3))
    """
    if isinstance(position, (int, np.integer)) and not isinstance(position, bool):
        row, col = plan.position(position)
    elif isinstance(position, (tuple, list)) and len(position) == 2:
        row, col = (check_int(v, f"position[{a}]", minimum=0) for a, v in enumerate(position))
        if row >= plan.fmap.shape[0] or col >= plan.fmap.shape[1]:
            raise ValueError(f"`position` must be inside the {plan.fmap.shape[0]}x"
                             f"{plan.fmap.shape[1]} feature map, got {tuple(position)}")
    else:
        raise TypeError(f"`position` must be a frame index or (row, col), got {position!r}")
    step = plan.conv.step(row * plan.fmap.shape[1] + col)
    return WindowDetail(position=(row, col), patch=step.patch, kernel=plan.conv.kernel,
                        products=step.products, value=step.value,
                        pad_mask=plan.conv.pad_mask[np.ix_(step.rows, step.cols)],
                        channel_sums=step.channel_sums)


def _total_line(d: WindowDetail) -> str:
    total = numbers.format_value(d.value, 4)
    if d.channel_sums is not None:
        parts = " + ".join(numbers.format_value(v, 4) for v in d.channel_sums)
        total = f"R + G + B = {parts} = {total}".replace("+ -", "- ")
    return f"sum of products = {total}"


def window_detail_payload(detail: WindowDetail, *, decimals: int = 2) -> dict[str, Any]:
    """A window's pixels, kernel and products as a static grid-view payload, with their sum.

    Per channel (one for a gray sweep, R, G and B for a colour one) a row of three grids:
    the pixels on the gray scale 0 (black) to 1 (white), padding hatched; the kernel as
    applied and the products, each on the diverging scale of its own values, every grid
    with its legend. The lines under the grids give each channel's sum and the total: the
    feature map's value at the window's output cell.

    Parameters
    ----------
    detail : WindowDetail
    decimals : int
        Of the pixels and products (the kernel is written as a kernel: fractions when
        they are short).

    Returns
    -------
    dict
        A :func:`convviz.draw.static_grids.static_payload`.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.full((5, 5), 0.5), np.ones((3, 3)))
    >>> pay = window_detail_payload(window_detail(p, (0, 0)))
    >>> [q["id"] for q in pay["panels"]], pay["steps"]["lines"][0]
    (['pixels', 'kernel', 'products'], ['sum of products = 2'])
    >>> pay["panels"][0]["text"][:4], pay["panels"][0]["flags"][:4]
    (['0', '0', '0', '0'], [1, 1, 1, 1])
    """
    if not isinstance(detail, WindowDetail):
        raise TypeError(f"`detail` must be a WindowDetail, got {type(detail).__name__}")
    d = detail
    panels, layout, lines = [], [], []
    chans = [None] if d.patch.ndim == 2 else [0, 1, 2]
    flags = np.where(d.pad_mask, PAD, 0)
    for c in chans:
        sl = (slice(None), slice(None)) if c is None else (slice(None), slice(None), c)
        name = "" if c is None else "RGB"[c] + " "
        sfx = "" if c is None else "." + "RGB"[c]
        patch, kern, prod = d.patch[sl], d.kernel[sl], d.products[sl]
        wfmt = numbers.weight_format(kern)
        panels += [
            gray_panel("pixels" + sfx, patch, lo=0, hi=1, title=f"{name}pixels",
                       decimals=decimals, pad_mask=d.pad_mask,
                       caption="hatched grey = padding" if d.pad_mask.any() else None,
                       legend_title="colour: pixel, 0 black, 1 white"),
            grid_panel("kernel" + sfx, title="× kernel",
                       text=np.vectorize(lambda w, f=wfmt: f(float(w)), otypes=[object])(kern),
                       colors=R.diverging_colors(kern), legend=diverging_legend(kern)),
            grid_panel("products" + sfx, title=f"= {name}products",
                       text=np.vectorize(lambda v: numbers.format_value(float(v), decimals),
                                         otypes=[object])(prod),
                       colors=R.diverging_colors(prod), flags=flags,
                       legend=diverging_legend(prod)),
        ]
        layout.append([["pixels" + sfx], ["kernel" + sfx], ["products" + sfx]])
        if c is not None:
            lines.append(f"{name}sum = {numbers.format_value(d.channel_sums[c], 4)}")
    lines.append(_total_line(d))
    return static_payload(panels, layout, lines=lines)


def _text(text: str, width: int, size: int = 18) -> np.ndarray:
    """A line of text (at least ``width`` wide, wider if the text needs it)."""
    width = max(width, int(R.font(size).getlength(text)) + 6)
    return R.label(np.zeros((0, width, 3), np.uint8), text, size=size)


def _vstack(images: list[np.ndarray], gap: int = 10) -> np.ndarray:
    width = max(im.shape[1] for im in images)
    return np.concatenate([np.pad(im, ((0, gap), (0, width - im.shape[1]), (0, 0)),
                                  constant_values=255) for im in images])[:-gap]


def render_window_detail(detail: WindowDetail, *, cell: int = 48,
                         decimals: int = 2) -> np.ndarray:
    """Draw a window's pixels, kernel and products as number grids, and their sum.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.zeros((5, 5)), np.ones((3, 3)))
    >>> render_window_detail(window_detail(p, 0)).dtype
    dtype('uint8')
    """
    cell = check_int(cell, "cell", minimum=18)
    ops = {}

    def grid(values: np.ndarray, caption: str, colors: np.ndarray | None = None,
             pad: np.ndarray | None = None, fmt: Any = None) -> np.ndarray:
        return R.label(R.draw_grid(values, cell=cell, colors=colors, pad_mask=pad,
                                   decimals=decimals, fmt=fmt), caption, size=16)

    def sign(text: str, height: int) -> np.ndarray:
        if text not in ops:
            ops[text] = _text(text, 28, size=24)
        im = ops[text]
        top = max(0, (height + _CAPTION) // 2 - im.shape[0] // 2)
        return np.pad(im, ((top, 0), (0, 0), (0, 0)), constant_values=255)

    d, rows = detail, []
    chans = [None] if d.patch.ndim == 2 else [0, 1, 2]
    for c in chans:
        sl = (slice(None), slice(None)) if c is None else (slice(None), slice(None), c)
        name = "" if c is None else "RGB"[c] + " "
        patch, kern, prod = d.patch[sl], d.kernel[sl], d.products[sl]
        h = patch.shape[0] * cell
        row = R.hstack([grid(patch, f"{name}pixels", R.gray_colors(patch), d.pad_mask),
                        sign("×", h), grid(kern, "kernel", fmt=numbers.weight_format(kern)),
                        sign("=", h),
                        grid(prod, f"{name}products", pad=d.pad_mask)], gap=6)
        if c is not None:
            row = _vstack([row, _text(f"{name}sum = {numbers.format_value(d.channel_sums[c], 4)}",
                                      row.shape[1], 16)], gap=2)
        rows.append(row)
    width = max(r.shape[1] for r in rows)
    return _vstack([_text(f"window of output cell {d.position}", width)] + rows
                   + [_text(_total_line(d), width)])
