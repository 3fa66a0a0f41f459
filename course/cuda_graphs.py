"""CUDA Graphs for a whole training step: capture once, replay with one launch.

A GPU training step of this framework issues hundreds of small kernels, and each costs
microseconds of Python before the GPU sees it. CuPy's stream capture records them instead
(``Stream.begin_capture()`` ... ``end_capture()`` gives a ``Graph``), and ``Graph.launch()``
replays them all with one call:

>>> step = course.cuda.graphed(train_step, (X, y))  # doctest: +SKIP
>>> for X_batch, y_batch in loader:  # doctest: +SKIP
...     loss = step(X_batch, y_batch)  # copies into X and y, then one launch

How it works, and what it asks of ``step_fn``:

- ``example_batch``'s tensors become the graph's static inputs; each call copies the new batch
  into them (same shapes and dtypes: capture one graph per shape). ``step_fn`` returns the
  static outputs, the same Tensor objects on every call, overwritten by the next one.
- Before the capture, ``warmup`` eager steps run on a side stream, so lazy work (compiling
  kernels, optimizer state, the first gradients) is done. They are real training steps:
  after ``n`` calls the model has taken ``warmup + n`` steps (``GraphedStep.steps_run``).
- Every allocation during the capture comes from a private memory pool that the graph keeps
  for its lifetime (capture mode "relaxed", so the pool may still call ``cudaMalloc``): the
  graph's buffers are never handed to other arrays. If the default pool grows during the
  capture, something allocated outside the graph's pool and the capture is refused.
- Python runs once, at capture. Python values are frozen into the graph: the learning rate
  (a scheduler's later change has no effect), the shapes, every ``if`` and loop count. The
  optimizer must update parameters in place (``course.optim`` does).

What cannot be captured raises `GraphCaptureError` naming the cause and the line of
``step_fn`` that did it:

- a host synchronisation: ``.item()``, ``.numpy()``, ``print`` of a value, ``if loss > 0``
  (Python branching on a GPU value), ``course.tensor(numpy_array, device="cuda")``;
- random numbers drawn on the device (cuRAND), e.g. dropout;
- a matmul, when ``capture_matmul=False`` or cuBLAS cannot be reached: CuPy refuses every
  cuBLAS call while a stream captures (cupy/cupy#6290, CuPy 13 and 14), although cuBLAS
  itself can be captured. So during the capture (only then) `graphed` routes the three cuBLAS
  entry points CuPy's matmul uses (``gemmEx``, ``gemmStridedBatchedEx``, ``sgemmBatched``)
  through a cuBLAS handle of the graph's own, called with ctypes, bound to the capturing
  stream and given a workspace from the graph's pool (`CublasRouter`). Prepared without a
  GPU: tests/gpu/test_cuda_graphs_gpu.py is its first real check;
- an allocation outside the graph's pool.

Without CUDA, `graphed` raises `GraphCaptureError` too: a CPU has no graphs; call
``step_fn`` directly there.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from course import backend

__all__ = ["GraphCaptureError", "GraphedStep", "graphed", "torch_graphed"]

# Frames from these folders are library code: the error names the caller's line instead.
_COURSE_DIR = str(Path(__file__).parent)
_INSTALLED = ("site-packages", "dist-packages")


class GraphCaptureError(RuntimeError):
    """A training step that CUDA Graphs cannot capture, with the cause and the line."""


def _cupy() -> Any:
    """CuPy, or a clear error; a function so that tests can hand in a fake."""
    if backend.cp is None or not backend.cuda_available():
        raise GraphCaptureError(
            "graphed: CUDA Graphs need a CUDA GPU and CuPy (pip install -e '.[gpu]'); this "
            "machine has none. On a CPU there is nothing to capture: call the step directly."
        )
    return backend.cp


def _on_cuda(t: Any) -> bool:
    return backend.device_of(getattr(t, "array", t)) == "cuda"


def _describe(t: Any) -> str:
    array = getattr(t, "array", t)
    return f"shape {tuple(array.shape)}, dtype {array.dtype}"


def _where(tb: Any) -> str:
    """The innermost frame of the caller's code (else of course/): the line to fix."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return ""
    outside = [f for f in frames if not any(d in f.filename for d in _INSTALLED)]
    callers = [f for f in outside if _COURSE_DIR not in f.filename]
    frame = (callers or outside or frames)[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" (at {Path(frame.filename).name}:{frame.lineno}{code})"


def cause(error: BaseException) -> str:
    """Why a capture failed, in a learner's words, from the exception CuPy raised."""
    text = f"{type(error).__name__}: {error}"
    if "cuBLAS" in text or "cublas" in text.lower():
        return (
            "a matmul: CuPy refuses every cuBLAS call while a stream captures "
            "(cupy/cupy#6290), so steps with matmul, Linear, Conv2d or LSTM cannot be captured "
            "with CuPy's matmul"
        )
    if "cuRAND" in text or "curand" in text.lower():
        return "random numbers drawn on the GPU (cuRAND, e.g. dropout): draw them before the step"
    if "cuSOLVER" in text or "cuSPARSE" in text:
        return f"a CUDA library that cannot be captured ({text})"
    if isinstance(error, MemoryError) or "OutOfMemory" in text:
        return f"the GPU ran out of memory during the capture ({text})"
    sync_words = ("capturing", "StreamCapture", "operation not permitted when stream")
    if any(word in text for word in sync_words):
        return (
            "a host synchronisation: .item(), .numpy(), printing a value, Python branching on "
            "a GPU value (if loss > 0), or a copy between host and GPU; keep these outside the "
            f"step ({text})"
        )
    return text


WORKSPACE_BYTES = 32 * 2**20  # cuBLAS's recommended workspace on Hopper; kept by the graph
_I, _LL, _P = ctypes.c_int, ctypes.c_longlong, ctypes.c_void_p
# CuPy's binding name -> (cuBLAS symbol, C argument types after the handle); CuPy's
# wrappers take the same arguments in the same order (cupy/_core/_routines_linalg.pyx).
_ROUTED = {
    "gemmEx": ("cublasGemmEx", [_I, _I, _I, _I, _I, _P, _P, _I, _I, _P, _I, _I, _P, _P, _I, _I,
                                _I, _I]),
    "gemmStridedBatchedEx": ("cublasGemmStridedBatchedEx", [
        _I, _I, _I, _I, _I, _P, _P, _I, _I, _LL, _P, _I, _I, _LL, _P, _P, _I, _I, _LL, _I, _I, _I,
    ]),
    "sgemmBatched": ("cublasSgemmBatched", [_I, _I, _I, _I, _I, _P, _P, _I, _P, _I, _P, _P, _I,
                                            _I]),
}  # fmt: skip


def _loaded_cublas() -> str | None:
    """The path of the libcublas this process loaded (CuPy loads it at its first matmul)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    found = re.search(r"(\S*/libcublas\.so[.\d]*)\s*$", maps, re.MULTILINE)
    return found.group(1) if found else None


class CublasRouter:
    """CuPy's cuBLAS calls, sent to a handle bound to the capturing stream, during a capture."""

    def __init__(self, lib: Any, stream_ptr: int, workspace_ptr: int, workspace_bytes: int):
        self.lib = lib
        handle = ctypes.c_void_p()
        lib.cublasCreate_v2.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        self._check("cublasCreate_v2", lib.cublasCreate_v2(ctypes.byref(handle)))
        self.handle = handle.value
        lib.cublasSetStream_v2.argtypes = [_P, _P]
        self._check("cublasSetStream_v2", lib.cublasSetStream_v2(self.handle, stream_ptr))
        lib.cublasSetWorkspace_v2.argtypes = [_P, _P, ctypes.c_size_t]
        status = lib.cublasSetWorkspace_v2(self.handle, workspace_ptr, workspace_bytes)
        self._check("cublasSetWorkspace_v2", status)
        self.calls = 0

    @staticmethod
    def _check(name: str, status: int) -> None:
        if status != 0:
            raise RuntimeError(
                f"{name} returned cuBLAS status {status} during a CUDA graph capture"
            )

    def _route(self, symbol: str, argtypes: list) -> Callable[..., None]:
        fn = getattr(self.lib, symbol)
        fn.argtypes, fn.restype = [_P, *argtypes], ctypes.c_int

        def call(_cupy_handle: int, *args: Any) -> None:
            self.calls += 1
            self._check(symbol, fn(self.handle, *args))

        return call

    @contextlib.contextmanager
    def routing(self, module: Any) -> Iterator[None]:
        """Within the block, ``module``'s (CuPy's cublas binding's) GEMMs call ours."""
        saved = {name: getattr(module, name) for name in _ROUTED}
        try:
            for name, (symbol, argtypes) in _ROUTED.items():
                setattr(module, name, self._route(symbol, argtypes))
            yield
        finally:
            for name, fn in saved.items():
                setattr(module, name, fn)


def _cublas_router(cp: Any, stream: Any, pool: Any) -> tuple[Any, Any]:
    """(the router's context for the capture, what the graph must keep), or a no-op."""
    path = _loaded_cublas()
    if path is None:
        return contextlib.nullcontext(), None
    try:
        # CuPy's cuBLAS binding module: its matmul looks these functions up at each call.
        binding = importlib.import_module("cupy_backends.cuda.libs.cublas")
        with cp.cuda.using_allocator(pool.malloc):
            workspace = cp.empty(WORKSPACE_BYTES, dtype=cp.uint8)
        router = CublasRouter(ctypes.CDLL(path), stream.ptr, workspace.data.ptr, WORKSPACE_BYTES)
    except (OSError, AttributeError, ImportError, RuntimeError):
        return contextlib.nullcontext(), None  # then a matmul is refused, by name
    return router.routing(binding), (router, workspace)


class GraphedStep:
    """A captured training step: call it with a batch (or nothing) to replay the graph."""

    def __init__(self, graph: Any, pool: Any, inputs: tuple, outputs: Any, warmup: int, cp: Any):
        self.graph = graph
        self.pool = pool  # the graph's buffers live here: keep it as long as the graph
        self.stream: Any = None  # the capturing stream: its pool blocks are keyed by it
        self.keep: Any = None  # the cuBLAS handle and workspace the graph's GEMMs use
        self.inputs = inputs
        self.outputs = outputs
        self.warmup_steps = warmup
        self.replays = 0
        self._cp = cp

    @property
    def steps_run(self) -> int:
        """Training steps taken so far: the warm-up steps, then one per call."""
        return self.warmup_steps + self.replays

    def __call__(self, *batch: Any) -> Any:
        """Copy ``batch`` into the static inputs (none: keep them), launch, return the outputs."""
        if batch:
            if len(batch) != len(self.inputs):
                raise ValueError(
                    f"graphed step: captured with {len(self.inputs)} inputs, called with "
                    f"{len(batch)}"
                )
            for i, (static, new) in enumerate(zip(self.inputs, batch, strict=True)):
                a, b = static.array, getattr(new, "array", new)
                if a.shape != b.shape or a.dtype != b.dtype:
                    raise ValueError(
                        f"graphed step: input {i} has {_describe(b)}, but the graph was "
                        f"captured for {_describe(a)}; capture one graph per shape "
                        "(a last, smaller batch needs its own graph, or drop it)"
                    )
                a[...] = b  # a copy on the current stream, ordered before the launch
        self.graph.launch(self._cp.cuda.get_current_stream())
        self.replays += 1
        return self.outputs


def graphed(
    step_fn: Callable[..., Any],
    example_batch: Sequence[Any] = (),
    *,
    warmup: int = 3,
    capture_matmul: bool = True,
) -> GraphedStep:
    """Capture ``step_fn(*example_batch)`` (forward, backward, optimizer step) as a CUDA graph.

    Returns a `GraphedStep`; ``step(*batch)`` replays it. See this module's docstring for the
    rules ``step_fn`` must follow; what breaks them raises `GraphCaptureError`.
    """
    cp = _cupy()
    inputs = tuple(example_batch)
    for i, t in enumerate(inputs):
        if not hasattr(t, "array") or not _on_cuda(t):
            raise GraphCaptureError(
                f"graphed: example_batch[{i}] must be a course Tensor on the GPU "
                f"(device='cuda'), got {type(t).__name__} on {getattr(t, 'device', 'cpu')}"
            )
    if warmup < 1:
        raise ValueError("graphed: warmup must be >= 1: the capture needs a step that ran once")
    side = cp.cuda.Stream(non_blocking=True)
    caller = cp.cuda.get_current_stream()
    side.wait_event(caller.record())  # the inputs, written on the caller's stream, are ready
    with side:
        for _ in range(warmup):
            step_fn(*inputs)
    caller.wait_event(side.record())
    side.synchronize()

    pool = cp.cuda.MemoryPool()
    default = cp.get_default_memory_pool()
    before = default.used_bytes()
    mode = getattr(cp.cuda.runtime, "streamCaptureModeRelaxed", 2)
    stream = cp.cuda.Stream(non_blocking=True)
    router, keep = _cublas_router(cp, stream, pool) if capture_matmul else (None, None)
    with stream, cp.cuda.using_allocator(pool.malloc), router or contextlib.nullcontext():
        stream.begin_capture(mode)
        try:
            outputs = step_fn(*inputs)
        except Exception as e:  # noqa: BLE001 - end the capture, then say why it failed
            _end_quietly(stream)
            raise GraphCaptureError(
                f"graphed: this step cannot be captured: {cause(e)}{_where(e.__traceback__)}"
            ) from e
        try:
            graph = stream.end_capture()
        except Exception as e:  # noqa: BLE001 - CUDA invalidated the capture
            raise GraphCaptureError(f"graphed: CUDA refused the captured step: {cause(e)}") from e
    grown = default.used_bytes() - before
    if grown > 0:
        raise GraphCaptureError(
            f"graphed: {grown} bytes were allocated outside the graph's memory pool during the "
            "capture (an allocator or pool that step_fn chose itself): later arrays could reuse "
            "that memory while the graph still writes it. Allocate with the default allocator."
        )
    step = GraphedStep(graph, pool, inputs, outputs, warmup, cp)
    step.stream, step.keep = stream, keep
    return step


def _end_quietly(stream: Any) -> None:
    """Leave capture mode after a failure: an invalidated capture must still be ended (CUDA
    then reports it as invalidated; a stream that is not capturing any more refuses)."""
    try:
        stream.end_capture()
    except Exception:  # noqa: BLE001, S110 - the first error is the one to report
        pass


def torch_graphed(step_fn: Callable[[], Any], warmup: int = 3) -> Callable[[], Any]:
    """torch's own whole-step capture (``torch.cuda.graph``), the reference for `graphed`.

    Warm-up on a side stream, then capture, as torch's CUDA Graphs notes do; the returned
    function replays the graph and returns the static output.
    """
    import torch

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(warmup):
            step_fn()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        out = step_fn()

    def replay() -> Any:
        graph.replay()
        return out

    return replay
