"""The smallest change that flips the answer: signed-gradient steps toward another class (the
iterative, targeted form of the fast gradient sign method: Goodfellow et al. 2015, Kurakin
et al. 2017) until the answer becomes that class.

The steps use the model's own forward and backward passes, on a copy, so the model's
gradients and training caches are left alone.

>>> from convviz.nn import Dense, Flatten
>>> model = Sequential([Flatten(), Dense(2)], input_shape=(2, 2, 1), dtype=np.float64)
>>> flip = flip_steps(model, np.full((2, 2, 1), 0.5), 1, epsilon=0.1, steps=3)
>>> flip.image.shape, len(flip.answers) <= 3
((2, 2, 1), True)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import check_int
from convviz.inside.checks import check_class, check_image, check_model
from convviz.nn.losses import softmax
from convviz.nn.model import Sequential

__all__ = ["Flip", "flip_steps"]


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
    model = check_model(model)
    arr = check_image(model, x)
    target = check_class(model, target, "target")
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

