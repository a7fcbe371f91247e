"""The hostile corpus: broken, strange and malicious files for every upload path, built in code.

Each :class:`Item` is a file a user might upload (a photo from a phone, a data set zip, a model
file, MNIST files): its name, how to build its bytes (lazily; the bombs are built once, on first
use, in well under a second each) and, for each loader it targets, what must happen:
:class:`Loads` (and the shape the result must have) or :class:`Refused` (and a fragment of the
message the loader's own error must carry). No binary file is committed.

The loaders (the keys of ``Item.expect``), called as the pages call them:

``image``      ``convviz.imaging.images.load_image(data)``
``upload``     ``convviz.imaging.filters.load_upload(data, 512)``: the image page's uploader
``predict``    ``load_image(data, max_side=512)``, then ``fit_image(img, (16, 16, 1))``: the
               training page's "Predict" upload
``zip``        ``load_image_folder_zip(data)``: the training page's "Your images"
``mnist``      ``load_mnist_files({filename: data})``: the training page's "MNIST files"
``model``      ``convviz.nn.load_model(data)``
``model_for``  ``load_model_for(data, digits)``: the training page's "Load a model"

``Item.page`` says which page uploader the item goes through in the AppTest sweep.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from PIL import Image

IMAGE_LOADERS = ("image", "upload", "predict")
PREDICT_SHAPE = (16, 16, 1)  # the digits data set's images, as the Predict tab fits them
MiB = 1 << 20


@dataclass(frozen=True)
class Loads:
    """The loader succeeds. ``shape``: the image array's shape, or the data set's or model's
    input shape; ``note``: a fragment of one of the data set's notes (a skipped file)."""

    shape: tuple[int, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Refused:
    """The loader raises its own error type, with ``fragment`` in the message."""

    fragment: str


Outcome = Loads | Refused


@dataclass(frozen=True)
class Item:
    name: str
    filename: str
    build: Callable[[], bytes] = field(repr=False)
    expect: Mapping[str, Outcome]
    page: str  # "image", "zip", "mnist" or "model": the uploader it goes through
    bomb: bool = False  # small on disk, huge unpacked: its memory peak is measured

    def data(self) -> bytes:
        return _data(self.name, self.build)


_CACHE: dict[str, bytes] = {}


def _data(name: str, build: Callable[[], bytes]) -> bytes:
    if name not in _CACHE:
        _CACHE[name] = build()
    return _CACHE[name]


# --- building blocks ------------------------------------------------------------------------


def encode(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def noise(w: int, h: int, mode: str = "RGB", seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, (h, w, 3) if mode == "RGB" else (h, w), dtype=np.uint8)
    return Image.fromarray(arr).convert(mode)


def png(value: int = 128, size: tuple[int, int] = (12, 10)) -> bytes:
    """A small gray PNG: the good images inside data set zips."""
    return encode(Image.new("L", size, value))


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def blank_1bit_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG, compressed row by row: tiny on disk whatever its size."""
    comp = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(
        b"IEND", b"")


def _with_png_chunk(data: bytes, chunk: bytes) -> bytes:
    """Insert a chunk right after IHDR (8-byte signature + 25-byte IHDR chunk)."""
    return data[:33] + chunk + data[33:]


@cache
def deflate_zeros(n_mib: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``n_mib`` MiB of zeros, its CRC-32 and size, built fast.

    After a full flush the compressor starts afresh, so every further MiB of zeros compresses
    to the same bytes: one MiB is compressed and its block repeated (about 1 KB per MiB).
    """
    block = bytes(MiB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    body = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(n_mib):
        crc = zlib.crc32(block, crc)
    return head + body * (n_mib - 1) + comp.flush(), crc, n_mib * MiB


def gzip_zeros(n_mib: int) -> bytes:
    payload, crc, size = deflate_zeros(n_mib)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + payload + struct.pack("<II", crc, size & 0xFFFFFFFF)


@dataclass(frozen=True)
class Entry:
    """One member of a hand-written zip: ``payload`` as stored, ``size`` as declared."""

    name: str
    payload: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    attr: int = 0o100644 << 16  # a regular file (Unix mode in the high bits)

    @classmethod
    def deflated(cls, name: str, data: bytes, **kwargs) -> Entry:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, comp.compress(data) + comp.flush(), zlib.crc32(data), len(data), **kwargs)

    @classmethod
    def stored(cls, name: str, data: bytes, **kwargs) -> Entry:
        return cls(name, data, zlib.crc32(data), len(data), method=zipfile.ZIP_STORED, **kwargs)


def raw_zip(entries: list[Entry]) -> bytes:
    """A zip written by hand, so members can lie about their size, share compressed data or
    use any method, flag or mode: exactly what a hostile upload can do."""
    out, central = io.BytesIO(), io.BytesIO()
    for e in entries:
        name = e.name.encode("utf-8")
        flags = e.flags | 0x800  # UTF-8 names
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, e.method, 0, 0x21, e.crc,
                              len(e.payload), e.size, len(name), 0))
        out.write(name)
        out.write(e.payload)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, flags, e.method,
                                  0, 0x21, e.crc, len(e.payload), e.size, len(name), 0, 0, 0,
                                  0, e.attr, offset))
        central.write(name)
    start, cd = out.tell(), central.getvalue()
    out.write(cd)
    n = len(entries)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), start, 0))
    return out.getvalue()


