"""Choosing an image: a bundled sample, an upload or the camera, kept safe across reruns.

:func:`choose_image` draws the source widgets and returns the working image. Session state
holds the last good upload and camera photo (their bytes) and the decoded working image,
so a bad file only shows an error: the page goes on with the image it had. Switching to
the samples and back brings the last upload back; a new working size re-decodes it.

Keys (``p`` is the page's prefix): ``p.source``, ``p.sample`` and ``p.size`` are settings
the page declares (URL parameters); ``p.upload``, ``p.camera`` and ``p.cam_on`` are widgets;
``p.got.upload``, ``p.got.camera``, ``p.bad``, ``p.work``, ``p.seen`` and ``p.new`` are
internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from convviz.imaging.filters import load_upload
from convviz.imaging.images import ImageError, count_frames, first_frame_note
from convviz.imaging.samples import SAMPLE_IMAGES, load_sample

SOURCES = {"sample": "Sample photo", "upload": "Upload an image", "camera": "Camera"}
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"]


@dataclass(frozen=True)
class WorkingImage:
    """The image the page works on: float32 (H, W, C) in [0, 1] at the working size."""

    token: tuple  # identifies the pixels: (kind, id, working size)
    image: np.ndarray
    original: tuple[int, int]  # (H, W) before downscaling
    label: str
    frames_note: str | None = None  # an animation or multi-page file: only frame 1 is used


def _from_upload(kind: str, file_id: str, name: str, data: bytes, size: int) -> WorkingImage:
    """Decode an upload (or photo) at the working size; note a file of several frames."""
    img, original = load_upload(data, size)
    return WorkingImage((kind, file_id, size), img, original, name,
                        first_frame_note(*count_frames(data)))


@st.cache_data(max_entries=8, show_spinner=False)
def _sample(name: str, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    full = load_sample(name, max_side=None).shape[:2]
    return load_sample(name, max_side=size), (int(full[0]), int(full[1]))


def _accept(p: str, kind: str, file: Any, size: int) -> None:
    """Decode a new upload or photo; keep it if good, else show why (once per file)."""
    ss = st.session_state
    got = ss.get(f"{p}.got.{kind}")
    if got is not None and got["id"] == file.file_id:
        return
    bad = ss.setdefault(f"{p}.bad", {})
    if file.file_id not in bad:
        data = file.getvalue()
        try:
            work = _from_upload(kind, file.file_id, file.name, data, size)
        except (ImageError, ValueError, TypeError) as exc:
            if len(bad) > 20:
                bad.clear()
            bad[file.file_id] = f"Could not use “{file.name}”: {exc}"
        else:
            ss[f"{p}.got.{kind}"] = {"id": file.file_id, "name": file.name, "data": data}
            ss[f"{p}.work"] = work
            return
    st.error(bad[file.file_id] + " The page goes on with the previous image.")


def _working(p: str, kind: str, size: int) -> WorkingImage:
    """The working image of the current source (cached in session state)."""
    ss = st.session_state
    if kind == "sample":
        name = ss[f"{p}.sample"]
        token = ("sample", name, size)
    else:
        got = ss[f"{p}.got.{kind}"]
        token = (kind, got["id"], size)
    held = ss.get(f"{p}.work")
    if held is not None and held.token == token:
        return held
    if kind == "sample":
        img, original = _sample(name, size)
        work = WorkingImage(token, img, original, SAMPLE_IMAGES[name])
    else:
        work = _from_upload(kind, got["id"], got["name"], got["data"], size)  # fine before
    ss[f"{p}.work"] = work
    return work


def choose_image(p: str, sizes: tuple[int, ...]) -> WorkingImage:
    """Draw the source choice, sample menu, uploader or camera and the working size."""
    ss = st.session_state
    st.radio("Image", list(SOURCES), key=f"{p}.source", format_func=SOURCES.get,
             horizontal=True)
    kind = ss[f"{p}.source"]
    file = None
    if kind == "sample":
        st.selectbox("Sample photo", list(SAMPLE_IMAGES), key=f"{p}.sample",
                     format_func=SAMPLE_IMAGES.get,
                     help="Shipped inside matplotlib and scikit-learn: no download needed.")
    elif kind == "upload":
        file = st.file_uploader("Your image (PNG, JPEG, WebP, BMP, GIF, TIFF)",
                                type=UPLOAD_TYPES, key=f"{p}.upload",
                                help="It stays on this server for your session only.")
    else:
        st.toggle("Turn on the camera", key=f"{p}.cam_on",
                  help="Your browser asks for permission; nothing is recorded until you "
                  "take a photo.")
        if ss.get(f"{p}.cam_on"):
            file = st.camera_input("Take a photo", key=f"{p}.camera")
    st.select_slider("Working size (longest side, pixels)", options=list(sizes),
                     key=f"{p}.size", help="Bigger shows more detail and is slower.")
    size = ss[f"{p}.size"]
    if file is not None:
        _accept(p, kind, file, size)
    if kind != "sample" and ss.get(f"{p}.got.{kind}") is None:
        if file is None:
            what = "upload an image" if kind == "upload" else "take a photo"
            st.info(f"Until you {what}, the page keeps the current image.")
        held = ss.get(f"{p}.work")
        prev = held.token[0] if held is not None else "sample"
        kind = prev if prev == "sample" or ss.get(f"{p}.got.{prev}") else "sample"
    work = _working(p, kind, size)
    if work.frames_note:
        st.info(work.frames_note)
    seen = ss.get(f"{p}.seen")
    if seen is not None and seen != work.token:
        ss[f"{p}.new"] = True  # until the page has placed its point anew
    ss[f"{p}.seen"] = work.token
    return work


def take_new_image(p: str) -> bool:
    """True once after :func:`choose_image` returned a different image than before: another
    sample, file or photo, or another working size (not on the first run, so a link's
    values stand). A point of the old picture means nothing on the new one; the page
    calls this where it places its point, so a run that stops earlier does not lose it.
    """
    return bool(st.session_state.pop(f"{p}.new", False))
