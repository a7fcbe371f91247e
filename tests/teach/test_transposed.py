"""Transposed-convolution teaching: every size the text gives is the engine's, and
PyTorch's."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import convviz as cv
from convviz.teach import transposed as tr

SETTINGS = [  # (n, k, stride, padding, output_padding, dilation)
    (3, 3, 2, 1, 1, 1), (4, 2, 2, 0, 0, 1), (5, 4, 3, 2, 2, 1), (2, 3, 1, 0, 1, 2),
    (6, 1, 3, 0, 0, 1), (7, 3, 2, 0, 1, 2),
]


@pytest.mark.parametrize("n,k,s,p,op,d", SETTINGS)
def test_formula_text_ends_at_the_engines_size(n, k, s, p, op, d):
    text = tr.formula_text(n, k, stride=s, padding=p, output_padding=op, dilation=d)
    out = cv.conv_transpose2d(np.ones((n, n)), np.ones((k, k)), stride=s, padding=p,
                              output_padding=op, dilation=d).shape[0]
    assert text.endswith(f"= {out}")
    assert f"({n} − 1) × {s} − 2 × {p} + {d} × ({k} − 1) + {op} + 1" in text


@pytest.mark.parametrize("n,k,s,p,op,d", SETTINGS)
def test_the_pytorch_snippet_prints_the_shape_its_comment_gives(n, k, s, p, op, d):
    pytest.importorskip("torch")
    torch_code, keras_code = tr.framework_code((n, n + 1), k, stride=s, padding=p,
                                               output_padding=op, dilation=d)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(torch_code, {})  # noqa: S102 - our own generated snippet
    printed = out.getvalue().strip()
    comment = torch_code.splitlines()[-1].split("# ")[1]
    assert printed == comment
    want = [cv.transpose_output_size(m, k, stride=s, padding=p, output_padding=op, dilation=d)
            for m in (n, n + 1)]
    assert printed == f"torch.Size([1, 8, {want[0]}, {want[1]}])"
    if (s > 1 and d > 1) or op >= s:
        assert "Keras refuses" in keras_code and "print" not in keras_code
    else:
        assert keras_code.splitlines()[-1] == f"print(x.shape)  # (1, {want[0]}, {want[1]}, 8)"
        # Keras' own size rule, valid with an explicit output_padding, then the crop
        sizes = [tr.keras_output_size(m, k, stride=s, padding="valid", output_padding=op,
                                      dilation=d) - 2 * p for m in (n, n + 1)]
        assert sizes == want


def test_keras_rule_follows_its_documented_cases():
    # "valid" without output_padding: n * s + max(k - s, 0); "same": n * s
    assert tr.keras_output_size(4, 3, stride=2) == 9
    assert tr.keras_output_size(4, 1, stride=3) == 12
    assert tr.keras_output_size(5, 3, stride=2, padding="same") == 10
    # with output_padding: (n - 1) * s + k - 2 * pad + output_padding, pad = k // 2 for same
    assert tr.keras_output_size(5, 3, stride=2, padding="same", output_padding=1) == 10
    assert tr.keras_output_size(5, 3, stride=2, padding="valid", output_padding=0) == 11
    with pytest.raises(ValueError, match="`padding`"):
        tr.keras_output_size(5, 3, padding="full")


def test_output_padding_cases_are_right_both_ways_and_in_pytorch():
    torch = pytest.importorskip("torch")
    cases = tr.output_padding_cases(4, 3, stride=2, padding=1)
    assert cases == [(7, 0), (8, 1)]
    for size, op in cases:
        conv = torch.nn.Conv2d(1, 1, 3, stride=2, padding=1)
        assert conv(torch.zeros(1, 1, size, size)).shape[-1] == 4
        up = torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op)
        assert up(torch.zeros(1, 1, 4, 4)).shape[-1] == size
    assert tr.output_padding_cases(5, 3, stride=3) == [(15, 0), (16, 1), (17, 2)]


def test_output_paddings_are_the_ones_pytorch_accepts():
    torch = pytest.importorskip("torch")
    for s in (1, 2, 3):
        for d in (1, 2):
            ok = []
            for op in range(4):
                try:
                    torch.nn.ConvTranspose2d(1, 1, 2, stride=s, output_padding=op, dilation=d)(
                        torch.zeros(1, 1, 3, 3))
                    ok.append(op)
                except RuntimeError:
                    pass
            assert tr.output_paddings(s, d) == ok


def test_presets():
    assert tr.make_input("ones", 3).sum() == 9
    np.testing.assert_array_equal(tr.make_input("random", 4, seed=2),
                                  tr.make_input("random", 4, seed=2))
    k = tr.make_kernel("random", 3, seed=1)
    assert k.min() >= -2 and k.max() <= 2 and k.shape == (3, 3)
    # the bilinear kernel at stride 2 interpolates: ones in, ones out away from the border
    up = cv.conv_transpose2d(np.ones((4, 4)), tr.bilinear_kernel(4), stride=2, padding=1)
    np.testing.assert_allclose(up[1:-1, 1:-1], 1.0)
    up3 = cv.conv_transpose2d(np.ones((4, 4)), tr.bilinear_kernel(3), stride=2, padding=1,
                              output_padding=1)
    np.testing.assert_allclose(up3[:-1, :-1], 1.0)
    with pytest.raises(ValueError, match="`preset`"):
        tr.make_kernel("gauss", 3)
