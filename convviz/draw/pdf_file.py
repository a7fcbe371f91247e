"""The PDF file: matplotlib Figures written as one PDF, the same bytes for the same pages.

:func:`pdf_bytes` makes the Figures and writes them with ``PdfPages`` under
:data:`convviz.draw.plot_lock.PLOT_LOCK` (matplotlib is not thread-safe): TrueType fonts
embedded as text (``pdf.fonttype`` 42: a reader can search and copy it) and no creation
date, so the same pages give byte-identical files. The pages are usually
:func:`convviz.draw.print_pages.draw_pages`'s.

Examples
--------
>>> from matplotlib.figure import Figure
>>> pdf = pdf_bytes(lambda: [Figure(figsize=(2, 2))], title="Blank")
>>> pdf[:5], pdf == pdf_bytes(lambda: [Figure(figsize=(2, 2))], title="Blank")
(b'%PDF-', True)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from convviz.draw.plot_lock import PLOT_LOCK
from convviz.draw.text_measure import FONT

__all__ = ["pdf_bytes"]


def pdf_bytes(make_figures: Callable[[], Sequence[Any]], *, title: str) -> bytes:
    """Call ``make_figures`` and write the Figures it returns as one PDF.

    The Figures are made and written under :data:`~convviz.draw.plot_lock.PLOT_LOCK`, with
    TrueType fonts embedded with their text (``pdf.fonttype`` 42),
    :data:`~convviz.draw.text_measure.FONT` as the default family and no creation date in
    the metadata, so the same pages give the same bytes.

    Parameters
    ----------
    make_figures : callable
        Takes nothing, returns the matplotlib Figures in page order (e.g. a call of
        :func:`convviz.draw.print_pages.draw_pages`); it runs while the lock is held.
    title : str
        The PDF's Title metadata.

    Returns
    -------
    bytes
        The PDF.

    Examples
    --------
    >>> from convviz.draw.print_pages import Page, draw_pages
    >>> pdf = pdf_bytes(lambda: draw_pages([Page()], header="convviz"), title="Blank")
    >>> pdf[:5], b"CreationDate" in pdf
    (b'%PDF-', False)
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    if not callable(make_figures):
        raise TypeError(f"`make_figures` must be callable, got {type(make_figures).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"`title` must be str, got {type(title).__name__}")
    buf = io.BytesIO()
    # no creation date: the same pages give the same bytes
    meta = {"Title": title, "Creator": "convviz", "CreationDate": None}
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42, "font.family": FONT}):
        figures = make_figures()
        with PdfPages(buf, metadata=meta) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return buf.getvalue()
