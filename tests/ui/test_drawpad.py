"""convviz.ui.drawpad: the payload the browser's pad is sent, and the array Python gets back
(AppTest runs no JavaScript: the pad's state is set as the browser would set it)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from convviz.ui.drawpad import default_pen, pad_payload, read_drawing


def _value(cells: np.ndarray) -> dict:
    return {"side": 64, "ink": base64.b64encode(cells.astype(np.uint8).tobytes()).decode()}


def test_default_pen_is_a_cell_wide_but_not_thinner_than_a_digit_stroke():
    assert default_pen(5, 12) == 0.2
    assert default_pen(10, 10) == 0.1
    assert default_pen(16, 16) == default_pen(28, 28) == 0.09


def test_pad_payload_is_small_json():
    data = pad_payload(pen=0.1, grid=(7, 9), width=300, label="Draw the input")
    assert data == {"side": 64, "pen": 0.1, "grid": [7, 9], "width": 300,
                    "label": "Draw the input", "drawing": None}
    assert len(json.dumps(data)) < 200
    with_drawing = pad_payload(pen=0.1, drawing=_value(np.zeros((64, 64))))
    assert len(json.dumps(with_drawing)) < 6000  # the drawing comes back: a few kilobytes


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"pen": 0}, r"`pen` must be a fraction of the side in \(0, 0.5\], got 0"),
    ({"pen": 0.1, "width": 90}, "`width` must be 120 to 800 pixels, got 90"),
    ({"pen": 0.1, "grid": (0, 3)}, r"`grid\[0\]` must be a positive integer, got 0"),
])
def test_pad_payload_explains_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pad_payload(**kwargs)


def test_read_drawing_resamples_to_the_size_asked():
    cells = np.zeros((64, 64))
    cells[:, 32:] = 255  # the right half
    x = read_drawing(_value(cells), (4, 6))
    assert x.shape == (4, 6) and x.dtype == np.float32
    np.testing.assert_allclose(x, [[0, 0, 0, 1, 1, 1]] * 4)
    assert read_drawing(None, (4, 6)) is None


def _pad_app():
    import streamlit as st

    from convviz.ui.drawpad import drawpad

    x = drawpad("pad", (8, 4), grid=True, label="Draw here")
    st.write("nothing drawn" if x is None else f"ink {x.shape} {x.sum():.1f}")


def test_drawpad_mounts_the_component_and_returns_the_drawing():
    at = AppTest.from_function(_pad_app).run()
    assert not at.exception
    pad = at.main.children[0]
    assert pad.proto.component_name == "convviz.drawpad"
    assert pad.proto.js_source_path == "drawpad.js"
    data = json.loads(pad.proto.json)
    assert data["grid"] == [8, 4] and data["label"] == "Draw here" and data["drawing"] is None
    assert at.markdown[0].value == "nothing drawn"
    value = _value(np.full((64, 64), 255))
    at.session_state["pad"] = {"drawing": value}  # as a stroke's end sets it
    at.run()
    assert at.markdown[0].value == "ink (8, 4) 32.0"
    assert json.loads(at.main.children[0].proto.json)["drawing"] == value  # sent back


def test_drawpad_turns_a_malformed_value_into_a_message():
    at = AppTest.from_function(_pad_app).run()
    at.session_state["pad"] = {"drawing": {"side": 64, "ink": "AAAA"}}
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("The drawing could not be read: `drawing['ink']` must "
                                        "be 5464 base64 characters")
    assert at.markdown[0].value == "nothing drawn"
