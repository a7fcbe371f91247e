"""Which question each arithmetic page asks for its current settings, and when it asks none."""

import pytest

import convviz as cv
from convviz.teach.page_questions import size_page_question


@pytest.mark.parametrize(("settings", "concept", "answer"), [
    ((7, 9, 3, 2, 1, 1, "torch"), "output-size",
     (cv.output_size(7, 3, stride=2, padding=1), cv.output_size(9, 3, stride=2, padding=1))),
    ((8, 8, 3, 2, "same", 1, "keras"), "same-padding", (4, 4)),
    ((7, 7, 3, 1, 0, 2, "keras"), "output-size", (cv.output_size(7, 3, dilation=2),) * 2),
    ((7, 6, 2, 2, 1, 1, "pool_ceil"), "pool-size",
     (cv.output_size(7, 2, stride=2, padding=1, ceil_mode=True),
      cv.output_size(6, 2, stride=2, padding=1, ceil_mode=True))),
])
def test_the_size_page_asks_for_the_shape_the_engine_computes(settings, concept, answer):
    q = size_page_question(*settings)
    assert q.concept == concept and q.answer == tuple(float(v) for v in answer)


@pytest.mark.parametrize("settings", [
    (7, 7, 3, 1, "full", 1, "torch"),  # no "full" padding in PyTorch's Conv2d
    (7, 7, 3, 2, "same", 1, "torch"),  # PyTorch refuses "same" with stride 2
    (7, 7, 3, 1, 2, 1, "keras"),  # Keras takes no number of cells
    (7, 7, 3, 2, 1, 2, "pool_ceil"),  # no dilation on the page's pooling
    (3, 3, 5, 1, 0, 1, "torch"),  # no window fits
])
def test_the_size_page_asks_nothing_for_settings_without_a_question(settings):
    assert size_page_question(*settings) is None


def test_refused_settings_get_no_question():
    assert size_page_question(7, 7, 3, 1, 5, 1, "torch", refused=True) is None
    assert size_page_question(7, 7, 3, 1, 5, 1, "torch") is not None


def test_the_convolution_page_asks_for_the_cell_the_engine_computes():
    import numpy as np

    from convviz.teach.page_questions import conv_page_question

    x = np.arange(36).reshape(6, 6) % 7
    k = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    q = conv_page_question(x, k, 2.0, (1, 0), stride=2, padding=1, dilation=1)
    assert q.answer == (float(cv.conv2d(x, k, 2.0, stride=2, padding=1)[1, 0]),)
    geo = dict(stride=1, padding=0, dilation=1)
    for extra in ({"padding_mode": "reflect"}, {"flip": True}):  # what the page computes
        q = conv_page_question(x, k, 1.0, (0, 0), **{**geo, "padding": 1}, **extra)
        assert q.answer == (float(cv.conv2d(x, k, 1.0, **{**geo, "padding": 1}, **extra)[0, 0]),)
    assert conv_page_question(np.zeros((13, 13)), k, 0.0, (0, 0), **geo) is None  # too big
    assert conv_page_question(x, np.ones((7, 7)), 0.0, (0, 0), **geo) is None  # no output


def test_the_pooling_page_asks_for_what_the_engine_pools():
    import numpy as np

    from convviz.teach.page_questions import pool_page_question

    x = (np.arange(25).reshape(5, 5) * 7) % 11
    ask = dict(ceil_mode=False, count_include_pad=True)
    q = pool_page_question(x, "avg", 3, 1, 1, index=(0, 1), **ask)
    assert q.answer == pytest.approx((float(cv.pool2d(x, 3, stride=1, padding=1,
                                                      mode="avg")[0, 1]),), abs=0.005)
    assert pool_page_question(x, "gmax", 2, 2, 0, index=(0, 0), **ask).answer == (x.max(),)
    size = pool_page_question(x, "max", 2, 2, 0, index=(0, 0), ask="size",
                              ceil_mode=True, count_include_pad=True)
    assert size.concept == "pool-size" and size.answer == (3.0, 3.0)
    # PyTorch's options as the page sets them
    q = pool_page_question(x, "avg", 3, 1, 1, index=(0, 1), ceil_mode=False,
                           count_include_pad=False)
    assert q.answer == pytest.approx((float(cv.pool2d(x, 3, stride=1, padding=1, mode="avg",
                                                      count_include_pad=False)[0, 1]),), abs=0.005)
    q = pool_page_question(x, "max", 2, 2, 0, index=(2, 2), ceil_mode=True,
                           count_include_pad=True)  # a cell only ceil_mode adds
    assert q.answer == (float(cv.pool2d(x, 2, stride=2, ceil_mode=True)[2, 2]),)
    with pytest.raises(ValueError, match="`ask` must be one of"):
        pool_page_question(x, "max", 2, 2, 0, index=(0, 0), ask="colour", **ask)


@pytest.mark.parametrize("preset", ["Classic Keras MNIST", "LeNet-5 style", "Tiny (digits 16x16)",
                                    "Deep MNIST (5x5, Dense 1024)", "Too deep for 28x28"])
def test_the_layer_page_asks_what_its_own_summary_shows(preset):
    from convviz.stack.spec import PRESETS
    from convviz.stack.summary import summarize
    from convviz.teach.page_questions import layer_page_question

    shape, specs = PRESETS[preset]
    summary = summarize(shape, specs)
    layers = [(s.kind, s.filters_or_units, s.kernel_size, s.stride, s.padding) for s in specs]
    asked = {"params": 0, "shape": 0, "field": 0}
    for r in summary.rows:
        for ask in asked:
            if r.error:
                continue
            q = layer_page_question(layers, r.index, r.input_shape, ask)
            if q is None:
                continue
            asked[ask] += 1
            want = {"params": (r.params,), "shape": r.output_shape,
                    "field": (r.field.size,) if r.field else None}[ask]
            assert q.answer == tuple(float(v) for v in want), (r.name, ask)
    if preset == "Classic Keras MNIST":  # conv x3 and dense x2; conv x3 and pool x2
        assert asked == {"params": 5, "shape": 5, "field": 5}


def test_the_layer_page_asks_nothing_that_does_not_apply():
    from convviz.teach.page_questions import layer_page_question

    layers = [("Conv2D", 8, 3, None, "valid"), ("Flatten", None, None, None, "valid"),
              ("Dense", 10, None, None, "valid")]
    assert layer_page_question(layers, 1, (5, 5, 8), "params") is None  # Flatten learns nothing
    assert layer_page_question(layers, 2, (200,), "shape") is None
    assert layer_page_question(layers, 2, (200,), "field") is None  # the whole map
    assert layer_page_question(layers, 2, (200,), "params").answer == (2010.0,)
    with pytest.raises(ValueError, match="`ask` must be one of"):
        layer_page_question(layers, 0, (7, 7, 1), "colour")
    with pytest.raises(ValueError, match="`index` must be from 0 to 2, got 3"):
        layer_page_question(layers, 3, (7, 7, 1), "params")


def test_the_transposed_page_asks_for_the_size_the_engine_computes():
    from convviz.teach.page_questions import transposed_page_question

    q = transposed_page_question(4, 3, stride=3, padding=2, output_padding=2, dilation=2)
    side = cv.transpose_output_size(4, 3, stride=3, padding=2, output_padding=2, dilation=2)
    assert q.answer == (float(side),) * 2
    assert transposed_page_question(2, 1, stride=1, padding=2, output_padding=0,
                                    dilation=1) is None  # no output
    assert transposed_page_question(3, 3, stride=1, padding=0, output_padding=1,
                                    dilation=1) is None  # PyTorch refuses output_padding 1
