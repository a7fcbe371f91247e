"""Streamlit helpers shared by the pages (the only part of convviz that imports streamlit)."""
