"""Read back the PDFs matplotlib writes: the pages in order and each page's lines of text.

A small reader for exactly what ``matplotlib.backends.backend_pdf`` writes with
``pdf.fonttype`` 42 (no PDF library is a dependency): objects ``N 0 obj ... endobj``,
Flate-compressed streams, the page tree's ``/Kids`` in order, and text as ``BT ... ET``
groups of ``/F1 11 Tf [ (..) kern (..) ] TJ`` with 2-byte glyph codes that each font's
``/ToUnicode`` CMap maps back to characters. Every ``BT ... ET`` group is one line of
text as matplotlib drew it (one ``Text`` line).
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)


def objects(pdf: bytes) -> dict[int, bytes]:
    """Every object's body (a stream's dictionary and its raw data), by number."""
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(pdf)}


def stream(body: bytes) -> bytes:
    """The decoded data of a stream object's body."""
    start = body.index(b"stream") + len(b"stream")
    start += 2 if body[start:start + 2] == b"\r\n" else 1
    data = body[start:body.rindex(b"endstream")]  # and the end-of-line before it
    if b"/FlateDecode" not in body[:start]:
        return data.removesuffix(b"\n").removesuffix(b"\r")
    return zlib.decompressobj().decompress(data)  # stops at the compressed data's own end


def page_count(pdf: bytes) -> int:
    """The number of ``/Type /Page`` objects (not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def _ref(body: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb"\s+(\d+) 0 R", body).group(1))


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's code -> text (``bfchar`` and ``bfrange``, both forms)."""
    out: dict[int, str] = {}

    def text(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(code, 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*"
                                      rb"(\[[^\]]*\]|<[0-9a-fA-F]+>)", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for k, d in enumerate(re.findall(rb"<([0-9a-fA-F]+)>", dst)):
                    out[lo_i + k] = text(d)
            else:
                first = int(dst[1:-1], 16)
                for k in range(hi_i - lo_i + 1):
                    out[lo_i + k] = chr(first + k)
    return out


def _fonts(objs: dict[int, bytes], resources: bytes) -> dict[bytes, dict[int, str]]:
    """Each font resource name (``F1``) -> its code -> text map."""
    font_dict = resources
    m = re.search(rb"/Font\s+(\d+) 0 R", resources)
    if m:
        font_dict = objs[int(m.group(1))]
    fonts = {}
    for name, num in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict):
        body = objs.get(int(num), b"")
        if b"/ToUnicode" in body:
            fonts[name] = _cmap(stream(objs[_ref(body, b"ToUnicode")]))
    return fonts


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """The PDF literal string starting at ``data[i] == b"("``, unescaped; and the index
    after it."""
    out = bytearray()
    depth = 0
    i += 1
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
               ord("f"): b"\f"}
    while True:
        c = data[i]
        if c == ord("\\"):
            nxt = data[i + 1]
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif ord("0") <= nxt <= ord("7"):
                m = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                out.append(int(m.group(0), 8) & 0xFF)
                i += 1 + len(m.group(0))
            elif nxt in b"\r\n":
                i += 2
            else:
                out.append(nxt)
                i += 2
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            if depth == 0:
                return bytes(out), i + 1
            depth -= 1
        out.append(c)
        i += 1


def _page_lines(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[str]:
    lines: list[str] = []
    font: dict[int, str] = {}
    current: list[str] | None = None
    i = 0
    token = re.compile(rb"\s*(/\w+\s+[\d.]+\s+Tf|BT\b|ET\b|\()")
    while i < len(content):
        m = token.search(content, i)
        if m is None:
            break
        t = m.group(1)
        if t == b"(":
            raw, i = _literal(content, m.start(1))
            if current is not None:
                current.append("".join(font.get(int.from_bytes(raw[k:k + 2], "big"), "\ufffd")
                                       for k in range(0, len(raw) - 1, 2)))
            continue
        i = m.end()
        if t == b"BT":
            current = []
        elif t == b"ET":
            if current is not None:
                lines.append("".join(current))
            current = None
        else:
            font = fonts.get(t.split()[0][1:], {})
    return lines


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text, pages in the page tree's order."""
    objs = objects(pdf)
    root = _ref(objs[min(k for k, v in objs.items() if b"/Type /Catalog" in v)], b"Pages")
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R",
                                       re.search(rb"/Kids\s*\[(.*?)\]", objs[root], re.S)
                                       .group(1))]
    pages = []
    for k in kids:
        page = objs[k]
        resources = objs[_ref(page, b"Resources")]
        content = stream(objs[_ref(page, b"Contents")])
        pages.append(_page_lines(content, _fonts(objs, resources)))
    return pages


def pdf_text(pdf: bytes) -> str:
    """Every line of every page, one line per ``Text`` line, in page order."""
    return "\n".join(line for page in pdf_pages(pdf) for line in page)
