"""The test helper that reads matplotlib's PDFs back (tests/pdf_text.py)."""

from __future__ import annotations

import zlib

from pdf_text import stream


def test_a_compressed_stream_ending_in_a_newline_byte_is_read_whole():
    # compressed data ends with its checksum, which can end in the byte of "\n" (1 in 256)
    payload = next(p for p in (f"BT ({i}) Tj ET".encode() for i in range(5000))
                   if zlib.compress(p).endswith((b"\n", b"\r")))
    body = (b"<< /Length 99 /Filter /FlateDecode >>\nstream\n" + zlib.compress(payload)
            + b"\nendstream")
    assert stream(body) == payload
    assert stream(b"<< /Length 5 >>\nstream\nBT ET\nendstream") == b"BT ET"
