"""Losses against torch: F.nll_loss, F.cross_entropy with class weights, and the modules
nn.MSELoss, nn.CrossEntropyLoss, nn.NLLLoss (values and gradients, every reduction,
ignore_index, float32 and float64), and a textbook training loop giving torch's losses."""

import numpy as np
import pytest
import torch

import course
import course.functional as F
from course import nn
from course.testing import assert_close, gradcheck

tnn, tf = torch.nn, torch.nn.functional
pytestmark = pytest.mark.lesson03

# (input shape, target shape): batch, spatial dims, one sample without a batch dim
SHAPES = [((6, 5), (6,)), ((3, 4, 2, 3), (3, 2, 3)), ((5,), ()), ((1, 1), (1,)), ((0, 3), (0,))]


def _case(shape, tshape, dtype, ignore, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    c = shape[1] if len(shape) > 1 else shape[0]
    t = rng.integers(0, c, tshape)
    if ignore:
        t = np.where(rng.random(tshape) < 0.4, -100, t)
    w = rng.uniform(0.1, 2.0, c).astype(dtype)
    return x, t, w


def _run(ours, theirs, x, t, w, dtype, seed=0):
    """Loss and input gradient of both, with one random upstream gradient."""
    xc, xt = course.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours(xc, course.tensor(t), None if w is None else course.tensor(w))
    out_t = theirs(xt, torch.from_numpy(t), None if w is None else torch.from_numpy(w))
    assert out.dtype == np.dtype(dtype), f"loss dtype {out.dtype}"
    assert_close(out, out_t, name="loss")
    g = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(dtype)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    assert_close(xc.grad, xt.grad, name="gradient of input")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weight"])
@pytest.mark.parametrize("ignore", [False, True], ids=["all", "ignore"])
@pytest.mark.parametrize("shape, tshape", SHAPES, ids=["N,C", "N,C,d1,d2", "C", "1,1", "0,C"])
def test_nll_loss_and_cross_entropy_match_torch(shape, tshape, ignore, weighted, reduction, dtype):
    x, t, w = _case(shape, tshape, dtype, ignore, seed=len(shape) + 7 * ignore)
    w = w if weighted else None
    for ours, theirs in [(F.nll_loss, tf.nll_loss), (F.cross_entropy, tf.cross_entropy)]:
        _run(
            lambda a, b, c: ours(a, b, c, reduction=reduction),  # noqa: B023 - used at once
            lambda a, b, c: theirs(a, b, c, reduction=reduction),  # noqa: B023
            x, t, w, dtype,
        )  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore", [False, True], ids=["all", "ignore"])
@pytest.mark.parametrize("shape, tshape", SHAPES[:3], ids=["N,C", "N,C,d1,d2", "C"])
def test_label_smoothing_matches_torch(shape, tshape, ignore, reduction, dtype):
    x, t, _ = _case(shape, tshape, dtype, ignore, seed=3)
    for eps in (0.1, 1.0):
        _run(
            lambda a, b, _: F.cross_entropy(a, b, reduction=reduction, label_smoothing=eps),  # noqa: B023
            lambda a, b, _: tf.cross_entropy(a, b, reduction=reduction, label_smoothing=eps),  # noqa: B023
            x, t, None, dtype,
        )  # fmt: skip
    ours = nn.CrossEntropyLoss(label_smoothing=0.2, reduction=reduction)
    theirs = torch.nn.CrossEntropyLoss(label_smoothing=0.2, reduction=reduction)
    _run(lambda a, b, _: ours(a, b), lambda a, b, _: theirs(a, b), x, t, None, dtype)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_with_every_target_ignored_matches_torch(weighted, reduction):
    x, _, w = _case((4, 3), (4,), np.float32, False, seed=1)
    t = np.full(4, -100)
    xc, xt = course.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    wc, wt = (course.tensor(w), torch.from_numpy(w)) if weighted else (None, None)
    out = F.nll_loss(xc, course.tensor(t), wc, reduction=reduction)
    out_t = tf.nll_loss(xt, torch.from_numpy(t), wt, reduction=reduction)
    assert_close(out, out_t, name="loss (NaN for the mean, as torch)")
    out.sum().backward()
    out_t.sum().backward()
    assert_close(xc.grad, xt.grad, name="gradient (zero, not NaN)")


def test_nll_loss_custom_ignore_index_and_gradcheck():
    x, _, w = _case((5, 3), (5,), np.float64, False, seed=2)
    t = np.array([0, 2, 1, 2, 2])
    for weight in (None, w):
        _run(
            lambda a, b, c: F.nll_loss(a, b, c, ignore_index=2),
            lambda a, b, c: tf.nll_loss(a, b, c, ignore_index=2),
            x, t, weight, np.float64,
        )  # fmt: skip
        wc = None if weight is None else course.tensor(weight)
        gradcheck(lambda a, wc=wc: F.nll_loss(a, course.tensor(t), wc, ignore_index=2), x)


def test_cross_entropy_with_weight_is_nll_of_log_softmax():
    x, t, w = _case((4, 6), (4,), np.float64, False, seed=3)
    gradcheck(lambda a: F.cross_entropy(a, course.tensor(t), course.tensor(w)), x)


@pytest.mark.parametrize("fn", [F.nll_loss, F.cross_entropy], ids=["nll_loss", "cross_entropy"])
def test_class_losses_name_bad_input(fn):
    op = fn.__name__
    x = course.randn(4, 3)
    with pytest.raises(RuntimeError, match=rf"{op}: input of shape \(4, 3\) needs a target"):
        fn(x, course.tensor([0, 1]))
    with pytest.raises(IndexError, match=rf"{op}: target holds class 3, outside \[0, 3\)"):
        fn(x, course.tensor([0, 1, 3, 2]))
    with pytest.raises(IndexError, match="class -1"):
        fn(x, course.tensor([0, 1, -1, 2]))
    with pytest.raises(TypeError, match=rf"{op}: target must hold class indices"):
        fn(x, course.tensor([0.0, 1.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"{op}: reduction must be 'mean', 'sum' or 'none'"):
        fn(x, course.tensor([0, 1, 1, 2]), reduction="avg")
    with pytest.raises(RuntimeError, match=r"weight must hold one value per class, shape \(3,\)"):
        fn(x, course.tensor([0, 1, 1, 2]), course.ones(4))


# ---------------------------------------------------------------------------- modules


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_module_matches_torch(reduction, dtype):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 3, 4)).astype(dtype)
    ac, bc = course.tensor(a, requires_grad=True), course.tensor(b, requires_grad=True)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, out_t = nn.MSELoss(reduction=reduction)(ac, bc), tnn.MSELoss(reduction=reduction)(at, bt)
    assert out.dtype == np.dtype(dtype)
    assert_close(out, out_t, name="loss")
    out.sum().backward()
    out_t.sum().backward()
    assert_close(ac.grad, at.grad, name="gradient of input")
    assert_close(bc.grad, bt.grad, name="gradient of target")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss"])
def test_class_loss_modules_match_torch(name, weighted, reduction):
    x, t, w = _case((3, 4, 5), (3, 5), np.float32, True, seed=5)
    t = np.where(t == -100, 1, t)  # the ignored class is 1 here
    ours = getattr(nn, name)(
        weight=course.tensor(w) if weighted else None, ignore_index=1, reduction=reduction
    )
    theirs = getattr(tnn, name)(
        weight=torch.from_numpy(w) if weighted else None, ignore_index=1, reduction=reduction
    )
    _run(lambda a, b, _: ours(a, b), lambda a, b, _: theirs(a, b), x, t, None, np.float32)
    assert list(ours.state_dict()) == list(theirs.state_dict()), "weight is a buffer, as torch's"


def test_loss_modules_name_bad_arguments():
    with pytest.raises(ValueError, match="MSELoss: reduction must be"):
        nn.MSELoss(reduction="average")
    with pytest.raises(ValueError, match="NLLLoss: reduction must be"):
        nn.NLLLoss(reduction="elementwise_mean")
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(course.zeros(2, 3), course.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(TypeError, match="CrossEntropyLoss: weight must be a tensor"):
        nn.CrossEntropyLoss(weight=[1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"mse_loss: input shape \(2,\) and target shape"):
        nn.MSELoss()(course.ones(2), course.ones(3))


def test_textbook_training_loop_gives_torchs_losses():
    """The loop from PyTorch's tutorials, run on both with the same weights and data."""
    torch.manual_seed(0)
    theirs = tnn.Sequential(tnn.Linear(4, 16), tnn.ReLU(), tnn.Linear(16, 3))
    ours = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(6)
    X_np, y_np = rng.standard_normal((32, 4)).astype(np.float32), rng.integers(0, 3, 32)

    losses = {}
    for lib, model in (("course", ours), ("torch", theirs)):
        torch_like = course if lib == "course" else torch
        criterion = torch_like.nn.CrossEntropyLoss()
        optimizer = torch_like.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        X, y = torch_like.tensor(X_np), torch_like.tensor(y_np)
        losses[lib] = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = criterion(model(X), y)
            loss.backward()
            optimizer.step()
            losses[lib].append(loss.item())
    np.testing.assert_allclose(losses["course"], losses["torch"], rtol=1e-5)
    assert losses["course"][-1] < losses["course"][0], "the loss goes down"


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weight"])
@pytest.mark.parametrize("eps", [0.0, 0.25])
@pytest.mark.parametrize("shape", [(6, 5), (3, 4, 2, 3), (5,)], ids=["N,C", "N,C,d1,d2", "C"])
def test_cross_entropy_with_probability_targets_matches_torch(shape, eps, weighted, reduction):
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape).astype(np.float32)
    dim = 1 if len(shape) > 1 else 0
    p = rng.random(shape).astype(np.float32)
    p /= p.sum(dim, keepdims=True)
    w = rng.uniform(0.1, 2.0, shape[dim]).astype(np.float32) if weighted else None
    options = {"reduction": reduction, "label_smoothing": eps}
    _run(
        lambda a, b, c: F.cross_entropy(a, b, c, **options),
        lambda a, b, c: tf.cross_entropy(a, b, c, **options),
        x, p, w, np.float32,
    )  # fmt: skip
    ours = nn.CrossEntropyLoss(None if w is None else course.tensor(w), **options)
    theirs = torch.nn.CrossEntropyLoss(None if w is None else torch.tensor(w), **options)
    _run(lambda a, b, _: ours(a, b), lambda a, b, _: theirs(a, b), x, p, None, np.float32)


def test_probability_targets_get_a_gradient_too():
    rng = np.random.default_rng(2)
    x, p = rng.standard_normal((2, 4, 3)).astype(np.float32)
    xc, pc = course.tensor(x, requires_grad=True), course.tensor(p, requires_grad=True)
    xt, pt = torch.tensor(x, requires_grad=True), torch.tensor(p, requires_grad=True)
    F.cross_entropy(xc, pc).backward()
    tf.cross_entropy(xt, pt).backward()
    assert_close(pc.grad, pt.grad, name="gradient of the target")


def test_probability_targets_refuse_ignore_index():
    x = course.zeros(2, 3)
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(x, course.ones(2, 3) / 3, ignore_index=0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore", [False, True], ids=["all", "ignore"])
@pytest.mark.parametrize("shape, tshape", SHAPES[:3], ids=["N,C", "N,C,d1,d2", "C"])
def test_label_smoothing_with_class_weight_matches_torch(shape, tshape, ignore, reduction):
    x, t, w = _case(shape, tshape, np.float32, ignore, seed=5)
    for eps in (0.1, 1.0):
        _run(
            lambda a, b, c: F.cross_entropy(a, b, c, reduction=reduction, label_smoothing=eps),  # noqa: B023
            lambda a, b, c: tf.cross_entropy(a, b, c, reduction=reduction, label_smoothing=eps),  # noqa: B023
            x, t, w, np.float32,
        )  # fmt: skip
