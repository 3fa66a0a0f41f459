"""`course.cuda.graphed` without a GPU: its bookkeeping and refusals, on a fake CuPy.

The fake models stream capture faithfully enough to test the wrapper: a "kernel" launched
while a stream captures is recorded instead of run, and `Graph.launch` runs the recorded
kernels again. The real capture is tested in tests/gpu/test_cuda_graphs_gpu.py.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import course
from course import cuda_graphs
from course.cuda_graphs import GraphCaptureError, graphed


class FakeStream:
    def __init__(self, cp, name):
        self.cp, self.name = cp, name
        self.captured: list | None = None
        self.capture_mode = None

    def __enter__(self):
        self.cp.stack.append(self)
        return self

    def __exit__(self, *exc):
        self.cp.stack.pop()

    def begin_capture(self, mode=None):
        self.captured, self.capture_mode = [], mode
        self.cp.captures += 1

    def is_capturing(self):
        return self.captured is not None

    def end_capture(self):
        kernels, self.captured = self.captured, None
        if self.cp.invalidate:
            raise RuntimeError("cudaErrorStreamCaptureInvalidated: operation failed due to a "
                               "previous error during capture")  # fmt: skip
        return FakeGraph(self.cp, kernels)

    def record(self):
        return object()

    def wait_event(self, event):
        pass

    def synchronize(self):
        if self.is_capturing():
            raise RuntimeError("cudaErrorStreamCaptureUnsupported: operation not permitted "
                               "when stream is capturing")  # fmt: skip


class FakeGraph:
    def __init__(self, cp, kernels):
        self.cp, self.kernels = cp, kernels

    def launch(self, stream=None):
        self.cp.launched_on.append(stream)
        for kernel in self.kernels:
            kernel()


class FakePool:
    def __init__(self, used=0):
        self.used = used

    def malloc(self, size):
        return size

    def used_bytes(self):
        return self.used


class FakeCupy:
    """Just what graphed() touches: streams, capture, graphs, pools, allocators."""

    def __init__(self):
        self.null = FakeStream(self, "null")
        self.stack: list[FakeStream] = []
        self.captures = 0
        self.invalidate = False
        self.launched_on: list = []
        self.allocators: list = []
        self.default_pool = FakePool(1000)
        fake = self

        class Cuda:
            class runtime:  # noqa: N801 - CuPy's name
                streamCaptureModeRelaxed = 2  # noqa: N815 - CuPy's name

            @staticmethod
            def Stream(non_blocking=False):  # noqa: N802 - CuPy's name
                assert non_blocking, "capture needs a non-blocking stream"
                return FakeStream(fake, f"stream{len(fake.stack)}")

            @staticmethod
            def get_current_stream():
                return fake.current

            MemoryPool = FakePool

            @staticmethod
            @contextlib.contextmanager
            def using_allocator(malloc):
                fake.allocators.append(malloc)
                try:
                    yield
                finally:
                    fake.allocators.pop()

        self.cuda = Cuda

    @property
    def current(self):
        return self.stack[-1] if self.stack else self.null

    def get_default_memory_pool(self):
        return self.default_pool

    def kernel(self, fn):
        """Launch ``fn`` on the current stream: recorded while it captures, else run now."""
        if self.current.is_capturing():
            self.current.captured.append(fn)
        else:
            fn()


# CuPy's side of a refused call, compiled as if it lived in site-packages: the error must name
# the caller's line, not a library's.
LIBRARY = """
def sync(cp):
    if cp.current.is_capturing():
        raise RuntimeError("synchronize: the current stream is capturing")


def item(cp):
    sync(cp)
    return 1.0


def matmul(cp):
    if cp.current.is_capturing():
        raise NotImplementedError("calling cuBLAS API during stream capture is unsupported")


def random(cp):
    if cp.current.is_capturing():
        raise NotImplementedError("cuRAND does not support stream capture")
