"""Reading uploaded zip archives in memory, with bounded size and count.

Shared by the image-folder zip and the ``.npz`` loaders. Nothing is ever written to disk. Before
any member is read: the upload's own size is capped, the number of entries is read from the
end-of-archive record (so a zip listing millions of files is refused before Python builds a
million ``ZipInfo`` objects), every member name is checked for path traversal, and the declared
uncompressed sizes are checked against a total and a compression-ratio limit (zip bombs). Each
member is then read with a bounded read, so a member that lies about its size cannot blow up.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from typing import Any

from convviz.nn.data.dataset import DatasetError, format_bytes

#: Members that unpack to more than this and are compressed more than `MAX_RATIO` times are
#: treated as zip bombs (real photos and PNGs are already compressed: ratio near 1).
BOMB_MIN_BYTES = 2_000_000
MAX_RATIO = 250

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")
# What a damaged or unsupported member can make zipfile raise while reading.
MEMBER_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
    ValueError, struct.error,
)  # fmt: skip


class MemberError(Exception):
    """One member could not be read; ``str(exc)`` is the reason in plain words."""


def read_upload(data: Any, *, max_bytes: int, what: str, too_large: str | None = None) -> bytes:
    """The bytes of an upload (bytes or a binary file object), read with a bounded read.

    `what` names the upload in messages ("zip file"); `too_large` replaces the message given
    when it holds more than `max_bytes` bytes.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    elif callable(getattr(data, "read", None)):
        seek = getattr(data, "seek", None)
        if callable(seek):
            try:
                seek(0)  # a Streamlit upload may have been read already
            except (OSError, ValueError):
                pass
        raw = data.read(max_bytes + 1)
        if isinstance(raw, str):
            raise TypeError("`data` must be opened in binary mode ('rb'), got a text stream")
        if not isinstance(raw, (bytes, bytearray, memoryview)):
            raise TypeError(f"`data`.read() must return bytes, got {type(raw).__name__}")
        raw = bytes(raw)
    else:
        raise TypeError(
            f"`data` must be bytes or a binary file object with .read(), got {type(data).__name__}"
        )
    if not raw:
        raise DatasetError(f"The {what} is empty (0 bytes).")
    if len(raw) > max_bytes:
        raise DatasetError(
            too_large
            or f"The {what} is larger than the {format_bytes(max_bytes)} limit. Please use fewer "
            "or smaller files."
        )
    return raw


def _entry_count(raw: bytes) -> int | None:
    """The number of entries from the end-of-archive record, or None if there is none."""
    pos = raw.rfind(_EOCD, max(0, len(raw) - 22 - 65535))
    if pos < 0 or pos + 22 > len(raw):
        return None
    count = struct.unpack_from("<H", raw, pos + 10)[0]
    if count != 0xFFFF:
        return count
    # ZIP64: the true count is in the ZIP64 end record, found through its locator.
    loc = pos - 20
    if loc < 0 or raw[loc : loc + 4] != _EOCD64_LOCATOR:
        return count
    offset = struct.unpack_from("<Q", raw, loc + 8)[0]
    if offset + 40 > len(raw) or raw[offset : offset + 4] != _EOCD64:
        return count
    return struct.unpack_from("<Q", raw, offset + 32)[0]


def open_zip(raw: bytes, *, max_files: int, what: str, hint: str = "") -> zipfile.ZipFile:
    """Open `raw` as a zip in memory after checking its entry count."""
    count = _entry_count(raw)
    if count is None and raw.startswith(b"PK\x03\x04"):  # a zip's start without its end
        raise DatasetError(
            f"The {what} is damaged or cut off (its end is missing): it may not have finished "
            "uploading or downloading. Please zip the files again."
        )
    if count is None:
        raise DatasetError(f"The {what} is not a zip archive.{hint}")
    if count > max_files:
        raise DatasetError(
            f"The {what} lists {count:,} files; the limit is {max_files:,}. Please use fewer files."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, *MEMBER_ERRORS):
        raise DatasetError(
            f"The {what} is damaged or not a zip archive that can be read.{hint}"
        ) from None
    if len(zf.infolist()) > max_files:  # the record may understate the count
        zf.close()
        raise DatasetError(f"The {what} has more than {max_files:,} files. Please use fewer files.")
    return zf


def member_parts(name: str, *, what: str) -> tuple[str, ...]:
    """The folder parts of a member name; refuse absolute and ``..`` paths."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        raise DatasetError(
            f"The {what} was refused: it contains a file with an absolute path ('{name}'). "
            "A safe zip only holds paths relative to its own top folder."
        )
    parts = tuple(p for p in norm.split("/") if p not in ("", "."))
    if ".." in parts:
        raise DatasetError(
            f"The {what} was refused: the path '{name}' uses '..' to point outside the archive "
            "(path traversal). A safe zip only holds paths inside its own folders."
        )
    return parts


def check_declared_sizes(infos: list[zipfile.ZipInfo], *, max_bytes: int, what: str) -> int:
    """Refuse zip bombs from the sizes the archive declares; return the declared total."""
    total = 0
    for info in infos:
        size = info.file_size
        if size > BOMB_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise DatasetError(
                f"The {what} was refused: '{info.filename}' would unpack from "
                f"{format_bytes(info.compress_size)} to {format_bytes(size)}, which is how a "
                "'zip bomb' looks. Please zip ordinary image files."
            )
        total += size
    if total > max_bytes:
        raise DatasetError(
            f"The {what} was refused: it would unpack to {format_bytes(total)}, more than the "
            f"{format_bytes(max_bytes)} limit. Please use fewer or smaller files."
        )
    return total


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one member fully, never more than its declared size plus one byte."""
    if info.flag_bits & 0x1:
        raise MemberError("it is password-protected")
    try:
        with zf.open(info) as fp:
            data = fp.read(info.file_size + 1)  # bounded: a lying header cannot make it grow
    except NotImplementedError:
        raise MemberError("it is compressed with a method Python cannot read") from None
    except MEMBER_ERRORS:
        raise MemberError("it is damaged inside the zip") from None
    if len(data) != info.file_size:
        raise MemberError("it is damaged inside the zip (its size does not match)")
    return data
