"""The PDF file: written under the matplotlib lock, with the same bytes for the same pages
and the fonts embedded as text."""

from __future__ import annotations

import numpy as np
import pytest
from plot_lock_probe import lock_held_at_figures

from convviz.draw.column_layout import Grid, Layout
from convviz.draw.pdf_file import pdf_bytes
from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.print_pages import TEXT_WIDTH, Page, draw_pages, paginate
from convviz.draw.text_measure import TextMeasure

X = np.arange(25).reshape(5, 5) % 7 - 2
LAYOUT = Layout(TextMeasure(), TEXT_WIDTH)


def test_the_same_pages_give_the_same_bytes_with_the_fonts_embedded_as_text():
    def make():
        return draw_pages(paginate([[LAYOUT.text("Same."), LAYOUT.grid(Grid("g", X))]],
                                   []), header="convviz")

    a = pdf_bytes(make, title="Same")
    assert pdf_bytes(make, title="Same") == a
    assert b"CreationDate" not in a and b"/Title (Same)" in a and b"/Creator (convviz)" in a
    assert b"/FontFile2" in a  # TrueType embedded (pdf.fonttype 42), searchable text
    assert pdf_bytes(make, title="Other") != a


def test_the_figures_are_made_and_written_under_the_one_matplotlib_lock(monkeypatch):
    held = lock_held_at_figures(monkeypatch)
    pdf_bytes(lambda: draw_pages([Page(), Page()], header="convviz"), title="Locked")
    assert held == [True, True]
    assert not PLOT_LOCK.locked()

    def fail():
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"):
        pdf_bytes(fail, title="Failed")
    assert not PLOT_LOCK.locked()


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: pdf_bytes([], title="x"), TypeError, r"`make_figures` must be callable, got"),
    (lambda: pdf_bytes(lambda: [], title=3), TypeError, r"`title` must be str, got int"),
])
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
    assert not PLOT_LOCK.locked()
