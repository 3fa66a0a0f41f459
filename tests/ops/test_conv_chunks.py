"""conv2d, max_pool2d and relu in batch chunks on the thread pool (course/ops/_parallel.py): the
same values and gradients as one chunk and as torch, reproducible weight gradients, BLAS restored,
and a pool that survives a fork or a sandbox where no thread may start."""

import multiprocessing
import threading
import time

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course.ops import _parallel

pytestmark = pytest.mark.lesson04


@pytest.fixture
def chunk_of(monkeypatch):
    """chunk_of(k): from now on chunks hold at most k samples, and go to the pool however
    small the work."""

    def set_size(k):
        monkeypatch.setattr(_parallel, "chunk_size", lambda *args, **kwargs: k)
        monkeypatch.setattr(_parallel, "POOL_MIN_BYTES", 0)
        monkeypatch.setattr(_parallel, "ELEMENTWISE_MIN_BYTES", 0)
        monkeypatch.setattr(_parallel, "FIRST_LAYER_BYTES", 0)

    return set_size


def _blas_threads():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def _conv_step(x, w, b, dtype=np.float32, **geometry):
    """Output and the gradients of x, w, b of sum(out * g) for fixed g (ours, as arrays)."""
    xs, ws, bs = (course.tensor(a.astype(dtype), requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xs, ws, bs, **geometry)
    g = np.random.default_rng(7).standard_normal(out.shape).astype(dtype)
    out.backward(course.tensor(g))
    return out.detach().numpy(), xs.grad.numpy(), ws.grad.numpy(), bs.grad.numpy()


def _torch_conv_step(x, w, b, dtype=np.float32, **geometry):
    xs, ws, bs = (torch.tensor(a.astype(dtype), requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.conv2d(xs, ws, bs, **geometry)
    g = np.random.default_rng(7).standard_normal(tuple(out.shape)).astype(dtype)
    out.backward(torch.from_numpy(g))
    return [t.detach().numpy() for t in (out, xs.grad, ws.grad, bs.grad)]


GEOMETRIES = [
    {"stride": 1, "padding": 1, "dilation": 1},
    {"stride": 2, "padding": 0, "dilation": 1},
    {"stride": (1, 2), "padding": (2, 1), "dilation": 2},
    {"stride": 1, "padding": 0, "dilation": (1, 2)},
]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: str(tuple(g.values())))
@pytest.mark.parametrize("channels", [3, 16], ids=["loop im2col", "window-view im2col"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunked_conv2d_matches_one_chunk_and_torch(chunk_of, geometry, channels, dtype):
    rng = np.random.default_rng(channels)
    x = rng.standard_normal((7, channels, 9, 8))  # batch 7 in chunks of at most 3: unequal
    w = rng.standard_normal((5, channels, 3, 3))
    b = rng.standard_normal(5)
    whole = _conv_step(x, w, b, dtype, **geometry)
    chunk_of(3)
    chunked = _conv_step(x, w, b, dtype, **geometry)
    theirs = _torch_conv_step(x, w, b, dtype, **geometry)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for name, a, one, t in zip(("output", "grad x", "grad w", "grad b"), chunked, whole, theirs):
        assert a.dtype == dtype, f"{name}: dtype {a.dtype}"
        np.testing.assert_allclose(a, one, rtol=tol, atol=tol, err_msg=f"{name} vs one chunk")
        np.testing.assert_allclose(a, t, rtol=tol, atol=tol, err_msg=f"{name} vs torch")


def test_weight_gradient_is_bitwise_the_same_on_every_run(chunk_of):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((33, 16, 12, 12))
    w = rng.standard_normal((32, 16, 3, 3))
    b = rng.standard_normal(32)
    chunk_of(2)  # 17 chunks shared by the pool's threads, finishing in any order
    first = _conv_step(x, w, b, padding=1)
    for _ in range(4):
        again = _conv_step(x, w, b, padding=1)
        assert np.array_equal(again[2], first[2]), "grad w changed between runs"
        assert np.array_equal(again[3], first[3]), "grad b changed between runs"


POOLS = [  # kernel, stride, padding, ceil_mode, shape
    (2, 2, 0, False, (7, 16, 8, 8)),  # windows tile the input exactly
    (2, 2, 0, False, (7, 4, 9, 7)),  # a last row and column no window reaches
    (3, 2, 1, False, (7, 4, 9, 9)),  # overlapping, padded
    (3, 3, 1, True, (7, 5, 8, 10)),  # ceil_mode's last partial windows
    (2, 1, 0, False, (5, 3, 6, 6)),  # stride 1
]


@pytest.mark.parametrize("kernel,stride,padding,ceil_mode,shape", POOLS)
@pytest.mark.parametrize("values", ["random", "ties", "NaNs"])
@pytest.mark.parametrize("memory", ["NCHW", "NHWC", "HWNC"])
def test_chunked_max_pool2d_matches_torch(
    chunk_of, kernel, stride, padding, ceil_mode, shape, values, memory
):
    rng = np.random.default_rng(3)
    data = rng.integers(0, 3, shape) if values == "ties" else rng.standard_normal(shape)
    data = data.astype(np.float32)
    if values == "NaNs":  # a window's max is NaN; torch sends its gradient to its last NaN
        data[rng.random(shape) < 0.15] = np.nan
    if memory != "NCHW":  # as after a conv: NCHW shape over NHWC or HWNC memory
        order = (0, 2, 3, 1) if memory == "NHWC" else (2, 3, 0, 1)
        data = np.ascontiguousarray(data.transpose(order)).transpose(np.argsort(order))
    chunk_of(2)  # HWNC: bands of two rows of windows, where they tile the input
    x = course.tensor(data, requires_grad=True)
    xt = torch.tensor(np.ascontiguousarray(data), requires_grad=True)
    out = F.max_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode)
    out_t = torch.nn.functional.max_pool2d(xt, kernel, stride, padding, ceil_mode=ceil_mode)
    np.testing.assert_array_equal(out.detach().numpy(), out_t.detach().numpy())
    g = rng.standard_normal(tuple(out_t.shape)).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=1e-6, err_msg="grad x")


@pytest.mark.parametrize("batch", [5, 40], ids=["HWNC first layer", "chunked, NHWC"])
def test_a_small_cnn_matches_torch_through_its_layouts(chunk_of, batch):
    # conv (1 channel) -> relu -> pool -> conv -> relu -> pool, as `course bench cnn`: a
    # small batch runs the first conv and pool batch-inside-pixel (HWNC) and hands NHWC to
    # the second conv; chunks of 4 take the NHWC path everywhere.
    if batch == 40:
        chunk_of(4)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((batch, 1, 12, 12)).astype(np.float32)
    shapes = {"w1": (6, 1, 3, 3), "b1": 6, "w2": (10, 6, 3, 3), "b2": 10}
    params = {k: (rng.standard_normal(v) * 0.5).astype(np.float32) for k, v in shapes.items()}
    weights = rng.standard_normal(batch * 10 * 3 * 3).astype(np.float32)  # of the output

    def run(lib, fn, tensor):
        p = {k: tensor(v) for k, v in params.items()}
        h = fn.max_pool2d(fn.relu(fn.conv2d(tensor(x), p["w1"], p["b1"], padding=1)), 2)
        out = fn.max_pool2d(fn.relu(fn.conv2d(h, p["w2"], p["b2"], padding=1)), 2)
        (out * tensor(weights[: out.numel()].reshape(out.shape))).sum().backward()
        return out.detach().numpy(), {k: v.grad.numpy() for k, v in p.items()}

    ours = run(course, F, lambda a: course.tensor(a, requires_grad=True))
    theirs = run(torch, torch.nn.functional, lambda a: torch.tensor(a, requires_grad=True))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-5)
    for k in params:
        np.testing.assert_allclose(ours[1][k], theirs[1][k], rtol=1e-4, atol=1e-4, err_msg=k)


def test_a_first_layer_conv_writes_hwnc_and_its_pool_hands_back_nhwc():
    # The layouts the test above relies on (and the speed of a small batch comes from).
    x = course.tensor(np.ones((4, 3, 8, 8), dtype=np.float32))
    w = course.tensor(np.ones((8, 3, 3, 3), dtype=np.float32))
    h = F.conv2d(x, w, padding=1).numpy()
    assert np.ascontiguousarray(h.transpose(2, 3, 0, 1)).strides == h.transpose(2, 3, 0, 1).strides
    p = F.max_pool2d(course.from_numpy(h), 2).numpy()
    assert p.transpose(0, 2, 3, 1).flags.c_contiguous, "pooling HWNC should hand back NHWC"
    w2 = course.tensor(np.ones((2, 8, 3, 3), dtype=np.float32))
    many = F.conv2d(F.max_pool2d(course.from_numpy(h), 2), w2).numpy()
    assert many.transpose(0, 2, 3, 1).flags.c_contiguous, "8 channels in: NHWC out"


def test_a_first_layer_conv_runs_whole_up_to_its_limit(monkeypatch):
    # Work the pool would cut in chunks of 2; a first layer stays one piece (HWNC) while its
    # working set is under FIRST_LAYER_BYTES, and takes chunks (NHWC) past it: same values.
    monkeypatch.setattr(_parallel, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(_parallel, "chunk_size", lambda *args, **kwargs: 2)
    rng = np.random.default_rng(12)
    x, w = rng.standard_normal((8, 2, 6, 6)), rng.standard_normal((4, 2, 3, 3))
    results = {}
    for limit in (1 << 20, 0):
        monkeypatch.setattr(_parallel, "FIRST_LAYER_BYTES", limit)
        h = F.conv2d(course.tensor(x), course.tensor(w), padding=1).numpy()
        results[limit] = h
        hwnc = h.transpose(2, 3, 0, 1).flags.c_contiguous
        assert hwnc == (limit > 0), f"limit {limit}: HWNC {hwnc}"
    np.testing.assert_allclose(results[0], results[1 << 20], rtol=1e-12)


def test_the_pool_runs_blas_single_threaded_and_restores_it(chunk_of):
    before = _blas_threads()
    inside = []

    def work(s):
        inside.append(_blas_threads())
        return s.start

    chunk_of(10)
    slices = _parallel.chunks(10, 1)  # one chunk: this thread, BLAS untouched
    assert _parallel.map_chunks(work, slices) == [0] and inside == [before]
    chunk_of(3)
    slices = _parallel.chunks(10, 1)
    bounds = [(s.start, s.stop) for s in slices]
    assert bounds[0][0] == 0 and bounds[-1][1] == 10, bounds
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])), f"gaps or overlaps: {bounds}"
    assert all(1 <= b - a <= 3 for a, b in bounds), f"a chunk over 3 samples: {bounds}"
    assert len(slices) % _parallel.num_workers() == 0, "threads would wait for a last chunk"
    inside.clear()
    assert _parallel.map_chunks(work, slices) == [a for a, _ in bounds]  # in chunk order
    if _parallel.num_workers() > 1:
        assert all(threads == [1] * len(before) for threads in inside), inside
    assert _blas_threads() == before