def make_zip(members: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip from {name: bytes}; a name ending in "/" is a folder entry."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return buf.getvalue()


def good_classes(extra: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Two readable classes of two images each (the minimum that loads), plus ``extra``."""
    members = {"data/bright/1.png": png(240), "data/bright/2.png": png(250),
               "data/dim/1.png": png(20), "data/dim/2.png": png(30)}
    members.update(extra or {})
    return members


def good_entries() -> list[Entry]:
    return [Entry.deflated(name, data) for name, data in good_classes().items()]


def good_zip() -> bytes:
    return make_zip(good_classes())


class Payload:
    """Pickles to ``os.system("touch PWNED")``: if anything ever unpickled an upload, a file
    named PWNED would appear in the working directory (the tests check that it does not)."""

    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def npz(compressed: bool = True, **arrays: np.ndarray) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def pickled_array() -> np.ndarray:
    arr = np.empty(1, dtype=object)
    arr[0] = Payload()
    return arr


def npy_header(shape: tuple[int, ...], descr: str = "<f4") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False,
                                               "shape": shape})
    return buf.getvalue()


# --- model files ----------------------------------------------------------------------------


@cache
def _model_arrays(input_shape: tuple[int, ...] = PREDICT_SHAPE, classes: int = 10
                  ) -> dict[str, np.ndarray]:
    from convviz.nn.model_files import model_bytes
    from convviz.nn.presets import model_from_preset

    data = model_bytes(model_from_preset("tiny", input_shape, classes, seed=0))
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def model_file(change: Callable[[dict], None] | None = None, *, input_shape=PREDICT_SHAPE,
               classes: int = 10, compressed: bool = True) -> bytes:
    """The tiny preset's model file for (16, 16, 1) digits, after ``change(arrays)``."""
    arrays = {k: v.copy() for k, v in _model_arrays(input_shape, classes).items()}
    if change is not None:
        change(arrays)
    return npz(compressed, **arrays)


def _architecture(arrays: dict) -> dict:
    return json.loads(str(arrays["architecture"][()]))


def _set_architecture(arrays: dict, arch: dict | str) -> None:
    arrays["architecture"] = np.array(arch if isinstance(arch, str) else json.dumps(arch))


def _nan_weight(arrays: dict) -> None:
    arrays["L0.weight"][0, 0, 0, 0] = np.nan


def _transposed_weight(arrays: dict) -> None:
    arrays["L0.weight"] = arrays["L0.weight"].T.copy()


def _pickled_bias(arrays: dict) -> None:
    arrays["L0.bias"] = pickled_array()


def _huge_dense(arrays: dict) -> None:
    arch = _architecture(arrays)
    arch["layers"][-1]["config"]["units"] = 10**12  # 2.3 KB on disk, 29 TiB to build
    _set_architecture(arrays, arch)


def _code_as_layer(arrays: dict) -> None:
    arch = _architecture(arrays)
    arch["layers"][0]["class"] = "__import__('os').system('touch PWNED')"
    _set_architecture(arrays, arch)


def _npz_header_lies() -> bytes:
    arrays = dict(_model_arrays())
    members = {f"{k}.npy": _npy_bytes(v) for k, v in arrays.items() if k != "L0.weight"}
    members["L0.weight.npy"] = npy_header((100_000, 100_000, 1, 8)) + bytes(288)
    return make_zip(members)


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _npz_bomb() -> bytes:
    payload, crc, size = deflate_zeros(1024)  # 1 GiB of zeros in 1 MB
    entries = [Entry.deflated(f"{k}.npy", _npy_bytes(v)) for k, v in _model_arrays().items()]
    entries.append(Entry("L9.weight.npy", payload, crc, size))
    return raw_zip(entries)


# --- data set zips --------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    payload, crc, size = deflate_zeros(1024)
    return raw_zip([*good_entries(), Entry("data/dim/bomb.png", payload, crc, size)])


def _many_members_bomb() -> bytes:
    # 80 members of 1.9 MB zeros each (2 KB compressed): each under the per-member ratio
    # check, 152 MB together; the compressed stream is shared, so building is instant.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = bytes(1_900_000)
    payload = comp.compress(data) + comp.flush()
    crc = zlib.crc32(data)
    extra = [Entry(f"data/{c}/z{i}.png", payload, crc, len(data))
             for i in range(40) for c in ("bright", "dim")]
    return raw_zip([*good_entries(), *extra])


def _lying_member() -> bytes:
    # Declares 1,000 bytes; its compressed stream would inflate to 100 MiB.
    payload, crc, _ = deflate_zeros(100)
    return raw_zip([*good_entries(), Entry("data/dim/liar.png", payload, crc, 1000)])


def _nested_zip() -> bytes:
    return make_zip(good_classes({"data/dim/inner.zip": _zip_bomb()}))


def _thousands_of_classes() -> bytes:
    one = png()
    return raw_zip([Entry.stored(f"class{i:04d}/x.png", one) for i in range(5000)])


def _too_many_files() -> bytes:
    return raw_zip(good_entries() + [Entry.stored(f"data/dim/{i}.txt", b"") for i in
                                     range(25_000)])


def _encrypted_member() -> bytes:
    return raw_zip([*good_entries(), Entry.deflated("data/dim/secret.png", png(), flags=0x1)])


def _unknown_method() -> bytes:
    return raw_zip([*good_entries(), Entry("data/dim/odd.png", png(), zlib.crc32(png()),
                                           len(png()), method=97)])


def _symlink_member() -> bytes:
    link = Entry.stored("data/dim/link.png", b"/etc/passwd", attr=0o120777 << 16)
    return raw_zip([*good_entries(), link])


# --- MNIST files ----------------------------------------------------------------------------


def idx_header(*dims: int) -> bytes:
    return bytes([0, 0, 0x08, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


def mnist_npz(n: int = 24, side: int = 12, classes: int = 3, **change) -> bytes:
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n, side, side), dtype=np.uint8),
              "y_train": np.arange(n) % classes}
    arrays.update(change)
    return npz(**arrays)


# --- the corpus -----------------------------------------------------------------------------


def _images_refused(fragment: str) -> dict[str, Outcome]:
    return dict.fromkeys(IMAGE_LOADERS, Refused(fragment))


def _image_loads(shape: tuple[int, int, int], upload: tuple[int, int, int] | None = None
                 ) -> dict[str, Outcome]:
    return {"image": Loads(shape), "upload": Loads(upload or shape), "predict": Loads(
        PREDICT_SHAPE)}


def _exif_rotated() -> bytes:
    img = noise(40, 20)  # stored 40 wide, 20 high
    exif = img.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display", as phones write it
    return encode(img, "JPEG", exif=exif)


def _palette_transparent() -> bytes:
    img = noise(9, 7).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    return encode(img, transparency=0)


def _frames(fmt: str, sizes: list[tuple[int, int]]) -> bytes:
    frames = [noise(w, h, seed=i) for i, (w, h) in enumerate(sizes)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:])


