"""Your images: a .zip of one folder per class, read safely in memory.

The zip follows the ImageFolder convention (see :mod:`convviz.nn.data.folders`)::

    mydata.zip
      mydata/            (an optional common root folder)
        cats/  1.png  2.jpg ...
        dogs/  a.png  b.png ...

Safety for a classroom server (see :mod:`convviz.nn.data.safezip`): nothing is written to disk,
the upload, the number of files and classes and the unpacked bytes are capped before anything is
unpacked, paths that point outside the archive refuse the whole zip, zip bombs are refused, each
member is read with a bounded read and each image's pixel count is checked from its header.
"""

from __future__ import annotations

from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps

from convviz.base.checks import check_choice, check_int, check_pair
from convviz.imaging.images import DEFAULT_MAX_PIXELS, ImageError, load_image
from convviz.imaging.pixels import to_uint8
from convviz.nn.data import safezip
from convviz.nn.data.dataset import (
    Dataset,
    DatasetError,
    check_fraction,
    check_seed,
    format_bytes,
    list_names,
)
from convviz.nn.data.folders import is_image_name, scan_folders
from convviz.nn.data.split import stratified_split

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CLASSES",
    "DEFAULT_MAX_FILES",
    "load_image_folder_zip",
]

#: Cap on the upload and on the total unpacked size of its members.
DEFAULT_MAX_BYTES = 100_000_000
#: Cap on the number of entries in the zip (files and folders).
DEFAULT_MAX_FILES = 20_000
#: Cap on the number of class folders.
DEFAULT_MAX_CLASSES = 100
#: A single member larger than this is skipped (and reported), not read.
MAX_MEMBER_BYTES = 20_000_000
#: Cap on the finished float32 image arrays.
MAX_ARRAY_BYTES = 256_000_000
_MIN_SIDE, _MAX_SIDE = 8, 128
_WHAT = "zip file"
_DAMAGED = "a damaged, unsupported or too large image"
_HOW = (
    " Put the images in one folder per class, e.g. cats/1.png, cats/2.png, dogs/1.png, "
    "and zip those folders."
)


def fit_to_shape(img: np.ndarray, hw: tuple[int, int], channels: int,
                 fit: str) -> np.ndarray:
    """(H, W, 1 or 3) float in [0, 1] -> (h, w, channels) float32, stretched or center-cropped."""
    u8 = to_uint8(img)
    pil = Image.fromarray(u8[:, :, 0] if u8.shape[2] == 1 else u8)
    pil = pil.convert("L" if channels == 1 else "RGB")  # "L" uses the ITU-R 601 luma weights
    h, w = hw
    if fit == "crop":
        pil = ImageOps.fit(pil, (w, h), method=Image.Resampling.LANCZOS)
    else:
        pil = pil.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return (np.asarray(pil, dtype=np.float32) / np.float32(255)).reshape(h, w, channels)


def _skipped_notes(skipped: dict[str, list[str]]) -> list[str]:
    notes = []
    for reason, paths in skipped.items():
        if paths:
            n = len(paths)
            noun = "file" if n == 1 else "files"
            notes.append(f"Skipped {n} {noun} ({reason}): {list_names(paths)}.")
    return notes


