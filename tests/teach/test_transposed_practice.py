"""The transposed page's practice questions: every answer and every named mistake is the
engine's (and PyTorch's) size under the right or the mistaken rule."""

from __future__ import annotations

import numpy as np
import pytest

import convviz as cv
from convviz.teach import transposed_practice as tp
from convviz.teach.questions import Question, check


def _chain(start: int, stages: int, step) -> list[int]:
    out, n = [], start
    for _ in range(stages):
        n = step(n)
        out.append(n)
    return out


def test_unet_decoder_sizes_match_pytorch():
    torch = pytest.importorskip("torch")
    for k, s, p, op in tp.DECODERS:
        x = torch.zeros(1, 1, 7, 7)
        sizes = []
        for _ in range(4):
            x = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op)(x)
            sizes.append(float(x.shape[-1]))
        assert tp.unet_question(7, 4, k, stride=s, padding=p, output_padding=op).answer == \
            tuple(sizes)


def test_a_unet_question_names_a_mistake_made_at_every_stage():
    q = tp.unet_question(28, 4, 3, stride=2, padding=1, output_padding=1)
    assert isinstance(q, Question) and q.concept == "transposed" and q.kind == "transposed_unet"
    assert q.answer == (56.0, 112.0, 224.0, 448.0)
    assert "**28 x 28**" in q.prompt and "**4 stages**" in q.prompt
    assert "`kernel_size=3, stride=2, padding=1, output_padding=1`" in q.prompt
    assert check(q, "56, 112, 224, 448").correct
    size = cv.transpose_output_size
    forgot_op = _chain(28, 4, lambda n: size(n, 3, stride=2, padding=1))
    assert check(q, ", ".join(map(str, forgot_op))).mistake == "forgot the output padding"
    plus_one = _chain(28, 4, lambda n: size(n, 3, stride=2, padding=1, output_padding=1) - 1)
    assert plus_one == forgot_op  # the same sides: the first name is kept
    q2 = tp.unet_question(28, 4, 2, stride=2)
    plus_one = _chain(28, 4, lambda n: size(n, 2, stride=2) - 1)
    assert check(q2, str(plus_one)).mistake == "forgot the + 1"
    from_ns = _chain(28, 4, lambda n: size(n + 1, 2, stride=2))
    assert check(q2, str(from_ns)).mistake == "started from n × s"
    conv = _chain(28, 2, lambda n: cv.output_size(n, 3, stride=2, padding=1))
    assert conv == [14, 7]
    conv = _chain(28, 4, lambda n: cv.output_size(n, 3, stride=2, padding=1))
    assert check(q, str(conv)).mistake == "used the convolution's formula"
    one_wrong = check(q, "56, 112, 225, 448")  # one slip: not a named mistake
    assert not one_wrong.correct and one_wrong.mistake is None
    lines = q.working.splitlines()  # the formula once, then only numbers (short lines)
    assert lines[0] == tp.FORMULA
    assert "stage 3: (112 − 1) × 2 − 2 × 1 + 1 × (3 − 1) + 1 + 1 = 224" in lines
    assert "28 → 56 → 112 → 224 → 448" in q.working
    assert check(q, "448").parsed is None  # one side for four stages: asked for four


def test_an_output_padding_question_and_its_named_mistake():
    q = tp.output_padding_question(8, 3, stride=2, padding=1)
    assert q.kind == "transposed_output_padding" and q.concept == "transposed"
    assert q.answer == (1.0,)
    assert "**8 x 8**" in q.prompt and "**4 x 4**" in q.prompt
    v = check(q, "0")
    assert v.mistake == "left output_padding at 0"
    assert "gives back 7 x 7" in v.working
    assert check(q, "1").correct
    assert "The convolution maps sides 7 and 8 all to 4 (it rounds down)" in q.working
    lines = q.working.splitlines()
    assert lines[0] == tp.FORMULA
    assert "output_padding 0: (4 − 1) × 2 − 2 × 1 + 1 × (3 − 1) + 0 + 1 = 7" in lines
    assert tp.output_padding_question(7, 3, stride=2, padding=1).answer == (0.0,)
    assert not tp.output_padding_question(7, 3, stride=2, padding=1).mistakes


def test_output_padding_questions_match_pytorch():
    torch = pytest.importorskip("torch")
    for target, k, s, p in [(8, 3, 2, 1), (17, 3, 3, 0), (14, 4, 2, 1), (9, 2, 3, 2)]:
        q = tp.output_padding_question(target, k, stride=s, padding=p)
        n = torch.nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, target, target))
        up = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p,
                                      output_padding=int(q.answer[0]))(n)
        assert up.shape[-1] == target
        assert f"**{n.shape[-1]} x {n.shape[-1]}**" in q.prompt


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="`target`"):
        tp.output_padding_question(2, 5, stride=2)  # no window fits: no encoder output
    with pytest.raises(ValueError, match="`stages` must be a positive integer, got 0"):
        tp.unet_question(4, 0, 2, stride=2)
    with pytest.raises(ValueError, match="`output_padding`"):
        tp.unet_question(4, 3, 2, stride=2, output_padding=2)
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator, got int"):
        tp.random_practice_question(0)


@pytest.mark.parametrize("seed", range(30))
def test_every_practice_question_is_the_engines_and_names_its_mistakes(seed):
    q = tp.random_practice_question(np.random.default_rng(seed))
    assert q == tp.random_practice_question(np.random.default_rng(seed))
    assert q.concept == "transposed"
    assert q.mistakes or q.answer == (0.0,)  # output_padding 0 is left at 0 by default
    assert check(q, ", ".join(str(int(v)) for v in q.answer)).correct
    for m in q.mistakes:
        assert check(q, ", ".join(str(int(v)) for v in m.answer)).mistake == m.name


def test_practice_draws_every_kind():
    kinds = {tp.random_practice_question(np.random.default_rng(s)).kind for s in range(40)}
    assert kinds == {"transposed_size", "transposed_output_padding", "transposed_unet"}
