"""Convolution cell questions: the answer is PyTorch's, each named mistake is recognised from
an answer made with that mistake by another library (PyTorch, scipy)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from convviz.teach.predict_conv import check_index, conv_cell_question, random_conv_cell_question
from convviz.teach.predict_grid import grid_table, padded_window
from convviz.teach.questions import Question, check

torch = pytest.importorskip("torch")

X = np.array([[1, 2, 0, 3, 1],
              [4, 1, 2, 0, 2],
              [0, 3, 1, 1, 4],
              [2, 0, 4, 2, 1],
              [1, 1, 0, 3, 2]])
K = np.array([[1, 0, -1],
              [2, 1, 0],
              [0, -1, 1]])


def _torch_cell(x, kernel, bias, index, *, stride=1, padding=0, dilation=1):
    """PyTorch's value of one output cell; x (H, W) or (H, W, C), kernel likewise."""
    x3 = x[..., None] if x.ndim == 2 else x
    k3 = kernel[..., None] if kernel.ndim == 2 else kernel
    xt = torch.tensor(x3, dtype=torch.float64).permute(2, 0, 1)[None]  # (1, C, H, W)
    kt = torch.tensor(k3, dtype=torch.float64).permute(2, 0, 1)[None]  # (1, C, kH, kW)
    bt = None if bias is None else torch.tensor([float(bias)], dtype=torch.float64)
    out = torch.nn.functional.conv2d(xt, kt, bt, stride=stride, padding=padding,
                                     dilation=dilation)
    return float(out[0, 0][index])


def test_answer_is_pytorchs_and_the_prompt_has_every_number():
    q = conv_cell_question(X, K, 2, (1, 2), stride=1, padding=1)
    assert q.answer == (_torch_cell(X, K, 2, (1, 2), padding=1),)
    assert q.concept == "convolution" and q.kind == "conv_cell" and q.tolerance == 0
    assert grid_table(X) in q.prompt and grid_table(K) in q.prompt
    assert "**2**" in q.prompt and "cross-correlation" in q.prompt
    assert check(q, q.answer_text()).correct


def test_flipped_the_kernel():
    q = conv_cell_question(X, K, 0, (0, 0))
    true_conv = signal.convolve2d(X, K, mode="valid")  # the mathematical convolution
    assert true_conv[0, 0] != q.answer[0]
    assert check(q, str(true_conv[0, 0])).mistake == "flipped the kernel"


def test_forgot_the_bias():
    q = conv_cell_question(X, K, 3, (2, 1))
    assert check(q, str(_torch_cell(X, K, None, (2, 1)))).mistake == "forgot the bias"


def test_forgot_to_sum_over_channels():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(4, 4, 3))
    k = rng.integers(-1, 3, size=(2, 2, 3))
    q = conv_cell_question(x, k, 1, (1, 1))
    assert q.concept == "channels"
    assert q.answer == (_torch_cell(x, k, 1, (1, 1)),)
    first = _torch_cell(x[..., 0], k[..., 0], 1, (1, 1))
    v = check(q, str(first))
    assert v.mistake == "forgot to sum over channels" and "3 channels" in v.working


def test_used_the_wrong_window_ignoring_the_stride():
    q = conv_cell_question(X, K, 0, (1, 1), stride=2, padding=1)
    wrong = _torch_cell(X, K, None, (1, 1), stride=1, padding=1)
    assert check(q, str(wrong)).mistake == "used the wrong window"


def test_used_the_wrong_window_neighbour():
    q = conv_cell_question(X, K, 0, (0, 0))
    wrong = _torch_cell(X, K, None, (0, 1))
    assert check(q, str(wrong)).mistake == "used the wrong window"


def test_forgot_the_dilation():
    x = np.arange(36).reshape(6, 6) % 7
    q = conv_cell_question(x, K, 0, (0, 1), dilation=2)
    assert q.answer == (_torch_cell(x, K, None, (0, 1), dilation=2),)
    assert check(q, str(_torch_cell(x, K, None, (0, 1)))).mistake == "forgot the dilation"


def test_non_whole_numbers_are_checked_to_two_decimals():
    k = np.full((3, 3), 1 / 9)
    q = conv_cell_question(X, k, None, (0, 0))
    assert q.tolerance == 0.01 and "2 decimals" in q.answer_hint
    assert check(q, f"{_torch_cell(X, k, None, (0, 0)):.2f}").correct


def test_window_and_working():
    q = conv_cell_question(X, K, -1, (0, 2), stride=2, padding=1)
    assert q.grids["window"] == [-1, 3, 2, 6]  # rows -1..1, columns 3..5: padding included
    assert q.grids["input"] == X.tolist() and q.grids["kernel"] == K.tolist()
    assert q.grids["pads"] == [[1, 1], [1, 1]] and q.grids["cell"] == [0, 2]
    # the window's numbers, read from the padded input, give the answer
    r0, c0, r1, c1 = q.grids["window"]
    xp = np.pad(X, 1)
    assert (xp[r0 + 1:r1 + 1, c0 + 1:c1 + 1] * K).sum() - 1 == q.answer[0]
    assert q.working.endswith(f"**{q.answer_text()}**")
    assert "zero padding" in q.working
    assert padded_window((0, 0), (0, 1), (0, 1), ((0, 0), (0, 0))) == [0, 0, 2, 2]


