"""Conv2D: a learned 2-D convolution (cross-correlation), forward and backward by im2col.

The forward pass copies every kernel tap's strided slice of the (padded) input into a
column matrix and multiplies it by the weights in one GEMM; the backward pass reuses the
columns for the weight gradient and adds the column gradient back onto the input (col2im).
Both are the engine's one core, :mod:`convviz.engine.im2col` (``conv2d`` uses it too): its
tap-major ``(kH * kW * C, N * H' * W')`` columns match the weight layout ``(kH, kW, C, F)``
reshaped to ``(kH * kW * C, F)``. (An earlier "wide" layout, each output row taken as
wide as the padded row so that a tap is one flat copy, was dropped: its extra columns cost
the three GEMMs more than the copies saved, measured 11.5 against 14.4 ms for half a batch
of the Keras MNIST model on one thread, and no faster on the small network.)

Shapes are channels last everywhere; memory need not be. The GEMM produces the output as
(F, N, H', W') and the layer returns it as a transposed view of shape (N, H', W', F): the
following ReLU and pooling then run along whole image rows, and a following Conv2D finds
its channels-first input ready without a copy (measured: a tenth off a training step of
the example network, against copying the output to channels-last memory).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from convviz.base.checks import check_int, check_pair
from convviz.engine.im2col import Windows, channels_first_padded, col2im, im2col
from convviz.engine.padding import resolve_padding
from convviz.engine.shapes import output_size
from convviz.nn.layers import Layer, he_normal


def check_padding(padding: Any, *, allow_int: bool = True) -> str | int:
    """Validate a layer's ``padding``: "valid", "same" or (if allowed) an int >= 0.

    Examples
    --------
    >>> check_padding("same"), check_padding(1)
    ('same', 1)
    """
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"`padding` must be 'valid', 'same'"
                             f"{' or an integer >= 0' if allow_int else ''}, got {padding!r}")
        return padding
    if not allow_int:
        raise TypeError(f"`padding` must be 'valid' or 'same', got {padding!r}")
    return check_int(padding, "padding", minimum=0)


def window_geometry(input_shape: tuple[int, ...], size: tuple[int, int],
                    stride: tuple[int, int], padding: str | int, layer: str):
    """Resolve the pads and the output (H', W') of a sliding window over (H, W, C).

    Returns ``(pads, (H', W'))`` with ``pads = ((top, bottom), (left, right))``; raises
    ``ValueError`` when the input is not (H, W, C) or no window fits.
    """
    if len(input_shape) != 3:
        raise ValueError(f"{layer} takes images of shape (H, W, C), got input shape "
                         f"{input_shape}")
    hw = input_shape[:2]
    pads = resolve_padding(padding, hw, size, stride)
    out = []
    for axis, word in ((0, "rows"), (1, "columns")):
        try:
            out.append(output_size(hw[axis], size[axis], stride=stride[axis],
                                   padding=pads[axis]))
        except ValueError as exc:
            raise ValueError(f"{layer} does not fit the input's {word} ({input_shape}): "
                             f"{exc}") from None
    return pads, (out[0], out[1])


_CHUNK_FLOATS = 65536  # floats of ``b`` per partial product in _matmul_nt (256 KB)


def _matmul_nt(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[...] = a @ b.T`` for ``a`` (K, M) and ``b`` (F, M), both C-contiguous.

    A small (K, F) result over a long M (the weight gradient of a first layer: 9 x 32 over
    23,296 pixels) runs 3x faster as a sum of partial products over column blocks whose
    share of ``b`` stays in cache (256 KB) than as one OpenBLAS call (measured, one thread:
    0.18 ms against 0.54 ms); other shapes go to BLAS in one call.
    """
    m, f = a.shape[1], b.shape[0]
    chunk = max(512, _CHUNK_FLOATS // f)
    if a.shape[0] * f > 1024 or m < 2 * chunk:
        return np.matmul(a, b.T, out=out)
    np.matmul(a[:, :chunk], b[:, :chunk].T, out=out)
    part = np.empty_like(out)
    for start in range(chunk, m, chunk):
        np.matmul(a[:, start:start + chunk], b[:, start:start + chunk].T, out=part)
        out += part
    return out


class Conv2D(Layer):
    """2-D convolution layer (cross-correlation, as in every CNN library), channels last.

    Parameters
    ----------
    filters : int
        Number of output channels F.
    kernel_size : int or (kH, kW)
    stride : int or (rows, cols), default 1
    padding : "valid", "same" or int >= 0
        "same" follows Keras: output ``ceil(n / stride)``, the odd extra pixel of padding
        at the bottom/right.

    Notes
    -----
    ``params["weight"]`` has shape (kH, kW, C_in, F), ``params["bias"]`` (F,); input
    (N, H, W, C_in), output (N, H', W', F). Weights start He-normal, biases at zero.
    Once built, ``windows`` is the kernel's :class:`convviz.engine.im2col.Windows` over the
    padded input.

    Examples
    --------
    >>> conv = Conv2D(8, 3)
    >>> conv.build((28, 28, 1), rng=np.random.default_rng(0))
    (26, 26, 8)
    >>> conv.params["weight"].shape, conv.n_params
    ((3, 3, 1, 8), 80)
    >>> out = conv.forward(np.ones((2, 28, 28, 1), dtype=np.float32))
    >>> conv.backward(np.ones_like(out)).shape
    (2, 28, 28, 1)
    """

    kind = "conv2d"

    def __init__(self, filters: int, kernel_size: Any, *, stride: Any = 1,
                 padding: str | int = "valid") -> None:
        super().__init__()
        self.filters = check_int(filters, "filters", minimum=1)
        self.kernel_size = check_pair(kernel_size, "kernel_size")
        self.stride = check_pair(stride, "stride")
        self.padding = check_padding(padding)

    def get_config(self) -> dict[str, Any]:
        return {"filters": self.filters, "kernel_size": list(self.kernel_size),
                "stride": list(self.stride), "padding": self.padding}

    def _build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        self.pads, self.out_hw = window_geometry(input_shape, self.kernel_size, self.stride,
                                                 self.padding, "Conv2D")
        self.windows = Windows(self.kernel_size, self.stride, self.out_hw)  # for im2col
        kh, kw = self.kernel_size
        c = input_shape[2]
        self.params = {
            "weight": he_normal(rng, (kh, kw, c, self.filters), kh * kw * c, self.dtype),
            "bias": np.zeros(self.filters, dtype=self.dtype),
        }
        return self.out_hw + (self.filters,)

    def cropped(self, out_hw: tuple[int, int]) -> Conv2D:
        """A twin computing only the first ``out_hw`` (rows, columns) of this layer's output.

        It shares this layer's ``params`` and ``grads`` (its backward fills this layer's
        gradients) and has a cache of its own. For a pooling layer whose windows never read
        the last output row or column (a "valid" 2x2 pool of an odd map drops it): those
        cells would get zero gradient, so leaving them out changes no number the network
        uses, and saves their share of the three products (a sixth of them for 11x11 maps).

        Parameters
        ----------
        out_hw : (rows, cols)
            At least 1 and at most this layer's output size on each axis.

        Examples
        --------
        >>> conv = Conv2D(4, 3)
        >>> conv.build((13, 13, 2), rng=np.random.default_rng(0))
        (11, 11, 4)
        >>> twin = conv.cropped((10, 10))
        >>> x = np.random.default_rng(1).standard_normal((1, 13, 13, 2)).astype(np.float32)
        >>> np.allclose(twin.forward(x), conv.forward(x)[:, :10, :10])
        True
        >>> twin.grads is conv.grads
        True
        """
        rows, cols = check_pair(out_hw, "out_hw")
        if rows > self.out_hw[0] or cols > self.out_hw[1]:
            raise ValueError(f"`out_hw` must be at most the layer's output size "
                             f"{self.out_hw}, got {(rows, cols)}")
        twin = copy.copy(self)
        twin.out_hw = (rows, cols)
        twin.windows = Windows(self.kernel_size, self.stride, twin.out_hw)
        twin.output_shape = twin.out_hw + (self.filters,)
        twin._cache = None
        return twin

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        n = x.shape[0]
        kh, kw, c, f = self.params["weight"].shape
        ho, wo = self.out_hw
        xc = channels_first_padded(x, self.pads)  # (C, N, Hp, Wp), no copy when it can
        cols = im2col(xc, self.windows)  # (K, M)
        out = self.params["weight"].reshape(kh * kw * c, f).T @ cols  # (F, M)
        self._cache = (cols, x.shape) if training else None
        out = out.reshape(f, n, ho, wo)
        out += self.params["bias"][:, None, None, None]
        # Channels last in shape, channels first in memory: the next layer's ufuncs run
        # along whole image rows, and the next Conv2D's im2col needs no transpose.
        return out.transpose(1, 2, 3, 0)  # (N, H', W', F)

    def _param_grads(self, dout: np.ndarray) -> np.ndarray:
        """Fill the weight and bias gradients; return ``dout`` as (F, N*H'*W')."""
        cols, (n, h, w, c) = self._cached()
        kh, kw, _, f = self.params["weight"].shape
        ho, wo = self.out_hw
        dout = self._check_dout(dout)
        dout_t = np.ascontiguousarray(dout.transpose(3, 0, 1, 2))
        dout_t = dout_t.reshape(f, n * ho * wo)  # (F, M)
        _matmul_nt(cols, dout_t, self.grads["weight"].reshape(kh * kw * c, f))  # (K, F)
        np.sum(dout_t, axis=1, out=self.grads["bias"])
        return dout_t

    def param_backward(self, dout: np.ndarray) -> None:
        """The weight and bias gradients without the input's (no col2im)."""
        self._param_grads(dout)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout_t = self._param_grads(dout)  # (F, M)
        _, (n, h, w, c) = self._cached()
        kh, kw, _, f = self.params["weight"].shape
        dcols = self.params["weight"].reshape(kh * kw * c, f) @ dout_t  # (K, M)
        (t, b), (left, r) = self.pads
        padded = (c, n, h + t + b, w + left + r)
        dxc = col2im(dcols, self.windows, padded)  # (C, N, Hp, Wp)
        dxc = dxc[:, :, t:t + h, left:left + w]  # crop the padding
        return dxc.transpose(1, 2, 3, 0)  # (N, H, W, C), channels first in memory