"""
lib = type(contextlib)("fake_cupy_core")
exec(compile(LIBRARY, "/venv/lib/site-packages/cupy/_fake_core.py", "exec"), lib.__dict__)


@pytest.fixture
def cp(monkeypatch):
    fake = FakeCupy()
    monkeypatch.setattr(cuda_graphs, "_cupy", lambda: fake)
    monkeypatch.setattr(cuda_graphs, "_on_cuda", lambda t: True)
    monkeypatch.setattr(cuda_graphs, "_loaded_cublas", lambda: None)  # no cuBLAS routing
    return fake


def make_step(cp, calls):
    """A 'training step': out = 2 * x + w, then w += 1 (an in-place update), as kernels."""
    w = course.tensor(np.zeros(3, dtype=np.float32))
    out = course.tensor(np.zeros(3, dtype=np.float32))

    def step(x):
        calls.append(cp.current.name)

        def forward(x=x):
            out.array[...] = 2 * x.array + w.array

        def update():
            w.array[...] += 1

        cp.kernel(forward)
        cp.kernel(update)
        return out

    return step, w


def test_without_cuda_graphed_says_a_gpu_is_needed():
    if course.cuda.is_available():
        pytest.skip("a GPU is here: tests/gpu tests the real capture")
    x = course.tensor(np.ones(3, dtype=np.float32))
    with pytest.raises(GraphCaptureError, match="need a CUDA GPU and CuPy.*call the step directly"):
        course.cuda.graphed(lambda x: x * 2, (x,))


def test_inputs_must_be_course_tensors_on_the_gpu(monkeypatch):
    monkeypatch.setattr(cuda_graphs, "_cupy", FakeCupy)
    x = course.tensor(np.ones(3, dtype=np.float32))  # on the CPU
    with pytest.raises(GraphCaptureError, match=r"example_batch\[0\] must be a course Tensor on"):
        graphed(lambda x: x, (x,))
    with pytest.raises(GraphCaptureError, match=r"example_batch\[0\].*got ndarray"):
        graphed(lambda x: x, (np.ones(3),))


def test_warmup_runs_eagerly_on_a_side_stream_then_one_capture(cp):
    calls = []
    step, w = make_step(cp, calls)
    x = course.tensor(np.ones(3, dtype=np.float32))
    g = graphed(step, (x,), warmup=2)
    # Two eager steps on a side stream, then one call under capture, in the graph's pool.
    assert len(calls) == 3 and calls[0] == calls[1] != "null" and calls[2] != "null"
    assert cp.captures == 1 and g.graph.kernels and not cp.allocators
    np.testing.assert_array_equal(w.array, [2, 2, 2])  # the capture itself ran nothing
    assert g.steps_run == 2 and g.replays == 0


def test_the_capture_uses_relaxed_mode_and_the_graphs_own_pool(cp, monkeypatch):
    seen = {}
    real_stream = cp.cuda.Stream

    def spy(non_blocking=False):
        s = real_stream(non_blocking)
        original = s.begin_capture

        def begin(mode=None):
            seen["mode"], seen["allocators"] = mode, list(cp.allocators)
            original(mode)

        s.begin_capture = begin
        return s

    monkeypatch.setattr(cp.cuda, "Stream", staticmethod(spy))
    step, _ = make_step(cp, [])
    g = graphed(step, (course.tensor(np.ones(3, dtype=np.float32)),))
    assert seen["mode"] == 2  # relaxed: the pool may cudaMalloc while capturing
    assert seen["allocators"] == [g.pool.malloc]


def test_each_call_copies_the_batch_in_then_replays(cp):
    calls = []
    step, w = make_step(cp, calls)
    x = course.tensor(np.ones(3, dtype=np.float32))
    g = graphed(step, (x,), warmup=1)
    out = g(course.tensor(np.full(3, 5, dtype=np.float32)))
    np.testing.assert_array_equal(out.array, [11, 11, 11])  # 2 * 5 + w (w = 1 after warm-up)
    np.testing.assert_array_equal(x.array, [5, 5, 5])  # copied into the static input
    again = g()  # no batch: the inputs stay as they are
    assert again is out and len(calls) == 2  # Python ran twice: warm-up and capture, no more
    np.testing.assert_array_equal(out.array, [12, 12, 12])
    assert g.replays == 2 and g.steps_run == 3
    assert cp.launched_on == [cp.null, cp.null]  # on the caller's stream: its syncs wait for it


def test_a_batch_of_another_shape_or_count_is_refused(cp):
    step, _ = make_step(cp, [])
    g = graphed(step, (course.tensor(np.ones(3, dtype=np.float32)),))
    with pytest.raises(ValueError, match=r"input 0 has shape \(2,\).*captured for shape \(3,\)"):
        g(course.tensor(np.ones(2, dtype=np.float32)))
    with pytest.raises(ValueError, match="dtype float64"):
        g(course.tensor(np.ones(3, dtype=np.float64)))
    with pytest.raises(ValueError, match="captured with 1 inputs, called with 2"):
        g(course.tensor(np.ones(3, dtype=np.float32)), course.tensor(np.ones(3)))
    assert g.replays == 0


def test_warmup_must_run_once(cp):
    with pytest.raises(ValueError, match="warmup must be >= 1"):
        graphed(lambda: None, (), warmup=0)


def capture_error(cp, step) -> str:
    with pytest.raises(GraphCaptureError) as e:
        graphed(step, ())
    assert not any(s.is_capturing() for s in [cp.null, *cp.stack]), "capture left open"
    return str(e.value)


def test_a_host_sync_is_named_with_its_line(cp):
    def step():
        cp.kernel(lambda: None)
        lib.sync(cp)  # what .item() or .numpy() does

    message = capture_error(cp, step)
    assert "host synchronisation: .item()" in message and "if loss > 0" in message
    assert "test_cuda_graphs.py" in message and "lib.sync(cp)" in message


def test_branching_on_a_gpu_value_is_a_host_sync(cp):
    def step():
        if lib.item(cp) > 0:  # what `if loss > 0:` does
            cp.kernel(lambda: None)

    assert "if lib.item(cp) > 0" in capture_error(cp, step)


def test_a_matmul_names_cupys_cublas_refusal(cp):
    def step():
        cp.kernel(lambda: None)
        lib.matmul(cp)

    message = capture_error(cp, step)
    assert "a matmul" in message and "cupy/cupy#6290" in message


def test_random_numbers_on_the_gpu_are_named(cp):
    def step():
        lib.random(cp)

    assert "random numbers drawn on the GPU" in capture_error(cp, step)


def test_an_allocation_outside_the_pool_is_refused(cp):
    step_calls = []

    def step():
        step_calls.append(1)
        if cp.current.is_capturing():
            cp.default_pool.used += 512  # e.g. an array from a pool the step chose itself

    message = capture_error(cp, step)
    assert "512 bytes were allocated outside the graph's memory pool" in message


def test_a_capture_cuda_invalidates_is_reported(cp):
    cp.invalidate = True
    step, _ = make_step(cp, [])
    message = capture_error(cp, lambda: step(course.tensor(np.ones(3, dtype=np.float32))))
    assert "CUDA refused the captured step" in message


def test_an_unknown_error_keeps_its_text():
    assert cuda_graphs.cause(KeyError("w")) == "KeyError: 'w'"
    assert "ran out of memory" in cuda_graphs.cause(MemoryError("Out of memory allocating"))


# ---------------------------------------------------------------- cuBLAS during a capture
class FakeCublasLib:
    """libcublas as ctypes sees it: functions that take argtypes and return a status."""

    def __init__(self, status=0):
        self.log = []

        def create(ref):
            ref._obj.value = 4242  # the handle cuBLAS writes back
            return 0

        def record(name):
            def fn(*args):
                self.log.append((name, args))
                return status

            return fn

        self.cublasCreate_v2 = create
        self.cublasSetStream_v2 = record("setStream")
        self.cublasSetWorkspace_v2 = record("setWorkspace")
        for _, (symbol, _types) in cuda_graphs._ROUTED.items():
            setattr(self, symbol, record(symbol))


def test_the_router_binds_its_own_handle_to_the_capturing_stream():
    lib = FakeCublasLib()
    router = cuda_graphs.CublasRouter(lib, stream_ptr=77, workspace_ptr=88, workspace_bytes=99)
    assert router.handle == 4242
    assert lib.log == [("setStream", (4242, 77)), ("setWorkspace", (4242, 88, 99))]


def test_routing_sends_cupys_gemms_to_our_handle_only_inside_the_block():
    lib = FakeCublasLib()
    router = cuda_graphs.CublasRouter(lib, 1, 2, 3)
    original = lambda *a: "cupy's own"  # noqa: E731
    binding = type(contextlib)("cublas_binding")
    for name in cuda_graphs._ROUTED:
        setattr(binding, name, original)
    with router.routing(binding):
        binding.gemmEx(1111, 0, 1, 8, 8, 8, 5, 6, 0, 8, 7, 0, 8, 5, 9, 0, 8, 68, 99)
    assert lib.log[-1] == ("cublasGemmEx", (4242, 0, 1, 8, 8, 8, 5, 6, 0, 8, 7, 0, 8, 5, 9, 0, 8,
                                            68, 99))  # fmt: skip
    assert all(getattr(binding, name) is original for name in cuda_graphs._ROUTED)
    with pytest.raises(ZeroDivisionError), router.routing(binding):
        raise ZeroDivisionError("inside the block")
    assert binding.gemmEx is original  # restored after an error too


def test_the_routed_signatures_match_cupys_call_sites():
    # Arguments after the handle at cupy/_core/_routines_linalg.pyx's calls: gemmEx 18,
    # gemmStridedBatchedEx 22 (three long long strides), sgemmBatched 14.
    counts = {name: len(types) for name, (_, types) in cuda_graphs._ROUTED.items()}
    assert counts == {"gemmEx": 18, "gemmStridedBatchedEx": 22, "sgemmBatched": 14}
    strided = cuda_graphs._ROUTED["gemmStridedBatchedEx"][1]
    assert [i for i, t in enumerate(strided) if t is cuda_graphs._LL] == [9, 13, 18]


def test_a_failing_cublas_call_raises_with_its_name():
    router = cuda_graphs.CublasRouter(FakeCublasLib(), 1, 2, 3)
    router.lib = FakeCublasLib(status=7)
    binding = type(contextlib)("cublas_binding")
    for name in cuda_graphs._ROUTED:
        setattr(binding, name, None)
    with router.routing(binding), pytest.raises(RuntimeError, match="cublasSgemmBatched.*status 7"):
        binding.sgemmBatched(0, *range(14))


def test_graphed_routes_cublas_during_the_capture_only(cp, monkeypatch):
    active = []

    @contextlib.contextmanager
    def routing():
        active.append(True)
        yield
        active.pop()

    monkeypatch.setattr(cuda_graphs, "_cublas_router", lambda cp, s, p: (routing(), "kept"))
    seen = []

    def step():
        seen.append((cp.current.is_capturing(), bool(active)))

    g = graphed(step, (), warmup=2)
    assert seen == [(False, False), (False, False), (True, True)] and not active
    assert g.keep == "kept"
    seen.clear()
    graphed(step, (), warmup=1, capture_matmul=False)
    assert seen == [(False, False), (True, False)]