@pytest.mark.parametrize("kw,error,match", [
    (dict(index=(3, 0)), ValueError, r"`index` must be a cell of the 3 x 3 output: rows 0..2"),
    (dict(index=5), ValueError, "`index` must be an output cell"),
    (dict(index=(-1, 0)), ValueError, r"`index\[0\]` must be an integer >= 0"),
    (dict(x=np.zeros((13, 13))), ValueError, "`x` must be at most 12 x 12"),
    (dict(x=np.zeros((5, 5, 5)), kernel=np.zeros((3, 3, 5))), ValueError, "1 to 4 channels"),
    (dict(bias="one"), TypeError, "`bias` must be a number"),
    (dict(bias=float("nan")), ValueError, "`bias` must be finite"),
    (dict(stride=0), ValueError, "`stride` must be a positive integer"),
    (dict(kernel=np.zeros((3, 3, 2))), ValueError, "`kernel`"),
])
def test_argument_errors_name_the_argument(kw, error, match):
    args = {"x": X, "kernel": K, "bias": 0, "index": (0, 0), **kw}
    with pytest.raises(error, match=match):
        conv_cell_question(args["x"], args["kernel"], args["bias"], args["index"],
                           stride=args.get("stride", 1))


def test_check_index():
    assert check_index([0, 1], (2, 2)) == (0, 1)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_questions_are_answerable_exact_and_unambiguous(seed):
    q = random_conv_cell_question(np.random.default_rng(seed))
    assert q.tolerance == 0 and check(q, q.answer_text()).correct
    answers = [m.answer for m in q.mistakes]
    assert q.answer not in answers and len(set(answers)) == len(answers) >= 2
    for m in q.mistakes:
        assert check(q, str(m.answer[0])).mistake == m.name
    x, k = np.array(q.grids["input"]), np.array(q.grids["kernel"])
    (top, _), (left, _) = q.grids["pads"]
    r0, c0, r1, c1 = q.grids["window"]
    assert r0 == -top or r0 >= 0
    assert Question.from_dict(q.to_dict()) == q
    assert (x.ndim == 3) == (q.concept == "channels")
    assert k.shape[:2] != (0, 0) and r1 > r0 and c1 > c0


def test_random_questions_are_seeded_and_sometimes_have_channels():
    assert random_conv_cell_question(np.random.default_rng(4)) == \
        random_conv_cell_question(np.random.default_rng(4))
    concepts = {random_conv_cell_question(np.random.default_rng(s)).concept for s in range(20)}
    assert concepts == {"convolution", "channels"}
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        random_conv_cell_question(1)


# --- a true convolution and other padding modes -------------------------------------------------

def test_true_convolution_and_did_not_flip_the_kernel():
    q = conv_cell_question(X, K, 1, (1, 1), flip=True)
    true_conv = signal.convolve2d(X, K, mode="valid")
    assert q.answer == (true_conv[1, 1] + 1,)
    assert "rotated by 180 degrees" in q.prompt and grid_table(K) in q.prompt
    assert check(q, str(_torch_cell(X, K, 1, (1, 1)))).mistake == "did not flip the kernel"
    assert "flipped the kernel" not in [m.name for m in q.mistakes]


@pytest.mark.parametrize("mode,words", [
    ("reflect", "mirror"), ("replicate", "nearest edge cell"), ("circular", "opposite side"),
])
def test_padding_modes_and_padded_with_zeros(mode, words):
    q = conv_cell_question(X, K, 0, (0, 0), padding=1, padding_mode=mode)
    xt = torch.tensor(X, dtype=torch.float64)[None, None]
    padded = torch.nn.functional.pad(xt, (1, 1, 1, 1), mode=mode)  # PyTorch's padding modes
    kt = torch.tensor(K, dtype=torch.float64)[None, None]
    assert q.answer == (float(torch.nn.functional.conv2d(padded, kt)[0, 0, 0, 0]),)
    assert f'"{mode}"' in q.prompt and words in q.prompt
    zeros = _torch_cell(X, K, None, (0, 0), padding=1)
    assert check(q, str(zeros)).mistake == "padded with zeros"
    inner = conv_cell_question(X, K, 0, (2, 2), padding=1, padding_mode=mode)
    assert "padded with zeros" not in [m.name for m in inner.mistakes]  # no padding under it


def test_padding_mode_is_checked():
    with pytest.raises(ValueError, match="`padding_mode` must be one of"):
        conv_cell_question(X, K, 0, (0, 0), padding=1, padding_mode="mirror")
