"""The functional API (``import course.functional as F``), named as ``torch.nn.functional``.

Nothing is defined here: each function is the checked lowercase wrapper that sits next to
its `Function` in ``course.ops`` (``course.ops.fused``: linear, softmax, losses, embedding,
dropout, batch norm; ``course.ops.activation``: gelu, silu, leaky_relu; ``course.ops.norm``:
layer norm; ``course.ops.attention``: scaled dot-product attention; ``course.ops.conv``:
convolution and pooling; ``course.ops``: relu, sigmoid, tanh). Shape errors name the op
and both shapes, so a learner can see which layer got what.
"""

from __future__ import annotations

from course.ops import relu, sigmoid, tanh
from course.ops.activation import gelu, leaky_relu, silu
from course.ops.attention import scaled_dot_product_attention
from course.ops.conv import avg_pool2d, conv2d, max_pool2d
from course.ops.fused import (
    batch_norm,
    cross_entropy,
    dropout,
    embedding,
    linear,
    log_softmax,
    mse_loss,
    nll_loss,
    softmax,
)
from course.ops.norm import layer_norm

__all__ = [
    "avg_pool2d", "batch_norm", "conv2d", "cross_entropy", "dropout", "embedding", "gelu",
    "layer_norm", "leaky_relu", "linear", "log_softmax", "max_pool2d", "mse_loss", "nll_loss",
    "relu", "scaled_dot_product_attention", "sigmoid", "silu", "softmax", "tanh",
]  # fmt: skip


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course.functional'", "torch.nn.functional", name)
