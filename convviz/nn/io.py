"""Saving and loading models as ``.npz`` files, safely enough for user uploads.

A model file is a numpy ``.npz`` archive holding an ``architecture`` array (one JSON
string: the input shape, the dtype and each layer's class and arguments) and one array
``L{i}.{key}`` per parameter (``L0.weight``, ``L0.bias``, ...). Loading never unpickles
(``allow_pickle=False``), reads at most ``max_bytes``, checks every member's declared size
before inflating it, and validates every array against the rebuilt architecture; any
problem raises :class:`ModelFileError` saying what is wrong.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from typing import IO, Any

import numpy as np

from convviz.nn.conv_layer import Conv2D, window_geometry
from convviz.nn.layers import Dense, Flatten, Layer, ReLU
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

FORMAT = "convviz.nn.Sequential"
VERSION = 1
MAX_FILE_BYTES = 50 * 2**20  # refuse larger files outright
MAX_UNPACKED_BYTES = 200 * 2**20  # and archives that would inflate beyond this
MAX_MEMBERS = 1000
_SMALL_MODEL_PARAMS = 1_000_000  # cheap to build even when the file lacks them
LAYER_CLASSES: dict[str, type[Layer]] = {
    cls.__name__: cls for cls in (Conv2D, MaxPool2D, AvgPool2D, ReLU, Flatten, Dense)
}


class ModelFileError(ValueError):
    """A model file that cannot be loaded: damaged, unsafe, or not a convviz model."""


def architecture(model: Sequential) -> dict[str, Any]:
    """The JSON-friendly description of ``model`` stored in its file (no weights).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> architecture(Sequential([Flatten(), Dense(2)], input_shape=(2, 2, 1)))["layers"]
    [{'class': 'Flatten', 'config': {}}, {'class': 'Dense', 'config': {'units': 2}}]
    """
    return {"format": FORMAT, "version": VERSION, "input_shape": list(model.input_shape),
            "dtype": model.dtype.name,
            "layers": [{"class": type(layer).__name__, "config": layer.get_config()}
                       for layer in model.layers]}


def save_model(model: Sequential, file: str | os.PathLike | IO[bytes]) -> None:
    """Write ``model`` (architecture and weights) to a compressed ``.npz`` file.

    Parameters
    ----------
    model : Sequential
    file : path or binary file object
        numpy appends ``.npz`` to a path without it; a ``BytesIO`` gives the bytes for a
        download button.

    Examples
    --------
    >>> import io
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(2)], input_shape=(2, 2, 1))
    >>> buffer = io.BytesIO()
    >>> save_model(model, buffer)
    >>> load_model(buffer.getvalue()).summary() == model.summary()
    True
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a Sequential, got {type(model).__name__}")
    unknown = [type(layer).__name__ for layer in model.layers
               if LAYER_CLASSES.get(type(layer).__name__) is not type(layer)]
    if unknown:
        raise ValueError(f"`model` has layers that cannot be saved: {', '.join(unknown)}")
    arrays = {"architecture": np.array(json.dumps(architecture(model)))}
    for i, layer in enumerate(model.layers):
        for key, value in layer.params.items():
            arrays[f"L{i}.{key}"] = value
    np.savez_compressed(file, **arrays)


