"""Tests for convviz.draw.qr: a class's join link as a QR code a phone can read.

An outside decoder (zxing-cpp) reads the picture back, so the test checks what a phone's
camera would find, not segno's own matrix.
"""

import io

import pytest
import zxingcpp
from PIL import Image

from convviz.draw import qr

LINK = "http://192.168.1.20:8501/classroom?code=ABCD"


def _decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_png_decodes_to_the_link():
    png = qr.qr_png(LINK)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _decode(png) == [LINK]


def test_qr_png_size_follows_the_scale_with_a_quiet_zone():
    small, big = (Image.open(io.BytesIO(qr.qr_png(LINK, scale=s))) for s in (4, 8))
    assert big.size[0] == 2 * small.size[0] and small.size[0] == small.size[1]
    modules = small.size[0] // 4
    assert modules >= 21 + 2 * 4  # the smallest QR symbol plus the 4-module quiet zone
    assert _decode(qr.qr_png(LINK, scale=8)) == [LINK]


def test_qr_svg_is_an_svg_of_the_same_symbol():
    svg = qr.qr_svg(LINK)
    assert svg.lstrip().startswith("<svg") or svg.lstrip().startswith("<?xml")
    assert "<path" in svg


@pytest.mark.parametrize("bad, exc, words", [
    (None, TypeError, "`text` must be a str, got NoneType"),
    ("", ValueError, "`text` must not be empty"),
    ("x" * (qr.MAX_CHARS + 1), ValueError, f"at most {qr.MAX_CHARS} characters"),
])
def test_qr_png_rejects_bad_text(bad, exc, words):
    with pytest.raises(exc, match=words.replace("(", r"\(")):
        qr.qr_png(bad)


@pytest.mark.parametrize("scale", [0, -1, 41, 2.5, True])
def test_qr_png_rejects_bad_scale(scale):
    with pytest.raises((TypeError, ValueError), match="`scale`"):
        qr.qr_png(LINK, scale=scale)
