"""conv2d: hand-computed cases, the loop reference, scipy and torch as outside oracles, errors."""

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import convviz as cv
import convviz.engine.conv as conv_module
from convviz.engine import threads
from convviz.engine.padding import resolve_padding

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# The 5x5 input and 3x3 kernel of the teaching material (Dumoulin & Visin's figures).
X5 = np.array([[3, 3, 2, 1, 0],
               [0, 0, 1, 3, 1],
               [3, 1, 2, 2, 3],
               [2, 0, 0, 2, 2],
               [2, 0, 0, 0, 1]])
K3 = np.array([[0, 1, 2],
               [2, 2, 0],
               [0, 1, 2]])


def test_5x5_valid_by_hand():
    # top-left: 3*0 + 3*1 + 2*2 + 0*2 + 0*2 + 1*0 + 3*0 + 1*1 + 2*2 = 12
    expected = np.array([[12, 12, 17], [10, 17, 19], [9, 6, 14]], dtype=float)
    np.testing.assert_array_equal(cv.conv2d(X5, K3), expected)


def test_5x5_zero_padding_1_keeps_the_size():
    # top-left: the window covers the zero border; 0*2 + 3*2 + 3*0 + 0*1 + 0*2 = 6
    expected = np.array([[6, 14, 17, 11, 3],
                         [14, 12, 12, 17, 11],
                         [8, 10, 17, 19, 13],
                         [11, 9, 6, 14, 12],
                         [6, 4, 4, 6, 4]], dtype=float)
    np.testing.assert_array_equal(cv.conv2d(X5, K3, padding=1), expected)
    np.testing.assert_array_equal(cv.conv2d(X5, K3, padding="same"), expected)


def test_5x5_padding_1_stride_2_by_hand():
    expected = np.array([[6, 17, 3], [8, 17, 13], [6, 4, 4]], dtype=float)
    np.testing.assert_array_equal(cv.conv2d(X5, K3, padding=1, stride=2), expected)


def test_5x5_flip_rotates_the_kernel():
    # flipped kernel [[2,1,0],[0,2,2],[2,1,0]]; top-left 6 + 3 + 0 + 0 + 0 + 2 + 6 + 1 + 0 = 18
    out = cv.conv2d(X5, K3, flip=True)
    assert out[0, 0] == 18
    np.testing.assert_array_equal(out, cv.conv2d(X5, K3[::-1, ::-1]))


def test_identity_kernel_crops_the_border():
    ident = np.zeros((3, 3))
    ident[1, 1] = 1
    np.testing.assert_array_equal(cv.conv2d(X5, ident), X5[1:4, 1:4])


@pytest.mark.parametrize(("shape", "kernel", "expected"), [
    ((7, 7), (3, 3), (5, 5)),
    ((28, 28), (3, 3), (26, 26)),
    ((28, 28, 1), (3, 3, 1, 32), (26, 26, 32)),
    ((28, 28, 3), (3, 3, 3), (26, 26)),
    ((2, 28, 28, 1), (5, 5, 1, 4), (2, 24, 24, 4)),
    ((2, 28, 28, 1), (5, 5, 1), (2, 24, 24)),
])
def test_teaching_shapes(shape, kernel, expected):
    out = cv.conv2d(np.ones(shape), np.ones(kernel))
    assert out.shape == expected
    np.testing.assert_array_equal(out, np.prod(kernel[:3]))  # every window sums its taps


# --- the vectorised code against the loop reference, over shapes and parameters ------------

def _axis_padding(padding, axis):
    """The one-axis spec that output_size takes, read straight from a 2-D padding spec."""
    if isinstance(padding, (str, int)):
        return padding
    return padding[axis]  # (rows, cols) -> an int; ((t, b), (l, r)) -> (before, after)


def _mode_violated(x_hw, pads, mode):
    worst = [max(p) for p in pads]
    if mode == "reflect":
        return any(w >= n for w, n in zip(worst, x_hw, strict=True))
    if mode == "circular":
        return any(w > n for w, n in zip(worst, x_hw, strict=True))
    return False


def _fits(n, k, s, d, p):
    try:
        return cv.output_size(n, k, stride=s, dilation=d, padding=p)
    except ValueError:
        return None


PAD = st.integers(0, 3)
PADDINGS = st.one_of(PAD, st.tuples(PAD, PAD), st.tuples(st.tuples(PAD, PAD), st.tuples(PAD, PAD)),
                     st.sampled_from(["valid", "same", "full"]))
PAIR3 = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
MODES = st.sampled_from(cv.PADDING_MODES)


