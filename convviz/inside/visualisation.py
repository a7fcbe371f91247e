"""What a class or a filter responds to: gradient ascent on the input, with jitter and blur
(Simonyan et al. 2014; Olah et al. 2017, "Feature Visualization"): a rough picture of what
raises a class's score or a filter's mean response.

The gradients are the model's own backward pass, on a copy (:mod:`convviz.inside.passes`),
so the model's gradients and training caches are left alone.

>>> from convviz.nn import Dense, Flatten
>>> model = Sequential([Flatten(), Dense(2)], input_shape=(4, 4, 1), dtype=np.float64)
>>> class_visualisation(model, target=0, steps=2).objective.shape
(3,)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.ndimage import gaussian_filter

from convviz.base.checks import check_int
from convviz.inside.checks import check_class, check_layer, check_model
from convviz.inside.passes import backprop, logit_grads, run_layers
from convviz.nn.model import Sequential

__all__ = ["Visualisation", "class_visualisation"]


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
    model = check_model(model)
    if (target is None) == (layer is None and channel is None):
        raise ValueError("give either `target` (a class) or `layer` and `channel` (a filter)")
    if target is not None:
        target = check_class(model, target, "target")
    else:
        if layer is None or channel is None:
            raise ValueError("`layer` and `channel` must be given together")
        layer = check_layer(model, layer)
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
            grad, outs = logit_grads(twin, img[None], seed_)
            return float(outs[-1][0, target]), grad[0]
        outs = run_layers(twin, img[None], upto=layer)
        h, w, c = model.layers[layer].output_shape
        dout = np.zeros((1, h, w, c), dtype=model.dtype)
        dout[0, :, :, channel] = 1.0 / (h * w)
        grad = backprop(twin.layers[:layer + 1], dout)
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

