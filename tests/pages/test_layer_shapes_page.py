"""AppTest runs of pages/layer_shapes.py: presets, the summary's shapes and totals, problem
rows, table edits (seeded through the editor's session state), the URL and the softmax demo."""

import numpy as np
import pytest
from apptest import check_answer, markdown_text, open_page, predict_first_on
from streamlit.testing.v1 import AppTest

from convviz.engine.softmax import softmax
from convviz.stack.spec import PRESET_NOTES, PRESETS, layers_to_text
from convviz.stack.summary import RELU_WHY, summarize

PAGE = "pages/layer_shapes.py"
MNIST_TEXT = layers_to_text(PRESETS["Classic Keras MNIST"][1])
MNIST_SHAPES = ["(26, 26, 32)", "(13, 13, 32)", "(11, 11, 64)", "(5, 5, 64)", "(3, 3, 64)",
                "| 576 |", "| 64 |", "| 10 |"]


def _run(**params: str) -> AppTest:
    return open_page(PAGE, params)


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("| # | Layer (type)"))


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _edit(at: AppTest, edited=None, added=(), deleted=()) -> AppTest:
    """Apply table edits the way the browser reports them, then run."""
    key = f"shapes.editor{at.session_state['shapes.ver']}"  # the table's key
    at.session_state[key] = {"edited_rows": dict(edited or {}), "added_rows": list(added),
                             "deleted_rows": list(deleted)}
    return at.run()


def test_default_is_the_mnist_model_with_93322_params():
    at = _run()
    _no_exception(at)
    assert not at.error and not at.warning
    assert at.selectbox(key="shapes.preset").value == "Classic Keras MNIST"
    assert _metric(at, "Total params") == "93,322"
    assert _metric(at, "Output shape") == "10"
    table = _summary(at)
    positions = [table.index(s) for s in MNIST_SHAPES]
    assert positions == sorted(positions)  # in the order of the layers
    for count in ("| 320 |", "| 18,496 |", "| 36,928 |", "| 650 |"):
        assert count in table
    assert "3×3×1×32 + 32 = 320" in table
    assert at.query_params["shapes.layers"] == MNIST_TEXT
    assert len(at.data_editor) == 1 and at.data_editor[0].editing_mode == "dynamic"
    assert list(at.data_editor[0].value["layer"]) == [
        "Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Conv2D", "Flatten", "Dense", "Dense"]
    # the dense comparison
    text = " ".join(m.value for m in at.markdown)
    assert "59,828,170" in text and "641 times" in text and "2,824,266" in text
    assert any("50,890" in c.value for c in at.caption)
    # the flatten step in the classification text, and the "next" link at the end
    assert "(3, 3, 64) → 576 values" in text
    assert at.get("page_link")


@pytest.mark.parametrize(("preset", "total", "h"), [
    ("LeNet-5 style", "61,706", 32), ("Tiny (digits 16x16)", "3,818", 16),
    ("Empty", "0", 28)])
def test_switching_presets(preset, total, h):
    at = _run()
    at.selectbox(key="shapes.preset").select(preset).run()
    _no_exception(at)
    assert _metric(at, "Total params") == total
    assert at.number_input(key="shapes.h").value == h
    assert at.selectbox(key="shapes.preset").value == preset
    assert at.query_params["shapes.layers"] == layers_to_text(PRESETS[preset][1])
    if preset == "LeNet-5 style":
        assert "(28, 28, 6)" in _summary(at) and "| 400 |" in _summary(at)
    if preset == "Empty":
        assert at.info and "empty" in at.info[0].value


def test_too_deep_preset_flags_the_row_with_the_reason():
    at = _run()
    at.selectbox(key="shapes.preset").select("Too deep for 28x28").run()
    _no_exception(at)
    table = _summary(at)
    assert "⚠ **problem:** does not fit: the kernel, 3 wide, is wider than the padded input, 1" \
        in table
    assert "not computed" in table
    assert len(at.error) == 1 and at.error[0].value.startswith("Layer 7, conv2d_3 (Conv2D)")
    assert _metric(at, "Total params") == "55,744"