@st.composite
def conv_cases(draw):
    layout = draw(st.sampled_from(["2d", "3d-one", "3d", "4d-one", "4d"]))
    h, w, kh, kw = (draw(st.integers(1, 9)), draw(st.integers(1, 9)),
                    draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    c = 1 if layout == "2d" else draw(st.integers(1, 3))
    f = draw(st.integers(1, 3)) if layout in ("3d", "4d") else 1
    n = draw(st.integers(1, 2)) if layout.startswith("4d") else 1
    x_shape = {"2d": (h, w), "3d-one": (h, w, c), "3d": (h, w, c)}.get(layout, (n, h, w, c))
    k_shape = {"2d": (kh, kw), "3d-one": (kh, kw, c), "4d-one": (kh, kw, c)}.get(
        layout, (kh, kw, c, f))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-4, 5, x_shape).astype(float)  # small integers: sums are exact
    kernel = rng.integers(-3, 4, k_shape).astype(float)
    bias = draw(st.sampled_from([None, "scalar", "vector"]))
    bias = {None: None, "scalar": 2.0, "vector": np.arange(f, dtype=float)}[bias]
    kwargs = dict(stride=draw(PAIR3), dilation=draw(PAIR3), padding=draw(PADDINGS),
                  padding_mode=draw(MODES), flip=draw(st.booleans()))
    return x, kernel, bias, kwargs


def _geometry(x, kernel, kwargs):
    hw = x.shape[:2] if x.ndim < 4 else x.shape[1:3]
    s = kwargs["stride"] if isinstance(kwargs["stride"], tuple) else (kwargs["stride"],) * 2
    d = kwargs["dilation"] if isinstance(kwargs["dilation"], tuple) else (kwargs["dilation"],) * 2
    return hw, kernel.shape[:2], s, d


@SETTINGS
@given(conv_cases())
def test_conv2d_matches_reference_and_output_size(case):
    x, kernel, bias, kwargs = case
    hw, ks, s, d = _geometry(x, kernel, kwargs)
    sizes = [_fits(hw[a], ks[a], s[a], d[a], _axis_padding(kwargs["padding"], a)) for a in (0, 1)]
    pads = resolve_padding(kwargs["padding"], hw, ks, s, d)
    try:
        out = cv.conv2d(x, kernel, bias, **kwargs)
    except ValueError:
        # only rightly rejected combinations: no window fits, or the mode's limit is broken
        assert None in sizes or _mode_violated(hw, pads, kwargs["padding_mode"])
        with pytest.raises(ValueError):
            cv.conv2d_reference(x, kernel, bias, **kwargs)
        return
    assert None not in sizes and not _mode_violated(hw, pads, kwargs["padding_mode"])
    ref = cv.conv2d_reference(x, kernel, bias, **kwargs)
    lead = () if x.ndim < 4 else (x.shape[0],)
    tail = (kernel.shape[3],) if kernel.ndim == 4 else ()
    assert out.shape == lead + tuple(sizes) + tail
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(conv_cases(), st.integers(1, 3))
def test_many_small_blocks_and_threads_give_the_same_result(case, workers):
    x, kernel, bias, kwargs = case
    try:
        expected = cv.conv2d_reference(x, kernel, bias, **kwargs)
    except ValueError:
        assume(False)
    with pytest.MonkeyPatch.context() as mp:  # force one output row per block, several threads
        mp.setattr(conv_module, "_BLOCK_ELEMENTS", 1)
        mp.setattr(threads, "WORKERS", workers)
        out = cv.conv2d(x, kernel, bias, **kwargs)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-9)


# --- scipy as the outside oracle ------------------------------------------------------------

@SETTINGS
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 4),
       st.sampled_from(["valid", "same", "full"]), st.integers(0, 2**32 - 1))
def test_matches_scipy_signal(h, w, kh, kw, mode, seed):
    if mode == "same":  # scipy's "same" centres like Keras only for odd kernels
        kh, kw = kh | 1, kw | 1
    assume(mode != "valid" or (kh <= h and kw <= w))
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    np.testing.assert_allclose(cv.conv2d(x, k, padding=mode),
                               scipy.signal.correlate2d(x, k, mode=mode), atol=1e-12)
    np.testing.assert_allclose(cv.conv2d(x, k, padding=mode, flip=True),
                               scipy.signal.convolve2d(x, k, mode=mode), atol=1e-12)


