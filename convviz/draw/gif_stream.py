"""Animated GIFs written one frame at a time: memory holds one frame plus the output.

Pillow's own multi-frame save keeps every frame until the end (it compares each frame with
the previous one first), so an animation of 900 big frames held gigabytes. Here each frame
goes through Pillow's public :func:`PIL.GifImagePlugin.getheader` (once, for the header
with one global palette) and :func:`PIL.GifImagePlugin.getdata` (per frame) and is written
straight into the output: only the previous frame's palette indices are kept, to write
just the rectangle that changed, with the unchanged pixels in it transparent (index
:data:`TRANSPARENT`), as Pillow's ``optimize`` does.

>>> import io
>>> buf = io.BytesIO()
>>> black, white = np.zeros((4, 6, 3), np.uint8), np.full((4, 6, 3), 255, np.uint8)
>>> write_gif(buf, iter([black, white, white]), fps=5, palette_samples=[white])
2
>>> buf.getvalue()[:6]  # (the repeated last frame was merged into the one before)
b'GIF89a'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import numpy as np
from PIL import GifImagePlugin, Image

__all__ = ["MAX_COLORS", "TRANSPARENT", "GifStream", "frame_duration", "make_palette",
           "write_gif"]

MAX_COLORS = 255  #: colours of the shared palette; the last index is kept for transparency
TRANSPARENT = 255  #: palette index of "unchanged since the previous frame"
_PALETTE_PIXELS = 1 << 18  # pixels the median cut looks at, at most (a 7 Mpx frame: 1.7 s)
# Colours every palette holds besides the samples' (black, white, greys and the corners of
# the RGB cube), so that a later frame's new colour is drawn near its hue, never far off.
_SPARE = np.array([(r, g, b) for r in (0, 128, 255) for g in (0, 128, 255)
                   for b in (0, 128, 255)] + [(v, v, v) for v in (32, 64, 96, 160, 192, 224)],
                  np.uint8)


def frame_duration(fps: float) -> int:
    """Milliseconds per frame for ``fps`` frames per second (GIF players need >= 20 ms).

    Examples
    --------
    >>> frame_duration(2), frame_duration(10), frame_duration(200)
    (500, 100, 20)
    """
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not fps > 0:
        raise ValueError(f"`fps` must be a positive number, got {fps!r}")
    return max(20, int(round(1000 / fps)))


def make_palette(samples: Sequence[np.ndarray]) -> list[int]:
    """A palette of at most :data:`MAX_COLORS` colours for RGB frames like ``samples``.

    Parameters
    ----------
    samples : sequence of ndarray of uint8, each of shape (..., 3)
        Frames (or parts of them) whose colours the palette must hold: say the first
        and the last frame of an animation. Past 262,144 pixels in all, evenly spaced
        pixels of them are used.

    Returns
    -------
    list of int, length 768
        R, G, B of 256 entries: up to 222 colours of the samples (median cut), then 33
        spare colours (greys and the corners of the RGB cube, for colours the samples
        lack); entry :data:`TRANSPARENT` repeats entry 0 (it is never used for a pixel,
        only to mark unchanged ones).

    Examples
    --------
    >>> pal = make_palette([np.array([[[255, 0, 0], [0, 0, 255]]], np.uint8)])
    >>> len(pal), sorted([tuple(pal[0:3]), tuple(pal[3:6])])
    (768, [(0, 0, 255), (255, 0, 0)])
    """
    if not samples:
        raise ValueError("`samples` must hold at least one RGB frame")
    stacked = np.concatenate([np.asarray(s, np.uint8).reshape(-1, 3) for s in samples])
    step = -(-len(stacked) // _PALETTE_PIXELS)  # every step-th pixel: bounded time, memory
    stacked = stacked[::step if step % 2 else step + 1, None]  # (n, 1, 3); odd: no aliasing
    pimg = Image.fromarray(stacked).quantize(colors=MAX_COLORS - len(_SPARE),
                                             method=Image.Quantize.MEDIANCUT)
    used = int(np.asarray(pimg).max()) + 1
    pal = list(pimg.getpalette() or [])[:used * 3] + _SPARE.ravel().tolist()
    pal += pal[:3] * (256 - len(pal) // 3)  # TRANSPARENT (and any unused) repeat entry 0
    return pal


class GifStream:
    """Write an animated GIF frame by frame into ``fp`` (a binary file or ``BytesIO``).

    Parameters
    ----------
    fp : binary file
    palette : list of int, length 768
        The one global palette (see :func:`make_palette`).
    loop : int
        0 loops for ever.
    transparent : int or None
        A palette index no pixel uses (:data:`TRANSPARENT` for :func:`make_palette`'s
        palettes): it marks the unchanged pixels inside a changed rectangle. None when
        every index is a colour: the rectangle is then written as it is.

    A frame equal to the previous one is not written: its time is added to the previous
    frame's. Call :meth:`close` (or use ``with``) to write the last frame and the trailer.

    Examples
    --------
    >>> import io
    >>> buf, pal = io.BytesIO(), make_palette([np.zeros((1, 2, 3), np.uint8)])
    >>> with GifStream(buf, pal) as gif:
    ...     gif.add_indices(np.zeros((3, 2), np.uint8), 100)
    >>> Image.open(buf).size
    (2, 3)
    """

    def __init__(self, fp: IO[bytes], palette: Sequence[int], *, loop: int = 0,
                 transparent: int | None = TRANSPARENT) -> None:
        if len(palette) != 768:
            raise ValueError(f"`palette` must hold 768 values (256 RGB entries), got "
                             f"{len(palette)}")
        self._fp, self._loop, self._transparent = fp, loop, transparent
        self._palette = list(palette)
        self._pal_img = Image.new("P", (1, 1))
        self._pal_img.putpalette(self._palette)
        self._prev: np.ndarray | None = None  # (H, W) indices of the last frame shown
        self._pending: tuple[np.ndarray, tuple[int, int], int] | None = None
        self.frames = 0  #: frames written (or pending), after merging repeats
        self._closed = False

    def __enter__(self) -> GifStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.close()

    def quantize(self, rgb: np.ndarray) -> np.ndarray:
        """RGB (H, W, 3) uint8 -> (H, W) indices into the palette (nearest colour)."""
        rgb = np.asarray(rgb, np.uint8)
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"a frame must be an (H, W, 3) uint8 array, got shape {rgb.shape}")
        idx = np.asarray(Image.fromarray(rgb).quantize(palette=self._pal_img,
                                                       dither=Image.Dither.NONE))
        t = self._transparent
        if t is not None and (idx == t).any():  # make_palette: entry 0's colour again
            idx = np.where(idx == t, np.uint8(0), idx)
        return idx

    def add_rgb(self, rgb: np.ndarray, duration: int) -> None:
        """Add an RGB frame shown for ``duration`` milliseconds."""
        self.add_indices(self.quantize(rgb), duration)

    def add_indices(self, idx: np.ndarray, duration: int) -> None:
        """Add a frame of palette indices (H, W) uint8 shown for ``duration`` ms."""
        if self._closed:
            raise ValueError("this GIF is closed: no more frames can be added")
        idx = np.asarray(idx, np.uint8)
        if self._prev is None:
            if idx.ndim != 2 or min(idx.shape) < 1 or max(idx.shape) > 65535:
                raise ValueError(f"a frame must be (H, W) with sides 1 to 65535, got shape "
                                 f"{idx.shape}")
            self._header(idx.shape)
            self._queue(idx.copy(), (0, 0), duration)
            self._prev = idx.copy()
            return
        if idx.shape != self._prev.shape:
            raise ValueError(f"every frame must have the first frame's shape "
                             f"{self._prev.shape}, got {idx.shape}")
        changed = idx != self._prev  # (H, W)
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:  # nothing moved: show the previous frame longer
            data, offset, time = self._pending
            self._pending = (data, offset, time + duration)
            return
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        crop = idx[y0:y1, x0:x1].copy()
        if self._transparent is not None:
            crop[~changed[y0:y1, x0:x1]] = self._transparent
        self._prev[y0:y1, x0:x1] = idx[y0:y1, x0:x1]
        self._queue(crop, (int(x0), int(y0)), duration)

    def _header(self, shape: tuple[int, int]) -> None:
        first = Image.new("P", (shape[1], shape[0]))
        first.putpalette(self._palette)
        header, _ = GifImagePlugin.getheader(first, info={"loop": self._loop,
                                                          "optimize": False})
        for part in header:
            self._fp.write(part)

    def _queue(self, data: np.ndarray, offset: tuple[int, int], duration: int) -> None:
        self._flush()
        self._pending = (data, offset, int(duration))
        self.frames += 1

    def _flush(self) -> None:
        if self._pending is None:
            return
        data, offset, duration = self._pending
        im = Image.frombytes("P", (data.shape[1], data.shape[0]), data.tobytes())
        im.putpalette(self._palette)
        extra = {} if self._transparent is None else {"transparency": self._transparent}
        for part in GifImagePlugin.getdata(im, offset, duration=duration, disposal=1,
                                           **extra):
            self._fp.write(part)
        self._pending = None

    def close(self, *, last_duration: int | None = None) -> None:
        """Write the last frame (held ``last_duration`` ms if given) and the GIF trailer."""
        if self._closed:
            return
        if self._prev is None:
            raise ValueError("`frames` must hold at least one frame")
        if last_duration is not None and self._pending is not None:
            data, offset, _ = self._pending
            self._pending = (data, offset, int(last_duration))
        self._flush()
        self._fp.write(b";")
        self._closed = True
        self._prev = None


def write_gif(fp: IO[bytes], frames: Iterable[np.ndarray], *, fps: float = 10.0,
              last_duration: int | None = None, loop: int = 0,
              palette: Sequence[int] | None = None,
              palette_samples: Sequence[np.ndarray] = ()) -> int:
    """Encode RGB frames (an iterator is consumed one frame at a time) as an animated GIF.

    Parameters
    ----------
    fp : binary file
    frames : iterable of ndarray of uint8, each of shape (H, W, 3), all the same shape
    fps : float
        Frames per second.
    last_duration : int, optional
        Milliseconds the last frame is held (default one frame's time).
    loop : int
        0 loops for ever.
    palette : list of int, optional
        The palette (see :func:`make_palette`); default made from the first frame and
        ``palette_samples``.
    palette_samples : sequence of ndarray
        Extra RGB frames whose colours the palette must hold (say, the last frame).

    Returns
    -------
    int
        Frames written (a frame equal to the one before it is merged into it).

    Examples
    --------
    >>> import io
    >>> write_gif(io.BytesIO(), [np.zeros((2, 2, 3), np.uint8)] * 3)
    1
    """
    step = frame_duration(fps)
    stream: GifStream | None = None
    for frame in frames:
        frame = np.asarray(frame, np.uint8)
        if stream is None:
            pal = palette if palette is not None else make_palette([frame, *palette_samples])
            stream = GifStream(fp, pal, loop=loop)
        stream.add_rgb(frame, step)
    if stream is None:
        raise ValueError("`frames` must hold at least one frame")
    stream.close(last_duration=last_duration)
    return stream.frames