def test_small_input_makes_the_mnist_stack_impossible():
    at = _run()
    at.number_input(key="shapes.h").set_value(8).run()
    _no_exception(at)
    assert at.selectbox(key="shapes.preset").value == "Custom"
    assert "(6, 26, 32)" in _summary(at)
    assert "does not fit: the pool window, 2 wide" in at.error[0].value
    assert at.query_params["shapes.h"] == "8"


def test_editing_a_cell_changes_the_counts_and_the_link():
    at = _run()
    _edit(at, {0: {"units": 16}})
    _no_exception(at)
    assert "3×3×1×16 + 16 = 160" in _summary(at)
    assert at.query_params["shapes.layers"] == MNIST_TEXT.replace("C32k3", "C16k3", 1)
    assert at.selectbox(key="shapes.preset").value == "Custom"
    at.run()  # a rerun does not apply the edit twice
    assert "3×3×1×16 + 16 = 160" in _summary(at)


def test_added_and_deleted_rows():
    at = _run()
    _edit(at, deleted=[7], added=[{"layer": "Dense", "units": 5, "activation": "softmax"}])
    _no_exception(at)
    assert "64×5 + 5 = 325" in _summary(at)
    assert at.query_params["shapes.layers"] == MNIST_TEXT.replace("D10", "D5")


def test_bad_cells_are_reported_per_row_and_the_link_keeps_the_last_good_stack():
    at = _run()
    _edit(at, {0: {"size": 0}, 6: {"units": None}}, added=[{"layer": None}])
    _no_exception(at)
    table = _summary(at)
    assert "Conv2D needs a kernel size: a whole number >= 1, got 0" in table
    assert "Dense needs a number of units" in table
    assert "choose a layer type" in table
    assert at.query_params["shapes.layers"] == MNIST_TEXT
    assert any("last stack without a bad cell" in c.value for c in at.caption)


def test_a_preset_replaces_the_edited_table():
    at = _run()
    _edit(at, {0: {"units": 16}})
    at.selectbox(key="shapes.preset").select("Classic Keras MNIST").run()
    _no_exception(at)
    assert _metric(at, "Total params") == "93,322"
    at.run()
    assert _metric(at, "Total params") == "93,322"


def test_the_link_opens_the_same_example():
    at = _run(**{"shapes.h": "16", "shapes.w": "16", "shapes.c": "1",
                 "shapes.layers": "C8k3same:relu;M2;C16k3same:relu;M2;F;D10:softmax"})
    _no_exception(at)
    assert at.selectbox(key="shapes.preset").value == "Tiny (digits 16x16)"
    assert _metric(at, "Total params") == "3,818"


def test_a_bad_link_is_explained_and_ignored():
    at = _run(**{"shapes.layers": "C32;X", "shapes.logits": "1,2"})
    _no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("Conv2D needs a kernel size" in w for w in warnings)
    assert any("needs 10 numbers" in w for w in warnings)
    assert _metric(at, "Total params") == "93,322"


def test_softmax_demo():
    at = _run()
    (answer,) = [m for m in at.metric if m.label == "The network answers"]
    assert answer.value == "digit 7"
    at.number_input(key="shapes.z3").set_value(9.0).run()
    _no_exception(at)
    answer = next(m for m in at.metric if m.label == "The network answers")
    logits = [float(v) for v in at.query_params["shapes.logits"].split(",")]
    assert answer.value == "digit 3" and logits[3] == 9.0
    assert f"probability {softmax(logits)[3]:.3f}" in answer.delta
    table = at.dataframe[-1].value
    assert table["probability"].sum() == pytest.approx(1.0, abs=1e-3)


def test_adding_100_to_every_logit_changes_nothing():
    at = _run()
    before = at.dataframe[-1].value["probability"].tolist()
    at.button(key="shapes.shift").click().run()
    _no_exception(at)
    assert at.number_input(key="shapes.z7").value == 104.0
    assert at.dataframe[-1].value["probability"].tolist() == pytest.approx(before)
    at.button(key="shapes.reset_logits").click().run()
    assert at.number_input(key="shapes.z7").value == 4.0


