"""save_model / load_model: exact round trips, and a clear ModelFileError for each bad file."""

import io
import json
import zipfile

import numpy as np
import pytest

import convviz.nn.io as nn_io
from convviz.nn import (
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ModelFileError,
    ReLU,
    Sequential,
    load_model,
    save_model,
)


def small(dtype=np.float32):
    return Sequential([Conv2D(3, 3, stride=2, padding="same"), ReLU(), MaxPool2D(2),
                       Conv2D(4, 2, padding=1), AvgPool2D(2, 1), Flatten(), Dense(5)],
                      input_shape=(12, 12, 1), seed=4, dtype=dtype)


def saved(model) -> bytes:
    buffer = io.BytesIO()
    save_model(model, buffer)
    return buffer.getvalue()


def arrays_of(data: bytes) -> dict:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # allow_pickle is True when saving: object arrays get pickled
    return buffer.getvalue()


def with_architecture(data: bytes, change) -> bytes:
    arrays = arrays_of(data)
    arch = json.loads(str(arrays["architecture"]))
    change(arch)
    arrays["architecture"] = np.array(json.dumps(arch))
    return npz_bytes(**arrays)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_exact(rng, dtype):
    model = small(dtype)
    for layer, key in model.parameters():  # not just the initial values
        layer.params[key] += rng.standard_normal(layer.params[key].shape).astype(dtype)
    loaded = load_model(saved(model))
    assert loaded.summary() == model.summary()
    assert loaded.dtype == dtype and loaded.input_shape == (12, 12, 1)
    assert [repr(a) for a in loaded.layers] == [repr(b) for b in model.layers]
    x = rng.random((3, 12, 12, 1)).astype(dtype)
    np.testing.assert_array_equal(loaded.forward(x), model.forward(x))


def test_paths_file_objects_and_bytes(tmp_path, rng):
    model = small()
    path = tmp_path / "model.npz"
    save_model(model, path)
    with open(path, "rb") as fh:
        from_file = load_model(fh)
    x = rng.random((2, 12, 12, 1), dtype=np.float32)
    expected = model.forward(x)
    for loaded in (load_model(path), load_model(str(path)), from_file,
                   load_model(io.BytesIO(path.read_bytes())), load_model(bytearray(saved(model)))):
        np.testing.assert_array_equal(loaded.forward(x), expected)


def test_the_file_holds_json_and_named_arrays():
    arrays = arrays_of(saved(small()))
    arch = json.loads(str(arrays["architecture"]))
    assert arch["input_shape"] == [12, 12, 1]
    assert arch["layers"][0] == {"class": "Conv2D", "config": {
        "filters": 3, "kernel_size": [3, 3], "stride": [2, 2], "padding": "same"}}
    assert sorted(arrays) == ["L0.bias", "L0.weight", "L3.bias", "L3.weight", "L6.bias",
                              "L6.weight", "architecture"]


def test_pickled_objects_are_refused():
    arrays = arrays_of(saved(small()))
    arrays["L0.bias"] = np.array([{"evil": 1}, 2, 3], dtype=object)
    with pytest.raises(ModelFileError, match="contains Python objects.*refused for safety"):
        load_model(npz_bytes(**arrays))


def test_nan_weights_are_refused():
    arrays = arrays_of(saved(small()))
    arrays["L6.weight"][0, 0] = np.nan
    with pytest.raises(ModelFileError, match="the file's weights contain NaN or infinity"):
        load_model(npz_bytes(**arrays))
    arrays["L6.weight"][0, 0] = np.inf
    with pytest.raises(ModelFileError, match="NaN or infinity"):
        load_model(npz_bytes(**arrays))


def test_wrong_shapes_are_named():
    arrays = arrays_of(saved(small()))
    arrays["L3.weight"] = np.zeros((2, 2, 3, 5), dtype=np.float32)
    with pytest.raises(ModelFileError, match=r"`L3.weight` \(conv2d_2 weight\) has shape "
                                             r"\(2, 2, 3, 5\), expected \(2, 2, 3, 4\)"):
        load_model(npz_bytes(**arrays))


def test_missing_and_extra_arrays():
    arrays = arrays_of(saved(small()))
    bias = arrays.pop("L0.bias")
    with pytest.raises(ModelFileError, match="lacks the weights L0.bias"):
        load_model(npz_bytes(**arrays))
    with pytest.raises(ModelFileError, match="does not use: L9.weight"):
        load_model(npz_bytes(**arrays, **{"L0.bias": bias, "L9.weight": bias}))


def test_integer_weights_are_refused():
    arrays = arrays_of(saved(small()))
    arrays["L0.bias"] = np.zeros(3, dtype=np.int64)
    with pytest.raises(ModelFileError, match="weights must be floats"):
        load_model(npz_bytes(**arrays))


