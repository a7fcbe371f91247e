"""convviz.base: the foundations every other package may use, and that use nothing of convviz:
argument checks that name the argument and the valid range (:mod:`.checks`), one click's
work budget (:mod:`.budget`) and the server-wide memory limit (:mod:`.memory`).
"""
