import numpy as np
import pytest

from convviz.engine.kernels import KERNELS, Kernel, get_kernel, kernel_names

NAMES = [
    "identity", "box_blur_3", "box_blur_5", "gaussian_blur", "sharpen", "sobel_x", "sobel_y",
    "prewitt_x", "prewitt_y", "laplacian_4", "laplacian_8", "emboss", "outline",
    "horizontal_lines", "vertical_lines", "roberts_x", "roberts_y", "box_blur_2", "box_blur_4",
]  # fmt: skip


def test_every_listed_name_is_present_in_order():
    assert kernel_names() == NAMES
    assert list(KERNELS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_preset_is_a_readonly_2d_float32_kernel_with_words(name):
    k = KERNELS[name]
    assert isinstance(k, Kernel)
    assert k.name == name
    assert k.array.dtype == np.float32
    assert k.array.ndim == 2
    assert not k.array.flags.writeable
    assert k.meaning.strip() and "\n" not in k.meaning
    assert k.title.strip()


def test_sobel_x_values_and_sobel_y_is_its_transpose():
    expected = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    np.testing.assert_array_equal(KERNELS["sobel_x"].array, expected)
    np.testing.assert_array_equal(KERNELS["sobel_y"].array, expected.T)
    assert KERNELS["sobel_x"].title == "Sobel x"
    assert "vertical edges" in KERNELS["sobel_x"].meaning


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("identity", [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        ("gaussian_blur", np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16),
        ("sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        ("prewitt_x", [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]),
        ("prewitt_y", [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
        ("laplacian_4", [[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
        ("laplacian_8", [[1, 1, 1], [1, -8, 1], [1, 1, 1]]),
        ("emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
        ("outline", [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
        ("horizontal_lines", [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]),
        ("vertical_lines", [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]]),
    ],
)
def test_standard_values(name, expected):
    np.testing.assert_allclose(KERNELS[name].array, expected, rtol=0, atol=1e-7)


@pytest.mark.parametrize(
    "name",
    [
        "box_blur_3",
        "box_blur_5",
        "gaussian_blur",
        "box_blur_2",
        "box_blur_4",
        "identity",
        "sharpen",
    ],
)
def test_blurs_identity_and_sharpen_keep_brightness(name):
    assert KERNELS[name].array.sum() == pytest.approx(1.0, abs=1e-6)


def test_even_sized_kernels():
    np.testing.assert_array_equal(KERNELS["roberts_x"].array, [[1, 0], [0, -1]])
    np.testing.assert_array_equal(KERNELS["roberts_y"].array, [[0, 1], [-1, 0]])
    np.testing.assert_array_equal(KERNELS["box_blur_2"].array, np.full((2, 2), 0.25))
    np.testing.assert_allclose(KERNELS["box_blur_4"].array, np.full((4, 4), 1 / 16))
    for name in ("roberts_x", "roberts_y", "box_blur_2", "box_blur_4"):
        meaning = KERNELS[name].meaning
        assert "no centre" in meaning and "half a pixel" in meaning


def test_readonly_preset_cannot_be_changed():
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["identity"].array[1, 1] = 5


def test_get_kernel_returns_a_writable_copy():
    k = get_kernel("sobel_x")
    assert k.dtype == np.float32 and k.flags.writeable
    k[0, 0] = 100
    assert KERNELS["sobel_x"].array[0, 0] == -1


def test_get_kernel_unknown_name():
    with pytest.raises(ValueError, match=r"`name` must be one of 'identity', .*, got 'foo'"):
        get_kernel("foo")


def test_get_kernel_non_string_name():
    with pytest.raises(TypeError, match="`name`"):
        get_kernel(3)


def test_kernel_copies_its_input():
    src = np.ones((2, 2))
    k = Kernel("k", src, "A test kernel.", "K")
    src[0, 0] = 9
    assert k.array[0, 0] == 1


@pytest.mark.parametrize("array", [np.ones(3), np.ones((0, 3)), [[1.0, np.nan]]])
def test_kernel_rejects_bad_arrays(array):
    with pytest.raises(ValueError, match="`array`"):
        Kernel("k", array, "A test kernel.", "K")


def test_kernel_rejects_empty_meaning():
    with pytest.raises(ValueError, match="`meaning`"):
        Kernel("k", np.ones((2, 2)), " ", "K")
