"""A colour legend written as HTML (text at the browser's own size beside a scaled picture)."""

import html
import re

import pytest

from convviz.draw.colors import display_legend
from convviz.draw.html_legend import LEGEND_FONT, legend_html


def test_the_bar_runs_through_the_legends_colours_and_every_tick_is_written():
    lg = display_legend("signed", 1.5)
    h = legend_html(lg)
    assert f"linear-gradient(to right, {', '.join(lg['colors'])})" in h
    assert re.findall(r"<span>([^<]*)</span>", h) == ["-1.5", "0", "1.5"]
    assert 'class="cv-legend-title"' in h and html.escape(lg["title"]) in h
    assert h.count(f"font-size:{LEGEND_FONT}px") == 2 and LEGEND_FONT >= 12  # title, ticks


def test_text_is_escaped():
    h = legend_html({"title": "<b>x</b>", "colors": ["#000000", "#ffffff"],
                     "ticks": ["a&b", "<i>"]})
    assert "<b>" not in h and "&lt;b&gt;x&lt;/b&gt;" in h and "a&amp;b" in h


@pytest.mark.parametrize(("legend", "kw", "message"), [
    ({"title": "t", "colors": ["#000000"], "ticks": ["0", "1"]}, {}, "at least 2 '#rrggbb'"),
    ({"title": "t", "colors": ["red", "blue"], "ticks": ["0", "1"]}, {}, "'#rrggbb'"),
    ({"title": "t", "colors": ["#000000", "#ffffff"], "ticks": ["0"]}, {}, "2 ticks"),
    ({"title": "t", "colors": ["#000000", "#ffffff"], "ticks": ["0", "1"]},
     {"max_width": 10}, "`max_width`"),
])
def test_bad_legends_are_refused(legend, kw, message):
    with pytest.raises(ValueError, match=message):
        legend_html(legend, **kw)