@pytest.mark.parametrize("data", [b"", b"hello, I am not a model", b"\x93NUMPY" + b"\0" * 100])
def test_not_a_zip(data):
    with pytest.raises(ModelFileError, match=r"not a convviz model file: expected a \.npz"):
        load_model(data)


def test_damaged_archive():
    data = bytearray(saved(small()))
    start = data.index(b"L0.weight.npy") + 200  # inside the compressed weights
    data[start:start + 40] = b"\xff" * 40
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(bytes(data))


def test_truncated_archive():
    data = saved(small())
    with pytest.raises(ModelFileError):
        load_model(data[: len(data) // 2])


def test_garbage_json():
    arrays = arrays_of(saved(small()))
    arrays["architecture"] = np.array("{not json")
    with pytest.raises(ModelFileError, match="the architecture is not valid JSON"):
        load_model(npz_bytes(**arrays))


@pytest.mark.parametrize(("change", "match"), [
    (lambda a: a["layers"].__setitem__(1, {"class": "Dropout", "config": {}}),
     "layer 1 has unknown kind 'Dropout'"),
    (lambda a: a["layers"][0]["config"].__setitem__("filters", 0),
     r"layer 0 \(Conv2D\) has bad arguments: `filters` must be a positive integer"),
    (lambda a: a["layers"][0]["config"].__setitem__("dilation", 2), "layer 0 .*bad arguments"),
    (lambda a: a["layers"].__setitem__(0, ["Conv2D"]), "layer 0 of the architecture"),
    (lambda a: a.__setitem__("input_shape", [2, 2, 1]), "does not fit together"),
    (lambda a: a.__setitem__("input_shape", [12, "12", 1]), "does not fit together"),
    (lambda a: a.__setitem__("dtype", "int8"), "does not fit together"),
    (lambda a: a.__setitem__("version", 99), "version 99 is not supported"),
    (lambda a: a.__setitem__("format", "keras"), "not a convviz.nn.Sequential description"),
    (lambda a: a.pop("layers"), "must list `layers`"),
])
def test_bad_architectures(change, match):
    with pytest.raises(ModelFileError, match=match):
        load_model(with_architecture(saved(small()), change))


def test_architecture_must_be_one_string():
    arrays = arrays_of(saved(small()))
    arrays["architecture"] = np.arange(3)
    with pytest.raises(ModelFileError, match="must be one JSON string"):
        load_model(npz_bytes(**arrays))
    del arrays["architecture"]
    with pytest.raises(ModelFileError, match="the `architecture` entry is missing"):
        load_model(npz_bytes(**arrays))


def test_a_model_for_another_input_shape_is_refused():
    with pytest.raises(ModelFileError, match=r"takes input of shape \(12, 12, 1\), but "
                                             r"\(28, 28, 1\) is needed here"):
        load_model(saved(small()), input_shape=(28, 28, 1))
    assert load_model(saved(small()), input_shape=(12, 12, 1)).input_shape == (12, 12, 1)


def test_size_limits(monkeypatch, tmp_path):
    data = saved(small())
    with pytest.raises(ModelFileError, match="larger than 0 MB"):
        load_model(data, max_bytes=100)
    path = tmp_path / "m.npz"
    path.write_bytes(data)
    with pytest.raises(ModelFileError, match="larger than"):
        load_model(path, max_bytes=100)
    with pytest.raises(ModelFileError, match="larger than"):
        load_model(io.BytesIO(data), max_bytes=100)
    monkeypatch.setattr(nn_io, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ModelFileError, match="would unpack to more than"):
        load_model(data)


def test_other_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("architecture.npy", b"x")
        zf.writestr("run_me.py", b"print('hi')")
    with pytest.raises(ModelFileError, match="'run_me.py', which is not a numpy array"):
        load_model(buffer.getvalue())


def test_a_header_promising_too_much_is_refused():
    arrays = arrays_of(saved(small()))
    raw = io.BytesIO()
    np.lib.format.write_array_header_1_0(raw, {"descr": "<f8", "fortran_order": False,
                                               "shape": (10**9,)})
    data = npz_bytes(**arrays)
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr("huge.npy", b"\x93NUMPY\x01\x00" + raw.getvalue()[8:] + b"\0" * 16)
    with pytest.raises(ModelFileError, match="'huge.npy' is damaged: its header promises"):
        load_model(buffer.getvalue())


def test_missing_file_and_wrong_types(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read the model file"):
        load_model(tmp_path / "nope.npz")
    with pytest.raises(TypeError, match="`source` must be a path, bytes or a binary file"):
        load_model(42)
    with pytest.raises(TypeError, match="binary mode"):
        load_model(io.StringIO("text"))
    with pytest.raises(TypeError, match="`model` must be a Sequential"):
        save_model([Dense(2)], io.BytesIO())


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
