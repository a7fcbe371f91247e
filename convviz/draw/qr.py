"""A link as a QR code (segno), so a phone's camera opens it: the Class page's join link.

segno writes the symbol; this module only checks the text and picks the picture's size.
The symbol has segno's default quiet zone of 4 modules, which readers need around it.
"""

from __future__ import annotations

import io

import segno

MAX_CHARS = 1000  # a join link is well under this; a QR code holds at most ~2,900 bytes
MAX_SCALE = 40


def _check(text: object, scale: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError("`text` must not be empty, got ''")
    if len(text) > MAX_CHARS:
        raise ValueError(f"`text` must be at most {MAX_CHARS} characters, got {len(text)}")
    if isinstance(scale, bool) or not isinstance(scale, int):
        raise TypeError(f"`scale` must be an integer, got {type(scale).__name__}")
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"`scale` must be an integer from 1 to {MAX_SCALE}, got {scale}")


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """``text`` as a black-on-white QR code, PNG bytes, ``scale`` pixels per module.

    Parameters
    ----------
    text : str
        What the code holds, e.g. a join link; 1 to :data:`MAX_CHARS` characters.
    scale : int
        Pixels per module, 1 to :data:`MAX_SCALE`. The picture is square, (modules + 8) *
        scale pixels a side (4 modules of quiet zone each side).

    Returns
    -------
    bytes
        A PNG file.

    Examples
    --------
    >>> png = qr_png("http://192.168.1.20:8501/classroom?code=ABCD", scale=4)
    >>> png[:4]
    b'\\x89PNG'
    """
    _check(text, scale)
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_svg(text: str, *, scale: int = 8) -> str:
    """``text`` as a QR code in SVG (for print: it scales without blur); see :func:`qr_png`.

    Examples
    --------
    >>> "<path" in qr_svg("http://192.168.1.20:8501/classroom?code=ABCD")
    True
    """
    _check(text, scale)
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=scale, border=4, xmldecl=False)
    return buf.getvalue().decode("utf-8")
