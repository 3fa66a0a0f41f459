"""Lesson 06's block reductions as Numba CUDA device functions: the reference that the lesson's
later kernels fall back on when the learner's ``block_sum`` is not finished, so that each
exercise is graded on its own.

``block_sum(shared, value)`` and ``block_max(shared, value)`` return, to every thread of the
block, the sum (the maximum) of all the threads' ``value``: a tree in ``shared``, a
``cuda.shared.array`` of ``cuda.blockDim.x`` elements (a power of two) made by the calling
kernel, with a sync after every step and one after reading ``shared[0]`` so that the caller may
reuse the buffer at once. They are built on first use, after ``course.cudasim.setup()`` has
chosen the GPU or the simulator, so importing this module does not import ``numba.cuda``.
"""

from __future__ import annotations

import functools

# Bound when the device functions are built (after course.cudasim.setup()): the simulator swaps
# module globals named `cuda` for its own, so `cuda` must be a global here, not a closure.
cuda = None


@functools.cache
def device_functions():
    """(block_sum, block_max), compiled for the GPU or the simulator chosen at import time."""
    global cuda
    from numba import cuda

    @cuda.jit(device=True)
    def block_sum(shared, value):
        t = cuda.threadIdx.x
        shared[t] = value
        cuda.syncthreads()
        step = cuda.blockDim.x // 2
        while step > 0:
            if t < step:
                shared[t] += shared[t + step]
            cuda.syncthreads()
            step //= 2
        total = shared[0]
        cuda.syncthreads()
        return total

    @cuda.jit(device=True)
    def block_max(shared, value):
        t = cuda.threadIdx.x
        shared[t] = value
        cuda.syncthreads()
        step = cuda.blockDim.x // 2
        while step > 0:
            if t < step:
                shared[t] = max(shared[t], shared[t + step])
            cuda.syncthreads()
            step //= 2
        total = shared[0]
        cuda.syncthreads()
        return total

    return block_sum, block_max