@pytest.mark.parametrize("n", [None, 2])  # one image (kH shifted-row GEMMs) and a batch
def test_large_threaded_float32_matches_float64_scipy(n):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(600, 600, 3) if n is None else (n, 300, 300, 3)).astype(np.float32)
    k = rng.normal(size=(3, 3, 3, 8)).astype(np.float32)
    bias = rng.normal(size=8).astype(np.float32)
    # more than one block of columns, whichever way they are laid out
    per_row = 598 * 3 * 3 if n is None else n * 298 * 3 * 3 * 3
    assert x.shape[-3] * per_row > 2 * conv_module._BLOCK_ELEMENTS
    out = cv.conv2d(x, k, bias)
    assert out.shape == x.shape[:-3] + (x.shape[-3] - 2, x.shape[-2] - 2, 8)
    assert out.dtype == np.float32
    for img, got in zip(x.reshape((-1,) + x.shape[-3:]), out.reshape((-1,) + out.shape[-3:]),
                        strict=True):
        img64, k64 = img.astype(np.float64), k.astype(np.float64)
        for f in range(8):
            # scipy.ndimage.correlate centres the kernel: crop its border to get "valid"
            ref = sum(scipy.ndimage.correlate(img64[:, :, c], k64[:, :, c, f], mode="constant")
                      for c in range(3))[1:-1, 1:-1] + float(bias[f])
            np.testing.assert_allclose(got[:, :, f], ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kernel_size", [1, 3, 7])
@pytest.mark.parametrize("dilation", [1, (2, 3)])
def test_blocks_of_a_large_image_match_the_batch_path(kernel_size, dilation):
    # a single image runs kH shifted-row GEMMs, the same image in a batch of two the full
    # kH x kW columns: both are the convolution
    rng = np.random.default_rng(kernel_size)
    x = rng.normal(size=(200, 150, 2))
    k = rng.normal(size=(kernel_size, kernel_size, 2, 3))
    with pytest.MonkeyPatch.context() as mp:  # a few rows per block
        mp.setattr(conv_module, "_BLOCK_ELEMENTS", 5000)
        one = cv.conv2d(x, k, 0.5, padding="same", dilation=dilation)
        batch = cv.conv2d(np.stack([x, -x]), k, 0.5, padding="same", dilation=dilation)
    np.testing.assert_allclose(one, batch[0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(cv.conv2d(-x, k, 0.5, padding="same", dilation=dilation),
                               batch[1], rtol=1e-10, atol=1e-10)


def test_batch_stride_same_reflect_matches_np_pad_and_einsum():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 120, 130, 3))
    k = rng.normal(size=(5, 4, 3, 6))
    out = cv.conv2d(x, k, stride=2, padding="same", padding_mode="reflect")
    assert out.shape == (2, 60, 65, 6)
    pads = resolve_padding("same", (120, 130), (5, 4), (2, 2))
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), mode="reflect")
    ref = np.zeros_like(out)
    for u in range(5):
        for v in range(4):
            ref += np.einsum("nhwc,cf->nhwf", xp[:, u:u + 119:2, v:v + 129:2], k[u, v])
    np.testing.assert_allclose(out, ref, atol=1e-10)