@pytest.mark.parametrize("stop_idle", [False, True])
def test_blas_works_after_the_pool_stopped_its_idle_threads(monkeypatch, chunk_of, stop_idle):
    monkeypatch.setattr(_parallel, "STOP_IDLE_BLAS", stop_idle)
    a = np.random.default_rng(0).standard_normal((300, 300))
    expect = a @ a  # threaded: OpenBLAS's threads spin after it
    chunk_of(1)
    assert _parallel.map_chunks(lambda s: float((a[s] @ a).sum()), _parallel.chunks(4, 1))
    assert _blas_threads() and np.array_equal(a @ a, expect), "BLAS after the pool"


def test_blas_threads_come_back_when_a_chunk_fails(chunk_of):
    before = _blas_threads()
    chunk_of(1)

    def fail(s):
        raise ValueError(f"chunk {s.start}")

    with pytest.raises(ValueError, match="chunk"):
        _parallel.map_chunks(fail, _parallel.chunks(4, 1))
    assert _blas_threads() == before


def test_a_chunk_that_maps_chunks_runs_them_in_its_own_thread(chunk_of):
    chunk_of(1)
    slices = _parallel.chunks(3, 1)

    def outer(s):
        return _parallel.map_chunks(lambda t: (s.start, t.start), slices)

    assert _parallel.map_chunks(outer, slices) == [[(i, j) for j in range(3)] for i in range(3)]


