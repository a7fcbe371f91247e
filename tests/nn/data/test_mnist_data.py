"""Tests for "MNIST files": IDX (raw and gzipped) and .npz, all written here with struct/numpy."""

import gzip
import io
import struct
import zipfile

import numpy as np
import pytest

from convviz.nn.data import DatasetError, load_mnist_files

RNG = np.random.default_rng(0)
X_TRAIN = RNG.integers(0, 256, size=(12, 6, 5), dtype=np.uint8)
Y_TRAIN = np.array([0, 1, 2] * 4, dtype=np.uint8)
X_TEST = RNG.integers(0, 256, size=(4, 6, 5), dtype=np.uint8)
Y_TEST = np.array([2, 1, 0, 1], dtype=np.uint8)


def idx_images(x, magic=0x00000803):
    return struct.pack(">IIII", magic, *x.shape) + x.tobytes()


def idx_labels(y, magic=0x00000801):
    return struct.pack(">II", magic, len(y)) + np.asarray(y, np.uint8).tobytes()


def mnist_files(gz=False, x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST):
    files = {
        "train-images-idx3-ubyte": idx_images(x_train),
        "train-labels-idx1-ubyte": idx_labels(y_train),
        "t10k-images-idx3-ubyte": idx_images(x_test),
        "t10k-labels-idx1-ubyte": idx_labels(y_test),
    }
    if gz:
        files = {f"{k}.gz": gzip.compress(v) for k, v in files.items()}
    return files


