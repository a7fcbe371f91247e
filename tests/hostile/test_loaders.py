"""Every corpus item through every engine loader: the expected outcome, only the loader's own
error type, nothing written anywhere, and bounded memory.

For each (item, loader) pair that the corpus names, the loader must either give the expected
result (the right shape) or raise its own error type (``ImageError``, ``DatasetError`` or
``ModelFileError``, all ``ValueError`` subclasses) with a message holding the expected
fragment. Every other pair is swept too: whatever the loader makes of the item, it may only
raise its own error type. Loaders run with a temporary folder as the working directory and
with every way of opening a file for writing refused (conftest.py also checks that no file
appears in the working directory or the repository).

Memory: the peak of Python and numpy allocations (tracemalloc) is measured for every call and
must stay under ``PEAK_BOUND``; for the bombs the growth of the process's resident set (its
high-water mark, reset through ``/proc/self/clear_refs``) is measured too, which also counts
what Pillow and zlib allocate in C. ``pytest -s`` prints the bomb figures. Measured on the
2-core machine (MiB on disk; traced peak and resident growth in MiB, the same through each
of the item's loaders unless listed):

=================================  ======  ============  ===============
bomb                               disk    traced peak   resident growth
=================================  ======  ============  ===============
png-bomb-30000x30000 (900 Mpx)     0.10    0.0           0.0
png-8000x6000-over-our-limit       0.01    0.0           0.0
jpeg-header-65500x65500            0.00    0.0           0.0
gif-screen-65535x65535             0.00    0.0           0.0
png-text-chunk-bomb (50 MB zTXt)   0.05    2.2           1.2
zip-bomb-1gib (zip, mnist, model)  1.01    0.0           0.0
zip-many-members-152mb             0.15    0.1           0.1
zip-member-lies-about-size         0.10    0.1           0.1
zip-nested-zip-bomb                0.00    2.1           1.0
model-dense-1e12-units             0.02    0.1           0.0
model-npy-header-lies              0.02    0.1           0.0
model-zip-bomb (1 GiB inside)      1.03    0.0           0.0
model-over-50-mb                   51.00   0.0           0.0
mnist-idx-claims-a-billion-images  0.00    0.0           0.0
mnist-gzip-bomb (1 GiB inside)     1.01    125.8         116.0
=================================  ======  ============  ===============

Every bomb is refused from a header or a declared size before anything is inflated (the
lying member is read with a bounded read and skipped), except the gzip bomb: gzip declares no
trustworthy size, so it is inflated in 1 MiB pieces up to the MNIST loader's own cap (128 MB;
MNIST's four files are 55 MB) and refused there.
"""

from __future__ import annotations

import builtins
import gc
import io
import os
import tracemalloc
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest

from convviz.imaging.filters import load_upload
from convviz.imaging.images import ImageError, load_image
from convviz.inside.user_images import fit_image
from convviz.nn.data import DatasetError, load_builtin, load_image_folder_zip, load_mnist_files
from convviz.nn.io import ModelFileError, load_model
from convviz.nn.model_files import load_model_for

from .corpus import (
    CORPUS,
    IMAGES,
    PREDICT_SHAPE,
    Item,
    Loads,
    Payload,
    Refused,
    good_classes,
    make_zip,
)

pytestmark = pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # garbage-exif-jpeg
MiB = 1 << 20
PEAK_BOUND = 200 * MiB  # traced allocations during one loader call, bombs included
RSS_BOUND = 250 * MiB  # growth of the resident set during one bomb


@cache
def _digits():
    return load_builtin("digits")  # loaded once, before any measurement (see `warm`)


def _mnist_upload(item: Item, data: bytes) -> Any:
    upload = io.BytesIO(data)  # as the page passes Streamlit's uploads: objects with a name
    upload.name = item.filename
    return load_mnist_files([upload])


#: name -> (call(item, data), the loader's own error type)
LOADERS: dict[str, tuple[Callable[[Item, bytes], Any], type[ValueError]]] = {
    "image": (lambda item, data: load_image(data), ImageError),
    "upload": (lambda item, data: load_upload(data, 512)[0], ImageError),
    "predict": (lambda item, data: fit_image(load_image(data, max_side=512), PREDICT_SHAPE),
                ImageError),
    "zip": (lambda item, data: load_image_folder_zip(data), DatasetError),
    "mnist": (_mnist_upload, DatasetError),
    "model": (lambda item, data: load_model(data), ModelFileError),
    "model_for": (lambda item, data: load_model_for(data, _digits()), ModelFileError),
}
EXPECTED = [(item, loader) for item in CORPUS for loader in item.expect]


def _ids(pairs):
    return [f"{item.name}-{loader}" for item, loader in pairs]


# --- sandbox: nothing written --------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def warm():
    _digits()  # the first load imports scikit-learn: not part of any measurement


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@pytest.fixture()
def sandbox(tmp_path, monkeypatch):
    """A temporary working directory, and a list of every attempt to open a file for writing
    (each attempt also fails, with an error no loader catches)."""
    monkeypatch.chdir(tmp_path)
    attempts: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            attempts.append(f"open({file!r}, {mode!r})")
            raise AssertionError(f"a loader opened {file!r} for writing")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS:
            attempts.append(f"os.open({path!r})")
            raise AssertionError(f"a loader opened {path!r} for writing")
        return real_os_open(path, flags, *args, **kwargs)

    def guard():
        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)

    def unguard():
        monkeypatch.setattr(builtins, "open", real_open)
        monkeypatch.setattr(io, "open", real_open)
        monkeypatch.setattr(os, "open", real_os_open)

    yield guard, unguard, attempts
    unguard()
    assert not attempts, attempts
    assert not list(tmp_path.iterdir()), "a loader wrote into the working directory"


