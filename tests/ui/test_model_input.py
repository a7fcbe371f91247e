"""What the training page asks the learner to draw."""

from convviz.ui.model_input import what_to_draw


def test_digits_are_asked_for_as_a_digit_and_other_classes_by_name():
    assert what_to_draw([str(d) for d in range(10)]) == "a digit (0 to 9)"
    assert what_to_draw(["line", "circle"]) == "one of: line, circle"
