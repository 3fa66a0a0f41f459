"""Numba CUDA kernels on any machine: the GPU where there is one, Numba's CUDA simulator elsewhere.

Lesson 06's kernels are written in Numba's CUDA Python (``@cuda.jit``). On a machine with an
NVIDIA GPU and CuPy they run on the GPU, on CuPy arrays (zero-copy through
``__cuda_array_interface__``). Everywhere else (a laptop, Binder, the grader, CI) the same code
runs under Numba's CUDA simulator: every GPU thread is a Python thread, so kernels are slow but
exact, and an index past the end of an array raises instead of reading garbage.

Numba reads ``NUMBA_ENABLE_CUDASIM`` once, when ``numba.cuda`` is first imported, so `setup()`
must run before that import (the lesson's setup cell, the grader's kernel environment and the
tests' conftest all do). Measured on a 2-core machine (numba 0.68.1, numba-cuda 0.30.4): each
simulated thread costs about 0.25 ms to start, so the lesson keeps its launches small (at most
64 threads per block, 32x32 matrices) to run in about a minute.
"""

from __future__ import annotations

import os
import sys
import threading

from course import backend

ENV = "NUMBA_ENABLE_CUDASIM"
# Each simulated thread reserves its stack: 8 MB by default, so a 256-thread block needs 2 GB of
# address space and fails under the grader's 3 GB cap ("can't start new thread"). 256 KB is
# plenty for a kernel's Python frames.
STACK_BYTES = 256 * 1024
# Threads that wait at cuda.syncthreads() hand over the interpreter sooner: 3-8x faster
# reductions and tiled matmuls under the simulator.
SWITCH_INTERVAL = 1e-4
MAX_THREADS_PER_BLOCK = 64  # what the lesson's graded launches use at most under the simulator


def setup() -> bool:
    """Choose the GPU or the simulator for ``numba.cuda``; True when kernels will be simulated.

    Call before ``from numba import cuda``. An explicit ``NUMBA_ENABLE_CUDASIM`` in the
    environment wins (the grader sets 1 so that every submission is graded the same way);
    otherwise the simulator is used exactly when there is no usable GPU.
    """
    if "numba.cuda" in sys.modules:  # too late to choose: report what Numba chose
        from numba import config

        simulated = bool(config.ENABLE_CUDASIM)
    else:
        if os.environ.get(ENV) is None:
            os.environ[ENV] = "0" if backend.cuda_available() else "1"
        simulated = os.environ[ENV] == "1"
    if simulated:
        threading.stack_size(STACK_BYTES)
        sys.setswitchinterval(SWITCH_INTERVAL)
    return simulated


def simulated() -> bool:
    """Whether ``numba.cuda`` runs kernels in the simulator in this process (imports it)."""
    from numba import config

    return bool(config.ENABLE_CUDASIM)
