"""MaxPool2D and AvgPool2D layers: forward and backward, vectorised over windows.

Both loop over the pool's taps (the pH * pW offsets inside a window), never over pixels:
the views of :class:`convviz.engine.im2col.Windows`, the geometry Conv2D's im2col uses.
They reduce one tap at a time instead of copying the taps into im2col columns: a running
max (with the winning tap's index) or sum needs one (N, H', W', C) array, where columns
would hold pH * pW copies of the input.
Max pooling records, per output cell, which tap won (the first maximum in row-major
order, as PyTorch does), and its backward routes each gradient to that winner only.
Average pooling spreads each gradient evenly over its window.

Padding is "valid" (none) or "same" (Keras: output ``ceil(n / stride)``, the odd extra
pixel at the bottom/right); padding cells never win a max and do not count in an average,
as in Keras.

Arrays keep whatever memory order they come in (``order="K"``): after a Conv2D, whose
output lies channels first in memory, the loops run along whole image rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.base.checks import check_pair
from convviz.engine.im2col import Windows
from convviz.nn.conv_layer import check_padding, window_geometry
from convviz.nn.layers import Layer


class _Pool2D(Layer):
    """Shared arguments, geometry and tap views of the pooling layers."""

    def __init__(self, pool_size: Any = 2, stride: Any = None, *,
                 padding: str = "valid") -> None:
        super().__init__()
        self.pool_size = check_pair(pool_size, "pool_size")
        self.stride = self.pool_size if stride is None else check_pair(stride, "stride")
        self.padding = check_padding(padding, allow_int=False)

    def get_config(self) -> dict[str, Any]:
        return {"pool_size": list(self.pool_size), "stride": list(self.stride),
                "padding": self.padding}

    def _build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        self.pads, self.out_hw = window_geometry(input_shape, self.pool_size, self.stride,
                                                 self.padding, type(self).__name__)
        self.windows = Windows(self.pool_size, self.stride, self.out_hw)
        return self.out_hw + (input_shape[2],)

    @property
    def reach(self) -> tuple[int, int]:
        """(rows, cols) of the input the windows read, from the top left.

        The whole input with "same" padding; with "valid", a rest no window reaches (the
        last row of an odd map pooled 2x2) is left out.

        Examples
        --------
        >>> pool = MaxPool2D(2)
        >>> pool.build((11, 11, 3))
        (5, 5, 3)
        >>> pool.reach
        (10, 10)
        """
        if self.padding != "valid":
            return self.input_shape[:2]
        return tuple((n - 1) * s + p for n, s, p in  # type: ignore[return-value]
                     zip(self.out_hw, self.stride, self.pool_size, strict=True))

    def on_input(self, input_shape: tuple[int, ...]) -> _Pool2D:
        """A new pooling layer like this one (same kind, size, stride and padding, name and
        dtype) built for another input shape (H, W, C)."""
        twin = type(self)(self.pool_size, self.stride, padding=self.padding)
        twin.build(input_shape, dtype=self.dtype)
        twin.name = self.name
        return twin

    @property
    def _padded(self) -> bool:
        return any(self.pads[0]) or any(self.pads[1])

    @property
    def _disjoint(self) -> bool:
        """Windows do not overlap, so each input cell gets at most one gradient."""
        return all(s >= p for s, p in zip(self.stride, self.pool_size, strict=True))

    @property
    def _tiled(self) -> bool:
        """Windows tile the input: no padding, stride = pool size (each cell in at most one)."""
        return not self._padded and self.stride == self.pool_size

    def _tiled_empty(self, like: np.ndarray) -> np.ndarray:
        """An input-shaped gradient for tiling windows: uninitialised where the windows will
        write every cell, zero in the rest no window reaches (an odd last row or column)."""
        h, w, c = self.input_shape
        (ph, pw), (ho, wo) = self.pool_size, self.out_hw
        dx = np.empty_like(like, dtype=self.dtype, shape=(like.shape[0], h, w, c))
        dx[:, ho * ph:] = 0
        dx[:, :, wo * pw:] = 0
        return dx

    def _pad(self, x: np.ndarray, fill: float) -> np.ndarray:
        if not self._padded:
            return x
        (t, b), (left, r) = self.pads
        n, h, w, c = x.shape
        xp = np.full_like(x, fill, shape=(n, h + t + b, w + left + r, c))  # keeps the order
        xp[:, t:t + h, left:left + w] = x
        return xp

    def _taps(self, xp: np.ndarray):
        """Yield the (N, H', W', C) view of every tap, in row-major order."""
        return self.windows.taps(xp)

    def _padded_zeros(self, like: np.ndarray) -> np.ndarray:
        """Zeros of the padded input's shape, in the memory order of ``like``."""
        (t, b), (left, r) = self.pads
        h, w, c = self.input_shape
        return np.zeros_like(like, dtype=self.dtype, shape=(like.shape[0], h + t + b,
                                                            w + left + r, c))

    def _crop(self, dxp: np.ndarray) -> np.ndarray:
        if not self._padded:
            return dxp
        (t, _), (left, _) = self.pads
        h, w = self.input_shape[:2]
        return dxp[:, t:t + h, left:left + w]


