"""The small Markdown of questions and workings, as plain blocks a printed page can draw.

Questions (:class:`convviz.teach.questions.Question`) write their prompt and working in the
Markdown that ``st.markdown`` shows: paragraphs with ``**bold**`` and ```code```, lists,
fenced code blocks of working, tables of numbers and the odd ``$...$`` formula. A printed
worksheet has no Markdown renderer, so :func:`markdown_blocks` reads that text into
:class:`Block` s (a paragraph's lines, a heading, a list item, a code block's lines, a
table's header and rows) with the inline marks taken out by :func:`plain_inline`: what
the page shows in bold is printed plain, a formula is printed with its symbols (``\\times``
as ``×``). Tables stay tables, so a worksheet can draw them as grids.

Examples
--------
>>> [(b.kind, b.lines) for b in markdown_blocks("A **7 x 7** input.\\n\\n- `stride=2`")]
[('paragraph', ('A 7 x 7 input.',)), ('bullet', ('• stride=2',))]
>>> t = markdown_blocks("| a | b |\\n|---|---|\\n| 1 | 2 |")[0]
>>> t.kind, t.header, t.rows
('table', ('a', 'b'), (('1', '2'),))
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

__all__ = ["BLOCK_KINDS", "Block", "markdown_blocks", "plain_inline"]

#: The kinds of :class:`Block`, in the words :func:`markdown_blocks` uses.
BLOCK_KINDS = ("paragraph", "heading", "bullet", "code", "table")


@dataclass(frozen=True)
class Block:
    """One block of plain text.

    Attributes
    ----------
    kind : str
        One of :data:`BLOCK_KINDS`.
    lines : tuple of str
        The text: a paragraph's hard lines (soft line breaks joined), a heading's or list
        item's one line (a list item starts with its marker, ``"• "`` or ``"2. "``), a code
        block's lines as written. Empty for a table.
    header : tuple of str
        A table's header cells (empty when the table has no header row, or for other kinds).
    rows : tuple of tuple of str
        A table's body rows, one tuple of cells per row.
    """

    kind: str
    lines: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


# Inside $...$: the TeX commands questions use, as the characters they print.
_TEX = {
    r"\times": "×", r"\cdot": "·", r"\lfloor": "⌊", r"\rfloor": "⌋", r"\lceil": "⌈",
    r"\rceil": "⌉", r"\le": "≤", r"\leq": "≤", r"\ge": "≥", r"\geq": "≥", r"\neq": "≠",
    r"\ne": "≠", r"\approx": "≈", r"\sum": "Σ", r"\to": "→", r"\rightarrow": "→",
    r"\ldots": "…", r"\dots": "…", r"\cdots": "⋯", r"\pm": "±", r"\infty": "∞",
    r"\quad": "  ", r"\qquad": "    ", r"\,": " ", r"\;": " ", r"\!": "", r"\ ": " ",
    r"\left": "", r"\right": "", r"\max": "max", r"\min": "min", r"\lvert": "|",
    r"\rvert": "|", r"\{": "{", r"\}": "}",
}
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\[,;! {}]")
_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_TEXT = re.compile(r"\\(?:text|mathrm|mathbf|mathit|operatorname)\{([^{}]*)\}")
_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*")
_EM_UNDER = re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![A-Za-z0-9_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|$<>~])")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")


def _tex(formula: str) -> str:
    s = _TEXT.sub(r"\1", formula)
    for _ in range(3):  # nested fractions, innermost first
        s = _FRAC.sub(r"(\1)/(\2)", s)
    s = _TEX_COMMAND.sub(lambda m: _TEX.get(m.group(0), m.group(0).lstrip("\\")), s)
    s = re.sub(r"([\^_])\{([^{}]*)\}", r"\1\2", s)
    return s.replace("{", "").replace("}", "")


def plain_inline(text: str) -> str:
    """One line of Markdown as the plain text it reads as.

    Code spans keep their text as written; ``**bold**``, ``*italic*`` and ``_italic_``
    lose their marks; a link keeps its words; ``$...$`` keeps its formula with TeX
    commands as the characters they print; ``\\*`` is a ``*``; HTML tags are dropped and
    entities read.

    Examples
    --------
    >>> plain_inline("The output is **(5, 5)**: `floor((7 - 3) / 1) + 1`.")
    'The output is (5, 5): floor((7 - 3) / 1) + 1.'
    >>> plain_inline(r"$\\lfloor 7 / 2 \\rfloor \\times 3$ and 2 \\* 3")
    '⌊ 7 / 2 ⌋ × 3 and 2 * 3'
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    spans: list[str] = []

    def keep(s: str) -> str:  # a placeholder no mark below can touch
        spans.append(s)
        return f"\x00{len(spans) - 1}\x00"

    s = _CODE.sub(lambda m: keep(m.group(2).strip()), text)
    s = _MATH.sub(lambda m: keep(_tex(m.group(1)).strip()), s)
    s = _LINK.sub(r"\1", s)
    s = _ESCAPE.sub(lambda m: keep(m.group(1)), s)
    s = _STRONG.sub(r"\2", s)
    s = _EM_STAR.sub(r"\1", s)
    s = _EM_UNDER.sub(r"\1", s)
    s = _TAG.sub("", s)
    s = re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], s)
    return html.unescape(s)


