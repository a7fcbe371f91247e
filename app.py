"""convviz: the entry point. Sets up the page, the navigation over pages/ and the sidebar."""

from pathlib import Path

import streamlit as st

from convviz.ui.boot import foreground
from convviz.ui.nav import NAV_PAGES

ASSETS = Path(__file__).parent / "assets"
SIDEBAR_WIDTH = 260  # px: every page title fits; Streamlit's 300 crowds a 1024 px screen

# The tab icon ships with the app: a ":material/...:" icon is fetched from a font server
# (the page icons in the navigation are not: Streamlit serves that font itself). A whole
# number as the sidebar state means "auto" at that width: open on a wide screen, collapsed
# on a phone, where it would cover the page.
st.set_page_config(page_title="convviz: convolution, visualized", page_icon=ASSETS / "icon.svg",
                   layout="wide", initial_sidebar_state=SIDEBAR_WIDTH)

st.html(ASSETS / "app.css")  # style only: takes no space

nav = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, default=(i == 0))
     for i, p in enumerate(NAV_PAGES)]
)

with st.sidebar:
    st.caption(
        "convviz shows the exact numbers a convolutional network computes. Conventions: "
        "images are (height, width, channels); \"convolution\" is cross-correlation, as in "
        "PyTorch and Keras; padding modes follow PyTorch, \"same\" follows Keras."
    )

with foreground().running():  # training on this server yields to page runs
    nav.run()
