"""convviz.serve: serving learners and a class: training slots taken in turn (:mod:`.slots`),
page runs that training yields to (:mod:`.foreground`), a live training session's ticks and
settings (:mod:`.session`), two trainings compared (:mod:`.compare`), the pages' URL settings
(:mod:`.params`), and a live class shared by every server process: the store (its interface
:mod:`.class_store`, on SQLite :mod:`.sqlite_store` or Redis :mod:`.redis_store`) and the
class's rules over it (:mod:`.classroom`). No streamlit
here: :mod:`convviz.ui` holds the one instance of each per server.
"""
