"""Working out the classes of an image-folder zip from its member names (no member is read).

The ImageFolder convention (torchvision, Keras ``image_dataset_from_directory``): each top-level
folder is a class and holds that class's images, at any depth below it. A single common root
folder around the class folders (``mydata/cats/1.png``) is looked through, as are macOS and
Windows extras (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``, any hidden file or folder).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from convviz.nn.data.safezip import member_parts

__all__ = ["FolderTree", "IMAGE_EXTENSIONS", "is_image_name", "scan_folders"]

#: File name endings that promise an image (used to tell "damaged image" from "not an image").
IMAGE_EXTENSIONS = frozenset(
    ".png .jpg .jpeg .jpe .jfif .gif .bmp .dib .webp .tif .tiff .ico .ppm .pgm .pbm .pnm .mpo"
    .split()
)
_JUNK_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_MAX_ROOT_DEPTH = 4  # look through at most this many nested common root folders


def is_image_name(name: str) -> bool:
    """True if `name` ends with an image file extension (case-insensitive).

    Examples
    --------
    >>> is_image_name("cats/Tom.JPG"), is_image_name("notes.txt")
    (True, False)
    """
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in IMAGE_EXTENSIONS


def _is_junk(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or (
        bool(parts) and parts[-1].lower() in _JUNK_FILES
    )


@dataclass
class FolderTree:
    """The classes found in a zip, and the files that belong to none of them."""

    #: class name -> [(display path, member)], classes and files sorted by name
    classes: dict[str, list[tuple[str, zipfile.ZipInfo]]] = field(default_factory=dict)
    #: display paths of files outside any class folder
    loose: list[str] = field(default_factory=list)


def _root_depth(files: list[tuple[str, ...]], dirs: list[tuple[str, ...]]) -> int:
    """How many leading common folders to look through before the class folders."""
    k = 0
    while k < _MAX_ROOT_DEPTH and files:
        heads = {p[k] for p in files if len(p) > k} | {p[k] for p in dirs if len(p) > k}
        deep = any(len(p) >= k + 3 for p in files)  # some file sits in root/class/...
        # An image directly in the candidate root means the root is itself a class folder.
        image_in_root = any(len(p) == k + 2 and is_image_name(p[-1]) for p in files)
        if len(heads) != 1 or not deep or image_in_root:
            break
        k += 1
    return k


def scan_folders(infos: list[zipfile.ZipInfo], *, what: str) -> FolderTree:
    """Group the members of a zip by class folder; refuse unsafe paths (see `member_parts`).

    Parameters
    ----------
    infos : list of zipfile.ZipInfo
        Every member of the archive.
    what : str
        How messages name the archive, e.g. ``"zip file"``.

    Returns
    -------
    FolderTree
        A folder entry with no files in it still appears as a class (with no files), so the
        caller can name it as an empty class.

    Examples
    --------
    >>> names = ["data/", "data/cats/1.png", "data/dogs/2.png", "__MACOSX/data/._1.png"]
    >>> tree = scan_folders([zipfile.ZipInfo(n) for n in names], what="zip")
    >>> {c: [p for p, _ in fs] for c, fs in tree.classes.items()}
    {'cats': ['cats/1.png'], 'dogs': ['dogs/2.png']}
    """
    files: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    dirs: list[tuple[str, ...]] = []
    for info in infos:
        parts = member_parts(info.filename, what=what)  # checks every member, junk included
        if not parts or _is_junk(parts):
            continue
        if info.is_dir():
            dirs.append(parts)
        else:
            files.append((parts, info))
    k = _root_depth([p for p, _ in files], dirs)
    tree = FolderTree()
    found: dict[str, list[tuple[str, zipfile.ZipInfo]]] = {}
    for parts in dirs:
        if len(parts) > k:
            found.setdefault(parts[k], [])
    for parts, info in files:
        rel = parts[k:]
        if len(rel) >= 2:
            found.setdefault(rel[0], []).append(("/".join(rel), info))
        else:
            tree.loose.append("/".join(parts))
    for name in sorted(found):
        tree.classes[name] = sorted(found[name], key=lambda item: item[0])
    tree.loose.sort()
    return tree
