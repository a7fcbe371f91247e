"""Grids of numbers shown as they are, in the browser's grid view: one step, no player.

The pictures of numbers that do not play (an image as numbers, how many windows cover each
cell, a patch beside its kernel) go to the grid view component as a one-step payload of
:mod:`convviz.draw.grid_data`: the browser sizes every cell to its column, never writes a
number under 12 px (it hides the numbers and reads a hovered cell out instead) and draws a
colour legend under every coloured grid. A one-step payload has no player, no window and no
``label = value`` line (:func:`static_payload`).

Examples
--------
>>> p = gray_grid_payload(np.array([[0.0, 255.0]]), lo=0, hi=255, title="pixels")
>>> p["n_steps"], p["panels"][0]["text"], p["panels"][0]["legend"]["ticks"]
(1, ['0', '255'], ['0', '255'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw import numbers, render
from convviz.draw.grid_data import PAD, diverging_legend, grid_panel, grid_payload, ramp_legend

__all__ = ["GRAY_RAMP", "channels_payload", "coverage_payload", "gray_grid_payload",
           "gray_panel", "number_texts", "patch_kernel_payload", "static_payload"]

GRAY_RAMP = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)  #: black (low) to white (high)
_CHANNEL_NAMES = ("red", "green", "blue")


def number_texts(values: Any, decimals: int = 2) -> np.ndarray:
    """Each value as :func:`convviz.draw.numbers.format_value` writes it, same shape (object).

    Examples
    --------
    >>> number_texts(np.array([[1.0, 0.125]])).tolist()
    [['1', '0.13']]
    """
    arr = np.asarray(values, dtype=np.float64)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = numbers.format_value(float(v), decimals)
    return out


def static_payload(panels: Sequence[dict[str, Any]], layout: Sequence[Sequence[Sequence[str]]],
                   *, lines: Sequence[str] = ()) -> dict[str, Any]:
    """A grid-view payload of ``panels`` shown as they are: one step, nothing lit.

    Parameters
    ----------
    panels : sequence of dict
        From :func:`convviz.draw.grid_data.grid_panel` (any role; "plain" links nothing).
    layout : rows of columns of panel ids
        As in :func:`convviz.draw.grid_data.grid_payload`.
    lines : sequence of str
        Text under the grids (a sum, say).

    Returns
    -------
    dict
        ``n_steps`` 1, no window, empty ``label`` and ``value`` (the browser then writes
        no ``label = value`` line).

    Examples
    --------
    >>> p = static_payload([gray_panel("a", np.zeros((1, 1)), lo=0, hi=1, title="a")],
    ...                    [[["a"]]], lines=["sum = 0"])
    >>> p["n_steps"], p["steps"]["window"], p["steps"]["lines"], p["steps"]["label"]
    (1, [[]], [['sum = 0']], [''])
    """
    return grid_payload(panels, layout, window=[[]], lines=[[str(t) for t in lines]],
                        value=[""], label=[""])


def gray_panel(panel_id: str, values: Any, *, lo: float, hi: float, title: str,
               caption: str | None = None, decimals: int = 2, pad_mask: Any = None,
               legend_title: str = "colour: value, black low, white high") -> dict[str, Any]:
    """A panel of ``values`` (rows, cols) on the gray scale ``lo`` (black) to ``hi`` (white),
    the numbers written in the cells, with its legend; padding cells (``pad_mask``) grey
    and hatched, as the step views draw them.

    Examples
    --------
    >>> p = gray_panel("x", np.array([[0.0, 0.5]]), lo=0, hi=1, title="x",
    ...                pad_mask=np.array([[True, False]]))
    >>> p["text"], p["colors"], p["flags"]
    (['0', '0.5'], ['#d6d6d6', '#808080'], [1, 0])
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"`values` must be a (rows, cols) grid, got shape {v.shape}")
    colors = render.gray_colors(v, lo, hi)
    flags = None
    if pad_mask is not None:
        mask = np.asarray(pad_mask, dtype=bool)
        if mask.shape != v.shape:
            raise ValueError(f"`pad_mask` must have shape {v.shape}, got {mask.shape}")
        colors = np.where(mask[..., None], np.uint8(render.PAD_FILL), colors).astype(np.uint8)
        flags = np.where(mask, PAD, 0)
    ticks = [numbers.format_value(lo, decimals), numbers.format_value(hi, decimals)]
    return grid_panel(panel_id, title=title, caption=caption,
                      text=number_texts(v, decimals), colors=colors, flags=flags,
                      legend=ramp_legend(legend_title, GRAY_RAMP, ticks))