def test_a_failing_first_layer_is_named_where_the_weights_are_compared():
    at = _run()
    _edit(at, {0: {"size": 30}})  # a 30x30 kernel on 28x28: no output from row 1 on
    _no_exception(at)
    infos = " ".join(i.value for i in at.info)
    assert "No layer with weights yet" not in infos
    assert "Layer 1, conv2d (Conv2D), has no output: does not fit" in infos
    assert "the 5 layers with weights" in infos


def test_a_later_failing_layer_is_named_under_the_partial_comparison():
    at = _run()
    _edit(at, {4: {"size": 6}})  # row 5: a 6x6 kernel on its 5x5 input
    _no_exception(at)
    texts = " ".join(c.value for c in at.caption)
    assert "Layer 5, conv2d_2 (Conv2D), has no output" in texts


def test_adding_100_ten_times_never_changes_the_answer():
    at = _run()
    before = at.dataframe[-1].value["probability"].tolist()
    for _ in range(10):  # the tenth click would carry the largest logit past 1000
        at.button(key="shapes.shift").click().run()
        _no_exception(at)
        assert at.dataframe[-1].value["probability"].tolist() == before
        assert next(m for m in at.metric if m.label == "The network answers").value == "digit 7"
    assert at.number_input(key="shapes.z7").value == 1000.0
    assert at.number_input(key="shapes.z6").value == 994.0  # -2 + 996: the same shift
    assert any("instead of 100" in i.value for i in at.info)
    assert at.button(key="shapes.shift").disabled  # at the limit: the reason beside it
    assert any("already at the limit" in c.value for c in at.caption)


def test_edits_survive_a_visit_to_another_page():
    at = _run()
    _edit(at, {0: {"units": 16}})
    at.switch_page("pages/pooling.py").run()
    at.switch_page(PAGE).run()
    _no_exception(at)
    assert "3×3×1×16 + 16 = 160" in _summary(at)
    assert list(at.data_editor[0].value["units"])[0] == 16


def test_weight_sharing_is_equivariance_and_pooling_gives_the_invariance():
    at = _run()
    _no_exception(at)
    text = markdown_text(at)
    assert "translation invariance" not in text
    assert "shift the input and the feature map shifts with it (translation *equivariance*)" \
        in text
    assert "comes only approximately, from pooling and global pooling" in text


def test_preset_notes_come_from_the_summary():
    at = _run()
    at.selectbox(key="shapes.preset").select("Too deep for 28x28").run()
    _no_exception(at)
    captions = " ".join(c.value for c in at.caption)
    assert "finds only a 1x1 map" not in captions
    assert PRESET_NOTES["Too deep for 28x28"] in captions
    assert "the third pool makes 3 → 1" in captions and "(row 7)" in captions
    assert "Layer 7" in at.error[0].value  # the row the note names is the failing one
    at.selectbox(key="shapes.preset").select("LeNet-5 style").run()
    _no_exception(at)
    captions = " ".join(c.value for c in at.caption)
    total = summarize(*PRESETS["LeNet-5 style"]).total_params
    assert _metric(at, "Total params") == f"{total:,}"
    assert f"this preset has {total:,}" in captions and "about 60,000" in captions
    assert "RBF" in captions


def test_pool_padding_follows_the_pooling_page_rule():
    at = _run(**{"shapes.layers": "C8k3;M2p2;F;D10"})
    _no_exception(at)
    assert any("`padding` of 2 is too large for a pool of 2" in w.value for w in at.warning)
    assert at.query_params["shapes.layers"] == MNIST_TEXT  # the link's stack was refused
    _edit(at, {1: {"padding": "2"}})
    _no_exception(at)
    assert "too large for a pool of 2: pooling padding must be at most half the pool size" \
        in _summary(at)
    _edit(at, {1: {"padding": "1"}})
    _no_exception(at)
    assert "too large" not in _summary(at) and "(14, 14, 32)" in _summary(at)


def test_relu_rows_say_why():
    at = _run(**{"shapes.layers": "C8k3;R;F;D10"})
    _no_exception(at)
    assert RELU_WHY in _summary(at)