def test_concurrent_calls_from_several_threads():
    rng = np.random.default_rng(5)
    xs = [rng.normal(size=(200, 200, 3)).astype(np.float32) for _ in range(4)]
    k = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)
    expected = [cv.conv2d(x, k) for x in xs]
    with ThreadPoolExecutor(max_workers=4) as pool:  # several app sessions at once
        results = list(pool.map(lambda x: cv.conv2d(x, k), xs * 2))
    for got, want in zip(results, expected * 2, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# --- bias, dtypes, kernel layouts ------------------------------------------------------------

def test_scalar_and_vector_bias():
    x, k = np.ones((4, 4, 2)), np.ones((3, 3, 2, 3))
    np.testing.assert_array_equal(cv.conv2d(x, k, 1.5), np.full((2, 2, 3), 19.5))
    out = cv.conv2d(x, k, np.array([0.0, 1.0, -2.0]))
    np.testing.assert_array_equal(out[0, 0], [18.0, 19.0, 16.0])
    np.testing.assert_array_equal(cv.conv2d(np.ones((3, 3)), np.ones((3, 3)), bias=-9), [[0.0]])


def test_dtypes():
    x32, k32 = np.ones((5, 5), np.float32), np.ones((3, 3), np.float32)
    assert cv.conv2d(x32, k32).dtype == np.float32
    assert cv.conv2d(x32, k32, bias=1.0).dtype == np.float32
    assert cv.conv2d_reference(x32, k32).dtype == np.float32
    assert cv.conv2d(np.ones((5, 5), int), np.ones((3, 3), int)).dtype == np.float64
    assert cv.conv2d(np.ones((5, 5), bool), np.ones((3, 3), np.int8)).dtype == np.float64


def test_kernel_layouts_agree():
    rng = np.random.default_rng(1)
    x2, k2 = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    out2 = cv.conv2d(x2, k2)
    assert out2.shape == (4, 4)
    np.testing.assert_allclose(cv.conv2d(x2[:, :, None], k2[:, :, None]), out2)
    np.testing.assert_allclose(cv.conv2d(x2[:, :, None], k2[:, :, None, None])[..., 0], out2)
    x3, k3 = rng.normal(size=(6, 5, 3)), rng.normal(size=(3, 2, 3))
    out3 = cv.conv2d(x3, k3)
    assert out3.shape == (4, 4)
    np.testing.assert_allclose(out3, sum(cv.conv2d(x3[..., c], k3[..., c]) for c in range(3)))
    np.testing.assert_allclose(cv.conv2d(x3, k3[..., None])[..., 0], out3)
    batch = cv.conv2d(np.stack([x3, 2 * x3]), k3)
    assert batch.shape == (2, 4, 4)
    np.testing.assert_allclose(batch[1], 2 * out3)


# --- torch cross-check -----------------------------------------------------------------------

@SETTINGS
@given(conv_cases())
def test_matches_torch(case):
    torch = pytest.importorskip("torch")
    fn = torch.nn.functional
    x, kernel, bias, kwargs = case
    hw, ks, s, d = _geometry(x, kernel, kwargs)
    pads = resolve_padding(kwargs["padding"], hw, ks, s, d)
    try:
        out = cv.conv2d(x, kernel, bias, **kwargs)
    except ValueError:
        assume(False)
    x4 = x.reshape(1, *x.shape, 1) if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
    k4 = kernel.reshape(kernel.shape[:2] + (x4.shape[3], -1))
    if kwargs["flip"]:
        k4 = k4[::-1, ::-1]
    xt = torch.tensor(x4).permute(0, 3, 1, 2)  # (N, C, H, W)
    (t, b), (left, r) = pads
    mode = {"zeros": "constant"}.get(kwargs["padding_mode"], kwargs["padding_mode"])
    xt = fn.pad(xt, (left, r, t, b), mode=mode)
    bt = None if bias is None else torch.tensor(np.broadcast_to(bias, (k4.shape[3],)).copy())
    ref = fn.conv2d(xt, torch.tensor(k4.copy()).permute(3, 2, 0, 1), bt, stride=s, dilation=d)
    ref = ref.permute(0, 2, 3, 1).numpy().reshape(out.shape)
    np.testing.assert_allclose(out, ref, atol=1e-9)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_same_matches_torch_same_at_stride_1(k):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(k)
    x, w = rng.normal(size=(7, 6)), rng.normal(size=(k, k + 1))
    ref = torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                                     padding="same", dilation=(1, 2))[0, 0].numpy()
    np.testing.assert_allclose(cv.conv2d(x, w, padding="same", dilation=(1, 2)), ref, atol=1e-12)


# --- one test per error message ---------------------------------------------------------------

X = np.ones((5, 5))
K = np.ones((3, 3))


