"""Every kernel of course.kernels and course.lesson_kernels: CUDA kernel vs NumPy reference."""

import numpy as np
import pytest

from course import backend, kernels, lesson_kernels
from course.testing import assert_close

pytestmark = pytest.mark.gpu
RNG = np.random.default_rng(0)


def randn(*shape, scale=1.0):
    return np.asarray(RNG.standard_normal(shape) * scale, dtype=np.float32)


def cuda(*arrays):
    return [backend.to_device(a, "cuda") for a in arrays]


def check(name, on_cpu, on_gpu):
    """Same outputs (tuple or array), same dtypes, values within float32 tolerances."""
    cpu = on_cpu if isinstance(on_cpu, tuple) else (on_cpu,)
    gpu = on_gpu if isinstance(on_gpu, tuple) else (on_gpu,)
    assert len(cpu) == len(gpu), name
    for k, (c, g) in enumerate(zip(cpu, gpu, strict=True)):
        assert backend.device_of(g) == "cuda", f"{name}[{k}] came back on the CPU"
        assert g.dtype == c.dtype, f"{name}[{k}]: dtype {g.dtype} on GPU, {c.dtype} on CPU"
        assert_close(backend.to_numpy(g), c, atol=1e-5, rtol=1e-4, name=f"{name}[{k}]")


def case_bias_relu():
    return lesson_kernels.bias_relu, (randn(64, 33), randn(33))


def case_bias_relu_3d():
    return lesson_kernels.bias_relu, (randn(4, 5, 7), randn(7))


def case_lstm_pointwise():
    return lesson_kernels.lstm_pointwise, (randn(16, 4 * 24, scale=3.0), randn(16, 24))


def _fresh(fn):
    """In-place kernels: each call works on its own copies, so both devices see the inputs."""
    return lambda *arrays: fn(*[None if a is None else a.copy() for a in arrays])


def case_lstm_step_forward():
    b, hid = 16, 24
    args = (randn(b, 4 * hid, scale=3.0), randn(b, 4 * hid), randn(b, hid))
    return _fresh(kernels.lstm_step_forward), (*args, randn(b, hid), randn(b, hid), randn(b, hid))


def case_lstm_step_backward():
    b, hid = 8, 20
    dh, g, dc, dch, f = (randn(b, hid) for _ in range(5))
    part, da = randn(b, 4 * hid), randn(b, 4 * hid)
    return _fresh(kernels.lstm_step_backward), (dh, g, dc, dch, part, f, da)


def case_lstm_step_backward_without_output_grad():
    fn, (dh, _, dc, dch, part, f, da) = case_lstm_step_backward()
    return (lambda *a: fn(a[0], None, *a[1:])), (dh, dc, dch, part, f, da)


def case_softmax_cross_entropy_grad():
    logits, target = randn(37, 10, scale=4.0), RNG.integers(0, 10, 37)
    return lesson_kernels.softmax_cross_entropy_grad, (logits, target)


def case_sum_of_squares():
    return lesson_kernels.sum_of_squares, (randn(1000, 17),)


def case_sum_of_squares_scalar():
    return lesson_kernels.sum_of_squares, (randn(),)


def case_im2col_padded():
    return (lambda x: lesson_kernels.im2col(x, 3, 3, 1, 1)), (randn(2, 3, 9, 8),)


def case_im2col_strided():
    return (lambda x: lesson_kernels.im2col(x, 3, 2, (2, 3), (1, 0))), (randn(3, 4, 11, 10),)


CASES = [v for k, v in sorted(globals().items()) if k.startswith("case_")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__[5:])
def test_kernel_on_cuda_matches_numpy_reference(case):
    fn, args = case()
    check(case.__name__[5:], fn(*args), fn(*cuda(*args)))


def test_mixed_devices_raise():
    x, b = randn(2, 3), randn(3)
    with pytest.raises(RuntimeError, match="different devices"):
        lesson_kernels.bias_relu(cuda(x)[0], b)
