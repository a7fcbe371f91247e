"""Measuring text: a text is wrapped to its width without losing a word, and a word too
long for the line is cut."""

from __future__ import annotations

from convviz.draw.text_measure import TextMeasure

M = TextMeasure()


def test_wrapped_lines_fit_their_width_keep_every_word_and_cut_a_word_too_long():
    text = "each axis loses the kernel size minus one " * 6
    lines = M.wrap(text.strip(), 2.0, 11.0)
    assert len(lines) > 2
    assert all(M.width(line, 11.0) <= 2.0 for line in lines)
    assert " ".join(lines).split() == text.split()
    long = M.wrap("x" * 200, 1.0, 11.0)
    assert len(long) > 1 and "".join(long) == "x" * 200
    assert all(M.width(line, 11.0) <= 1.0 for line in long)
    assert M.wrap("a b c d e f g h", 0.3, 11.0, indent="  ")[1].startswith("  ")
