"""The layer protocol and the simplest layers: ReLU, Flatten and Dense.

Every layer follows one small protocol (micrograd style: each backward sits right beside
its forward):

- ``build(input_shape, rng=..., dtype=...) -> output_shape`` creates the parameters;
  shapes leave out the batch axis, channels last: ``(H, W, C)`` or ``(features,)``.
- ``forward(x, training=True)`` maps a batch ``(N, *input_shape)`` to
  ``(N, *output_shape)`` and, when training, caches what backward needs.
- ``backward(dout) -> dx`` takes the gradient of the loss with respect to the output,
  fills ``self.grads`` (same keys and shapes as ``self.params``, overwritten, not
  accumulated) and returns the gradient with respect to the input.
"""

from __future__ import annotations

import copy
import math
from typing import Any, ClassVar, TypeVar

import numpy as np

from convviz.base.checks import check_int

DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_L = TypeVar("_L", bound="Layer")


def check_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as float32 or float64, or raise naming ``name``.

    Examples
    --------
    >>> check_dtype("float64")
    dtype('float64')
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"`{name}` must be float32 or float64, got {dtype!r}") from None
    if dt not in DTYPES:
        raise ValueError(f"`{name}` must be float32 or float64, got {dt}")
    return dt


def check_shape(shape: Any, name: str = "input_shape") -> tuple[int, ...]:
    """Return ``shape`` as a non-empty tuple of positive ints, or raise naming ``name``.

    Examples
    --------
    >>> check_shape([28, 28, 1])
    (28, 28, 1)
    """
    if not isinstance(shape, (tuple, list)) or len(shape) == 0:
        raise TypeError(f"`{name}` must be a non-empty tuple of positive integers such as "
                        f"(28, 28, 1), got {shape!r}")
    return tuple(check_int(s, f"{name}[{i}]", minimum=1) for i, s in enumerate(shape))


def he_normal(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int,
              dtype: np.dtype) -> np.ndarray:
    """He (Kaiming) initialisation: normal with standard deviation ``sqrt(2 / fan_in)``.

    Drawn in float64 and then cast, so float32 and float64 models from one seed agree.

    Examples
    --------
    >>> w = he_normal(np.random.default_rng(0), (400, 10), 400, np.dtype(np.float32))
    >>> w.shape, w.dtype
    ((400, 10), dtype('float32'))
    """
    return (rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)).astype(dtype)


