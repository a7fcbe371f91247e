"""Printed pages: blocks break across pages without running past a margin, and every page
has its header and number."""

from __future__ import annotations

import numpy as np
import pytest
from page_figures import boxes, drawn, inside
from pdf_text import page_count, pdf_pages, pdf_text

from convviz.draw.column_layout import Grid, Layout
from convviz.draw.page_items import TITLE_PT, AnswerLine, NameDateLine, Space, TextLines, with_gaps
from convviz.draw.pdf_file import pdf_bytes
from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.print_pages import (
    FULL_WIDTH,
    MARGIN,
    PAGE_SIZE,
    TEXT_LEFT,
    TEXT_WIDTH,
    Page,
    draw_pages,
    paginate,
)
from convviz.draw.text_measure import TextMeasure

M = TextMeasure()
LAYOUT = Layout(M, TEXT_WIDTH)


def test_blocks_are_numbered_and_one_that_does_not_fit_starts_a_new_page():
    head = [Layout(M, FULL_WIDTH).text("Exercises", size=TITLE_PT, weight="bold"),
            NameDateLine()]
    block = with_gaps([LAYOUT.grid(Grid("input", np.zeros((12, 12)))), Space(0.45),
                       AnswerLine("a whole number")])
    pages = paginate([block] * 5, head)
    assert len(pages) > 1
    assert pages[0].placed[0] == (head[0], MARGIN, MARGIN + 0.35)
    numbers = [it.lines[0] for p in pages for it, x, _ in p.placed if x == MARGIN
               and isinstance(it, TextLines) and it.lines[0].endswith(".")]
    assert numbers == ["1.", "2.", "3.", "4.", "5."]
    for p in pages:  # whole blocks only: each number with its grid and its answer line
        kinds = [type(it).__name__ for it, _, _ in p.placed]
        assert kinds.count("AnswerLine") == kinds.count("Table")
    assert all(x == TEXT_LEFT for p in pages for it, x, _ in p.placed
               if not isinstance(it, TextLines | NameDateLine))
    for fig in drawn(pages):
        for text, box in boxes(fig):
            assert inside(box), text


def test_a_text_longer_than_a_page_breaks_between_its_lines_and_keeps_them_all():
    steps = [f"step {i}: {i} + 1 = {i + 1}" for i in range(120)]
    blocks = [[LAYOUT.text("First.")], [LAYOUT.text("\n".join(steps))], [LAYOUT.text("Last.")]]
    pages = paginate(blocks, [])
    assert len(pages) >= 3
    for fig in drawn(pages):
        for text, box in boxes(fig):
            assert inside(box), text
    pdf = pdf_bytes(lambda: draw_pages(pages, header="convviz · Steps"), title="Steps")
    lines = pdf_text(pdf).splitlines()
    assert [line for line in lines if line.startswith("step ")] == steps
    assert lines.index("First.") < lines.index("step 0: 0 + 1 = 1")
    assert lines.index("step 119: 119 + 1 = 120") < lines.index("Last.")


def test_an_item_taller_than_a_page_that_cannot_break_is_refused():
    tall = LAYOUT.grid(Grid("tall", np.zeros((40, 3))))
    with pytest.raises(ValueError, match=r"problem 2 holds an item taller than a page"):
        paginate([[LAYOUT.text("fine")], [tall]], [])


def test_every_page_has_its_header_its_number_and_the_a4_size():
    pages = [Page([(LAYOUT.text(f"text {i}"), TEXT_LEFT, 2.0)]) for i in range(3)]
    pdf = pdf_bytes(lambda: draw_pages(pages, header="convviz · Worksheet · Version B"),
                    title="Three pages")
    assert page_count(pdf) == 3
    assert pdf_pages(pdf) == [[f"text {i - 1}", "convviz · Worksheet · Version B",
                               f"page {i} of 3"] for i in (1, 2, 3)]  # items, header, footer
    assert pdf.count(b"/MediaBox [ 0 0 595.44 841.68 ]") == 3  # 8.27 x 11.69 in
    for fig in drawn(pages):
        assert tuple(fig.get_size_inches()) == pytest.approx(PAGE_SIZE)
        for text, box in boxes(fig):
            assert inside(box), text


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: draw_pages([Page()], header=None), TypeError, r"`header` must be str, got "),
])
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
    assert not PLOT_LOCK.locked()
