"""Receptive fields through a stack: which input pixels one unit of a layer sees.

The size and jump of each windowed layer (Conv2D, MaxPool2D, AvgPool2D: pooling counts as
a window) come from :func:`convviz.receptive_field`; this module adds where a unit's field
lies on the input. Unit ``u`` of a layer (along one side) sees the input pixels
``offset + u * jump`` to ``offset + u * jump + size - 1``, where ``offset`` starts at 0 and
moves back by ``pad_before * jump`` at each layer (its padding, in the previous layer's
units); a field that starts before 0 or ends past the input reaches into the padding.

Layers without a window (ReLU, Flatten, and Dense on an (H, W, C) input, which acts on
each position alone) keep the field of their input: a flattened value is still one unit of
the map. A Dense layer on a flat input and global pooling combine every unit of the map
before them, so their field is the union of all those fields: the whole input, unless the
windows leave its bottom or right edge out (:attr:`Field.combined`).

The input pixels a unit really reaches (:meth:`Field.reach`) are found along each side by
walking down the stack from the unit: a window takes ``k`` units of the layer below, minus
those in its padding. Inside its outline a field can have holes: a layer whose window is
narrower than the gap between neighbouring units it combines (a window of 1 with stride
2, then a 3x3 window) skips input pixels.

Examples
--------
>>> f = start_field((28, 28))
>>> f = f.through_window(kernel_size=5, stride=1, pads=(2, 2), out_hw=(28, 28))
>>> f = f.through_window(kernel_size=2, stride=2, pads=(0, 0), out_hw=(14, 14))
>>> f.size, f.jump, f.window((0, 0)), f.text()
(6, 2, ((-2, 3), (-2, 3)), '6×6, jump 2')
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from convviz.engine.receptive import receptive_field

__all__ = ["Field", "Window", "start_field"]


@dataclass(frozen=True)
class Window:
    """One windowed layer along both sides: square ``kernel_size``, ``stride``, the padding
    before the first row and column, and the (rows, cols) of units it slides over."""

    kernel_size: int
    stride: int
    pads: tuple[int, int]
    n_in: tuple[int, int]


@dataclass(frozen=True)
class Field:
    """The receptive field of the units of one layer's output.

    Attributes
    ----------
    input_hw : (int, int)
        The network's input (rows, cols).
    units : (int, int)
        The (rows, cols) of the spatial map whose units these are (for a flat layer: the
        map it was flattened from).
    layers : tuple of Window
        The windowed layers so far, from the input up.
    combined : bool
        The layer combines every unit of ``units`` (Dense on a flat input, global pooling).
    """

    input_hw: tuple[int, int]
    units: tuple[int, int]
    layers: tuple[Window, ...] = ()
    combined: bool = False

    @property
    def windows(self) -> list[tuple[int, int, int]]:
        """(kernel_size, stride, dilation) per windowed layer, for
        :func:`convviz.receptive_field`."""
        return [(w.kernel_size, w.stride, 1) for w in self.layers]

    @property
    def size(self) -> int:
        """Input pixels one unit sees along a side (1 for the input itself), padding
        included: :func:`convviz.receptive_field`'s size."""
        return receptive_field(self.windows)[-1][0] if self.layers else 1

    @property
    def jump(self) -> int:
        """Input pixels between neighbouring units' fields."""
        return receptive_field(self.windows)[-1][1] if self.layers else 1

    @property
    def offset(self) -> tuple[int, int]:
        """Input row and column where unit (0, 0)'s field starts (negative: padding)."""
        off, jump = [0, 0], 1
        for w in self.layers:
            off = [o - p * jump for o, p in zip(off, w.pads, strict=True)]
            jump *= w.stride
        return off[0], off[1]

    def through_window(self, *, kernel_size: int, stride: int, pads: tuple[int, int],
                       out_hw: tuple[int, int]) -> Field:
        """The field after a Conv2D or pooling layer (square window, stride ``stride``,
        ``pads`` = the padding before the first row and before the first column)."""
        layer = Window(int(kernel_size), int(stride), (int(pads[0]), int(pads[1])),
                       self.units)
        return replace(self, units=(int(out_hw[0]), int(out_hw[1])),
                       layers=(*self.layers, layer))

    def combine(self) -> Field:
        """The field of a layer that combines every unit of this map."""
        return replace(self, combined=True)

    def centre(self) -> tuple[int, int]:
        """The centre unit of the map (the upper left of the middle four on even sides)."""
        return ((self.units[0] - 1) // 2, (self.units[1] - 1) // 2)

    def window(self, unit: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
        """((first row, last row), (first col, last col)) of ``unit``'s field, inclusive and
        unclipped: ``size`` pixels from ``offset + unit * jump`` (outside the input:
        padding). A combined field spans from the first unit's to the last unit's."""
        size, jump = self.size, self.jump
        first = (0, 0) if self.combined else unit
        last = (self.units[0] - 1, self.units[1] - 1) if self.combined else unit
        return tuple((o + a * jump, o + b * jump + size - 1)  # type: ignore[return-value]
                     for o, a, b in zip(self.offset, first, last, strict=True))

    def reach(self, unit: tuple[int, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The input rows and the input columns ``unit`` depends on (its input gradient's
        support is every pair of them); a combined field ignores ``unit``.

        Examples
        --------
        >>> f = start_field((9, 9)).through_window(kernel_size=1, stride=2, pads=(0, 0),
        ...                                        out_hw=(5, 5))
        >>> f.through_window(kernel_size=3, stride=1, pads=(0, 0), out_hw=(3, 3)).reach((0, 1))
        ((0, 2, 4), (2, 4, 6))
        """
        out = []
        for axis in (0, 1):
            at = (set(range(self.units[axis])) if self.combined
                  else {int(unit[axis])})
            for w in reversed(self.layers):
                k, s, p, n = w.kernel_size, w.stride, w.pads[axis], w.n_in[axis]
                at = {v * s - p + t for v in at for t in range(k)} & set(range(n))
            out.append(tuple(sorted(at)))
        return out[0], out[1]

    def seen(self, unit: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """((first row, last row), (first col, last col)) of the input pixels ``unit``
        reaches, or None when its window holds only padding."""
        rows, cols = self.reach(unit)
        if not rows or not cols:
            return None
        return (rows[0], rows[-1]), (cols[0], cols[-1])

    def gaps(self, unit: tuple[int, int]) -> bool:
        """True when ``unit`` skips input pixels inside :meth:`seen`'s outline."""
        return any(len(a) and a[-1] - a[0] + 1 != len(a) for a in self.reach(unit))

    def whole(self) -> bool:
        """True when a combined field reaches every input pixel."""
        rows, cols = self.reach(self.centre())
        return self.combined and (len(rows), len(cols)) == self.input_hw

    def text(self) -> str:
        """The field as the summary writes it: ``"5×5, jump 1"`` or ``"whole input"``."""
        if self.combined:
            if self.whole():
                return "whole input"
            box = self.seen(self.centre())
            if box is None:
                return "only padding"
            (r0, r1), (c0, c1) = box
            return f"rows {r0}–{r1}, columns {c0}–{c1} of the input"
        return f"{self.size}×{self.size}, jump {self.jump}"


def start_field(input_hw: tuple[int, int]) -> Field:
    """The field of the input's own pixels: each sees itself.

    >>> start_field((28, 28)).text()
    '1×1, jump 1'
    """
    hw = (int(input_hw[0]), int(input_hw[1]))
    return Field(input_hw=hw, units=hw)
