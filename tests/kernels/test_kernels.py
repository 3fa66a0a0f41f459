"""The NumPy references of course.kernels against PyTorch (CPU); CuPy versions: tests/gpu."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course import kernels
from course.testing import assert_close

RNG = np.random.default_rng(0)


def randn(*shape, scale=1.0):
    return np.asarray(RNG.standard_normal(shape) * scale, dtype=np.float32)


@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (2, 3, 16)])
def test_bias_relu_matches_torch(shape):
    x, b = randn(*shape), randn(shape[-1])
    out = kernels.bias_relu(x, b)
    assert out.dtype == np.float32
    assert_close(out, torch.relu(torch.from_numpy(x) + torch.from_numpy(b)), name="bias_relu")


def test_bias_relu_rejects_a_wrong_bias_shape():
    with pytest.raises(ValueError, match=r"bias_relu: bias shape \(4,\)"):
        kernels.bias_relu(randn(2, 3), randn(4))


@pytest.mark.parametrize("batch, hidden", [(1, 1), (4, 8), (3, 5)])
def test_lstm_pointwise_matches_torch_lstm_cell(batch, hidden):
    gates, c_prev = randn(batch, 4 * hidden, scale=3.0), randn(batch, hidden)
    got = kernels.lstm_pointwise(gates, c_prev)
    tg, tc = torch.from_numpy(gates), torch.from_numpy(c_prev)
    ti, tf, tgg, to = tg.chunk(4, dim=1)
    ti, tf, tgg, to = ti.sigmoid(), tf.sigmoid(), tgg.tanh(), to.sigmoid()
    c = tf * tc + ti * tgg
    want = (to * c.tanh(), c, ti, tf, tgg, to, c.tanh())
    names = ("h", "c", "i", "f", "g", "o", "tanh_c")
    for name, g, w in zip(names, got, want, strict=True):
        assert g.dtype == np.float32, name
        assert_close(g, w, name=f"lstm_pointwise {name}")


def test_lstm_pointwise_is_the_cell_of_torch_lstmcell():
    """With zero input weights the gates are h @ W_hh.T + b: the cell must equal torch's."""
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 4)
    x, h0, c0 = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    with torch.no_grad():
        h1, c1 = cell(x, (h0, c0))
        gates = x @ cell.weight_ih.T + cell.bias_ih + h0 @ cell.weight_hh.T + cell.bias_hh
    h, c, *_ = kernels.lstm_pointwise(gates.numpy(), c0.numpy())
    assert_close(h, h1, name="h")
    assert_close(c, c1, name="c")


def test_lstm_pointwise_saturates_without_overflow():
    gates = np.array([[1e4, -1e4, 1e4, -1e4]], np.float32)
    h, c, i, f, g, o, _ = kernels.lstm_pointwise(gates, np.ones((1, 1), np.float32))
    assert (i, f, g, o) == (1, 0, 1, 0) and c[0, 0] == 1 and h[0, 0] == 0


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
def test_lstm_step_forward_is_lstm_pointwise_on_halved_sigmoid_gates(batch, hidden):
    z, acts, rec, c_prev = lstm_step_case(batch, hidden)
    c, tanh_c, h = (np.empty_like(c_prev) for _ in range(3))
    got = kernels.lstm_step_forward(acts, rec, c_prev, c, tanh_c, h)
    assert got[0] is acts and got[3] is h  # written in place
    want_h, want_c, i, f, g, o, want_tanh_c = kernels.lstm_pointwise(z, c_prev)
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

    _, _, i, f, g, o, tanh_c = kernels.lstm_pointwise(z, c_prev)
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


@pytest.mark.parametrize("n, classes", [(1, 1), (1, 5), (8, 10), (33, 3)])
def test_softmax_cross_entropy_grad_matches_torch_autograd(n, classes):
    logits, target = randn(n, classes, scale=5.0), RNG.integers(0, classes, n)
    t = torch.from_numpy(logits).requires_grad_()
    torch.nn.functional.cross_entropy(t, torch.from_numpy(target)).backward()
    got = kernels.softmax_cross_entropy_grad(logits, target)
    assert got.dtype == np.float32
    assert_close(got, t.grad, name="softmax_cross_entropy_grad")


def test_softmax_cross_entropy_grad_is_stable_for_huge_logits():
    logits = np.array([[1e30, 0.0], [0.0, -1e30]], np.float32)
    got = kernels.softmax_cross_entropy_grad(logits, np.array([1, 1]))
    assert np.isfinite(got).all()
    assert_close(got, np.array([[0.5, -0.5], [0.5, -0.5]], np.float32))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=0, max_size=3))
def test_sum_of_squares_matches_torch(shape):
    x = randn(*shape)
    got = kernels.sum_of_squares(x)
    assert got.shape == () and got.dtype == np.float32
    assert_close(got, (torch.from_numpy(x) ** 2).sum(), name="sum_of_squares")


@pytest.mark.parametrize(
    "shape, k, stride, padding",
    [
        ((1, 1, 3, 3), (3, 3), 1, 0),
        ((2, 3, 7, 6), (3, 3), 1, 1),
        ((2, 4, 9, 8), (3, 2), (2, 3), (1, 2)),
        ((1, 2, 5, 5), (5, 5), 1, 0),
        ((3, 1, 8, 8), (2, 2), 2, 0),
    ],
)
def test_im2col_matches_torch_unfold(shape, k, stride, padding):
    x = randn(*shape)
    got = kernels.im2col(x, k[0], k[1], stride, padding)
    unfolded = torch.nn.functional.unfold(
        torch.from_numpy(x), k, padding=padding, stride=stride
    )  # (N, C*kh*kw, L): columns (c, i, j) like ours, L = (y, x)
    want = unfolded.transpose(1, 2).reshape(-1, unfolded.shape[1])
    assert got.dtype == np.float32
    assert_close(got, want, name="im2col")


def test_im2col_rejects_a_window_larger_than_the_input():
    with pytest.raises(ValueError, match="does not fit"):
        kernels.im2col(randn(1, 1, 2, 2), 3, 3)


def test_numpy_inputs_never_load_the_cuda_module():
    code = (
        "import sys, numpy as np, course.kernels as k; "
        "k.bias_relu(np.ones((2, 2), np.float32), np.ones(2, np.float32)); "
        "k.sum_of_squares(np.ones(3, np.float32)); "
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
