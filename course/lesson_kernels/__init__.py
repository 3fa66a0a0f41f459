"""Fused kernels that lessons 06 and 07 show and time, not used by the framework (course.kernels
holds those); the lesson-06 issue will rewrite these as learner-written Numba CUDA kernels.

One NumPy reference and one CuPy kernel per function, same signature. Each public function
looks at the array module of its inputs: NumPy arrays run the vectorised reference in
``reference.py``; CuPy arrays run the CUDA kernels in ``cuda.py`` (``ElementwiseKernel``,
``ReductionKernel``, ``RawKernel``), compiled on first use. Importing this package never
imports CuPy.

>>> import numpy as np
>>> bias_relu(np.array([[-1.0, 2.0]], np.float32), np.array([0.5, 0.5], np.float32))
array([[0. , 2.5]], dtype=float32)
"""

from __future__ import annotations

from course import backend
from course.kernels import _check_same_device
from course.lesson_kernels import reference

__all__ = [
    "bias_relu",
    "for_device",
    "lstm_pointwise",
    "softmax_cross_entropy_grad",
    "sum_of_squares",
    "im2col",
]


def for_device(x):
    """The module implementing the kernels for ``x``'s device: ``reference`` or ``cuda``.

    Its functions skip the checks of the public ones here.
    """
    if backend.device_of(x) == "cuda":
        from course.lesson_kernels import cuda

        return cuda
    return reference


_impl = for_device


def bias_relu(x, bias):
    """relu(x + bias), bias broadcast over the last dimension, in one pass."""
    _check_same_device("bias_relu", x, bias)
    if bias.shape != x.shape[-1:]:
        raise ValueError(
            f"bias_relu: bias shape {tuple(bias.shape)} must be the last dim of x "
            f"{tuple(x.shape)}: ({x.shape[-1]},)"
        )
    return _impl(x).bias_relu(x, bias)


def lstm_pointwise(gates, c_prev):
    """(h, c, i, f, g, o, tanh_c) of one LSTM step from gates (B, 4H) in order i, f, g, o.

    i, f, o = sigmoid(...), g = tanh(...), c = f * c_prev + i * g, h = o * tanh(c).
    """
    _check_same_device("lstm_pointwise", gates, c_prev)
    b, h4 = gates.shape
    if h4 % 4 or c_prev.shape != (b, h4 // 4):
        raise ValueError(
            f"lstm_pointwise: gates {tuple(gates.shape)} must be (B, 4H) and c_prev "
            f"{tuple(c_prev.shape)} must be (B, H)"
        )
    return _impl(gates).lstm_pointwise(gates, c_prev)


def softmax_cross_entropy_grad(logits, target):
    """d(mean cross-entropy)/d(logits) = (softmax(logits) - onehot(target)) / N."""
    _check_same_device("softmax_cross_entropy_grad", logits, target)
    if logits.ndim != 2 or target.shape != logits.shape[:1]:
        raise ValueError(
            f"softmax_cross_entropy_grad: logits {tuple(logits.shape)} must be (N, C) and "
            f"target {tuple(target.shape)} must be (N,)"
        )
    return _impl(logits).softmax_cross_entropy_grad(logits, target)


def sum_of_squares(x):
    """sum(x ** 2) over all elements as a 0-d array of x's dtype (accumulated in it)."""
    return _impl(x).sum_of_squares(x)


def im2col(x, kh: int, kw: int, stride=1, padding=0):
    """Patches of x (N, C, H, W) as rows (n, y, x) and columns (c, i, j): (N*Ho*Wo, C*kh*kw)."""
    if x.ndim != 4:
        raise ValueError(f"im2col: x must be (N, C, H, W), got shape {tuple(x.shape)}")
    stride, padding = _pair(stride), _pair(padding)
    ho = (x.shape[2] + 2 * padding[0] - kh) // stride[0] + 1
    wo = (x.shape[3] + 2 * padding[1] - kw) // stride[1] + 1
    if ho <= 0 or wo <= 0:
        raise ValueError(
            f"im2col: a {kh}x{kw} window does not fit input {tuple(x.shape)} with padding {padding}"
        )
    return _impl(x).im2col(x, kh, kw, stride, padding)


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))
