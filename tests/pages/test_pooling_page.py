"""AppTest runs of pages/pooling.py: modes, windows, shown values, errors and URL settings."""

import json

import numpy as np
from apptest import check_answer, markdown_text, open_page, predict_first_on
from streamlit.testing.v1 import AppTest

import convviz as cv
from convviz.draw.numbers import format_value
from convviz.draw.pool_grid import pool_grid_payload
from convviz.draw.pool_shift import shift_payload
from convviz.draw.render import full_scale
from convviz.teach.examples import random_grid
from convviz.teach.pool_text import global_pool_text, plan_lines, shift_demo
from convviz.ui.nav import PAGES


def _next_title() -> str:
    paths = [p.path for p in PAGES]
    return PAGES[paths.index("pages/pooling.py") + 1].title


X4 = "1,3,2,1;4,2,0,1;5,1,7,2;0,2,3,8"  # the teaching grid


def _run(**params: str) -> AppTest:
    return open_page("pages/pooling.py", params)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _step_text(at: AppTest) -> str:
    return at.code[0].value


def _payload(at: AppTest, key: str = "pool.grid") -> dict:
    """The data the page sent to the grid view component ``key`` in the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}")]
    assert el.proto.component_name == "convviz.grid"
    return json.loads(el.proto.json)


def _pick(at: AppTest, step: int) -> AppTest:
    """What the browser does when its player stops at ``step`` (0-based): a new report."""
    seen = at.session_state["pool.grid.seen"] if "pool.grid.seen" in at.session_state else None
    at.session_state["pool.grid"] = {"pick": {"step": step, "seq": seen["seq"] + 1 if seen
                                              else 1}}
    return at.run()


def test_default_seeded_grid_shows_engine_values():
    at = _run()
    _ok(at)
    x = random_grid(6, 6, seed=0)
    out = cv.pool2d(x, 2)
    assert _step_text(at) == (f"max({', '.join(format_value(v) for v in x[:2, :2].ravel())}) "
                              f"= {format_value(out[0, 0])}")
    assert _step_text(at) == "max(8, 6, 0, 0) = 8"
    assert ("2x2 with stride 2 turns 36 values into 9: one output per 4 inputs (25% as many)"
            in markdown_text(at))
    _pick(at, 8)  # the player stopped on the last window
    _ok(at)
    assert _step_text(at).endswith(f"= {format_value(out[2, 2])}")
    assert "**Window 9 of 9** → output cell (row 3, column 3):" in markdown_text(at)
    assert at.query_params["pool.pos"] == "8"  # the URL and the share link follow
    assert any(f"Next: {_next_title()}" in link.label for link in at.get("page_link"))
    assert any("stay inside their 2x2 windows" in c.value for c in at.caption)  # shift demo


def test_teaching_grid_from_the_link():
    at = _run(**{"pool.x": X4})
    _ok(at)
    assert at.slider(key="pool.n").value == 4
    assert _step_text(at) == "max(1, 3, 4, 2) = 4"
    _pick(at, 1)
    assert _step_text(at) == "max(2, 1, 0, 1) = 2"
    _pick(at, 3)
    assert _step_text(at) == "max(7, 2, 3, 8) = 8"
    at.radio(key="pool.mode").set_value("avg").run()
    _ok(at)
    assert _step_text(at) == "(7 + 2 + 3 + 8) / 4 = 20 / 4 = 5"
    assert _payload(at)["step"] == 3  # the browser starts where the text below is


def test_stride_padding_ceil_and_count_include_pad():
    at = _run(**{"pool.x": X4, "pool.mode": "avg"})
    at.checkbox(key="pool.tied").uncheck().run()
    at.slider(key="pool.k").set_value(3).run()
    at.slider(key="pool.p").set_value(1).run()
    _ok(at)
    assert at.slider(key="pool.s").value == 2
    assert _step_text(at) == "(0 + 0 + 0 + 0 + 1 + 3 + 0 + 4 + 2) / 9 = 10 / 9 = 1.11"
    at.checkbox(key="pool.cip").uncheck().run()
    _ok(at)
    assert _step_text(at) == "(1 + 3 + 4 + 2) / 4 = 10 / 4 = 2.5"
    at.checkbox(key="pool.ceil").check().run()
    _ok(at)
    out = cv.pool2d(np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]]), 3,
                    stride=2, padding=1, mode="avg", ceil_mode=True, count_include_pad=False)
    assert f"3x3 with stride 2 turns 16 values into {out.size} " in markdown_text(at)


def test_tied_stride_follows_the_pool_size_and_overlap_keeps_more():
    at = _run()
    at.slider(key="pool.k").set_value(3).run()
    _ok(at)
    assert at.slider(key="pool.s").value == 3
    assert "3x3 with stride 3 turns 36 values into 4" in markdown_text(at)
    at.slider(key="pool.k").set_value(2).run()
    at.checkbox(key="pool.tied").uncheck().run()
    at.slider(key="pool.s").set_value(1).run()
    _ok(at)
    assert ("2x2 with stride 1 turns 36 values into 25 (69.4% as many); the windows overlap"
            in markdown_text(at))


def test_padding_above_half_the_pool_is_explained():
    at = _run()
    at.slider(key="pool.p").set_value(2).run()
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "at most half the pool size" in text


def test_global_modes():
    at = _run(**{"pool.x": X4})
    at.radio(key="pool.mode").set_value("gmax").run()
    _ok(at)
    assert _step_text(at) == "max of the 16 values = 8"
    assert "Global pooling turns the 16 values of a channel into 1 (6.25% as many)" in \
        markdown_text(at)
    at.radio(key="pool.mode").set_value("gavg").run()
    _ok(at)
    assert _step_text(at) == "(sum of the 16 values) / 16 = 42 / 16 = 2.63"  # 2.625 rounds up
    assert any("AdaptiveAvgPool2d(1)" in c.value for c in at.code)


def test_size_and_seed_make_a_new_grid():
    at = _run()
    at.number_input(key="pool.seed").set_value(7).run()
    _ok(at)
    np.testing.assert_array_equal(at.session_state["pool.x"], random_grid(6, 6, seed=7))
    at.slider(key="pool.n").set_value(5).run()
    _ok(at)
    np.testing.assert_array_equal(at.session_state["pool.x"], random_grid(5, 5, seed=7))
    assert "turns 25 values into 4" in markdown_text(at)
    at.checkbox(key="pool.ceil").check().run()
    _ok(at)
    assert "turns 25 values into 9" in markdown_text(at)


def test_link_without_a_grid_uses_its_size_and_seed():
    at = _run(**{"pool.n": "8", "pool.seed": "3"})
    _ok(at)
    np.testing.assert_array_equal(at.session_state["pool.x"], random_grid(8, 8, seed=3))


def test_no_sentence_says_every_pooling_keeps_its_inputs():
    """Only max pooling keeps one of its inputs; an average computes a new value."""
    for mode in ("max", "avg", "gmax", "gavg"):
        at = _run(**{"pool.mode": mode})
        _ok(at)
        text = markdown_text(at)
        assert "of the activations" not in text and "one value in four survives" not in text
        assert "keeps one value in four" not in text
        assert "one value for every four inputs" in text  # the introduction
        assert "their mean for average pooling" in text  # why pool
    at = _run()
    assert "within it every window keeps at least one input cell" in \
        at.slider(key="pool.p").help


def test_the_grid_view_gets_the_engines_windows():
    at = _run(**{"pool.x": X4, "pool.mode": "avg", "pool.tied": "0", "pool.k": "3",
                 "pool.p": "1", "pool.cip": "0"})
    _ok(at)
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]], dtype=np.float64)
    plan = cv.pool_plan(x, 3, stride=2, padding=1, mode="avg", count_include_pad=False)
    want = pool_grid_payload(plan, lines=plan_lines(plan, count_include_pad=False),
                             vmax=full_scale(x))
    assert _payload(at) == json.loads(json.dumps(want))
    assert len(at.get("image")) == 0  # no server-drawn picture: window frames, shift demo
    assert "pool.slider" not in at.session_state and "pool.toggle" not in at.session_state


def test_a_step_from_the_link_is_shown_and_clipped():
    at = _run(**{"pool.x": X4, "pool.pos": "2"})
    _ok(at)
    assert _step_text(at) == "max(5, 1, 0, 2) = 5" and _payload(at)["step"] == 2
    at = _run(**{"pool.x": X4, "pool.pos": "50"})
    _ok(at)
    assert _step_text(at) == "max(7, 2, 3, 8) = 8" and _payload(at)["step"] == 3


def test_global_pooling_is_one_window_in_the_grid_view():
    at = _run(**{"pool.x": X4, "pool.mode": "gmax"})
    _ok(at)
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8]], dtype=np.float64)
    sent = _payload(at, "pool.global")
    plan = cv.pool_plan(x, x.shape, mode="max")
    want = pool_grid_payload(plan, lines=[[global_pool_text(x, "max", 8.0)]],
                             vmax=full_scale(x))
    assert sent == json.loads(json.dumps(want))
    assert sent["steps"]["marks"] == [[15]] and sent["steps"]["value"] == ["8"]


def test_the_shift_demo_is_a_grid_view_of_the_engines_pooling():
    at = _run()
    _ok(at)
    sent = _payload(at, "pool.shift")
    maps = [shift_demo(k)[1] for k in (0, 1, 2)]
    assert sent == json.loads(json.dumps(shift_payload(maps)))
    for k, m in enumerate(maps):  # the numbers shown are the maps and their 2x2 max pooling
        (grid,) = [p for p in sent["panels"] if p["id"] == f"map{k}"]
        (pooled,) = [p for p in sent["panels"] if p["id"] == f"pool{k}"]
        assert grid["text"] == [format_value(v) for v in m.ravel()]
        assert pooled["text"] == [format_value(v) for v in cv.pool2d(m, 2).ravel()]
    assert [p["caption"] for p in sent["panels"][3::2]] == ["the same output", "a new output"]


def _pooled_shown(at: AppTest) -> bool:
    shown = [any(e.proto.id.endswith(("-pool.grid", "-pool.global"))
                 for e in at.get("bidi_component")),
             any(m.value.startswith("**") and ("→" in m.value or "Global pooling" in m.value)
                 for m in at.markdown),  # the output's size
             bool(at.expander) and any("The same layer" in e.label for e in at.expander)]
    assert len(set(shown)) == 1, shown
    return shown[0]


def test_predict_first_hides_the_window_until_a_mistake_is_named():
    x = np.asarray(random_grid(6, 6, seed=0), float)
    window = x[0:2, 4:6]  # step 2 of 2x2 max pooling, stride 2: output cell (0, 2)
    assert window.max() != window.mean()
    at = predict_first_on(_pick(_run(), 2))
    assert not at.exception
    assert not _pooled_shown(at)
    assert "**(row 0, column 2)**" in markdown_text(at)
    at = check_answer(at, "pool.predict", format_value(window.mean()))
    (err,) = at.error
    assert "averaged instead of taking the maximum" in err.value
    assert f"The answer is {format_value(window.max())}" in err.value
    assert _pooled_shown(at)


def test_predict_first_can_ask_for_the_output_size_and_reveals_on_the_right_answer():
    at = predict_first_on(_run(**{"pool.k": "3", "pool.tied": "false", "pool.s": "2",
                             "pool.ceil": "true"}))
    at.radio(key="pool.ask").set_value("size").run()
    assert not at.exception and not _pooled_shown(at)
    assert not [b for b in at.button if b.label == "Another window"]
    side = cv.output_size(6, 3, stride=2, ceil_mode=True)
    assert side != cv.output_size(6, 3, stride=2)  # ceil_mode matters here
    at = check_answer(at, "pool.predict", f"{side} x {side}")
    _ok(at)
    assert at.success[0].value == f"Right: ({side}, {side})."
    assert _pooled_shown(at)


def test_predict_first_asks_a_global_pools_value():
    x = np.asarray(random_grid(6, 6, seed=0), float)
    at = predict_first_on(_run(**{"pool.mode": "gavg"}))
    assert not at.exception and not _pooled_shown(at)
    at = check_answer(at, "pool.predict", f"{x.mean():.2f}")
    _ok(at)
    assert at.success and _pooled_shown(at)


def test_predict_first_asks_an_average_that_leaves_the_padding_out_as_the_page_computes_it():
    at = predict_first_on(_run(**{"pool.mode": "avg", "pool.k": "3", "pool.tied": "false",
                             "pool.s": "1", "pool.p": "1", "pool.cip": "false"}))
    assert not at.exception and not _pooled_shown(at)
    x = np.asarray(random_grid(6, 6, seed=0), float)
    settings = dict(stride=1, padding=1, mode="avg")
    right = cv.pool2d(x, 3, **settings, count_include_pad=False)[0, 0]
    counted = cv.pool2d(x, 3, **settings)[0, 0]  # PyTorch's default divides by 9
    assert abs(right - counted) > 0.01
    at = check_answer(at, "pool.predict", f"{counted:.2f}")
    assert "counted the padding in the average" in at.error[0].value
    assert _pooled_shown(at)
