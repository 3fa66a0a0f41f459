"""The functional API (``import course.functional as F``): thin, checked wrappers over ops.

Names and arguments follow ``torch.nn.functional``. Shape errors name the op and both
shapes, so a learner can see which layer got what.
"""

from __future__ import annotations

import numpy as np

from course.autograd import Tensor, constant
from course.backend import Array, get_array_module, to_device, to_numpy
from course.ops import conv as _conv
from course.ops import nn as _nn
from course.ops import relu, sigmoid, tanh
from course.ops.reduce import normalize_dims
from course.random import generator

__all__ = [
    "avg_pool2d", "batch_norm", "conv2d", "cross_entropy", "dropout", "embedding", "linear",
    "log_softmax", "max_pool2d", "mse_loss", "relu", "sigmoid", "softmax", "tanh",
]  # fmt: skip


def _pair(v, name: str) -> tuple[int, int]:
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(n) for n in v)
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v}")
    return v


def _dim(dim: int, x: Tensor, op: str) -> int:
    dims = normalize_dims(dim, x.ndim, op)
    return 0 if dims is None else dims[0]  # None: a 0-d tensor, whose dim 0 or -1 is 0


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (shifted by the max: no overflow)."""
    d = _dim(dim, x, "softmax")  # checks dim, for a 0-d tensor too
    if x.ndim == 0:  # NumPy's 0-d arithmetic gives scalars, which Softmax cannot write into
        return _nn.Softmax.apply(x.reshape(1), dim=0).reshape(())
    return _nn.Softmax.apply(x, dim=d)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x_i - log sum_j exp(x_j) along ``dim``, stable for any finite logits."""
    return _nn.LogSoftmax.apply(x, dim=_dim(dim, x, "log_softmax"))


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias over the last dim of x; weight is (out_features, in_features)."""
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"linear: input of shape {tuple(x.shape)} does not fit weight of shape "
            f"{tuple(weight.shape)}: the last dim of the input must be in_features="
            f"{weight.shape[1]}"
        )
    if bias is None:
        return _nn.Linear.apply(x, weight)
    return _nn.Linear.apply(x, weight, bias)


def cross_entropy(
    input: Tensor, target: Tensor | Array, reduction: str = "mean", ignore_index: int = -100
) -> Tensor:
    """mean_i -log softmax(input_i)[target_i]; input (N, C) or (N, C, d1, ...), integer target."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"cross_entropy: reduction must be 'mean', 'sum' or 'none', not {reduction!r}"
        )
    t = target.array if isinstance(target, Tensor) else target
    if t.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: target must hold class indices (integers), got {t.dtype}")
    x = input
    if x.ndim == 1:  # one sample without a batch dim
        x, t = x.reshape(1, -1), t.reshape(1)
    expect = (x.shape[0],) + tuple(x.shape[2:])
    if x.ndim < 2 or t.shape != expect:
        raise RuntimeError(
            f"cross_entropy: input of shape {tuple(input.shape)} needs a target of shape "
            f"{expect}, got {tuple(t.shape)}"
        )
    c = x.shape[1]
    xp = get_array_module(t)
    ignored = t == ignore_index
    bad = ~ignored & ((t < 0) | (t >= c))
    # One transfer answers both questions: on a GPU, one wait for the device instead of two.
    counts = to_numpy(xp.stack([xp.count_nonzero(bad), xp.count_nonzero(ignored)]))
    if counts[0]:
        raise IndexError(
            f"cross_entropy: target holds class {int(t[bad][0])}, outside [0, {c}) for {c} classes"
        )
    spatial = x.shape[2:]
    if spatial:  # classes last, one row per position
        x = x.permute(0, *range(2, x.ndim), 1).reshape(-1, c)
        t = t.reshape(-1)
    out = _nn.CrossEntropy.apply(
        x,
        constant(t),
        reduction=reduction,
        ignore_index=ignore_index,
        n_valid=t.size - int(counts[1]),
    )
    if reduction == "none":
        out = out.reshape(expect) if spatial or input.ndim > 1 else out.reshape(())
    return out


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """mean((input - target) ** 2)."""
    if tuple(input.shape) != tuple(target.shape):
        raise RuntimeError(
            f"mse_loss: input shape {tuple(input.shape)} and target shape "
            f"{tuple(target.shape)} differ"
        )
    sq = (input - target) ** 2
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()


