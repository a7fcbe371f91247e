"""What a trained network looks at: occlusion, Grad-CAM, the smallest change that flips the
answer, what a class or a filter responds to, and where one unit's receptive field lies.

Every function runs the model's own forward and backward passes (on a copy, so the model's
gradients and training caches are left alone) and is pure numpy. The costs are counted
before any work (:func:`forward_macs`, :func:`attribution_cost`) so a page can keep a click
within :mod:`convviz.base.budget`.

- :func:`occlusion` (Zeiler & Fergus 2014): slide a grey patch over the image and record how
  much the target class's probability drops with each position covered.
- :func:`grad_cam` (Selvaraju et al. 2017): weight each feature map of a layer by the spatial
  mean of ``d logit[target] / d map``, sum, keep the positive part, upsample to the input.
- :func:`flip_steps`: signed-gradient steps toward another class (the iterative, targeted
  form of the fast gradient sign method: Goodfellow et al. 2015, Kurakin et al. 2017) until
  the answer becomes that class.
- :func:`class_visualisation`: gradient ascent on the input, with jitter and blur (Simonyan
  et al. 2014; Olah et al. 2017, "Feature Visualization"): a rough picture of what raises a
  class's score or a filter's mean response.
- :func:`unit_receptive_box`: the input pixels one unit of a layer can see, from the layers'
  kernels, strides and paddings (its size is :func:`convviz.receptive_field`'s);
  :func:`unit_gradient` is the unit's input gradient, whose support lies inside that box.

Layers are counted from 0, as in ``model.layers``; rows and columns from 0.

>>> from convviz.nn import Conv2D, Dense, Flatten, ReLU, Sequential
>>> model = Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)], input_shape=(6, 6, 1),
...                    dtype=np.float64)
>>> x = np.linspace(0, 1, 36).reshape(6, 6, 1)
>>> occlusion(model, x, 0, patch=2, stride=2).drops.shape
(3, 3)
>>> grad_cam(model, x, 0, layer=1).cam.shape
(6, 6)
>>> unit_receptive_box(model, 0, 2, 3)
ReceptiveBox(top=2, left=3, bottom=4, right=5)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy.ndimage import gaussian_filter

from convviz.base.budget import Cost
from convviz.base.checks import as_float_array, check_int
from convviz.engine.receptive import receptive_field
from convviz.nn.conv_layer import Conv2D
from convviz.nn.layers import Layer
from convviz.nn.losses import softmax
from convviz.nn.model import Sequential
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D

__all__ = ["MACS_PER_SECOND", "Flip", "GradCam", "Occlusion", "ReceptiveBox", "Visualisation",
           "attribution_cost", "bilinear_upsample", "class_visualisation", "flip_steps",
           "forward_macs", "grad_cam", "occlusion", "occlusion_positions", "spatial_layers",
           "unit_gradient", "unit_receptive_box"]

#: The multiply-adds per second a cost estimate assumes (one forward pass, numpy on one
#: shared core, small batches): deliberately low, so an estimate errs on the long side.
MACS_PER_SECOND = 5e8
_PASS_OVERHEAD = 5e-4  # s of Python per layer stack run, whatever its size
_CHUNK = 64  # occluded images run through the model at once


# -- checks and the model's passes ---------------------------------------------------------

def _check_model(model: Any, *, classifier: bool = True) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a convviz.nn.Sequential, got {type(model).__name__}")
    if classifier and len(model.output_shape) != 1:
        raise ValueError(f"`model` must output one score per class, its output has shape "
                         f"{model.output_shape}")
    if len(model.input_shape) != 3:
        raise ValueError(f"`model` must take images (H, W, C), its input shape is "
                         f"{model.input_shape}")
    return model


def _check_image(model: Sequential, x: Any) -> np.ndarray:
    if np.shape(x) != model.input_shape:
        raise ValueError(f"`x` must be one image of shape {model.input_shape} (no batch axis), "
                         f"got {np.shape(x)}")
    return as_float_array(x, "x", ndims=(3,)).astype(model.dtype)


def _check_class(model: Sequential, value: Any, name: str) -> int:
    n = model.output_shape[0]
    k = check_int(value, name, minimum=0)
    if k >= n:
        raise ValueError(f"`{name}` must be a class in 0..{n - 1}, got {k}")
    return k


def spatial_layers(model: Sequential) -> list[int]:
    """The indices of the layers whose output is a stack of maps (H', W', C').

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten, ReLU
    >>> spatial_layers(Sequential([Conv2D(2, 3), ReLU(), Flatten(), Dense(3)],
    ...                           input_shape=(6, 6, 1)))
    [0, 1]
    """
    return [i for i, layer in enumerate(model.layers) if len(layer.output_shape) == 3]


def _check_layer(model: Sequential, layer: Any) -> int:
    i = check_int(layer, "layer", minimum=0)
    maps = spatial_layers(model)
    if i not in maps:
        raise ValueError(f"`layer` must be the index of a layer with feature maps "
                         f"({', '.join(map(str, maps)) or 'none'}), got {i}")
    return i


def _run(twin: Sequential, xb: np.ndarray, upto: int | None = None) -> list[np.ndarray]:
    """Run ``xb`` through ``twin``'s layers in their own order, caching for backward;
    return every layer's output (to ``upto`` inclusive)."""
    outs, out = [], xb
    for layer in twin.layers[: None if upto is None else upto + 1]:
        out = layer.forward(out, training=True)
        outs.append(out)
    return outs


def _back(layers: list[Layer], grad: np.ndarray) -> np.ndarray:
    """Backpropagate ``grad`` through ``layers`` (last first); their caches must be set."""
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return grad


def _logit_grads(twin: Sequential, xb: np.ndarray, seed: np.ndarray,
                 layer: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """``d (logits . seed) / d (input)`` (layer None) or ``/ d (output of layer)``."""
    outs = _run(twin, xb)
    start = 0 if layer is None else layer + 1
    return _back(twin.layers[start:], seed), outs


# -- the cost of a computation ---------------------------------------------------------------

def forward_macs(model: Sequential) -> int:
    """The multiply-adds of one forward pass of one image (convolutions, Dense layers and
    one per pooling-window cell): :attr:`convviz.nn.Sequential.multiply_adds`.

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten
    >>> forward_macs(Sequential([Conv2D(8, 3), Flatten(), Dense(10)], input_shape=(28, 28, 1)))
    102752
    """
    return _check_model(model).multiply_adds


def attribution_cost(model: Sequential, *, forward: int = 0, backward: int = 0,
                     what: str = "the map") -> Cost:
    """What ``forward`` forward passes and ``backward`` forward-and-backward passes of one
    image cost, estimated before any work (a backward pass counts as two forward ones).

    Parameters
    ----------
    model : Sequential
    forward, backward : int >= 0
        How many passes of each kind.
    what : str
        What is made, for the budget's sentences.

    Returns
    -------
    Cost
        ``seconds`` from :func:`forward_macs` at :data:`MACS_PER_SECOND`; ``peak_bytes``
        from the activations of a batch of up to 64 images.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(10)], input_shape=(28, 28, 1))
    >>> attribution_cost(model, forward=1000).fits
    True
    """
    forward = check_int(forward, "forward", minimum=0)
    backward = check_int(backward, "backward", minimum=0)
    passes = forward + 3 * backward
    seconds = passes * forward_macs(model) / MACS_PER_SECOND \
        + (forward + backward) * _PASS_OVERHEAD
    values = math.prod(model.input_shape) + sum(math.prod(layer.output_shape)
                                               for layer in model.layers)
    batch = min(max(forward, backward, 1), _CHUNK)
    peak = 3 * batch * values * model.dtype.itemsize  # outputs, caches, gradients
    return Cost(what, 1, 0, peak, 0, seconds)


# -- occlusion ---------------------------------------------------------------------------------

def occlusion_positions(size: int, patch: int, stride: int) -> list[int]:
    """Where a patch starts along one side: every ``stride``-th offset, and the last one
    that fits (so with ``stride <= patch`` every pixel is covered).

    Examples
    --------
    >>> occlusion_positions(28, 4, 4), occlusion_positions(10, 4, 4)
    ([0, 4, 8, 12, 16, 20, 24], [0, 4, 6])
    """
    size = check_int(size, "size", minimum=1)
    patch = check_int(patch, "patch", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    if patch > size:
        raise ValueError(f"`patch` must be at most the image's side ({size}), got {patch}")
    starts = list(range(0, size - patch + 1, stride))
    return starts if starts[-1] == size - patch else starts + [size - patch]


class Occlusion(NamedTuple):
    """The result of :func:`occlusion`.

    Attributes
    ----------
    drops : ndarray, shape (rows, cols)
        ``p(target | x) - p(target | x with the patch at that position)``: positive where
        covering the patch lowers the probability.
    rows, cols : list of int
        The top row and left column of each patch position.
    pixel_map : ndarray, shape (H, W)
        Each pixel's mean drop over the patch positions that cover it.
    base : float
        ``p(target | x)``, the probability with nothing covered.
    passes : int
        Forward passes run (positions + 1).
    """

    drops: np.ndarray
    rows: list[int]
    cols: list[int]
    pixel_map: np.ndarray
    base: float
    passes: int


def occlusion(model: Sequential, x: Any, target: int, *, patch: int, stride: int,
              fill: float = 0.5) -> Occlusion:
    """Slide a square patch of ``fill`` over the image; record the drop in ``target``'s
    probability at each position (Zeiler & Fergus 2014).

    Parameters
    ----------
    model : Sequential
        A classifier of (H, W, C) images.
    x : array_like, shape model.input_shape
        One image.
    target : int
        The class whose probability is watched.
    patch : int
        The patch's side in pixels, 1 to min(H, W).
    stride : int
        Pixels between neighbouring patch positions, 1 to ``patch`` (so every pixel gets
        covered; :func:`occlusion_positions`).
    fill : float
        The patch's value in every channel (0.5: mid grey on [0, 1] images).

    Returns
    -------
    Occlusion
        ``passes`` is ``len(rows) * len(cols) + 1`` (count it first with
        :func:`occlusion_positions` and :func:`attribution_cost`).

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(2)], input_shape=(4, 4, 1), dtype=np.float64)
    >>> occ = occlusion(model, np.zeros((4, 4, 1)), 0, patch=2, stride=2, fill=0.0)
    >>> occ.passes, float(abs(occ.drops).max())  # covering zeros with zeros changes nothing
    (5, 0.0)
    """
    model = _check_model(model)
    arr = _check_image(model, x)
    target = _check_class(model, target, "target")
    h, w = model.input_shape[:2]
    patch = check_int(patch, "patch", minimum=1)
    if patch > min(h, w):
        raise ValueError(f"`patch` must be 1 to {min(h, w)} pixels, got {patch}")
    stride = check_int(stride, "stride", minimum=1)
    if stride > patch:
        raise ValueError(f"`stride` must be 1 to the patch's side ({patch}), got {stride}")
    if isinstance(fill, bool) or not isinstance(fill, (int, float, np.number)) \
            or not math.isfinite(fill):
        raise TypeError(f"`fill` must be a finite number, got {fill!r}")
    rows, cols = occlusion_positions(h, patch, stride), occlusion_positions(w, patch, stride)
    spots = [(r, c) for r in rows for c in cols]
    base = float(softmax(model.forward(arr[None], training=False))[0, target])
    probs = np.empty(len(spots))
    for start in range(0, len(spots), _CHUNK):
        part = spots[start:start + _CHUNK]
        batch = np.repeat(arr[None], len(part), axis=0)  # (n, H, W, C)
        for k, (r, c) in enumerate(part):
            batch[k, r:r + patch, c:c + patch] = fill
        probs[start:start + len(part)] = softmax(model.forward(batch, training=False))[:, target]
    drops = (base - probs).reshape(len(rows), len(cols))
    total, count = np.zeros((h, w)), np.zeros((h, w))
    for (r, c), d in zip(spots, drops.ravel(), strict=True):
        total[r:r + patch, c:c + patch] += d
        count[r:r + patch, c:c + patch] += 1
    return Occlusion(drops, rows, cols, total / count, base, len(spots) + 1)


# -- Grad-CAM ----------------------------------------------------------------------------------

def bilinear_upsample(img: Any, size: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D map bilinearly with pixel centres aligned, as PyTorch's
    ``interpolate(mode="bilinear", align_corners=False)`` and OpenCV's ``resize`` do.

    Examples
    --------
    >>> bilinear_upsample(np.array([[0.0, 1.0]]), (1, 4)).tolist()
    [[0.0, 0.25, 0.75, 1.0]]
    """
    arr = as_float_array(img, "img", ndims=(2,))
    out_h, out_w = (check_int(v, "size", minimum=1) for v in size)

    def weights(n_out: int, n_in: int) -> np.ndarray:  # (n_out, n_in): rows sum to 1
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(int), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = src - lo
        m = np.zeros((n_out, n_in))
        np.add.at(m, (np.arange(n_out), lo), 1 - frac)
        np.add.at(m, (np.arange(n_out), hi), frac)
        return m

    return weights(out_h, arr.shape[0]) @ arr @ weights(out_w, arr.shape[1]).T


class GradCam(NamedTuple):
    """The result of :func:`grad_cam`.

    Attributes
    ----------
    cam : ndarray, shape (H, W)
        The map upsampled to the input (bilinear), >= 0.
    coarse : ndarray, shape (H', W')
        ``ReLU(sum_k weights[k] * maps[..., k])`` at the layer's own size.
    weights : ndarray, shape (C',)
        Each map's weight: the spatial mean of ``d logit[target] / d map``.
    maps : ndarray, shape (H', W', C')
        The layer's output for ``x``.
    """

    cam: np.ndarray
    coarse: np.ndarray
    weights: np.ndarray
    maps: np.ndarray


def grad_cam(model: Sequential, x: Any, target: int, *, layer: int) -> GradCam:
    """Grad-CAM (Selvaraju et al. 2017) of ``target`` on the maps of ``layer``.

    The weight of map ``k`` is ``alpha_k = mean over (i, j) of d y / d A[i, j, k]``, with
    ``y`` the target's score before softmax (the logit); the map is
    ``ReLU(sum_k alpha_k A[..., k])``, keeping only what raises the score, then upsampled
    bilinearly to the input's size. The paper takes the last convolutional layer's
    rectified maps: pass the index of the ReLU after a convolution for those.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape model.input_shape
    target : int
    layer : int
        The index in ``model.layers`` of a layer with (H', W', C') output
        (:func:`spatial_layers`).

    Returns
    -------
    GradCam

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten
    >>> model = Sequential([Conv2D(1, 1), Flatten(), Dense(1)], input_shape=(2, 2, 1),
    ...                    dtype=np.float64)
    >>> model.layers[0].params["weight"][:] = 1.0; model.layers[2].params["weight"][:] = 2.0
    >>> grad_cam(model, np.arange(4.0).reshape(2, 2, 1), 0, layer=0).coarse.tolist()
    [[0.0, 2.0], [4.0, 6.0]]
    """
    model = _check_model(model)
    arr = _check_image(model, x)
    target = _check_class(model, target, "target")
    layer = _check_layer(model, layer)
    twin = model.astype(model.dtype)
    seed = np.zeros((1,) + model.output_shape, dtype=model.dtype)
    seed[0, target] = 1.0
    grad, outs = _logit_grads(twin, arr[None], seed, layer)
    maps = np.array(outs[layer][0])  # (H', W', C')
    weights = np.asarray(grad[0]).mean(axis=(0, 1))  # (C',)
    coarse = np.maximum(np.tensordot(maps, weights, axes=([2], [0])), 0.0)  # (H', W')
    return GradCam(bilinear_upsample(coarse, model.input_shape[:2]), coarse, weights, maps)


# -- the smallest change that flips the answer --------------------------------------------------

class Flip(NamedTuple):
    """The result of :func:`flip_steps`.

    Attributes
    ----------
    image : ndarray, shape like x
        The changed image, in [0, 1].
    perturbation : ndarray, shape like x
        ``image - x``.
    before, after : ndarray, shape (K,)
        The class probabilities of ``x`` and of ``image``.
    steps : int
        Steps taken (the first at which the answer became the target, or all of them).
    flipped : bool
        Whether the answer is now the target.
    answers : list of int
        The answer after each step.
    """

    image: np.ndarray
    perturbation: np.ndarray
    before: np.ndarray
    after: np.ndarray
    steps: int
    flipped: bool
    answers: list[int]

    @property
    def largest_change(self) -> float:
        """The largest change of any pixel, ``max |perturbation|``."""
        return float(np.abs(self.perturbation).max())


def flip_steps(model: Sequential, x: Any, target: int, *, epsilon: float,
               steps: int) -> Flip:
    """Signed-gradient steps that push the answer toward ``target``, until it is ``target``.

    Each step moves every pixel by ``epsilon`` in the direction that raises
    ``log p(target)`` (the sign of its gradient), then clips to [0, 1]:
    ``x <- clip(x + epsilon * sign(d log p(target) / d x), 0, 1)``, the targeted iterative
    fast gradient sign method. It stops at the first step whose answer (the most probable
    class) is ``target``, or after ``steps`` steps.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape model.input_shape
        One image with values in [0, 1].
    target : int
        The class to push toward.
    epsilon : float
        The change of each pixel per step, in (0, 1].
    steps : int
        The most steps, 1 to 500 (each a forward and a backward pass).

    Returns
    -------
    Flip

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(2)], input_shape=(2, 2, 1), dtype=np.float64)
    >>> dense = model.layers[1]
    >>> dense.params["weight"][:] = [[1.0, -1.0]] * 4  # class 0 likes bright pixels
    >>> dense.params["bias"][:] = [0.0, 1.0]           # score 1 - score 0 = 1 - 8 x
    >>> flip = flip_steps(model, np.full((2, 2, 1), 0.8), 1, epsilon=0.25, steps=10)
    >>> flip.flipped, flip.steps, flip.answers, round(flip.largest_change, 2)
    (True, 3, [0, 0, 1], 0.75)
    """
    model = _check_model(model)
    arr = _check_image(model, x)
    target = _check_class(model, target, "target")
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.number)) \
            or not 0 < epsilon <= 1:
        raise ValueError(f"`epsilon` must be a number in (0, 1], got {epsilon!r}")
    steps = check_int(steps, "steps", minimum=1)
    if steps > 500:
        raise ValueError(f"`steps` must be 1 to 500, got {steps}")
    twin = model.astype(model.dtype)
    before = softmax(twin.forward(arr[None], training=False))[0]
    image, answers = arr.copy(), []
    probs = before
    if int(np.argmax(before)) != target:
        for _ in range(steps):
            logits = twin.forward(image[None], training=True)
            seed = -softmax(logits)  # d log p(target) / d logits = onehot(target) - p
            seed[0, target] += 1.0
            grad = twin.backward(seed)[0]
            image = np.clip(image + epsilon * np.sign(grad), 0.0, 1.0).astype(model.dtype)
            probs = softmax(twin.forward(image[None], training=False))[0]
            answers.append(int(np.argmax(probs)))
            if answers[-1] == target:
                break
    return Flip(image, image - arr, before, probs, len(answers),
                int(np.argmax(probs)) == target, answers)


# -- what a class or a filter responds to ---------------------------------------------------------

class Visualisation(NamedTuple):
    """The result of :func:`class_visualisation`.

    Attributes
    ----------
    image : ndarray, shape model.input_shape
        The picture, in [0, 1].
    objective : ndarray, shape (steps + 1,)
        The quantity raised (the class's logit, or the filter's mean response) before each
        step and after the last.
    """

    image: np.ndarray
    objective: np.ndarray


def class_visualisation(model: Sequential, *, target: int | None = None,
                        layer: int | None = None, channel: int | None = None,
                        steps: int = 200, step_size: float = 0.05, jitter: int = 1,
                        blur: float = 0.5, seed: int = 0) -> Visualisation:
    """A picture that raises one class's score, or one filter's mean response, found by
    gradient ascent on the input with jitter and blur.

    Starting from mid grey with a little noise, each step shifts the picture by a random
    offset of up to ``jitter`` pixels (np.roll), takes the gradient of the objective, shifts
    it back, moves the picture by ``step_size`` along the gradient divided by its mean
    absolute value, blurs it (Gaussian, ``blur`` pixels) and clips it to [0, 1]. Jitter and
    blur keep it from filling with pixel-sized noise that the network also "likes". At 28 x
    28 pixels the result is a rough picture, not a portrait of the class.

    Parameters
    ----------
    model : Sequential
    target : int, optional
        The class whose logit is raised. Give either it, or ``layer`` and ``channel``.
    layer, channel : int, optional
        A layer with feature maps (:func:`spatial_layers`) and one of its channels, whose
        mean over the map is raised.
    steps : int
        1 to 500 (each a forward and a backward pass).
    step_size : float
        In (0, 1].
    jitter : int
        The largest shift in pixels, 0 to 8.
    blur : float
        The Gaussian's standard deviation in pixels, 0 (none) to 3.
    seed : int
        The noise and the shifts (the same seed gives the same picture).

    Returns
    -------
    Visualisation

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(2)], input_shape=(4, 4, 1), dtype=np.float64)
    >>> vis = class_visualisation(model, target=1, steps=5)
    >>> vis.image.shape, bool(vis.objective[-1] > vis.objective[0])
    ((4, 4, 1), True)
    """
    model = _check_model(model)
    if (target is None) == (layer is None and channel is None):
        raise ValueError("give either `target` (a class) or `layer` and `channel` (a filter)")
    if target is not None:
        target = _check_class(model, target, "target")
    else:
        if layer is None or channel is None:
            raise ValueError("`layer` and `channel` must be given together")
        layer = _check_layer(model, layer)
        n_maps = model.layers[layer].output_shape[2]
        channel = check_int(channel, "channel", minimum=0)
        if channel >= n_maps:
            raise ValueError(f"`channel` must be 0 to {n_maps - 1}, got {channel}")
    steps = check_int(steps, "steps", minimum=1)
    if steps > 500:
        raise ValueError(f"`steps` must be 1 to 500, got {steps}")
    if isinstance(step_size, bool) or not isinstance(step_size, (int, float, np.number)) \
            or not 0 < step_size <= 1:
        raise ValueError(f"`step_size` must be a number in (0, 1], got {step_size!r}")
    jitter = check_int(jitter, "jitter", minimum=0)
    if jitter > 8:
        raise ValueError(f"`jitter` must be 0 to 8 pixels, got {jitter}")
    if isinstance(blur, bool) or not isinstance(blur, (int, float, np.number)) \
            or not 0 <= blur <= 3:
        raise ValueError(f"`blur` must be a number from 0 to 3 pixels, got {blur!r}")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    twin = model.astype(model.dtype)
    image = (0.5 + 0.05 * rng.standard_normal(model.input_shape)).clip(0, 1)
    image = image.astype(model.dtype)

    def objective_and_grad(img: np.ndarray) -> tuple[float, np.ndarray]:
        if target is not None:
            seed_ = np.zeros((1,) + model.output_shape, dtype=model.dtype)
            seed_[0, target] = 1.0
            grad, outs = _logit_grads(twin, img[None], seed_)
            return float(outs[-1][0, target]), grad[0]
        outs = _run(twin, img[None], upto=layer)
        h, w, c = model.layers[layer].output_shape
        dout = np.zeros((1, h, w, c), dtype=model.dtype)
        dout[0, :, :, channel] = 1.0 / (h * w)
        grad = _back(twin.layers[:layer + 1], dout)
        return float(np.mean(outs[-1][0, :, :, channel])), grad[0]

    values = []
    for _ in range(steps):
        dy, dx = rng.integers(-jitter, jitter + 1, size=2)
        value, grad = objective_and_grad(np.roll(image, (dy, dx), axis=(0, 1)))
        values.append(value)
        grad = np.roll(grad, (-dy, -dx), axis=(0, 1))
        scale = float(np.abs(grad).mean())
        if scale > 0:
            image = image + step_size * grad / scale
        if blur > 0:
            image = gaussian_filter(image, sigma=(blur, blur, 0), mode="nearest")
        image = np.clip(image, 0.0, 1.0).astype(model.dtype)
    values.append(objective_and_grad(image)[0])
    return Visualisation(image, np.array(values))


# -- one unit's receptive field --------------------------------------------------------------------

class ReceptiveBox(NamedTuple):
    """The input pixels one unit can see: rows ``top..bottom`` and columns ``left..right``,
    inclusive. A box that starts before 0 or ends past the image reaches into the padding.
    """

    top: int
    left: int
    bottom: int
    right: int

    @property
    def size(self) -> tuple[int, int]:
        """(rows, cols) of the box, padding included."""
        return self.bottom - self.top + 1, self.right - self.left + 1

    def clipped(self, hw: tuple[int, int]) -> ReceptiveBox:
        """The part of the box inside an image of ``hw`` = (H, W) pixels.

        Examples
        --------
        >>> ReceptiveBox(-2, -2, 3, 3).clipped((28, 28))
        ReceptiveBox(top=0, left=0, bottom=3, right=3)
        """
        h, w = hw
        return ReceptiveBox(max(self.top, 0), max(self.left, 0), min(self.bottom, h - 1),
                            min(self.right, w - 1))


def _windows(model: Sequential, layer: int, axis: int) -> list[tuple[int, int, int]]:
    """(kernel, stride, padding before) along ``axis`` of every windowed layer to ``layer``."""
    out = []
    for lay in model.layers[:layer + 1]:
        if isinstance(lay, Conv2D):
            k = lay.kernel_size[axis]
        elif isinstance(lay, (MaxPool2D, AvgPool2D)):
            k = lay.pool_size[axis]
        else:
            continue  # ReLU: the field of its input
        out.append((k, lay.stride[axis], lay.pads[axis][0]))
    return out


def unit_receptive_box(model: Sequential, layer: int, row: int, col: int) -> ReceptiveBox:
    """Where the receptive field of the unit at (``row``, ``col``) of ``layer`` lies.

    Along each side, a unit ``u`` of a layer sees input pixels ``u * jump - offset`` to
    ``u * jump - offset + size - 1``: ``size`` and ``jump`` from
    :func:`convviz.receptive_field` over the windowed layers (convolutions and pooling),
    and ``offset`` the sum of each layer's padding before the first row (or column) times
    the jump below it.

    Parameters
    ----------
    model : Sequential
    layer : int
        A layer with feature maps (:func:`spatial_layers`).
    row, col : int
        The unit's position in that layer's maps.

    Returns
    -------
    ReceptiveBox
        Not clipped to the image (see :meth:`ReceptiveBox.clipped`).

    Examples
    --------
    >>> from convviz.nn import Conv2D, MaxPool2D
    >>> model = Sequential([Conv2D(2, 5, padding="same"), MaxPool2D(2)],
    ...                    input_shape=(28, 28, 1))
    >>> unit_receptive_box(model, 1, 0, 3)
    ReceptiveBox(top=-2, left=4, bottom=3, right=9)
    """
    model = _check_model(model, classifier=False)
    layer = _check_layer(model, layer)
    h, w = model.layers[layer].output_shape[:2]
    row, col = check_int(row, "row", minimum=0), check_int(col, "col", minimum=0)
    if row >= h or col >= w:
        raise ValueError(f"(`row`, `col`) must lie in the layer's {h}x{w} maps, got "
                         f"({row}, {col})")
    span = []
    for axis, u in ((0, row), (1, col)):
        wins = _windows(model, layer, axis)
        size, jump = receptive_field([(k, s, 1) for k, s, _ in wins])[-1] if wins else (1, 1)
        offset, below = 0, 1
        for _k, s, pad in wins:
            offset += pad * below
            below *= s
        start = u * jump - offset
        span.append((start, start + size - 1))
    return ReceptiveBox(span[0][0], span[1][0], span[0][1], span[1][1])


def unit_gradient(model: Sequential, x: Any, layer: int, row: int, col: int,
                  channel: int) -> np.ndarray:
    """``d maps[row, col, channel] / d x``: how each input pixel moves one unit of ``layer``,
    by the model's backward pass.

    Its support (the pixels where it is not 0) lies inside :func:`unit_receptive_box`;
    a ReLU that is off or a max pool's losing cells can make it smaller.

    Returns
    -------
    ndarray, shape like x

    Examples
    --------
    >>> from convviz.nn import Conv2D
    >>> model = Sequential([Conv2D(1, 3)], input_shape=(5, 5, 1), dtype=np.float64)
    >>> g = unit_gradient(model, np.ones((5, 5, 1)), 0, 0, 0, 0)
    >>> [int(v) for v in np.flatnonzero(np.abs(g[..., 0]).sum(axis=1))]
    [0, 1, 2]
    """
    model = _check_model(model, classifier=False)
    layer = _check_layer(model, layer)
    h, w, c = model.layers[layer].output_shape
    row, col = check_int(row, "row", minimum=0), check_int(col, "col", minimum=0)
    channel = check_int(channel, "channel", minimum=0)
    if row >= h or col >= w or channel >= c:
        raise ValueError(f"(`row`, `col`, `channel`) must lie in the layer's {h}x{w}x{c} "
                         f"output, got ({row}, {col}, {channel})")
    arr = _check_image(model, x)
    twin = model.astype(model.dtype)
    _run(twin, arr[None], upto=layer)
    dout = np.zeros((1, h, w, c), dtype=model.dtype)
    dout[0, row, col, channel] = 1.0
    return np.asarray(_back(twin.layers[:layer + 1], dout)[0])
