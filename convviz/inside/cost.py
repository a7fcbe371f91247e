"""What a look inside a trained network costs, estimated before any work: the seconds and
the peak bytes of so many forward and backward passes of one image.

A pass is counted in multiply-adds (:attr:`convviz.nn.Sequential.multiply_adds`, from
:mod:`convviz.engine.cost`) at an assumed, deliberately low rate
(:data:`MACS_PER_SECOND`), plus a fixed Python overhead per pass; the memory from every
layer's activations for a batch of up to :data:`CHUNK` images. A page checks the
:class:`~convviz.base.budget.Cost` against one click's budget (:mod:`convviz.base.budget`)
before the work starts, and offers a smaller job when it does not fit.

>>> from convviz.nn import Conv2D, Dense, Flatten, Sequential
>>> model = Sequential([Conv2D(8, 3), Flatten(), Dense(10)], input_shape=(28, 28, 1))
>>> forward_macs(model), attribution_cost(model, backward=50).fits
(102752, True)
"""

from __future__ import annotations

import math

from convviz.base.budget import Cost
from convviz.base.checks import check_int
from convviz.inside.checks import check_model
from convviz.nn.model import Sequential

__all__ = ["CHUNK", "MACS_PER_SECOND", "attribution_cost", "forward_macs"]

#: The multiply-adds per second a cost estimate assumes (one forward pass, numpy on one
#: shared core, small batches): deliberately low, so an estimate errs on the long side.
MACS_PER_SECOND = 5e8
_PASS_OVERHEAD = 5e-4  # s of Python per layer stack run, whatever its size
#: The most images run through the model at once (occlusion's covered copies), so the
#: most whose activations are held together.
CHUNK = 64


def forward_macs(model: Sequential) -> int:
    """The multiply-adds of one forward pass of one image (convolutions, Dense layers and
    one per pooling-window cell): :attr:`convviz.nn.Sequential.multiply_adds`.

    Examples
    --------
    >>> from convviz.nn import Conv2D, Dense, Flatten
    >>> forward_macs(Sequential([Conv2D(8, 3), Flatten(), Dense(10)], input_shape=(28, 28, 1)))
    102752
    """
    return check_model(model).multiply_adds


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
    batch = min(max(forward, backward, 1), CHUNK)
    peak = 3 * batch * values * model.dtype.itemsize  # outputs, caches, gradients
    return Cost(what, 1, 0, peak, 0, seconds)