def _float_tiff_with_nan() -> bytes:
    arr = np.array([[np.nan, np.inf, 0.2], [-np.inf, 0.5, 1.0]], dtype=np.float32)
    return encode(Image.fromarray(arr, mode="F"), "TIFF")


def _truncated(fmt: str) -> bytes:
    data = encode(noise(64, 64), fmt)
    return data[: len(data) // 2]


def _corrupt_idat() -> bytes:
    data = bytearray(encode(noise(64, 64)))
    i = data.find(b"IDAT")
    data[i + 100: i + 140] = bytes(40)
    return bytes(data)


def _jpeg_claiming(w: int, h: int) -> bytes:
    data = bytearray(encode(Image.new("RGB", (8, 8)), "JPEG"))
    sof = data.find(b"\xff\xc0")
    data[sof + 5: sof + 9] = struct.pack(">HH", h, w)
    return bytes(data)


def _gif_claiming(w: int, h: int) -> bytes:
    data = bytearray(encode(Image.new("P", (1, 1)), "GIF"))
    data[6:10] = struct.pack("<HH", w, h)  # the logical screen
    return bytes(data)


def _text_chunk_bomb() -> bytes:
    text = b"Comment\x00\x00" + zlib.compress(bytes(50_000_000), 9)  # 50 MB of text in 50 KB
    return _with_png_chunk(png(), _chunk(b"zTXt", text))


def _garbage_exif() -> bytes:
    return encode(noise(8, 6), "JPEG", exif=b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff")


_EMPTY = Refused("empty (0 bytes)")
_BOMB_PIXELS = Refused("the limit is 40 million")

IMAGES = [
    Item("empty-file", "photo.png", lambda: b"", {
        **_images_refused("empty (0 bytes)"), "zip": _EMPTY, "mnist": _EMPTY,
        "model": Refused("not a convviz model file")}, "image"),
    Item("random-bytes-jpg", "photo.jpg", lambda: np.random.default_rng(7).bytes(4096),
         _images_refused("not an image Pillow can read"), "image"),
    Item("truncated-png", "cut.png", lambda: _truncated("PNG"), _images_refused("truncated"),
         "image"),
    Item("truncated-jpeg", "cut.jpg", lambda: _truncated("JPEG"), _images_refused("truncated"),
         "image"),
    Item("corrupt-png-data", "broken.png", _corrupt_idat, _images_refused("damaged"), "image"),
    Item("html-named-png", "photo.png",
         lambda: b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body>"
                 b"</html>", _images_refused("web page (HTML)"), "image"),
    Item("svg-named-png", "drawing.png",
         lambda: b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                 b'height="10"><script>alert(1)</script></svg>', _images_refused("SVG drawing"),
         "image"),
    Item("postscript-named-png", "doc.png",  # EPS would start Ghostscript: never opened
         lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
         _images_refused("not an image Pillow can read"), "image"),
    Item("pdf-named-jpg", "scan.jpg", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
         _images_refused("not an image Pillow can read"), "image"),
    Item("heic-photo", "IMG_0001.heic", lambda: b"\x00\x00\x00\x18ftypheic" + bytes(100),
         _images_refused("HEIC"), "image"),
    Item("tga-outside-the-formats", "image.png", lambda: encode(noise(5, 5), "TGA"),
         _images_refused("not an image Pillow can read"), "image"),
    Item("png-bomb-30000x30000", "bomb.png", lambda: blank_1bit_png(30_000, 30_000),
         _images_refused("has 900 million pixels; the limit is 40 million"), "image", bomb=True),
    Item("png-8000x6000-over-our-limit", "big.png", lambda: blank_1bit_png(8000, 6000),
         _images_refused("8000 x 6000 pixels (48 million); the limit is 40 million"), "image",
         bomb=True),
    Item("jpeg-header-65500x65500", "huge.jpg", lambda: _jpeg_claiming(65_500, 65_500),
         _images_refused("4.29 billion pixels"), "image", bomb=True),
    Item("gif-screen-65535x65535", "huge.gif", lambda: _gif_claiming(65_535, 65_535),
         dict.fromkeys(IMAGE_LOADERS, _BOMB_PIXELS), "image", bomb=True),
    Item("png-text-chunk-bomb", "text.png", _text_chunk_bomb, _images_refused("damaged"),
         "image", bomb=True),
    # Valid but unusual images: they must load, with the right shape.
    Item("1x1", "dot.png", lambda: encode(noise(1, 1)), _image_loads((1, 1, 3)), "image"),
    Item("1x10000", "wide.png", lambda: encode(noise(10_000, 1)),
         _image_loads((1, 10_000, 3), (1, 512, 3)), "image"),
    Item("10000x1", "tall.png", lambda: encode(noise(1, 10_000)),
         _image_loads((10_000, 1, 3), (512, 1, 3)), "image"),
    Item("16-bit-gray", "depth16.png",
         lambda: encode(Image.fromarray(np.arange(0, 65535, 300, dtype=np.uint16).reshape(
             1, -1).repeat(5, 0))), _image_loads((5, 219, 1)), "image"),
    Item("cmyk-jpeg", "print.jpg", lambda: encode(noise(10, 8).convert("CMYK"), "JPEG"),
         _image_loads((8, 10, 3)), "image"),
    Item("palette-transparency", "logo.png", _palette_transparent, _image_loads((7, 9, 3)),
         "image"),
    Item("gray-with-alpha", "la.png", lambda: encode(noise(6, 5, "L").convert("LA")),
         _image_loads((5, 6, 1)), "image"),
    Item("rgba", "rgba.png", lambda: encode(noise(6, 5).convert("RGBA")),
         _image_loads((5, 6, 3)), "image"),
    Item("1-bit", "bw.png", lambda: encode(noise(11, 3, "L").convert("1")),
         _image_loads((3, 11, 1)), "image"),
    Item("animated-gif", "anim.gif", lambda: _frames("GIF", [(12, 8)] * 3),
         _image_loads((8, 12, 3)), "image"),
    Item("multipage-tiff", "scan.tif", lambda: _frames("TIFF", [(30, 20), (50, 50), (5, 5)]),
         _image_loads((20, 30, 3)), "image"),
    Item("exif-rotated-jpeg", "phone.jpg", _exif_rotated, _image_loads((40, 20, 3)), "image"),
    Item("garbage-exif-jpeg", "exif.jpg", _garbage_exif, _image_loads((6, 8, 3)), "image"),
    Item("float-tiff-nan-inf", "float.tif", _float_tiff_with_nan, _image_loads((2, 3, 1)),
         "image"),
]

_NOT_ZIP = Refused("not a zip archive")
ZIPS = [
    Item("zip-slip-dotdot", "slip.zip", lambda: make_zip(good_classes({"../../evil.png": png()})),
         {"zip": Refused("path traversal"), "mnist": Refused("path traversal")}, "zip"),
    Item("zip-absolute-path", "abs.zip",
         lambda: make_zip(good_classes({"/etc/cron.d/evil": b"* * * * * root id"})),
         {"zip": Refused("absolute path"), "mnist": Refused("absolute path")}, "zip"),
    Item("zip-windows-drive", "drive.zip",
         lambda: make_zip(good_classes({"C:\\Windows\\evil.png": png()})),
         {"zip": Refused("absolute path")}, "zip"),
    Item("zip-bomb-1gib", "bomb.zip", _zip_bomb,
         {"zip": Refused("which is how a 'zip bomb' looks"),
          "mnist": Refused("which is how a 'zip bomb' looks"),
          "model": Refused("would unpack to more than 200 MB")}, "zip", bomb=True),
    Item("zip-many-members-152mb", "many.zip", _many_members_bomb,
         {"zip": Refused("more than the 100 MB limit"),
          "mnist": Refused("lists 84 files; the limit is 64"),
          "model": Refused("not a numpy array")}, "zip", bomb=True),
    Item("zip-member-lies-about-size", "liar.zip", _lying_member,
         {"zip": Loads((28, 28, 1), note="(it is damaged inside the zip): 'dim/liar.png'")},
         "zip", bomb=True),
    Item("zip-nested-zip-bomb", "nested.zip", _nested_zip,
         {"zip": Loads((28, 28, 1), note="(not an image): 'dim/inner.zip'")}, "zip",
         bomb=True),
    Item("zip-only-non-images", "docs.zip",
         lambda: make_zip({"a/readme.txt": b"hi", "a/data.csv": b"1,2", "b/run.sh": b"rm -rf /",
                           "b/evil.exe": b"MZ" + bytes(100)}),
         {"zip": Refused("no image that could be read")}, "zip"),
    Item("zip-non-images-mixed-in", "mixed.zip",
         lambda: make_zip(good_classes({"data/bright/notes.txt": b"x", "data/dim/a.exe": b"MZ"})),
         {"zip": Loads((28, 28, 1), note="Skipped 2 files (not an image)")}, "zip"),
    Item("zip-empty-class", "empty-class.zip",
         lambda: make_zip(good_classes({"data/nothing/": b""})),
         {"zip": Refused("'nothing' (it is empty)")}, "zip"),
    Item("zip-one-class", "one.zip",
         lambda: make_zip({"cats/1.png": png(), "cats/2.png": png(9)}),
         {"zip": Refused("at least two classes")}, "zip"),
    Item("zip-5000-classes", "classes.zip", _thousands_of_classes,
         {"zip": Refused("5,000 class folders; the limit is 100")}, "zip"),
    Item("zip-25000-files", "files.zip", _too_many_files,
         {"zip": Refused("lists 25,004 files; the limit is 20,000"),
          "mnist": Refused("lists 25,004 files; the limit is 64"),
          "model": Refused("holds 25004 files")}, "zip"),
    Item("zip-password-protected-member", "locked.zip", _encrypted_member,
         {"zip": Loads((28, 28, 1), note="password-protected")}, "zip"),
    Item("zip-unknown-compression", "odd.zip", _unknown_method,
         {"zip": Loads((28, 28, 1), note="compressed with a method")}, "zip"),
    Item("zip-symlink-member", "link.zip", _symlink_member,
         {"zip": Loads((28, 28, 1), note="'dim/link.png'")}, "zip"),
    Item("zip-markup-in-class-names", "names.zip",
         lambda: make_zip({"<img src=x onerror=alert(1)>/1.png": png(9),
                           "<img src=x onerror=alert(1)>/2.png": png(19),
                           "[click](javascript:alert(1)) 猫/1.png": png(200),
                           "[click](javascript:alert(1)) 猫/2.png": png(210)}),
         {"zip": Loads((28, 28, 1))}, "zip"),
    Item("zip-not-a-zip", "photos.zip", lambda: encode(noise(8, 8)),
         {"zip": _NOT_ZIP, "model": Refused("expected a .npz")}, "zip"),
    Item("zip-cut-off", "cut.zip", lambda: good_zip()[: len(good_zip()) // 2],
         {"zip": Refused("cut off"), "mnist": Refused("cut off")}, "zip"),
    Item("zip-no-entries", "nothing.zip", lambda: make_zip({}),
         {"zip": Refused("no class folders")}, "zip"),
]

MODELS = [
    Item("model-valid-control", "model.npz", lambda: model_file(),
         {"model": Loads(PREDICT_SHAPE), "model_for": Loads(PREDICT_SHAPE)}, "model"),
    Item("model-pickled-object", "evil.npz", lambda: model_file(_pickled_bias, compressed=False),
         {"model": Refused("Python objects"), "model_for": Refused("Python objects")}, "model"),
    Item("model-nan-weights", "nan.npz", lambda: model_file(_nan_weight),
         {"model": Refused("NaN or infinity"), "model_for": Refused("NaN or infinity")},
         "model"),
    Item("model-wrong-shapes", "shapes.npz", lambda: model_file(_transposed_weight),
         {"model": Refused("has shape (8, 1, 3, 3), expected (3, 3, 1, 8)"),
          "model_for": Refused("has shape")}, "model"),
    Item("model-missing-array", "missing.npz",
         lambda: model_file(lambda a: a.pop("L0.bias")),
         {"model": Refused("lacks the weights L0.bias"),
          "model_for": Refused("lacks the weights")}, "model"),
    Item("model-extra-array", "extra.npz",
         lambda: model_file(lambda a: a.update(payload=np.zeros(3, np.float32))),
         {"model": Refused("does not use: payload")}, "model"),
    Item("model-no-architecture", "weights.npz",
         lambda: model_file(lambda a: a.pop("architecture")),
         {"model": Refused("`architecture` entry is missing")}, "model"),
    Item("model-architecture-not-json", "json.npz",
         lambda: model_file(lambda a: _set_architecture(a, "{'layers': [")),
         {"model": Refused("not valid JSON")}, "model"),
    Item("model-code-as-layer-kind", "code.npz", lambda: model_file(_code_as_layer),
         {"model": Refused("unknown kind")}, "model"),
    Item("model-dense-1e12-units", "huge.npz", lambda: model_file(_huge_dense),
         {"model": Refused("weights, but the file holds only"),
          "model_for": Refused("weights, but the file holds only")}, "model", bomb=True),
    Item("model-npy-header-lies", "lies.npz", _npz_header_lies,
         {"model": Refused("promises more data than it holds")}, "model", bomb=True),
    Item("model-zip-bomb", "bomb.npz", _npz_bomb,
         {"model": Refused("would unpack to more than 200 MB")}, "model", bomb=True),
    Item("model-not-a-zip", "model.npz", lambda: encode(noise(4, 4)),
         {"model": Refused("expected a .npz"), "model_for": Refused("expected a .npz")},
         "model"),
    Item("model-for-other-images", "mnist28.npz", lambda: model_file(input_shape=(28, 28, 1)),
         {"model": Loads((28, 28, 1)), "model_for": Refused("(16, 16, 1) is needed here")},
         "model"),
    Item("model-for-other-classes", "three.npz", lambda: model_file(classes=3),
         {"model": Loads(PREDICT_SHAPE), "model_for": Refused("has 10 classes")}, "model"),
    Item("model-path-traversal-member", "slip.npz",
         lambda: model_file(lambda a: a.update({"../../L0.weight": a.pop("L0.weight")})),
         {"model": Refused("lacks the weights L0.weight")}, "model"),
    Item("model-over-50-mb", "big.npz", lambda: b"PK\x03\x04" + bytes(51 * MiB),
         {"model": Refused("larger than 50 MB")}, "model", bomb=True),
]

MNIST = [
    Item("mnist-pickled-npz", "mnist.npz",
         lambda: npz(False, x_train=pickled_array(), y_train=np.arange(1)),
         {"mnist": Refused("Python objects (pickled data)"),
          "model": Refused("Python objects")}, "mnist"),
    Item("mnist-idx-claims-a-billion-images", "train-images-idx3-ubyte",
         lambda: idx_header(1_000_000_000, 512, 512) + bytes(1000),
         {"mnist": Refused("should hold 262,144,000,000,000 bytes")}, "mnist", bomb=True),
    Item("mnist-gzip-bomb", "train-images-idx3-ubyte.gz", lambda: gzip_zeros(1024),
         {"mnist": Refused("would decompress to more than 128 MB")}, "mnist", bomb=True),
    Item("mnist-png-named-idx", "train-labels-idx1-ubyte", lambda: encode(noise(4, 4)),
         {"mnist": Refused("not an MNIST (IDX) file")}, "mnist"),
    Item("mnist-cut-off-idx", "train-images-idx3-ubyte", lambda: idx_header(10, 28, 28) + bytes(99),
         {"mnist": Refused("damaged or cut off")}, "mnist"),
    Item("mnist-one-class", "one.npz", lambda: mnist_npz(classes=1),
         {"mnist": Refused("only one class")}, "mnist"),
    Item("mnist-label-out-of-range", "range.npz",
         lambda: mnist_npz(y_train=np.full(24, 1000) - np.arange(24) % 2),
         {"mnist": Refused("A label is 1000")}, "mnist"),
    Item("mnist-negative-label", "neg.npz", lambda: mnist_npz(y_train=np.arange(24) % 3 - 1),
         {"mnist": Refused("negative label")}, "mnist"),
    Item("mnist-count-mismatch", "count.npz", lambda: mnist_npz(y_train=np.arange(5) % 3),
         {"mnist": Refused("counts must match")}, "mnist"),
    Item("mnist-float-images", "float.npz",
         lambda: mnist_npz(x_train=np.random.default_rng(0).random((24, 12, 12))),
         {"mnist": Refused("dtype float64")}, "mnist"),
    Item("mnist-no-images", "zero.npz",
         lambda: mnist_npz(x_train=np.zeros((0, 12, 12), np.uint8), y_train=np.zeros(0, int)),
         {"mnist": Refused("at least one image")}, "mnist"),
    Item("mnist-1x1-images", "dots.npz", lambda: mnist_npz(side=1),
         {"mnist": Loads((1, 1, 1))}, "mnist"),
]

CORPUS: list[Item] = [*IMAGES, *ZIPS, *MODELS, *MNIST]
BY_NAME = {item.name: item for item in CORPUS}
assert len(BY_NAME) == len(CORPUS), "corpus names must be unique"
