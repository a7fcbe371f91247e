"""Parsing the MNIST file formats from bytes, with every size bounded before allocating.

IDX (LeCun's format, http://yann.lecun.com/exdb/mnist/): a 4-byte magic number (two zero bytes,
a type code, the number of dimensions), then one big-endian uint32 per dimension, then the data.
Images are ``0x00000803`` (count, rows, columns), labels ``0x00000801`` (count). Either may be
gzip-compressed (``.gz``). ``.npz`` (as Keras' ``mnist.npz``): a zip of ``.npy`` arrays; each
``.npy`` header is parsed here first, so a header that claims a huge shape or Python objects
(pickles) is refused before any memory is allocated or any object is built.
"""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np

from convviz.nn.data import safezip
from convviz.nn.data.dataset import DatasetError, format_bytes

GZIP_MAGIC = b"\x1f\x8b"
_IDX_TYPES = {
    0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer", 0x0C: "32-bit integer",
    0x0D: "float", 0x0E: "double",
}  # fmt: skip
_MAX_SIDE = 512
_GUNZIP_PIECE = 1 << 20
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def gunzip(what: str, raw: bytes, *, limit: int, too_large: str | None = None) -> bytes:
    """Decompress a gzip file in memory, refusing output larger than `limit` bytes.

    `what` names the file in messages, e.g. ``"file 'train-images-idx3-ubyte.gz'"``;
    `too_large` replaces the message given when the output would exceed `limit`. It is
    inflated in 1 MiB pieces and given up as soon as it passes `limit`: a gzip bomb costs at
    most `limit` bytes (plus a piece), not twice that.
    """
    too_big = DatasetError(
        too_large
        or f"The {what} would decompress to more than {format_bytes(limit)}, the limit. "
        "Please use smaller files."
    )
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)  # 16+: expect a gzip header and trailer
    parts, size, data = [], 0, raw
    try:
        while not d.eof:
            part = d.decompress(data, _GUNZIP_PIECE)  # bounded: at most one piece at a time
            data = d.unconsumed_tail
            if not part and not data:
                break  # the input is used up before the end of the stream
            size += len(part)
            if size > limit:
                raise too_big
            parts.append(part)
    except zlib.error:
        raise DatasetError(f"The {what} looks gzip-compressed but is damaged.") from None
    if not d.eof:
        raise DatasetError(f"The {what} is a cut-off gzip file (it ends early).")
    return b"".join(parts)