# --- memory ---------------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_rss_peak() -> bool:
    """Reset the process's resident high-water mark (Linux); False where that is refused."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def run_measured(call: Callable[[], Any], sandbox) -> tuple[Any, BaseException | None, int,
                                                              int | None]:
    """``call()`` with writes refused: (result, exception, traced peak, resident growth)."""
    guard, unguard, _ = sandbox
    rss_before = _status_kib("VmRSS") * 1024
    reset = _reset_rss_peak()
    tracemalloc.start()
    guard()
    result = error = None
    try:
        result = call()
    except Exception as exc:  # judged by the caller: only the loader's own type may come out
        error = exc
    finally:
        unguard()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    growth = max(0, _status_kib("VmHWM") * 1024 - rss_before) if reset else None
    return result, error, peak, growth


def _shape(result: Any) -> tuple[int, ...]:
    if isinstance(result, np.ndarray):
        return result.shape
    return tuple(result.input_shape)  # a Dataset or a Sequential


def check(item: Item, loader: str, result: Any, error: BaseException | None) -> None:
    _, own = LOADERS[loader]
    expected = item.expect[loader]
    if isinstance(expected, Refused):
        assert error is not None, f"{loader} accepted {item.name}: {result!r:.200}"
        assert type(error) is own, f"{loader} raised {type(error).__name__}: {error}"
        assert expected.fragment in str(error), str(error)
        assert error.__cause__ is None or isinstance(error.__cause__, ValueError)
        return
    assert error is None, f"{loader} refused {item.name}: {type(error).__name__}: {error}"
    assert isinstance(expected, Loads)
    if expected.shape is not None:
        assert _shape(result) == expected.shape
    if isinstance(result, np.ndarray):
        assert result.dtype == np.float32 and np.isfinite(result).all()
        assert result.min() >= 0 and result.max() <= 1
    if expected.note is not None:
        assert any(expected.note in note for note in result.notes), result.notes


# --- the tests ------------------------------------------------------------------------------


def test_the_corpus_is_large_and_covers_every_loader():
    assert len(CORPUS) >= 30
    assert {loader for item in CORPUS for loader in item.expect} == set(LOADERS)
    assert sum(item.bomb for item in CORPUS) >= 8


@pytest.mark.parametrize(("item", "loader"), EXPECTED, ids=_ids(EXPECTED))
def test_expected_outcome(item, loader, sandbox):
    call, _ = LOADERS[loader]
    data = item.data()
    if item.bomb:
        gc.collect()  # a steady resident set before the high-water mark is reset
    result, error, peak, growth = run_measured(lambda: call(item, data), sandbox)
    check(item, loader, result, error)
    assert peak < PEAK_BOUND, f"{peak / MiB:.0f} MiB traced"
    if item.bomb:
        rss = "n/a" if growth is None else f"{growth / MiB:.1f} MiB"
        print(f"\n[memory] {item.name} via {loader}: {len(data) / MiB:.2f} MiB on disk, "
              f"traced peak {peak / MiB:.1f} MiB, resident growth {rss}")
        assert growth is None or growth < RSS_BOUND, f"{growth / MiB:.0f} MiB resident"


@pytest.mark.parametrize("item", CORPUS, ids=[item.name for item in CORPUS])
def test_any_other_loader_raises_only_its_own_error(item, sandbox):
    data = item.data()
    for loader, (call, own) in LOADERS.items():
        if loader in item.expect:
            continue
        result, error, peak, _ = run_measured(lambda: call(item, data), sandbox)  # noqa: B023
        if error is not None:
            assert type(error) is own, f"{loader} raised {type(error).__name__}: {error}"
            assert len(str(error)) > 20, str(error)
        assert peak < PEAK_BOUND, f"{loader}: {peak / MiB:.0f} MiB traced"


@pytest.mark.parametrize("item", IMAGES, ids=[item.name for item in IMAGES])
def test_each_image_inside_a_data_set_zip(item, sandbox):
    """A bad image among good ones is skipped and named; a valid one is used."""
    data = make_zip(good_classes({f"data/dim/{item.filename}": item.data()}))
    ds, error, peak, _ = run_measured(lambda: load_image_folder_zip(data), sandbox)
    assert error is None, f"{type(error).__name__}: {error}"
    assert peak < PEAK_BOUND
    if isinstance(item.expect["image"], Loads):
        assert ds.n_train + ds.n_test == 5 and not ds.notes
    else:
        assert ds.n_train + ds.n_test == 4
        assert any(n.startswith("Skipped 1 file") and f"'dim/{item.filename}'" in n
                   for n in ds.notes), ds.notes


def test_the_pickled_items_carry_a_real_exploit():
    """Unpickling them would run ``os.system("touch PWNED")``; the sandbox would see the file.
    (Shown without unpickling anything: the payload pickles to a call of os.system.)"""
    import pickle
    import pickletools

    ops = [op.name for op, arg, _ in pickletools.genops(pickle.dumps(Payload()))]
    assert "REDUCE" in ops and b"system" in pickle.dumps(Payload())
    assert Payload().__reduce__() == (os.system, ("touch PWNED",))
