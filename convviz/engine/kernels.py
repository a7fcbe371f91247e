"""Named kernel presets, each with a one-line meaning a student can read.

Every kernel is applied as cross-correlation, which is what CNN libraries compute: the kernel
is laid over the image as written, without flipping it. So ``sobel_x`` is positive where the
brightness increases to the right.

Examples
--------
>>> from convviz.engine.kernels import KERNELS, get_kernel
>>> KERNELS["sobel_x"].title
'Sobel x'
>>> get_kernel("sobel_x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]], dtype=float32)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from convviz.base.checks import check_choice

__all__ = ["KERNELS", "Kernel", "get_kernel", "kernel_names"]

_EVEN_NOTE = (
    "it has an even size, so there is no centre pixel and the output is shifted half a pixel "
    "(the symmetry imbalance)"
)


@dataclass(frozen=True, eq=False)
class Kernel:
    """A named 2-D kernel with a human-friendly title and a one-line meaning.

    Parameters
    ----------
    name : str
        The key used by the CLI and in URLs, e.g. ``"sobel_x"``.
    array : array_like, shape (kH, kW)
        The weights. Stored as a read-only float32 copy.
    meaning : str
        One line that says what the kernel responds to.
    title : str
        A label for people, e.g. ``"Sobel x"``.

    Notes
    -----
    Kernels compare by identity (``eq=False``): comparing the arrays element-wise is
    what ``np.array_equal(a.array, b.array)`` is for.

    Examples
    --------
    >>> k = Kernel("tiny", [[1, -1]], "Difference of two neighbours.", "Tiny")
    >>> k.array.dtype, k.array.shape, k.array.flags.writeable
    (dtype('float32'), (1, 2), False)
    """

    name: str
    array: np.ndarray
    meaning: str
    title: str

    def __post_init__(self) -> None:
        for field in ("name", "meaning", "title"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"`{field}` must be a non-empty string, got {value!r}")
        arr = np.array(self.array, dtype=np.float32)  # always a private copy
        if arr.ndim != 2 or 0 in arr.shape:
            raise ValueError(f"`array` must be a non-empty 2-D array, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("`array` must contain only finite numbers (no NaN or infinity)")
        arr.setflags(write=False)
        object.__setattr__(self, "array", arr)


def _k(name: str, title: str, array: ArrayLike, meaning: str) -> Kernel:
    return Kernel(name=name, array=np.asarray(array), meaning=meaning, title=title)


_SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
_PREWITT_X = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
_HLINES = [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]

_PRESETS = (
    _k(
        "identity",
        "Identity",
        [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
        "Identity: copies each pixel unchanged (a 1 in the centre, 0 elsewhere).",
    ),
    _k(
        "box_blur_3",
        "Box blur 3x3",
        np.full((3, 3), 1 / 9),
        "Box blur 3x3: each pixel becomes the plain average of its 3x3 neighbourhood.",
    ),
    _k(
        "box_blur_5",
        "Box blur 5x5",
        np.full((5, 5), 1 / 25),
        "Box blur 5x5: the average of a 5x5 neighbourhood, a stronger blur than 3x3.",
    ),
    _k(
        "gaussian_blur",
        "Gaussian blur",
        np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
        "Gaussian blur: a weighted average where the centre counts most, a softer blur.",
    ),
    _k(
        "sharpen",
        "Sharpen",
        [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        "Sharpen: boosts each pixel against its 4 neighbours, so edges look crisper.",
    ),
    _k(
        "sobel_x",
        "Sobel x",
        _SOBEL_X,
        "Sobel x: responds to vertical edges (left-to-right brightness change); "
        "positive where it gets brighter to the right.",
    ),
    _k(
        "sobel_y",
        "Sobel y",
        np.transpose(_SOBEL_X),
        "Sobel y: responds to horizontal edges (top-to-bottom brightness change); "
        "positive where it gets brighter downwards.",
    ),
    _k(
        "prewitt_x",
        "Prewitt x",
        _PREWITT_X,
        "Prewitt x: like Sobel x (vertical edges), but all three rows count equally.",
    ),
    _k(
        "prewitt_y",
        "Prewitt y",
        np.transpose(_PREWITT_X),
        "Prewitt y: like Sobel y (horizontal edges), but all three columns count equally.",
    ),
    _k(
        "laplacian_4",
        "Laplacian (4 neighbours)",
        [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
        "Laplacian (4 neighbours): zero on flat areas and even slopes, large at edges and "
        "small spots, in every direction.",
    ),
    _k(
        "laplacian_8",
        "Laplacian (8 neighbours)",
        [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
        "Laplacian (8 neighbours): like the 4-neighbour one but also uses the diagonals.",
    ),
    _k(
        "emboss",
        "Emboss",
        [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
        "Emboss: lights one side of each edge and shades the other, like a relief in stone.",
    ),
    _k(
        "outline",
        "Outline",
        [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
        "Outline: black on flat areas, bright wherever a pixel differs from its neighbours.",
    ),
    _k(
        "horizontal_lines",
        "Horizontal lines",
        _HLINES,
        "Horizontal lines: responds to thin bright horizontal lines one pixel thick.",
    ),
    _k(
        "vertical_lines",
        "Vertical lines",
        np.transpose(_HLINES),
        "Vertical lines: responds to thin bright vertical lines one pixel thick.",
    ),
    _k(
        "roberts_x",
        "Roberts cross x",
        [[1, 0], [0, -1]],
        f"Roberts cross x: top-left minus bottom-right, so it finds diagonal edges; {_EVEN_NOTE}.",
    ),
    _k(
        "roberts_y",
        "Roberts cross y",
        [[0, 1], [-1, 0]],
        f"Roberts cross y: top-right minus bottom-left, the other diagonal; {_EVEN_NOTE}.",
    ),
    _k(
        "box_blur_2",
        "Box blur 2x2",
        np.full((2, 2), 0.25),
        f"Box blur 2x2: the average of a 2x2 block; {_EVEN_NOTE}.",
    ),
    _k(
        "box_blur_4",
        "Box blur 4x4",
        np.full((4, 4), 1 / 16),
        f"Box blur 4x4: the average of a 4x4 block; {_EVEN_NOTE}.",
    ),
)

#: The presets by name, in the order a menu should show them.
KERNELS: dict[str, Kernel] = {k.name: k for k in _PRESETS}


def kernel_names() -> list[str]:
    """Return the preset names in menu order.

    Returns
    -------
    list of str
        The keys of :data:`KERNELS`.

    Examples
    --------
    >>> kernel_names()[:3]
    ['identity', 'box_blur_3', 'box_blur_5']
    """
    return list(KERNELS)


def get_kernel(name: str) -> np.ndarray:
    """Return a writable float32 copy of the preset called `name`.

    Parameters
    ----------
    name : str
        One of :func:`kernel_names`.

    Returns
    -------
    ndarray of float32, shape (kH, kW)
        A fresh copy: changing it does not change the preset.

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If `name` is not a preset name.

    Examples
    --------
    >>> get_kernel("roberts_x")
    array([[ 1.,  0.],
           [ 0., -1.]], dtype=float32)
    """
    check_choice(name, "name", tuple(KERNELS))
    return KERNELS[name].array.copy()
