"""The questions' Markdown as plain blocks for a printed page."""

from __future__ import annotations

import pytest

from convviz.teach.plain_markdown import Block, markdown_blocks, plain_inline


@pytest.mark.parametrize(("text", "plain"), [
    ("A **7 x 7** input", "A 7 x 7 input"),
    ("__bold__ and *it* and _it_", "bold and it and it"),
    ("`torch.nn.Conv2d(1, 1, kernel_size=3)`", "torch.nn.Conv2d(1, 1, kernel_size=3)"),
    ("`a **b**`", "a **b**"),  # code keeps its text as written
    ("snake_case_name stays", "snake_case_name stays"),
    ("3 * 4 * 5 = 60", "3 * 4 * 5 = 60"),  # spaced stars are not emphasis
    (r"2 \* 3 \| 4", "2 * 3 | 4"),
    ("see [the docs](https://example.org)", "see the docs"),
    (r"$\lfloor (7 - 3) / 2 \rfloor + 1 = 3$", "⌊ (7 - 3) / 2 ⌋ + 1 = 3"),
    (r"$\frac{n + 2p - k}{s} + 1$", "(n + 2p - k)/(s) + 1"),
    (r"$3 \times 3 \times C_{in}$", "3 × 3 × C_in"),
    (r"$\text{out} \le n$", "out ≤ n"),
    ("a <b>tag</b> &amp; an entity", "a tag & an entity"),
])
def test_inline_marks_are_taken_out(text, plain):
    assert plain_inline(text) == plain


def test_paragraphs_join_soft_breaks_and_keep_hard_ones():
    text = "one\ntwo  \nthree\\\nfour<br>five\n\nnext"
    assert markdown_blocks(text) == [
        Block("paragraph", ("one two", "three", "four", "five")),
        Block("paragraph", ("next",)),
    ]


def test_headings_lists_and_rules():
    text = "## The **rule**\n- first\n  continued\n* second\n2. third\n\n---\n> quoted"
    assert markdown_blocks(text) == [
        Block("heading", ("The rule",)),
        Block("bullet", ("• first continued",)),
        Block("bullet", ("• second",)),
        Block("bullet", ("2. third",)),
        Block("paragraph", ("quoted",)),
    ]


def test_code_blocks_keep_their_lines_dedented_and_unmarked():
    text = "Work:\n\n  ```\n  rows:\n    (7 - 3) / 1 + 1 = **5**\n  ```\nafter\n\n```\n```"
    assert markdown_blocks(text) == [
        Block("paragraph", ("Work:",)),
        Block("code", ("rows:", "  (7 - 3) / 1 + 1 = **5**")),
        Block("paragraph", ("after",)),
        Block("code", ()),
    ]


def test_tables_with_a_header_without_one_and_with_escaped_pipes():
    numbered = "|   | 0 | 1 |\n|---|---|---|\n| **0** | 1 | -2 |\n| **1** | 3 | 4 |"
    assert markdown_blocks(numbered) == [
        Block("table", header=("", "0", "1"), rows=(("0", "1", "-2"), ("1", "3", "4")))]
    assert markdown_blocks("| 1 | 2 |\n| 3 | 4 |") == [
        Block("table", rows=(("1", "2"), ("3", "4")))]
    assert markdown_blocks("| | |\n|:-:|--:|\n| a \\| b | `c` |") == [
        Block("table", rows=(("a | b", "c"),))]


@pytest.mark.parametrize("bad", [None, 3, b"x"])
def test_text_must_be_a_str(bad):
    with pytest.raises(TypeError, match=r"`text` must be a str, got "):
        markdown_blocks(bad)
    with pytest.raises(TypeError, match=r"`text` must be a str, got "):
        plain_inline(bad)