def npz(compressed=False, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def check_standard(ds):
    assert ds.input_shape == (6, 5, 1)
    assert (ds.n_train, ds.n_test) == (12, 4)
    assert ds.class_names == ("0", "1", "2")
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert np.array_equal(ds.x_train[:, :, :, 0], X_TRAIN / np.float32(255))
    assert np.array_equal(ds.y_train, Y_TRAIN) and np.array_equal(ds.y_test, Y_TEST)
    assert np.array_equal(ds.x_test[:, :, :, 0], X_TEST / np.float32(255))
    assert ds.name == "MNIST files" and ds.notes == ()


@pytest.mark.parametrize("gz", [False, True])
def test_idx_files(gz):
    ds = load_mnist_files(mnist_files(gz=gz))
    check_standard(ds)
    assert "12 training and 4 test images of 6x5, 3 classes" in ds.description


def test_full_range_maps_to_unit_interval():
    x = np.array([[[0, 255]], [[128, 255]]], dtype=np.uint8)  # (2, 1, 2)
    files = {"train-images": idx_images(x), "train-labels": idx_labels([0, 1])}
    ds = load_mnist_files(files, test_fraction=0.5)
    values = np.concatenate([ds.x_train, ds.x_test]).ravel()
    assert values.max() == 1.0 and values.min() == 0.0


def test_uploaded_file_objects_in_any_order():
    uploads = []
    for name, data in reversed(list(mnist_files(gz=True).items())):
        f = io.BytesIO(data)
        f.name = name
        uploads.append(f)
    check_standard(load_mnist_files(uploads))


def test_training_files_only_are_split_with_a_note():
    files = {k: v for k, v in mnist_files().items() if k.startswith("train")}
    ds = load_mnist_files(files, test_fraction=0.25, seed=0)
    assert (ds.n_train, ds.n_test) == (9, 3)
    assert ds.class_counts("test").tolist() == [1, 1, 1]
    assert ds.notes == ("No test files were given: 3 training images are held out.",)


def test_two_unnamed_files_are_training_files():
    files = {"images.bin": idx_images(X_TRAIN), "labels.bin": idx_labels(Y_TRAIN)}
    assert load_mnist_files(files).n_train + load_mnist_files(files).n_test == 12


def test_class_names():
    ds = load_mnist_files(mnist_files(), class_names=["T-shirt", "Trouser", "Pullover", "Dress"])
    assert ds.class_names == ("T-shirt", "Trouser", "Pullover", "Dress")


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_like_keras(compressed):
    data = npz(compressed, x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST)
    check_standard(load_mnist_files({"mnist.npz": data}))


def test_npz_rgb_and_train_only():
    x = RNG.integers(0, 256, size=(6, 4, 4, 3), dtype=np.uint8)
    data = npz(x_train=x, y_train=np.array([0, 1] * 3))
    ds = load_mnist_files({"colour.npz": data}, test_fraction=0.5)
    assert ds.input_shape == (4, 4, 3) and (ds.n_train, ds.n_test) == (2, 4)  # 1.5 rounds up


# --- refusals ---------------------------------------------------------------------------------


def test_bad_magic_number():
    files = mnist_files()
    files["train-images-idx3-ubyte"] = b"\x89PNG" + files["train-images-idx3-ubyte"][4:]
    with pytest.raises(DatasetError, match=r"not an MNIST \(IDX\) file: its magic number is "
                       r"0x89504E47, but should be 0x00000803"):
        load_mnist_files(files)


def test_unsupported_idx_data_type():
    files = mnist_files()
    files["train-images-idx3-ubyte"] = idx_images(X_TRAIN, magic=0x00000D03)
    with pytest.raises(DatasetError, match="holds float values; MNIST files hold unsigned bytes"):
        load_mnist_files(files)


def test_wrong_number_of_dimensions():
    files = mnist_files()
    files["train-images-idx3-ubyte"] = struct.pack(">IIII", 0x802, 12, 30, 0) + bytes(0)
    with pytest.raises(DatasetError, match="has 2 dimensions"):
        load_mnist_files(files)


def test_cut_off_idx_file():
    files = mnist_files()
    files["train-images-idx3-ubyte"] = files["train-images-idx3-ubyte"][:-7]
    with pytest.raises(DatasetError, match="should hold 360 bytes .* holds 353: it is damaged"):
        load_mnist_files(files)


def test_huge_claimed_dimensions_are_not_allocated():
    files = mnist_files()
    files["train-images-idx3-ubyte"] = struct.pack(">IIII", 0x803, 4_000_000_000, 28, 28)
    with pytest.raises(DatasetError, match="damaged or cut off"):
        load_mnist_files(files)


def test_image_and_label_counts_must_match():
    files = mnist_files(y_train=Y_TRAIN[:10])
    with pytest.raises(DatasetError, match="12 images in 'x_train' but 10 labels in 'y_train'"):
        load_mnist_files(files)


def test_labels_out_of_range_for_class_names():
    with pytest.raises(DatasetError, match="A label is 2, but labels must be class numbers 0 to 1"):
        load_mnist_files(mnist_files(), class_names=["cat", "dog"])


def test_labels_out_of_range_by_default():
    match = "A label is 200, but labels must be class numbers 0 to 99"
    with pytest.raises(DatasetError, match=match):
        load_mnist_files(mnist_files(y_test=np.array([0, 1, 200, 1])))


def test_one_class_only():
    with pytest.raises(DatasetError, match="only one class"):
        load_mnist_files(mnist_files(y_train=np.zeros(12, np.uint8), y_test=np.zeros(4, np.uint8)))


def test_test_images_of_another_size():
    files = mnist_files(x_test=X_TEST[:, :5, :])
    with pytest.raises(DatasetError, match=r"Test images are \(5, 5, 1\) but training images"):
        load_mnist_files(files)


def test_missing_labels_file():
    files = mnist_files()
    del files["train-labels-idx1-ubyte"]
    with pytest.raises(DatasetError, match="The training labels file is missing"):
        load_mnist_files(files)


def test_test_images_without_labels():
    files = mnist_files()
    del files["t10k-labels-idx1-ubyte"]
    with pytest.raises(DatasetError, match="Test images were given without the matching test"):
        load_mnist_files(files)


def test_two_files_of_the_same_role():
    files = mnist_files()
    files["train-images-copy"] = files.pop("t10k-images-idx3-ubyte")
    with pytest.raises(DatasetError, match="are images for training: give one of each"):
        load_mnist_files(files)


def test_ambiguous_names():
    files = mnist_files()
    files["a"] = files.pop("t10k-images-idx3-ubyte")
    with pytest.raises(DatasetError, match="Cannot tell whether 'a' are training or test"):
        load_mnist_files(files)


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(bytes(5_000_000))
    assert len(bomb) < 10_000
    with pytest.raises(DatasetError, match="would decompress to more than 1 MB"):
        load_mnist_files({"train-images-idx3-ubyte.gz": bomb}, max_bytes=1_000_000)


def test_damaged_gzip():
    data = gzip.compress(idx_labels(Y_TRAIN))
    with pytest.raises(DatasetError, match="cut-off gzip"):
        load_mnist_files({"train-labels.gz": data[:-12], "train-images": idx_images(X_TRAIN)})
    with pytest.raises(DatasetError, match="looks gzip-compressed but is damaged"):
        load_mnist_files({"train-labels.gz": data[:10] + b"\xff" * 20})


def test_files_over_the_size_limit():
    match = "file 'train-images-idx3-ubyte' is larger than the 100 bytes limit"
    with pytest.raises(DatasetError, match=match):
        load_mnist_files(mnist_files(), max_bytes=100)
    # Each file fits, the four together do not (the first two are 376 + 20 bytes).
    match = r"Together the files are larger than the 400 bytes limit \(counting .*, reached at"
    for gz in (False, True):
        with pytest.raises(DatasetError, match=match):
            load_mnist_files(mnist_files(gz=gz), max_bytes=400)


def test_too_many_files():
    files = mnist_files() | {"extra": b"x"}
    with pytest.raises(DatasetError, match="5 files were given; MNIST comes as at most four"):
        load_mnist_files(files)


def test_single_upload_object():
    f = io.BytesIO(npz(x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST))
    f.name = "mnist.npz"
    check_standard(load_mnist_files(f))


def test_too_many_images():
    with pytest.raises(DatasetError, match="hold 16 images; the limit is 10"):
        load_mnist_files(mnist_files(), max_images=10)


def test_pickled_npz_is_refused():
    objects = np.array([{"evil": 1}, None], dtype=object)
    data = npz(x_train=objects, y_train=np.array([0, 1]))
    with pytest.raises(DatasetError, match="holds Python objects \\(pickled data\\)"):
        load_mnist_files({"evil.npz": data})


def test_npz_header_claiming_a_huge_array_is_refused_before_allocating():
    member = io.BytesIO()
    header = {"descr": "|u1", "fortran_order": False, "shape": (10**9, 28, 28)}
    np.lib.format.write_array_header_1_0(member, header)
    member.write(bytes(100))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x_train.npy", member.getvalue())
        out = io.BytesIO()
        np.save(out, np.array([0, 1]))
        zf.writestr("y_train.npy", out.getvalue())
    with pytest.raises(DatasetError, match=r"'x_train' claims shape \(1000000000, 28, 28\)"):
        load_mnist_files({"mnist.npz": buf.getvalue()})


def test_npz_missing_keys():
    with pytest.raises(DatasetError, match="has no array named 'y_train'. It holds 'x_train', 'y'"):
        load_mnist_files({"d.npz": npz(x_train=X_TRAIN, y=Y_TRAIN)})


def test_npz_float_images():
    data = npz(x_train=X_TRAIN / 255.0, y_train=Y_TRAIN)
    with pytest.raises(DatasetError, match="has dtype float64; MNIST images are uint8"):
        load_mnist_files({"d.npz": data})


def test_npz_with_other_files():
    files = {"labels": idx_labels(Y_TRAIN), "mnist.npz": npz(x_train=X_TRAIN, y_train=Y_TRAIN)}
    with pytest.raises(DatasetError, match="either one .npz file or the IDX files"):
        load_mnist_files(files)


def test_npz_path_traversal_member():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../x_train.npy", b"x")
    with pytest.raises(DatasetError, match="traversal"):
        load_mnist_files({"d.npz": buf.getvalue()})


def test_no_files_and_wrong_types():
    with pytest.raises(DatasetError, match="No files were given"):
        load_mnist_files({})
    with pytest.raises(TypeError, match="`files` must be a dict"):
        load_mnist_files(b"data")
    with pytest.raises(TypeError, match="must hold file objects with a .name"):
        load_mnist_files([io.BytesIO(b"x")])
    with pytest.raises(ValueError, match="`class_names` must be at least two str"):
        load_mnist_files(mnist_files(), class_names=["one"])
