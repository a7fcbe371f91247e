"""Pictures of a comparison of two training runs: the confusion matrices' difference as a
grid view, and a one-page PNG report (both runs' curves, held-out accuracies, the
difference).

The numbers come from :mod:`convviz.serve.compare` (curves as rows, the difference as a
(K, K) int array); this module only draws them. Matplotlib is not thread-safe and every
session shares one process, so the report is drawn under the package's one matplotlib lock,
:data:`convviz.draw.plot_lock.PLOT_LOCK`.

Examples
--------
>>> diff = np.array([[2, -2], [0, 0]])
>>> p = difference_payload(diff, ["0", "1"], ("a", "b"))
>>> p["panels"][0]["text"]
['+2', '-2', '0', '0']
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.base.budget import Cost
from convviz.draw import render
from convviz.draw.grid_data import diverging_legend, grid_panel
from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.static_grids import static_payload

__all__ = ["REPORT_SIZE", "TEXT_CHARS", "difference_payload", "report_cost", "report_figure",
           "report_png", "report_text"]

REPORT_SIZE = (1200, 900)  #: the report's width and height in pixels (100 dpi)


def _signed(v: int) -> str:
    return f"{v:+d}" if v else "0"


def difference_payload(diff: Any, class_names: Sequence[str],
                       labels: Sequence[str]) -> dict[str, Any]:
    """The grid view of ``diff`` (the second run's confusion matrix minus the first's) on
    the diverging scale, with its legend.

    Parameters
    ----------
    diff : array_like of int, shape (K, K)
        Rows the true class, columns the prediction.
    class_names : sequence of K str
    labels : two str
        The runs' names, first then second.

    Returns
    -------
    dict
        A static grid-view payload (:func:`convviz.draw.static_grids.static_payload`); each
        cell's hover says its true class and prediction.
    """
    d = np.asarray(diff)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ValueError(f"`diff` must be a square (K, K) grid, got shape {d.shape}")
    if len(class_names) != d.shape[0]:
        raise ValueError(f"`class_names` must name {d.shape[0]} classes, got "
                         f"{len(class_names)}")
    if len(labels) != 2:
        raise ValueError(f"`labels` must name two runs, got {len(labels)}")
    d = d.astype(np.int64)
    k = d.shape[0]
    text = np.array([[_signed(int(v)) for v in row] for row in d], dtype=object)
    hover = np.array([[f"true {class_names[i]}, predicted {class_names[j]}: "
                       f"{_signed(int(d[i, j]))} images" for j in range(k)] for i in range(k)],
                     dtype=object)
    scale = np.array([-1.0, 1.0]) * max(1, int(np.abs(d).max()))
    panel = grid_panel(
        "diff", title=f"Confusion matrix of “{labels[1]}” minus “{labels[0]}”",
        caption="rows: the true class, columns: the prediction", text=text,
        colors=render.diverging_colors(d.astype(np.float64), float(scale[1])), hover=hover,
        legend=diverging_legend(scale, "colour: images, blue fewer < 0 < red more"))
    return static_payload([panel], [[["diff"]]], lines=[
        f"Red: “{labels[1]}” puts more test images in that cell; blue: fewer. On the "
        f"diagonal (right answers) red is better; off it, blue is better."])


def report_cost(n_classes: int) -> Cost:
    """What one report costs, before any work: one PNG of :data:`REPORT_SIZE`."""
    w, h = REPORT_SIZE
    frame = w * h * 4  # matplotlib's RGBA canvas
    return Cost("the comparison report", 1, w * h * 3, 4 * frame + 30 * 2**20,
                frame // 8, 1.0 + 0.01 * n_classes ** 2)


#: characters per line of the report's text column (13 pt), so it never runs under the grid
TEXT_CHARS = 40


def report_png(rows: Sequence[dict[str, Any]], labels: Sequence[str],
               accuracies: Sequence[float | None], diff: Any,
               class_names: Sequence[str], *, title: str,
               notes: Sequence[str] = ()) -> bytes:
    """A one-page PNG: the loss and held-out accuracy curves of both runs, their final
    held-out accuracies and the confusion matrices' difference with its colour bar.

    Parameters
    ----------
    rows : sequence of dict
        ``{"epoch", "run", "loss", "held-out accuracy"}`` per recorded slice
        (:func:`convviz.serve.compare.curve_rows`).
    labels : two str
        The runs' names, as ``rows`` name them.
    accuracies : two float or None
        Each run's final accuracy on the whole test set.
    diff : (K, K) int array
        Second minus first confusion matrix.
    class_names : sequence of K str
    title : str
        The first line (what was compared, on what).
    notes : sequence of str
        Sentences under the accuracies (what both runs share), wrapped to
        :data:`TEXT_CHARS` characters a line.

    Returns
    -------
    bytes
        PNG, :data:`REPORT_SIZE` pixels.
    """
    with PLOT_LOCK:
        fig = report_figure(rows, labels, accuracies, diff, class_names, title=title,
                            notes=notes)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def report_text(labels: Sequence[str], accuracies: Sequence[float | None],
                notes: Sequence[str] = ()) -> str:
    """The report's text column: the final accuracies, then the notes as one paragraph,
    every line at most :data:`TEXT_CHARS` characters.

    Examples
    --------
    >>> print(report_text(("a", "b"), (0.5, None), ["Both runs: the same seed;", "and more."]))
    Final held-out accuracy (whole test set):
      a: 50.0%
      b: –
    <BLANKLINE>
    Both runs: the same seed; and more.
    """
    lines = ["Final held-out accuracy (whole test set):"]
    for label, acc in zip(labels, accuracies, strict=True):
        lines += textwrap.wrap(f"{label}: {'–' if acc is None else f'{acc:.1%}'}",
                               TEXT_CHARS, initial_indent="  ", subsequent_indent="    ")
    if notes:
        lines += ["", *textwrap.wrap(" ".join(notes), TEXT_CHARS)]
    return "\n".join(lines)


def report_figure(rows: Sequence[dict[str, Any]], labels: Sequence[str],
                  accuracies: Sequence[float | None], diff: Any,
                  class_names: Sequence[str], *, title: str, notes: Sequence[str] = ()):
    """The report as a matplotlib Figure (:func:`report_png`'s arguments); call it with
    :data:`convviz.draw.plot_lock.PLOT_LOCK` held, as :func:`report_png` does. Its axes are
    the two curves, the text column (:func:`report_text`) and the confusion difference."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize
    from matplotlib.figure import Figure

    d = np.asarray(diff, dtype=np.int64)
    w, h = REPORT_SIZE
    top = max(1, int(np.abs(d).max()))
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    fig.suptitle(title, fontsize=15)
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.3], hspace=0.35, wspace=0.3)
    styles = ("-", "--")
    for col, (metric, name) in enumerate((("loss", "Loss (lower is better)"),
                                          ("held-out accuracy",
                                           "Held-out accuracy (higher is better)"))):
        ax = fig.add_subplot(grid[0, col])
        for label, style in zip(labels, styles, strict=True):
            pts = [(r["epoch"], r[metric]) for r in rows
                   if r["run"] == label and r[metric] is not None]
            if pts:
                x, y = zip(*pts, strict=True)
                ax.plot(x, y, style, lw=2, label=label)
        ax.set_title(name, fontsize=13)
        ax.set_xlabel("epoch", fontsize=12)
        ax.tick_params(labelsize=11)
        if metric != "loss":
            ax.set_ylim(0, 1)
        ax.legend(fontsize=11)
    text = fig.add_subplot(grid[1, 0])
    text.axis("off")
    text.text(0, 1, report_text(labels, accuracies, notes), va="top", fontsize=13)
    ax = fig.add_subplot(grid[1, 1])
    # the grid view's own colours, so the report and the page agree cell by cell
    ax.imshow(render.diverging_colors(d.astype(np.float64), float(top)))
    k = d.shape[0]
    ax.set_xticks(range(k), class_names, fontsize=11)
    ax.set_yticks(range(k), class_names, fontsize=11)
    ax.set_xlabel("prediction", fontsize=12)
    ax.set_ylabel("true class", fontsize=12)
    ax.set_title(f"Confusion: “{labels[1]}” minus “{labels[0]}”", fontsize=12)
    if k <= 12:
        for i in range(k):
            for j in range(k):
                dark = abs(int(d[i, j])) > 0.6 * top
                ax.text(j, i, _signed(int(d[i, j])), ha="center", va="center",
                        fontsize=11, color="white" if dark else "black")
    # the same stops, evenly spaced, as render.diverging_colors interpolates them
    bar = LinearSegmentedColormap.from_list("diverging", render.DIVERGING / 255.0)
    fig.colorbar(ScalarMappable(Normalize(-top, top), bar), ax=ax,
                 label="images (blue fewer, red more)")
    return fig
