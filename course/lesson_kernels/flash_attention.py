"""Lesson 08's fused causal attention: an online-softmax (FlashAttention-style) Numba CUDA kernel
and the unfused NumPy reference it must equal.

The kernel is the solution of the lesson's exercise: one block of ``tile`` threads computes
``tile`` query rows of one (batch, head) slice. The block walks over the keys in tiles of
``tile`` rows, staged in shared memory; each thread keeps, for its query row, the running max
``m``, the running sum ``l`` of ``exp(s - m)`` and the running output ``acc``, and rescales
them by ``exp(m_old - m_new)`` whenever the max grows. The ``(T, T)`` score matrix is never
stored, so memory stays O(T) per row where the reference needs O(T^2).

On a machine with an NVIDIA GPU the kernel runs on CuPy arrays; elsewhere on NumPy arrays in
Numba's CUDA simulator (``course.cudasim``), which is slow: keep ``T <= 32`` and ``d <= 16``.
Importing this module imports neither Numba nor CuPy.

>>> import numpy as np
>>> q = k = v = np.ones((1, 3, 2), np.float32)
>>> attention_reference(q, k, v)[0, 2]
array([1., 1.], dtype=float32)
"""

from __future__ import annotations

import functools
import math
import types

from course.backend import get_array_module

TILE = 16  # threads per block = query rows per block = key rows per shared-memory tile
HEAD_MAX = 64  # the largest head size the compiled kernel takes (its local arrays' length)
# Bound in the kernel's own globals when it is compiled (after course.cudasim.setup()), so that
# importing this module never imports numba.cuda.
cuda = float32 = None


def attention_reference(q, k, v, causal: bool = True):
    """softmax(q @ k^T / sqrt(d) + causal mask) @ v for (..., T, d) arrays, unfused."""
    xp = get_array_module(q)
    t, d = q.shape[-2], q.shape[-1]
    scores = (q @ xp.swapaxes(k, -1, -2)) * q.dtype.type(1 / math.sqrt(d))
    if causal:
        scores = xp.where(xp.tril(xp.ones((t, k.shape[-2]), dtype=bool)), scores, -xp.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    probs = xp.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    return probs @ v


def _flash_attention(q, k, v, out):  # pragma: no cover - runs as a CUDA kernel
    """out[bh, i] = causal softmax attention of query row i of slice bh, by online softmax."""
    bh = cuda.blockIdx.y
    t = cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t  # this thread's query row
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741 - the paper's name for the running sum
    # Causal: no query of this block looks past its last row. Every thread runs every
    # iteration, so that all of them reach each syncthreads.
    last = min(n, (cuda.blockIdx.x + 1) * TILE)
    for j0 in range(0, last, TILE):
        j = j0 + t
        for c in range(d):  # each thread stages one key row and one value row
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):  # keys j0 + jj <= i only
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)  # rescales what was summed under the old max
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()  # nobody overwrites the tile while another thread still reads it
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l


@functools.cache
def flash_attention_kernel(tile: int = TILE, head_max: int = HEAD_MAX):
    """The kernel compiled with these compile-time sizes: ``kernel[grid, tile](q, k, v, out)``.

    Chooses the GPU or the simulator first (``course.cudasim.setup``), then imports Numba.
    """
    from course import cudasim

    cudasim.setup()
    from numba import cuda, float32

    fn = _flash_attention
    constants = {"cuda": cuda, "float32": float32, "TILE": tile, "HEAD_MAX": head_max}
    return cuda.jit(types.FunctionType(fn.__code__, {**fn.__globals__, **constants}))


def flash_attention(q, k, v, tile: int = TILE, head_max: int = HEAD_MAX):
    """Causal attention of float32 (BH, T, d) arrays by the fused kernel, on the arrays' device."""
    if not (q.ndim == 3 and q.shape == k.shape == v.shape):
        raise ValueError(
            f"flash_attention: q, k and v must share one (BH, T, d) shape, got "
            f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}"
        )
    if q.shape[2] > head_max:
        raise ValueError(f"flash_attention: head size {q.shape[2]} > head_max {head_max}")
    xp = get_array_module(q)
    q, k, v = (xp.ascontiguousarray(a, dtype=xp.float32) for a in (q, k, v))
    out = xp.zeros_like(q)
    bh, n, _ = q.shape
    if out.size:
        grid = ((n + tile - 1) // tile, bh)
        flash_attention_kernel(tile, head_max)[grid, tile](q, k, v, out)
    return out


__all__ = ["TILE", "attention_reference", "flash_attention", "flash_attention_kernel"]
