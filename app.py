"""convviz: the entry point. Sets up the page, the navigation over pages/ and the sidebar."""

from pathlib import Path

import streamlit as st

from convviz.ui.boot import foreground
from convviz.ui.nav import PAGES

st.set_page_config(page_title="convviz: convolution, visualized", page_icon=":material/grid_on:",
                   layout="wide", initial_sidebar_state="expanded")

st.html(Path(__file__).parent / "assets" / "app.css")  # style only: takes no space

nav = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, default=(i == 0)) for i, p in enumerate(PAGES)]
)

with st.sidebar:
    st.caption(
        "convviz shows the exact numbers a convolutional network computes. Conventions: "
        "images are (height, width, channels); \"convolution\" is cross-correlation, as in "
        "PyTorch and Keras; padding modes follow PyTorch, \"same\" follows Keras."
    )

with foreground().running():  # training on this server yields to page runs
    nav.run()