def _cells(line: str) -> tuple[str, ...]:
    s = line.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    return tuple(plain_inline(c.strip()) for c in re.split(r"(?<!\\)\|", s))


def _table(lines: list[str]) -> Block:
    if len(lines) >= 2 and _SEPARATOR.match(lines[1]):
        header, body = _cells(lines[0]), lines[2:]
    else:
        header, body = (), lines
    rows = tuple(_cells(line) for line in body if not _SEPARATOR.match(line))
    if header and not any(header):  # a header row of empty cells: a bare grid
        header = ()
    return Block("table", header=header, rows=rows)


def markdown_blocks(text: str) -> list[Block]:
    """Read Markdown into plain :class:`Block` s, in order.

    Parameters
    ----------
    text : str
        Markdown as ``st.markdown`` reads it: blank lines between paragraphs, ``#``
        headings, ``-``/``*``/``1.`` list items (an indented line continues the item),
        fenced code blocks, pipe tables (a header row and a ``|---|`` line, or rows only),
        a line ending in two spaces or a backslash for a hard line break.

    Returns
    -------
    list of Block
        Paragraphs, headings and list items with their inline marks removed
        (:func:`plain_inline`); code blocks' lines as written; tables' cells plain.

    Examples
    --------
    >>> b = markdown_blocks("```\\nrows:\\n  (7 - 3) / 1 + 1 = 5\\n```\\nDone  \\nso *5*.")
    >>> [(x.kind, x.lines) for x in b]
    [('code', ('rows:', '  (7 - 3) / 1 + 1 = 5')), ('paragraph', ('Done', 'so 5.'))]
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    para: list[str] = []  # the hard lines of the open paragraph or list item
    item: str | None = None  # the open list item's marker
    hard = False  # the last line ended in a hard break

    def close() -> None:
        nonlocal para, item, hard
        text_ = [plain_inline(x).strip() for x in para]
        text_ = [x for x in text_ if x]
        if text_ and item is not None:
            blocks.append(Block("bullet", (f"{item} {' '.join(text_)}",)))
        elif text_:
            blocks.append(Block("paragraph", tuple(text_)))
        para, item, hard = [], None, False

    def add(line: str) -> None:  # a soft break joins lines; a hard break or <br> does not
        nonlocal hard
        text_ = line.strip()
        broken = line.endswith("  ") or text_.endswith("\\")
        pieces = re.split(r"<br\s*/?>", text_.removesuffix("\\"), flags=re.IGNORECASE)
        for j, piece in enumerate(pieces):
            if not para or hard or j > 0:
                para.append(piece.strip())
            else:
                para[-1] = f"{para[-1]} {piece.strip()}"
            hard = False
        hard = broken

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            close()
            mark, body = fence.group(1), []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(mark):
                body.append(lines[i].rstrip())
                i += 1
            code = textwrap.dedent("\n".join(body)).split("\n") if body else []
            blocks.append(Block("code", tuple(code)))
            i += 1
            continue
        stripped = line.strip()
        if not stripped:
            close()
        elif stripped.startswith("|"):
            close()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(lines[i])
                i += 1
            blocks.append(_table(rows))
            continue
        elif _RULE.match(line):
            close()
        elif _HEADING.match(line):
            close()
            blocks.append(Block("heading", (plain_inline(_HEADING.match(line).group(1)),)))
        elif _BULLET.match(line):
            close()
            m = _BULLET.match(line)
            item = "•" if m.group(2) in "-*+" else m.group(2).replace(")", ".")
            add(m.group(3))
        else:
            add(stripped.removeprefix(">").strip() if stripped.startswith(">") else line)
        i += 1
    close()
    return blocks
