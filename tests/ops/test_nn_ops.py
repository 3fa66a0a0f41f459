"""Fused nn ops against torch.nn.functional: linear, softmax family, losses, dropout, embedding."""

import numpy as np
import pytest
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
import course.nn

tf = torch.nn.functional
pytestmark = pytest.mark.lesson03


def _pair(shape, rng, scale=1.0, grad=True):
    x = (rng.standard_normal(shape) * scale).astype(np.float32)
    return course.tensor(x, requires_grad=grad), torch.tensor(x, requires_grad=grad)


def _check(ours, theirs, atol=1e-5, what="value"):
    assert ours.dtype == np.float32, f"{what}: dtype {ours.dtype}, expected float32"
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-5, err_msg=what
    )


@pytest.mark.parametrize("shape", [(5, 7), (2, 3, 7), (7,)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("order", ["C", "F"])
def test_linear_matches_torch(shape, bias, order):
    rng = np.random.default_rng(0)
    x, xt = _pair(shape, rng)
    w, wt = _pair((4, 7), rng)
    w = course.Tensor(np.asarray(w.detach().numpy(), order=order), requires_grad=True)
    b, bt = _pair((4,), rng) if bias else (None, None)
    out, out_t = F.linear(x, w, b), tf.linear(xt, wt, bt)
    _check(out, out_t, what="output")
    g = rng.standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(x.grad, xt.grad, what="grad of x")
    _check(w.grad, wt.grad, what="grad of weight")
    flag = "c_contiguous" if order == "C" else "f_contiguous"
    assert getattr(w.grad.numpy().flags, flag), "the weight's gradient keeps the weight's order"
    if bias:
        _check(b.grad, bt.grad, what="grad of bias")


def test_nn_linear_keeps_its_weight_and_gradient_in_f_order_through_a_torch_load():
    # F order is a speed choice (ops.fused.Linear); shape, values and names stay PyTorch's.
    ours, theirs = course.nn.Linear(7, 4), torch.nn.Linear(7, 4)
    ours.load_state_dict(theirs.state_dict())
    assert ours.weight.shape == (4, 7) and ours.weight.detach().numpy().flags.f_contiguous
    x = np.random.default_rng(3).standard_normal((5, 7)).astype(np.float32)
    ours(course.tensor(x)).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    _check(ours.weight.grad, theirs.weight.grad, what="grad of weight")
    assert ours.weight.grad.numpy().flags.f_contiguous


def test_linear_skips_input_gradient_and_names_shapes():
    rng = np.random.default_rng(1)
    x = course.tensor(rng.standard_normal((3, 5)).astype(np.float32))
    w, _ = _pair((2, 5), rng)
    F.linear(x, w).sum().backward()
    assert x.grad is None and w.grad is not None
    with pytest.raises(RuntimeError, match=r"\(3, 100\).*in_features=784"):
        F.linear(course.randn(3, 100), course.randn(10, 784))


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_softmax_family_matches_torch_and_is_stable(fn, dim, scale):
    rng = np.random.default_rng(2)
    x, xt = _pair((4, 6), rng, scale=scale)
    out, out_t = getattr(F, fn)(x, dim=dim), getattr(tf, fn)(xt, dim=dim)
    assert np.isfinite(out.detach().numpy()).all()
    _check(out, out_t, atol=1e-5 * max(scale, 1) if fn == "log_softmax" else 1e-6, what=fn)
    g = rng.standard_normal((4, 6)).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(x.grad, xt.grad, atol=1e-5, what=f"grad of {fn}")


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_family_on_a_zero_dim_tensor_like_torch(fn, dim):
    """torch takes dim 0 or -1 of a 0-d tensor (softmax is 1, log_softmax 0; mypy found ours
    crashed on it)."""
    x, xt = _pair((), np.random.default_rng(4))
    out, out_t = getattr(F, fn)(x, dim=dim), getattr(tf, fn)(xt, dim=dim)
    _check(out, out_t, atol=1e-6, what=f"{fn} of a 0-d tensor")
    out.backward()
    out_t.backward()
    _check(x.grad, xt.grad, atol=1e-6, what=f"grad of {fn} of a 0-d tensor")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("shape", [(6, 5), (3, 5, 2, 4)], ids=["N,C", "N,C,d1,d2"])
def test_cross_entropy_matches_torch(reduction, ignore, shape):
    rng = np.random.default_rng(3)
    x, xt = _pair(shape, rng)
    target = rng.integers(0, shape[1], (shape[0],) + shape[2:])
    if ignore:
        target.reshape(-1)[::3] = -100
    out = F.cross_entropy(x, course.tensor(target), reduction=reduction)
    out_t = tf.cross_entropy(xt, torch.from_numpy(target), reduction=reduction)
    _check(out, out_t, what="loss")
    g = rng.standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(x.grad, xt.grad, what="grad of logits")


def test_cross_entropy_custom_ignore_index():
    rng = np.random.default_rng(4)
    x, xt = _pair((5, 3), rng)
    target = np.array([0, 2, 1, 2, 2])
    out = F.cross_entropy(x, course.tensor(target), ignore_index=2)
    out_t = tf.cross_entropy(xt, torch.from_numpy(target), ignore_index=2)
    _check(out, out_t, what="loss")
    out.backward()
    out_t.backward()
    _check(x.grad, xt.grad, what="grad")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_every_target_ignored_matches_torch(reduction):
    rng = np.random.default_rng(5)
    x, xt = _pair((4, 3), rng)
    target = np.full(4, -100)
    out = F.cross_entropy(x, course.tensor(target), reduction=reduction)
    out_t = tf.cross_entropy(xt, torch.from_numpy(target), reduction=reduction)
    np.testing.assert_array_equal(np.isnan(out.detach().numpy()), torch.isnan(out_t).numpy())
    out.sum().backward()
    out_t.sum().backward()
    _check(x.grad, xt.grad, what="grad (zero, not NaN)")


def test_cross_entropy_huge_logits_are_finite_and_equal_torch():
    x_np = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, -1e4]], dtype=np.float32)
    target = np.array([1, 2, 0])
    x, xt = course.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out = F.cross_entropy(x, course.tensor(target))
    out_t = tf.cross_entropy(xt, torch.from_numpy(target))
    assert np.isfinite(out.item())
    _check(out, out_t, atol=1e-2, what="loss")
    out.backward()
    out_t.backward()
    assert np.isfinite(x.grad.numpy()).all()
    _check(x.grad, xt.grad, what="grad")


