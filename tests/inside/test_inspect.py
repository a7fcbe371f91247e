"""convviz.inside.inspect: learned filters, feature maps, vector strips and every layer's view."""

import numpy as np
import pytest

from convviz.draw import render as R
from convviz.draw.colors import feature_map_rgb
from convviz.draw.grid_data import hex_colors
from convviz.draw.numbers import format_value
from convviz.inside.inspect import (
    LayerView,
    check_example,
    feature_maps_grid,
    filters_grid,
    filters_payload,
    layer_views,
    vector_payload,
    vector_strip,
)
from convviz.nn import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
)


def is_image(img: np.ndarray) -> bool:
    return img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.size > 0


@pytest.fixture(scope="module")
def model():
    return Sequential([Conv2D(4, 3), ReLU(), MaxPool2D(2), Conv2D(6, 3, padding="same"),
                       ReLU(), Flatten(), Dense(3)], input_shape=(10, 10, 1), seed=0)


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random((10, 10, 1), dtype=np.float32)


# -- filters ---------------------------------------------------------------------------------
def test_filters_grid_draws_one_tile_per_filter(model):
    w = model.layers[0].params["weight"]  # (3, 3, 1, 4)
    one_row = filters_grid(w, legend=False)
    two_rows = filters_grid(w, columns=2, legend=False)
    assert is_image(one_row) and is_image(two_rows)
    assert two_rows.shape[0] > one_row.shape[0] and two_rows.shape[1] < one_row.shape[1]
    assert filters_grid(w).shape[1] > one_row.shape[1]  # the colour bar


def test_filters_share_one_scale():
    w = np.zeros((1, 1, 1, 2))
    w[0, 0, 0] = [1.0, 0.5]  # the second filter must look half as strong, not as strong
    img = filters_grid(w, cell=20, legend=False)
    top = 19 + 5  # below the caption bar (size 12 -> 19 px), inside the cell
    colours = {tuple(img[top, x]) for x in range(img.shape[1])} - {(255, 255, 255)}
    assert tuple(R.diverging_colors(np.array(0.5), 1.0)) in colours
    assert tuple(R.diverging_colors(np.array(1.0), 1.0)) in colours


def test_filters_grid_options_and_errors():
    rng = np.random.default_rng(0)
    w3 = rng.standard_normal((3, 3, 3, 5))
    all_slices, one = filters_grid(w3, legend=False), filters_grid(w3, channel=1, legend=False)
    assert all_slices.shape[1] > one.shape[1]
    assert is_image(filters_grid(w3, rgb=True))
    with pytest.raises(ValueError, match="`rgb=True` needs filters with 3 input channels"):
        filters_grid(rng.standard_normal((3, 3, 1, 2)), rgb=True)
    with pytest.raises(ValueError, match=r"`channel` must be in 0\.\.2 .*got 3"):
        filters_grid(w3, channel=3)
    with pytest.raises(ValueError, match="`weight` must be 4-D"):
        filters_grid(np.zeros((3, 3)))


# -- feature maps ----------------------------------------------------------------------------
def test_feature_map_tiles_show_the_values_on_a_shared_scale():
    act = np.zeros((3, 3, 2))
    act[..., 0] = np.arange(9.0).reshape(3, 3) - 4
    act[1, 1, 1] = 2.0
    img = feature_maps_grid(act, tile=30, legend=False)  # factor 10
    expected = feature_map_rgb(act, vmax=4.0)  # (3, 3, 2, 3): one scale for both maps
    top = 19 + 1  # caption bar, then the 1 px frame
    for r in range(3):
        for c in range(3):
            assert tuple(img[top + 10 * r + 5, 1 + 10 * c + 5]) == tuple(expected[r, c, 0])
    assert tuple(img[top + 15, 32 + 8 + 1 + 15]) == tuple(expected[1, 1, 1])


def test_feature_maps_grid_caps_the_number_of_maps():
    act = np.random.default_rng(0).standard_normal((5, 5, 40))
    few, many = feature_maps_grid(act, max_maps=4), feature_maps_grid(act, max_maps=40)
    assert is_image(few) and is_image(many) and few.size < many.size
    assert is_image(feature_maps_grid(np.maximum(act, 0), signed=False))
    assert is_image(feature_maps_grid(np.zeros((2, 2, 1))))  # all zeros: no division by 0
    with pytest.raises(ValueError, match="`activation` must be 3-D"):
        feature_maps_grid(act[..., 0])
    with pytest.raises(ValueError, match="`max_maps` must be a positive integer"):
        feature_maps_grid(act, max_maps=0)


