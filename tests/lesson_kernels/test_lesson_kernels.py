"""The NumPy references of course.lesson_kernels against PyTorch (CPU); CuPy versions: tests/gpu."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course import lesson_kernels
from course.testing import assert_close

RNG = np.random.default_rng(0)


def randn(*shape, scale=1.0):
    return np.asarray(RNG.standard_normal(shape) * scale, dtype=np.float32)


@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (2, 3, 16)])
def test_bias_relu_matches_torch(shape):
    x, b = randn(*shape), randn(shape[-1])
    out = lesson_kernels.bias_relu(x, b)
    assert out.dtype == np.float32
    assert_close(out, torch.relu(torch.from_numpy(x) + torch.from_numpy(b)), name="bias_relu")


def test_bias_relu_rejects_a_wrong_bias_shape():
    with pytest.raises(ValueError, match=r"bias_relu: bias shape \(4,\)"):
        lesson_kernels.bias_relu(randn(2, 3), randn(4))


@pytest.mark.parametrize("batch, hidden", [(1, 1), (4, 8), (3, 5)])
def test_lstm_pointwise_matches_torch_lstm_cell(batch, hidden):
    gates, c_prev = randn(batch, 4 * hidden, scale=3.0), randn(batch, hidden)
    got = lesson_kernels.lstm_pointwise(gates, c_prev)
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
    h, c, *_ = lesson_kernels.lstm_pointwise(gates.numpy(), c0.numpy())
    assert_close(h, h1, name="h")
    assert_close(c, c1, name="c")


def test_lstm_pointwise_saturates_without_overflow():
    gates = np.array([[1e4, -1e4, 1e4, -1e4]], np.float32)
    h, c, i, f, g, o, _ = lesson_kernels.lstm_pointwise(gates, np.ones((1, 1), np.float32))
    assert (i, f, g, o) == (1, 0, 1, 0) and c[0, 0] == 1 and h[0, 0] == 0


@pytest.mark.parametrize("n, classes", [(1, 1), (1, 5), (8, 10), (33, 3)])
def test_softmax_cross_entropy_grad_matches_torch_autograd(n, classes):
    logits, target = randn(n, classes, scale=5.0), RNG.integers(0, classes, n)
    t = torch.from_numpy(logits).requires_grad_()
    torch.nn.functional.cross_entropy(t, torch.from_numpy(target)).backward()
    got = lesson_kernels.softmax_cross_entropy_grad(logits, target)
    assert got.dtype == np.float32
    assert_close(got, t.grad, name="softmax_cross_entropy_grad")


def test_softmax_cross_entropy_grad_is_stable_for_huge_logits():
    logits = np.array([[1e30, 0.0], [0.0, -1e30]], np.float32)
    got = lesson_kernels.softmax_cross_entropy_grad(logits, np.array([1, 1]))
    assert np.isfinite(got).all()
    assert_close(got, np.array([[0.5, -0.5], [0.5, -0.5]], np.float32))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=0, max_size=3))
def test_sum_of_squares_matches_torch(shape):
    x = randn(*shape)
    got = lesson_kernels.sum_of_squares(x)
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
    got = lesson_kernels.im2col(x, k[0], k[1], stride, padding)
    unfolded = torch.nn.functional.unfold(
        torch.from_numpy(x), k, padding=padding, stride=stride
    )  # (N, C*kh*kw, L): columns (c, i, j) like ours, L = (y, x)
    want = unfolded.transpose(1, 2).reshape(-1, unfolded.shape[1])
    assert got.dtype == np.float32
    assert_close(got, want, name="im2col")


def test_im2col_rejects_a_window_larger_than_the_input():
    with pytest.raises(ValueError, match="does not fit"):
        lesson_kernels.im2col(randn(1, 1, 2, 2), 3, 3)


def test_numpy_inputs_never_load_the_cuda_module():
    code = (
        "import sys, numpy as np, course.lesson_kernels as k; "
        "k.bias_relu(np.ones((2, 2), np.float32), np.ones(2, np.float32)); "
        "k.sum_of_squares(np.ones(3, np.float32)); "
        "assert 'course.lesson_kernels.cuda' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cuda_module_offers_every_function_of_the_reference():
    # The wrappers call for_device(x).<name> on either module: a function only the reference
    # has would fail on the GPU alone, where CI never runs.
    from course.lesson_kernels import cuda, reference

    missing = [name for name in reference.__all__ if not callable(getattr(cuda, name, None))]
    assert not missing, missing