def load_image_folder_zip(
    data: bytes | bytearray | memoryview | IO[bytes],
    *,
    size: int | tuple[int, int] = (28, 28),
    channels: int = 1,
    fit: str = "stretch",
    test_fraction: float = 0.25,
    seed: int = 0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    max_classes: int = DEFAULT_MAX_CLASSES,
) -> Dataset:
    """Build a data set from a zip of class folders (ImageFolder), entirely in memory.

    Parameters
    ----------
    data : bytes, bytearray, memoryview or binary file object
        The zip archive (a Streamlit upload works as it is). Read with a bounded read.
    size : int or (int, int), optional
        ``(height, width)`` of the images the model takes, each 8 to 128; an int means square.
    channels : {1, 3}, optional
        1 for grayscale (colour images are converted with the ITU-R 601 luma weights), 3 for
        RGB (grayscale images are repeated into three channels).
    fit : {"stretch", "crop"}, optional
        How an image whose shape differs from `size` is made to fit: "stretch" resizes the
        whole picture, ignoring its aspect ratio (as Keras does by default); "crop" cuts the
        largest centred region of the right aspect ratio, then resizes it.
    test_fraction : float, optional
        Share of each class held out for testing, strictly between 0 and 1. Each class gives
        ``n * test_fraction`` images (rounded half up), at least one when it has two or more,
        and always keeps at least one for training: a class with a single image is used for
        training only (a note says so).
    seed : int, optional
        Which images are held out, and the order of both parts.
    max_bytes : int, optional
        Cap on the size of the upload and, separately, on the total unpacked size of all its
        members (checked from the archive's own records before anything is unpacked).
    max_files : int, optional
        Cap on the number of entries in the archive, at most 65,000.
    max_classes : int, optional
        Cap on the number of class folders.

    Returns
    -------
    Dataset
        Images (N, h, w, channels) float32 in [0, 1]; ``class_names`` are the folder names in
        sorted order (as torchvision's ImageFolder), labels index them. ``notes`` lists files
        that were skipped and why (not images, damaged, too large, outside any class folder)
        and classes too small to be tested.

    Raises
    ------
    DatasetError
        With a sentence for the user when the upload is not a zip, too large, holds unsafe
        paths (``../`` or absolute), looks like a zip bomb, has too many files or classes,
        fewer than two classes, or a class folder without a readable image.
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> import io, zipfile
    >>> def png(v):
    ...     buf = io.BytesIO(); Image.new("L", (40, 30), v).save(buf, "PNG"); return buf.getvalue()
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     for i in range(3):
    ...         zf.writestr(f"pics/dark/{i}.png", png(10 * i))
    ...         zf.writestr(f"pics/light/{i}.png", png(200 + 10 * i))
    ...     zf.writestr("pics/light/notes.txt", "hello")
    >>> ds = load_image_folder_zip(buf.getvalue(), size=16)
    >>> ds.class_names, ds.input_shape, ds.n_train, ds.n_test
    (('dark', 'light'), (16, 16, 1), 4, 2)
    >>> ds.notes
    ("Skipped 1 file (not an image): 'light/notes.txt'.",)
    """
    hw = check_pair(size, "size")
    if not all(_MIN_SIDE <= s <= _MAX_SIDE for s in hw):
        raise ValueError(f"`size` sides must be between {_MIN_SIDE} and {_MAX_SIDE}, got {hw}")
    channels = check_int(channels, "channels", minimum=1)
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 (grayscale) or 3 (RGB), got {channels}")
    fit = check_choice(fit, "fit", ("stretch", "crop"))
    test_fraction = check_fraction(test_fraction)
    seed = check_seed(seed)
    max_bytes = check_int(max_bytes, "max_bytes", minimum=1)
    max_files = check_int(max_files, "max_files", minimum=1)
    if max_files > 65_000:
        raise ValueError(f"`max_files` must be at most 65,000, got {max_files}")
    max_classes = check_int(max_classes, "max_classes", minimum=2)

    raw = safezip.read_upload(data, max_bytes=max_bytes, what=_WHAT)
    with safezip.open_zip(raw, max_files=max_files, what=_WHAT, hint=_HOW) as zf:
        infos = zf.infolist()
        tree = scan_folders(infos, what=_WHAT)  # refuses ../ and absolute paths
        safezip.check_declared_sizes(infos, max_bytes=max_bytes, what=_WHAT)
        _check_classes(tree.classes, tree.loose, max_classes)
        n_files = sum(len(files) for files in tree.classes.values())
        per_image = hw[0] * hw[1] * channels * 4
        if n_files * per_image > MAX_ARRAY_BYTES:
            raise DatasetError(
                f"{n_files:,} images of {hw[0]}x{hw[1]}x{channels} would need "
                f"{format_bytes(n_files * per_image)} of memory; the limit is "
                f"{format_bytes(MAX_ARRAY_BYTES)}. Please use a smaller image size, grayscale, "
                "or fewer images."
            )
        x, y, skipped, per_class = _read_images(zf, tree.classes, hw, channels, fit)

    names = tuple(tree.classes)
    empty = [c for c in names if per_class[c]["kept"] == 0]
    if empty:
        raise DatasetError(_empty_classes_message(empty, per_class))
    notes = _skipped_notes(skipped)
    if tree.loose:
        notes.append(
            f"Ignored {len(tree.loose)} file(s) outside the class folders: "
            f"{list_names(tree.loose)}."
        )
    train, test = stratified_split(y, test_fraction, seed=seed)
    singles = [names[k] for k in range(len(names)) if np.count_nonzero(y == k) == 1]
    if singles:
        has, it = ("has", "it") if len(singles) == 1 else ("have", "them")
        notes.append(
            f"{list_names(singles)} {has} only one image, used for training only: the test set "
            f"has no example of {it}. Add more images to test {it}."
        )
    how = "stretched to fit" if fit == "stretch" else "center-cropped"
    colour = "grayscale" if channels == 1 else "RGB"
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        class_names=names,
        name="Your images",
        description=(
            f"{len(y):,} images in {len(names)} classes from your zip ({list_names(names)}), "
            f"resized to {hw[0]}x{hw[1]} {colour} ({how}): {len(train):,} for training, "
            f"{len(test):,} for testing."
        ),
        notes=tuple(notes),
    )


