"""Looking inside a CNN: learned filters and every layer's output (feature maps, vectors) for
one example, as uint8 RGB images or, for the numbers, as payloads of the browser's grid
view (:func:`filters_payload`, :func:`vector_payload`; pure: no streamlit).

Colour scales are shared within one picture (across the filters of a layer, across the
feature maps of a layer), so a strong filter or map looks strong beside a weak one and a
dead map (all zeros after a ReLU) looks blank; each picture carries its colour bar.
Tiles are numbered from 1, as on the convolution page ("filter 1"); the functions that
take a ``filter_index`` or ``channel`` count from 0, as arrays do.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential
>>> model = Sequential([Conv2D(4, 3), ReLU(), Flatten(), Dense(3)], input_shape=(8, 8, 1))
>>> for view in layer_views(model, np.zeros((8, 8, 1))):
...     print(view.name, view.kind, view.shape, view.image.dtype)
conv2d_1 conv2d (6, 6, 4) uint8
relu_1 relu (6, 6, 4) uint8
flatten_1 flatten (144,) uint8
dense_1 dense (3,) uint8
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import as_float_array, check_int
from convviz.draw import render as R
from convviz.draw.colors import display_colorbar, feature_map_rgb
from convviz.draw.grid_data import grid_panel, ramp_legend
from convviz.draw.numbers import format_value
from convviz.draw.static_grids import number_texts, static_payload
from convviz.nn.model import Sequential

__all__ = ["RGB_FILTERS_WIDTH", "LayerView", "check_example", "feature_maps_grid", "filters_grid",
           "filters_payload", "layer_views", "rgb_filters_picture", "tile_grid",
           "vector_payload", "vector_strip"]

_EDGE = (150, 150, 150)  # a thin frame, so a near-white tile still shows its extent


def check_example(model: Any, x_single: Any, name: str = "x_single") -> np.ndarray:
    """Check a model and one example of its ``input_shape``; return the example as an array.

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> check_example(Sequential([Dense(2)], input_shape=(3,)), [0, 1, 2]).shape
    (3,)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a convviz.nn.Sequential, got {type(model).__name__}")
    x = as_float_array(x_single, name, ndims=tuple(range(1, 8)))
    if x.shape != model.input_shape:
        raise ValueError(f"`{name}` must be one example of shape {model.input_shape} (no batch "
                         f"axis), got shape {x.shape}")
    return x


def _vstack(images: Sequence[np.ndarray], gap: int) -> np.ndarray:
    width = max(im.shape[1] for im in images)
    parts = []
    for k, im in enumerate(images):
        parts.append(np.pad(im, ((0, 0), (0, width - im.shape[1]), (0, 0)), constant_values=255))
        if k < len(images) - 1:
            parts.append(np.full((gap, width, 3), 255, np.uint8))
    return np.concatenate(parts, axis=0)


def _framed(img: np.ndarray) -> np.ndarray:
    out = np.pad(img, ((1, 1), (1, 1), (0, 0)))
    out[[0, -1], :] = _EDGE
    out[:, [0, -1]] = _EDGE
    return out


def tile_grid(tiles: Sequence[np.ndarray], labels: Sequence[str], *, columns: int = 8,
              gap: int = 8, size: int = 12) -> np.ndarray:
    """Lay captioned RGB tiles out in rows of ``columns``, on white.

    Examples
    --------
    >>> tile_grid([np.zeros((4, 4, 3), np.uint8)] * 3, ["1", "2", "3"], columns=2).shape[2]
    3
    """
    captioned = [R.label_fit(t, text, size=size) for t, text in zip(tiles, labels, strict=True)]
    h = max(t.shape[0] for t in captioned)
    w = max(t.shape[1] for t in captioned)
    cells = [np.pad(t, ((0, h - t.shape[0]), (0, w - t.shape[1]), (0, 0)), constant_values=255)
             for t in captioned]
    rows = [R.hstack(cells[i:i + columns], gap=gap) for i in range(0, len(cells), columns)]
    return _vstack(rows, gap)


def _with_legend(img: np.ndarray, bar: np.ndarray) -> np.ndarray:
    return R.hstack([img, bar], gap=10)