def _read_bounded(source: Any, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            if os.path.getsize(source) > max_bytes:
                raise ModelFileError(f"the file is larger than {max_bytes // 2**20} MB: refused")
            with open(source, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ModelFileError(f"cannot read the model file: {exc}") from None
    elif hasattr(source, "read"):
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise TypeError("`source` must be opened in binary mode ('rb')")
    else:
        raise TypeError("`source` must be a path, bytes or a binary file object, got "
                        f"{type(source).__name__}")
    if len(data) > max_bytes:
        raise ModelFileError(f"the file is larger than {max_bytes // 2**20} MB: refused")
    return data


def _check_members(zf: zipfile.ZipFile) -> None:
    """Refuse archives that are too big unpacked, or hold anything but plain arrays."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(f"the archive holds {len(infos)} files; a model has far fewer")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise ModelFileError(f"the archive would unpack to more than "
                             f"{MAX_UNPACKED_BYTES // 2**20} MB: refused")
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise ModelFileError(f"the archive holds {info.filename!r}, which is not a numpy "
                                 "array: not a convviz model file")
    for info in infos:
        with zf.open(info) as fh:  # read only the .npy header, not the data
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ModelFileError(f"{info.filename!r} uses .npy format {version}, which is "
                                     "not supported")
        if dtype.hasobject:
            raise ModelFileError(f"the file contains Python objects ({info.filename!r}), which "
                                 "could run code when loaded: refused for safety")
        if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize > info.file_size:
            raise ModelFileError(f"{info.filename!r} is damaged: its header promises more data "
                                 "than it holds")


def _read_arrays(data: bytes) -> dict[str, np.ndarray]:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise ModelFileError("not a convviz model file: expected a .npz (zip) archive saved by "
                             "save_model")
    try:
        with zipfile.ZipFile(buffer) as zf:
            _check_members(zf)
        buffer.seek(0)
        with np.load(buffer, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except ModelFileError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc) or "bject" in str(exc):
            raise ModelFileError("the file contains Python objects, which could run code when "
                                 "loaded: refused for safety") from None
        raise ModelFileError(f"the model file is damaged: {exc}") from None
    except (OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFileError(f"the model file is damaged: {exc}") from None


def _parse_architecture(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    if "architecture" not in arrays:
        raise ModelFileError("not a convviz model file: the `architecture` entry is missing")
    raw = arrays["architecture"]
    if raw.ndim != 0 or raw.dtype.kind != "U":
        raise ModelFileError("the `architecture` entry must be one JSON string, got an array "
                             f"of shape {raw.shape} and dtype {raw.dtype}")
    try:
        arch = json.loads(str(raw[()]))
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"the architecture is not valid JSON: {exc}") from None
    if not isinstance(arch, dict) or arch.get("format") != FORMAT:
        raise ModelFileError(f"the architecture is not a {FORMAT} description")
    if arch.get("version") != VERSION:
        raise ModelFileError(f"model file version {arch.get('version')!r} is not supported "
                             f"(this convviz reads version {VERSION})")
    if not isinstance(arch.get("layers"), list) or not isinstance(arch.get("input_shape"), list):
        raise ModelFileError("the architecture must list `layers` and give an `input_shape`")
    return arch


def _count_params(layers: list[Layer], input_shape: Any) -> int:
    """The number of weights ``layers`` would get on ``input_shape``, without allocating them.

    Stops counting where the shapes do not fit: building the model then says why.
    """
    total = 0
    try:
        shape = tuple(int(s) for s in input_shape)
        for layer in layers:
            if isinstance(layer, Conv2D):
                _, out_hw = window_geometry(shape, layer.kernel_size, layer.stride,
                                            layer.padding, "Conv2D")
                (kh, kw), c = layer.kernel_size, shape[2]
                total += kh * kw * c * layer.filters + layer.filters
                shape = (*out_hw, layer.filters)
            elif isinstance(layer, Dense):
                if len(shape) != 1:
                    break
                total += shape[0] * layer.units + layer.units
                shape = (layer.units,)
            else:  # no parameters: its own shape rule allocates nothing
                shape = layer._build(shape, np.random.default_rng(0))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    return total


def _build(arch: dict[str, Any], held: int) -> Sequential:
    """The model the architecture describes; ``held`` is the number of weights in the file."""
    layers = []
    for i, spec in enumerate(arch["layers"]):
        if not isinstance(spec, dict) or not isinstance(spec.get("config", {}), dict):
            raise ModelFileError(f"layer {i} of the architecture is not a {{class, config}} "
                                 "object")
        kind = spec.get("class")
        cls = LAYER_CLASSES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise ModelFileError(f"layer {i} has unknown kind {kind!r}; known: "
                                 f"{', '.join(LAYER_CLASSES)}")
        config = {k: tuple(v) if isinstance(v, list) else v
                  for k, v in spec.get("config", {}).items()}
        try:
            layers.append(cls(**config))
        except (TypeError, ValueError) as exc:
            raise ModelFileError(f"layer {i} ({cls.__name__}) has bad arguments: {exc}") from None
    needed = _count_params(layers, arch["input_shape"])
    # A few bytes of JSON can ask for terabytes: refuse before allocating (small mismatches
    # are left to the per-array checks, which name the array).
    if needed > max(held, _SMALL_MODEL_PARAMS):
        raise ModelFileError(f"the architecture needs {needed:,} weights, but the file holds "
                             f"only {held:,}: it is damaged or not a convviz model file")
    try:
        return Sequential(layers, tuple(arch["input_shape"]), dtype=arch.get("dtype", "float32"))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"the architecture does not fit together: {exc}") from None


def load_model(source: str | os.PathLike | bytes | IO[bytes], *,
               input_shape: tuple[int, ...] | None = None,
               max_bytes: int = MAX_FILE_BYTES) -> Sequential:
    """Rebuild a model saved by :func:`save_model`, validating everything in the file.

    Parameters
    ----------
    source : path, bytes or binary file object
        A file object (``BytesIO``, a Streamlit upload) is read from its current position.
    input_shape : tuple of int, optional
        The input shape the caller needs (e.g. the data set's); a model built for
        another shape is refused.
    max_bytes : int
        Larger files are refused without being parsed.

    Returns
    -------
    Sequential

    Raises
    ------
    ModelFileError
        A ``ValueError`` saying what is wrong: not a zip, damaged, too large, Python
        objects (pickles), bad JSON, unknown layer kinds, missing, extra or mis-shaped
        arrays, NaN or infinite weights, or the wrong input shape.
    """
    arrays = _read_arrays(_read_bounded(source, max_bytes))
    held = sum(int(a.size) for name, a in arrays.items() if name != "architecture")
    model = _build(_parse_architecture(arrays), held)
    if input_shape is not None and model.input_shape != tuple(input_shape):
        raise ModelFileError(f"the model takes input of shape {model.input_shape}, but "
                             f"{tuple(input_shape)} is needed here")
    expected = {f"L{i}.{key}": (layer, key) for i, layer in enumerate(model.layers)
                for key in layer.params}
    missing = [name for name in expected if name not in arrays]
    extra = sorted(set(arrays) - set(expected) - {"architecture"})
    if missing:
        raise ModelFileError(f"the file lacks the weights {', '.join(missing)}")
    if extra:
        raise ModelFileError(f"the file holds arrays the architecture does not use: "
                             f"{', '.join(extra)}")
    for name, (layer, key) in expected.items():
        value = arrays[name]
        want = layer.params[key]
        if value.shape != want.shape:
            raise ModelFileError(f"`{name}` ({layer.name} {key}) has shape {value.shape}, "
                                 f"expected {want.shape}")
        if value.dtype.kind != "f":
            raise ModelFileError(f"`{name}` has dtype {value.dtype}; weights must be floats")
        if not np.all(np.isfinite(value)):
            raise ModelFileError("the file's weights contain NaN or infinity "
                                 f"(`{name}`): the model diverged or the file is damaged")
        layer.params[key] = value.astype(model.dtype)
    return model
