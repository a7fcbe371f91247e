"""Tests for "Your images": a zip of class folders, read safely in memory.

Every zip is built here in memory with zipfile and Pillow-generated PNGs; nothing touches disk.
"""

import builtins
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from convviz.nn.data import DatasetError, image_zip, load_image_folder_zip, safezip


def png(value=128, size=(12, 10), mode="L"):
    buf = io.BytesIO()
    Image.new(mode, size, value).save(buf, format="PNG")
    return buf.getvalue()


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    """members: {name: bytes}; a name ending in "/" is a folder entry."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return buf.getvalue()


def classes_zip(root="", counts=(("black", 4), ("gray", 4), ("white", 4)), extra=None):
    level = {"black": 0, "gray": 128, "white": 255}
    members = {
        f"{root}{c}/{i}.png": png(level.get(c, 60 + 10 * i)) for c, n in counts for i in range(n)
    }
    members.update(extra or {})
    return make_zip(members)


def test_happy_path_with_common_root_folder():
    ds = load_image_folder_zip(classes_zip(root="mydata/"), size=(20, 24))
    assert ds.class_names == ("black", "gray", "white")
    assert ds.input_shape == (20, 24, 1)
    assert ds.n_train + ds.n_test == 12
    assert ds.class_counts("train").tolist() == [3, 3, 3]
    assert ds.class_counts("test").tolist() == [1, 1, 1]
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    # Labels follow the folders: the pixel values say which folder an image came from.
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        expected = np.array([0.0, 128 / 255, 1.0], dtype=np.float32)[y]
        assert np.allclose(x.mean(axis=(1, 2, 3)), expected, atol=1e-6)
    assert ds.notes == ()
    assert ds.name == "Your images"
    assert "12 images in 3 classes" in ds.description and "20x24" in ds.description


def test_class_folders_at_top_level_and_deeper_files():
    data = make_zip(
        {
            "a/1.png": png(0),
            "a/sub/2.png": png(0),  # files below a class folder belong to it
            "b/1.png": png(255),
            "b/2.png": png(255),
        }
    )
    ds = load_image_folder_zip(data, size=16)
    assert ds.class_names == ("a", "b")
    assert (ds.class_counts("train") + ds.class_counts("test")).tolist() == [2, 2]


def test_nested_common_roots_are_looked_through():
    ds = load_image_folder_zip(classes_zip(root="outer/inner/"), size=8)
    assert ds.class_names == ("black", "gray", "white")


def test_rgb_channels_and_grayscale_conversion():
    data = make_zip(
        {f"red/{i}.png": png((255, 0, 0), mode="RGB") for i in range(2)}
        | {f"blue/{i}.png": png((0, 0, 255), mode="RGB") for i in range(2)}
    )
    rgb = load_image_folder_zip(data, size=8, channels=3)
    assert rgb.input_shape == (8, 8, 3) and rgb.class_names == ("blue", "red")
    reds = np.concatenate([rgb.x_train[rgb.y_train == 1], rgb.x_test[rgb.y_test == 1]])
    assert np.allclose(reds[..., 0], 1) and np.allclose(reds[..., 1:], 0)
    gray = load_image_folder_zip(data, size=8, channels=1)
    red_gray = np.concatenate([gray.x_train[gray.y_train == 1], gray.x_test[gray.y_test == 1]])
    assert np.allclose(red_gray, round(0.299 * 255) / 255, atol=1 / 255)  # ITU-R 601 luma
    # A grayscale image repeated into three channels.
    gray_src = make_zip({"a/1.png": png(0), "b/1.png": png(255)})
    assert load_image_folder_zip(gray_src, size=8, channels=3).input_shape == (8, 8, 3)


def test_fit_stretch_versus_crop():
    wide = Image.new("L", (40, 20), 0)
    wide.paste(255, (0, 0, 8, 20))  # a white band at the left edge
    buf = io.BytesIO()
    wide.save(buf, format="PNG")
    data = make_zip({"a/1.png": buf.getvalue(), "b/1.png": png(0)})
    stretch = load_image_folder_zip(data, size=20, fit="stretch")
    crop = load_image_folder_zip(data, size=20, fit="crop")
    a_stretch = stretch.x_train[stretch.y_train == 0][0]
    a_crop = crop.x_train[crop.y_train == 0][0]
    assert a_stretch[:, :2].mean() > 0.9  # the band is squeezed but kept
    assert a_crop.max() < 0.05  # the centred square never reaches the band


def test_file_object_input_even_if_already_read():
    stream = io.BytesIO(classes_zip())
    stream.read()
    assert load_image_folder_zip(stream, size=8).n_classes == 3


def test_deterministic_split():
    data = classes_zip(counts=(("black", 10), ("white", 10)))
    a = load_image_folder_zip(data, size=8, seed=4)
    b = load_image_folder_zip(data, size=8, seed=4)
    c = load_image_folder_zip(data, size=8, seed=5)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_train, b.y_train)
    assert a.class_counts("test").tolist() == [3, 3]  # 2.5 rounds half up
    # other seed: other order (all images of a class are alike, so compare labels)
    assert not np.array_equal(a.y_train, c.y_train)


def test_macos_and_hidden_junk_is_ignored_silently():
    extra = {
        "__MACOSX/black/._0.png": b"\x00\x05\x16\x07junk",
        "black/.DS_Store": b"junk",
        ".hidden/x.png": png(),
        "white/Thumbs.db": b"junk",
    }
    ds = load_image_folder_zip(classes_zip(extra=extra), size=8)
    assert ds.class_names == ("black", "gray", "white")
    assert ds.notes == ()


def test_non_image_files_are_skipped_and_reported():
    extra = {"black/notes.txt": b"hello", "white/data.csv": b"1,2,3"}
    ds = load_image_folder_zip(classes_zip(extra=extra), size=8)
    assert ds.n_train + ds.n_test == 12
    assert ds.notes == ("Skipped 2 files (not an image): 'black/notes.txt', 'white/data.csv'.",)


def test_corrupt_image_is_skipped_and_reported():
    broken = png()[:40]  # a PNG cut off after its header
    ds = load_image_folder_zip(classes_zip(extra={"gray/broken.png": broken}), size=8)
    assert ds.n_train + ds.n_test == 12
    assert len(ds.notes) == 1
    assert "damaged, unsupported or too large image" in ds.notes[0]
    assert "'gray/broken.png'" in ds.notes[0]


def test_loose_files_outside_class_folders_are_reported():
    ds = load_image_folder_zip(classes_zip(extra={"README.txt": b"hi", "x.png": png()}), size=8)
    assert ds.notes == ("Ignored 2 file(s) outside the class folders: 'README.txt', 'x.png'.",)


def test_readme_beside_class_folders_inside_a_root():
    ds = load_image_folder_zip(classes_zip(root="data/", extra={"data/README.md": b"x"}), size=8)
    assert ds.class_names == ("black", "gray", "white")
    assert "outside the class folders: 'data/README.md'" in ds.notes[0]


def test_class_with_one_image_trains_only_and_says_so():
    ds = load_image_folder_zip(classes_zip(counts=(("black", 1), ("white", 4))), size=8)
    assert ds.class_counts("train").tolist() == [1, 3]
    assert ds.class_counts("test").tolist() == [0, 1]
    assert any("'black' has only one image" in n for n in ds.notes)


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil.png", "cats/../../evil.png", "..\\evil.png"])
def test_path_traversal_refuses_the_zip(name):
    with pytest.raises(DatasetError, match=r"refused: the path .* uses '\.\.'.*traversal"):
        load_image_folder_zip(classes_zip(extra={name: png()}))


@pytest.mark.parametrize("name", ["/etc/evil.png", "C:/evil.png", "c:\\evil.png"])
def test_absolute_path_refuses_the_zip(name):
    with pytest.raises(DatasetError, match="refused: it contains a file with an absolute path"):
        load_image_folder_zip(classes_zip(extra={name: png()}))


def test_traversal_hidden_in_junk_folder_is_still_refused():
    with pytest.raises(DatasetError, match="traversal"):
        load_image_folder_zip(classes_zip(extra={"__MACOSX/../../x": b"x"}))


def test_zip_bomb_by_compression_ratio_is_refused():
    # 3 MB of zeros deflate to about 3 KB: a ratio near 1000.
    data = classes_zip(extra={"black/bomb.png": bytes(3_000_000)})
    assert len(data) < 50_000
    with pytest.raises(DatasetError, match=r"'black/bomb.png' would unpack from .* 'zip bomb'"):
        load_image_folder_zip(data)


def test_real_200_mb_zip_bomb_is_refused_at_default_limits():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/1.png", png())
        zf.writestr("b/1.png", png())
        chunk = bytes(1 << 20)
        with zf.open("a/bomb.png", "w", force_zip64=True) as member:  # streamed: 1 MB at a time
            for _ in range(200):
                member.write(chunk)
    data = buf.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(DatasetError, match="210 MB, which is how a 'zip bomb' looks"):
        load_image_folder_zip(data)


def test_total_unpacked_size_is_capped():
    # Below the ratio check (under 2 MB each), but 1.2 MB in all against a 1 MB limit.
    data = classes_zip(extra={"black/a.bin": bytes(600_000), "white/b.bin": bytes(600_000)})
    with pytest.raises(DatasetError, match="would unpack to 1.2 MB, more than the 1 MB limit"):
        load_image_folder_zip(data, max_bytes=1_000_000)


def test_upload_larger_than_limit():
    with pytest.raises(DatasetError, match="zip file is larger than the 1 KB limit"):
        load_image_folder_zip(classes_zip(), max_bytes=1000)


def test_too_many_files():
    with pytest.raises(DatasetError, match="lists 12 files; the limit is 10"):
        load_image_folder_zip(classes_zip(), max_files=10)


def test_thousands_of_classes():
    data = make_zip({f"class{i:04d}/x.txt": b"x" for i in range(2000)}, zipfile.ZIP_STORED)
    with pytest.raises(DatasetError, match="has 2,000 class folders; the limit is 100"):
        load_image_folder_zip(data)


def test_max_classes_argument():
    data = classes_zip(counts=tuple((f"c{i}", 1) for i in range(5)))
    with pytest.raises(DatasetError, match="has 5 class folders; the limit is 4"):
        load_image_folder_zip(data, max_classes=4)


def test_one_class_only():
    with pytest.raises(DatasetError, match=r"needs at least two classes.*only one .*\('cats'\)"):
        load_image_folder_zip(classes_zip(root="mydata/", counts=(("cats", 3),)))


def test_no_class_folders():
    with pytest.raises(DatasetError, match="no class folders. It holds only loose files"):
        load_image_folder_zip(make_zip({"1.png": png(), "2.png": png()}))


def test_empty_class_folder_is_named():
    data = classes_zip(extra={"dogs/": b""})
    match = r"This class folder has no image .*'dogs' \(it is empty\)"
    with pytest.raises(DatasetError, match=match):
        load_image_folder_zip(data)


def test_class_of_only_non_images_is_named_with_its_files():
    data = classes_zip(extra={"dogs/readme.txt": b"x", "birds/a.doc": b"y"})
    with pytest.raises(DatasetError) as info:
        load_image_folder_zip(data)
    msg = str(info.value)
    assert msg.startswith("These class folders have no image that could be read")
    assert "'birds' (it holds 1 file(s) that could not be used: 'birds/a.doc')" in msg
    assert "'dogs' (it holds 1 file(s) that could not be used: 'dogs/readme.txt')" in msg


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"hello, not a zip", "The zip file is not a zip archive"),
        (png(), "The zip file is not a zip archive"),
        (b"", "The zip file is empty"),
        (b"PK\x05\x06" + bytes(18), "no class folders"),  # a valid, empty zip
    ],
)
def test_not_a_zip(data, match):
    with pytest.raises(DatasetError, match=match):
        load_image_folder_zip(data)


def test_damaged_zip():
    data = bytearray(classes_zip())
    cd = data.rfind(b"PK\x01\x02")
    data[cd : cd + 4] = b"XXXX"  # break the central directory
    with pytest.raises(DatasetError, match="damaged or not a zip archive"):
        load_image_folder_zip(bytes(data))


def test_oversized_member_is_skipped(monkeypatch):
    monkeypatch.setattr(image_zip, "MAX_MEMBER_BYTES", 100)
    big = png(size=(64, 64), mode="RGB")
    assert len(big) > 100
    with pytest.raises(DatasetError, match="no image that could be read"):
        load_image_folder_zip(make_zip({"a/1.png": big, "b/1.png": big}))


def test_password_protected_member_is_skipped():
    data = bytearray(make_zip({name: png() for name in ("a/1.png", "a/2.png", "b/1.png")}))
    # zipfile cannot encrypt: set the "encrypted" flag of a/2.png in both of its headers.
    headers = ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46))  # local, central
    for sig, flag_at, len_at, name_at in headers:
        pos = data.find(sig)
        while pos >= 0:
            n = int.from_bytes(data[pos + len_at : pos + len_at + 2], "little")
            if data[pos + name_at : pos + name_at + n] == b"a/2.png":
                data[pos + flag_at] |= 0x1
            pos = data.find(sig, pos + 4)
    ds = load_image_folder_zip(bytes(data), size=8)
    assert ds.notes[0] == "Skipped 1 file (it is password-protected): 'a/2.png'."


def test_memory_cap_on_the_result(monkeypatch):
    monkeypatch.setattr(image_zip, "MAX_ARRAY_BYTES", 10_000)
    with pytest.raises(DatasetError, match=r"12 images of 28x28x1 would need 37.6 KB of memory"):
        load_image_folder_zip(classes_zip())


def test_member_that_lies_about_its_size_is_not_read_past_it():
    data = make_zip({"a/1.png": png()})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("a/1.png")
        info.file_size = 10  # the header now claims 10 bytes: the read stops there
        with pytest.raises(safezip.MemberError, match="damaged"):
            safezip.read_member(zf, info)


def test_nothing_is_written_to_disk(monkeypatch):
    real_open = builtins.open

    def guarded_open(file, mode="r", *args, **kwargs):
        assert not any(c in mode for c in "wax+"), f"opened {file!r} for writing"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(zipfile.ZipFile, "extract", None)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", None)
    assert load_image_folder_zip(classes_zip(), size=8).n_classes == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(size=7), ValueError, r"`size` sides must be between 8 and 128, got \(7, 7\)"),
        (dict(size=(28, 200)), ValueError, "`size` sides must be between 8 and 128"),
        (dict(channels=2), ValueError, "`channels` must be 1 \\(grayscale\\) or 3 \\(RGB\\)"),
        (dict(fit="pad"), ValueError, "`fit` must be one of 'stretch', 'crop'"),
        (dict(test_fraction=0), ValueError, "`test_fraction`"),
        (dict(max_files=100_000), ValueError, "`max_files` must be at most 65,000"),
        (dict(max_classes=1), ValueError, "`max_classes` must be an integer >= 2"),
    ],
)
def test_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_image_folder_zip(classes_zip(), **kwargs)


def test_wrong_data_type():
    with pytest.raises(TypeError, match="`data` must be bytes or a binary file object"):
        load_image_folder_zip("mydata.zip")
