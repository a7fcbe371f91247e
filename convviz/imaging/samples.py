"""The bundled sample photos: shipped inside matplotlib and scikit-learn, so no download."""

from __future__ import annotations

import functools

import numpy as np

from convviz.base.checks import check_choice, check_int
from convviz.imaging.images import load_image
from convviz.imaging.pixels import resize_image

__all__ = ["SAMPLE_IMAGES", "load_sample"]

SAMPLE_IMAGES: dict[str, str] = {
    "grace_hopper": "Grace Hopper (matplotlib)",
    "china": "Summer Palace, China (scikit-learn)",
    "flower": "Flower (scikit-learn)",
}


@functools.lru_cache(maxsize=len(SAMPLE_IMAGES))
def _sample_full(name: str) -> np.ndarray:
    """Decode a sample once per process; read-only so the cache cannot be changed."""
    if name == "grace_hopper":
        from matplotlib import cbook

        data = cbook.get_sample_data("grace_hopper.jpg")  # an open file in recent matplotlib
        if hasattr(data, "read"):
            with data:
                arr = load_image(data)
        else:
            arr = load_image(data)
    else:
        from sklearn.datasets import load_sample_image

        arr = load_sample_image(f"{name}.jpg").astype(np.float32) / np.float32(255)
    arr.setflags(write=False)
    return arr


def load_sample(name: str, *, max_side: int | None = 512) -> np.ndarray:
    """Load one of the bundled sample photos (no network needed).

    Parameters
    ----------
    name : str
        One of the keys of :data:`SAMPLE_IMAGES`: "grace_hopper", "china" or "flower".
    max_side : int or None, optional
        Downscale so the longest side is at most this; None keeps the full size.

    Returns
    -------
    ndarray of float32, shape (H, W, 3)
        Values in [0, 1]; a fresh array the caller may change.

    Examples
    --------
    >>> load_sample("china", max_side=64).shape
    (43, 64, 3)
    """
    check_choice(name, "name", tuple(SAMPLE_IMAGES))
    if max_side is not None:
        max_side = check_int(max_side, "max_side", minimum=1)
    full = _sample_full(name)
    if max_side is None:
        return full.copy()
    out = resize_image(full, max_side=max_side)
    return out.copy() if out is full else out