@pytest.mark.parametrize(("args", "kwargs", "exc", "message"), [
    ((np.ones(5), K), {}, ValueError, "`x` must be 2-D or 3-D or 4-D, got shape (5,)"),
    ((np.ones((0, 5)), K), {}, ValueError, "`x` must not be empty"),
    ((np.array([[1.0, np.nan], [0, 0]]), np.ones((1, 1))), {}, ValueError,
     "`x` must contain only finite numbers"),
    (([["a", "b"], ["c", "d"]], np.ones((1, 1))), {}, TypeError,
     "`x` must be an array of real numbers"),
    ((np.ones((5, 5, 3)), np.ones((3, 3, 2, 4))), {}, ValueError,
     "`kernel` has 2 input channels"),
    ((np.ones((5, 5, 3)), K), {}, ValueError, "`kernel` of shape (3, 3) is 2-D"),
    ((np.ones((5, 5, 1)), np.ones((3, 3, 1, 2)), [1.0, 2.0, 3.0]), {}, ValueError,
     "`bias` must be a scalar or have shape (2,)"),
    ((X, K), {"stride": 0}, ValueError, "`stride` must be a positive integer, got 0"),
    ((X, K), {"stride": 1.5}, TypeError, "`stride` must be an integer, got 1.5"),
    ((X, K), {"dilation": 0}, ValueError, "`dilation` must be a positive integer, got 0"),
    ((X, K), {"padding": -1}, ValueError, "`padding` must be an integer >= 0, got -1"),
    ((X, K), {"padding": (1, -1)}, ValueError, "`padding[1]` must be an integer >= 0, got -1"),
    ((X, K), {"padding": "foo"}, ValueError, "`padding` must be one of 'valid', 'same', 'full'"),
    ((X, K), {"padding": (1, 2, 3)}, ValueError, "`padding` must be an int, (rows, cols)"),
    ((X, K), {"padding_mode": "mirror"}, ValueError, "`padding_mode` must be one of 'zeros'"),
    ((X, K), {"padding": 5, "padding_mode": "reflect"}, ValueError,
     "`padding` of 5 is too large for padding_mode='reflect'"),
    ((X, K), {"padding": 6, "padding_mode": "circular"}, ValueError,
     "`padding` of 6 is too large for padding_mode='circular'"),
    ((np.ones((2, 5)), K), {}, ValueError, "no output along the rows: the kernel, 3 wide"),
    ((np.ones((5, 2)), K), {}, ValueError, "no output along the columns"),
    ((X, K), {"dilation": 3}, ValueError, "the kernel, 7 wide with dilation, is wider"),
])
@pytest.mark.parametrize("fn", [cv.conv2d, cv.conv2d_reference])
def test_error_messages(fn, args, kwargs, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        fn(*args, **kwargs)



def test_shared_weights_give_translation_equivariance_not_invariance():
    """What the Layer shapes page says: shift the input and the feature map shifts with it
    (exactly, with circular padding); the map itself does not stay the same."""
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    out = cv.conv2d(x, k, padding=1, padding_mode="circular")
    for shift in ((1, 0), (0, 2), (3, 5)):
        moved = cv.conv2d(np.roll(x, shift, axis=(0, 1)), k, padding=1, padding_mode="circular")
        np.testing.assert_allclose(moved, np.roll(out, shift, axis=(0, 1)), atol=1e-12)
        assert not np.allclose(moved, out)


# --- groups: standard, grouped, depthwise ------------------------------------------------------

@st.composite
def grouped_cases(draw):
    groups = draw(st.integers(1, 4))
    c_in = groups * draw(st.integers(1, 3))
    c_out = groups * draw(st.integers(1, 3))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(3, 8)), draw(st.integers(3, 8))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, h, w, c_in))
    kernel = rng.normal(size=(kh, kw, c_in // groups, c_out))
    bias = rng.normal(size=c_out)
    return x, kernel, bias, dict(stride=stride, dilation=dilation, padding=padding,
                                 groups=groups)


@SETTINGS
@given(grouped_cases())
def test_groups_match_torch_and_the_loop_reference(case):
    torch = pytest.importorskip("torch")
    x, kernel, bias, kwargs = case
    try:
        out = cv.conv2d(x, kernel, bias, **kwargs)
    except ValueError:  # the window does not fit this input
        assume(False)
    ref = torch.nn.functional.conv2d(
        torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(kernel.transpose(3, 2, 0, 1).copy()),
        torch.tensor(bias), **kwargs).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(out, ref, atol=1e-9)
    np.testing.assert_allclose(cv.conv2d_reference(x, kernel, bias, **kwargs), out, atol=1e-9)


def test_depthwise_filters_each_channel_alone():
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(6, 6, 3)), rng.normal(size=(3, 3, 1, 3))
    out = cv.conv2d(x, k, groups=3)
    for c in range(3):
        np.testing.assert_allclose(out[..., c], cv.conv2d(x[..., c], k[:, :, 0, c]), atol=1e-12)


@pytest.mark.parametrize(("x_shape", "k_shape", "groups", "match"), [
    ((5, 5, 4), (3, 3, 2, 3), 2, "`groups` must divide both the input channels \\(4\\) and "
                                 "the filters \\(3\\)"),
    ((5, 5, 3), (3, 3, 1, 3), 2, "`groups` must divide"),
    ((5, 5, 4), (3, 3, 4, 4), 2, "C_in // groups = 4 // 2 = 2"),
])
def test_groups_errors_name_groups(x_shape, k_shape, groups, match):
    with pytest.raises(ValueError, match=match):
        cv.conv2d(np.ones(x_shape), np.ones(k_shape), groups=groups)


@pytest.mark.parametrize("groups", [0, -1, 1.5, "2"])
def test_groups_must_be_a_positive_integer(groups):
    with pytest.raises((TypeError, ValueError), match="`groups`"):
        cv.conv2d(np.ones((5, 5, 2)), np.ones((3, 3, 2, 2)), groups=groups)
