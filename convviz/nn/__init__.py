"""convviz.nn: a small, readable CNN library in numpy (layers, model, loss, optimizers).

Shapes are channels last, as in Keras: a batch of images is (N, H, W, C), a conv kernel
(kH, kW, C_in, F), a Dense weight (in, units). Each layer's backward pass is written right
beside its forward pass.

>>> import numpy as np
>>> from convviz.nn import (Sequential, Conv2D, MaxPool2D, ReLU, Flatten, Dense, SGD,
...                         softmax_cross_entropy)
>>> model = Sequential([Conv2D(8, 3), ReLU(), MaxPool2D(2), Conv2D(16, 3), ReLU(),
...                     MaxPool2D(2), Flatten(), Dense(10)], input_shape=(28, 28, 1), seed=0)
>>> x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
>>> logits = model.forward(x)
>>> loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1, 2, 3]))
>>> dx = model.backward(dlogits)
>>> SGD(lr=0.05).step(model)
>>> logits.shape, dx.shape, model.n_params
((4, 10), (4, 28, 28, 1), 5258)
"""

from convviz.nn.conv_layer import Conv2D
from convviz.nn.io import ModelFileError, load_model, save_model
from convviz.nn.layers import Dense, Flatten, Layer, ReLU
from convviz.nn.losses import softmax, softmax_cross_entropy
from convviz.nn.metrics import (
    Metrics,
    Mistakes,
    confusion_matrix,
    most_confident_mistakes,
    predict_proba,
)
from convviz.nn.model import Sequential
from convviz.nn.optim import SGD, Adam, Momentum, Optimizer
from convviz.nn.pool_layers import AvgPool2D, MaxPool2D
from convviz.nn.presets import ARCHITECTURES, model_from_preset, model_from_specs
from convviz.nn.saliency import saliency
from convviz.nn.train import Trainer
from convviz.nn.train_config import TrainConfig

__all__ = [
    "ARCHITECTURES",
    "SGD",
    "Adam",
    "AvgPool2D",
    "Conv2D",
    "Dense",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "Metrics",
    "Mistakes",
    "ModelFileError",
    "Momentum",
    "Optimizer",
    "ReLU",
    "Sequential",
    "TrainConfig",
    "Trainer",
    "confusion_matrix",
    "load_model",
    "model_from_preset",
    "model_from_specs",
    "saliency",
    "most_confident_mistakes",
    "predict_proba",
    "save_model",
    "softmax",
    "softmax_cross_entropy",
]
