"""NumPy references of the lesson kernels: vectorised, dtype-preserving, easy to read.

Fused kernels that lessons 06 and 07 show and time, not used by the framework (course.kernels
holds those); the lesson-06 issue will rewrite these as learner-written Numba CUDA kernels.

Written with ``xp = get_array_module(x)`` so they also run (unfused) on CuPy arrays,
which is how the GPU tests compare a kernel with its reference on the same device.
"""

from __future__ import annotations

from course.backend import get_array_module


def _sigmoid(xp, z):
    """1 / (1 + e^-z) written as (tanh(z/2) + 1) / 2: no overflow for large |z|."""
    out = xp.tanh(z * 0.5)
    out += 1
    out *= 0.5
    return out


def bias_relu(x, bias):
    """relu(x + bias)."""
    xp = get_array_module(x)
    out = x + bias
    return xp.maximum(out, 0, out=out)


def lstm_pointwise(gates, c_prev):
    """(h, c, i, f, g, o, tanh_c) from pre-activation gates (B, 4H), torch order i, f, g, o."""
    xp = get_array_module(gates)
    hid = c_prev.shape[1]
    i = _sigmoid(xp, gates[:, :hid])
    f = _sigmoid(xp, gates[:, hid : 2 * hid])
    g = xp.tanh(gates[:, 2 * hid : 3 * hid])
    o = _sigmoid(xp, gates[:, 3 * hid :])
    c = f * c_prev
    c += i * g
    tanh_c = xp.tanh(c)
    return o * tanh_c, c, i, f, g, o, tanh_c


def softmax_cross_entropy_grad(logits, target):
    """(softmax(logits) - onehot(target)) / N."""
    xp = get_array_module(logits)
    n = logits.shape[0]
    p = logits - logits.max(axis=1, keepdims=True)
    xp.exp(p, out=p)
    p /= p.sum(axis=1, keepdims=True)
    p[xp.arange(n), target] -= 1
    p /= max(n, 1)  # a Python number keeps float32 float32
    return p


def sum_of_squares(x):
    """sum(x ** 2) as a 0-d array, accumulated in x's dtype (a BLAS dot for floats)."""
    xp = get_array_module(x)
    flat = x.reshape(-1)
    return xp.asarray(xp.dot(flat, flat), dtype=x.dtype)


def im2col(x, kh, kw, stride, padding):
    """(N*Ho*Wo, C*kh*kw) patch matrix, columns ordered (c, i, j) like torch's unfold."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (sy, sx), (py, px) = stride, padding
    ho, wo = (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1
    if py or px:
        buf = xp.zeros((n, c, h + 2 * py, w + 2 * px), dtype=x.dtype)
        buf[:, :, py : py + h, px : px + w] = x
    else:
        buf = x
    # One strided slice per kernel offset (i, j): kh*kw vectorised copies, no Python per pixel.
    cols = xp.empty((n, ho, wo, c, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            win = buf[:, :, i : i + sy * (ho - 1) + 1 : sy, j : j + sx * (wo - 1) + 1 : sx]
            cols[..., i, j] = win.transpose(0, 2, 3, 1)
    return cols.reshape(n * ho * wo, c * kh * kw)


__all__ = [
    "bias_relu",
    "lstm_pointwise",
    "softmax_cross_entropy_grad",
    "sum_of_squares",
    "im2col",
]
