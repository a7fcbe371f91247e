"""convviz.ui.drawn_input: when the pad's drawing (again) becomes the convolution input."""

from __future__ import annotations

from convviz.ui.drawn_input import is_new_drawing


def test_a_new_drawing_replaces_the_input():
    assert is_new_drawing("AAAA", (7, 7), None, input_is_drawing=False)
    assert is_new_drawing("BBBB", (7, 7), ("AAAA", (7, 7)), input_is_drawing=False)


def test_the_same_drawing_is_applied_once():
    assert not is_new_drawing("AAAA", (7, 7), ("AAAA", (7, 7)), input_is_drawing=True)
    assert not is_new_drawing(None, (7, 7), ("AAAA", (7, 7)), input_is_drawing=True)


def test_a_new_size_redraws_only_while_the_input_is_the_drawing():
    assert is_new_drawing("AAAA", (9, 7), ("AAAA", (7, 7)), input_is_drawing=True)
    assert not is_new_drawing("AAAA", (9, 7), ("AAAA", (7, 7)), input_is_drawing=False)
    assert is_new_drawing("AAAA", (7, 7), "garbage", input_is_drawing=False)
