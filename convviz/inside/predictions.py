"""After training: the class probabilities of one example and the confusion matrix, as a
payload of the browser's grid view or as an image (pure: no streamlit).

>>> from convviz.nn import Dense, Sequential
>>> p = probabilities(Sequential([Dense(4)], input_shape=(3,)), np.zeros(3))
>>> p.shape, float(p.sum().round(6))
((4,), 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import check_int
from convviz.draw import render as R
from convviz.draw.colors import sequential_colors
from convviz.draw.grid_data import grid_panel, ramp_legend
from convviz.draw.static_grids import static_payload
from convviz.inside.inspect import check_example
from convviz.nn.losses import softmax
from convviz.nn.model import Sequential

__all__ = ["confusion_matrix_image", "confusion_payload", "probabilities"]


def probabilities(model: Sequential, x_single: Any) -> np.ndarray:
    """Softmax class probabilities of one example, shape (K,), computed stably.

    Examples
    --------
    >>> from convviz.nn import Dense
    >>> p = probabilities(Sequential([Dense(4)], input_shape=(3,)), np.zeros(3))
    >>> p.shape, float(p.sum().round(6))
    ((4,), 1.0)
    """
    x = check_example(model, x_single)
    if len(model.output_shape) != 1:
        raise ValueError(f"`model` must output class scores (K,), got output shape "
                         f"{model.output_shape}")
    return softmax(model.forward(x[None], training=False))[0]


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _checked_cm(cm: Any, class_names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    arr = np.asarray(cm)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"`cm` must hold integer counts, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"`cm` must be a square (K, K) array, got shape {arr.shape}")
    if arr.min() < 0:
        raise ValueError(f"`cm` must hold counts >= 0, got {arr.min()}")
    k = arr.shape[0]
    names = [str(n) for n in class_names]
    if isinstance(class_names, str) or len(names) != k:
        raise ValueError(f"`class_names` must give {k} names, one per row of `cm`, got "
                         f"{class_names!r}")
    return arr, names


SHORT_NAME = 3  #: class names up to this long head the confusion grid's rows and columns


def confusion_payload(cm: Any, class_names: Sequence[str]) -> dict[str, Any]:
    """A confusion matrix as a grid of its counts, for the browser's grid view.

    Rows are the true class, columns the network's answer; the first row and column name
    the classes (their names when every name has at most :data:`SHORT_NAME` characters,
    else their numbers 0..K-1 with a key under the grid). Cells are coloured on viridis by
    the row-normalised value (the share of that true class given the column's answer), as
    :func:`confusion_matrix_image` colours them, with the legend of that scale.

    Parameters
    ----------
    cm : array_like of int, shape (K, K)
        ``cm[i, j]`` = examples of true class i predicted as j.
    class_names : sequence of K str

    Returns
    -------
    dict
        A :func:`convviz.draw.static_grids.static_payload` of one (K + 1, K + 1) grid.

    Examples
    --------
    >>> p = confusion_payload(np.array([[5, 1], [0, 4]]), ["cat", "dog"])
    >>> p["panels"][0]["text"]
    ['', 'cat', 'dog', 'cat', '5', '1', 'dog', '0', '4']
    >>> confusion_payload(np.eye(2, dtype=int), ["circle", "square"])["steps"]["lines"]
    [['Classes: 0 = circle, 1 = square.']]
    """
    arr, names = _checked_cm(cm, class_names)
    k = arr.shape[0]
    short = all(len(n) <= SHORT_NAME for n in names)
    heads = names if short else [str(i) for i in range(k)]
    share = arr / np.maximum(arr.sum(axis=1, keepdims=True), 1)  # (K, K), rows sum to 1
    text = np.empty((k + 1, k + 1), dtype=object)
    text[0, 0] = ""
    text[0, 1:] = heads
    text[1:, 0] = heads
    text[1:, 1:] = arr.astype(str)
    colors = np.full((k + 1, k + 1, 3), 255, np.uint8)  # the headings: white
    colors[1:, 1:] = sequential_colors(share, 1.0)
    ramp = sequential_colors(np.linspace(0.0, 1.0, 9), 1.0)
    panel = grid_panel("confusion", title="rows: the true class; columns: the answer",
                       text=text, colors=colors,
                       legend=ramp_legend("colour: share of the row's class", ramp,
                                          ["0%", "50%", "100%"]))
    lines = [] if short else [
        "Classes: " + ", ".join(f"{i} = {n}" for i, n in enumerate(names)) + "."]
    return static_payload([panel], [[["confusion"]]], lines=lines)


def confusion_matrix_image(cm: Any, class_names: Sequence[str], *,
                           cell: int | None = None) -> np.ndarray:
    """A confusion matrix with its counts printed, rows the true class, columns the prediction.

    Cells are coloured on viridis by the row-normalised value (the share of that true
    class predicted as the column's class), so a well-learned class shows a bright
    diagonal cell whatever its size.

    Parameters
    ----------
    cm : array_like of int, shape (K, K)
        ``cm[i, j]`` = examples of true class i predicted as j.
    class_names : sequence of K str
    cell : int, optional
        Cell side in pixels; default from 28 to 56 depending on K.

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)

    Examples
    --------
    >>> confusion_matrix_image(np.array([[5, 1], [0, 4]]), ["cat", "dog"]).ndim
    3
    """
    arr, names = _checked_cm(cm, class_names)
    k = arr.shape[0]
    cell = max(28, min(56, 560 // k)) if cell is None else check_int(cell, "cell", minimum=18)
    totals = arr.sum(axis=1, keepdims=True)
    share = arr / np.maximum(totals, 1)  # (K, K), rows sum to 1 (0 for an empty row)
    grid = R.draw_grid(arr.astype(np.float64), cell=cell, colors=sequential_colors(share, 1.0))
    fs = max(11, min(16, int(cell * 0.4)))
    fnt = R.font(fs)
    names = [_short(n) for n in names]
    name_w = int(max(fnt.getlength(n) for n in names)) + 8
    title = int(fs * 1.8)
    gx, gy = title + name_w, title + name_w  # the grid's top-left corner
    pil = Image.new("RGB", (gx + grid.shape[1] + 4, gy + grid.shape[0] + 4), (255, 255, 255))
    pil.paste(Image.fromarray(grid), (gx, gy))
    draw = ImageDraw.Draw(pil)
    draw.text((gx + grid.shape[1] / 2, title / 2), "predicted →", fill=(0, 0, 0), font=fnt,
              anchor="mm")
    for i, name in enumerate(names):
        draw.text((gx - 4, gy + i * cell + cell / 2), name, fill=(0, 0, 0), font=fnt,
                  anchor="rm")
        text = Image.new("RGB", (name_w, fs + 6), (255, 255, 255))
        ImageDraw.Draw(text).text((2, 2), name, fill=(0, 0, 0), font=fnt)
        pil.paste(text.rotate(90, expand=True), (gx + i * cell + (cell - fs - 6) // 2, title))
    side = Image.new("RGB", (grid.shape[0], title), (255, 255, 255))
    ImageDraw.Draw(side).text((grid.shape[0] / 2, title / 2), "← true", fill=(0, 0, 0),
                              font=fnt, anchor="mm")
    pil.paste(side.rotate(90, expand=True), (0, gy))
    return np.asarray(pil)
