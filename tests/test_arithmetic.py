"""Window layout, coverage counts, framework rules and code, the exercise, pooling read-outs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz as cv
from convviz import arithmetic as ar

# --- coverage counts (concept 5: border cells are under fewer windows) -----------------------


def test_coverage_5x5_with_3x3_by_hand():
    row = np.array([1, 2, 3, 2, 1])
    np.testing.assert_array_equal(ar.coverage_counts(5, 3), np.outer(row, row))


def test_padding_gives_the_corners_their_due():
    assert ar.coverage_counts(4, 3)[0, 0] == 1
    counts = ar.coverage_counts(4, 3, padding=1)
    np.testing.assert_array_equal(counts, [[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6],
                                           [4, 6, 6, 4]])


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
    assert _levels(notes, "at most half the window, 3 // 2 = 1") == ["warning"]


def test_ceil_overhang_uneven_same_and_uncovered_cells_are_explained():
    assert _levels(ar.rule_notes(5, 2, stride=2, rule="pool_ceil"), "ceil_mode") == ["info"]
    assert _levels(ar.rule_notes(6, 4, padding="same"), "uneven") == ["info"]
    assert _levels(ar.rule_notes(5, 2, stride=2), "never under any window") == ["info"]


def test_bad_rule_raises():
    with pytest.raises(ValueError, match="rule"):
        ar.rule_notes(7, 3, rule="jax")


# --- framework code ---------------------------------------------------------------------------


def test_conv_code_by_hand():
    torch_code, keras_code = ar.framework_code(7, 3, padding=1)
    assert ('nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1, dilation=1, '
            'padding_mode="zeros")') in torch_code
    assert "torch.Size([1, 8, 7, 7])" in torch_code
    assert "layers.ZeroPadding2D(padding=((1, 1), (1, 1)))" in keras_code
    assert 'layers.Conv2D(8, kernel_size=3, strides=1, padding="valid", dilation_rate=1)' in \
        keras_code
    assert "(None, 7, 7, 8)" in keras_code


def test_same_with_stride_pads_explicitly_in_torch():
    torch_code, keras_code = ar.framework_code(8, 4, stride=2, padding="same")
    assert "only with stride=1" in torch_code and "padding=1" in torch_code
    assert 'padding="same"' in keras_code and "(None, 4, 4, 8)" in keras_code
    torch_code, _ = ar.framework_code(7, 4, stride=2, padding="same")  # uneven: (1, 2)
    assert "nn.ZeroPad2d((1, 2, 1, 2))" in torch_code


def test_keras_stride_with_dilation_is_flagged():
    _, keras_code = ar.framework_code(9, 3, stride=2, dilation=2)
    assert "Keras raises ValueError" in keras_code and "print" not in keras_code


def test_pool_code():
    torch_code, keras_code = ar.framework_code(5, 2, stride=2, layer="maxpool", ceil_mode=True)
    assert "nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)" in \
        torch_code
    assert "torch.Size([1, 1, 3, 3])" in torch_code
    assert "no ceil_mode" in keras_code and "(None, 2, 2, 1)" in keras_code
    torch_code, keras_code = ar.framework_code(6, 3, stride=1, padding=1, layer="avgpool",
                                               count_include_pad=False)
    assert "count_include_pad=False" in torch_code and "AveragePooling2D" in keras_code
    torch_code, keras_code = ar.framework_code(6, 2, layer="globalmax")
    assert "AdaptiveMaxPool2d(1)" in torch_code and "GlobalMaxPooling2D" in keras_code


def test_code_refuses_what_does_not_fit_and_bad_options():
    with pytest.raises(ValueError, match="no output"):
        ar.framework_code(3, 5)
    with pytest.raises(ValueError, match="layer"):
        ar.framework_code(7, 3, layer="dense")
    with pytest.raises(ValueError, match="padding_mode"):
        ar.framework_code(7, 3, padding_mode="mirror")


CODE_CASES = [(h, k, s, p, d, layer, ceil)
              for h in (4, 7, 8) for k in (1, 2, 3, 4) for s in (1, 2, 3)
              for p in (0, 1, "valid", "same", "full") for d in (1, 2)
              for layer, ceil in (("conv", False), ("maxpool", False), ("maxpool", True),
                                  ("avgpool", True))
              if not (layer == "avgpool" and d > 1)]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_torch_code_runs_and_prints_the_engine_shape():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    checked = 0
    for h, k, s, p, d, layer, ceil in CODE_CASES:
        g = ar.window_grid((h, h + 1), k, s, p, d, ceil_mode=ceil and layer != "conv")
        if g.reason:
            continue
        torch_code, _ = ar.framework_code((h, h + 1), k, stride=s, padding=p, dilation=d,
                                          layer=layer, ceil_mode=ceil)
        ns: dict = {}
        if "raises" in torch_code:  # the snippet says PyTorch refuses it: check that it does
            with pytest.raises(RuntimeError):
                exec(torch_code.replace("print(", "_ = ("), ns)
            continue
        exec(torch_code.replace("print(", "_ = ("), ns)
        assert tuple(ns["layer"](ns["x"]).shape[2:]) == g.out_shape, torch_code
        assert f"{g.out_shape[0]}, {g.out_shape[1]}])" in torch_code
        checked += 1
    assert checked > 300


# --- the exercise -----------------------------------------------------------------------------

EX = {"size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


def test_random_exercise_is_seeded_and_always_valid():
    assert ar.random_exercise(np.random.default_rng(5)) == \
        ar.random_exercise(np.random.default_rng(5))
    seen = set()
    for seed in range(200):
        ex = ar.random_exercise(np.random.default_rng(seed))
        assert cv.output_size(ex["size"], ex["kernel_size"], stride=ex["stride"],
                              padding=ex["padding"], dilation=ex["dilation"]) >= 1
        seen.add((ex["stride"], ex["padding"], ex["dilation"]))
    assert len(seen) > 10  # varied


def test_random_exercise_needs_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        ar.random_exercise(3)


@pytest.mark.parametrize("text", ["5", " 5 ", "5x5", "5 X 5", "5×5", "(5, 5)", "5*5"])
def test_right_answers_are_accepted(text):
    assert ar.check_answer(EX, text) == (True, "Correct! The output is 5 x 5.")


@pytest.mark.parametrize("text", ["five", "", None, "5.5", "-5", "5 by 5"])
def test_non_numbers_ask_for_a_whole_number(text):
    ok, message = ar.check_answer(EX, text)
    assert not ok and "whole number" in message


def test_wrong_answers_get_a_hint():
    ok, message = ar.check_answer(EX, "4")
    assert not ok and message.startswith("Not quite: you said 4, the output is 5 x 5.")
    assert "+ 1" in message
    assert "padding" in ar.check_answer({**EX, "padding": 1}, "5")[1]
    assert "dilation" in ar.check_answer({**EX, "dilation": 2}, "5")[1]
    assert "Round down" in ar.check_answer({**EX, "size": 8, "stride": 2}, "4")[1]
    ok, message = ar.check_answer(EX, "5x6")
    assert not ok and "square" in message


def test_question_and_worked_formula():
    ex = {**EX, "padding": "same"}
    assert 'padding="same"' in ar.exercise_question(ex)
    assert ar.worked_formula(EX).endswith("= 5")


# --- pooling read-outs ------------------------------------------------------------------------


def test_kept_fraction_text():
    assert ar.kept_fraction_text((4, 4), (2, 2), 2, 2) == \
        "2x2 with stride 2 keeps 25% of the activations (4 of 16)"
    assert ar.kept_fraction_text((6, 6), (3, 3), 2, 2).startswith("2x2 with stride 2 keeps 25%")
    assert "(9 of 25)" in ar.kept_fraction_text((5, 5), (3, 3), 2, 2)
    assert "does not shrink" in ar.kept_fraction_text((4, 4), (4, 4), 3, 1)
    assert ar.kept_fraction_text((6, 6), (1, 1)) == \
        "Global pooling keeps 1 of the 36 activations (2.78%)"


X4 = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]])


def test_pool_step_text_max_and_avg():
    plan = cv.pool_plan(X4, 2)
    step = plan.step(0)
    assert ar.pool_step_text(step, plan.pad_mask[np.ix_(step.rows, step.cols)]) == \
        "max(1, 3, 4, 2) = 4"
    plan = cv.pool_plan(X4, 2, mode="avg")
    step = plan.step(3)
    assert ar.pool_step_text(step, np.zeros((2, 2), bool)) == "(7 + 2 + 3 + 8) / 4 = 20 / 4 = 5"


def test_pool_step_text_with_padding():
    plan = cv.pool_plan(X4, 3, stride=2, padding=1)
    step = plan.step(0)
    pads = plan.pad_mask[np.ix_(step.rows, step.cols)]
    assert ar.pool_step_text(step, pads) == "max(-∞, -∞, -∞, -∞, 1, 3, -∞, 4, 2) = 4"
    for cip, expect in ((True, "(0 + 0 + 0 + 0 + 1 + 3 + 0 + 4 + 2) / 9 = 10 / 9 = 1.11"),
                        (False, "(1 + 3 + 4 + 2) / 4 = 10 / 4 = 2.5")):
        plan = cv.pool_plan(X4, 3, stride=2, padding=1, mode="avg", count_include_pad=cip)
        step = plan.step(0)
        text = ar.pool_step_text(step, plan.pad_mask[np.ix_(step.rows, step.cols)],
                                 count_include_pad=cip)
        assert text == expect


def test_global_pool_text():
    assert ar.global_pool_text(X4, "max", float(cv.global_pool(X4, "max"))) == \
        "max of the 16 values = 8"
    assert ar.global_pool_text(X4, "avg", float(cv.global_pool(X4, "avg"))) == \
        "(sum of the 16 values) / 16 = 42 / 16 = 2.62"


def test_shift_demo_shows_a_little_invariance():
    x, moved1 = ar.shift_demo(1)
    _, moved2 = ar.shift_demo(2)
    assert not np.array_equal(x, moved1)
    np.testing.assert_array_equal(cv.pool2d(x, 2), cv.pool2d(moved1, 2))
    assert not np.array_equal(cv.pool2d(x, 2), cv.pool2d(moved2, 2))
    np.testing.assert_array_equal(ar.shift_demo(0)[1], x)
    assert not ar.shift_demo(6)[1].any()
