"""Shapes: generated drawings of lines and outlines, a data set made for edge-detecting filters.

Each image is a white outline on black (like MNIST), drawn with Pillow at a random position,
size, thickness and brightness, anti-aliased (drawn 4x larger, then reduced) and overlaid with
Gaussian noise. Everything comes from one seed: the same seed gives identical arrays.

Examples
--------
>>> ds = make_shapes_dataset(n_per_class=8, size=16, classes=("circle", "cross"), seed=1)
>>> ds.class_names, ds.input_shape, ds.n_train, ds.n_test
(('circle', 'cross'), (16, 16, 1), 12, 4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from convviz.base.checks import check_int
from convviz.nn.data.dataset import Dataset, check_fraction, check_seed
from convviz.nn.data.split import stratified_split

__all__ = ["SHAPE_CLASSES", "make_shapes_dataset"]

#: Every class the generator can draw, in label order.
SHAPE_CLASSES: tuple[str, ...] = (
    "horizontal line",
    "vertical line",
    "diagonal line",
    "circle",
    "square",
    "triangle",
    "cross",
)

_SS = 4  # supersampling factor: draw 4x larger, reduce with a box filter (anti-aliasing)
_MIN_SIZE, _MAX_SIZE = 16, 64
_MAX_PER_CLASS = 5000


def _draw(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """One (size, size) float32 image in [0, 1] of `kind`, before noise."""
    big = size * _SS
    img = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(img)
    ink = int(round(255 * rng.uniform(0.7, 1.0)))
    # Thickness 1 to about size/10 output pixels; extent 35% to 75% of the side.
    width = max(_SS, int(round(rng.uniform(1.0, max(1.5, size / 10)) * _SS)))
    extent = rng.uniform(0.35, 0.75) * big
    margin = 1.5 * _SS + width / 2
    half = extent / 2
    span = max(0.0, big / 2 - margin - half)
    cx, cy = big / 2 + rng.uniform(-span, span), big / 2 + rng.uniform(-span, span)

    if kind == "horizontal line":
        draw.line([(cx - half, cy), (cx + half, cy)], fill=ink, width=width)
    elif kind == "vertical line":
        draw.line([(cx, cy - half), (cx, cy + half)], fill=ink, width=width)
    elif kind == "diagonal line":
        # 30-60 degrees either way, so it never looks horizontal or vertical.
        angle = math.radians(rng.uniform(30, 60)) * (1 if rng.random() < 0.5 else -1)
        dx, dy = half * math.cos(angle), half * math.sin(angle)
        draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=ink, width=width)
    elif kind == "circle":
        draw.ellipse([cx - half, cy - half, cx + half, cy + half], outline=ink, width=width)
    elif kind == "square":
        draw.rectangle([cx - half, cy - half, cx + half, cy + half], outline=ink, width=width)
    elif kind == "triangle":
        # Pointing up, turned by up to 15 degrees; vertices on the circle of radius `half`.
        turn = math.radians(rng.uniform(-15, 15))
        pts = [
            (cx + half * math.sin(a + turn), cy - half * math.cos(a + turn))
            for a in (0.0, 2 * math.pi / 3, 4 * math.pi / 3)
        ]
        draw.line([*pts, pts[0], pts[1]], fill=ink, width=width, joint="curve")
    elif kind == "cross":
        draw.line([(cx - half, cy), (cx + half, cy)], fill=ink, width=width)
        draw.line([(cx, cy - half), (cx, cy + half)], fill=ink, width=width)
    else:  # pragma: no cover - classes are checked before drawing
        raise AssertionError(kind)
    small = img.reduce(_SS)  # box filter: the mean of each 4x4 block
    return np.asarray(small, dtype=np.float32) / np.float32(255)


def _check_classes(classes: Sequence[str] | None) -> tuple[str, ...]:
    if classes is None:
        return SHAPE_CLASSES
    if isinstance(classes, str) or not isinstance(classes, Sequence):
        raise TypeError(
            f"`classes` must be a sequence of class names or None, got {type(classes).__name__}"
        )
    chosen = tuple(classes)
    valid = ", ".join(map(repr, SHAPE_CLASSES))
    for c in chosen:
        if c not in SHAPE_CLASSES:
            raise ValueError(f"`classes` must contain only {valid}; got {c!r}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"`classes` must not repeat a class, got {chosen!r}")
    if len(chosen) < 2:
        raise ValueError(f"`classes` must name at least two classes, got {chosen!r}")
    return chosen


def make_shapes_dataset(
    *,
    n_per_class: int = 300,
    size: int = 28,
    classes: Sequence[str] | None = None,
    noise: float = 0.1,
    seed: int = 0,
    test_fraction: float = 0.25,
) -> Dataset:
    """Generate a balanced data set of line and outline drawings.

    Parameters
    ----------
    n_per_class : int, optional
        Images per class, 2 to 5,000.
    size : int, optional
        Side of the square images, 16 to 64.
    classes : sequence of str or None, optional
        Which of :data:`SHAPE_CLASSES` to draw, in label order (at least two); None for all
        seven: "horizontal line", "vertical line", "diagonal line" (rising or falling, 30-60
        degrees), "circle", "square" (axis-aligned), "triangle" (pointing up, turned by up to
        15 degrees) and "cross" (an upright plus sign).
    noise : float, optional
        Standard deviation of the Gaussian noise added to every pixel, 0 to 1; the result is
        clipped to [0, 1].
    seed : int, optional
        Drives everything: positions, sizes, thicknesses, brightness, noise and the split.
    test_fraction : float, optional
        Share of each class held out for testing, strictly between 0 and 1 (stratified, so
        both parts stay balanced).

    Returns
    -------
    Dataset
        ``x_train`` (N, size, size, 1) float32 in [0, 1], ``class_names`` = the classes.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> a = make_shapes_dataset(n_per_class=4, size=16, seed=5)
    >>> b = make_shapes_dataset(n_per_class=4, size=16, seed=5)
    >>> bool((a.x_train == b.x_train).all()), a.n_classes, a.class_counts("train").tolist()
    (True, 7, [3, 3, 3, 3, 3, 3, 3])
    """
    n_per_class = check_int(n_per_class, "n_per_class", minimum=1)
    if not 2 <= n_per_class <= _MAX_PER_CLASS:
        raise ValueError(f"`n_per_class` must be between 2 and {_MAX_PER_CLASS}, got {n_per_class}")
    size = check_int(size, "size", minimum=1)
    if not _MIN_SIZE <= size <= _MAX_SIZE:
        raise ValueError(f"`size` must be between {_MIN_SIZE} and {_MAX_SIZE}, got {size}")
    chosen = _check_classes(classes)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        raise TypeError(f"`noise` must be a number between 0 and 1, got {noise!r}")
    noise = float(noise)
    if not 0 <= noise <= 1:
        raise ValueError(f"`noise` must be between 0 and 1, got {noise}")
    seed = check_seed(seed)
    test_fraction = check_fraction(test_fraction)

    rng = np.random.default_rng(seed)
    n = n_per_class * len(chosen)
    x = np.empty((n, size, size, 1), dtype=np.float32)  # (N, H, W, 1)
    y = np.repeat(np.arange(len(chosen), dtype=np.int64), n_per_class)
    for i, label in enumerate(y):
        x[i, :, :, 0] = _draw(chosen[label], size, rng)
    if noise > 0:
        x += rng.normal(0.0, noise, size=x.shape).astype(np.float32)
        np.clip(x, 0.0, 1.0, out=x)
    train, test = stratified_split(y, test_fraction, seed=rng)
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        class_names=chosen,
        name="Shapes",
        description=(
            f"{n:,} generated {size}x{size} drawings ({n_per_class:,} per class) of "
            f"{', '.join(chosen)}: random position, size, thickness and brightness, plus "
            f"Gaussian noise (sd {noise:g}). {len(train):,} for training, {len(test):,} for "
            "testing."
        ),
    )
