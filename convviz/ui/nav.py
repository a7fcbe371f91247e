"""The pages in teaching order (:data:`PAGES`: the guided path and every "next" link), and
the navigation's whole list (:data:`NAV_PAGES`, used by app.py)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str
    icon: str
    blurb: str


PAGES = [
    PageInfo("pages/home.py", "Start here", ":material/home:",
             "What a CNN is, and an image as the grid of numbers it reads."),
    PageInfo("pages/convolution.py", "Convolution, step by step", ":material/grid_on:",
             "A kernel slides over a small grid: every product and every sum, one window at a "
             "time, with one or three channels and several filters; then channels and "
             "groups (standard, grouped, depthwise), 1x1 convolutions and their costs."),
    PageInfo("pages/image_filters.py", "Filters on your image", ":material/image:",
             "Your own photo through edge and blur kernels: the kernel sweeping across it, "
             "the feature maps it leaves, and a GIF of the sweep for slides."),
    PageInfo("pages/output_size.py", "Padding, stride, dilation", ":material/straighten:",
             "How padding, stride and dilation set the output size, with the formula, every "
             "window position, PyTorch and Keras code, and a quiz."),
    PageInfo("pages/transposed.py", "Transposed convolution", ":material/open_in_full:",
             "The other direction: every input cell stamps value × kernel into a larger "
             "output; the same as a convolution over a spread-out input, the transpose of "
             "the convolution's matrix, the checkerboard, and a U-Net decoder's shapes."),
    PageInfo("pages/pooling.py", "Pooling", ":material/compress:",
             "Max, average and global pooling shrink a feature map and keep what matters."),
    PageInfo("pages/layer_shapes.py", "Layer shapes", ":material/stacks:",
             "Stack layers and watch shapes, parameter counts, multiply-adds and each unit's "
             "receptive field through a whole network, up to the softmax; why a CNN needs "
             "far fewer weights than a dense network."),
    PageInfo("pages/train.py", "Train a CNN", ":material/model_training:",
             "Train a small CNN live on handwritten digits, real MNIST, shapes or your own "
             "images, then open it up: learned filters, every layer's maps, the gradients, "
             "what it looks at, and two settings compared."),
]

# Pages in the navigation after the guided path, not steps of it (no "next" link, not
# numbered on the home page).
CLASS_PAGE = PageInfo("pages/classroom.py", "Class", ":material/co_present:",
                      "Ask the whole room a question: students join with a code on their "
                      "phones, the answers arrive as a histogram with the named mistakes.")
NAV_PAGES = [*PAGES, CLASS_PAGE]


def next_link(current_path: str) -> None:
    """A link to the page after ``current_path`` in the guided path (none after the last)."""
    paths = [p.path for p in PAGES]
    if current_path not in paths:
        return
    i = paths.index(current_path)
    st.divider()
    if i + 1 < len(PAGES):
        nxt = PAGES[i + 1]
        st.page_link(nxt.path, label=f"Next: {nxt.title} →", icon=nxt.icon)
    else:
        st.page_link(PAGES[0].path, label="Back to the start", icon=PAGES[0].icon)