def conv2d(
    x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1
) -> Tensor:
    """2-D cross-correlation of x (N, C, H, W) with weight (Cout, C, kh, kw), plus bias."""
    stride, padding = _pair(stride, "conv2d: stride"), _pair(padding, "conv2d: padding")
    dilation = _pair(dilation, "conv2d: dilation")
    if x.ndim != 4 or weight.ndim != 4:
        raise RuntimeError(
            f"conv2d: needs a 4-D input (N, C, H, W) and weight (Cout, C, kh, kw), got "
            f"shapes {tuple(x.shape)} and {tuple(weight.shape)}"
        )
    if x.shape[1] != weight.shape[1]:
        raise RuntimeError(
            f"conv2d: input of shape {tuple(x.shape)} has {x.shape[1]} channels but weight of "
            f"shape {tuple(weight.shape)} expects {weight.shape[1]}"
        )
    for size, k, s, p, d in zip(x.shape[2:], weight.shape[2:], stride, padding, dilation):
        if _conv.out_size(size, k, s, p, d) < 1:
            raise RuntimeError(
                f"conv2d: kernel {tuple(weight.shape[2:])} (dilation {dilation}) does not fit "
                f"input of shape {tuple(x.shape)} with padding {padding}"
            )
    geometry = {"stride": stride, "padding": padding, "dilation": dilation}
    if bias is None:
        return _conv.Conv2d.apply(x, weight, **geometry)
    return _conv.Conv2d.apply(x, weight, bias, **geometry)


def _pool(fn, name, x, kernel_size, stride, padding) -> Tensor:
    kernel = _pair(kernel_size, f"{name}: kernel_size")
    stride = kernel if stride is None else _pair(stride, f"{name}: stride")
    padding = _pair(padding, f"{name}: padding")
    if x.ndim != 4:
        raise RuntimeError(f"{name}: needs a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: padding {padding} must be at most half the kernel {kernel}")
    if any(
        _conv.out_size(n, k, s, p) < 1 for n, k, s, p in zip(x.shape[2:], kernel, stride, padding)
    ):
        raise RuntimeError(f"{name}: kernel {kernel} does not fit input of shape {tuple(x.shape)}")
    return fn.apply(x, kernel=kernel, stride=stride, padding=padding)


def max_pool2d(x: Tensor, kernel_size, stride=None, padding=0) -> Tensor:
    """Max over each kernel window (stride defaults to the kernel size)."""
    return _pool(_conv.MaxPool2d, "max_pool2d", x, kernel_size, stride, padding)


def avg_pool2d(x: Tensor, kernel_size, stride=None, padding=0) -> Tensor:
    """Mean over each kernel window (stride defaults to the kernel size)."""
    return _pool(_conv.AvgPool2d, "avg_pool2d", x, kernel_size, stride, padding)


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (training only)."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = generator().random(x.shape, dtype=np.float32) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1 / (1 - p))
    return _nn.MaskMul.apply(x, constant(to_device(mask, x.device)))


def embedding(input: Tensor | Array, weight: Tensor) -> Tensor:
    """Rows of ``weight`` picked by the integer indices in ``input``."""
    idx = (
        input.array if isinstance(input, Tensor) else get_array_module(weight.array).asarray(input)
    )
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError(
            f"embedding: index {int(idx.max() if idx.max() >= weight.shape[0] else idx.min())} "
            f"out of range for {weight.shape[0]} embeddings"
        )
    return _nn.Embedding.apply(weight, constant(idx))


def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1)."""
    c = x.shape[1]
    xp = get_array_module(x.array)
    if weight is None:
        weight = constant(xp.ones(c, dtype=x.dtype))
    if bias is None:
        bias = constant(xp.zeros(c, dtype=x.dtype))
    if weight.shape != (c,):
        raise RuntimeError(
            f"batch_norm: input of shape {tuple(x.shape)} has {c} channels but weight has "
            f"shape {tuple(weight.shape)}"
        )
    rm = None if running_mean is None else running_mean.array
    rv = None if running_var is None else running_var.array
    return _nn.BatchNorm.apply(
        x, weight, bias, running_mean=rm, running_var=rv, training=training,
        momentum=momentum, eps=eps,
    )  # fmt: skip


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course.functional'", "torch.nn.functional", name)
