"""convviz.serve: serving a class from one process: training slots taken in turn (:mod:`.slots`),
page runs that training yields to (:mod:`.foreground`), a live training session's ticks and
settings (:mod:`.session`), and the pages' URL settings (:mod:`.params`). No streamlit here:
:mod:`convviz.ui` holds the one instance of each per server.
"""
