"""convviz.engine: the arithmetic engine: convolution (:mod:`.conv`, :mod:`.conv_steps`), padding,
pooling (:mod:`.pooling`, :mod:`.pool_steps`), output sizes (:mod:`.shapes`), named kernels
and softmax; the one im2col/col2im core (:mod:`.im2col`) that conv2d and nn.Conv2D share.
Pure numpy; channels last; every number a page shows is computed here.
"""
