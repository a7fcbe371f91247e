"""Pooled-value questions: the answer is PyTorch's, each named mistake is recognised from an
answer PyTorch computes under that mistake."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.teach.predict_grid import grid_table
from convviz.teach.predict_pool import pool_value_question, random_pool_question
from convviz.teach.questions import Question, check

torch = pytest.importorskip("torch")
F = torch.nn.functional

X = np.array([[1, 3, 2, 1, 0, 4],
              [4, 2, 0, 1, 6, 2],
              [5, 1, 7, 2, 3, 3],
              [0, 2, 3, 8, 1, 5],
              [2, 6, 1, 0, 4, 1]])


def _torch(x, size, index, *, stride=None, padding=0, mode="max", count_include_pad=True):
    t = torch.tensor(x, dtype=torch.float64)[None, None]
    if mode == "max":
        out = F.max_pool2d(t, size, stride=stride, padding=padding)
    else:
        out = F.avg_pool2d(t, size, stride=stride, padding=padding,
                           count_include_pad=count_include_pad)
    return float(out[0, 0][index])


@pytest.mark.parametrize("size,stride,padding,mode,index", [
    (2, None, 0, "max", (1, 1)), (2, None, 0, "avg", (0, 2)), (3, 2, 1, "max", (0, 0)),
    (3, 2, 1, "avg", (2, 1)), (2, 1, 1, "avg", (0, 3)), (3, 1, 0, "max", (2, 3)),
])
def test_answer_is_pytorchs(size, stride, padding, mode, index):
    q = pool_value_question(X, size, index, stride=stride, padding=padding, mode=mode)
    want = _torch(X, size, index, stride=stride, padding=padding, mode=mode)
    assert q.answer[0] == pytest.approx(want)
    assert check(q, f"{want:.2f}").correct and check(q, q.answer_text()).correct
    assert q.concept == "pooling" and grid_table(X) in q.prompt


def test_averaged_instead_of_taking_the_maximum():
    q = pool_value_question(X, 2, (1, 1))
    assert check(q, f"{_torch(X, 2, (1, 1), mode='avg'):.2f}").mistake == \
        "averaged instead of taking the maximum"
    assert q.answer_hint == "a whole number"


def test_took_the_maximum_instead_of_averaging():
    q = pool_value_question(X, 2, (0, 2), mode="avg")
    assert check(q, str(_torch(X, 2, (0, 2)))).mistake == "took the maximum instead of averaging"
    assert q.tolerance == 0.01 and "decimals" in q.answer_hint


def test_used_stride_1():
    q = pool_value_question(X, 2, (1, 2))
    wrong = _torch(X, 2, (1, 2), stride=1)
    assert wrong != q.answer[0]
    assert check(q, str(wrong)).mistake == "used stride 1"


def test_left_the_padding_out_of_the_average():
    q = pool_value_question(X, 3, (0, 0), stride=2, padding=1, mode="avg")
    wrong = _torch(X, 3, (0, 0), stride=2, padding=1, mode="avg", count_include_pad=False)
    v = check(q, f"{wrong:.2f}")
    assert v.mistake == "left the padding out of the average"
    assert "count_include_pad=True" in v.working and "count_include_pad=True" in q.prompt
    # a window inside the input has no such mistake
    inner = pool_value_question(X, 3, (1, 1), stride=2, padding=1, mode="avg")
    assert "left the padding out of the average" not in [m.name for m in inner.mistakes]


def test_window_and_working():
    q = pool_value_question(X, 3, (0, 1), stride=2, padding=1, mode="avg")
    assert q.grids["window"] == [-1, 1, 2, 4] and q.grids["cell"] == [0, 1]
    assert q.grids["pads"] == [[1, 1], [1, 1]] and q.grids["input"] == X.tolist()
    assert "/ 9" in q.working and "padding included" in q.working
    m = pool_value_question(X, 2, (1, 2))
    assert m.working.endswith(f"the largest is **{m.answer_text()}**.")


@pytest.mark.parametrize("kw,error,match", [
    (dict(index=(3, 0)), ValueError, r"`index` must be a cell of the 2 x 3 output"),
    (dict(x=np.zeros((13, 4))), ValueError, "`x` must be at most 12 x 12"),
    (dict(x=np.zeros((4, 4, 2))), ValueError, "`x`"),
    (dict(size=0), ValueError, "`pool_size` must be a positive integer"),
    (dict(padding=2), ValueError, "`padding` of 2 is too large for a pool of 2"),
    (dict(mode="min"), ValueError, "`mode` must be one of"),
])
def test_argument_errors_name_the_argument(kw, error, match):
    args = {"x": X, "size": 2, "index": (0, 0), "padding": 0, "mode": "max", **kw}
    with pytest.raises(error, match=match):
        pool_value_question(args["x"], args["size"], args["index"], padding=args["padding"],
                            mode=args["mode"])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_and_unambiguous(seed):
    q = random_pool_question(np.random.default_rng(seed))
    assert check(q, q.answer_text()).correct
    answers = [m.answer[0] for m in q.mistakes]
    assert all(abs(a - q.answer[0]) > q.tolerance for a in answers)
    assert all(abs(a - b) > q.tolerance for i, a in enumerate(answers) for b in answers[:i])
    for m in q.mistakes:
        assert check(q, repr(m.answer[0])).mistake == m.name
    assert Question.from_dict(q.to_dict()) == q


def test_random_questions_are_seeded():
    assert random_pool_question(np.random.default_rng(2)) == \
        random_pool_question(np.random.default_rng(2))
    kinds = {random_pool_question(np.random.default_rng(s)).prompt.split("(x")[0][-10:]
             for s in range(20)}
    assert len(kinds) == 2  # max and avg both appear
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        random_pool_question("seed")


# --- PyTorch's options: count_include_pad=False, ceil_mode ------------------------------------

def test_padding_left_out_and_counted_the_padding_in_the_average():
    q = pool_value_question(X, 3, (0, 0), stride=2, padding=1, mode="avg",
                            count_include_pad=False)
    want = _torch(X, 3, (0, 0), stride=2, padding=1, mode="avg", count_include_pad=False)
    assert q.answer[0] == pytest.approx(want) and "count_include_pad=False" in q.prompt
    counted = _torch(X, 3, (0, 0), stride=2, padding=1, mode="avg")
    assert check(q, f"{counted:.2f}").mistake == "counted the padding in the average"
    assert "/ 4" in q.working  # the 4 input cells of the corner window


def test_ceil_mode_cell():
    t = torch.tensor(X, dtype=torch.float64)[None, None]
    for mode, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        want = pool(t, 2, stride=2, ceil_mode=True)[0, 0]
        assert tuple(want.shape) == (3, 3)  # the last row and column only ceil_mode adds
        q = pool_value_question(X, 2, (2, 2), mode=mode, ceil_mode=True)
        assert q.answer[0] == pytest.approx(float(want[2, 2]))
        assert "ceil_mode=True" in q.prompt
    avg = pool_value_question(X, 2, (2, 0), mode="avg", ceil_mode=True)
    assert "/ 2" in avg.working  # PyTorch divides by the cells inside the input here
    assert "past the padded input" in avg.working and "padding or" not in avg.working
