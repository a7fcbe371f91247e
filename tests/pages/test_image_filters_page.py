"""AppTest runs of pages/image_filters.py: sample, kernels, uploads, errors, sweep, exports."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from apptest import open_page
from PIL import Image
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

import convviz as cv
from convviz.draw.colors import display_legend
from convviz.draw.html_legend import legend_html
from convviz.draw.numbers import format_value
from convviz.draw.render import NUMBERS_LEFT_OUT
from convviz.imaging.filter_bank import channel_responses, display_vmax, feature_maps
from convviz.imaging.samples import load_sample
from convviz.imaging.sweep import sweep_plan
from convviz.imaging.sweep_export import sweep_gif_fit, sweep_gif_numbers_left_out

POINT = (165, 150)  # the page's default point


def _run(**params: str) -> AppTest:
    return open_page("pages/image_filters.py", params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _md(at: AppTest, start: str) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(start))


def _png(h: int, w: int) -> bytes:
    rng = np.random.default_rng(5)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _frame_caption(at: AppTest) -> str:
    """The line below the sweep: the frame Python shows (where the browser's sweep stopped)."""
    return _md(at, "Frame ")


def _sweep(at: AppTest):
    """The sweep component as drawn by the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.component_name == "convviz.sweep"]
    return el


def _payload(at: AppTest) -> dict:
    return json.loads(_sweep(at).proto.json)


def _report(at: AppTest, frame: int, *, token: str | None = None, **extra) -> AppTest:
    """Run as after the browser's sweep said it stopped at 0-based ``frame``
    (``setStateValue("frame", ...)``), with the token of the sweep it was drawn for."""
    el = _sweep(at)
    value = {"frame": {"token": _payload(at)["token"] if token is None else token,
                       "frame": frame, **extra}}
    original = ElementTree.get_widget_states

    def states(self):
        ws = original(self)
        ws.widgets.append(WidgetState(id=el.proto.id, json_value=json.dumps(value)))
        return ws

    ElementTree.get_widget_states = states
    try:
        return at.run()
    finally:
        ElementTree.get_widget_states = original


@pytest.fixture()
def downloads(monkeypatch) -> dict:
    """The deferred download callables a run registers, by file name."""
    seen: dict = {}
    original = MediaFileManager.add_deferred

    def add(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        seen[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    return seen


def test_default_sample_shows_the_engines_numbers(downloads):
    at = _run()
    _ok(at)
    img = load_sample("grace_hopper", max_side=512)
    assert "(512, 437, 3)" in _md(at, "Layer output shape")
    maps = feature_maps(img, [cv.KERNELS[n].array for n in ("sobel_x", "sobel_y",
                                                           "laplacian_4")], padding="same")
    shown = _md(at, "**At output cell (165, 150)**")
    for m in maps:
        assert f"**{format_value(float(m[POINT]), 4)}**" in shown
    code = at.code[0].value
    assert "= floor((512 + 1 + 1 - 3) / 1) + 1" in code and "= 437" in code
    assert any("downscaled" in i.value for i in at.info)  # 600x512 -> 512x437
    assert any("cannot travel in a link" in c.value for c in at.caption)
    assert _frame_caption(at).startswith("Frame 1 of 256")
    assert {"sweep_sobel_x.gif", "feature_maps.png"} <= set(downloads)


def test_gif_and_png_downloads_are_valid(downloads):
    at = _run(**{"img.size": "64"})
    _ok(at)
    with Image.open(io.BytesIO(downloads["sweep_sobel_x.gif"]())) as gif:
        assert gif.format == "GIF" and gif.is_animated and gif.n_frames > 1
    with Image.open(io.BytesIO(downloads["feature_maps.png"]())) as png:
        assert png.format == "PNG" and png.width > 3 * 56  # three 64-px-ish maps


def test_change_kernels_stride_and_display():
    at = _run()
    at.multiselect(key="img.kernels").set_value(["box_blur_3"]).run()
    _ok(at)
    assert "(512, 437, 1)" in _md(at, "Layer output shape")
    assert at.selectbox(key="img.inspect").value == "box_blur_3"
    at.slider(key="img.stride").set_value(2).run()
    _ok(at)
    assert "(256, 219, 1)" in _md(at, "Layer output shape")
    for mode in ("relu", "abs", "signed"):
        at.radio(key="img.display").set_value(mode).run()
        _ok(at)


def test_no_kernel_is_a_warning_not_an_error():
    at = _run()
    at.multiselect(key="img.kernels").set_value([]).run()
    assert not at.exception
    assert any("at least one kernel" in w.value for w in at.warning)


def test_upload_then_a_bad_file_keeps_the_previous_image():
    at = _run()
    at.radio(key="img.source").set_value("upload").run()
    _ok(at)
    at.file_uploader(key="img.upload").set_value(("tiny.png", _png(40, 60), "image/png")).run()
    _ok(at)
    assert "(40, 60, 3)" in _md(at, "Layer output shape")
    assert any(c.startswith("tiny.png: 40x60") for im in at.get("image") for c in im.captions)
    bad = np.random.default_rng(1).bytes(300)
    at.file_uploader(key="img.upload").set_value(("photo.png", bad, "image/png")).run()
    assert not at.exception
    assert len(at.error) == 1 and "photo.png" in at.error[0].value
    assert "previous image" in at.error[0].value
    assert "(40, 60, 3)" in _md(at, "Layer output shape")  # still the good upload
    at.slider(key="img.stride").set_value(2).run()  # and the page keeps working
    assert not at.exception and "(20, 30, 3)" in _md(at, "Layer output shape")


def test_an_uploads_maps_stay_in_its_session_and_a_kernel_change_adds_one():
    at = _run()
    assert "img.maps" not in at.session_state  # the sample's maps are shared
    at.radio(key="img.source").set_value("upload").run()
    at.file_uploader(key="img.upload").set_value(("mine.png", _png(30, 50), "image/png")).run()
    _ok(at)
    held = at.session_state["img.maps"]
    assert len(held) == 3 and all(key[0][0] == "upload" for key in held)
    first = dict(held)
    at.multiselect(key="img.kernels").select("box_blur_3").run()
    _ok(at)
    held = at.session_state["img.maps"]
    assert len(held) == 4 and all(held[k] is v for k, v in first.items())  # not recomputed
    got = next(v for k, v in held.items() if k[2][0] == "box_blur_3")
    want = feature_maps(at.session_state["img.work"].image, [cv.KERNELS["box_blur_3"].array],
                        padding="same")[0]
    np.testing.assert_allclose(got.fmap, want, rtol=1e-6, atol=1e-6)


def test_a_bad_first_upload_keeps_the_sample():
    at = _run()
    at.radio(key="img.source").set_value("upload").run()
    at.file_uploader(key="img.upload").set_value(("x.jpg", b"not an image", "image/jpeg")).run()
    assert not at.exception and "x.jpg" in at.error[0].value
    assert "(512, 437, 3)" in _md(at, "Layer output shape")


def test_the_payload_is_the_engines_sweep_sent_once_per_sweep():
    at = _run()
    _ok(at)
    img = load_sample("grace_hopper", max_side=512)
    plan = sweep_plan(img, cv.KERNELS["sobel_x"].array)
    data = _payload(at)
    assert data["n_frames"] == 256 and data["start"] == 0 and data["fps"] == 10
    assert data["revealed"] == [int(v) for v in plan.revealed]
    assert data["pos"] == [list(plan.position(f)) for f in range(256)]
    assert (data["map"]["rows"], data["map"]["cols"]) == plan.fmap.shape == (512, 437)
    frame = data["detail"]["frames"][0]
    assert frame[3] == format_value(float(plan.fmap[plan.position(0)]), 4)
    sent = _sweep(at).proto.json
    at.number_input(key="img.row").set_value(40).run()  # not about the sweep: same message
    assert _sweep(at).proto.json == sent
    at.radio(key="img.display").set_value("abs").run()
    assert _payload(at)["map"]["display"] == "abs" and _payload(at)["token"] == data["token"]


def test_the_frame_the_browser_stops_at_moves_the_text_and_the_link():
    at = _run()
    assert _frame_caption(at).startswith("Frame 1 of")
    _report(at, 2)
    _ok(at)
    assert _frame_caption(at).startswith("Frame 3 of 256: the windows of output rows 4-5")
    assert at.query_params["img.frame"] == "3"
    _report(at, 1, token="another picture")  # a report about a sweep no longer shown
    assert _frame_caption(at).startswith("Frame 3 of")
    _report(at, 999)  # beyond the end: the last frame
    assert _frame_caption(at).startswith("Frame 256 of 256")
    assert _payload(at)["start"] == 0  # the browser keeps its own frame: nothing resent


def test_a_link_opens_the_sweep_at_its_frame():
    at = _run(**{"img.frame": "40"})
    _ok(at)
    assert _frame_caption(at).startswith("Frame 40 of 256: the windows of output rows 78-79")
    assert _payload(at)["start"] == 39


def test_the_gif_plays_at_the_speed_the_browser_reports(downloads, monkeypatch):
    at = _run(**{"img.size": "64"})
    _report(at, 0, speed=25)
    _ok(at)
    import convviz.ui.sweep_view as view  # imported by the page's run (registered there)

    seen = {}

    def gif(plan, **kw):
        seen.update(kw)
        return b"GIF89a"

    monkeypatch.setattr(view, "sweep_gif", gif)
    downloads["sweep_sobel_x.gif"]()
    assert seen["fps"] == 25.0


def test_zoom_sweeps_the_region_cell_by_cell():
    at = _run(**{"img.zoom": "1", "img.zsize": "8"})
    _ok(at)
    assert _frame_caption(at).startswith("Frame 1 of 64: the windows of output cell (161, 146)")
    data = _payload(at)
    assert data["where"][:2] == ["output cell (161, 146)", "output cell (161, 147)"]
    assert data["map"]["values"] is not None and len(data["detail"]["frames"]) == 64
    _report(at, 1)
    assert "output cell (161, 147)" in _frame_caption(at)


def test_rgb_view_shows_channel_responses_that_add_up():
    at = _run(**{"img.view": "rgb", "img.kernels": "sobel_x"})
    _ok(at)
    img = load_sample("grace_hopper", max_side=512)
    resp = channel_responses(img, cv.KERNELS["sobel_x"].array, padding="same")[POINT]
    captions = [c for im in at.get("image") for c in im.captions]
    for what, v in zip(("R response", "G response", "B response", "R + G + B"), resp,
                       strict=True):
        assert any(c.startswith(f"{what}: {format_value(v, 3)} ") for c in captions)
    assert "(512, 437, 1)" in _md(at, "Layer output shape")
    assert any("(512, 437, 3) through 1 filter" in c.value for c in at.caption)


def test_custom_kernel_of_another_size():
    at = _run(**{"img.kernels": "custom,sobel_x", "img.custom": "1,0,-1"})
    _ok(at)
    assert len(at.data_editor) == 1
    at.number_input(key="img.krows").set_value(5).run()
    _ok(at)
    assert at.session_state["img.custom"].shape == (5, 3)
    assert "(512, 437, 2)" in _md(at, "Layer output shape")  # 'same' padding keeps the size


def test_link_settings_are_read_and_bad_ones_explained():
    at = _run(**{"img.kernels": "sobel_y,nonsense", "img.stride": "2", "img.sample": "china"})
    assert not at.exception
    assert any("img.kernels" in w.value and "nonsense" in w.value for w in at.warning)
    assert "(171, 256, 3)" in _md(at, "Layer output shape")  # china 427x640 -> 342x512, /2
    assert at.query_params["img.kernels"] == "sobel_x,sobel_y,laplacian_4"  # the default


def test_camera_only_after_the_toggle_and_a_photo_is_used():
    at = _run()
    at.radio(key="img.source").set_value("camera").run()
    _ok(at)
    assert len(at.camera_input) == 0  # the browser is not asked for the camera yet
    assert any("take a photo" in i.value for i in at.info)
    at.toggle(key="img.cam_on").set_value(True).run()
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 120, 200)).save(buf, format="JPEG")
    at.camera_input(key="img.camera").set_value(("photo.jpg", buf.getvalue(), "image/jpeg"))
    at.run()
    _ok(at)
    assert "(60, 80, 3)" in _md(at, "Layer output shape")
    at.radio(key="img.source").set_value("sample").run()  # back to the sample ...
    assert "(512, 437, 3)" in _md(at, "Layer output shape")
    at.radio(key="img.source").set_value("camera").run()  # ... and the photo is still there
    assert "(60, 80, 3)" in _md(at, "Layer output shape")


def _point(at: AppTest) -> tuple[int, int]:
    return at.number_input(key="img.row").value, at.number_input(key="img.col").value


def test_a_new_image_puts_the_point_at_its_centre_and_the_sweep_at_frame_1():
    at = _run()
    at.radio(key="img.source").set_value("upload").run()
    at.file_uploader(key="img.upload").set_value(("tiny.png", _png(5, 5), "image/png")).run()
    _ok(at)
    assert _point(at) == (2, 2)  # its centre, not the sample's point clipped to (4, 4)
    token = _payload(at)["token"]
    _report(at, 1)
    assert _frame_caption(at).startswith("Frame 2 of")
    at.file_uploader(key="img.upload").set_value(("big.png", _png(300, 200), "image/png")).run()
    _ok(at)
    assert "(300, 200, 3)" in _md(at, "Layer output shape")
    assert _point(at) == (150, 100)
    assert _frame_caption(at).startswith("Frame 1 of")
    assert _payload(at)["token"] != token and _payload(at)["start"] == 0  # the browser too
    assert _md(at, "**At output cell (150, 100)**")


def test_a_new_working_size_resets_the_point_and_the_frame_but_a_rerun_does_not():
    at = _run()
    at.number_input(key="img.row").set_value(40).run()
    _report(at, 1)
    at.run()
    assert _point(at) == (40, 150) and _frame_caption(at).startswith("Frame 2 of")
    at.select_slider(key="img.size").set_value(256).run()
    _ok(at)
    assert "(256, 218, 3)" in _md(at, "Layer output shape")
    assert _point(at) == (128, 109)
    assert _frame_caption(at).startswith("Frame 1 of")


def test_zooming_in_or_out_starts_the_sweep_at_frame_1():
    at = _run()
    _report(at, 3)
    assert _frame_caption(at).startswith("Frame 4 of 256")
    at.toggle(key="img.zoom").set_value(True).run()
    _ok(at)
    assert _frame_caption(at).startswith("Frame 1 of 256: the windows of output cell")
    _report(at, 1)
    at.slider(key="img.zsize").set_value(8).run()
    assert _frame_caption(at).startswith("Frame 1 of 64")
    assert _point(at) == POINT  # zooming keeps the point
    _report(at, 1)
    at.toggle(key="img.zoom").set_value(False).run()
    assert _frame_caption(at).startswith("Frame 1 of 256: the windows of output rows")


def test_an_animated_gif_says_only_its_first_frame_is_used():
    frames = [Image.new("RGB", (30, 20), (v, 0, 0)) for v in (200, 20, 90, 10)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    at = _run()
    at.radio(key="img.source").set_value("upload").run()
    at.file_uploader(key="img.upload").set_value(("anim.gif", buf.getvalue(), "image/gif")).run()
    _ok(at)
    assert "(20, 30, 3)" in _md(at, "Layer output shape")
    notes = [i.value for i in at.info if "first frame" in i.value]
    assert notes == ["This GIF is an animation of 4 frames: only its first frame is used."]
    at.select_slider(key="img.size").set_value(256).run()  # decoded again: still said
    assert any("4 frames" in i.value for i in at.info)
    at.file_uploader(key="img.upload").set_value(("still.png", _png(20, 30), "image/png")).run()
    assert not any("first frame" in i.value for i in at.info)


def test_the_window_of_the_point_is_a_grid_view_of_the_engines_numbers():
    at = _run()
    _ok(at)
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-img.detail_grid")]
    sent = json.loads(el.proto.json)
    assert sent["n_steps"] == 1
    by_id = {p["id"]: p for p in sent["panels"]}
    assert set(by_id) == {"pixels", "kernel", "products"}
    assert all(p["legend"] for p in sent["panels"])
    img = load_sample("grace_hopper", max_side=512)
    gray = feature_maps(img, [np.array([[1.0]])], padding="same")[0]  # the gray picture
    r, c = POINT
    window = gray[r - 1:r + 2, c - 1:c + 2]
    assert by_id["pixels"]["text"] == [format_value(float(v)) for v in window.ravel()]
    assert by_id["kernel"]["text"] == ["-1", "0", "1", "-2", "0", "2", "-1", "0", "1"]
    sobel = feature_maps(img, [cv.KERNELS["sobel_x"].array], padding="same")[0]
    total = format_value(float(sobel[POINT]), 4)
    assert sent["steps"]["lines"] == [[f"sum of products = {total}"]]


def _legends(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="cv-legend"' in h.proto.body]


@pytest.mark.parametrize("display", ["signed", "abs"])
def test_every_feature_map_has_its_legend_in_html_on_its_own_scale(display):
    """The colour bars are HTML (their text keeps its size), one per feature map and per
    channel response, each on the scale its picture is coloured with."""
    at = _run(**{"img.view": "rgb", "img.display": display})
    _ok(at)
    img = at.session_state["img.work"].image
    vmaxes = []
    for name in ("sobel_x", "sobel_y", "laplacian_4"):
        fmap = feature_maps(img, [cv.KERNELS[name].array], channels="rgb", padding="same")[0]
        vmaxes.append(display_vmax(fmap, display, 99.5))
    resp = channel_responses(img, cv.KERNELS["sobel_x"].array, padding="same")
    top = display_vmax(resp[..., :3], display, 99.5)  # R, G and B share one scale
    vmaxes += [top, top, top, display_vmax(resp[..., 3], display, 99.5)]
    assert _legends(at) == [legend_html(display_legend(display, v)) for v in vmaxes]


def test_beside_the_sweep_gif_a_caption_says_when_numbers_are_left_out():
    """Zoomed, the GIF's cells are about 28 px: a pixel's "0.37" does not fit at 12 px, and
    the page says so; the whole photo's sweep is pixels (a picture), with nothing to say."""
    at = _run(**{"img.zoom": "1"})
    _ok(at)
    said = [c.value for c in at.caption if c.value.startswith("In the GIF, ")]
    (plan,) = at.session_state["img.plan"].values()  # the page's sweep plan
    n = sweep_gif_numbers_left_out(plan, max_side=sweep_gif_fit(plan, max_frames=min(
        plan.n_frames, 400)).size)
    assert n > 0
    assert said == [f"In the GIF, {NUMBERS_LEFT_OUT} ({n} of its numbers; no number is "
                    "drawn under 12 px)."]
    at = _run()
    _ok(at)
    assert not [c for c in at.caption if c.value.startswith("In the GIF, ")]
