"""Every download of every page at its largest settings: what the page says beside the
button before the click, and the click itself (the file the browser would get) under a
bound on peak memory.

AppTest (Streamlit 1.67) can press a download button (a rerun) but never runs its ``data``
callable: the browser asks the server for the file separately. So a run records the
callables the page registers (``MediaFileManager.add_deferred``, where the button hands
them over) and the test calls them, as the server does on a click, in a fresh process
whose peak resident size bounds the memory (see tests/memory.py).
"""

from __future__ import annotations

import numpy as np
from apptest import open_page
from memory import peak_growth

from convviz.base import budget, memory
from convviz.serve.params import grid_to_text

LARGEST_CONV = {  # 12x12 input, 7x7 kernel, dilation 3, "full" padding, stride 1: 900 steps
    "conv.x": grid_to_text(np.random.default_rng(0).integers(0, 10, (12, 12))),
    "conv.kname": "custom", "conv.k": grid_to_text(np.ones((7, 7), int)),
    "conv.pad_kind": "full", "conv.dil": "3", "conv.stride": "1",
}

RECORD = """
import json
from apptest import open_page
from streamlit.runtime.media_file_manager import MediaFileManager

clicks = {}
_add = MediaFileManager.add_deferred

def _record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
    clicks[file_name] = data_callable
    return _add(self, data_callable, mimetype, coordinates, file_name, **kw)

MediaFileManager.add_deferred = _record
"""


def _page_says(page: str, params: dict) -> list[str]:
    at = open_page(page, params)
    assert not at.exception, [e.value for e in at.exception]
    return [c.value for c in at.caption] + [w.value for w in at.warning]


def test_the_step_gif_at_the_largest_settings_says_what_fits():
    said = _page_says("pages/convolution.py", LARGEST_CONV)
    note = next((s for s in said if s.startswith("The animation in full (900 frames)")), None)
    assert note is not None, said
    assert "every 3rd step with smaller cells (24 px): 301 of 900 frames" in note


def test_clicking_the_step_gif_at_the_largest_settings_stays_in_budget():
    """The click that took the server to 23 GB: now a GIF of at most 8 MB, made with a
    peak under one click's memory budget."""
    growth, (n, size, mime) = peak_growth(RECORD + f"""
at = open_page("pages/convolution.py", {LARGEST_CONV!r})
assert not at.exception
""", """
import io
from PIL import Image
data = clicks["convolution.gif"]()
with Image.open(io.BytesIO(data)) as gif:
    result = [gif.n_frames, len(data), gif.format]
""", timeout=600)
    assert mime == "GIF" and n == 301
    assert size <= budget.MAX_OUTPUT_BYTES
    assert growth < budget.MAX_WORK_BYTES / 2**20, f"the peak grew by {growth:.0f} MB"


def test_a_refused_download_is_disabled_and_says_why(monkeypatch):
    monkeypatch.setenv(memory.MEMORY_ENV, "1024")
    monkeypatch.setattr(memory, "process_rss_bytes", lambda: 1020 * 2**20)
    at = open_page("pages/convolution.py")
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.disabled
    assert any("short of memory" in w.value and "Nothing was started" in w.value
               for w in at.warning)


def test_an_invalid_memory_limit_is_said_on_the_page(monkeypatch):
    monkeypatch.setenv(memory.MEMORY_ENV, "lots")
    at = open_page("pages/convolution.py")
    assert not at.exception
    assert any("`CONVVIZ_MAX_MEMORY_MB` must be an integer" in w.value for w in at.warning)


LARGEST_IMAGE = """
import io
import numpy as np
from PIL import Image
from convviz.imaging.filters import KERNEL_CHOICES, dump_kernel_list
from convviz.serve.params import grid_to_text

buf = io.BytesIO()  # an upload at the largest working size, 2048 px
rng = np.random.default_rng(3)
Image.fromarray(rng.integers(0, 256, (2048, 1600, 3), np.uint8)).save(buf, format="PNG")
kernels = ["custom", *[k for k in KERNEL_CHOICES if k != "custom"][:7]]  # 8 kernels
at = open_page("pages/image_filters.py", {
    "img.size": "2048", "img.kernels": dump_kernel_list(kernels), "img.view": "rgb",
    "img.custom": grid_to_text(np.ones((11, 11), int)), "img.dil": "4",
    "img.pad_kind": "full", "img.zoom": "{zoom}", "img.zsize": "32", "img.inspect": "custom"},
    timeout=300)
at.radio(key="img.source").set_value("upload").run()
at.file_uploader(key="img.upload").set_value(("big.png", buf.getvalue(), "image/png")).run()
assert not at.exception, [e.value for e in at.exception]
shown = " ".join(c.value for c in at.caption)
assert "Input (2048, 1600, 3) through 8 filter(s)" in shown, "not the largest settings"
"""


def _click_image_page(zoom: bool, files: list[str]) -> tuple[float, dict]:
    return peak_growth(RECORD + LARGEST_IMAGE.replace("{zoom}", str(zoom).lower()), f"""
import io
from PIL import Image
result = {{}}
for name in {files!r}:
    data = clicks[name]()
    with Image.open(io.BytesIO(data)) as im:
        result[name] = [im.format, getattr(im, "n_frames", 1), len(data)]
""", timeout=900)


def test_the_image_pages_downloads_at_the_largest_settings_stay_in_budget():
    """A 2048 px upload, 8 kernels with an 11x11 one, dilation 4, "full" padding, RGB:
    the feature-maps PNG and the sweep GIF, each under one click's memory budget."""
    growth, got = _click_image_page(False, ["feature_maps.png", "sweep_custom.gif"])
    assert got["feature_maps.png"][0] == "PNG" and got["sweep_custom.gif"][0] == "GIF"
    assert all(size <= budget.MAX_OUTPUT_BYTES for _, _, size in got.values())
    assert growth < budget.MAX_WORK_BYTES / 2**20, f"the peak grew by {growth:.0f} MB"


def test_the_zoomed_sweep_gif_at_the_largest_settings_stays_in_budget():
    growth, got = _click_image_page(True, ["sweep_custom.gif"])
    fmt, frames, size = got["sweep_custom.gif"]
    assert fmt == "GIF" and frames > 100 and size <= budget.MAX_OUTPUT_BYTES
    assert growth < budget.MAX_WORK_BYTES / 2**20, f"the peak grew by {growth:.0f} MB"
