"""MNIST files: the user's own MNIST-format files (IDX, optionally gzipped, or a Keras ``.npz``).

convviz never downloads MNIST; a user who has the files can upload them. The same formats fit
Fashion-MNIST, Kuzushiji-MNIST and the like (pass their `class_names`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.data import mnist_formats as fmt
from convviz.nn.data import safezip
from convviz.nn.data.dataset import (
    Dataset,
    DatasetError,
    check_fraction,
    check_seed,
    format_bytes,
    list_names,
)
from convviz.nn.data.split import stratified_split

__all__ = ["DEFAULT_MNIST_MAX_BYTES", "DEFAULT_MNIST_MAX_IMAGES", "load_mnist_files"]

#: Cap on all files together, as uploaded and after decompression (MNIST's four are 55 MB).
DEFAULT_MNIST_MAX_BYTES = 128_000_000
#: Cap on training plus test images (MNIST has 70,000).
DEFAULT_MNIST_MAX_IMAGES = 70_000
_MAX_ARRAY_BYTES = 256_000_000  # the float32 images
_MAX_CLASSES = 100
_MAX_FILES = 4

FileSource = bytes | bytearray | memoryview | IO[bytes]


def _named_files(files: Any) -> list[tuple[str, Any]]:
    if callable(getattr(files, "read", None)):
        files = [files]  # one upload (a file object is iterable too, by lines)
    if isinstance(files, Mapping):
        items = list(files.items())
    elif isinstance(files, Iterable) and not isinstance(files, (str, bytes, bytearray)):
        items = []
        for f in files:
            name = getattr(f, "name", None)
            if not isinstance(name, str):
                raise TypeError("`files` must hold file objects with a .name (as uploads have)")
            items.append((name, f))
    else:
        raise TypeError(
            "`files` must be a dict {file name: bytes or file object} or a list of uploaded "
            f"files, got {type(files).__name__}"
        )
    if not items:
        raise DatasetError("No files were given: upload the MNIST files (IDX or .npz).")
    if len(items) > _MAX_FILES:
        raise DatasetError(
            f"{len(items)} files were given; MNIST comes as at most four IDX files (training and "
            "test images and labels) or one .npz file."
        )
    for name, _ in items:
        if not isinstance(name, str):
            raise TypeError(f"`files` keys must be file names (str), got {name!r}")
    return items


def _role(name: str) -> str | None:
    low = name.lower().rsplit("/", 1)[-1]
    if "t10k" in low or "test" in low:
        return "test"
    if "train" in low:
        return "train"
    return None


def _from_idx(raws: list[tuple[str, bytes]]) -> dict[str, np.ndarray]:
    """Sort parsed IDX files into x_train, y_train, x_test, y_test by kind and file name."""
    parsed = [(name, fmt.parse_idx(name, raw)) for name, raw in raws]
    unnamed = [name for name, _ in parsed if _role(name) is None]
    if unnamed and len(parsed) > 2:
        raise DatasetError(
            f"Cannot tell whether {list_names(unnamed)} are training or test files: name them "
            "as MNIST does (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)."
        )
    arrays: dict[str, np.ndarray] = {}
    owner: dict[str, str] = {}
    for name, arr in parsed:
        key = ("x_" if arr.ndim == 3 else "y_") + (_role(name) or "train")
        if key in arrays:
            raise DatasetError(
                f"Both '{owner[key]}' and '{name}' are {'images' if key[0] == 'x' else 'labels'} "
                f"for {'testing' if key.endswith('test') else 'training'}: give one of each."
            )
        arrays[key], owner[key] = arr, name
    kinds = {"x_train": "training images", "y_train": "training labels"}
    missing = [kinds[k] for k in kinds if k not in arrays]
    if missing:
        raise DatasetError(
            f"The {' and '.join(missing)} file is missing. Upload train-images-idx3-ubyte and "
            "train-labels-idx1-ubyte (optionally .gz), and the t10k- test files if you have them."
        )
    if ("x_test" in arrays) != ("y_test" in arrays):
        have = "images" if "x_test" in arrays else "labels"
        raise DatasetError(
            f"Test {have} were given without the matching test "
            f"{'labels' if have == 'images' else 'images'}: give both t10k files, or neither."
        )
    return arrays


def _to_unit(x: np.ndarray) -> np.ndarray:
    """uint8 0..255 -> float32 0..1 (dividing, so 255 gives exactly 1)."""
    out = x.astype(np.float32)
    out /= np.float32(255)
    return out


def load_mnist_files(
    files: Mapping[str, FileSource] | Sequence[Any],
    *,
    class_names: Sequence[str] | None = None,
    test_fraction: float = 0.25,
    seed: int = 0,
    max_bytes: int = DEFAULT_MNIST_MAX_BYTES,
    max_images: int = DEFAULT_MNIST_MAX_IMAGES,
) -> Dataset:
    """Load MNIST-format files: IDX (optionally ``.gz``) or one ``.npz``.

    Parameters
    ----------
    files : dict {name: bytes or binary file object} or list of uploaded files
        Either IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte`` and
        optionally ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``; each may be gzipped)
        or a single ``.npz`` with arrays ``x_train``, ``y_train`` and optionally ``x_test``,
        ``y_test`` (as Keras' ``mnist.npz``). The kind of IDX file (images or labels) is read
        from its magic number; "t10k" or "test" in a name marks a test file, "train" a training
        file. A list holds objects with ``.name`` and ``.read()`` (Streamlit uploads).
    class_names : sequence of str or None, optional
        A name per label (e.g. Fashion-MNIST's). None: ``"0"``, ``"1"``, ... up to the largest
        label found (at most 100 classes).
    test_fraction : float, optional
        Used only when no test files are given: the share of each class of the training
        files held out (stratified).
    seed : int, optional
        The split when `test_fraction` is used.
    max_bytes : int, optional
        Cap on all files together, both as given and after decompression.
    max_images : int, optional
        Cap on training plus test images.

    Returns
    -------
    Dataset
        Images (N, H, W, C) float32 in [0, 1] (the uint8 values / 255), C = 1 for IDX.

    Raises
    ------
    DatasetError
        With a sentence for the user: wrong magic number, unsupported IDX data type, damaged or
        cut-off file, image and label counts that differ, labels out of range, fewer than two
        classes, pickled (object) arrays in an .npz, files over the limits.
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> import struct
    >>> images = struct.pack(">IIII", 0x803, 4, 2, 2) + bytes(range(16))
    >>> labels = struct.pack(">II", 0x801, 4) + bytes([0, 1, 0, 1])
    >>> ds = load_mnist_files({"train-images-idx3-ubyte": images,
    ...                        "train-labels-idx1-ubyte": labels}, test_fraction=0.5)
    >>> ds.input_shape, ds.n_train, ds.n_test, ds.class_names
    ((2, 2, 1), 2, 2, ('0', '1'))
    """
    items = _named_files(files)
    test_fraction = check_fraction(test_fraction)
    seed = check_seed(seed)
    max_bytes = check_int(max_bytes, "max_bytes", minimum=1)
    max_images = check_int(max_images, "max_images", minimum=2)
    if class_names is not None:
        class_names = tuple(class_names)
        if not all(isinstance(c, str) for c in class_names) or len(class_names) < 2:
            raise ValueError(f"`class_names` must be at least two str, got {class_names!r}")

    budget = max_bytes  # for all files together, as given and decompressed
    raws: list[tuple[str, bytes]] = []
    for name, source in items:
        together = (
            f"Together the files are larger than the {format_bytes(max_bytes)} limit "
            f"(counting gzipped files unpacked), reached at '{name}'. Please use smaller files."
        )
        raw = safezip.read_upload(
            source, max_bytes=budget, what=f"file '{name}'", too_large=together if raws else None
        )
        if raw[:2] == fmt.GZIP_MAGIC:
            raw = fmt.gunzip(
                f"file '{name}'", raw, limit=budget, too_large=together if raws else None
            )
        budget -= len(raw)
        raws.append((name, raw))
    is_npz = [name.lower().endswith(".npz") or raw[:2] == b"PK" for name, raw in raws]
    if any(is_npz):
        if len(raws) != 1:
            raise DatasetError("Give either one .npz file or the IDX files, not both or several.")
        arrays = fmt.read_npz(raws[0][0], raws[0][1], max_bytes=max_bytes)
    else:
        arrays = _from_idx(raws)

    x_train = fmt.check_images(arrays["x_train"], "x_train")
    y_train = fmt.check_labels(arrays["y_train"], "y_train", len(x_train))
    has_test = "x_test" in arrays
    if has_test:
        x_test = fmt.check_images(arrays["x_test"], "x_test")
        y_test = fmt.check_labels(arrays["y_test"], "y_test", len(x_test))
        if x_test.shape[1:] != x_train.shape[1:]:
            raise DatasetError(
                f"Test images are {x_test.shape[1:]} but training images {x_train.shape[1:]}: "
                "they must be the same size."
            )
    else:
        x_test, y_test = x_train[:0], y_train[:0]
    n_images = len(x_train) + len(x_test)
    if n_images > max_images:
        raise DatasetError(f"The files hold {n_images:,} images; the limit is {max_images:,}.")
    nbytes = n_images * int(np.prod(x_train.shape[1:])) * 4
    if nbytes > _MAX_ARRAY_BYTES:
        raise DatasetError(
            f"The images would need {format_bytes(nbytes)} of memory; the limit is "
            f"{format_bytes(_MAX_ARRAY_BYTES)}. Please use fewer or smaller images."
        )
    top = int(max(y_train.max(), y_test.max() if len(y_test) else 0))
    n_classes = len(class_names) if class_names is not None else top + 1
    if top >= n_classes or top >= _MAX_CLASSES:
        limit = n_classes if class_names is not None else _MAX_CLASSES
        raise DatasetError(
            f"A label is {top}, but labels must be class numbers 0 to {limit - 1}"
            + (" (one per name in `class_names`)." if class_names is not None else ".")
        )
    if len(np.unique(y_train)) < 2:
        raise DatasetError("The training labels hold only one class; a classifier needs two.")
    names = class_names if class_names is not None else tuple(str(k) for k in range(n_classes))

    notes: tuple[str, ...] = ()
    if not has_test:
        train, test = stratified_split(y_train, test_fraction, seed=seed)
        x_test, y_test = x_train[test], y_train[test]
        x_train, y_train = x_train[train], y_train[train]
        notes = (f"No test files were given: {len(test):,} training images are held out.",)
    h, w, c = x_train.shape[1:]
    return Dataset(
        x_train=_to_unit(x_train),
        y_train=y_train,
        x_test=_to_unit(x_test),
        y_test=y_test,
        class_names=tuple(names),
        name="MNIST files",
        description=(
            f"Your MNIST-format files ({list_names([n for n, _ in raws])}): "
            f"{len(x_train):,} training and {len(x_test):,} test images of {h}x{w}"
            f"{'' if c == 1 else ' RGB'}, {len(names)} classes."
        ),
        notes=notes,
    )
