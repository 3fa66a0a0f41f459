"""Neural-network building blocks with PyTorch's names: modules, layers, init, utilities."""

import sys

from course import functional
from course.nn import init, utils
from course.nn.activation import GELU, Identity, LeakyReLU, LogSoftmax, SiLU, Softmax
from course.nn.attention import MultiheadAttention
from course.nn.containers import ModuleDict, ModuleList
from course.nn.layers import (
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Embedding,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Tanh,
)
from course.nn.loss import CrossEntropyLoss, MSELoss, NLLLoss
from course.nn.module import Module, Parameter, Sequential
from course.nn.normalization import LayerNorm
from course.nn.rnn import GRU, LSTM, RNN

__all__ = [
    "GELU", "GRU", "LSTM", "RNN", "AvgPool2d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss",
    "Dropout", "Embedding", "Flatten", "Identity", "LayerNorm", "LeakyReLU", "Linear",
    "LogSoftmax", "MSELoss", "MaxPool2d", "Module", "ModuleDict", "ModuleList",
    "MultiheadAttention", "NLLLoss", "Parameter", "ReLU", "Sequential", "SiLU", "Sigmoid",
    "Softmax", "Tanh", "functional", "init", "utils",
]  # fmt: skip

# torch.nn.functional's place: `import course.nn.functional as F` and `torch.nn.functional.relu`
# under `import course as torch` reach course.functional.
sys.modules.setdefault(f"{__name__}.functional", functional)


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course.nn'", "torch.nn", name)
