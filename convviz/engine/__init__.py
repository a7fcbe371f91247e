"""convviz.engine: the arithmetic engine: convolution (:mod:`.conv`, :mod:`.conv_steps`), padding,
pooling (:mod:`.pooling`, :mod:`.pool_steps`), output sizes (:mod:`.shapes`), named kernels
and softmax. Pure numpy; channels last; every number a page shows is computed here.
"""