class MaxPool2D(_Pool2D):
    """Max pooling: the largest value of each window, every channel on its own.

    Parameters
    ----------
    pool_size : int or (pH, pW), default 2
    stride : int or (rows, cols), optional
        Defaults to ``pool_size`` (non-overlapping windows).
    padding : "valid" or "same"

    Notes
    -----
    Input (N, H, W, C), output (N, H', W', C). A rest that no window reaches (the last row
    of an odd input pooled 2x2) is dropped and gets zero gradient. Ties go to the first
    maximum in row-major order, as in PyTorch.
    Once built, ``windows`` is the pool's :class:`convviz.engine.im2col.Windows`.

    Examples
    --------
    >>> pool = MaxPool2D(2)
    >>> pool.build((4, 4, 1), dtype=np.float64)
    (2, 2, 1)
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8.]])
    >>> pool.forward(x.reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[4., 2.],
           [5., 8.]])
    >>> pool.backward(np.ones((1, 2, 2, 1)))[0, :, :, 0]
    array([[0., 0., 1., 0.],
           [1., 0., 0., 0.],
           [1., 0., 0., 0.],
           [0., 0., 0., 1.]])
    """

    kind = "max_pool2d"

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        taps = self._taps(self._pad(x, -np.inf))
        best = next(taps).copy(order="K")  # (N, H', W', C)
        if not training:
            for tap in taps:
                np.maximum(best, tap, out=best)
            self._cache = None
            return best
        n_taps = self.pool_size[0] * self.pool_size[1]
        index = np.uint8 if n_taps <= 256 else np.int32
        winner = np.zeros_like(best, dtype=index)  # which tap holds the maximum
        wins = np.empty_like(best, dtype=bool)
        stamp = np.empty_like(winner)
        new = np.empty_like(best)
        for t, tap in enumerate(taps, start=1):
            # the one pass over the strided tap; the comparison reads only the two
            # contiguous maxima, and they differ exactly where this tap is strictly larger
            # (on a tie the earlier tap keeps it, as in PyTorch)
            np.maximum(best, tap, out=new)
            np.not_equal(new, best, out=wins)
            best, new = new, best
            # t exceeds every earlier index, so max(winner, wins * t) sets winner = t
            # exactly where this tap wins (much faster than winner[wins] = t)
            np.multiply(wins, index(t), out=stamp)
            np.maximum(winner, stamp, out=winner)
        self._cache = winner
        return best

    def backward(self, dout: np.ndarray) -> np.ndarray:
        winner = self._cached()
        dout = self._check_dout(dout)
        dxp = self._tiled_empty(dout) if self._tiled else self._padded_zeros(dout)
        hit = np.empty_like(winner, dtype=bool)
        for t, view in enumerate(self._taps(dxp)):
            np.equal(winner, t, out=hit)
            if self._disjoint:
                np.multiply(dout, hit, out=view)
            else:
                np.add(view, dout * hit, out=view)
        return self._crop(dxp)


class AvgPool2D(_Pool2D):
    """Average pooling: the mean of each window, every channel on its own.

    Takes the same arguments as :class:`MaxPool2D`. With ``padding="same"`` a window
    averages only its cells inside the input (Keras's rule).

    Examples
    --------
    >>> pool = AvgPool2D(2)
    >>> pool.build((4, 4, 1), dtype=np.float64)
    (2, 2, 1)
    >>> x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 7, 2], [0, 2, 3, 8.]])
    >>> pool.forward(x.reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[2.5, 1. ],
           [2. , 5. ]])
    >>> pool.backward(np.ones((1, 2, 2, 1)))[0, 0, :, 0]
    array([0.25, 0.25, 0.25, 0.25])
    """

    kind = "avg_pool2d"

    def _counts(self) -> np.ndarray | float:
        """Cells of the input in each window: (H', W', 1) with padding, else a number."""
        if not self._padded:
            return float(self.pool_size[0] * self.pool_size[1])
        ones = self._pad(np.ones((1,) + self.input_shape[:2] + (1,), dtype=self.dtype), 0.0)
        return sum(tap.astype(self.dtype) for tap in self._taps(ones))[0]

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        taps = self._taps(self._pad(x, 0.0))
        total = next(taps).copy(order="K")  # (N, H', W', C)
        for tap in taps:
            np.add(total, tap, out=total)
        total /= self._counts()
        self._cache = True if training else None
        return total

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self._cached()
        share = self._check_dout(dout) / self._counts()
        dxp = self._padded_zeros(dout)
        for view in self._taps(dxp):
            if self._disjoint:
                np.copyto(view, share)
            else:
                np.add(view, share, out=view)
        return self._crop(dxp)