def parse_idx(name: str, raw: bytes) -> np.ndarray:
    """An IDX file of unsigned bytes -> uint8 array (N,) labels or (N, rows, cols) images."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        magic = f"0x{raw[:4].hex().upper()}" if len(raw) >= 4 else "missing"
        raise DatasetError(
            f"'{name}' is not an MNIST (IDX) file: its magic number is {magic}, but should be "
            "0x00000803 for images or 0x00000801 for labels."
        )
    if raw[2] != 0x08:
        raise DatasetError(
            f"'{name}' holds {_IDX_TYPES[raw[2]]} values; MNIST files hold unsigned bytes "
            "(magic number 0x00000803 for images, 0x00000801 for labels)."
        )
    ndim = raw[3]
    if ndim not in (1, 3):
        raise DatasetError(
            f"'{name}' has {ndim} dimensions; MNIST images have 3 (count, rows, columns) "
            "and labels 1 (count)."
        )
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise DatasetError(f"'{name}' is cut off: it ends inside its header.")
    dims = struct.unpack(f">{ndim}I", raw[4:start])
    if ndim == 3 and not all(1 <= s <= _MAX_SIDE for s in dims[1:]):
        raise DatasetError(
            f"'{name}' has images of {dims[1]}x{dims[2]} pixels; each side must be 1 to "
            f"{_MAX_SIDE}."
        )
    expected = math.prod(dims)
    if len(raw) - start != expected:
        raise DatasetError(
            f"'{name}' should hold {expected:,} bytes of data for its {' x '.join(map(str, dims))} "
            f"values, but holds {len(raw) - start:,}: it is damaged or cut off."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=start).reshape(dims)


def _npy(name: str, key: str, blob: bytes) -> np.ndarray:
    """One ``.npy`` member -> array, checking its header before touching the data."""
    fp = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        else:  # 2.0 and 3.0 differ only in the header's length field and text encoding
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    except (ValueError, TypeError, SyntaxError, struct.error, EOFError) as exc:
        raise DatasetError(f"'{name}': the array '{key}' is damaged ({exc}).") from None
    if dtype.hasobject:
        raise DatasetError(
            f"'{name}': the array '{key}' holds Python objects (pickled data), which convviz "
            "never loads, for safety. Save plain numeric arrays, e.g. np.savez(..., "
            "x_train=uint8 images, y_train=integer labels)."
        )
    nbytes = math.prod(shape) * dtype.itemsize
    if len(blob) - fp.tell() != nbytes:
        raise DatasetError(
            f"'{name}': the array '{key}' claims shape {shape} ({format_bytes(nbytes)}) but "
            f"holds {format_bytes(len(blob) - fp.tell())}: it is damaged."
        )
    arr = np.frombuffer(blob, dtype=dtype, count=math.prod(shape), offset=fp.tell())
    return arr.reshape(shape, order="F" if fortran else "C")


def read_npz(name: str, raw: bytes, *, max_bytes: int) -> dict[str, np.ndarray]:
    """The arrays x_train, y_train and (when present) x_test, y_test of an ``.npz`` file."""
    what = f"file '{name}'"
    with safezip.open_zip(raw, max_files=64, what=what) as zf:
        infos = zf.infolist()
        for info in infos:
            safezip.member_parts(info.filename, what=what)
        safezip.check_declared_sizes(infos, max_bytes=max_bytes, what=what)
        members = {info.filename.removesuffix(".npy"): info for info in infos}
        missing = [k for k in ("x_train", "y_train") if k not in members]
        if missing:
            raise DatasetError(
                f"'{name}' has no array named {' or '.join(map(repr, missing))}. It holds "
                f"{', '.join(map(repr, members)) or 'nothing'}; an MNIST .npz (as Keras' "
                "mnist.npz) holds x_train, y_train, x_test and y_test."
            )
        if ("x_test" in members) != ("y_test" in members):
            raise DatasetError(
                f"'{name}' has only one of 'x_test' and 'y_test': give both, or neither "
                "(then part of the training data is held out for testing)."
            )
        arrays = {}
        for key in _NPZ_KEYS:
            if key in members:
                try:
                    blob = safezip.read_member(zf, members[key])
                except safezip.MemberError as exc:
                    raise DatasetError(
                        f"'{name}': the array '{key}' cannot be read: {exc}."
                    ) from None
                arrays[key] = _npy(name, key, blob)
    return arrays


def check_images(x: np.ndarray, key: str) -> np.ndarray:
    """uint8 images (N, H, W) or (N, H, W, 1 or 3) -> (N, H, W, C), or a DatasetError."""
    if x.dtype != np.uint8:
        raise DatasetError(
            f"'{key}' has dtype {x.dtype}; MNIST images are uint8 (0 to 255). Convert with "
            "(x * 255).round().astype('uint8') if yours are floats in [0, 1]."
        )
    if x.ndim == 3:
        x = x[:, :, :, np.newaxis]  # (N, H, W, 1)
    if x.ndim != 4 or x.shape[3] not in (1, 3) or x.shape[0] == 0:
        raise DatasetError(
            f"'{key}' has shape {x.shape}; expected (count, height, width) or "
            "(count, height, width, 1 or 3) with at least one image."
        )
    return x


def check_labels(y: np.ndarray, key: str, n: int) -> np.ndarray:
    """n integer labels (N,) or (N, 1) -> int64 (N,), or a DatasetError."""
    if y.ndim == 2 and y.shape[1:] == (1,):
        y = y[:, 0]
    if y.dtype == np.bool_ or not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
        raise DatasetError(
            f"'{key}' must be a 1-D array of integer class numbers, got shape {y.shape} and "
            f"dtype {y.dtype}."
        )
    if len(y) != n:
        images = key.replace("y_", "x_")
        raise DatasetError(
            f"There are {n:,} images in '{images}' but {len(y):,} labels in '{key}': the "
            "counts must match (are the files from the same set?)."
        )
    if y.min() < 0:
        raise DatasetError(f"'{key}' has a negative label ({y.min()}); labels start at 0.")
    return y.astype(np.int64)
