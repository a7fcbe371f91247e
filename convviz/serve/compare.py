"""Two training runs that differ in one setting, trained in turn: the training page's
"Compare two settings".

:func:`paired_settings` makes the two :class:`~convviz.serve.session.TrainSettings` from the
page's settings and the one setting to vary (:data:`VARIABLES`: the learning rate, the
optimizer, pooling or strided convolution, the first convolution's filter count, and
augmentation: each training image shifted by up to a few pixels). Both keep
everything else, the seed and the batch size included, so both runs see the same batches in
the same order (a :class:`~convviz.nn.train.Trainer` shuffles each epoch with its seed).
:func:`build_comparison` builds both models from that seed and, when their weights have the
same shapes, gives the second the first's initial weights. :func:`compare_tick` trains the
run that is behind by one slice of :func:`~convviz.serve.session.training_tick`, inside the
server's training slots: a comparison takes one slot at a time, as one training does.

Examples
--------
>>> from convviz.nn.data import load_builtin
>>> ds = load_builtin("digits")
>>> base = TrainSettings(arch_text="C4k3:relu;M2;F;D10", epochs=1)
>>> pair = paired_settings(base, "lr", (0.001, 0.01))
>>> pair.labels
('learning rate 0.001', 'learning rate 0.01')
>>> comp = build_comparison(pair, ds)
>>> comp.same_init
True
>>> slots = Slots(1)
>>> [compare_tick(comp, slots, max_seconds=0.05)[0] for _ in range(2)]  # in turn
[0, 1]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from convviz.nn.augment import MAX_SHIFT
from convviz.nn.data import Dataset
from convviz.nn.presets import model_from_specs
from convviz.nn.train import Trainer
from convviz.nn.train_config import OPTIMIZERS
from convviz.serve.session import Tick, TrainSettings, training_tick
from convviz.serve.slots import Slots
from convviz.stack.spec import layers_from_text, layers_to_text
from convviz.stack.summary import POOLS

__all__ = ["CURVE_POINTS", "DOWNSAMPLING", "VARIABLES", "Comparison", "Pair", "build_comparison",
           "compare_tick", "confusion_difference", "curve_rows", "first_conv_filters",
           "paired_settings", "strided_text"]

#: The settings a comparison can vary: key -> what the page calls it.
VARIABLES = MappingProxyType({
    "lr": "learning rate",
    "optimizer": "optimizer",
    "downsampling": "downsampling",
    "filters": "filters in the first convolution",
    "augment": "augmentation (random shifts)",
})
#: The two ways to halve a map: a pooling layer after a convolution, or the convolution's
#: own stride.
DOWNSAMPLING = ("pooling", "strided convolution")
#: Each run's curves get at least this many points (one record every
#: ``total_steps / CURVE_POINTS`` steps), however fast the network trains.
CURVE_POINTS = 40


def strided_text(arch_text: str) -> str:
    """``arch_text`` with every pooling layer that follows a convolution folded into that
    convolution's stride (``C8k3:relu;M2`` becomes ``C8k3s2:relu``).

    Raises
    ------
    ValueError
        When no pooling layer follows a convolution with stride 1.

    Examples
    --------
    >>> strided_text("C16k3same:relu;M2;C32k3same:relu;A2;F;D10:softmax")
    'C16k3s2same:relu;C32k3s2same:relu;F;D10:softmax'
    """
    specs = list(layers_from_text(arch_text))
    out, folded = [], 0
    for spec in specs:
        prev = out[-1] if out else None
        if (spec.kind in POOLS and spec.kind in ("MaxPool2D", "AvgPool2D")
                and prev is not None and prev.kind == "Conv2D" and prev.stride in (None, 1)
                and spec.stride in (None, spec.kernel_size) and spec.padding == "valid"):
            out[-1] = dataclasses.replace(prev, stride=spec.kernel_size)
            folded += 1
        else:
            out.append(spec)
    if not folded:
        raise ValueError(f"`arch_text` has no pooling layer right after a convolution to "
                         f"replace by a stride, got {arch_text!r}")
    return layers_to_text(out)


def first_conv_filters(arch_text: str) -> int:
    """The first convolution's number of filters.

    >>> first_conv_filters("C8k3:relu;M2;F;D10")
    8
    """
    for spec in layers_from_text(arch_text):
        if spec.kind == "Conv2D":
            return int(spec.filters_or_units)
    raise ValueError(f"`arch_text` has no convolution, got {arch_text!r}")


def _with_filters(arch_text: str, filters: int) -> str:
    specs = list(layers_from_text(arch_text))
    first = next(i for i, s in enumerate(specs) if s.kind == "Conv2D")
    specs[first] = dataclasses.replace(specs[first], filters_or_units=filters)
    return layers_to_text(specs)


@dataclass(frozen=True)
class Pair:
    """Two runs' settings that differ in ``variable`` only.

    Attributes
    ----------
    variable : str
        A key of :data:`VARIABLES`.
    values : tuple
        The two values of that setting.
    settings : tuple of TrainSettings
    labels : tuple of str
        Each run named by its value ("learning rate 0.001").
    """

    variable: str
    values: tuple[Any, Any]
    settings: tuple[TrainSettings, TrainSettings]
    labels: tuple[str, str]


def _label(variable: str, value: Any) -> str:
    if variable == "lr":
        return f"learning rate {value:g}"
    if variable == "filters":
        return f"{value} filters"
    if variable == "augment":
        return f"shifts up to {value} px" if value else "no augmentation"
    return str(value)


def paired_settings(base: TrainSettings, variable: str, values: Sequence[Any]) -> Pair:
    """The page's settings ``base`` twice, ``variable`` set to each of ``values``.

    Parameters
    ----------
    base : TrainSettings
        Architecture, optimizer, learning rate (None: the optimizer's default), batch size,
        epochs and seed, shared by both runs.
    variable : str
        A key of :data:`VARIABLES`. ``"optimizer"`` keeps ``base``'s learning rate number
        for both (the first optimizer's default when ``base.lr`` is None), so the runs
        differ in the optimizer alone. ``"downsampling"`` takes values of
        :data:`DOWNSAMPLING`; ``"pooling"`` is ``base``'s architecture and
        ``"strided convolution"`` its :func:`strided_text`.
    values : sequence of two values
        Learning rates (> 0), optimizer names, downsampling names, filter counts (>= 1), or
        the largest shift of augmentation in pixels (0 is none, up to 4).

    Returns
    -------
    Pair

    Raises
    ------
    ValueError, TypeError
        An unknown variable, not two values, two equal values, or a value the setting
        cannot take.

    Examples
    --------
    >>> p = paired_settings(TrainSettings(arch_text="C8k3:relu;M2;F;D10"), "filters", (4, 8))
    >>> [s.arch_text for s in p.settings]
    ['C4k3:relu;M2;F;D10', 'C8k3:relu;M2;F;D10']
    """
    if not isinstance(base, TrainSettings):
        raise TypeError(f"`base` must be a TrainSettings, got {type(base).__name__}")
    if variable not in VARIABLES:
        raise ValueError(f"`variable` must be one of {', '.join(map(repr, VARIABLES))}, got "
                         f"{variable!r}")
    values = tuple(values)
    if len(values) != 2:
        raise ValueError(f"`values` must hold two values, got {len(values)}")
    if values[0] == values[1]:
        raise ValueError(f"`values` must differ, got {values[0]!r} twice")
    if variable == "lr":
        made = [dataclasses.replace(base, lr=v) for v in values]
    elif variable == "optimizer":
        for v in values:
            if v not in OPTIMIZERS:
                raise ValueError(f"`values` must be optimizers among "
                                 f"{', '.join(map(repr, OPTIMIZERS))}, got {v!r}")
        lr = base.config().lr  # the same number for both
        made = [dataclasses.replace(base, optimizer=v, lr=lr) for v in values]
    elif variable == "downsampling":
        for v in values:
            if v not in DOWNSAMPLING:
                raise ValueError(f"`values` must be among {', '.join(map(repr, DOWNSAMPLING))}"
                                 f", got {v!r}")
        strided = strided_text(base.arch_text)
        made = [dataclasses.replace(base, arch_text=base.arch_text if v == DOWNSAMPLING[0]
                                    else strided) for v in values]
    elif variable == "augment":
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not (
                    0 <= v <= MAX_SHIFT):
                raise ValueError(f"`values` must be shifts from 0 to {MAX_SHIFT} pixels, got "
                                 f"{v!r}")
        made = [dataclasses.replace(base, augment=int(v)) for v in values]
    else:
        first_conv_filters(base.arch_text)  # raises when there is no convolution
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"`values` must be filter counts >= 1, got {v!r}")
        made = [dataclasses.replace(base, arch_text=_with_filters(base.arch_text, int(v)))
                for v in values]
    for s in made:
        s.config()  # a bad learning rate is refused here, naming `lr`
    return Pair(variable, values, (made[0], made[1]),
                (_label(variable, values[0]), _label(variable, values[1])))


@dataclass
class Comparison:
    """The two runs of a :class:`Pair`, each a :class:`Trainer` (kept in session state).

    Attributes
    ----------
    pair : Pair
    trainers : tuple of Trainer
    same_init : bool
        Whether both models started from the same weights (their shapes match).
    """

    pair: Pair
    trainers: tuple[Trainer, Trainer]
    same_init: bool

    @property
    def done(self) -> bool:
        """Both runs finished (or diverged)."""
        return all(t.done for t in self.trainers)

    @property
    def progress(self) -> float:
        """Share of both runs done, in [0, 1]."""
        return sum(t.step for t in self.trainers) / sum(t.total_steps for t in self.trainers)

    @property
    def record_steps(self) -> int:
        """Steps between two points of a run's curves: at least :data:`CURVE_POINTS` points
        per run, however fast the network trains."""
        return max(1, math.ceil(max(t.total_steps for t in self.trainers) / CURVE_POINTS))

    def next_index(self) -> int | None:
        """Which run trains next: the one with fewer steps (the first on a tie), or None
        when both are done."""
        left = [i for i, t in enumerate(self.trainers) if not t.done]
        if not left:
            return None
        return min(left, key=lambda i: (self.trainers[i].progress, i))

    def reset(self) -> None:
        """Both runs back to their initial weights, with empty histories."""
        for t in self.trainers:
            t.reset()


def build_comparison(pair: Pair, dataset: Dataset) -> Comparison:
    """Both models, seeded alike, and their trainers on ``dataset``.

    When every weight of the two models has the same shape (the learning rate, the
    optimizer, and pooling against a stride that gives the same map sizes), the second
    model starts from the first's initial weights.

    Raises
    ------
    ValueError, TypeError
        A model that cannot be built for ``dataset`` (naming the layer).
    """
    models = []
    for s in pair.settings:
        models.append(model_from_specs(layers_from_text(s.arch_text), dataset.input_shape,
                                       dataset.n_classes, seed=s.seed))
    params = [[p for layer in m.layers for p in layer.params.values()] for m in models]
    same = [p.shape for p in params[0]] == [p.shape for p in params[1]]
    if same:  # every weight in the same order and shape (a pool has none)
        for pa, pb in zip(params[0], params[1], strict=True):
            pb[...] = pa
    trainers = tuple(Trainer(m, dataset, s.config())
                     for m, s in zip(models, pair.settings, strict=True))
    return Comparison(pair, (trainers[0], trainers[1]), same)


def compare_tick(comparison: Comparison, slots: Slots, **kwargs: Any) -> tuple[int | None, Tick]:
    """Train one slice of the run that is behind (:meth:`Comparison.next_index`).

    Parameters
    ----------
    comparison : Comparison
    slots : Slots
        The server's training slots: the slice takes one, as one training's tick does.
    **kwargs
        Passed to :func:`convviz.serve.session.training_tick` (``max_seconds``, ``wait``,
        ``foreground``, ``stop``, ``clock``, ``who``, ``yield_wait``, ``record_steps``, by
        default :attr:`Comparison.record_steps`).

    Returns
    -------
    index : int or None
        The run that had its turn (None when both are done).
    tick : Tick
    """
    if not isinstance(comparison, Comparison):
        raise TypeError(f"`comparison` must be a Comparison, got {type(comparison).__name__}")
    i = comparison.next_index()
    if i is None:
        last = comparison.trainers[1].history
        return None, Tick("done", last[-1] if last else None)
    kwargs.setdefault("record_steps", comparison.record_steps)
    return i, training_tick(comparison.trainers[i], slots, **kwargs)


def curve_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """The curves of both runs as rows ``{"epoch", "run", "loss", "held-out accuracy"}``
    (one per recorded slice, held-out accuracy None when not measured), for overlaid
    charts: one series per run, named by its label."""
    rows = []
    for label, t in zip(comparison.pair.labels, comparison.trainers, strict=True):
        for m in t.history:
            rows.append({"epoch": m.epoch, "run": label, "loss": m.loss,
                         "held-out accuracy": m.test_acc})
    return rows


def confusion_difference(comparison: Comparison) -> np.ndarray:
    """The second run's confusion matrix minus the first's over the whole test set, (K, K)
    int64: rows the true class, columns the prediction. A positive diagonal cell: the second
    run gets that class right more often.

    Raises
    ------
    ValueError
        If the data set has no test images.
    """
    a, b = (t.confusion_matrix().astype(np.int64) for t in comparison.trainers)
    return b - a
