"""convviz.imaging: images and the sweep: loading files safely (:mod:`.images`, :mod:`.pixels`),
bundled sample photos (:mod:`.samples`), several kernels over one photo
(:mod:`.filters`, :mod:`.filter_bank`) and a kernel sweeping across it (:mod:`.sweep` and
its browser payload, frames, detail and export).
"""
