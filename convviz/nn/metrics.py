"""Measuring training: the per-slice :class:`Metrics` record, class probabilities, the
confusion matrix and the most confident mistakes.

The functions are pure functions of arrays; :class:`convviz.nn.train.Trainer` calls them on its test
set, and a page can call them on any model and images.

Examples
--------
>>> import numpy as np
>>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], n_classes=3)
array([[1, 0, 0],
       [0, 1, 1],
       [0, 0, 1]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from convviz.base.checks import check_int
from convviz.nn.losses import softmax
from convviz.nn.model import Sequential

__all__ = ["Metrics", "Mistakes", "confusion_matrix", "most_confident_mistakes", "predict_proba"]


@dataclass(frozen=True)
class Metrics:
    """What one training slice (:meth:`convviz.nn.train.Trainer.run`) did.

    Attributes
    ----------
    step : int
        Steps done since the start (or the last reset), after this slice.
    epoch : float
        ``step / steps_per_epoch``: 2.5 is half way through the third pass.
    loss : float
        Mean cross-entropy over the slice's training images (nan if training diverged).
    train_acc : float
        Accuracy on the slice's training batches, before each batch's update.
    test_acc : float or None
        Held-out accuracy at the end of the slice, on at most ``eval_size`` test images of
        the trainer (an evenly spaced fixed subset when there are more; its ``evaluate()``
        scores them all); None when not evaluated or there is no test set.
    examples_per_sec : float
        Training images per second of training (evaluation excluded).
    seconds : float
        Wall time of the slice, evaluation included.
    elapsed : float
        Wall time of every slice since the start (or the last reset).
    lr : float
        The learning rate of the slice's last step.
    """

    step: int
    epoch: float
    loss: float
    train_acc: float
    test_acc: float | None
    examples_per_sec: float
    seconds: float
    elapsed: float
    lr: float

    def describe(self) -> str:
        """One progress line, as the command line prints it.

        >>> Metrics(120, 1.4, 0.3124, 0.912, 0.9271, 1850.2, 0.5, 6.1, 0.002).describe()
        'step 120  epoch 1.4  loss 0.312  train_acc 0.912  test_acc 0.927  1,850 ex/s'
        """
        test = "-" if self.test_acc is None else f"{self.test_acc:.3f}"
        return (f"step {self.step}  epoch {self.epoch:.1f}  loss {self.loss:.3f}  "
                f"train_acc {self.train_acc:.3f}  test_acc {test}  "
                f"{self.examples_per_sec:,.0f} ex/s")


def predict_proba(model: Sequential, x: Any, *, batch_size: int = 256) -> np.ndarray:
    """Softmax class probabilities of ``model`` for each image, computed in batches.

    Parameters
    ----------
    model : Sequential
        A classifier: its output is one score (logit) per class.
    x : array_like, shape (N, *model.input_shape)
    batch_size : int, default 256
        Images per forward pass (bounds the memory used).

    Returns
    -------
    ndarray, shape (N, K)
        Rows sum to 1, in the model's dtype.

    Examples
    --------
    >>> from convviz.nn import Dense, Flatten
    >>> model = Sequential([Flatten(), Dense(3)], input_shape=(2, 2, 1), seed=0)
    >>> predict_proba(model, np.zeros((5, 2, 2, 1))).round(3)[0]  # zero input: equal scores
    array([0.333, 0.333, 0.333], dtype=float32)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be a Sequential, got {type(model).__name__}")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if len(model.output_shape) != 1:
        raise ValueError(f"`model` must output one score per class, (N, K), got output shape "
                         f"{model.output_shape}")
    arr = np.asarray(x)
    if arr.shape[1:] != model.input_shape:
        want = ", ".join(map(str, model.input_shape))
        raise ValueError(f"`x` must have shape (N, {want}) for this model, got {arr.shape}")
    if len(arr) == 0:
        return np.zeros((0,) + model.output_shape, dtype=model.dtype)
    parts = [softmax(model.forward(arr[i:i + batch_size], training=False))
             for i in range(0, len(arr), batch_size)]
    return np.concatenate(parts)


def _labels(y: Any, name: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.size == 0:
        arr = arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"`{name}` must hold integer class indices, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D (N,), got shape {arr.shape}")
    return arr.astype(np.int64, copy=False)


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int) -> np.ndarray:
    """Count each (true class, predicted class) pair.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (N,)
        Class indices in ``[0, n_classes)``.
    n_classes : int

    Returns
    -------
    ndarray of int64, shape (K, K)
        ``m[i, j]``: how many images of class ``i`` were predicted as ``j``; rows are the
        true classes, columns the predictions; the diagonal holds the correct ones and the
        total is N.

    Examples
    --------
    >>> confusion_matrix([1, 1], [0, 1], n_classes=2).tolist()
    [[0, 0], [1, 1]]
    """
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same length, got {t.shape} and "
                         f"{p.shape}")
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
            raise ValueError(f"`{name}` must hold class indices in [0, {n_classes}), got values "
                             f"from {arr.min()} to {arr.max()}")
    counts = np.bincount(t * n_classes + p, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


class Mistakes(NamedTuple):
    """Wrongly classified images, the most confident first (unpacks as a 4-tuple).

    Attributes
    ----------
    indices : ndarray of int64, shape (k,)
        Positions in the evaluated images (e.g. ``dataset.x_test[indices]``).
    true, predicted : ndarray of int64, shape (k,)
        The true class and the model's answer.
    confidence : ndarray of float, shape (k,)
        The softmax probability the model gave its (wrong) answer, decreasing.
    """

    indices: np.ndarray
    true: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray


def most_confident_mistakes(proba: Any, y_true: Any, k: int = 8) -> Mistakes:
    """The ``k`` wrong answers given with the highest probability.

    Parameters
    ----------
    proba : array_like, shape (N, K)
        Class probabilities, e.g. from :func:`predict_proba`.
    y_true : array_like of int, shape (N,)
    k : int, >= 1
        At most this many mistakes (fewer if the model made fewer).

    Returns
    -------
    Mistakes
        Sorted by confidence, highest first; ties keep the images' order.

    Examples
    --------
    >>> proba = np.array([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]])
    >>> m = most_confident_mistakes(proba, [1, 1, 0, 1], k=5)
    >>> m.indices.tolist(), m.predicted.tolist(), m.confidence.tolist()
    ([0, 2, 3], [0, 1, 0], [0.9, 0.8, 0.6])
    """
    p = np.asarray(proba)
    if p.ndim != 2 or not np.issubdtype(p.dtype, np.floating):
        raise ValueError(f"`proba` must be a 2-D float array (N, K), got shape {p.shape} and "
                         f"dtype {p.dtype}")
    t = _labels(y_true, "y_true")
    if t.shape != (p.shape[0],):
        raise ValueError(f"`y_true` must have shape ({p.shape[0]},), one per row of `proba`, "
                         f"got {t.shape}")
    k = check_int(k, "k", minimum=1)
    predicted = p.argmax(axis=1) if p.size else np.zeros(0, dtype=np.int64)
    wrong = np.flatnonzero(predicted != t)
    confidence = p[wrong, predicted[wrong]]
    order = np.argsort(-confidence, kind="stable")[:k]
    idx = wrong[order]
    return Mistakes(idx.astype(np.int64), t[idx], predicted[idx].astype(np.int64),
                    confidence[order])