def gray_grid_payload(values: Any, *, lo: float, hi: float, title: str,
                      caption: str | None = None, decimals: int = 2,
                      legend_title: str = "colour: value, black low, white high"
                      ) -> dict[str, Any]:
    """One gray grid of numbers (a grayscale image, a count per cell) as a static payload.

    Examples
    --------
    >>> p = gray_grid_payload(np.array([[1.0, 3.0]]), lo=0, hi=3, title="counts")
    >>> p["palette"], p["panels"][0]["colors"]
    (['#555555', '#ffffff'], [0, 1])
    """
    panel = gray_panel("grid", values, lo=lo, hi=hi, title=title, caption=caption,
                       decimals=decimals, legend_title=legend_title)
    return static_payload([panel], [[["grid"]]])


def channels_payload(image: Any, *, hi: float = 255.0, decimals: int = 2) -> dict[str, Any]:
    """An RGB image (rows, cols, 3) as three grids of numbers, one per channel, each cell
    coloured as its channel alone looks (black to pure red, green or blue at ``hi``).

    Examples
    --------
    >>> img = np.zeros((1, 2, 3)); img[0, 1] = [255, 128, 0]
    >>> p = channels_payload(img)
    >>> [q["title"] for q in p["panels"]], p["panels"][1]["text"]
    (['red', 'green', 'blue'], ['0', '128'])
    >>> p["panels"][0]["legend"]["colors"]
    ['#000000', '#ff0000']
    """
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"`image` must have shape (rows, cols, 3), got {img.shape}")
    if not hi > 0:
        raise ValueError(f"`hi` must be above 0, got {hi}")
    panels = []
    for c, name in enumerate(_CHANNEL_NAMES):
        level = np.rint(np.clip(img[..., c] / hi, 0, 1) * 255).astype(np.uint8)
        colors = np.zeros(img.shape, np.uint8)
        colors[..., c] = level  # the channel alone: black to its pure colour
        ramp = np.zeros((2, 3), np.uint8)
        ramp[1, c] = 255
        panels.append(grid_panel(
            name, title=name, text=number_texts(img[..., c], decimals), colors=colors,
            legend=ramp_legend(f"colour: {name} value", ramp,
                               ["0", numbers.format_value(hi, decimals)])))
    return static_payload(panels, [[[name] for name in _CHANNEL_NAMES]])


def coverage_payload(counts: Any) -> dict[str, Any]:
    """How many windows use each input cell (``counts``, (rows, cols) int) as a gray grid:
    0 black, the busiest cell white.

    Examples
    --------
    >>> p = coverage_payload(np.array([[1, 2], [2, 4]]))
    >>> p["panels"][0]["text"], p["panels"][0]["legend"]["ticks"]
    (['1', '2', '2', '4'], ['0', '4'])
    """
    c = np.asarray(counts)
    if c.ndim != 2 or c.size == 0:
        raise ValueError(f"`counts` must be a non-empty (rows, cols) grid, got shape {c.shape}")
    if not np.issubdtype(c.dtype, np.integer) or c.min() < 0:
        raise ValueError("`counts` must hold whole numbers >= 0")
    top = max(1, int(c.max()))
    return gray_grid_payload(c, lo=0, hi=top, title=f"windows per input cell ({c.shape[0]}x"
                             f"{c.shape[1]})", legend_title="colour: windows, black 0, "
                             "white the busiest")


def patch_kernel_payload(patch: Any, kernel: Any, *, pad_mask: Any = None,
                         decimals: int = 2) -> dict[str, Any]:
    """A patch of an input beside a kernel, both as grids of numbers with ``decimals``
    decimals: the patch on the gray scale from min(0, its least) (black) to max(1, its
    largest) (white), padding hatched, as the step view draws an input; the kernel on the
    diverging scale of its own weights.

    Examples
    --------
    >>> p = patch_kernel_payload(np.array([[0.0, 0.5]]), np.array([[1.0, -1.0]]))
    >>> [q["text"] for q in p["panels"]], p["panels"][1]["legend"]["ticks"]
    ([['0', '0.5'], ['1', '-1']], ['-1', '0', '1'])
    """
    x = np.asarray(patch, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if x.ndim != 2 or k.ndim != 2:
        raise ValueError(f"`patch` and `kernel` must be 2-D grids, got shapes {x.shape} and "
                         f"{k.shape}")
    lo, hi = min(0.0, float(x.min())), max(1.0, float(x.max()))
    panels = [
        gray_panel("patch", x, lo=lo, hi=hi, title=f"patch of the input ({x.shape[0]}x"
                   f"{x.shape[1]})", decimals=decimals, pad_mask=pad_mask,
                   caption="hatched grey = padding" if pad_mask is not None
                   and np.asarray(pad_mask).any() else None,
                   legend_title="colour: input value, black low, white high"),
        grid_panel("kernel", title=f"learned kernel ({k.shape[0]}x{k.shape[1]})",
                   text=number_texts(k, decimals), colors=render.diverging_colors(k),
                   legend=diverging_legend(k)),
    ]
    return static_payload(panels, [[["patch"], ["kernel"]]])
