"""convviz.ui.class_teacher's histogram marking: which bar is right, which a named mistake."""

from convviz.teach.questions import Mistake, Question, format_answer
from convviz.ui.class_teacher import MISTAKE, OTHER, RIGHT, histogram_bars


def _shape_question() -> Question:
    return Question("shapes", "layer_shape", "?", (13.0, 13.0, 32.0), "work",
                    (Mistake("kept the input's channels", (13.0, 13.0, 1.0), "w1"),
                     Mistake("forgot the + 1", (12.0, 12.0, 32.0), "w2")))


def test_bars_of_shapes_as_the_store_writes_them():
    q = _shape_question()
    # the keys as classroom.results writes them: format_answer of the parsed numbers
    hist = {format_answer(v): n for v, n in [((12.0, 12.0, 32.0), 2), ((13.0, 13.0, 1.0), 1),
                                            ((13.0, 13.0, 32.0), 4), ((14.0, 14.0, 32.0), 1)]}
    bars = histogram_bars(hist, q)
    assert [(b.answer, b.count, b.kind, b.mistake) for b in bars] == [
        ("(12, 12, 32)", 2, MISTAKE, "forgot the + 1"),
        ("(13, 13, 1)", 1, MISTAKE, "kept the input's channels"),
        ("(13, 13, 32)", 4, RIGHT, None),
        ("(14, 14, 32)", 1, OTHER, None),
    ]


def test_bars_within_the_tolerance_count_as_right():
    q = Question("pooling", "pool_value", "?", (2.75,), "w", (Mistake("m", (3.0,), "w"),),
                 tolerance=0.01)
    bars = histogram_bars({"2.75": 1, "2.76": 1, "2.8": 1, "3": 1}, q)
    assert [b.kind for b in bars] == [RIGHT, RIGHT, OTHER, MISTAKE]


def test_a_key_that_cannot_be_read_is_another_answer():
    bars = histogram_bars({"???": 3}, _shape_question())
    assert [(b.kind, b.count) for b in bars] == [(OTHER, 3)]



def test_a_link_on_this_machines_own_name_is_flagged():
    from convviz.ui.class_session import reachable_only_here
    assert reachable_only_here("http://localhost:8501/classroom?code=ABCD")
    assert reachable_only_here("http://127.0.0.1:8501/classroom?code=ABCD")
    assert reachable_only_here("http://[::1]:8501/classroom?code=ABCD")
    assert not reachable_only_here("http://192.168.1.20:8501/classroom?code=ABCD")
    assert not reachable_only_here("https://convviz.example.org/classroom?code=ABCD")
    assert not reachable_only_here("/classroom?code=ABCD")  # no address known: nothing said


def test_user_text_in_a_message_is_escaped_for_markdown():
    from convviz.ui.class_session import as_text
    assert as_text("Class code '[x](//e.co)' was not found.") == \
        "Class code '\\[x\\]\\(//e.co\\)' was not found."
    assert as_text("**b** <i>i</i> `c` :red[r] $x$ # h") == \
        "\\*\\*b\\*\\* \\<i\\>i\\</i\\> \\`c\\` \\:red\\[r\\] \\$x\\$ \\# h"
