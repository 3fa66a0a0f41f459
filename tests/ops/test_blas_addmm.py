"""c += a @ b through the BLAS NumPy loaded (course/ops/_blas.py), and the convolution input
gradient that adds each kernel offset's product with it: against NumPy, against the NumPy path
it replaces, and against torch."""

import numpy as np
import pytest
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course.ops import _blas, _parallel

pytestmark = pytest.mark.lesson04

needs_blas = pytest.mark.skipif(
    not _blas.available(np.float32), reason="NumPy's BLAS here is not an OpenBLAS with CBLAS"
)


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_addmm_adds_the_product_into_strided_views(dtype):
    rng = np.random.default_rng(0)
    big_a = rng.standard_normal((40, 9)).astype(dtype)
    a = big_a[3:33, 2:7]  # 30 x 5, leading dimension 9
    b = rng.standard_normal((5, 4)).astype(dtype)
    buf = rng.standard_normal((35, 6)).astype(dtype)
    expect = buf.copy()
    expect[2:32, 1:5] += a @ b
    _blas.addmm_(buf[2:32, 1:5], a, b)  # rows of 4 inside rows of 6
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(buf, expect, rtol=tol, atol=tol)


@needs_blas
def test_addmm_into_overlapping_windows_of_one_buffer_adds_up():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((20, 3)).astype(np.float32)
    bs = rng.standard_normal((3, 3, 2)).astype(np.float32)
    buf = np.zeros((24, 2), np.float32)
    expect = np.zeros((24, 2), np.float32)
    for shift, b in enumerate(bs):
        _blas.addmm_(buf[shift : shift + 20], a, b)
        expect[shift : shift + 20] += a @ b
    np.testing.assert_allclose(buf, expect, rtol=1e-5, atol=1e-5)


@needs_blas
def test_addmm_refuses_what_blas_cannot_take_and_names_it():
    a = np.ones((4, 3), np.float32)
    b = np.ones((3, 2), np.float32)
    c = np.zeros((4, 2), np.float32)
    with pytest.raises(TypeError, match="float64"):
        _blas.addmm_(c, a, b.astype(np.float64))
    with pytest.raises(TypeError, match="float16"):
        _blas.addmm_(c.astype(np.float16), a.astype(np.float16), b.astype(np.float16))
    with pytest.raises(ValueError, match=r"\(4, 3\) @ \(3, 2\) into \(4, 3\)"):
        _blas.addmm_(np.zeros((4, 3), np.float32), a, b)
    with pytest.raises(ValueError, match="unit-stride rows"):
        _blas.addmm_(np.zeros((4, 4), np.float32)[:, ::2], a, b)
    with pytest.raises(ValueError, match="unit-stride rows"):
        _blas.addmm_(c, np.ones((3, 4), np.float32).T, b)  # columns, not rows, are unit stride
    with pytest.raises(TypeError, match="2-D NumPy"):
        _blas.addmm_(c, a, course.tensor(b))
    np.testing.assert_array_equal(c, 0)  # nothing written by a refused call


def test_available_is_false_for_what_it_does_not_cover(monkeypatch):
    assert not _blas.available(np.float16)
    assert not _blas.available(np.int64)
    monkeypatch.setattr(_blas, "ENABLED", False)
    assert not _blas.available(np.float32)


def _conv_grads(x, w, dtype, **geometry):
    xs, ws = (course.tensor(a.astype(dtype), requires_grad=True) for a in (x, w))
    out = F.conv2d(xs, ws, **geometry)
    g = np.random.default_rng(5).standard_normal(out.shape).astype(dtype)
    out.backward(course.tensor(g))
    xt, wt = (torch.tensor(a.astype(dtype), requires_grad=True) for a in (x, w))
    torch.nn.functional.conv2d(xt, wt, **geometry).backward(torch.from_numpy(g))
    return xs.grad.numpy(), xt.grad.numpy()


STRIDE_1 = [  # channels, kernel, padding, dilation: the geometries _col2im_stride1 takes
    (16, 3, 1, 1),  # lesson 04's second conv: NHWC
    (3, 3, 1, 1),  # a first layer: HWNC, the batch inside each pixel
    (9, (2, 3), (0, 2), (2, 1)),  # rectangular, dilated, uneven padding
    (16, 1, 0, 1),  # 1x1: a single offset
    (5, 5, 2, 1),  # 5x5, the largest shift
]


@pytest.mark.parametrize("channels,kernel,padding,dilation", STRIDE_1)
@pytest.mark.parametrize("blas", [True, False], ids=["blas", "numpy adds"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunked", [False, True], ids=["one chunk", "chunks"])
def test_conv2d_input_gradient_matches_torch_with_and_without_blas(
    monkeypatch, channels, kernel, padding, dilation, blas, dtype, chunked
):
    monkeypatch.setattr(_blas, "ENABLED", blas)
    if chunked:  # 5 samples in chunks of 2 on the pool
        monkeypatch.setattr(_parallel, "chunk_size", lambda *args, **kwargs: 2)
        monkeypatch.setattr(_parallel, "POOL_MIN_BYTES", 0)
        monkeypatch.setattr(_parallel, "FIRST_LAYER_BYTES", 0)
    rng = np.random.default_rng(channels)
    x = rng.standard_normal((5, channels, 9, 7))
    k = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    w = rng.standard_normal((4, channels, *k))
    ours, theirs = _conv_grads(x, w, dtype, padding=padding, dilation=dilation)
    assert ours.dtype == dtype and ours.shape == theirs.shape
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@needs_blas
@pytest.mark.parametrize("channels", [16, 3], ids=["NHWC", "HWNC"])
def test_the_input_gradient_takes_one_blas_call_per_kernel_offset(monkeypatch, channels):
    calls = []
    real = _blas.addmm_
    monkeypatch.setattr(_blas, "addmm_", lambda *args: calls.append(1) or real(*args))
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, channels, 8, 8))
    w = rng.standard_normal((6, channels, 3, 3))
    ours, theirs = _conv_grads(x, w, np.float32, padding=1)
    assert len(calls) == 9, f"{len(calls)} BLAS calls for a 3x3 kernel's input gradient"
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
