"""Argument checks shared by the public engine functions.

Every public function validates at its boundary and raises ``TypeError`` for a wrong
type or ``ValueError`` for a bad value, naming the argument, the value and what would
be valid.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def check_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name``.

    Examples
    --------
    >>> check_int(3, "stride", minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {kind}, got {value}")
    return value


def check_pair(value: Any, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Return ``value`` (an int or a (rows, cols) pair) as a pair of ints.

    Examples
    --------
    >>> check_pair(2, "stride")
    (2, 2)
    >>> check_pair((1, 3), "dilation")
    (1, 3)
    """
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(
                f"`{name}` must be an integer or a (rows, cols) pair, got {tuple(value)!r}"
            )
        return (
            check_int(value[0], f"{name}[0]", minimum=minimum),
            check_int(value[1], f"{name}[1]", minimum=minimum),
        )
    v = check_int(value, name, minimum=minimum)
    return (v, v)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, or raise naming them.

    Examples
    --------
    >>> check_choice("max", "mode", ("max", "avg"))
    'max'
    """
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be one of {', '.join(map(repr, choices))}, got {value!r}")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_rng(value: Any, name: str) -> np.random.Generator:
    """Return ``value`` if it is a ``numpy.random.Generator``, or raise naming ``name``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> check_rng(rng, "rng") is rng
    True
    """
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"`{name}` must be a numpy.random.Generator, got {type(value).__name__}")
    return value


def as_float_array(value: Any, name: str, *, ndims: tuple[int, ...]) -> np.ndarray:
    """Return ``value`` as a real floating array with one of the allowed ranks.

    Integer and boolean input becomes float64 (exact for teaching grids); float32 and
    float64 are kept as they are.

    Examples
    --------
    >>> as_float_array([[1, 2], [3, 4]], "x", ndims=(2,)).dtype
    dtype('float64')
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"`{name}` must be an array of numbers: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
    ):
        raise TypeError(f"`{name}` must be an array of real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"`{name}` must be real, got dtype {arr.dtype}")
    if arr.ndim not in ndims:
        allowed = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"`{name}` must be {allowed}, got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"`{name}` must not be empty, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must contain only finite numbers (no NaN or infinity)")
    return arr


def per_channel_bias(bias: Any, n: int, dtype: Any, *, what: str = "filter") -> np.ndarray:
    """A bias as one number per output channel: None gives zeros, a scalar is repeated.

    Parameters
    ----------
    bias : None, float or array_like of shape (n,)
    n : int
        The number of output channels.
    dtype : numpy dtype
        The dtype of the zeros when ``bias`` is None.
    what : str
        What one output channel is called in the error message.

    Examples
    --------
    >>> per_channel_bias(0.5, 3, np.float64)
    array([0.5, 0.5, 0.5])
    """
    if bias is None:
        return np.zeros(n, dtype=dtype)
    b = as_float_array(np.reshape(np.asarray(bias), -1), "bias", ndims=(1,))
    if b.shape[0] == 1:
        b = np.repeat(b, n)
    if b.shape != (n,):
        raise ValueError(f"`bias` must be a scalar or have shape ({n},), one per {what}, "
                         f"got shape {np.shape(bias)}")
    return b
