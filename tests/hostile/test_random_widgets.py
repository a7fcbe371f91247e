"""Every page driven with random widget values (hypothesis through AppTest): whatever a user
sets, the page explains it (st.error / st.warning) and never raises.

Each example makes a few changes in a row: it picks one of the widgets the page shows right
now (sliders, number inputs, select boxes, radios, check boxes, toggles, select sliders,
multiselects, text inputs, buttons) and a value within that widget's own range or options,
favouring the extremes, sets it and reruns. Option widgets are set the way the browser sets
them, by the label shown (so ``format_func`` pages work without knowing their raw options).

Each example starts a fresh AppTest (hypothesis replays choices, so an example must not
depend on earlier ones); a failure lists every change the example made. Shrinking is off to
keep the run short. File uploads are left to test_pages_uploads.py; the training page starts
with a tiny architecture and one epoch, so Start trains short slices.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest
from apptest import open_page
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from convviz.ui.nav import NAV_PAGES

EXAMPLES = 15  # per page
STEPS = 3  # changes per example
START = {"pages/train.py": {"train.arch": "C4k3:relu;M2;F;D10", "train.epochs": "1"}}
TRAIN_TABS = ("Results", "Predict", "Step by step", "Gradients", "Save or load")
OPTION_TYPES = {"radio", "selectbox", "select_slider", "multiselect"}
TYPES = OPTION_TYPES | {"slider", "number_input", "checkbox", "toggle", "text_input",
                        "text_area", "button"}
TEXTS = ["", " ", "0", "-1", "3.5", "1e309", "nan", "inf", "9" * 40, "<script>alert(1)</script>",
         "../../etc/passwd", "'; DROP TABLE x; --", "\x00", "猫🙂", "a" * 300]


class _App:
    """One AppTest and the changes made to it since it was created."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.log = [f"open {page} with {START.get(page, {})}"]
        self.at = open_page(page, START.get(page, {}))
        self._check()

    def run(self) -> None:
        self.at.run()
        self._check()

    def _check(self) -> None:
        problems = [e.value for e in self.at.exception]
        assert not problems, "\n".join(["an exception after:", *self.log, *map(str, problems)])


def _widgets(at: AppTest) -> list[Widget]:
    return [n for n in at if isinstance(n, Widget) and n.type in TYPES
            and not getattr(n.proto, "disabled", False)]


def _by_label(widget: Widget, labels: list[str]) -> None:
    """Send ``labels`` as the browser does (option widgets report the label shown)."""
    widget.set_value(widget.value)  # refuses a disabled widget, as the browser would
    ws = WidgetState()
    ws.id = widget.id
    if widget.type in ("radio", "selectbox"):
        ws.string_value = labels[0]
    else:
        ws.string_array_value.data[:] = labels
    widget.__class__ = type(f"Chosen{type(widget).__name__}", (type(widget),),
                            {"_widget_state": property(lambda self: ws)})


@dataclass(frozen=True)
class Pick:
    """One change, drawn with the same shape whatever the page shows (the training page's
    state depends on timing, and hypothesis needs draws that do not depend on the page):
    ``which`` picks the widget, ``mode`` favours the extremes, ``u``, ``v`` in [0, 1] pick
    values and ``text`` is for text inputs."""

    which: int
    mode: int
    u: float
    v: float
    text: str


PICKS = st.builds(Pick, st.integers(0, 2**16), st.integers(0, 7), st.floats(0, 1),
                  st.floats(0, 1), st.one_of(st.sampled_from(TEXTS), st.text(max_size=40)))


def _option(options: list[str], mode: int, u: float) -> str:
    if mode == 0:
        return options[0]
    if mode == 1:
        return options[-1]
    return options[min(len(options) - 1, int(u * len(options)))]


def _number(lo, hi, step, is_int: bool, mode: int, u: float):
    """A value in [lo, hi]: the ends, a step inside them, or anywhere (on the step grid)."""
    if is_int:
        lo = -(2**31) if lo is None else int(lo)
        hi = 2**31 - 1 if hi is None else int(hi)
        step = max(1, int(step or 1))
    else:
        lo = -1e9 if lo is None else float(lo)
        hi = 1e9 if hi is None else float(hi)
        step = step or 0
    value = {0: lo, 1: hi, 2: min(hi, lo + step), 3: max(lo, hi - step)}.get(
        mode, lo + u * (hi - lo))
    if is_int:
        value = min(hi, lo + round((value - lo) / step) * step)
    return value


def _change(widget: Widget, pick: Pick) -> str:
    """Set an allowed value on ``widget``; say what was done."""
    kind, name, mode, u = widget.type, widget.key or widget.label, pick.mode, pick.u
    if kind == "button":
        widget.click()
        return f"click {name}"
    if kind in ("checkbox", "toggle"):
        value: Any = bool(mode % 2)
        widget.set_value(value)
    elif kind in ("radio", "selectbox"):
        value = _option(widget.options, mode, u)
        _by_label(widget, [value])
    elif kind == "select_slider":
        if isinstance(widget.value, (list, tuple)):
            value = sorted((_option(widget.options, mode, u), _option(widget.options, 7, pick.v)),
                           key=widget.options.index)
        else:
            value = [_option(widget.options, mode, u)]
        _by_label(widget, value)
    elif kind == "multiselect":
        most = widget.proto.max_selections or len(widget.options)
        count = {0: 0, 1: most}.get(mode, int(u * (most + 1)))
        value = random.Random(pick.which).sample(widget.options, min(count, most))
        _by_label(widget, value)
    elif kind in ("slider", "number_input"):
        is_int = widget.proto.data_type == 0
        value = _number(widget.min, widget.max, widget.step, is_int, mode, u)
        if isinstance(widget.value, (list, tuple)):
            other = _number(widget.min, widget.max, widget.step, is_int, 7, pick.v)
            value = sorted((value, other))
        widget.set_value(value)
    else:  # text_input, text_area
        value = pick.text[: widget.max_chars] if widget.max_chars else pick.text
        widget.set_value(value)
    return f"set {name} = {value!r}"


def _act(app: _App, pick: Pick) -> None:
    at = app.at
    choices: list[Any] = _widgets(at)
    if "train.trainer" in at.session_state and at.session_state["train.trainer"] is not None:
        choices.append("tab")  # the training page's tabs: only the open one is drawn
    if not choices:
        return  # a page without widgets (the home page): its first run was the test
    if (chosen := choices[pick.which % len(choices)]) == "tab":
        tab = _option(list(TRAIN_TABS), pick.mode, pick.u)
        at.session_state["train.tab"] = tab
        app.log.append(f"open the {tab} tab")
    else:
        app.log.append(_change(chosen, pick))
    app.run()


@pytest.mark.parametrize("page", [p.path for p in NAV_PAGES])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(picks=st.lists(PICKS, min_size=STEPS, max_size=STEPS))
def test_random_widget_values_never_raise(page, picks):
    app = _App(page)  # fresh for each example: an example must not depend on earlier ones
    for pick in picks:
        _act(app, pick)
