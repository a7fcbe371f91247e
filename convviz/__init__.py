"""convviz: the engine of an interactive convolution visualizer.

Pure numpy/scipy/Pillow; it never imports streamlit. Shapes are channels last: an image
is (H, W, C), a batch (N, H, W, C), a conv kernel (kH, kW, C_in, C_out).

>>> import numpy as np
>>> import convviz as cv
>>> cv.conv2d(np.ones((7, 7)), np.ones((3, 3))).shape
(5, 5)
"""

from convviz.engine.conv import conv2d, conv2d_reference
from convviz.engine.conv_matrix import conv_matrix
from convviz.engine.conv_steps import ConvPlan, conv_plan, conv_steps
from convviz.engine.kernels import KERNELS, Kernel
from convviz.engine.padding import PADDING_MODES, resolve_padding
from convviz.engine.pool_steps import PoolPlan, pool_plan, pool_steps
from convviz.engine.pooling import global_pool, pool2d, pool2d_reference
from convviz.engine.receptive import receptive_field
from convviz.engine.shapes import explain_output_size, output_size
from convviz.engine.steps import Step
from convviz.engine.transpose import (
    conv_transpose2d,
    conv_transpose2d_reference,
    transpose_as_conv,
    transpose_output_size,
)
from convviz.engine.transpose_steps import TransposePlan, transpose_plan
from convviz.imaging.images import ImageError, load_image

__version__ = "0.1.0"

__all__ = [
    "KERNELS",
    "PADDING_MODES",
    "ConvPlan",
    "ImageError",
    "Kernel",
    "PoolPlan",
    "Step",
    "TransposePlan",
    "conv2d",
    "conv2d_reference",
    "conv_matrix",
    "conv_plan",
    "conv_steps",
    "conv_transpose2d",
    "conv_transpose2d_reference",
    "explain_output_size",
    "global_pool",
    "load_image",
    "output_size",
    "pool2d",
    "pool2d_reference",
    "pool_plan",
    "pool_steps",
    "receptive_field",
    "resolve_padding",
    "transpose_as_conv",
    "transpose_output_size",
    "transpose_plan",
]
