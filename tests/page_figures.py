"""Printed pages drawn on an Agg canvas, and the boxes of what is on them: shared by the
tests of the page items (convviz.draw.page_items) and of the pages (convviz.draw.print_pages)."""

from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Affine2D

from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.print_pages import MARGIN, PAGE_SIZE, draw_pages


def drawn(pages, header="convviz · Test"):
    """``pages`` drawn (:func:`draw_pages`) under the lock; the Figures, rendered."""
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42}):
        figures = draw_pages(pages, header=header)
        for fig in figures:
            FigureCanvasAgg(fig).draw()
    return figures


def inside(box, margin=MARGIN):
    """Whether ``box`` (points) lies inside the page's margins, give or take 0.02 in."""
    w, h = PAGE_SIZE
    eps = 0.02 * 72
    return (box.x0 >= margin * 72 - eps and box.x1 <= (w - margin) * 72 + eps
            and box.y0 >= margin * 72 - eps and box.y1 <= (h - margin) * 72 + eps)


def boxes(fig):
    """Each text's and patch's box on ``fig``, in points."""
    renderer = fig.canvas.get_renderer()
    to_points = Affine2D().scale(72 / fig.dpi)
    ax = fig.axes[0]
    return [(getattr(a, "get_text", lambda: "")(),
             a.get_window_extent(renderer).transformed(to_points))
            for a in [*ax.texts, *ax.patches, *ax.lines]]
