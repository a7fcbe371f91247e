"""Data augmentation: each training image shifted by a few pixels, seeded.

A digit moved by a pixel or two is still the same digit; showing the network such shifted
copies during training teaches it not to depend on the exact position (convolution is
equivariant to shifts, but the Dense layers after Flatten are not).
"""

from __future__ import annotations

import numpy as np

from convviz.base.checks import check_int

__all__ = ["MAX_SHIFT", "largest_shift", "shift_batch"]

#: The largest shift offered, in pixels (a quarter of a 16x16 image).
MAX_SHIFT = 4


def largest_shift(input_shape: tuple[int, int, int]) -> int:
    """The largest shift that images of ``input_shape`` allow: a quarter of the smaller side
    (rounded down, so a shifted image keeps most of itself), and at most :data:`MAX_SHIFT`.

    Parameters
    ----------
    input_shape : tuple of int, (H, W, C)

    Returns
    -------
    int, 0 to :data:`MAX_SHIFT`
        0 for images smaller than 4 pixels on a side: none of them can be shifted.

    Examples
    --------
    >>> largest_shift((28, 28, 1)), largest_shift((12, 12, 1)), largest_shift((8, 8, 3))
    (4, 3, 2)
    """
    if not isinstance(input_shape, tuple | list) or not all(
            isinstance(n, int | np.integer) and not isinstance(n, bool) for n in input_shape):
        raise TypeError(f"`input_shape` must be a tuple of ints (H, W, C), got "
                        f"{input_shape!r}")
    if len(input_shape) != 3 or min(input_shape) < 1:
        raise ValueError(f"`input_shape` must be an image shape (H, W, C), got "
                         f"{tuple(input_shape)}")
    h, w, _ = input_shape
    return min(MAX_SHIFT, min(h, w) // 4)


def shift_batch(x: np.ndarray, rng: np.random.Generator, max_shift: int) -> np.ndarray:
    """Each image of ``x`` moved by its own random whole-pixel shift, zeros shifted in.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
    rng : numpy.random.Generator
        Draws each image's (rows, columns) shift, uniformly in ``-max_shift..max_shift``.
    max_shift : int, 0 to :data:`MAX_SHIFT`
        0 returns ``x`` itself.

    Returns
    -------
    ndarray, shape (N, H, W, C)
        A new array of ``x``'s dtype (``x`` is not changed).

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> shift_batch(x, np.random.default_rng(0), 1)[0, :, :, 0]  # one row up
    array([[3., 4., 5.],
           [6., 7., 8.],
           [0., 0., 0.]])
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator, got {type(rng).__name__}")
    max_shift = check_int(max_shift, "max_shift", minimum=0)
    if max_shift > MAX_SHIFT:
        raise ValueError(f"`max_shift` must be between 0 and {MAX_SHIFT}, got {max_shift}")
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"`x` must be a batch of images (N, H, W, C), got shape {x.shape}")
    if max_shift == 0:
        return x
    n, h, w, _ = x.shape
    s = max_shift
    padded = np.pad(x, ((0, 0), (s, s), (s, s), (0, 0)))  # (N, H + 2s, W + 2s, C)
    top = rng.integers(0, 2 * s + 1, size=n)  # where each crop starts: s means no shift
    left = rng.integers(0, 2 * s + 1, size=n)
    rows = top[:, None] + np.arange(h)  # (N, H)
    cols = left[:, None] + np.arange(w)  # (N, W)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
