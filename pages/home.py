"""Home: what a CNN is, an image as numbers, and the guided path through the pages."""

import numpy as np
import streamlit as st

from convviz.draw.static_grids import channels_payload, gray_grid_payload
from convviz.imaging.samples import load_sample
from convviz.ui.boot import ensure_app
from convviz.ui.grid_view import grid_view
from convviz.ui.nav import PAGES, next_link
from convviz.ui.progress_view import progress_view

ensure_app()


@st.cache_data(max_entries=4)
def _digit() -> np.ndarray:
    from sklearn.datasets import load_digits

    return np.rint(load_digits().images[0] * (255 / 16))  # (8, 8), a real scanned "0", 0..255


@st.cache_data(max_entries=4)
def _face_crop() -> np.ndarray:
    img = load_sample("grace_hopper", max_side=128)  # (H, W, 3) float in [0, 1]
    return np.rint(img[40:45, 55:60] * 255)  # a 5x5 patch around an eye, 0..255


st.title("convviz: see every number a CNN computes")
st.markdown(
    "A **convolutional neural network (CNN)** looks at an image through small windows. "
    "It has two parts:\n"
    "1. **Feature extraction**: convolution layers slide small *kernels* (grids of learned "
    "weights) over the image and produce *feature maps* that light up where a pattern "
    "appears (edges first, then corners, textures, parts of objects); pooling layers "
    "shrink the maps, summarising each small window by one value (max pooling keeps its "
    "strongest response, average pooling its mean).\n"
    "2. **Classification**: the last feature maps are flattened into one long list of "
    "numbers and fully connected (dense) layers turn them into a probability per class."
)

st.header("An image is a grid of numbers")
left, right = st.columns([1, 1.4])
with left:
    digit = _digit()
    grid_view(gray_grid_payload(digit, lo=0, hi=255, title="8 x 8 pixels, one channel",
                                legend_title="colour: pixel value, 0 black, 255 white"),
              key="home.digit")
    st.caption("A handwritten 0 from scikit-learn's digits: 8 x 8 pixels, one channel.")
with right:
    st.markdown(
        "Each **pixel** is a number from 0 (black) to 255 (white). A grayscale image has one "
        "**channel**: its shape is (height, width, 1). A colour image has three, red, green "
        "and blue, so its shape is (height, width, 3): three grids of the same size, and "
        "each pixel is the mix of its three values.\n\n"
        "Below: a 5 x 5 patch of a photo of Grace Hopper, split into its channels."
    )
crop = _face_crop()
grid_view(channels_payload(crop), key="home.rgb")
st.caption(f"The patch is an array of shape {crop.shape}: each channel's grid is coloured as "
           "that channel alone looks, from black (0) to pure red, green or blue (255).")

st.header("The path")
st.markdown("Walk the pages in this order; each ends with a link to the next one.")
for k, page in enumerate(PAGES[1:], start=2):
    st.page_link(page.path, label=f"{k}. {page.title}", icon=page.icon)
    st.caption(page.blurb)

progress_view()

next_link("pages/home.py")