def test_vector_strip_prints_short_vectors_and_wraps_long_ones():
    short = vector_strip(np.arange(10.0))
    assert short.shape == (45, 441, 3)  # one row of 44 px cells with numbers
    long = vector_strip(np.arange(100.0))
    assert is_image(long) and long.shape[0] > 12 * 3  # 4 rows of 32, small cells


# -- layer views -----------------------------------------------------------------------------
def test_layer_views_follow_the_model(model, x):
    views = layer_views(model, x)
    assert [(n, s) for n, _, s, _ in views] == [(n, s) for n, s, _ in model.summary()]
    assert [k for _, k, _, _ in views] == [layer.kind for layer in model.layers]
    assert all(is_image(img) for *_, img in views)


def test_layer_views_are_typed(model, x):
    views = layer_views(model, x)
    assert all(isinstance(view, LayerView) for view in views)
    assert [(v.name, v.kind, v.shape) for v in views] == \
        [(layer.name, layer.kind, layer.output_shape) for layer in model.layers]
    assert all(view.image is view[3] for view in views)  # still unpacks as before


def test_layer_views_draw_the_models_own_activations(model, x):
    acts = model.activations(x)
    name, kind, shape, img = layer_views(model, x)[-1]
    assert kind == "dense" and shape == (3,)
    np.testing.assert_array_equal(img, vector_strip(acts[-1][1]))
    _, _, _, conv_img = layer_views(model, x)[0]
    np.testing.assert_array_equal(conv_img, feature_maps_grid(acts[0][1]))


def test_check_example_names_the_argument(model):
    with pytest.raises(ValueError, match=r"`x_single` must be one example of shape \(10, 10, 1\)"):
        check_example(model, np.zeros((1, 10, 10, 1)))
    with pytest.raises(TypeError, match="`model` must be a convviz.nn.Sequential"):
        check_example("model", np.zeros((10, 10, 1)))


# -- numbers for the browser's grid view -------------------------------------------------------
def _colors(payload: dict, panel: dict) -> list[str]:
    return [payload["palette"][i] for i in panel["colors"]]


def test_filters_payload_holds_every_weight_on_one_shared_scale(model):
    w = model.layers[0].params["weight"]  # (3, 3, 1, 4)
    p = filters_payload(w, columns=3)
    assert p["n_steps"] == 1
    assert p["layout"] == [[["f1"], ["f2"], ["f3"]], [["f4"]]]
    vmax = R.full_scale(w)
    for f, panel in enumerate(p["panels"]):
        assert panel["text"] == [format_value(float(v)) for v in w[:, :, 0, f].ravel()]
        assert _colors(p, panel) == hex_colors(R.diverging_colors(w[:, :, 0, f], vmax))
        assert panel["legend"]["ticks"] == [format_value(-vmax), "0", format_value(vmax)]
    assert p["steps"]["lines"] == [["Weights rounded to 2 decimals."]]


def test_filters_payload_shows_the_first_ones_and_every_channel_slice():
    w = np.random.default_rng(1).standard_normal((2, 2, 2, 20))
    p = filters_payload(w, max_filters=5)
    assert len(p["panels"]) == 10 and p["layout"][0][0] == ["f1.c1", "f1.c2"]
    assert p["panels"][1]["title"] == "filter 1, channel 2"
    assert p["panels"][1]["text"] == [format_value(float(v)) for v in w[:, :, 1, 0].ravel()]
    assert p["steps"]["lines"][0][0].startswith("The first 5 of 20 filters")
    with pytest.raises(ValueError, match="`weight` must be 4-D"):
        filters_payload(np.zeros((3, 3)))


@pytest.mark.parametrize(("n", "shape"), [(10, (1, 10)), (20, (2, 16)), (144, (5, 32))])
def test_vector_payload_rows_of_the_vector_in_reading_order(n, shape):
    v = np.random.default_rng(n).standard_normal(n)
    p = vector_payload(v, title="out")
    (panel,) = p["panels"]
    assert (panel["rows"], panel["cols"]) == shape
    assert panel["text"][:n] == [format_value(float(x)) for x in v]
    assert set(panel["text"][n:]) <= {""}  # past the end: blank, white
    assert set(_colors(p, panel)[n:]) <= {"#ffffff"}
    assert _colors(p, panel)[:n] == hex_colors(R.diverging_colors(v, R.full_scale(v)))
    assert panel["legend"] is not None


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_colour_filters_fit_a_1024_column_so_their_labels_stay_12_px(k):
    from convviz.inside.inspect import RGB_FILTERS_WIDTH, rgb_filters_picture

    w = np.random.default_rng(k).normal(size=(k, k, 3, 32))
    assert rgb_filters_picture(w).shape[1] <= RGB_FILTERS_WIDTH