def test_cross_entropy_errors():
    x = course.randn(4, 3)
    with pytest.raises(RuntimeError, match=r"target of shape \(4,\)"):
        F.cross_entropy(x, course.tensor([0, 1]))
    with pytest.raises(IndexError, match="class 3"):
        F.cross_entropy(x, course.tensor([0, 1, 3, 2]))
    with pytest.raises(TypeError, match="integers"):
        F.cross_entropy(x, course.tensor([0.0, 1.0, 1.0, 2.0]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_torch(reduction):
    rng = np.random.default_rng(5)
    a, at = _pair((4, 3), rng)
    b, bt = _pair((4, 3), rng)
    out, out_t = F.mse_loss(a, b, reduction), tf.mse_loss(at, bt, reduction=reduction)
    _check(out, out_t, what="loss")
    out.sum().backward()
    out_t.sum().backward()
    _check(a.grad, at.grad, what="grad of input")
    _check(b.grad, bt.grad, what="grad of target")


def test_dropout_scales_kept_values_and_routes_gradient():
    course.manual_seed(0)
    x = course.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p=0.3, training=True)
    kept = y.detach().numpy() != 0
    assert y.dtype == np.float32
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.7, rtol=1e-6)
    assert F.dropout(x, 0.3, training=False) is x


def test_embedding_gradient_adds_up_repeated_indices():
    rng = np.random.default_rng(6)
    w, wt = _pair((6, 3), rng)
    idx = np.array([[0, 2, 2], [5, 0, 2]])
    out, out_t = F.embedding(course.tensor(idx), w), tf.embedding(torch.from_numpy(idx), wt)
    _check(out, out_t, what="output")
    g = rng.standard_normal((2, 3, 3)).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(w.grad, wt.grad, what="grad of weight")
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(course.tensor([6]), w)
