"""CUDA versions of the lesson kernels, written with CuPy's kernel classes.

Fused kernels that lessons 06 and 07 show and time, not used by the framework (course.kernels
holds those); the lesson-06 issue will rewrite these as learner-written Numba CUDA kernels.

Only imported when an input is a CuPy array, so this module never needs CuPy on a CPU
machine. Each kernel is built once per process (``functools.cache``); CuPy compiles it
on its first call and caches the binary on disk. The array module comes from the inputs
(``get_array_module``), so CuPy is still imported in one place only: ``course.backend``.

What each kernel saves over the unfused NumPy-style code:
- ``bias_relu``: one read of x and one write, instead of a temporary for x + bias.
- ``lstm_pointwise``: four activations, the cell update and tanh(c) in one launch
  instead of about a dozen, each reading and writing (B, H) arrays.
- ``softmax_cross_entropy_grad``: exp, divide, one-hot subtract and 1/N in one pass.
- ``sum_of_squares``: squares never reach memory (ReductionKernel maps, then adds).
- ``im2col``: one thread per output element gathers from the input, padding included.
"""

from __future__ import annotations

import functools

import numpy as np

from course.backend import get_array_module

_BLOCK = 256


@functools.cache
def _bias_relu_kernel(cp):
    return cp.ElementwiseKernel(
        "T x, T b",
        "T y",
        "const T v = x + b; y = v > (T)0 ? v : (T)0;",
        "course_bias_relu",
    )


@functools.cache
def _lstm_kernel(cp):
    # `i` is CuPy's element index over the (B, H) outputs; gates is read raw, row b,
    # columns j, H + j, 2H + j, 3H + j (the torch gate order i, f, g, o).
    return cp.ElementwiseKernel(
        "raw T gates, T c_prev, int32 hid",
        "T h, T c, T in_g, T forget_g, T cell_g, T out_g, T tanh_c",
        """
        const ptrdiff_t row = (i / hid) * 4 * hid + i % hid;
        in_g = (T)1 / ((T)1 + exp(-gates[row]));
        forget_g = (T)1 / ((T)1 + exp(-gates[row + hid]));
        cell_g = tanh(gates[row + 2 * hid]);
        out_g = (T)1 / ((T)1 + exp(-gates[row + 3 * hid]));
        c = forget_g * c_prev + in_g * cell_g;
        tanh_c = tanh(c);
        h = out_g * tanh_c;
        """,
        "course_lstm_pointwise",
    )


@functools.cache
def _softmax_ce_grad_kernel(cp):
    # z, the row max m and the row sum s broadcast (N, C) against (N, 1); target is read
    # raw by row. scale = 1 / N.
    return cp.ElementwiseKernel(
        "T z, T m, T s, raw int64 target, int32 ncls, T scale",
        "T grad",
        """
        const T onehot = (i % ncls) == target[i / ncls] ? (T)1 : (T)0;
        grad = (exp(z - m) / s - onehot) * scale;
        """,
        "course_softmax_ce_grad",
    )


@functools.cache
def _sum_of_squares_kernel(cp):
    # map: x * x; reduce: a + b; post-map: write the total; identity 0.
    return cp.ReductionKernel("T x", "T y", "x * x", "a + b", "y = a", "0", "course_sum_of_squares")


_IM2COL_SOURCE = r"""
extern "C" __global__
void course_im2col(const float* x, float* cols, long long total,
                   int c, int h, int w, int kh, int kw,
                   int sy, int sx, int py, int px, int ho, int wo) {
    // One thread per element of cols (row (b, oy, ox), column (ch, ki, kj)), grid-stride.
    for (long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x; idx < total;
         idx += (long long)blockDim.x * gridDim.x) {
        long long t = idx;
        const int kj = t % kw; t /= kw;
        const int ki = t % kh; t /= kh;
        const int ch = t % c; t /= c;
        const int ox = t % wo; t /= wo;
        const int oy = t % ho; t /= ho;
        const long long b = t;
        const int iy = oy * sy - py + ki;
        const int ix = ox * sx - px + kj;
        float v = 0.0f;
        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
            v = x[((b * c + ch) * h + iy) * w + ix];
        }
        cols[idx] = v;
    }
}
"""


@functools.cache
def _im2col_kernel(cp):
    return cp.RawKernel(_IM2COL_SOURCE, "course_im2col")


def bias_relu(x, bias):
    cp = get_array_module(x)
    return _bias_relu_kernel(cp)(x, bias)


def lstm_pointwise(gates, c_prev):
    cp = get_array_module(gates)
    gates = cp.ascontiguousarray(gates)  # the kernel indexes rows of 4H contiguous gates
    h, c, i, f, g, o, tanh_c = _lstm_kernel(cp)(gates, c_prev, c_prev.shape[1])
    return h, c, i, f, g, o, tanh_c


def softmax_cross_entropy_grad(logits, target):
    cp = get_array_module(logits)
    n, ncls = logits.shape
    m = logits.max(axis=1, keepdims=True)
    s = cp.exp(logits - m).sum(axis=1, keepdims=True)
    scale = logits.dtype.type(1.0 / max(n, 1))
    target = cp.ascontiguousarray(target, dtype=cp.int64)
    return _softmax_ce_grad_kernel(cp)(logits, m, s, target, ncls, scale)


def sum_of_squares(x):
    cp = get_array_module(x)
    return _sum_of_squares_kernel(cp)(x)


def im2col(x, kh, kw, stride, padding):
    cp = get_array_module(x)
    if x.dtype != np.float32:
        raise TypeError(f"im2col: the CUDA kernel takes float32, got {x.dtype}")
    x = cp.ascontiguousarray(x)
    n, c, h, w = x.shape
    (sy, sx), (py, px) = stride, padding
    ho, wo = (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1
    cols = cp.empty((n * ho * wo, c * kh * kw), dtype=np.float32)
    total = cols.size
    if total == 0:
        return cols
    grid = min((total + _BLOCK - 1) // _BLOCK, 65535)
    ints = [np.int32(v) for v in (c, h, w, kh, kw, sy, sx, py, px, ho, wo)]
    _im2col_kernel(cp)((grid,), (_BLOCK,), (x, cols, np.int64(total), *ints))
    return cols
