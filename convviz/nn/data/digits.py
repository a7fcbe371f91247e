"""Handwritten digits: scikit-learn's 1,797 real 8x8 scans, upsampled for a small CNN.

The scans ship inside scikit-learn (``sklearn.datasets.load_digits``): nothing is downloaded.
They are 8x8 grayscale images with pixel values 0..16 of the digits 0-9, written by 43 people;
see the UCI "Optical Recognition of Handwritten Digits" data set.

Examples
--------
>>> ds = load_digits_dataset()
>>> ds.input_shape, ds.n_classes, ds.n_train + ds.n_test
((16, 16, 1), 10, 1797)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import ndimage

from convviz.base.checks import check_int
from convviz.nn.data.dataset import Dataset, check_fraction, check_seed

__all__ = ["load_digits_dataset"]

_NATIVE = 8  # the scans are 8x8
_MIN_SIZE, _MAX_SIZE = 8, 32


@lru_cache(maxsize=1)
def _raw_digits() -> tuple[np.ndarray, np.ndarray]:
    """The bundled scans as read-only (1797, 8, 8) float32 in [0, 1] and (1797,) int64 labels."""
    from sklearn.datasets import load_digits  # imported here: sklearn is slow to import

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)  # 0..16 -> [0, 1]
    labels = bunch.target.astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_digits_dataset(
    *, size: int = 16, test_fraction: float = 0.25, seed: int = 0
) -> Dataset:
    """The 1,797 handwritten digit scans, upsampled and split into train and test.

    Parameters
    ----------
    size : int, optional
        Side of the square images, 8 to 32. The 8x8 scans are upsampled with bilinear
        interpolation (``scipy.ndimage.zoom``, ``order=1``, pixel-area grid), which keeps every
        value in [0, 1]; ``size=8`` keeps the scans as they are.
    test_fraction : float, optional
        Share of the images held out for testing, strictly between 0 and 1. The split is
        stratified (every digit keeps its share in both parts) and fixed by `seed`
        (``sklearn.model_selection.train_test_split``); the test part is
        ``ceil(1797 * test_fraction)`` images.
    seed : int, optional
        Which images are held out.

    Returns
    -------
    Dataset
        ``x_train`` (N, size, size, 1) float32 in [0, 1] (white digit on black, as MNIST),
        labels 0-9, ``class_names`` ``("0", ..., "9")``.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> ds = load_digits_dataset(size=8, test_fraction=0.5, seed=3)
    >>> ds.x_train.shape, ds.x_test.shape
    ((898, 8, 8, 1), (899, 8, 8, 1))
    """
    size = check_int(size, "size", minimum=1)
    if not _MIN_SIZE <= size <= _MAX_SIZE:
        raise ValueError(f"`size` must be between {_MIN_SIZE} and {_MAX_SIZE}, got {size}")
    test_fraction = check_fraction(test_fraction)
    seed = check_seed(seed)
    images, labels = _raw_digits()
    n, n_classes = len(labels), 10
    n_test = int(np.ceil(n * test_fraction))
    if n_test < n_classes or n - n_test < n_classes:
        raise ValueError(
            f"`test_fraction` must leave at least {n_classes} images (one per digit) in each "
            f"part, got {test_fraction} ({n - n_test} train, {n_test} test)"
        )

    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(
        np.arange(n), test_size=test_fraction, stratify=labels, random_state=seed
    )
    if size == _NATIVE:
        x = images.copy()
    else:
        zoom = size / _NATIVE
        # (N, 8, 8) -> (N, size, size); grid_mode treats pixels as areas, as image resizers do.
        x = ndimage.zoom(images, (1, zoom, zoom), order=1, grid_mode=True, mode="nearest")
        np.clip(x, 0.0, 1.0, out=x)
    x = x[:, :, :, np.newaxis]  # (N, size, size, 1)
    scaled = "as scanned" if size == _NATIVE else f"upsampled to {size}x{size} (bilinear)"
    return Dataset(
        x_train=x[train_idx],
        y_train=labels[train_idx],
        x_test=x[test_idx],
        y_test=labels[test_idx],
        class_names=tuple(str(d) for d in range(n_classes)),
        name="Handwritten digits",
        description=(
            f"{n:,} real 8x8 scans of handwritten digits 0-9 from scikit-learn, {scaled}: "
            f"{len(train_idx):,} for training and {len(test_idx):,} for testing, split so "
            "that every digit keeps its share in both."
        ),
    )