class Layer:
    """Base class of every layer: parameters, gradients, build, forward and backward.

    Attributes
    ----------
    params, grads : dict of str to ndarray
        The same keys and shapes; ``grads`` is overwritten by each ``backward``.
    name : str
        Keras-style name given by the model ("conv2d_1"); the kind until then.
    input_shape, output_shape : tuple of int or None
        Shapes without the batch axis, set by ``build``.
    """

    kind: ClassVar[str] = "layer"  # the stem of Keras-style names

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.name: str = self.kind
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype = DTYPES[0]
        self._cache: Any = None

    # -- protocol ---------------------------------------------------------------------
    def build(self, input_shape: Any, *, rng: np.random.Generator | None = None,
              dtype: Any = np.float32) -> tuple[int, ...]:
        """Create the parameters for inputs of ``input_shape`` (no batch axis).

        Parameters
        ----------
        input_shape : tuple of int
        rng : numpy.random.Generator, optional
            Source of the initial weights (``default_rng(0)`` when omitted).
        dtype : float32 or float64

        Returns
        -------
        tuple of int
            The output shape, without the batch axis.
        """
        shape = check_shape(input_shape)
        self.dtype = check_dtype(dtype)
        out = self._build(shape, np.random.default_rng(0) if rng is None else rng)
        self.input_shape, self.output_shape = shape, out
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self._cache = None
        return out

    def _build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        return input_shape

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """Map a batch ``(N, *input_shape)`` to ``(N, *output_shape)``."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Fill ``self.grads`` and return the gradient with respect to the input."""
        raise NotImplementedError

    def param_backward(self, dout: np.ndarray) -> None:
        """Fill ``self.grads`` only: the first layer of a model being trained needs no
        gradient with respect to its input (the image). A layer that can skip that work
        (:class:`~convviz.nn.conv_layer.Conv2D`, where it is a col2im) overrides this."""
        self.backward(dout)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as JSON-friendly values (saved in model files)."""
        return {}

    # -- shared helpers ---------------------------------------------------------------
    @property
    def n_params(self) -> int:
        """Number of trainable numbers in this layer."""
        return sum(int(p.size) for p in self.params.values())

    def sharing_twin(self: _L) -> _L:
        """A copy that shares this layer's parameters (the same ``params`` dict, so an
        optimizer's update reaches both) with gradients and a cache of its own: one part of
        a batch split across threads (:meth:`convviz.nn.Sequential.split_parts`).

        Examples
        --------
        >>> dense = Dense(2)
        >>> dense.build((3,))
        (2,)
        >>> twin = dense.sharing_twin()
        >>> twin.params is dense.params, twin.grads["weight"] is dense.grads["weight"]
        (True, False)
        """
        twin = copy.copy(self)
        twin.grads = {key: np.empty_like(g) for key, g in self.grads.items()}
        twin._cache = None
        return twin

    def astype(self: _L, dtype: Any) -> _L:
        """A copy of this layer with parameters and gradients of ``dtype``, as numpy's.

        The copy owns its arrays and holds no training cache; this layer is left as it is
        (its dtype, parameters, gradients and cache), even when ``dtype`` is its own.

        Parameters
        ----------
        dtype : float32 or float64

        Returns
        -------
        Layer
            Of this layer's class, with its name, shapes and settings.

        Examples
        --------
        >>> dense = Dense(2)
        >>> dense.build((3,))
        (2,)
        >>> twin = dense.astype(np.float64)
        >>> twin.params["weight"].dtype, dense.params["weight"].dtype
        (dtype('float64'), dtype('float32'))
        """
        dt = check_dtype(dtype)
        twin = copy.copy(self)
        skip = ("params", "grads", "_cache")  # replaced below: cast, or dropped
        for key, value in vars(self).items():
            if key not in skip:
                setattr(twin, key, copy.deepcopy(value))
        twin.dtype = dt
        twin.params = {k: v.astype(dt) for k, v in self.params.items()}  # always a copy
        twin.grads = {k: v.astype(dt) for k, v in self.grads.items()}
        twin._cache = None
        return twin

    def _check_input(self, x: np.ndarray) -> np.ndarray:
        """Check a batch's shape and return it in this layer's dtype (no copy if it is)."""
        x = np.asarray(x)
        if self.input_shape is None:
            raise RuntimeError(f"layer `{self.name}` is not built: call "
                               "build(input_shape) or put it in a Sequential model")
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"`x` must have shape (N, {', '.join(map(str, self.input_shape))})"
                             f" for layer `{self.name}`, got {x.shape}")
        return x.astype(self.dtype, copy=False)

    def _check_dout(self, dout: Any) -> np.ndarray:
        """Check an output gradient's shape and return it in this layer's dtype."""
        dout = np.asarray(dout, dtype=self.dtype)
        if self.output_shape is not None and dout.shape[1:] != self.output_shape:
            want = ", ".join(map(str, self.output_shape))
            raise ValueError(f"`dout` must have shape (N, {want}) for layer `{self.name}`, "
                             f"got {dout.shape}")
        return dout

    def _cached(self) -> Any:
        if self._cache is None:
            raise RuntimeError(f"layer `{self.name}` has nothing to differentiate: call "
                               "forward(x, training=True) before backward")
        return self._cache

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ReLU(Layer):
    """Rectified linear unit, ``max(x, 0)`` element-wise; any input shape.

    Examples
    --------
    >>> relu = ReLU()
    >>> relu.build((3,), dtype=np.float64)
    (3,)
    >>> relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 2.]])
    >>> relu.backward(np.ones((1, 3)))  # the slope is 0 where x <= 0
    array([[0., 0., 1.]])
    """

    kind = "relu"

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        out = np.maximum(x, 0)
        self._cache = out if training else None
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = self._cached()
        return np.multiply(self._check_dout(dout), out > 0)


class Flatten(Layer):
    """Flatten every example to a vector: ``(N, H, W, C) -> (N, H * W * C)``.

    Examples
    --------
    >>> flat = Flatten()
    >>> flat.build((5, 5, 16))
    (400,)
    >>> flat.forward(np.zeros((2, 5, 5, 16), dtype=np.float32)).shape
    (2, 400)
    """

    kind = "flatten"

    def _build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        return (math.prod(input_shape),)

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        # keep x (a reference, no copy) for its memory layout (a Conv2D's maps are
        # channels first in memory): backward hands its gradient back in that layout, so
        # the layers before (a pool, a ReLU) run their ufuncs over aligned arrays
        # (measured: a 2x2 max pool's backward 25% faster)
        self._cache = x if training else None
        return x.reshape(x.shape[0], -1)  # (N, H*W*C), row-major as Keras

    def backward(self, dout: np.ndarray) -> np.ndarray:
        like = self._cached()
        dout = self._check_dout(dout)
        grad = dout.reshape((dout.shape[0],) + self.input_shape)
        out = np.empty_like(like, dtype=grad.dtype)  # the forward input's memory order
        np.copyto(out, grad)
        return out


class Dense(Layer):
    """Fully connected layer: ``x @ weight + bias``.

    Parameters
    ----------
    units : int
        Number of outputs.

    Notes
    -----
    ``params["weight"]`` has shape (in, units) and ``params["bias"]`` (units,). The input
    must be a batch of vectors ``(N, in)``: put a :class:`Flatten` before it.

    Examples
    --------
    >>> dense = Dense(10)
    >>> dense.build((400,), rng=np.random.default_rng(0))
    (10,)
    >>> dense.params["weight"].shape, dense.n_params
    ((400, 10), 4010)
    >>> dense.forward(np.zeros((2, 400), dtype=np.float32)).shape
    (2, 10)
    """

    kind = "dense"

    def __init__(self, units: int) -> None:
        super().__init__()
        self.units = check_int(units, "units", minimum=1)

    def get_config(self) -> dict[str, Any]:
        return {"units": self.units}

    def _build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        if len(input_shape) != 1:
            raise ValueError(f"Dense takes vectors, got input shape {input_shape}: put a "
                             "Flatten() layer before it")
        n_in = input_shape[0]
        self.params = {"weight": he_normal(rng, (n_in, self.units), n_in, self.dtype),
                       "bias": np.zeros(self.units, dtype=self.dtype)}
        return (self.units,)

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._check_input(x)
        self._cache = x if training else None
        out = x @ self.params["weight"]  # (N, units)
        out += self.params["bias"]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self._cached()
        dout = self._check_dout(dout)
        np.matmul(x.T, dout, out=self.grads["weight"])  # (in, units)
        np.sum(dout, axis=0, out=self.grads["bias"])
        return dout @ self.params["weight"].T  # (N, in)
