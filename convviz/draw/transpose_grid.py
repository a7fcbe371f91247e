"""Transposed convolution in the browser's grid view: the scatter, as a convolution, as a matrix.

Three payloads of :mod:`convviz.draw.grid_data`, every number the engine's:

- :func:`scatter_payload`: one step per input cell, from
  :class:`~convviz.engine.transpose_steps.TransposePlan`. The input (its cell outlined per
  step; hover it to light the output cells its stamp feeds), the kernel, the stamp
  ``value x kernel``, the stamped grid (the stamp's cells lit, overlaps summed so far, the
  border that ``padding`` crops hatched; hover a cell to light the input cells that stamp
  on it) and the output filling in (hover a cell for its equation, :func:`terms_line`).
- :func:`as_conv_payload`: the same result as a direct convolution
  (:func:`~convviz.engine.transpose.transpose_as_conv`): zeros inserted between the inputs,
  padding (hatched), the kernel rotated by 180 degrees, step by step.
- :func:`matrix_payload`: the convolution matrix C of a 4x4 input and a 3x3 kernel
  (:func:`~convviz.engine.conv_matrix.conv_matrix`), one row lit per output cell, beside
  C.T; :func:`adjoint_payload`: C.T applied to an output-sized array beside
  :func:`~convviz.engine.transpose.conv_transpose2d` of it.

Colours follow :mod:`convviz.draw.render` (diverging: blue < 0 < red), as in the GIF export.

Examples
--------
>>> from convviz import transpose_plan
>>> plan = transpose_plan(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((3, 3)), stride=2)
>>> p = scatter_payload(plan)
>>> p["n_steps"], [q["id"] for q in p["panels"]]
(4, ['input', 'kernel', 'stamp', 'stamped', 'output'])
>>> terms_line(plan, 2, 2)
'output[2, 2] = 1×1 + 2×1 + 3×1 + 4×1 = 10 (from input [0, 0], [0, 1], [1, 0], [1, 1])'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.draw import numbers, render
from convviz.draw.conv_grid import conv_grid_payload
from convviz.draw.conv_view import fmt
from convviz.draw.grid_data import (
    PAD,
    diverging_legend,
    grid_panel,
    grid_payload,
)
from convviz.draw.static_grids import number_texts, static_payload
from convviz.engine.conv_matrix import conv_matrix
from convviz.engine.conv_steps import conv_plan
from convviz.engine.transpose import conv_transpose2d, transpose_as_conv
from convviz.engine.transpose_steps import TransposePlan

__all__ = ["adjoint_payload", "as_conv_payload", "matrix_payload", "output_progress",
           "scatter_payload", "terms_line"]

_WHITE = np.uint8(255)


def _write(values: Any) -> np.ndarray:
    """Each value as the step views write it (up to 4 significant digits)."""
    arr = np.asarray(values, dtype=np.float64)
    return np.vectorize(lambda v: fmt(float(v)), otypes=[object])(arr)


def _weights(kernel: np.ndarray) -> np.ndarray:
    w = numbers.weight_format(kernel)
    return np.vectorize(lambda v: w(float(v)), otypes=[object])(kernel)


def terms_line(plan: TransposePlan, row: int, col: int) -> str:
    """Output cell (row, col) as its equation: every ``input x weight`` that adds into it.

    The products are :meth:`TransposePlan.terms`; the value is the engine's output.

    Examples
    --------
    >>> from convviz import transpose_plan
    >>> plan = transpose_plan(np.array([[1.0, 2.0]]), np.array([[1.0, 10.0]]), 0.5)
    >>> terms_line(plan, 0, 1)
    'output[0, 1] = 1×10 + 2×1 + bias 0.5 = 12.5 (from input [0, 0], [0, 1])'
    """
    if not isinstance(plan, TransposePlan):
        raise TypeError(f"`plan` must be a TransposePlan, got {type(plan).__name__}")
    terms = plan.terms(row, col)
    value = fmt(float(plan.output[row, col]))
    w = numbers.weight_format(plan.kernel)
    parts = [f"{fmt(float(plan.x[t.input_cell]))}×{w(float(plan.kernel[t.tap]))}"
             for t in terms]
    if plan.bias:
        parts.append(f"bias {fmt(plan.bias)}")
    if not terms:
        return (f"output[{row}, {col}] = {value}: no stamp reaches it (an output_padding "
                "cell), so it holds the bias")
    cells = ", ".join(f"[{r}, {c}]" for r, c in (t.input_cell for t in terms))
    return f"output[{row}, {col}] = {' + '.join(parts)} = {value} (from input {cells})"


def output_progress(plan: TransposePlan, n_done: int) -> tuple[np.ndarray, np.ndarray]:
    """The output after the first ``n_done`` stamps (cropped, plus the bias) and which
    cells a stamp has reached so far (cells no stamp ever reaches count as reached: they
    hold the bias throughout).

    After every stamp (``n_done = plan.n_steps``) it is the engine's output.

    Returns
    -------
    values : ndarray of float64, shape plan.out_shape
    reached : ndarray of bool, shape plan.out_shape

    Examples
    --------
    >>> from convviz import transpose_plan
    >>> plan = transpose_plan(np.array([[1.0, 2.0]]), np.ones((1, 2)))
    >>> output_progress(plan, 1)[0].tolist(), output_progress(plan, 1)[1].tolist()
    ([[1.0, 1.0, 0.0]], [[True, True, False]])
    """
    full = plan.partial(n_done)
    values = np.full(plan.out_shape, plan.bias, dtype=np.float64)
    reached = np.zeros(plan.out_shape, dtype=bool)
    ever = np.zeros(plan.out_shape, dtype=bool)
    for t in range(plan.n_steps):
        for cell in plan.stamp(t).out_cells:
            if cell is not None:
                ever[cell] = True
                reached[cell] |= t < n_done
    for fr in range(plan.full_shape[0]):
        for fc in range(plan.full_shape[1]):
            cell = plan.to_output((fr, fc))
            if cell is not None:
                values[cell] += full[fr, fc]
    return values, reached | ~ever


def scatter_payload(plan: TransposePlan, *, step: int = 0) -> dict[str, Any]:
    """The scatter of ``plan``, one step per input cell, as a grid-view payload.

    Parameters
    ----------
    plan : TransposePlan
    step : int
        The 0-based step the browser starts at.

    Returns
    -------
    dict
        Panels "input" (target: the step's cell outlined), "kernel", "stamp" (per step
        ``value x kernel``), "stamped" (source, ``plan.full_shape``: the stamp's cells lit,
        the sum of the stamps so far, the cropped border flagged :data:`PAD`) and
        "output" (its ``lit`` cells: where the stamp lands; per step the output so far,
        :func:`output_progress`; at the last step ``plan.output``).

    Examples
    --------
    >>> from convviz import transpose_plan
    >>> plan = transpose_plan(np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1)
    >>> p = scatter_payload(plan)
    >>> p["panels"][3]["flags"][:6], p["panels"][4]["lit"][0]
    ([1, 1, 1, 1, 1, 1], [0, 1, 3, 4])
    """
    if not isinstance(plan, TransposePlan):
        raise TypeError(f"`plan` must be a TransposePlan, got {type(plan).__name__}")
    n = plan.n_steps
    h, w = plan.x.shape
    hf, wf = plan.full_shape
    ho, wo = plan.out_shape
    stamps = [plan.stamp(t) for t in range(n)]
    partials = [plan.partial(t + 1) for t in range(n)]
    progress = [output_progress(plan, t + 1) for t in range(n)]
    top = render.full_scale(np.concatenate([partials[-1].ravel(), plan.output.ravel()]))
    legend = diverging_legend(np.array([top]))
    cropped = np.array([[plan.to_output((r, c)) is None for c in range(wf)]
                        for r in range(hf)])

    def out_flat(cells) -> list[int]:
        return [r * wo + c for r, c in (cell for cell in cells if cell is not None)]

    # input: where each stamp lands
    feeds = [out_flat(s.out_cells) for s in stamps]
    in_hover = np.empty((h, w), dtype=object)
    for s in stamps:
        r, c = s.input_cell
        kept = len(feeds[s.index])
        in_hover[r, c] = (f"input[{r}, {c}] = {fmt(s.value)}: its stamp {fmt(s.value)} × kernel "
                          f"adds onto {kept} output cell{'' if kept == 1 else 's'}"
                          + (f" ({len(s.cells) - kept} cropped)" if kept < len(s.cells) else "")
                          + f" (step {s.index + 1}; click to pin it)")
    x_top = render.full_scale(plan.x)
    panels = [grid_panel(
        "input", title=f"input ({h}x{w})", role="target", text=_write(plan.x),
        colors=render.diverging_colors(plan.x, x_top), legend=diverging_legend(plan.x),
        hover=in_hover,
        links={"output": feeds, "stamped": [[r * wf + c for r, c in s.cells] for s in stamps]})]
    panels.append(grid_panel(
        "kernel", title=f"kernel ({plan.kernel.shape[0]}x{plan.kernel.shape[1]})",
        text=_weights(plan.kernel), colors=render.diverging_colors(plan.kernel),
        legend=diverging_legend(plan.kernel)))
    stamp_top = render.full_scale(np.concatenate([s.values.ravel() for s in stamps]))
    panels.append(grid_panel(
        "stamp", title="stamp: input value × kernel", text=_write(stamps[0].values),
        colors=render.diverging_colors(stamps[0].values, stamp_top),
        frames=[{"text": _write(s.values), "colors": render.diverging_colors(s.values, stamp_top)}
                for s in stamps],
        notes=[f"input[{s.input_cell[0]}, {s.input_cell[1]}] = {fmt(s.value)}, times every "
               "weight" for s in stamps],
        legend=diverging_legend(np.array([stamp_top]))))
    pad_r, pad_c = plan.padding
    st_hover = np.empty((hf, wf), dtype=object)
    for r in range(hf):
        for c in range(wf):
            where = plan.to_output((r, c))
            st_hover[r, c] = (f"stamped[{r}, {c}] = {fmt(partials[-1][r, c])} after every stamp: "
                              + ("cropped off by the padding" if where is None else
                                 f"becomes output[{where[0]}, {where[1]}]"))
    caption = (f"hatched = cropped off: padding {pad_r} row(s) and {pad_c} column(s) on each "
               "side" if cropped.any() else None)
    panels.append(grid_panel(
        "stamped", title=f"stamped ({hf}x{wf}), before cropping: overlaps add up",
        role="source", caption=caption, text=_write(partials[0]),
        colors=render.diverging_colors(partials[0], top), flags=np.where(cropped, PAD, 0),
        frames=[{"text": _write(g), "colors": render.diverging_colors(g, top)}
                for g in partials],
        hover=st_hover, legend=legend))

    def out_frame(values: np.ndarray, reached: np.ndarray) -> dict[str, Any]:
        text = np.where(reached, _write(values), "")
        colors = np.where(reached[..., None], render.diverging_colors(values, top), _WHITE)
        return {"text": text, "colors": colors.astype(np.uint8)}

    terms = [[plan.terms(r, c) for c in range(wo)] for r in range(ho)]
    out_hover = np.array([[terms_line(plan, r, c) for c in range(wo)] for r in range(ho)],
                         dtype=object)
    first = out_frame(*progress[0])
    panels.append(grid_panel(
        "output", title=f"output ({ho}x{wo}), filling in", text=first["text"],
        colors=first["colors"], frames=[out_frame(*p) for p in progress],
        lit=feeds, hover=out_hover, legend=legend,
        links={"input": [[r * w + c for r, c in (t.input_cell for t in terms[i][j])]
                         for i in range(ho) for j in range(wo)],
               "stamped": [[(i + pad_r) * wf + j + pad_c]
                           if i + pad_r < hf and j + pad_c < wf else []
                           for i in range(ho) for j in range(wo)]}))
    lines, label = [], []
    s_r, s_c = plan.stride
    for s in stamps:
        r, c = s.input_cell
        kept = len(feeds[s.index])
        lines.append([
            f"Step {s.index + 1}: input[{r}, {c}] = {fmt(s.value)} stamps {fmt(s.value)} × "
            f"kernel onto the stamped grid, its top-left at ({r * s_r}, {c * s_c}) "
            f"(row × stride {s_r}, column × stride {s_c}); where stamps overlap they add up.",
            f"{kept} of its {len(s.cells)} products land in the output"
            + (f"; {len(s.cells) - kept} fall in the cropped border." if kept < len(s.cells)
               else ".")])
        label.append(f"input[{r}, {c}]")
    return grid_payload(panels, [[["input"], ["kernel"], ["stamp"]], [["stamped"], ["output"]]],
                        window=[[r * wf + c for r, c in s.cells] for s in stamps],
                        target=list(range(n)), lines=lines,
                        value=[fmt(s.value) for s in stamps], label=label, step=step)


def as_conv_payload(x: Any, kernel: Any, bias: float = 0.0, *, stride: Any = 1,
                    padding: Any = 0, output_padding: Any = 0, dilation: Any = 1,
                    step: int = 0) -> dict[str, Any]:
    """The transposed convolution as a direct one, step by step (a convolution payload).

    Zeros are inserted between the input cells (``stride - 1`` of them), the padding
    ``dilation * (k - 1) - padding`` added on each side (plus ``output_padding`` at the
    bottom and right; hatched), and the kernel rotated by 180 degrees slides over it with
    stride 1. Where that padding is negative the rows are cropped instead and nothing is
    hatched. Its output is :func:`~convviz.engine.transpose.conv_transpose2d`'s.

    Examples
    --------
    >>> p = as_conv_payload(np.array([[1.0, 2.0]]), np.array([[1.0, 10.0]]))
    >>> p["steps"]["value"], p["panels"][1]["text"]
    (['1', '12', '20'], ['10', '1'])
    """
    t = transpose_as_conv(x, kernel, stride=stride, padding=padding,
                          output_padding=output_padding, dilation=dilation)
    if np.ndim(t.inserted) != 2:
        raise ValueError(f"`x` and `kernel` must both be 2-D, got shapes {np.shape(x)} and "
                         f"{np.shape(kernel)}")
    if min(min(p) for p in t.pads) >= 0:
        plan = conv_plan(t.inserted, t.kernel, bias, padding=t.pads, dilation=t.dilation)
    else:
        plan = conv_plan(t.padded, t.kernel, bias, dilation=t.dilation)
    return conv_grid_payload(plan, step=step)


def matrix_payload(kernel: Any, x: Any, *, step: int = 0) -> dict[str, Any]:
    """The convolution of a 4x4 ``x`` with a 3x3 ``kernel`` as the 4 x 16 matrix C.

    One step per output cell: its row of C lit, the input cells that row reads lit, the
    output cell ``(C @ x.ravel())[i]``; C.T (16 x 4) beside it with the same column lit.

    Examples
    --------
    >>> p = matrix_payload(np.arange(9.0).reshape(3, 3), np.ones((4, 4)))
    >>> [q["id"] for q in p["panels"]], p["steps"]["value"]
    (['x', 'C', 'y', 'CT'], ['36', '36', '36', '36'])
    >>> p["panels"][1]["lit"][1][:3], p["panels"][3]["lit"][1][:3]
    ([16, 17, 18], [1, 5, 9])
    """
    k = np.asarray(kernel, dtype=np.float64)
    xa = np.asarray(x, dtype=np.float64)
    if k.shape != (3, 3) or xa.shape != (4, 4):
        raise ValueError(f"`kernel` must be 3x3 and `x` 4x4, got shapes {k.shape} and "
                         f"{xa.shape}")
    c = conv_matrix(xa.shape, k)  # (4, 16)
    y = (c @ xa.ravel()).reshape(2, 2)
    ct = c.T
    c_top = render.full_scale(c)
    wtext = _weights(c)
    panels = [
        grid_panel("x", title="x (4x4), read row by row as 16 numbers", role="source",
                   text=_write(xa), colors=render.diverging_colors(xa),
                   legend=diverging_legend(xa)),
        grid_panel("C", title="C (4 x 16): one row per output cell", text=wtext,
                   colors=render.diverging_colors(c, c_top), lit=[
                       [i * 16 + j for j in range(16)] for i in range(4)],
                   legend=diverging_legend(c)),
        grid_panel("y", title="C @ x = conv2d(x, kernel) (2x2)", role="target", reveal=True,
                   text=_write(y), colors=render.diverging_colors(y),
                   legend=diverging_legend(y)),
        grid_panel("CT", title="C.T (16 x 4): the same numbers, rows become columns",
                   text=_weights(ct), colors=render.diverging_colors(ct, c_top),
                   lit=[[j * 4 + i for j in range(16)] for i in range(4)],
                   legend=diverging_legend(ct)),
    ]
    window, lines, label = [], [], []
    wf = numbers.weight_format(c)
    for i in range(4):
        r, col = divmod(i, 2)
        reads = [(r + a) * 4 + col + b for a in range(3) for b in range(3)]  # its window
        window.append(reads)
        terms = " + ".join(f"{wf(float(c[i, j]))}×{fmt(float(xa.flat[j]))}" for j in reads)
        lines.append([f"Row {i} of C times x: {terms} = {fmt(float(y.flat[i]))}",
                      f"Row {i} of C is column {i} of C.T: the weights output cell "
                      f"[{r}, {col}] reads with, and the transpose writes back with."])
        label.append(f"output[{r}, {col}]")
    return grid_payload(panels, [[["x"], ["y"]], [["C"], ["CT"]]], window=window,
                        target=list(range(4)), lines=lines,
                        value=[fmt(float(v)) for v in y.ravel()], label=label, step=step)


def adjoint_payload(kernel: Any, y: Any) -> tuple[dict[str, Any], bool]:
    """``C.T @ y.ravel()`` beside ``conv_transpose2d(y, kernel)`` for a 2x2 ``y`` and a 3x3
    kernel (C: the 4x4-input convolution matrix), and whether the two are equal.

    Examples
    --------
    >>> p, same = adjoint_payload(np.ones((3, 3)), np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> same, p["panels"][1]["text"][:4]
    (True, ['1', '3', '3', '2'])
    """
    k = np.asarray(kernel, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if k.shape != (3, 3) or ya.shape != (2, 2):
        raise ValueError(f"`kernel` must be 3x3 and `y` 2x2, got shapes {k.shape} and "
                         f"{ya.shape}")
    back = (conv_matrix((4, 4), k).T @ ya.ravel()).reshape(4, 4)
    direct = conv_transpose2d(ya, k)
    same = bool(np.allclose(back, direct))
    top = render.full_scale(np.concatenate([back.ravel(), direct.ravel()]))
    legend = diverging_legend(np.array([top]))
    panels = [
        grid_panel("y", title="y (2x2), output-sized", text=_write(ya),
                   colors=render.diverging_colors(ya), legend=diverging_legend(ya)),
        grid_panel("back", title="C.T @ y, as 4x4", text=number_texts(back, 4),
                   colors=render.diverging_colors(back, top), legend=legend),
        grid_panel("direct", title="conv_transpose2d(y, kernel)", text=number_texts(direct, 4),
                   colors=render.diverging_colors(direct, top), legend=legend),
    ]
    word = "equal" if same else "NOT equal"
    return static_payload(panels, [[["y"], ["back"], ["direct"]]],
                          lines=[f"C.T @ y and conv_transpose2d(y, kernel) are {word} "
                                 "(checked cell by cell)."]), same