def test_other_array_modules_get_one_chunk():
    class OtherModule:  # e.g. CuPy: the GPU needs no chunks and no pool
        pass

    assert _parallel.chunks(1000, 1 << 20, xp=OtherModule()) == [slice(0, 1000)]
    assert _parallel.chunks(1000, 1 << 20, xp=np) != [slice(0, 1000)]
    big = _parallel.CHUNK_BYTES // 2 + 1  # two such samples do not fit in a chunk
    assert _parallel.chunk_size(big) == 1 and _parallel.chunk_size(1, 10) == 10


def test_small_work_is_one_chunk_in_this_thread():
    small = _parallel.chunks(64, _parallel.POOL_MIN_BYTES // 128)
    large = _parallel.chunks(64, _parallel.POOL_MIN_BYTES // 32)
    assert small == [slice(0, 64)] and len(large) > 1
    assert _parallel.map_chunks(lambda s: threading.current_thread(), small) == [
        threading.current_thread()
    ]


def test_max_workers_one_turns_the_pool_off(monkeypatch, chunk_of):
    monkeypatch.setattr(_parallel, "MAX_WORKERS", 1)
    chunk_of(1)
    before = _blas_threads()
    seen = _parallel.map_chunks(lambda s: _blas_threads(), _parallel.chunks(3, 1))
    assert seen == [[1] * len(before)] * 3  # inline, BLAS single-threaded all the same
    assert _blas_threads() == before


@pytest.mark.parametrize("channels_last", [False, True], ids=["NCHW", "NHWC memory"])
def test_chunked_relu_matches_torch_and_keeps_the_memory_order(chunk_of, channels_last):
    rng = np.random.default_rng(5)
    data = rng.standard_normal((9, 4, 5, 6)).astype(np.float32)
    data[0, 0, 0] = 0.0  # the gradient at 0 is 0, as torch
    if channels_last:
        data = np.ascontiguousarray(data.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    chunk_of(2)
    x = course.from_numpy(data).requires_grad_()  # shares data's memory order
    xt = torch.tensor(np.ascontiguousarray(data), requires_grad=True)
    out, out_t = F.relu(x), torch.relu(xt)
    np.testing.assert_array_equal(out.detach().numpy(), out_t.detach().numpy())
    assert out.detach().numpy().strides == x.detach().numpy().strides, (
        "relu changed the memory order"
    )
    g = rng.standard_normal(data.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    scalar = course.tensor(np.float32(-2.0), requires_grad=True)  # 0-d: one piece, no chunks
    F.relu(scalar).backward()
    assert float(scalar.grad.numpy()) == 0.0


@pytest.mark.parametrize("layout", ["C order", "NHWC memory", "strided view"])
def test_relu_of_a_large_tensor_matches_torch_in_every_layout(layout):
    # Large enough for relu's rows-of-zeros path (and a tail that is not a whole row); a
    # view that is not one dense block takes NumPy's plain maximum.
    rng = np.random.default_rng(6)
    data = rng.standard_normal((9, 16, 13, 17)).astype(np.float32)
    data[1, 2, 3] = np.nan  # NaN stays NaN, as torch
    if layout == "NHWC memory":
        data = np.ascontiguousarray(data.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    elif layout == "strided view":
        data = data[:, ::2]
    out = F.relu(course.from_numpy(data)).numpy()
    np.testing.assert_array_equal(out, torch.relu(torch.tensor(np.ascontiguousarray(data))))
    assert out.strides == data.strides or layout == "strided view"


def test_a_frozen_conv_weight_still_gets_its_bias_gradient():
    # The bias gradient is the last row of the weight GEMM (a column of ones in im2col), so it
    # must come out when only the bias wants a gradient.
    rng = np.random.default_rng(8)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((3, 2, 6, 6), (4, 2, 3, 3), 4))
    ws, bs = course.tensor(w), course.tensor(b, requires_grad=True)
    F.conv2d(course.tensor(x), ws, bs, padding=1).sum().backward()
    bt = torch.tensor(b, requires_grad=True)
    torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), bt, padding=1).sum().backward()
    assert ws.grad is None
    np.testing.assert_allclose(bs.grad.numpy(), bt.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_chunks_run_inline_where_no_thread_can_start(monkeypatch, chunk_of):
    def refuse(workers):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_parallel, "_pool", refuse)
    monkeypatch.setitem(_parallel._state, "no_threads", False)
    chunk_of(1)
    me = threading.current_thread()
    seen = _parallel.map_chunks(
        lambda s: (s.start, threading.current_thread()), _parallel.chunks(4, 1)
    )
    assert seen == [(i, me) for i in range(4)]
    assert _parallel._state["no_threads"], "it would try to start threads on every call"


def _sum_in_chunks(queue):
    _parallel.POOL_MIN_BYTES = 0
    _parallel.chunk_size = lambda *args, **kwargs: 1
    queue.put(_parallel.map_chunks(lambda s: s.start * 10, _parallel.chunks(4, 1)))


@pytest.mark.skipif(not hasattr(multiprocessing, "get_context"), reason="no multiprocessing")
def test_a_forked_child_starts_its_own_pool(chunk_of):
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    chunk_of(1)
    assert _parallel.map_chunks(lambda s: s.start, _parallel.chunks(4, 1)) == [0, 1, 2, 3]
    ctx = multiprocessing.get_context("fork")  # the parent's pool threads do not come along
    queue = ctx.Queue()
    child = ctx.Process(target=_sum_in_chunks, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=60) == [0, 10, 20, 30]
    finally:
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0


def test_the_calling_thread_takes_chunks_too(chunk_of):
    """map_chunks hands the pool all but one share and works on the rest itself: results come
    back in chunk order whoever ran them, and an error stops the others starting new chunks."""
    chunk_of(1)
    slices = _parallel.chunks(8, 1)

    def where(s):
        time.sleep(0.005)  # long enough that no thread takes every chunk before the other starts
        return s.start, threading.current_thread()

    ran_in = _parallel.map_chunks(where, slices)
    assert [start for start, _ in ran_in] == [s.start for s in slices]
    threads = {thread for _, thread in ran_in}
    assert threading.current_thread() in threads
    assert len(threads) == min(_parallel.num_workers(), len(slices))

    started = []

    def fail_first(s):
        started.append(s.start)
        if s.start == 0:
            raise ValueError("chunk 0 failed")
        time.sleep(0.01)

    with pytest.raises(ValueError, match="chunk 0 failed"):
        _parallel.map_chunks(fail_first, _parallel.chunks(64, 1))
    assert len(started) < 64, "after the error no thread should have gone on to every chunk"


def test_the_pool_is_made_once_whatever_the_chunk_count(monkeypatch):
    """Three workers' pool (two threads and the caller) serves calls of 2, 3 and 5 chunks alike."""
    monkeypatch.setattr(_parallel, "num_workers", lambda: 3)
    pools = []
    for n in (2, 3, 5, 2):
        slices = [slice(i, i + 1) for i in range(n)]
        assert _parallel.map_chunks(lambda s: s.start, slices) == list(range(n))
        pools.append(_parallel._state["pool"])
    assert all(p is pools[0] for p in pools) and pools[0]._max_workers == 2
