"""Resolving padding specifications and padding arrays.

``padding`` may be an int, a (rows, cols) pair, ((top, bottom), (left, right)),
``"valid"`` (none), ``"same"`` (TensorFlow/Keras: output ``ceil(n / stride)``, the odd
extra pixel goes to the bottom/right) or ``"full"`` (``dilation * (k - 1)`` on each side).
``padding_mode`` takes PyTorch's values: ``"zeros"``, ``"reflect"``, ``"replicate"`` and
``"circular"``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from convviz.base.checks import check_choice, check_int

PaddingSpec = int | str | tuple
Pads = tuple[tuple[int, int], tuple[int, int]]

PADDING_STRINGS = ("valid", "same", "full")
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def same_padding_1d(n: int, kernel_size: int, stride: int = 1,
                    dilation: int = 1) -> tuple[int, int]:
    """Padding (before, after) of TensorFlow/Keras ``"same"`` along one axis.

    The output has ``ceil(n / stride)`` cells; an odd total goes to the end (bottom/right).

    Examples
    --------
    >>> same_padding_1d(5, 3)
    (1, 1)
    >>> same_padding_1d(6, 2)
    (0, 1)
    """
    effective = dilation * (kernel_size - 1) + 1
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + effective - n, 0)
    return total // 2, total - total // 2


def resolve_padding_1d(padding: Any, n: int, kernel_size: int, stride: int = 1,
                       dilation: int = 1, *, name: str = "padding") -> tuple[int, int]:
    """Resolve a one-axis padding (int, (before, after) or a string) to (before, after).

    Examples
    --------
    >>> resolve_padding_1d("full", 7, 3)
    (2, 2)
    >>> resolve_padding_1d((0, 1), 7, 3)
    (0, 1)
    """
    if isinstance(padding, str):
        check_choice(padding, name, PADDING_STRINGS)
        if padding == "valid":
            return 0, 0
        if padding == "same":
            return same_padding_1d(n, kernel_size, stride, dilation)
        full = dilation * (kernel_size - 1)
        return full, full
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"`{name}` must be an int, a (before, after) pair or one of "
                             f"{PADDING_STRINGS}, got {tuple(padding)!r}")
        return (check_int(padding[0], f"{name}[0]", minimum=0),
                check_int(padding[1], f"{name}[1]", minimum=0))
    try:
        p = check_int(padding, name, minimum=0)
    except TypeError:
        raise TypeError(f"`{name}` must be an int, a pair, or one of {PADDING_STRINGS}, "
                        f"got {padding!r}") from None
    return p, p


def resolve_padding(
    padding: PaddingSpec,
    size: tuple[int, int],
    kernel_size: tuple[int, int],
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
) -> Pads:
    """Resolve a 2-D padding specification to ((top, bottom), (left, right)).

    Parameters
    ----------
    padding : int, (rows, cols), ((top, bottom), (left, right)), "valid", "same" or "full"
    size : (H, W) of the unpadded input.
    kernel_size, stride, dilation : (rows, cols) pairs, already validated.

    Examples
    --------
    >>> resolve_padding(1, (5, 5), (3, 3))
    ((1, 1), (1, 1))
    >>> resolve_padding("same", (6, 6), (2, 2))
    ((0, 1), (0, 1))
    >>> resolve_padding(((0, 1), (2, 3)), (6, 6), (3, 3))
    ((0, 1), (2, 3))
    """
    if isinstance(padding, str):
        return (
            resolve_padding_1d(padding, size[0], kernel_size[0], stride[0], dilation[0]),
            resolve_padding_1d(padding, size[1], kernel_size[1], stride[1], dilation[1]),
        )
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(
                "`padding` must be an int, (rows, cols), ((top, bottom), (left, right)), or one "
                f"of {PADDING_STRINGS}, got {padding!r}"
            )
        rows, cols = padding
        if isinstance(rows, (tuple, list)) or isinstance(cols, (tuple, list)):
            if not (isinstance(rows, (tuple, list)) and isinstance(cols, (tuple, list))):
                raise ValueError(
                    "`padding` must be (rows, cols) or ((top, bottom), (left, right)), "
                    f"got {padding!r}"
                )
            return (resolve_padding_1d(tuple(rows), 0, 1, name="padding[0]"),
                    resolve_padding_1d(tuple(cols), 0, 1, name="padding[1]"))
        r = check_int(rows, "padding[0]", minimum=0)
        c = check_int(cols, "padding[1]", minimum=0)
        return (r, r), (c, c)
    p = resolve_padding_1d(padding, 0, 1)
    return p, p


def padding_mode_problem(size: tuple[int, int], pads: Pads, padding_mode: str) -> str | None:
    """Why PyTorch refuses ``padding_mode`` with these pads, or None when it accepts it.

    PyTorch's limits (``F.pad`` and ``nn.Conv2d(padding_mode=...)``): "reflect" needs
    every pad smaller than the input along its axis, "circular" at most the input;
    "zeros" and "replicate" take any padding.

    Parameters
    ----------
    size : (H, W) of the unpadded input.
    pads : ((top, bottom), (left, right))
    padding_mode : "zeros", "reflect", "replicate" or "circular"

    Examples
    --------
    >>> padding_mode_problem((3, 3), ((5, 5), (5, 5)), "reflect")
    "`padding` of 5 is too large for padding_mode='reflect' on an input with 3 rows: \
reflect padding must be less than 3"
    >>> padding_mode_problem((3, 3), ((3, 3), (3, 3)), "circular") is None
    True
    """
    check_choice(padding_mode, "padding_mode", PADDING_MODES)
    for n, (before, after), word in ((size[0], pads[0], "rows"), (size[1], pads[1], "columns")):
        worst = max(before, after)
        if padding_mode == "reflect" and worst >= n:
            return (f"`padding` of {worst} is too large for padding_mode='reflect' on an input "
                    f"with {n} {word}: reflect padding must be less than {n}")
        if padding_mode == "circular" and worst > n:
            return (f"`padding` of {worst} is too large for padding_mode='circular' on an "
                    f"input with {n} {word}: circular padding can be at most {n}")
    return None


def check_padding_mode(size: tuple[int, int], pads: Pads, padding_mode: str) -> None:
    """Raise ``ValueError`` with :func:`padding_mode_problem`'s reason when PyTorch would.

    Examples
    --------
    >>> check_padding_mode((4, 4), ((3, 3), (3, 3)), "reflect")  # 3 < 4: accepted
    """
    problem = padding_mode_problem(size, pads, padding_mode)
    if problem:
        raise ValueError(problem)


def pad_spatial(x: np.ndarray, pads: Pads, padding_mode: str = "zeros", *,
                fill: float = 0.0) -> np.ndarray:
    """Pad the two spatial axes of a (H, W), (H, W, C) or (N, H, W, C) array.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
    pads : ((top, bottom), (left, right))
    padding_mode : "zeros", "reflect", "replicate" or "circular" (PyTorch's names).
        "reflect" needs each pad smaller than that side; "circular" at most that side.
    fill : value of the "zeros" mode's border (pooling uses ``-inf``).

    Returns
    -------
    ndarray, shape (H + top + bottom, W + left + right, ...)

    Examples
    --------
    >>> pad_spatial(np.array([[1., 2.], [3., 4.]]), ((1, 0), (0, 1)), "replicate")
    array([[1., 2., 2.],
           [1., 2., 2.],
           [3., 4., 4.]])
    """
    ax = 1 if x.ndim == 4 else 0  # first spatial axis
    check_padding_mode((x.shape[ax], x.shape[ax + 1]), pads, padding_mode)
    if not any(pads[0]) and not any(pads[1]):
        return x
    width = [(0, 0)] * x.ndim
    width[ax], width[ax + 1] = pads[0], pads[1]
    if padding_mode == "zeros":
        return np.pad(x, width, mode="constant", constant_values=fill)
    return np.pad(x, width, mode=_NUMPY_MODE[padding_mode])


def padding_mask(size: tuple[int, int], pads: Pads) -> np.ndarray:
    """Boolean (H + top + bottom, W + left + right) mask, True on padding cells.

    Examples
    --------
    >>> padding_mask((1, 2), ((1, 0), (0, 1))).astype(int)
    array([[1, 1, 1],
           [0, 0, 1]])
    """
    (t, b), (left, r) = pads
    mask = np.ones((size[0] + t + b, size[1] + left + r), dtype=bool)
    mask[t:t + size[0], left:left + size[1]] = False
    return mask
