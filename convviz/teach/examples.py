"""Small example inputs and filters for the step-by-step convolution page.

Every grid is a deterministic function of its size (and a seed for the random one), so a
shared link rebuilds exactly the same example. Values are small integers (0..9) so that a
student can check each product and sum by hand. Grids are float64, (rows, cols) for one
channel and (rows, cols, 3) for RGB, channels last as everywhere in convviz.

Examples
--------
>>> make_input("edge", 5, 6)[0].tolist()
[0.0, 0.0, 0.0, 9.0, 9.0, 9.0]
>>> make_input("random", 5, 5, seed=1, channels=3).shape
(5, 5, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int

__all__ = ["FILTER_MIX", "GIVEN", "GIVEN_LABEL", "INPUT_CHOICES", "PRESETS", "check_grid_shape",
           "digit_grid", "edge_grid", "input_label", "make_input", "random_grid", "resize_grid",
           "rgb_filters", "rgb_input"]

#: Input presets: name -> label for a menu.
PRESETS: dict[str, str] = {
    "random": "random integers 0..9",
    "edge": "a vertical edge (0 | 9)",
    "digit": 'a handwritten-style "7"',
}
#: An input no preset makes: a grid set by a link or another page (a learned kernel's patch).
GIVEN = "given"
GIVEN_LABEL = "the grid given by a link or another page"
#: Every input choice of the step-by-step page.
INPUT_CHOICES = (*PRESETS, GIVEN)


#: Channel weights of the default RGB filters: filter k's slice c is ``weight * kernel``,
#: with a sentence on what the mix responds to.
FILTER_MIX: tuple[tuple[tuple[float, float, float], str], ...] = (
    ((1.0, 1.0, 1.0), "the kernel on all three colours: a brightness pattern"),
    ((1.0, 0.0, -1.0), "red minus blue: the pattern in red, against the same in blue"),
    ((0.0, 1.0, 0.0), "green only: red and blue slices are all zeros"),
    ((1.0, -1.0, 0.0), "red minus green"),
)


def _check_size(rows: Any, cols: Any) -> tuple[int, int]:
    return check_int(rows, "rows", minimum=1), check_int(cols, "cols", minimum=1)


def random_grid(rows: int, cols: int, *, seed: int = 0, channels: int | None = None
                ) -> np.ndarray:
    """Random integers 0..9 from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    rows, cols : int
    seed : int
        Same seed, same grid.
    channels : int, optional
        None for a (rows, cols) grid, else (rows, cols, channels).

    Returns
    -------
    ndarray of float64, shape (rows, cols) or (rows, cols, channels)

    Examples
    --------
    >>> np.array_equal(random_grid(5, 5, seed=3), random_grid(5, 5, seed=3))
    True
    """
    rows, cols = _check_size(rows, cols)
    seed = check_int(seed, "seed", minimum=0)
    shape = (rows, cols) if channels is None else (rows, cols, check_int(channels, "channels",
                                                                         minimum=1))
    return np.random.default_rng(seed).integers(0, 10, size=shape).astype(np.float64)


def edge_grid(rows: int, cols: int, *, low: float = 0.0, high: float = 9.0) -> np.ndarray:
    """A vertical edge: ``low`` on the left half, ``high`` on the right (the middle
    column goes right for an odd width).

    Returns
    -------
    ndarray of float64, shape (rows, cols)

    Examples
    --------
    >>> edge_grid(2, 5).tolist()
    [[0.0, 0.0, 9.0, 9.0, 9.0], [0.0, 0.0, 9.0, 9.0, 9.0]]
    """
    rows, cols = _check_size(rows, cols)
    grid = np.full((rows, cols), float(low))
    grid[:, cols // 2:] = high
    return grid


def _digit_mask(rows: int, cols: int) -> np.ndarray:
    """Boolean (rows, cols) mask of a "7": a top bar and a slanted stroke, 1-cell margin."""
    mask = np.zeros((rows, cols), dtype=bool)
    top, bottom = (1, rows - 2) if rows >= 5 else (0, rows - 1)
    left, right = (1, cols - 2) if cols >= 5 else (0, cols - 1)
    mask[top, left:right + 1] = True
    # The stroke runs from under the bar's right end down to a bit left of the middle.
    foot = left + round((right - left) * 0.4)
    span = max(1, bottom - top - 1)
    prev = right
    for r in range(top + 1, bottom + 1):
        c = round(right + (foot - right) * (r - top - 1) / span)
        mask[r, c:max(c + 1, prev)] = True  # no gaps on wide grids
        prev = c
    return mask


def digit_grid(rows: int, cols: int, *, ink: float = 9.0) -> np.ndarray:
    """A digit "7" drawn with ``ink`` on 0, scaled to the grid.

    Returns
    -------
    ndarray of float64, shape (rows, cols)

    Examples
    --------
    >>> digit_grid(5, 5).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 9, 9, 9, 0],
           [0, 0, 0, 9, 0],
           [0, 0, 9, 0, 0],
           [0, 0, 0, 0, 0]])
    """
    rows, cols = _check_size(rows, cols)
    return np.where(_digit_mask(rows, cols), float(ink), 0.0)


def make_input(preset: str, rows: int, cols: int, *, seed: int = 0,
               channels: int = 1) -> np.ndarray:
    """Build a preset input grid.

    Parameters
    ----------
    preset : {"random", "edge", "digit"}
    rows, cols : int
    seed : int
        Used by "random" only.
    channels : {1, 3}
        1 gives (rows, cols); 3 gives an RGB (rows, cols, 3) version: independent random
        channels; a vertical edge in R, a horizontal one in G and the mirrored vertical
        one in B; an orange "7" (9, 6, 0) on a blue background (1, 2, 7).

    Returns
    -------
    ndarray of float64, shape (rows, cols) or (rows, cols, 3)

    Examples
    --------
    >>> make_input("digit", 5, 5, channels=3)[1, 1].tolist()
    [9.0, 6.0, 0.0]
    """
    check_choice(preset, "preset", tuple(PRESETS))
    rows, cols = _check_size(rows, cols)
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}")
    if preset == "random":
        return random_grid(rows, cols, seed=seed, channels=None if channels == 1 else 3)
    if channels == 1:
        return edge_grid(rows, cols) if preset == "edge" else digit_grid(rows, cols)
    if preset == "edge":
        vertical = edge_grid(rows, cols)
        horizontal = edge_grid(cols, rows).T  # 0 on the top half, 9 below
        return np.stack([vertical, horizontal, vertical[:, ::-1]], axis=-1)
    mask = _digit_mask(rows, cols)[..., None]
    return np.where(mask, np.array([9.0, 6.0, 0.0]), np.array([1.0, 2.0, 7.0]))


def input_label(preset: str, *, given: str | None = None) -> str:
    """The menu text of an input choice: what the input grid is.

    Parameters
    ----------
    preset : str
        One of :data:`INPUT_CHOICES`.
    given : str, optional
        For :data:`GIVEN`: what the page that sent the grid said it is ("a 12x12 patch of
        held-out sample 17 (a “3”)"); without it, :data:`GIVEN_LABEL`. It does not change
        while the choice is selected (a menu's text is how the browser names the choice).

    Examples
    --------
    >>> input_label("edge")
    'a vertical edge (0 | 9)'
    >>> input_label(GIVEN, given="a 5x5 patch of sample 3")
    'a 5x5 patch of sample 3'
    """
    check_choice(preset, "preset", INPUT_CHOICES)
    if preset != GIVEN:
        return PRESETS[preset]
    return str(given) if given else GIVEN_LABEL


def rgb_input(preset: str, grid: Any, *, seed: int = 0) -> np.ndarray:
    """The 3-channel input of the page's RGB mode for an input choice and the 1-channel grid.

    A preset builds its RGB version (:func:`make_input`) at the grid's size; a
    :data:`GIVEN` grid has no colour version, so it is repeated in R, G and B.

    Returns
    -------
    ndarray of float64, shape (rows, cols, 3)

    Examples
    --------
    >>> rgb_input(GIVEN, [[1.0, 2.0]]).tolist()
    [[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]]
    """
    check_choice(preset, "preset", INPUT_CHOICES)
    arr = np.asarray(grid, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"`grid` must be 2-D, got shape {arr.shape}")
    if preset == GIVEN:
        return np.repeat(arr[..., None], 3, axis=-1)
    return make_input(preset, *arr.shape, seed=seed, channels=3)


def resize_grid(grid: Any, rows: int, cols: int) -> np.ndarray:
    """Crop or zero-pad a 2-D grid at the bottom/right to (rows, cols).

    Examples
    --------
    >>> resize_grid([[1, 2], [3, 4]], 3, 1).tolist()
    [[1.0], [3.0], [0.0]]
    """
    rows, cols = _check_size(rows, cols)
    arr = np.asarray(grid, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"`grid` must be 2-D, got shape {arr.shape}")
    out = np.zeros((rows, cols))
    r, c = min(rows, arr.shape[0]), min(cols, arr.shape[1])
    out[:r, :c] = arr[:r, :c]
    return out


def check_grid_shape(grid: np.ndarray, lo: int, hi: int, name: str = "grid") -> np.ndarray:
    """Return ``grid`` if it is 2-D with every side in [lo, hi], else raise ValueError.

    Examples
    --------
    >>> check_grid_shape(np.zeros((3, 3)), 1, 7).shape
    (3, 3)
    """
    arr = np.asarray(grid)
    if arr.ndim != 2 or not all(lo <= s <= hi for s in arr.shape):
        raise ValueError(f"`{name}` must have {lo} to {hi} rows and columns, got shape "
                         f"{arr.shape}")
    return arr


def rgb_filters(kernel: Any, n_filters: int) -> np.ndarray:
    """Default RGB filters built from one 2-D kernel: slice c of filter k is
    ``FILTER_MIX[k][0][c] * kernel``.

    Parameters
    ----------
    kernel : array_like, shape (kH, kW)
    n_filters : int
        1 to ``len(FILTER_MIX)``.

    Returns
    -------
    ndarray of float64, shape (kH, kW, 3, n_filters)
        The (kH, kW, C_in, C_out) layout of :func:`convviz.conv2d`.

    Examples
    --------
    >>> w = rgb_filters(np.ones((3, 3)), 2)
    >>> w.shape, w[0, 0, :, 1].tolist()
    ((3, 3, 3, 2), [1.0, 0.0, -1.0])
    """
    k = np.asarray(kernel, dtype=np.float64)
    if k.ndim != 2:
        raise ValueError(f"`kernel` must be 2-D (kH, kW), got shape {k.shape}")
    n = check_int(n_filters, "n_filters", minimum=1)
    if n > len(FILTER_MIX):
        raise ValueError(f"`n_filters` must be 1 to {len(FILTER_MIX)}, got {n}")
    mix = np.array([w for w, _ in FILTER_MIX[:n]]).T  # (3, F)
    return k[:, :, None, None] * mix[None, None]  # (kH, kW, 3, F)
