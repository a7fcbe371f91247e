"""The page logic of "Filters on your image": kernel lists, the working image, the zoom.

Plain functions (no Streamlit), tested directly: the list of kernels a link carries, an
upload decoded at the working size with a note when it was shrunk, where the window of an
output cell is centred and the zoom region around it, the rows a sweep frame reveals and
the output-size formula laid out for a narrow column. The maps themselves come from
:mod:`convviz.imaging.filter_bank`.

>>> parse_kernel_list("sobel_x,sobel_y")
['sobel_x', 'sobel_y']
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from convviz.base.checks import check_choice, check_int
from convviz.engine.conv_steps import ConvPlan
from convviz.engine.kernels import KERNELS
from convviz.imaging.images import load_image

__all__ = ["KERNEL_CHOICES", "MAX_KERNELS", "WORKING_SIZES", "downscale_note",
           "dump_kernel_list", "frame_rows", "kernel_label", "load_upload", "parse_kernel_list",
           "stack_equation", "window_centre", "zoom_region"]

#: What the kernel menu offers: every preset, then the learner's own grid.
KERNEL_CHOICES: tuple[str, ...] = (*KERNELS, "custom")
#: The most filters the page applies at once (a small conv layer).
MAX_KERNELS = 8
#: The working sizes offered (longest side in pixels).
WORKING_SIZES = (64, 128, 256, 384, 512, 768, 1024, 1536, 2048)


def parse_kernel_list(text: str) -> list[str]:
    """Read a comma-separated list of kernel names (from a link), validated.

    Raises
    ------
    ValueError
        For an empty list, an unknown name (listing the valid ones), a repeated name or
        more than :data:`MAX_KERNELS` names.

    Examples
    --------
    >>> parse_kernel_list("sobel_x, sobel_y,custom")
    ['sobel_x', 'sobel_y', 'custom']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string, got {type(text).__name__}")
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError("must name at least one kernel, e.g. sobel_x,sobel_y")
    for n in names:
        if n not in KERNEL_CHOICES:
            raise ValueError(f"unknown kernel {n!r}; valid names: {', '.join(KERNEL_CHOICES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"each kernel may appear once, got {text!r}")
    if len(names) > MAX_KERNELS:
        raise ValueError(f"at most {MAX_KERNELS} kernels, got {len(names)}")
    return names


def dump_kernel_list(names: Sequence[str]) -> str:
    """The inverse of :func:`parse_kernel_list`.

    Examples
    --------
    >>> dump_kernel_list(["sobel_x", "custom"])
    'sobel_x,custom'
    """
    return ",".join(names)


def kernel_label(name: str) -> tuple[str, str]:
    """(title, meaning) of a kernel choice, including ``"custom"``.

    Examples
    --------
    >>> kernel_label("sobel_x")[0], kernel_label("custom")[0]
    ('Sobel x', 'Your kernel')
    """
    check_choice(name, "name", KERNEL_CHOICES)
    if name == "custom":
        return "Your kernel", ("Your kernel: your own weights (in a CNN, training finds such "
                               "numbers itself).")
    return KERNELS[name].title, KERNELS[name].meaning


def load_upload(data: bytes, max_side: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode an uploaded image at the working size; also return its original (H, W).

    Raises :class:`~convviz.imaging.images.ImageError` (a ``ValueError``) with a sentence for the
    learner when the file is not a readable image.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (100, 40)).save(buf, format="PNG")
    >>> img, size = load_upload(buf.getvalue(), 50)
    >>> img.shape, size
    ((20, 50, 3), (40, 100))
    """
    img = load_image(data, max_side=max_side)
    with Image.open(io.BytesIO(data)) as pil:  # the header only: no second decode
        w, h = pil.size
        if pil.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF rotation by 90 degrees
            w, h = h, w
    return img, (h, w)


def downscale_note(original: tuple[int, int], shape: tuple[int, ...]) -> str | None:
    """A sentence saying the image was shrunk to the working size, or None if it was not.

    Examples
    --------
    >>> downscale_note((600, 512), (512, 437, 3))[:58]
    'The image (600x512 pixels) was downscaled to 512x437 to ke'
    >>> downscale_note((40, 100), (40, 100, 3)) is None
    True
    """
    if tuple(original[:2]) == tuple(shape[:2]):
        return None
    return (f"The image ({original[0]}x{original[1]} pixels) was downscaled to "
            f"{shape[0]}x{shape[1]} to keep the page fast; raise the working size for more "
            "detail.")


def window_centre(conv: ConvPlan, pos: tuple[int, int]) -> tuple[int, int]:
    """The input pixel at the centre of the window of output cell ``pos`` (clipped).

    Examples
    --------
    >>> from convviz.engine.conv_steps import conv_plan
    >>> window_centre(conv_plan(np.zeros((9, 9)), np.ones((3, 3)), stride=2), (1, 2))
    (3, 5)
    """
    out = []
    for ax in (0, 1):
        k_eff = conv.dilation[ax] * (conv.kernel.shape[ax] - 1) + 1
        centre = pos[ax] * conv.stride[ax] + (k_eff - 1) // 2 - conv.pads[ax][0]
        size = conv.padded.shape[ax] - sum(conv.pads[ax])
        out.append(int(min(max(centre, 0), size - 1)))
    return out[0], out[1]


def zoom_region(conv: ConvPlan, pos: tuple[int, int], size: int) -> tuple[int, int, int]:
    """A ``size`` x ``size`` pixel region centred on the window of output cell ``pos``,
    moved inside the image: the ``region`` argument of :func:`convviz.imaging.sweep.sweep_plan`.

    Examples
    --------
    >>> from convviz.engine.conv_steps import conv_plan
    >>> zoom_region(conv_plan(np.zeros((40, 40)), np.ones((3, 3)), padding=1), (20, 1), 16)
    (12, 0, 16)
    """
    size = check_int(size, "size", minimum=1)
    centre = window_centre(conv, pos)
    starts = []
    for ax in (0, 1):
        n = conv.padded.shape[ax] - sum(conv.pads[ax])
        starts.append(max(0, min(centre[ax] - size // 2, n - size)))
    return starts[0], starts[1], size


def stack_equation(text: str) -> str:
    """Put each ``= step`` of a worked formula on its own line, aligned under the first.

    Only lines that start ``name = ...`` with at least two ``=`` are stacked; the others
    (notes in parentheses) stay as they are.

    Examples
    --------
    >>> print(stack_equation("out = floor((5 - 3) / 1) + 1 = 3"))
    out = floor((5 - 3) / 1) + 1
        = 3
    """
    out = []
    for line in text.splitlines():
        parts = line.split(" = ")
        if len(parts) < 3 or not parts[0].isidentifier():  # e.g. a note in parentheses
            out.append(line)
            continue
        pad = " " * (len(parts[0]) + 1)
        out.append(f"{parts[0]} = {parts[1]}")
        out.extend(f"{pad}= {p}" for p in parts[2:])
    return "\n".join(out)


def frame_rows(plan: Any, frame: int) -> tuple[int, int]:
    """The output rows (first, last) a frame of a row-by-row sweep reveals.

    Examples
    --------
    >>> from convviz.imaging.sweep import sweep_plan
    >>> p = sweep_plan(np.zeros((512, 40)), np.ones((3, 3)))  # 2 rows per frame
    >>> frame_rows(p, 0), frame_rows(p, 255)
    ((0, 1), (510, 511))
    """
    frame = plan.check_frame(frame)
    width = plan.shape[1]
    first = int(plan.revealed[frame - 1]) // width if frame else 0
    return plan.rows[0] + first, plan.position(frame)[0]
