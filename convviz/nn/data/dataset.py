"""The :class:`Dataset` container and :class:`DatasetError`, shared by every data set loader.

A data set is four arrays, channels last as everywhere in convviz: images ``(N, H, W, C)`` float32
in [0, 1] and labels ``(N,)`` int64 in ``0 .. n_classes - 1``, for a training and a test split.

Examples
--------
>>> import numpy as np
>>> ds = Dataset(
...     x_train=np.zeros((4, 8, 8, 1), np.float32), y_train=np.array([0, 1, 0, 1]),
...     x_test=np.zeros((2, 8, 8, 1), np.float32), y_test=np.array([0, 1]),
...     class_names=("no", "yes"), name="Tiny",
... )
>>> ds.input_shape, ds.n_classes, ds.n_train, ds.n_test
((8, 8, 1), 2, 4, 2)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Dataset", "DatasetError"]


class DatasetError(ValueError):
    """A data set could not be made from what the user gave; the message says why in plain words.

    Pages show the message as it is (``st.error(str(exc))``): it names the problem, the file or
    class folder involved where there is one, and what to do about it.
    """


def _images(value: Any, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"`{name}` must be a float array in [0, 1], got dtype {arr.dtype}")
    if arr.ndim != 4:
        raise ValueError(f"`{name}` must be 4-D (N, H, W, C), got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    if arr.size and not (np.isfinite(arr).all() and arr.min() >= 0 and arr.max() <= 1):
        raise ValueError(f"`{name}` must hold finite values in [0, 1]")
    return arr


def _labels(value: Any, name: str, n: int, n_classes: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.size == 0:
        arr = arr.astype(np.int64)  # an empty list is float64 to numpy
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"`{name}` must be an integer array, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"`{name}` must have shape ({n},) to match the images, got {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"`{name}` must hold class indices 0 .. {n_classes - 1}, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return np.ascontiguousarray(arr, dtype=np.int64)


def _read_only(arr: np.ndarray) -> np.ndarray:
    """A read-only view: a frozen data set cannot be changed in place by accident."""
    view = arr.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test images with their labels, ready for a small CNN.

    Parameters
    ----------
    x_train : ndarray of float32, shape (N, H, W, C)
        Training images in [0, 1] (other float dtypes are converted to float32).
    y_train : ndarray of int64, shape (N,)
        Class index of each training image, ``0 <= y < n_classes``.
    x_test : ndarray of float32, shape (M, H, W, C)
        Held-out images of the same (H, W, C); ``M`` may be 0.
    y_test : ndarray of int64, shape (M,)
    class_names : tuple of str
        One unique name per class; ``class_names[k]`` names label ``k``.
    name : str
        Short title for the UI, e.g. ``"Handwritten digits"``.
    description : str, optional
        One or two sentences on where the data came from and how it was prepared.
    notes : tuple of str, optional
        Things the user should know, e.g. files that were skipped and why.

    Notes
    -----
    The arrays are stored as read-only views (the data set is frozen); copy one to change it.
    Equality and hashing are by identity (``eq=False``): comparing arrays has no single answer.

    Examples
    --------
    >>> ds = Dataset(np.ones((2, 4, 4, 3)), [0, 1], np.ones((0, 4, 4, 3)), [], ("a", "b"), "AB")
    >>> ds.x_train.dtype, ds.input_shape, ds.class_counts("train").tolist()
    (dtype('float32'), (4, 4, 3), [1, 1])
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    name: str
    description: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = tuple(self.class_names) if not isinstance(self.class_names, str) else None
        if not names or not all(isinstance(c, str) for c in names):
            raise TypeError(f"`class_names` must be a non-empty tuple of str, got {names!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"`class_names` must be unique, got {names!r}")
        for field_name in ("name", "description"):
            if not isinstance(getattr(self, field_name), str):
                raise TypeError(f"`{field_name}` must be a str")
        notes = tuple(self.notes) if not isinstance(self.notes, str) else (self.notes,)
        if not all(isinstance(n, str) for n in notes):
            raise TypeError("`notes` must be a tuple of str")
        x_train = _images(self.x_train, "x_train")
        x_test = _images(self.x_test, "x_test")
        if x_train.shape[0] == 0:
            raise ValueError("`x_train` must hold at least one image")
        if x_test.shape[1:] != x_train.shape[1:]:
            raise ValueError(
                f"`x_test` images must have the shape of `x_train` images {x_train.shape[1:]}, "
                f"got {x_test.shape[1:]}"
            )
        y_train = _labels(self.y_train, "y_train", x_train.shape[0], len(names))
        y_test = _labels(self.y_test, "y_test", x_test.shape[0], len(names))
        for key, value in (
            ("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test),
        ):  # fmt: skip
            object.__setattr__(self, key, _read_only(value))
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "notes", notes)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The shape of one image, ``(H, W, C)``."""
        _, h, w, c = self.x_train.shape
        return (h, w, c)

    @property
    def n_classes(self) -> int:
        """The number of classes, ``len(class_names)``."""
        return len(self.class_names)

    @property
    def n_train(self) -> int:
        """The number of training images."""
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        """The number of test images."""
        return int(self.x_test.shape[0])

    def class_counts(self, split: str = "train") -> np.ndarray:
        """Images per class in one split.

        Parameters
        ----------
        split : {"train", "test"}

        Returns
        -------
        ndarray of int64, shape (n_classes,)
        """
        if split not in ("train", "test"):
            raise ValueError(f"`split` must be 'train' or 'test', got {split!r}")
        y = self.y_train if split == "train" else self.y_test
        return np.bincount(y, minlength=self.n_classes).astype(np.int64)


def check_fraction(value: Any, name: str = "test_fraction") -> float:
    """Return ``value`` as a float strictly between 0 and 1, or raise naming ``name``.

    Examples
    --------
    >>> check_fraction(0.25)
    0.25
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number between 0 and 1, got {value!r}")
    value = float(value)
    if not 0 < value < 1:
        raise ValueError(f"`{name}` must be strictly between 0 and 1, got {value}")
    return value


def check_seed(value: Any, name: str = "seed") -> int:
    """Return ``value`` as a non-negative int seed, or raise naming ``name``.

    Examples
    --------
    >>> check_seed(7)
    7
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer, got {value}")
    return int(value)


def format_bytes(n: int) -> str:
    """``1_500_000 -> '1.5 MB'``, ``2000 -> '2 KB'``, ``12 -> '12 bytes'`` (decimal units).

    Examples
    --------
    >>> format_bytes(200_000_000), format_bytes(20_000), format_bytes(5)
    ('200 MB', '20 KB', '5 bytes')
    """
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def list_names(names: list[str] | tuple[str, ...], limit: int = 5) -> str:
    """Quote and join a few names: ``'a', 'b' and 3 more``.

    Examples
    --------
    >>> list_names(["a.txt", "b.doc"])
    "'a.txt', 'b.doc'"
    >>> list_names(list("abcdefg"), limit=2)
    "'a', 'b' and 5 more"
    """
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown
