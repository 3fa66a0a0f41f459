"""The NumPy references of course.kernels against PyTorch (CPU); CuPy versions: tests/gpu.

The lesson kernels (bias_relu, im2col, ...) are tested in tests/lesson_kernels."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from course import kernels
from course.testing import assert_close

RNG = np.random.default_rng(0)


def randn(*shape, scale=1.0):
    return np.asarray(RNG.standard_normal(shape) * scale, dtype=np.float32)


def torch_lstm_cell(z, c_prev):
    """(h, c, i, f, g, o, tanh_c) of torch's LSTM cell for pre-activation gates z (B, 4H)."""
    i, f, g, o = torch.from_numpy(z).chunk(4, dim=1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c = f * torch.from_numpy(c_prev) + i * g
    return tuple(t.numpy() for t in (o * c.tanh(), c, i, f, g, o, c.tanh()))


def lstm_step_case(batch, hidden, seed=0):
    """Random pre-activations z split into (acts, rec) the way course.ops.rnn hands them over."""
    rng = np.random.default_rng(seed)
    z = np.asarray(rng.standard_normal((batch, 4 * hidden)) * 3, np.float32)
    rec = np.asarray(rng.standard_normal((batch, 4 * hidden)), np.float32)
    scale = np.full(4 * hidden, 0.5, np.float32)
    scale[2 * hidden : 3 * hidden] = 1
    c_prev = np.asarray(rng.standard_normal((batch, hidden)), np.float32)
    return z, z * scale - rec, rec, c_prev


@pytest.mark.parametrize("batch, hidden", [(1, 1), (4, 8), (3, 5)])
def test_lstm_step_forward_is_the_lstm_cell_on_halved_sigmoid_gates(batch, hidden):
    z, acts, rec, c_prev = lstm_step_case(batch, hidden)
    c, tanh_c, h = (np.empty_like(c_prev) for _ in range(3))
    got = kernels.lstm_step_forward(acts, rec, c_prev, c, tanh_c, h)
    assert got[0] is acts and got[3] is h  # written in place
    want_h, want_c, i, f, g, o, want_tanh_c = torch_lstm_cell(z, c_prev)
    assert_close(acts, np.concatenate([i, f, g, o], axis=1), atol=1e-6, name="gates")
    for name, a, b in (("c", c, want_c), ("tanh_c", tanh_c, want_tanh_c), ("h", h, want_h)):
        assert_close(a, b, atol=1e-6, name=name)


@pytest.mark.parametrize("with_grad", [True, False])
@pytest.mark.parametrize("batch, hidden", [(1, 1), (4, 8)])
def test_lstm_step_backward_matches_torch_autograd_of_one_cell(batch, hidden, with_grad):
    z, _, _, c_prev = lstm_step_case(batch, hidden, seed=1)
    rng = np.random.default_rng(2)
    dh_in, grad_h, dc_in = (
        np.asarray(rng.standard_normal((batch, hidden)), np.float32) for _ in range(3)
    )
    tz, tc = torch.from_numpy(z).requires_grad_(), torch.from_numpy(c_prev).requires_grad_()
    ti, tf, tg, to = tz.chunk(4, dim=1)
    ti, tf, tg, to = ti.sigmoid(), tf.sigmoid(), tg.tanh(), to.sigmoid()
    c = tf * tc + ti * tg
    h = to * c.tanh()
    dh_total = dh_in + grad_h if with_grad else dh_in
    ((h * torch.from_numpy(dh_total)).sum() + (c * torch.from_numpy(dc_in)).sum()).backward()

    _, _, i, f, g, o, tanh_c = torch_lstm_cell(z, c_prev)
    part = np.concatenate(
        [g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), tanh_c * o * (1 - o)], axis=1
    )
    dh, dc, da = dh_in.copy(), dc_in.copy(), np.empty_like(z)
    kernels.lstm_step_backward(
        dh, grad_h if with_grad else None, dc, o * (1 - tanh_c**2), part, f, da
    )
    assert_close(dh, dh_total, atol=1e-6, name="dh")
    assert_close(da, tz.grad, atol=1e-5, name="gate gradients")
    assert_close(dc, tc.grad, atol=1e-5, name="gradient of c_prev")


def test_lstm_step_kernels_name_wrong_shapes():
    z, acts, rec, c_prev = lstm_step_case(2, 3)
    wrong = r"lstm_step_forward: gate arrays \[\(2, 12\), \(2, 11\)\]"
    with pytest.raises(ValueError, match=wrong):
        kernels.lstm_step_forward(acts, rec[:, :11], c_prev, c_prev, c_prev, c_prev)


def test_numpy_inputs_never_load_the_cuda_module():
    code = (
        "import sys, numpy as np, course.kernels as k; "
        "z, c = np.zeros((2, 8), np.float32), np.zeros((2, 2), np.float32); "
        "k.lstm_step_forward(z, z.copy(), c, c.copy(), c.copy(), c.copy()); "
        "assert 'course.kernels.cuda' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cuda_module_offers_every_function_of_the_reference():
    # course.ops calls kernels.for_device(x).<name> on either module: a function only the
    # reference has would fail on the GPU alone, where CI never runs.
    import inspect

    from course.kernels import cuda, reference

    def public(module):
        return {
            name
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and fn.__module__ == module.__name__
        }

    assert public(reference) <= public(cuda), public(reference) - public(cuda)


@pytest.mark.parametrize("a_shape, b_shape", [((32, 128), (128, 512)), ((1, 3), (3, 1))])
def test_matmul_into_writes_the_product_into_out(a_shape, b_shape):
    a, b = randn(*a_shape), randn(*b_shape)
    out = np.empty((a_shape[0], b_shape[1]), np.float32)
    assert kernels.for_device(a).matmul_into(a, b, out) is out
    assert_close(out, torch.from_numpy(a) @ torch.from_numpy(b), name="matmul_into")
