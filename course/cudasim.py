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

import numpy as np

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
    otherwise the simulator is used exactly when there is no usable GPU. With the simulator it
    then imports ``numba.cuda`` itself, to make its shared arrays safe (``_lock_shared_arrays``).
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
        _lock_shared_arrays()
    return simulated


def _lock_shared_arrays() -> None:
    """Make the simulator's ``cuda.shared.array`` safe when a block's threads call it at once.

    The simulator gives a block's threads one shared array per source line: each thread looks
    the line up and, if no array is there yet, makes one and stores it. Look-up and store are
    not one step, so two threads switched out between them get two different arrays, and a
    block reduction silently adds up only the values on its own copy (seen in CI: a correct
    ``block_sum`` returned a partial sum to a whole block). The short switch interval above makes
    that more likely. Here the look-up and the store happen under one lock, with the same key
    (the caller's file and line). The Numba version's own method stays if its class is not the
    one expected.
    """
    from numba.cuda.simulator import kernelapi  # imports numba.cuda: ENV is read by now

    shared = getattr(kernelapi, "FakeCUDAShared", None)
    if shared is None or getattr(shared, "_course_locked", False):
        return
    original = shared.array
    lock = threading.Lock()

    def array(self, shape, dtype, alignment=None):
        if alignment is not None or shape == 0 or not hasattr(self, "_allocations"):
            return original(self, shape, dtype, alignment)  # no per-line look-up there
        if isinstance(dtype, kernelapi.types.Type):
            dtype = kernelapi.numpy_support.as_dtype(dtype)
        caller = sys._getframe(1)
        key = (caller.f_code.co_filename, caller.f_lineno)
        with lock:
            found = self._allocations.get(key)
            if found is None:
                found = self._allocations[key] = np.empty(shape, dtype)
        return found

    shared.array = array
    shared._course_locked = True


def simulated() -> bool:
    """Whether ``numba.cuda`` runs kernels in the simulator in this process (imports it)."""
    from numba import config

    return bool(config.ENABLE_CUDASIM)
