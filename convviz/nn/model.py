"""Sequential: a stack of layers built at construction, with forward, backward and views."""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from convviz.base.checks import check_int
from convviz.engine.cost import conv_macs, dense_macs
from convviz.engine.memory import keep_freed_memory
from convviz.engine.threads import WORKERS, blas_single_threaded, executor, in_worker
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import Dense, Layer, ReLU, check_dtype, check_shape
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

#: A batch is split across the engine's worker threads (data parallelism: each part runs
#: the whole network on its own thread with single-threaded BLAS; numpy releases the
#: interpreter lock inside its array work) when its forward pass costs at least this many
#: multiply-adds. Measured on 2 cores: seed 003's Keras MNIST model at batch 64 (180 M)
#: trains a step about 1.4x faster split in two; the small benchmark network (12 M) gains
#: nothing (per-layer Python overhead is then the larger part), so it stays whole.
SPLIT_MACS = 50_000_000
#: Examples in each part at least.
MIN_PART = 8


class Sequential:
    """A feed-forward stack of layers, built (weights and all) from ``input_shape``.

    Parameters
    ----------
    layers : sequence of Layer
        Fresh (unbuilt) layers, applied in order.
    input_shape : tuple of int
        One example's shape, without the batch axis, e.g. (28, 28, 1).
    seed : int or numpy.random.Generator, default 0
        Source of the initial weights; each layer draws from its own child generator
        (``Generator.spawn``), so a layer's weights do not depend on the others' sizes.
    dtype : float32 or float64, default float32

    Attributes
    ----------
    layers : list of Layer
        Named Keras-style: "conv2d_1", "relu_1", "max_pool2d_1", "dense_1", ...
    input_shape, output_shape : tuple of int

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU
    >>> model = Sequential([Conv2D(8, 3), ReLU(), MaxPool2D(2), Flatten(), Dense(10)],
    ...                    input_shape=(28, 28, 1), seed=0)
    >>> model.summary()[0]
    ('conv2d_1', (26, 26, 8), 80)
    >>> model.n_params
    13610
    >>> model.forward(np.zeros((2, 28, 28, 1), dtype=np.float32)).shape
    (2, 10)
    """

    def __init__(self, layers: Sequence[Layer], input_shape: Any, *,
                 seed: int | np.random.Generator = 0, dtype: Any = np.float32) -> None:
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
            raise TypeError(f"`layers` must be a list of layers, got {type(layers).__name__}")
        if not layers:
            raise ValueError("`layers` must hold at least one layer, got an empty list")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"`layers[{i}]` must be a Layer such as Conv2D(8, 3), "
                                f"got {layer!r}")
            if layer.input_shape is not None or any(layer is other for other in layers[:i]):
                raise ValueError(f"`layers[{i}]` ({type(layer).__name__}) is already part of a "
                                 "model: give each model its own new layers")
        self.input_shape = check_shape(input_shape)
        self.dtype = check_dtype(dtype)
        keep_freed_memory()  # a step's arrays stay in the process, not paged in every step
        if isinstance(seed, np.random.Generator):
            rng = seed
        else:
            rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        self.layers: list[Layer] = list(layers)
        counts: Counter[str] = Counter()
        shape = self.input_shape
        for i, (layer, layer_rng) in enumerate(zip(self.layers, rng.spawn(len(self.layers)),
                                                   strict=True)):
            counts[layer.kind] += 1
            layer.name = f"{layer.kind}_{counts[layer.kind]}"
            try:
                shape = layer.build(shape, rng=layer_rng, dtype=self.dtype)
            except ValueError as exc:
                for done in self.layers[:i + 1]:  # leave the layers reusable
                    done.input_shape = None
                raise ValueError(f"`layers[{i}]` ({layer.name}) cannot take input of shape "
                                 f"{shape}: {exc}") from None
        self.output_shape = shape
        self._forget_runs()

    _RUN_STATE = ("_after_pool", "_cropped", "_ran", "_parts", "_spares")  # _forget_runs sets

    def _forget_runs(self) -> None:
        """Start with nothing run: no stand-in layers, no last forward, no replicas."""
        self._after_pool: dict[int, ReLU] = {}  # see _run_order
        self._cropped: dict[int, tuple[Conv2D, Layer]] = {}  # see _crop_unread
        self._ran: list[tuple[Layer, ...]] | None = None  # what the last forward ran
        self._parts: list[Sequential] | None = None  # the last split forward's replicas
        self._spares: list[Sequential] = []  # replicas kept for the next split forward

    # -- computing ----------------------------------------------------------------------
    def _as_batch(self, x: Any, name: str = "x") -> np.ndarray:
        arr = np.asarray(x)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                       or arr.dtype == bool):
            raise TypeError(f"`{name}` must be an array of numbers, got dtype {arr.dtype}")
        if arr.shape[1:] != self.input_shape or arr.shape[0] == 0:
            want = ", ".join(map(str, self.input_shape))
            raise ValueError(f"`{name}` must have shape (N, {want}) with N >= 1, got "
                             f"{arr.shape}")
        return arr.astype(self.dtype, copy=False)

    def forward(self, x: Any, training: bool = True) -> np.ndarray:
        """Run a batch through every layer.

        Parameters
        ----------
        x : array_like, shape (N, *input_shape)
        training : bool
            Cache what :meth:`backward` needs (off for inference: less memory).

        Returns
        -------
        ndarray, shape (N, *output_shape)
            The logits, for a classifier.
        """
        out = self._as_batch(x)
        n_parts = self.split_parts(len(out))
        if n_parts == 1:
            self._parts = None
            return self._forward_whole(out, training)
        # data parallelism: this model runs the first part, replicas sharing its weights
        # the others; backward sums their gradients into this model's
        self._parts = [self, *self._replicas(n_parts - 1)]
        with blas_single_threaded():
            jobs = [executor().submit(part._forward_whole, chunk, training)
                    for part, chunk in zip(self._parts, np.array_split(out, n_parts),
                                           strict=True)]
            return np.concatenate([job.result() for job in jobs])

    def _forward_whole(self, out: np.ndarray, training: bool) -> np.ndarray:
        """:meth:`forward` of one batch on this thread."""
        self._ran = self._run_order()
        for group in self._ran:
            for layer in group:
                out = layer.forward(out, training)
        return out

    def split_parts(self, n: int) -> int:
        """How many parts :meth:`forward` splits a batch of ``n`` examples into.

        More than one when the batch's forward pass costs at least :data:`SPLIT_MACS`
        multiply-adds, each part has :data:`MIN_PART` examples or more, the engine has
        several workers and this is not already one of them.

        Examples
        --------
        >>> from convviz.nn import Dense
        >>> Sequential([Dense(2)], input_shape=(3,)).split_parts(64)
        1
        """
        n = check_int(n, "n", minimum=1)
        if n * self.multiply_adds < SPLIT_MACS or in_worker():
            return 1
        return max(1, min(WORKERS, n // MIN_PART))

    def _replicas(self, n: int) -> list[Sequential]:
        """``n`` replicas for a split forward: the last ones again while they still share
        this model's parameters (made anew after a layer's ``params`` or dtype changed)."""
        spares = self._spares
        if len(spares) != n or any(twin.params is not layer.params or twin.dtype != layer.dtype
                                   for spare in spares
                                   for twin, layer in zip(spare.layers, self.layers,
                                                          strict=True)):
            spares = self._spares = [self._replica() for _ in range(n)]
        return spares

    def _replica(self) -> Sequential:
        """A twin sharing this model's weights (the same ``params`` dicts) with its own
        gradients and caches: one part of a split batch."""
        twin = copy.copy(self)
        twin.layers = [layer.sharing_twin() for layer in self.layers]
        twin._forget_runs()
        return twin

    def _run_order(self) -> list[tuple[Layer, ...]]:
        """The layers in the order :meth:`forward` runs them, grouped.

        A ReLU right before a MaxPool2D runs after it, on the pooled map: the two commute
        exactly (max is monotone, so ``relu(max(w)) == max(relu(w))`` for every window, and
        the gradients agree too: a window whose maximum is positive has the same first
        winner either way, and one whose maximum is <= 0 passes no gradient either way),
        and the ReLU then touches a quarter of the numbers (a 2x2 pool). The ReLU that runs
        there is one built for the pooled shape; the model's own ReLU layer is unchanged.
        """
        order: list[tuple[Layer, ...]] = []
        layers, i = self.layers, 0
        while i < len(layers):
            layer = layers[i]
            if (type(layer) is ReLU and i + 1 < len(layers)
                    and type(layers[i + 1]) is MaxPool2D):
                pool = layers[i + 1]
                relu = self._after_pool.get(i)
                if relu is None or relu.dtype != pool.dtype:
                    relu = ReLU()
                    relu.build(pool.output_shape, dtype=pool.dtype)
                    relu.name = layer.name
                    self._after_pool[i] = relu
                order.append((pool, relu))
                i += 2
            else:
                order.append((layer,))
                i += 1
        return self._crop_unread(order)

    def _crop_unread(self, order: list[tuple[Layer, ...]]) -> list[tuple[Layer, ...]]:
        """Let a Conv2D skip the output cells the pooling right after it never reads.

        A "valid" pooling drops a rest no window reaches (2x2 windows over an 11x11 map
        read rows and columns 0-9 only). Those cells feed nothing and get zero gradient,
        so the Conv2D computes just the part the pool reads (:meth:`Conv2D.cropped`, which
        fills the layer's own gradients) and a pool built for that part runs after it: the
        same numbers for everything downstream, a sixth less work for an 11x11 map. The
        two stand-ins are kept for the next step while they still share the layer's
        arrays and dtype.
        """
        for k in range(len(order) - 1):
            conv, (pool, *after) = order[k][0], order[k + 1]
            if (type(conv) is not Conv2D or type(pool) not in (MaxPool2D, AvgPool2D)
                    or len(order[k]) != 1 or pool.reach == conv.out_hw):
                continue
            kept = self._cropped.get(k)
            if (kept is None or kept[0].params is not conv.params
                    or kept[0].grads is not conv.grads or kept[0].dtype != conv.dtype
                    or kept[1].dtype != pool.dtype):
                kept = (conv.cropped(pool.reach),
                        pool.on_input(pool.reach + (conv.filters,)))
                self._cropped[k] = kept
            order[k] = (kept[0],)
            order[k + 1] = (kept[1], *after)
        return order

    def backward(self, dout: Any, *, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate ``dout`` (d loss / d output) through every layer.

        Fills each layer's ``grads`` (overwriting them) and returns d loss / d input,
        shape (N, *input_shape). Call :meth:`forward` with ``training=True`` first. With
        ``input_grad=False`` (training: nothing uses the image's gradient) the first layer
        fills its ``grads`` only (:meth:`Layer.param_backward`) and None is returned.
        """
        grad = np.asarray(dout, dtype=self.dtype)
        if grad.shape[1:] != self.output_shape:
            raise ValueError(f"`dout` must have shape (N, {', '.join(map(str, self.output_shape))})"
                             f", the model's output, got {grad.shape}")
        if self._ran is None:
            raise RuntimeError("the model has nothing to differentiate: call "
                               "forward(x, training=True) before backward")
        if self._parts is None:
            return self._backward_whole(grad, input_grad)
        with blas_single_threaded():
            jobs = [executor().submit(part._backward_whole, chunk, input_grad)
                    for part, chunk in zip(self._parts, np.array_split(grad, len(self._parts)),
                                           strict=True)]
            results = [job.result() for job in jobs]
        for layer, *twins in zip(self.layers, *(part.layers for part in self._parts[1:]),
                                 strict=True):
            for key, g in layer.grads.items():
                for twin in twins:
                    g += twin.grads[key]
        return np.concatenate(results) if input_grad else None

    def _backward_whole(self, grad: np.ndarray, input_grad: bool) -> np.ndarray | None:
        """:meth:`backward` of one batch on this thread."""
        first, *rest = [layer for group in self._ran for layer in group]
        for layer in reversed(rest):
            grad = layer.backward(grad)
        if not input_grad:
            first.param_backward(grad)
            return None
        return first.backward(grad)

    def predict(self, x: Any, *, batch_size: int = 256) -> np.ndarray:
        """Predicted class (argmax of the output) of each example, in batches.

        Returns an int64 array of shape (N,).
        """
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        arr = self._as_batch(x)
        return np.concatenate([self.forward(arr[i:i + batch_size], training=False).argmax(axis=1)
                               for i in range(0, len(arr), batch_size)])

    def activations(self, x: Any) -> list[tuple[str, np.ndarray]]:
        """Every layer's output for ``x``: the feature maps, as (layer name, array) pairs.

        ``x`` is a batch (N, *input_shape), or one example of ``input_shape``, whose
        outputs then come without the batch axis.
        """
        arr = np.asarray(x)
        single = arr.shape == self.input_shape
        out = self._as_batch(arr[None] if single else arr)
        result = []
        for layer in self.layers:
            out = layer.forward(out, training=False)
            result.append((layer.name, out[0] if single else out))
        return result

    # -- describing ----------------------------------------------------------------------
    def summary(self) -> list[tuple[str, tuple[int, ...], int]]:
        """(name, output shape without batch, parameter count) for each layer, as Keras."""
        return [(layer.name, layer.output_shape, layer.n_params) for layer in self.layers]

    def parameters(self) -> Iterator[tuple[Layer, str]]:
        """Every trainable array as a (layer, key) pair: ``layer.params[key]``."""
        for layer in self.layers:
            for key in layer.params:
                yield layer, key

    @property
    def n_params(self) -> int:
        """Total number of trainable numbers."""
        return sum(layer.n_params for layer in self.layers)

    @property
    def multiply_adds(self) -> int:
        """The multiply-adds of one example's forward pass: the convolutions and Dense
        layers (``engine.cost``), and one per pooling-window cell.

        Examples
        --------
        >>> from convviz.nn import Conv2D, Dense, Flatten
        >>> Sequential([Conv2D(8, 3), Flatten(), Dense(10)],
        ...            input_shape=(28, 28, 1)).multiply_adds  # 26*26*8*9 + 5408*10
        102752
        """
        total = 0
        for layer in self.layers:
            if isinstance(layer, Conv2D):
                kh, kw, c, f = layer.params["weight"].shape
                total += conv_macs(*layer.out_hw, kh, kw, c, f)
            elif isinstance(layer, Dense):
                total += dense_macs(*layer.params["weight"].shape)
            elif isinstance(layer, (MaxPool2D, AvgPool2D)):
                total += math.prod(layer.output_shape) * math.prod(layer.pool_size)
        return total

    def astype(self, dtype: Any) -> Sequential:
        """A copy of this model with parameters of ``dtype``, as numpy's ``astype``.

        Every layer is copied with :meth:`Layer.astype`: the copy owns its arrays and holds
        no training caches; this model is left as it is, even when ``dtype`` is its own.

        Parameters
        ----------
        dtype : float32 or float64

        Returns
        -------
        Sequential

        Examples
        --------
        >>> from convviz.nn import Dense
        >>> model = Sequential([Dense(2)], input_shape=(3,))
        >>> twin = model.astype(np.float64)
        >>> twin.dtype, model.dtype, twin.layers[0] is model.layers[0]
        (dtype('float64'), dtype('float32'), False)
        """
        dt = check_dtype(dtype)
        twin = copy.copy(self)
        for key, value in vars(self).items():
            if key != "layers" and key not in self._RUN_STATE:
                setattr(twin, key, copy.deepcopy(value))
        twin.layers = [layer.astype(dt) for layer in self.layers]
        twin.dtype = dt
        twin._forget_runs()  # no caches: the copy has run nothing yet
        return twin

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.layers))
        return f"Sequential([{inner}], input_shape={self.input_shape})"