def filters_grid(weight: Any, *, cell: int = 16, channel: int | None = None, rgb: bool = False,
                 columns: int = 8, legend: bool = True) -> np.ndarray:
    """A conv layer's learned filters as a grid of small tiles, numbered from 1.

    Parameters
    ----------
    weight : array_like, shape (kH, kW, C_in, F)
        ``Conv2D.params["weight"]``, usually the first layer's.
    cell : int
        Pixels per weight; from 18 up each weight's value is printed in its cell.
    channel : int, optional
        Show only this input channel's slice of every filter (0-based). By default a filter
        of several input channels shows its slices side by side.
    rgb : bool
        For ``C_in == 3``: show each filter as a colour image, ``0.5 + w / (2 * max|w|)``
        per channel with ``max|w|`` over all filters (zero is mid grey).
    columns : int
        Tiles per row.
    legend : bool
        Add the colour bar of the diverging scale (not with ``rgb``).

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)

    Notes
    -----
    One blue-white-red scale, centred on 0, is shared by every filter: its ``vmax`` is the
    largest ``|weight|`` shown.

    Examples
    --------
    >>> w = np.random.default_rng(0).standard_normal((3, 3, 1, 8))
    >>> img = filters_grid(w)
    >>> img.dtype, img.ndim
    (dtype('uint8'), 3)
    """
    w = as_float_array(weight, "weight", ndims=(4,))
    cell = check_int(cell, "cell", minimum=1)
    columns = check_int(columns, "columns", minimum=1)
    c_in, n_filters = w.shape[2], w.shape[3]
    labels = [str(f + 1) for f in range(n_filters)]
    if rgb:
        if c_in != 3:
            raise ValueError(f"`rgb=True` needs filters with 3 input channels, got C_in = "
                             f"{c_in} (weight shape {w.shape})")
        vmax = R.full_scale(w)
        tiles = [_framed(R.upscale(R.to_rgb(0.5 + w[..., f] / (2 * vmax)), cell))
                 for f in range(n_filters)]
        return tile_grid(tiles, labels, columns=columns)
    if channel is None:
        shown = list(range(c_in))
    else:
        channel = check_int(channel, "channel", minimum=0)
        if channel >= c_in:
            raise ValueError(f"`channel` must be in 0..{c_in - 1} (the filters have {c_in} "
                             f"input channels), got {channel}")
        shown = [channel]
    vmax = R.full_scale(w[:, :, shown])
    tiles = []
    for f in range(n_filters):
        slices = [R.draw_grid(w[:, :, c, f], cell=cell,
                              colors=R.diverging_colors(w[:, :, c, f], vmax))
                  for c in shown]
        tiles.append(R.hstack(slices, gap=3))
    img = tile_grid(tiles, labels, columns=columns)
    if legend:
        img = _with_legend(img, R.colorbar(vmax, height=max(120, min(img.shape[0], 240))))
    return img


RGB_FILTERS_WIDTH = 600  # px: fits the main column at 1024x768, so the labels stay 12 px


