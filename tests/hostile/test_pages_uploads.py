"""The corpus through every upload path of the app, with AppTest: an explanation on the page,
never an exception, and the previous image, data set or model kept.

One AppTest per uploader serves all its items (module-scoped fixtures; the parametrized tests
run in order), so each bad file arrives on a page that already holds a good one:

- the image page's uploader (``img.upload``): items the ``upload`` loader targets;
- the training page's Predict upload (``train.pred_img``): items of the ``predict`` loader;
- "Your images" (``train.zip``), "MNIST files" (``train.mnist``) and "Load a model"
  (``train.model_file``): items of the ``zip``, ``mnist`` and ``model_for``/``model`` loaders.

After the sweep each app switches to another page and back, and must still work.
"""

from __future__ import annotations

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from convviz.imaging.filters import load_upload

from .corpus import CORPUS, Item, Loads, encode, good_zip, mnist_npz, model_file, noise

pytestmark = pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # garbage-exif-jpeg
SIZE = 128  # the image page's working size here (smaller is faster, the paths are the same)
TINY = "C4k3:relu;M2;F;D10"
GOOD_IMAGE = ("good.png", encode(noise(60, 40, seed=3)))  # 40 high, 60 wide
MIME = "application/octet-stream"


def _app(page: str, **params: str) -> AppTest:
    return open_page(page, params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _targets(loader: str) -> list[Item]:
    return [item for item in CORPUS if loader in item.expect]


def _ids(items: list[Item]) -> list[str]:
    return [item.name for item in items]


def _name(at: AppTest, key: str, filename: str) -> str:
    """The name the file is uploaded under: the browser only offers files with one of the
    uploader's extensions (Streamlit checks again on the server), so others are renamed the
    way a user would, ``IMG_0001.heic`` -> ``IMG_0001.heic.png``."""
    allowed = [t if t.startswith(".") else f".{t}"
               for t in at.file_uploader(key=key).allowed_type]
    if not allowed or filename.lower().endswith(tuple(allowed)):
        return filename
    return filename + allowed[0]


def _upload(at: AppTest, key: str, name: str, data: bytes, *, many: bool = False) -> AppTest:
    files = [(name, data, MIME)] if many else (name, data, MIME)
    at.file_uploader(key=key).set_value(files)
    return at.run()


def _still_works(at: AppTest, page: str) -> None:
    at.switch_page("pages/convolution.py").run()
    _ok(at)
    assert at.title[0].value == "Convolution, step by step"
    at.switch_page(page).run()
    _ok(at)


# --- the image page -------------------------------------------------------------------------

IMAGE_PAGE = "pages/image_filters.py"


def _preview(at: AppTest) -> str:
    """The caption of the image the page works on ("name: HxW pixels, ...")."""
    return next(c for im in at.get("image") for c in im.captions if " pixels, " in c)


@pytest.fixture(scope="module")
def image_page():
    at = _app(IMAGE_PAGE, **{"img.size": str(SIZE)})
    at.radio(key="img.source").set_value("upload").run()
    _upload(at, "img.upload", *GOOD_IMAGE)
    _ok(at)
    assert _preview(at).startswith("good.png: 40x60 pixels")
    return at


@pytest.mark.parametrize("item", _targets("upload"), ids=_ids(_targets("upload")))
def test_image_page_upload(image_page, item):
    name = _name(image_page, "img.upload", item.filename)
    at = _upload(image_page, "img.upload", name, item.data())
    _ok(at)
    if isinstance(item.expect["upload"], Loads):
        h, w = load_upload(item.data(), SIZE)[0].shape[:2]
        assert not any(name in e for e in _errors(at)), _errors(at)
        assert _preview(at).startswith(f"{name}: {h}x{w} pixels")
        _upload(at, "img.upload", *GOOD_IMAGE)  # the good image again, for the next item
        _ok(at)
    else:
        mine = [e for e in _errors(at) if f"Could not use “{name}”" in e]
        assert len(mine) == 1, _errors(at)
        assert item.expect["upload"].fragment in mine[0]
        assert "goes on with the previous image" in mine[0]
    assert _preview(at).startswith("good.png: 40x60 pixels")


def test_image_page_still_works_after_the_sweep(image_page):
    _still_works(image_page, IMAGE_PAGE)
    assert _preview(image_page).startswith("good.png: 40x60 pixels")  # kept across pages
    image_page.slider(key="img.stride").set_value(2).run()
    _ok(image_page)
    assert not image_page.error


# --- the training page ----------------------------------------------------------------------

TRAIN_PAGE = "pages/train.py"


def _ss(at: AppTest, key: str):
    return at.session_state[key] if key in at.session_state else None


def _data_in_use(at: AppTest):
    return _ss(at, "train.in_use").dataset


@pytest.fixture(scope="module")
def predict_page():
    at = _app(TRAIN_PAGE, **{"train.arch": TINY})
    at.session_state["train.tab"] = "Predict"
    at.run()
    at.radio(key="train.pred_src").set_value("upload").run()
    _ok(at)
    return at


@pytest.mark.parametrize("item", _targets("predict"), ids=_ids(_targets("predict")))
def test_predict_upload(predict_page, item):
    name = _name(predict_page, "train.pred_img", item.filename)
    at = _upload(predict_page, "train.pred_img", name, item.data())
    _ok(at)
    mine = [e for e in _errors(at) if f"Could not use “{name}”" in e]
    if isinstance(item.expect["predict"], Loads):
        assert not mine
        captions = [c for im in at.get("image") for c in im.captions]
        assert "Your image as the network sees it (16x16x1)" in captions
        assert any(m.label == "The network answers" for m in at.metric)
    else:
        assert len(mine) == 1 and item.expect["predict"].fragment in mine[0], _errors(at)


def test_predict_still_works_after_the_sweep(predict_page):
    _still_works(predict_page, TRAIN_PAGE)
    predict_page.session_state["train.tab"] = "Predict"  # the page opens on Results again
    predict_page.run()
    predict_page.radio(key="train.pred_src").set_value("sample").run()
    _ok(predict_page)
    assert any(m.label == "The network answers" for m in predict_page.metric)


@pytest.fixture(scope="module")
def zip_page():
    at = _app(TRAIN_PAGE, **{"train.arch": TINY, "train.data": "images_zip"})
    _upload(at, "train.zip", "good.zip", good_zip())
    _ok(at)
    assert _data_in_use(at).class_names == ("bright", "dim") and not _errors(at)
    return at


@pytest.mark.parametrize("item", _targets("zip"), ids=_ids(_targets("zip")))
def test_data_set_zip_upload(zip_page, item):
    before = _data_in_use(zip_page)
    at = _upload(zip_page, "train.zip", _name(zip_page, "train.zip", item.filename), item.data())
    _ok(at)
    expected = item.expect["zip"]
    if isinstance(expected, Loads):
        assert not _errors(at), _errors(at)
        ds = _data_in_use(at)
        assert ds is not before and ds.input_shape == expected.shape
        assert _ss(at, "train.trainer").dataset is ds  # the model is rebuilt for it
        if expected.note:
            assert any(expected.note in c.value for c in at.caption)
        _upload(at, "train.zip", "good.zip", good_zip())
        _ok(at)
    else:
        assert len(_errors(at)) == 1, _errors(at)
        assert expected.fragment in _errors(at)[0]
        assert "Training keeps the data it had" in _errors(at)[0]
        assert _data_in_use(at) is before
        assert _ss(at, "train.trainer").dataset is before
    assert _data_in_use(at).class_names == ("bright", "dim")


def test_zip_data_still_works_after_the_sweep(zip_page):
    _still_works(zip_page, TRAIN_PAGE)
    assert _data_in_use(zip_page).class_names == ("bright", "dim")  # kept across pages
    zip_page.button(key="train.start").click().run()  # and it trains
    _ok(zip_page)
    assert _ss(zip_page, "train.trainer").step > 0


@pytest.fixture(scope="module")
def mnist_page():
    at = _app(TRAIN_PAGE, **{"train.arch": TINY, "train.data": "mnist_files"})
    _upload(at, "train.mnist", "good.npz", mnist_npz(), many=True)
    _ok(at)
    assert _data_in_use(at).name == "MNIST files" and not _errors(at)
    return at


@pytest.mark.parametrize("item", _targets("mnist"), ids=_ids(_targets("mnist")))
def test_mnist_files_upload(mnist_page, item):
    before = _data_in_use(mnist_page)
    at = _upload(mnist_page, "train.mnist", item.filename, item.data(), many=True)
    _ok(at)
    expected = item.expect["mnist"]
    if isinstance(expected, Loads):
        ds = _data_in_use(at)
        assert ds is not before and ds.input_shape == expected.shape
        # 1x1 images load, but no architecture fits them: said on the page, not raised
        assert all("cannot be trained on this data" in e for e in _errors(at)), _errors(at)
        _upload(at, "train.mnist", "good.npz", mnist_npz(), many=True)
        _ok(at)
    else:
        assert len(_errors(at)) == 1, _errors(at)
        assert expected.fragment in _errors(at)[0]
        assert "Training keeps the data it had" in _errors(at)[0]
        assert _data_in_use(at) is before
    assert _data_in_use(at).input_shape == (12, 12, 1)


def test_mnist_data_still_works_after_the_sweep(mnist_page):
    _still_works(mnist_page, TRAIN_PAGE)
    assert _data_in_use(mnist_page).name == "MNIST files"
    assert not mnist_page.error


@pytest.fixture(scope="module")
def model_page():
    at = _app(TRAIN_PAGE, **{"train.arch": "C8k3:relu;M2;F;D10"})  # the tiny preset
    at.session_state["train.tab"] = "Save or load"
    at.run()
    _ok(at)
    _upload(at, "train.model_file", "start.npz", model_file())
    _ok(at)
    assert any("loaded from “start.npz”" in c.value for c in at.caption)
    return at


def _page_model_outcome(item: Item):
    return item.expect.get("model_for", item.expect.get("model"))


MODEL_ITEMS = [item for item in CORPUS if _page_model_outcome(item) is not None]


@pytest.mark.parametrize("item", MODEL_ITEMS, ids=_ids(MODEL_ITEMS))
def test_model_file_upload(model_page, item):
    before = _ss(model_page, "train.trainer")
    name = _name(model_page, "train.model_file", item.filename)
    at = _upload(model_page, "train.model_file", name, item.data())
    _ok(at)
    expected = _page_model_outcome(item)
    if isinstance(expected, Loads):
        assert not _errors(at), _errors(at)
        assert _ss(at, "train.trainer") is not before
        assert any(f"loaded from “{name}”" in c.value for c in at.caption)
    else:
        mine = [e for e in _errors(at) if f"Could not load “{name}”" in e]
        assert len(mine) == 1, _errors(at)
        assert expected.fragment in mine[0] and "The current model is kept" in mine[0]
        assert _ss(at, "train.trainer") is before


def test_model_still_works_after_the_sweep(model_page):
    kept = _ss(model_page, "train.trainer")
    _still_works(model_page, TRAIN_PAGE)
    assert _ss(model_page, "train.trainer") is kept  # the model survives a page switch
    assert kept.step == 0 and _ss(model_page, "train.from_file") == "model.npz"
    model_page.button(key="train.start").click().run()  # the loaded model trains on
    _ok(model_page)
    assert _ss(model_page, "train.trainer") is kept and kept.step > 0
