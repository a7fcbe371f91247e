"""convviz.engine: the arithmetic engine: convolution (:mod:`.conv`, grouped and
depthwise too, :mod:`.conv_steps`), transposed convolution (:mod:`.transpose`,
:mod:`.transpose_steps`), convolution as a matrix (:mod:`.conv_matrix`), receptive fields
(:mod:`.receptive`), padding, pooling (:mod:`.pooling`, :mod:`.pool_steps`), output sizes
(:mod:`.shapes`), named kernels and softmax; the one im2col/col2im core (:mod:`.im2col`)
that conv2d, conv_transpose2d and nn.Conv2D share.
Pure numpy; channels last; every number a page shows is computed here.
"""