def rgb_filters_picture(weight: Any, *, columns: int = 6) -> np.ndarray:
    """Colour filters as pictures, six to a row, at most :data:`RGB_FILTERS_WIDTH` wide.

    The cell size shrinks with the kernel so that the picture fits a 1024 px screen's
    column as drawn: shown at its own width, its 12 px labels are never scaled down.

    Examples
    --------
    >>> rgb_filters_picture(np.zeros((7, 7, 3, 16))).shape[1] <= RGB_FILTERS_WIDTH
    True
    """
    w = as_float_array(weight, "weight", ndims=(4,))
    k = max(w.shape[:2])
    cell = max(2, min(30, (RGB_FILTERS_WIDTH // columns - 14) // k))
    return filters_grid(w, cell=cell, rgb=True, columns=columns)


def _diverging_legend(vmax: float, title: str) -> dict[str, Any]:
    return ramp_legend(title, R.DIVERGING.astype(np.uint8),
                       [format_value(-vmax), "0", format_value(vmax)])


def filters_payload(weight: Any, *, max_filters: int = 16, columns: int = 4,
                    decimals: int = 2) -> dict[str, Any]:
    """A conv layer's learned filters as grids of their weights, for the browser's grid view.

    One panel per filter ("filter 1", ...; a filter of several input channels has a panel
    per channel slice, stacked), ``columns`` filters to a row, on one blue-white-red scale
    centred on 0 shared by every filter shown (``vmax`` = their largest ``|weight|``), as
    :func:`filters_grid` draws them; each panel carries that scale's legend.

    Parameters
    ----------
    weight : array_like, shape (kH, kW, C_in, F)
        ``Conv2D.params["weight"]``.
    max_filters : int
        Show the first ``max_filters`` filters; the line under the grids says so when
        there are more.
    columns : int
        Filters per row.
    decimals : int
        The weights are written with this many decimals.

    Returns
    -------
    dict
        A :func:`convviz.draw.static_grids.static_payload`.

    Examples
    --------
    >>> w = np.zeros((2, 2, 1, 5)); w[0, 0, 0, 4] = -0.5
    >>> p = filters_payload(w, max_filters=4, columns=2)
    >>> [q["title"] for q in p["panels"]], p["layout"]
    (['filter 1', 'filter 2', 'filter 3', 'filter 4'], [[['f1'], ['f2']], [['f3'], ['f4']]])
    >>> p["steps"]["lines"]
    [['The first 4 of 5 filters; weights rounded to 2 decimals.']]
    """
    w = as_float_array(weight, "weight", ndims=(4,))
    max_filters = check_int(max_filters, "max_filters", minimum=1)
    columns = check_int(columns, "columns", minimum=1)
    c_in, n_filters = w.shape[2], w.shape[3]
    n = min(n_filters, max_filters)
    vmax = R.full_scale(w[..., :n])
    legend = _diverging_legend(vmax, "colour: weight, blue < 0 < red")
    panels, ids = [], []
    for f in range(n):
        col = []
        for c in range(c_in):
            pid = f"f{f + 1}" + (f".c{c + 1}" if c_in > 1 else "")
            title = f"filter {f + 1}" + (f", channel {c + 1}" if c_in > 1 else "")
            panels.append(grid_panel(pid, title=title, text=number_texts(w[:, :, c, f], decimals),
                                     colors=R.diverging_colors(w[:, :, c, f], vmax),
                                     legend=legend))
            col.append(pid)
        ids.append(col)
    layout = [ids[i:i + columns] for i in range(0, n, columns)]
    line = f"Weights rounded to {decimals} decimals."
    if n < n_filters:
        line = f"The first {n} of {n_filters} filters; weights rounded to {decimals} decimals."
    return static_payload(panels, layout, lines=[line])


def vector_payload(values: Any, *, title: str, decimals: int = 2) -> dict[str, Any]:
    """A 1-D layer output (Flatten, Dense) as a grid of its numbers, for the grid view.

    Up to 16 values make one row; up to 64, rows of 16; more, rows of 32 (row-major, as
    Flatten orders them; cells past the end are blank). The scale is centred on 0
    (``vmax`` = the largest ``|value|``), with its legend. A long vector's cells are small:
    the browser then hides the numbers and reads a hovered cell out.

    Examples
    --------
    >>> p = vector_payload(np.arange(20.0) - 10, title="dense")
    >>> q = p["panels"][0]
    >>> q["rows"], q["cols"], q["text"][:3], q["text"][-1], q["legend"]["ticks"]
    (2, 16, ['-10', '-9', '-8'], '', ['-10', '0', '10'])
    """
    v = as_float_array(values, "values", ndims=(1,))
    n = v.size
    per_row = n if n <= 16 else 16 if n <= 64 else 32
    rows = -(-n // per_row)
    grid = np.zeros(rows * per_row)
    grid[:n] = v
    grid = grid.reshape(rows, per_row)  # (rows, per_row), the vector in reading order
    vmax = R.full_scale(v)
    text = number_texts(grid, decimals).reshape(-1)
    text[n:] = ""
    colors = R.diverging_colors(grid, vmax).reshape(-1, 3)
    colors[n:] = 255  # past the end: blank
    panel = grid_panel("vector", title=title, text=text.reshape(rows, per_row),
                       colors=colors.reshape(rows, per_row, 3),
                       legend=_diverging_legend(vmax, "colour: value, blue < 0 < red"))
    return static_payload([panel], [[["vector"]]])


def feature_maps_grid(activation: Any, *, max_maps: int = 32, tile: int = 64,
                      signed: bool = True, columns: int = 8, legend: bool = True) -> np.ndarray:
    """One layer's feature maps for one example, one numbered tile per channel.

    Parameters
    ----------
    activation : array_like, shape (H, W, C)
        A layer's output for one example (``model.activations(x)[i][1]``).
    max_maps : int
        Show the first ``max_maps`` channels; a caption says so when there are more.
    tile : int
        Target tile side in pixels: each map is enlarged by the whole factor
        ``max(1, tile // max(H, W))`` with nearest-neighbour, so every value stays a block.
    signed : bool
        True: blue (negative), white (0), red (positive). False: viridis from 0 to the
        largest value, negative values as 0 (for the outputs of ReLU).
    columns : int
        Tiles per row.
    legend : bool
        Add the colour bar.

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)

    Notes
    -----
    One colour scale is shared by all the maps shown (``vmax`` = their largest ``|value|``),
    so maps can be compared: a map that stays near white responded weakly.

    Examples
    --------
    >>> feature_maps_grid(np.zeros((6, 6, 40)), max_maps=4).dtype
    dtype('uint8')
    """
    act = as_float_array(activation, "activation", ndims=(3,))
    max_maps = check_int(max_maps, "max_maps", minimum=1)
    tile = check_int(tile, "tile", minimum=1)
    columns = check_int(columns, "columns", minimum=1)
    h, w, c = act.shape
    n = min(c, max_maps)
    shown = act[..., :n]
    mode = "signed" if signed else "relu"
    vmax = R.full_scale(shown if signed else np.maximum(shown, 0))  # the largest value shown
    colours = feature_map_rgb(shown, mode=mode, vmax=vmax)  # (H, W, n, 3)
    factor = max(1, tile // max(h, w))
    tiles = [_framed(R.upscale(colours[:, :, k], factor)) for k in range(n)]
    img = tile_grid(tiles, [str(k + 1) for k in range(n)], columns=columns)
    if n < c:
        img = R.label_fit(img, f"the first {n} of {c} feature maps", size=14)
    if legend:
        img = _with_legend(img, display_colorbar(mode, vmax, max(120, min(img.shape[0], 240))))
    return img


def vector_strip(values: Any, *, max_numbers: int = 32, per_row: int | None = None) -> np.ndarray:
    """A 1-D layer output (Flatten, Dense) as a heat strip: rows of cells, scale centred on 0.

    Up to ``max_numbers`` values are drawn large with their numbers; a longer vector is
    drawn in small cells, 32 per row (row-major, as Flatten orders them), with a colour bar.

    Examples
    --------
    >>> vector_strip(np.arange(10.0)).shape
    (45, 441, 3)
    """
    v = as_float_array(values, "values", ndims=(1,))
    max_numbers = check_int(max_numbers, "max_numbers", minimum=0)
    n = v.size
    short = n <= max_numbers
    if per_row is None:
        per_row = n if n <= 16 else 16 if short else 32
    per_row = check_int(per_row, "per_row", minimum=1)
    rows = -(-n // per_row)
    grid = np.zeros(rows * per_row)
    grid[:n] = v
    hidden = (np.arange(rows * per_row) >= n).reshape(rows, per_row)
    grid = grid.reshape(rows, per_row)  # (rows, per_row), the vector in reading order
    vmax = R.full_scale(v)
    img = R.draw_grid(grid, cell=44 if short else 12, colors=R.diverging_colors(grid, vmax),
                      hidden=hidden)
    return img if short else _with_legend(img, R.colorbar(vmax, height=120))


class LayerView(NamedTuple):
    """One layer's output for one example, as a picture (a tuple: it unpacks in this order).

    Attributes
    ----------
    name : str
        The layer's Keras-style name ("conv2d_1").
    kind : str
        Its ``kind`` ("conv2d", "relu", ...).
    shape : tuple of int
        Its output shape without the batch axis, e.g. (H', W', F) or (units,).
    image : ndarray of uint8, shape (height, width, 3)
        The picture of that output, with its colour bar.
    """

    name: str
    kind: str
    shape: tuple[int, ...]
    image: np.ndarray


def layer_views(model: Sequential, x_single: Any, *, max_maps: int = 32,
                tile: int = 64) -> list[LayerView]:
    """Every layer's output for one example, as pictures.

    Parameters
    ----------
    model : Sequential
    x_single : array_like, shape ``model.input_shape``
    max_maps, tile
        As in :func:`feature_maps_grid`.

    Returns
    -------
    list of LayerView
        In layer order: (layer name, kind, output shape, image). A 3-D
        output is drawn by :func:`feature_maps_grid` (signed scale), a 1-D one by
        :func:`vector_strip`. The numbers are the model's own ``activations``.
    """
    x = check_example(model, x_single)
    views = []
    for layer, (name, out) in zip(model.layers, model.activations(x), strict=True):
        img = (feature_maps_grid(out, max_maps=max_maps, tile=tile) if out.ndim == 3
               else vector_strip(out))
        views.append(LayerView(name, layer.kind, tuple(out.shape), img))
    return views