def _empty_classes_message(empty: list[str], per_class: dict[str, dict[str, Any]]) -> str:
    details = []
    for c in empty:
        bad = per_class[c]["skipped"]
        why = f"it holds {len(bad)} file(s) that could not be used: {list_names(bad, 3)}"
        details.append(f"'{c}' ({why if bad else 'it is empty'})")
    which = "This class folder has" if len(empty) == 1 else "These class folders have"
    return (
        f"{which} no image that could be read: {'; '.join(details)}. Every class needs at least "
        "one image (PNG, JPEG, GIF, BMP, WebP or TIFF), or remove the folder."
    )


def _check_classes(classes: dict[str, Any], loose: list[str], max_classes: int) -> None:
    if not classes:
        found = f" It holds only loose files ({list_names(loose, 3)})." if loose else ""
        raise DatasetError(f"The zip file has no class folders.{found}{_HOW}")
    if len(classes) > max_classes:
        raise DatasetError(
            f"The zip file has {len(classes):,} class folders; the limit is {max_classes}. "
            "Each top-level folder is one class: check that the images are grouped in one "
            "folder per class, not one folder per image."
        )
    if len(classes) == 1:
        only = next(iter(classes))
        raise DatasetError(
            f"A classifier needs at least two classes, but the zip file has only one class "
            f"folder ('{only}'). Add a folder for each other class, next to '{only}'."
        )


def _read_images(
    zf: Any, classes: dict[str, list[tuple[str, Any]]], hw: tuple[int, int], channels: int,
    fit: str,
) -> tuple[np.ndarray, np.ndarray, dict[str, list[str]], dict[str, dict[str, Any]]]:
    """Decode every file of every class; skip (and record) the ones that are not usable."""
    n_files = sum(len(files) for files in classes.values())
    x = np.empty((n_files, hw[0], hw[1], channels), dtype=np.float32)  # (N, h, w, C)
    labels: list[int] = []
    skipped: dict[str, list[str]] = {}
    per_class: dict[str, dict[str, Any]] = {}
    max_side = max(256, 4 * max(hw))  # decode big photos small: far less memory, same result
    for label, (cname, files) in enumerate(classes.items()):
        stats: dict[str, Any] = {"kept": 0, "skipped": []}
        per_class[cname] = stats
        for path, info in files:
            reason = None
            if info.file_size > MAX_MEMBER_BYTES:
                reason = f"larger than {format_bytes(MAX_MEMBER_BYTES)}"
            else:
                try:
                    blob = safezip.read_member(zf, info)
                    img = load_image(blob, max_pixels=DEFAULT_MAX_PIXELS, max_side=max_side)
                    x[len(labels)] = fit_to_shape(img, hw, channels, fit)
                except safezip.MemberError as exc:
                    reason = str(exc)
                except ImageError:
                    damaged = is_image_name(path)  # named like an image, but unreadable
                    reason = _DAMAGED if damaged else "not an image"
            if reason is None:
                labels.append(label)
                stats["kept"] += 1
            else:
                skipped.setdefault(reason, []).append(path)
                stats["skipped"].append(path)
    y = np.asarray(labels, dtype=np.int64)
    return x[: len(labels)], y, skipped, per_class
