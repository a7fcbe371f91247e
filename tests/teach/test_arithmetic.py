"""Window layout, coverage counts, framework rules and code, pooling read-outs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz.teach import arithmetic as ar
from convviz.teach import codegen, pool_text

# --- coverage counts (concept 5: border cells are under fewer windows) -----------------------


def test_coverage_5x5_with_3x3_by_hand():
    row = np.array([1, 2, 3, 2, 1])
    np.testing.assert_array_equal(ar.coverage_counts(5, 3), np.outer(row, row))


def test_padding_puts_the_border_under_more_windows_but_not_as_many():
    assert ar.coverage_counts(4, 3)[0, 0] == 1
    counts = ar.coverage_counts(4, 3, padding=1)
    np.testing.assert_array_equal(counts, [[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6],
                                           [4, 6, 6, 4]])


def test_at_stride_1_only_full_padding_covers_every_cell_equally():
    for n in range(1, 10):
        for k in range(1, 6):
            for d in range(1, 4):
                full = ar.coverage_counts(n, k, padding="full", dilation=d)
                assert (full == k * k).all(), (n, k, d)
            for p in range(0, k - 1):  # less padding, on an input larger than the kernel
                if n > k:
                    less = ar.coverage_counts(n, k, padding=p)
                    assert less[0, 0] < less.max(), (n, k, p)
    # why the sentence says "larger than the kernel": one window covers a k x k input evenly
    assert (ar.coverage_counts(3, 3) == 1).all()


def test_padding_coverage_text_quotes_the_engine():
    text = ar.padding_coverage_text(3)
    valid, padded = ar.coverage_counts(5, 3), ar.coverage_counts(5, 3, padding=1)
    assert (valid[0, 0], padded[0, 0], padded.max()) == (1, 4, 9)
    assert "corner cell is under 1 window and a central one under 9" in text
    assert "a corner is under 4, the centre under 9" in text
    assert "At stride 1, on an input larger than the kernel, only full padding (P = K - 1 = 2)" \
        in text and "same number of windows, 9" in text
    assert "as often" not in text
    text5 = ar.padding_coverage_text(5)
    padded5 = ar.coverage_counts(7, 5, padding=2)
    assert f"a corner is under {padded5[0, 0]}, the centre under {padded5.max()}" in text5
    assert f"same number of windows, {5 * 5}" in text5
    with pytest.raises(ValueError, match="kernel_size"):
        ar.padding_coverage_text(1)


def test_same_padding_text_gives_the_stride_1_rule_only_for_stride_1():
    from convviz.engine.padding import same_padding_1d

    text = ar.same_padding_text(8, 3, 2)
    assert same_padding_1d(8, 3, 2) == (0, 1) and same_padding_1d(8, 4, 2) == (1, 1)
    assert "At stride 1 the total is k_eff - 1, so an even kernel pads one more" in text
    assert "8 cells get (before, after) = (0, 1) with a 3-wide kernel and (1, 1)" in text
    assert '(n = 8, k_eff = 3, s = 2) "same" pads (0, 1)' in text
    assert '(n = 7, k_eff = 5, s = 1) "same" pads (2, 2)' in ar.same_padding_text(7, 3, 1, 2)


def test_stride_and_floor_leave_cells_uncovered():
    # 2x2 windows with stride 2 on 5 cells: 2 windows, the last cell is never seen.
    np.testing.assert_array_equal(ar.coverage_counts(5, 2, stride=2)[0], [1, 1, 1, 1, 0])
    # stride 3 with a 2-wide kernel skips every third cell
    np.testing.assert_array_equal(ar.coverage_counts(8, 2, stride=3)[0], [1, 1, 0, 1, 1, 0, 1, 1])


def test_dilation_taps_skip_the_gaps():
    np.testing.assert_array_equal(ar.coverage_counts(5, 3, dilation=2)[0], [1, 0, 1, 0, 1])


def test_rectangular_input_and_padded_counts():
    counts = ar.coverage_counts((3, 6), 3, padding="same", include_padding=True)
    assert counts.shape == (5, 8)
    assert counts.sum() == 3 * 6 * 9  # every window has 9 taps


def test_no_fit_raises_with_the_reason():
    with pytest.raises(ValueError, match="9 wide with dilation, is wider than the padded input, 7"):
        ar.coverage_counts(5, 5, padding=1, dilation=2)


def test_bad_types_raise():
    with pytest.raises(TypeError, match="stride"):
        ar.coverage_counts(5, 3, stride=1.5)
    with pytest.raises(ValueError, match="kernel_size"):
        ar.coverage_counts(5, 0)


@settings(max_examples=150, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4),
       p=st.sampled_from([0, 1, 2, "valid", "same", "full"]), d=st.integers(1, 3))
def test_grid_matches_output_size_and_the_conv_plan(h, w, k, s, p, d):
    g = ar.window_grid((h, w), k, s, p, d)
    try:
        out = (cv.output_size(h, k, stride=s, padding=p, dilation=d),
               cv.output_size(w, k, stride=s, padding=p, dilation=d))
    except ValueError as exc:
        assert g.reason and str(exc).split(": ", 1)[1] in g.reason
        return
    assert g.reason is None and g.out_shape == out
    plan = cv.conv_plan(np.zeros((h, w)), np.zeros((k, k)), stride=s, padding=p, dilation=d)
    assert g.pad_mask.shape == plan.pad_mask.shape
    np.testing.assert_array_equal(g.pad_mask, plan.pad_mask)
    brute = np.zeros(plan.pad_mask.shape, int)
    for i in range(plan.n_steps):
        assert g.window(i) == plan.window(i)
        brute[np.ix_(*plan.window(i))] += 1
    np.testing.assert_array_equal(g.counts(), brute)


def test_ceil_mode_layout_matches_the_pool_plan():
    g = ar.window_grid((5, 7), 2, 2, 0, ceil_mode=True)
    plan = cv.pool_plan(np.zeros((5, 7)), 2, ceil_mode=True)
    assert g.out_shape == plan.out_shape == (3, 4)
    np.testing.assert_array_equal(g.pad_mask, plan.pad_mask)
    assert g.rows.extra == 1 and g.cols.extra == 1


def test_window_index_is_checked():
    g = ar.window_grid(7, 3)
    assert g.window(24) == ((4, 5, 6), (4, 5, 6))
    with pytest.raises(ValueError, match="0..24"):
        g.window(25)


def test_no_fit_hint_names_what_would_fit():
    g = ar.window_grid(5, 5, padding=1, dilation=2)
    text = ar.no_fit_hint(g.rows)
    assert "a kernel of at most 4 at dilation 2" in text
    assert "dilation at most 1" in text and "at least 1 more padding" in text
    assert ar.window_grid(5, 4, padding=0, dilation=1).reason is None
    assert ar.window_grid(5, 1, padding=0, dilation=2).reason is None


# --- framework rules --------------------------------------------------------------------------


def _levels(notes, word):
    return [lvl for lvl, text in notes if word in text]


def test_plain_settings_have_no_notes():
    assert ar.rule_notes(7, 3) == []


def test_torch_same_with_stride_is_refused():
    notes = ar.rule_notes(8, 3, stride=2, padding="same", rule="torch")
    assert _levels(notes, 'padding="same"') == ["warning"]


def test_keras_refuses_stride_with_dilation():
    assert _levels(ar.rule_notes(9, 3, stride=2, dilation=2, rule="keras"),
                   "dilation_rate") == ["warning"]
    assert _levels(ar.rule_notes(9, 3, stride=2, dilation=2, rule="torch"), "dilation_rate") == []


def test_keras_explicit_padding_and_modes_are_explained():
    notes = ar.rule_notes(7, 3, padding=1, rule="keras", padding_mode="reflect")
    assert _levels(notes, "ZeroPadding2D") == ["info"]
    assert _levels(notes, "zeros only") == ["info"]


def test_pool_padding_above_half_the_window_is_refused():
    notes = ar.rule_notes(6, 3, padding=2, rule="pool_ceil")
    assert _levels(notes, "at most half the pool size, 3 // 2 = 1") == ["warning"]
    assert _levels(ar.rule_notes(6, 3, padding=1, dilation=2, rule="pool_ceil"), "half") == []


def test_uneven_same_names_pytorch_only_where_pytorch_takes_it():
    at_stride_1 = ar.rule_notes(6, 4, padding="same", rule="torch")
    assert _levels(at_stride_1, "as in Keras and in PyTorch's padding=\"same\"") == ["info"]
    for rule in ("torch", "keras"):
        notes = ar.rule_notes(8, 3, stride=2, padding="same", rule=rule)
        uneven = [text for _, text in notes if "uneven" in text]
        assert len(uneven) == 1 and "(top, bottom) = (0, 1)" in uneven[0]
        assert "Keras and PyTorch" not in uneven[0]
        assert 'PyTorch refuses "same" with a stride above 1' in uneven[0]
    pooled = [t for _, t in ar.rule_notes(5, 2, stride=1, padding="same", rule="pool_ceil")
              if "uneven" in t]
    assert pooled and "PyTorch's pooling has no \"same\"" in pooled[0]


@pytest.mark.parametrize(("n", "p", "mode", "refused"), [
    (3, 2, "reflect", False), (3, 3, "reflect", True), (3, 5, "reflect", True),
    (3, 3, "circular", False), (3, 4, "circular", True), (3, 5, "replicate", False),
    (3, 5, "zeros", False)])
def test_padding_modes_pytorch_refuses_are_errors(n, p, mode, refused):
    from convviz.engine.padding import padding_mode_problem

    notes = ar.rule_notes(n, 3, padding=p, padding_mode=mode)
    errors = [text for level, text in notes if level == "error"]
    if not refused:
        assert errors == []
        return
    problem = padding_mode_problem((n, n), ((p, p), (p, p)), mode)
    out = cv.output_size(n, 3, padding=p)
    assert errors == [f"This convolution cannot be computed: {problem}. With padding_mode "
                      f'"zeros" or "replicate" the output would be {out} x {out}.']
    assert _levels(ar.rule_notes(n, 3, padding=p, padding_mode=mode, rule="pool_ceil"),
                   "cannot be computed") == []


def test_ceil_overhang_uneven_same_and_uncovered_cells_are_explained():
    assert _levels(ar.rule_notes(5, 2, stride=2, rule="pool_ceil"), "ceil_mode") == ["info"]
    assert _levels(ar.rule_notes(6, 4, padding="same"), "uneven") == ["info"]
    assert _levels(ar.rule_notes(5, 2, stride=2), "never under any window") == ["info"]


def test_bad_rule_raises():
    with pytest.raises(ValueError, match="rule"):
        ar.rule_notes(7, 3, rule="jax")


# --- framework code ---------------------------------------------------------------------------


def test_conv_code_by_hand():
    torch_code, keras_code = codegen.framework_code(7, 3, padding=1)
    assert ('nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1, dilation=1, '
            'padding_mode="zeros")') in torch_code
    assert "torch.Size([1, 8, 7, 7])" in torch_code
    assert "layers.ZeroPadding2D(padding=((1, 1), (1, 1)))" in keras_code
    assert 'layers.Conv2D(8, kernel_size=3, strides=1, padding="valid", dilation_rate=1)' in \
        keras_code
    assert "(None, 7, 7, 8)" in keras_code


def test_same_with_stride_pads_explicitly_in_torch():
    torch_code, keras_code = codegen.framework_code(8, 4, stride=2, padding="same")
    assert "only with stride=1" in torch_code and "padding=1" in torch_code
    assert 'padding="same"' in keras_code and "(None, 4, 4, 8)" in keras_code
    torch_code, _ = codegen.framework_code(7, 4, stride=2, padding="same")  # uneven: (1, 2)
    assert "nn.ZeroPad2d((1, 2, 1, 2))" in torch_code


def test_keras_stride_with_dilation_is_flagged():
    _, keras_code = codegen.framework_code(9, 3, stride=2, dilation=2)
    assert "Keras raises ValueError" in keras_code and "print" not in keras_code


def test_pool_code():
    torch_code, keras_code = codegen.framework_code(5, 2, stride=2, layer="maxpool", ceil_mode=True)
    assert "nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)" in \
        torch_code
    assert "torch.Size([1, 1, 3, 3])" in torch_code
    assert "no ceil_mode" in keras_code and "(None, 2, 2, 1)" in keras_code
    torch_code, keras_code = codegen.framework_code(6, 3, stride=1, padding=1, layer="avgpool",
                                               count_include_pad=False)
    assert "count_include_pad=False" in torch_code and "AveragePooling2D" in keras_code
    torch_code, keras_code = codegen.framework_code(6, 2, layer="globalmax")
    assert "AdaptiveMaxPool2d(1)" in torch_code and "GlobalMaxPooling2D" in keras_code


def test_code_never_prints_a_shape_pytorch_would_refuse():
    torch_code, keras_code = codegen.framework_code(3, 3, padding=5, padding_mode="reflect")
    assert "torch.Size" not in torch_code and "11, 11" not in torch_code
    assert "# PyTorch raises RuntimeError here: `padding` of 5 is too large for " \
        "padding_mode='reflect' on an input with 3 rows" in torch_code
    assert torch_code.splitlines()[-1] == ("layer(x)  # RuntimeError: Padding size should be "
                                           "less than the corresponding input dimension")
    assert "zeros only" in keras_code
    torch_code, _ = codegen.framework_code(3, 3, padding=4, padding_mode="circular")
    assert "torch.Size" not in torch_code and "wrapping around more than once" in torch_code
    torch_code, _ = codegen.framework_code(3, 3, padding=3, padding_mode="circular")
    assert "raises" not in torch_code and "torch.Size([1, 8, 7, 7])" in torch_code
    torch_code, _ = codegen.framework_code((2, 2), 5, padding="same", padding_mode="reflect")
    assert "torch.Size" not in torch_code and 'padding="same"' in torch_code
    torch_code, _ = codegen.framework_code((7, 7), 4, stride=2, padding="same",
                                      padding_mode="reflect")  # uneven: a ReflectionPad2d
    assert "nn.ReflectionPad2d((1, 2, 1, 2))" in torch_code and "torch.Size" in torch_code
    torch_code, _ = codegen.framework_code(6, 3, padding=2, layer="maxpool")
    assert "torch.Size" not in torch_code
    assert "# PyTorch raises RuntimeError here: `padding` of 2 is too large for a pool of 3" \
        in torch_code
    torch_code, _ = codegen.framework_code(6, 3, padding=1, layer="maxpool")
    assert "raises" not in torch_code and "torch.Size([1, 1, 6, 6])" in torch_code


def test_code_refuses_what_does_not_fit_and_bad_options():
    with pytest.raises(ValueError, match="no output"):
        codegen.framework_code(3, 5)
    with pytest.raises(ValueError, match="layer"):
        codegen.framework_code(7, 3, layer="dense")
    with pytest.raises(ValueError, match="padding_mode"):
        codegen.framework_code(7, 3, padding_mode="mirror")


CODE_CASES = [(h, k, s, p, d, layer, ceil, "zeros")
              for h in (4, 7, 8) for k in (1, 2, 3, 4) for s in (1, 2, 3)
              for p in (0, 1, "valid", "same", "full") for d in (1, 2)
              for layer, ceil in (("conv", False), ("maxpool", False), ("maxpool", True),
                                  ("avgpool", True))
              if not (layer == "avgpool" and d > 1)]
CODE_CASES += [(h, k, s, p, 1, "conv", False, mode)  # padding modes at PyTorch's limits
               for h in (2, 3, 4) for k in (1, 3, 4) for s in (1, 2) for p in (1, 2, 3, 4, "same")
               for mode in ("reflect", "circular", "replicate")]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_torch_code_runs_and_prints_the_engine_shape():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    checked = 0
    refused = 0
    for h, k, s, p, d, layer, ceil, mode in CODE_CASES:
        g = ar.window_grid((h, h + 1), k, s, p, d, ceil_mode=ceil and layer != "conv")
        if g.reason:
            continue
        torch_code, _ = codegen.framework_code((h, h + 1), k, stride=s, padding=p, dilation=d,
                                          layer=layer, ceil_mode=ceil, padding_mode=mode)
        ns: dict = {}
        if "raises" in torch_code:  # the snippet says PyTorch refuses it: check that it does
            assert "torch.Size" not in torch_code
            with pytest.raises(RuntimeError):
                exec(torch_code, ns)
            refused += 1
            continue
        exec(torch_code.replace("print(", "_ = ("), ns)
        assert tuple(ns["layer"](ns["x"]).shape[2:]) == g.out_shape, torch_code
        assert f"{g.out_shape[0]}, {g.out_shape[1]}])" in torch_code
        checked += 1
    assert checked > 300 and refused > 20


# --- pooling read-outs ------------------------------------------------------------------------


def test_pool_count_text_counts_outputs_per_input():
    assert pool_text.pool_count_text((4, 4), (2, 2), 2, 2) == \
        "2x2 with stride 2 turns 16 values into 4: one output per 4 inputs (25% as many)"
    assert pool_text.pool_count_text((6, 6), (3, 3), 2, 2).startswith(
        "2x2 with stride 2 turns 36 values into 9: one output per 4 inputs")
    assert pool_text.pool_count_text((5, 5), (3, 3), 2, 2) == \
        "2x2 with stride 2 turns 25 values into 9 (36% as many)"
    overlap = pool_text.pool_count_text((5, 5), (2, 2), 3, 2)
    assert "overlap" in overlap and "one output per" not in overlap
    assert "no window" in pool_text.pool_count_text((8, 8), (3, 3), 2, 3)
    assert "does not shrink" in pool_text.pool_count_text((4, 4), (4, 4), 3, 1)
    assert pool_text.pool_count_text((6, 6), (1, 1)) == \
        "Global pooling turns the 36 values of a channel into 1 (2.78% as many)"
    for text in (pool_text.pool_count_text((4, 4), (2, 2), 2, 2),
                 pool_text.pool_count_text((6, 6), (1, 1))):
        assert "keeps" not in text  # an average keeps none of its inputs


X4 = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]])


def test_pool_step_text_max_and_avg():
    plan = cv.pool_plan(X4, 2)
    step = plan.step(0)
    assert pool_text.pool_step_text(step, plan.pad_mask[np.ix_(step.rows, step.cols)]) == \
        "max(1, 3, 4, 2) = 4"
    plan = cv.pool_plan(X4, 2, mode="avg")
    step = plan.step(3)
    assert pool_text.pool_step_text(step, np.zeros((2, 2), bool)) == \
        "(7 + 2 + 3 + 8) / 4 = 20 / 4 = 5"


def test_pool_step_text_with_padding():
    plan = cv.pool_plan(X4, 3, stride=2, padding=1)
    step = plan.step(0)
    pads = plan.pad_mask[np.ix_(step.rows, step.cols)]
    assert pool_text.pool_step_text(step, pads) == "max(-∞, -∞, -∞, -∞, 1, 3, -∞, 4, 2) = 4"
    for cip, expect in ((True, "(0 + 0 + 0 + 0 + 1 + 3 + 0 + 4 + 2) / 9 = 10 / 9 = 1.11"),
                        (False, "(1 + 3 + 4 + 2) / 4 = 10 / 4 = 2.5")):
        plan = cv.pool_plan(X4, 3, stride=2, padding=1, mode="avg", count_include_pad=cip)
        step = plan.step(0)
        text = pool_text.pool_step_text(step, plan.pad_mask[np.ix_(step.rows, step.cols)],
                                 count_include_pad=cip)
        assert text == expect


def test_global_pool_text():
    assert pool_text.global_pool_text(X4, "max", float(cv.global_pool(X4, "max"))) == \
        "max of the 16 values = 8"
    assert pool_text.global_pool_text(X4, "avg", float(cv.global_pool(X4, "avg"))) == \
        "(sum of the 16 values) / 16 = 42 / 16 = 2.63"  # 2.625: half away from zero


def test_shift_demo_shows_a_little_invariance():
    x, moved1 = pool_text.shift_demo(1)
    _, moved2 = pool_text.shift_demo(2)
    assert not np.array_equal(x, moved1)
    np.testing.assert_array_equal(cv.pool2d(x, 2), cv.pool2d(moved1, 2))
    assert not np.array_equal(cv.pool2d(x, 2), cv.pool2d(moved2, 2))
    np.testing.assert_array_equal(pool_text.shift_demo(0)[1], x)
    assert not pool_text.shift_demo(6)[1].any()
