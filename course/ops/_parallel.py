"""Batch chunks on a small thread pool: how the CPU runs conv, pooling and ReLU on large batches.

A convolution's im2col matrix, its GEMM output and its gradient are each several times the size of
the batch's activations; for a batch of 256 they are tens of MB, far past any cache, so every pass
(im2col, bias, col2im, pooling) streams from DRAM. Cut the batch into chunks whose working set
fits in the cache and run the whole pipeline of one chunk (im2col -> GEMM -> bias, or the
backward's GEMMs and col2im) before the next: the data of each pass is still in cache when the next
pass reads it, and the time per sample stays flat as the batch grows.

Chunks are independent, so they also run on a small thread pool, the calling thread taking its
share: NumPy's ufuncs and OpenBLAS release the GIL. OpenBLAS's own threads would then compete
with the pool's, so BLAS runs single-threaded while the pool works (threadpoolctl; the setting
is process-wide) and gets its thread count back after.

On a GPU (CuPy) there is one chunk and no pool: the device has its own parallelism and its memory
is not the bottleneck here.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from course.backend import get_array_module

# Bytes of a chunk's working set (its im2col matrix and output). Measured with
# benchmarks/chunk_size.py at batch 512 on two 2-core AMD EPYC VMs and a 2-core Intel Xeon VM
# (benchmarks/results/chunk-size-*), time per sample with the pool, us:
#
#   VM (L3 reported)      64 KiB   2 MiB   4 MiB   8 MiB   16 MiB   whole batch
#   AMD (480 MiB)            660     152     146       -      181           219
#   AMD (32 MiB)             718     183     162       -      165           261
#   Intel (480 MiB)          597     162     155     150      151           265
#
# Tiny chunks pay Python per chunk; the whole batch runs out of cache. At batch 512 anything from
# 4 to 16 MiB is within a few % on Intel. Smaller batches decide: `course bench cnn`, interleaved
# on the Intel VM, ours / torch at 4, 6, 8 and 12 MiB: batch 128 1.84, 1.71, 1.64, 1.63; batch 256
# 1.66, 1.62, 1.58, 1.58; batch 512 1.46, 1.42, 1.45, 1.45 (fewer, larger chunks of the second
# conv). On the AMD VM 8 MiB was also a little faster at batch 128 and slower at 512, its best
# scale. The cache sizes a VM reports are not to be trusted, so they are not used.
CHUNK_BYTES = 8 << 20
# At most this many threads for the chunks (None: as many as BLAS uses); 1 turns the pool off.
MAX_WORKERS: int | None = None
# A pass over less than this (the whole batch's working set) runs as one chunk, in this thread
# with BLAS's own threads. Chunks pay once the batch's data outgrows the caches; below that,
# chunked GEMMs on one BLAS thread each run the narrow conv GEMMs slower than one two-thread
# GEMM. `course bench cnn` steps, ours / torch, interleaved A/B on a 2-core AMD EPYC VM (32 MiB
# L3 reported, 4 MiB chunks, 2026-12-06), floors of 12, 16 and 40 MiB: batch 64 1.35, 1.32,
# 1.33 (nothing chunked: the second conv is 8.8 MB); batch 128 1.49, 1.70, 1.81; batch 256 with
# 8 and 40 MiB 1.34 and 1.81; batch 512 1.16-1.18 chunked against 2.00 before chunks.
POOL_MIN_BYTES = 12 << 20
# A first-layer convolution (fewer than 8 input channels) runs as one piece up to this working
# set (its im2col matrix and output), so that it writes HWNC for the ReLU and pooling after it
# (course/ops/conv.py). `course bench cnn` at batch 256 and 512 (41.7 MB), ours / torch,
# interleaved A/B on a 2-core Intel Xeon VM (2026-12-06), p25 of 8 rounds: 5 % and 7.5 % less
# time per step (1.74 -> 1.65 and 1.69 -> 1.56 of torch).
FIRST_LAYER_BYTES = 64 << 20
# Stop OpenBLAS's spinning idle threads before the pool works (see SingleThreadedBlas): on the
# 2-core AMD EPYC VM, 8-20 % less time per CNN step at batch 64 and 512, in three A/B runs.
STOP_IDLE_BLAS = True
# The same floor for the elementwise passes (pooling, ReLU), which call no BLAS. Below it the
# pool costs more than it gives: with every such pass on it, batch 64 went from 1.55x and 1.64x
# torch to 1.98x and 3.01x (OpenBLAS's idle threads spin after each GEMM, and a hand-off per pass).
ELEMENTWISE_MIN_BYTES = 12 << 20

_lock = threading.Lock()
_state: dict[str, Any] = {"pool": None, "blas": None, "no_threads": False}


def _after_fork() -> None:
    """A forked child has none of its parent's pool threads: it starts its own when needed."""
    global _lock
    _lock = threading.Lock()
    _state["pool"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def chunk_size(per_sample_bytes: int, chunk_bytes: int | None = None) -> int:
    """How many samples fit in ``chunk_bytes`` (default CHUNK_BYTES) of working set, at least 1."""
    budget = CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    return max(1, budget // max(1, per_sample_bytes))


def chunks(n: int, per_sample_bytes: int, xp=np, min_bytes: int | None = None) -> list[slice]:
    """The batch 0..n as consecutive slices of at most ``chunk_size`` samples, as many as a
    multiple of the pool's threads and as equal as can be, so no thread waits for the last
    chunk alone. One slice for a non-NumPy array module, or under POOL_MIN_BYTES of work."""
    floor = POOL_MIN_BYTES if min_bytes is None else min_bytes
    if xp is not np or n <= 1 or n * per_sample_bytes < floor:
        return [slice(0, n)]
    count = -(-n // chunk_size(per_sample_bytes))
    if count > 1:
        workers = num_workers()
        count = min(n, -(-count // workers) * workers)
    bounds = [n * i // count for i in range(count + 1)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:])]


def split(a, arrays: int = 2) -> list:
    """Chunks of ``a`` for an elementwise pass that touches ``arrays`` arrays of its size (in
    and out: 2): indices along its outermost axis in memory (axis 0 in C order, the height of
    an HWNC tensor), so each chunk is one block of memory. One index, ``...``, when the pass
    is under ELEMENTWISE_MIN_BYTES, ``a`` is 0-d or empty, or not a NumPy array."""
    if getattr(a, "ndim", 0) == 0 or a.size == 0:
        return [Ellipsis]
    axis = max(range(a.ndim), key=lambda d: abs(a.strides[d]) if a.shape[d] > 1 else -1)
    n, lead = a.shape[axis], (slice(None),) * axis
    per_item = arrays * (a.size // n) * a.itemsize
    pieces = chunks(n, per_item, get_array_module(a), ELEMENTWISE_MIN_BYTES)
    return [Ellipsis] if len(pieces) == 1 else [(*lead, s) for s in pieces]


def _blas():
    """threadpoolctl's controllers of the loaded BLAS libraries (found once, lazily)."""
    if _state["blas"] is None:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

        _state["blas"] = ThreadpoolController().select(user_api="blas").lib_controllers
    return _state["blas"]


def num_workers() -> int:
    """Threads for the chunks: as many as BLAS is allowed to use (OMP_NUM_THREADS and friends
    set both), never more than the CPUs this process may run on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    blas = [lib.num_threads for lib in _blas()]
    cap = [MAX_WORKERS] if MAX_WORKERS is not None else []
    return max(1, min([cpus or 1, *blas, *cap]))


class SingleThreadedBlas:
    """Context manager: every loaded BLAS runs one thread inside, its old thread count after.

    With ``stop_idle=True`` OpenBLAS's worker threads are also stopped: after a threaded call
    they keep spinning for about 0.1 s (2**28 cycles, OPENBLAS_THREAD_TIMEOUT) waiting for the
    next one, even when told to use one thread, and each spinning thread takes a core from the
    pool (measured: 50 ms of CPU time in a 50 ms sleep after one threaded matmul). OpenBLAS
    starts them again on its next threaded call. Stopping takes about 60 us; it assumes no other
    thread of the program is inside BLAS at that moment.
    """

    def __init__(self, stop_idle: bool = False):
        self.stop_idle = stop_idle

    def __enter__(self):
        self.saved = [(lib, lib.num_threads) for lib in _blas()]
        for lib, threads in self.saved:
            lib.set_num_threads(1)
            stop = getattr(getattr(lib, "dynlib", None), "blas_thread_shutdown_", None)
            if self.stop_idle and threads > 1 and lib.internal_api == "openblas" and stop:
                stop()
        return self

    def __exit__(self, *exc):
        for lib, threads in self.saved:
            lib.set_num_threads(threads)
        return False


def _pool(workers: int) -> ThreadPoolExecutor:
    pool = _state["pool"]
    if pool is None or pool._max_workers != workers:
        if pool is not None:
            pool.shutdown()
        pool = _state["pool"] = ThreadPoolExecutor(workers, thread_name_prefix="course-chunk")
    return pool


def map_chunks(fn: Callable[[Any], Any], slices: Sequence) -> list:
    """[fn(s) for s in slices], the chunks shared among this thread and the pool's; results in
    order.

    Each fn(s) must write only its own chunk of any shared output. A single chunk, or a call
    from inside a chunk, runs in this thread with BLAS untouched. Several chunks run with BLAS
    single-threaded even without a pool (MAX_WORKERS = 1): a chunk's GEMMs are too small to
    share, and waking BLAS threads for each costs more than it saves. Where no thread can be
    started (a grader's sandbox), the chunks run in this thread from then on.
    """
    if len(slices) == 1 or not _lock.acquire(blocking=False):  # nested or concurrent: inline
        return [fn(s) for s in slices]
    try:
        threads = num_workers()  # before BLAS goes single-threaded, which would make it 1
        workers = min(threads, len(slices))
        with SingleThreadedBlas(stop_idle=STOP_IDLE_BLAS and workers > 1):
            if workers == 1 or _state["no_threads"]:
                return [fn(s) for s in slices]
            return _shared(fn, slices, workers, threads - 1)
    finally:
        _lock.release()


def _shared(fn, slices, workers, pool_size):
    """This thread and ``workers - 1`` of the pool's take the chunks in turn, first come first
    served; the results in the order of ``slices``. The pool keeps ``pool_size`` threads
    whatever a call's number of chunks, so it is not made again from call to call.

    This thread works too rather than waiting for the pool: one thread fewer to wake, and it
    is already running. With two cores that made a map_chunks call that does nothing cost 22
    instead of 62 us (139 instead of 230 with STOP_IDLE_BLAS), and a CNN step 7 % faster at
    batch 128 and 4-6 % at 256; at 512 three runs read 9 % faster to 5 % slower (interleaved
    A/B, 2-core Intel Xeon VM, 2026-12-07).
    """
    results: list = [None] * len(slices)
    claim = itertools.count()  # its next() is atomic: each index goes to one thread
    failed = threading.Event()  # after an error, no thread starts another chunk

    def drain():
        while not failed.is_set() and (i := next(claim)) < len(slices):
            try:
                results[i] = fn(slices[i])
            except BaseException:
                failed.set()
                raise

    futures: list[Future] = []
    try:
        pool = _pool(pool_size)
        futures.extend(pool.submit(drain) for _ in range(workers - 1))
    except RuntimeError:  # "can't start new thread": a sandbox's limit; go on inline
        _state["no_threads"] = True
    try:
        drain()
    finally:
        for f in futures:
            f.result()  # wait for every chunk in flight; a worker's error is raised here
    return results