# --- receptive field, multiply-adds and memory; one unit's field on the input -------------------

def _field_table(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "| Receptive field |" in m.value)


def _picture(at: AppTest) -> dict:
    """What the field picture drew: its data attributes."""
    import base64
    import re

    svgs = [base64.b64decode(i.proto.imgs[0].url.split(",", 1)[1]).decode()
            for i in at.get("image") if i.proto.imgs[0].url.startswith("data:image/svg")]
    (body,) = [s for s in svgs if "convviz-field" in s]
    return dict(re.findall(r'data-(rows|cols|reached)="([^"]*)"', body))


def test_new_columns_are_the_summarys_numbers():
    at = _run()
    _no_exception(at)
    s = summarize(*PRESETS["Classic Keras MNIST"])
    table = _field_table(at)
    for r in s.rows:
        line = next(ln for ln in table.splitlines() if ln.startswith(f"| {r.index + 1} |"))
        assert r.field.text() in line and r.macs_text in line and f"{r.values:,} values" in line
    assert "| 1 | conv2d (Conv2D) | (26, 26, 32) | 3×3, jump 1 | 26×26×3×3×1×32 = 194,688 | " \
           "21,632 values, 84.5 KB |" in table
    assert "| 5 | conv2d_2 (Conv2D) | (3, 3, 64) | 18×18, jump 4 |" in table
    assert f"**{s.total_macs:,}**" in table and "**37,610 values, 146.9 KB**" in table
    assert "| | input | (28, 28, 1) | 1×1 | | 784 values, 3.1 KB |" in table


@pytest.mark.parametrize(("preset", "layer"), [
    ("Classic Keras MNIST", None), ("Classic Keras MNIST", 2), ("Classic Keras MNIST", 7),
    ("Deep MNIST (5x5, Dense 1024)", 1), ("Deep MNIST (5x5, Dense 1024)", 4),
    ("LeNet-5 style", 3)])
def test_clicking_a_layer_draws_the_support_of_its_centre_units_input_gradient(preset, layer):
    from impulses import impulse_support

    at = _run()
    at.selectbox(key="shapes.preset").select(preset).run()
    if layer is not None:
        at.selectbox(key="shapes.rf").set_value(layer).run()
    _no_exception(at)
    shape, layers = PRESETS[preset]
    row = summarize(shape, layers).rows[at.selectbox(key="shapes.rf").value - 1]
    support = impulse_support(shape[:2], layers, row.index, row.field.centre())
    rows, cols = np.nonzero(support)
    drawn = _picture(at)
    assert drawn == {"rows": f"{rows.min()} {rows.max()}", "cols": f"{cols.min()} {cols.max()}",
                     "reached": str(support.sum())}
    assert support.sum() == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)


def test_default_layer_is_the_last_window_and_a_preset_resets_it():
    at = _run()
    assert at.selectbox(key="shapes.rf").value == 5  # conv2d_2: 18x18
    assert _picture(at) == {"rows": "4 21", "cols": "4 21", "reached": "324"}
    at.selectbox(key="shapes.rf").set_value(1).run()
    assert at.query_params["shapes.rf"] == "1"
    at.selectbox(key="shapes.preset").select("Tiny (digits 16x16)").run()
    assert at.selectbox(key="shapes.rf").value == 4  # its second pool
    text = markdown_text(at)
    assert "The centre unit (1, 1) of **max_pooling2d_1**'s 4×4 map sees a **10×10** window" in text


def test_deep_mnist_preset_shows_3274634_parameters():
    at = _run()
    at.selectbox(key="shapes.preset").select("Deep MNIST (5x5, Dense 1024)").run()
    _no_exception(at)
    assert _metric(at, "Total params") == "3,274,634"
    assert at.query_params["shapes.layers"] == \
        "C32k5same:relu;M2;C64k5same:relu;M2;F;D1024:relu;D10:softmax"
    assert PRESET_NOTES["Deep MNIST (5x5, Dense 1024)"] in [c.value for c in at.caption]
    assert "| 6 | dense (Dense) | 1024 | whole input | 3136×1024 = 3,211,264 |" in \
        _field_table(at)
    # the first 'same' unit's window reaches into the padding: said beside the picture
    at.selectbox(key="shapes.rf").set_value(1).run()
    assert _picture(at)["reached"] == "25"


@pytest.mark.parametrize(("params", "check"), [
    ({"shapes.layers": ""}, "no layer"),
    ({"shapes.layers": "C32k3;M2;C64k3;M2;C64k3;M2;C64k3;F;D10"}, "problem"),
    ({"shapes.h": "4096", "shapes.w": "4096", "shapes.c": "3", "shapes.layers": "C8k3s2;GA"},
     "big"),
    ({"shapes.h": "9", "shapes.w": "9", "shapes.layers": "C1k1s2;C1k3"}, "gaps"),
    ({"shapes.h": "3", "shapes.w": "3", "shapes.layers": "C1k5p2"}, "padding"),
])
def test_field_section_at_the_extremes(params, check):
    at = _run(**params)
    _no_exception(at)
    if check == "no layer":
        assert any("No layer to show" in i.value for i in at.info)
        return
    captions = " ".join(c.value for c in at.caption)
    if check == "problem":  # rows after the failing one are dashes; earlier ones draw
        assert "| 7 | conv2d_3 (Conv2D) | - | - | - | - |" in _field_table(at)
        assert at.selectbox(key="shapes.rf").value == 6
    elif check == "big":
        assert "whole input" in _field_table(at) or "rows 0–4094" in _field_table(at)
        assert int(_picture(at)["reached"]) > 0
    elif check == "gaps":
        assert "The field has holes" in captions
        assert _picture(at) == {"rows": "2 6", "cols": "2 6", "reached": "9"}
    else:  # a 5x5 window on a 3x3 input: rows -1 to 3, one each side in the padding
        assert "rows -1 to 3, columns -1 to 3" in markdown_text(at)
        assert "there it sees padding" in captions
        assert _picture(at) == {"rows": "0 2", "cols": "0 2", "reached": "9"}


def _tables_shown(at: AppTest) -> bool:
    shown = [bool([m for m in at.metric if m.label == "Total params"]),
             any(m.value.startswith("| # | Layer (type)") for m in at.markdown),
             any("| this network |" in m.value for m in at.markdown)]
    assert len(set(shown)) == 1, shown
    return shown[0]


def test_predict_first_asks_the_last_layers_parameters_and_names_the_forgotten_bias():
    at = predict_first_on(_run())
    _no_exception(at)
    assert not _tables_shown(at)
    assert "**10 units**" in markdown_text(at)  # the last Dense layer, on 64 inputs
    assert not any("(3, 3, 64)" in o for o in at.selectbox(key="shapes.ask_layer").options)
    at = check_answer(at, "shapes.predict", str(64 * 10))
    (err,) = at.error
    assert "forgot the bias" in err.value and "The answer is 650" in err.value
    assert _tables_shown(at) and _metric(at, "Total params") == "93,322"


def test_predict_first_receptive_field_and_output_shape_of_a_chosen_layer():
    at = predict_first_on(_run())
    at.radio(key="shapes.ask").set_value("field").run()
    at.selectbox(key="shapes.ask_layer").set_value(3).run()  # the second Conv2D
    assert not _tables_shown(at)
    at = check_answer(at, "shapes.predict", "8")  # 1 + 2, + 1 (pool 2), + 2 x 2 (jump 2)
    assert at.success[0].value == "Right: 8."
    assert _tables_shown(at)
    at.radio(key="shapes.ask").set_value("shape").run()
    assert not _tables_shown(at)  # a new question
    at = check_answer(at, "shapes.predict", "(11, 11, 32)")
    assert "kept the input's channels" in at.error[0].value
    assert "(11, 11, 64)" in _summary(at)


def test_predict_first_says_when_a_layer_has_no_such_question():
    at = predict_first_on(_run())
    at.radio(key="shapes.ask").set_value("field").run()  # the last Dense reads the whole map
    _no_exception(at)
    assert "No question about a unit's receptive field for layer 8: pick another layer or " \
        "another question." in [c.value for c in at.caption]
    assert _tables_shown(at)
