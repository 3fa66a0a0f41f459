"""``Tensor.data`` follows torch: a Tensor cut from the graph that shares memory; the raw
NumPy array is course's own ``Tensor.array``.

Each idiom runs on course and on torch (the oracle) with the same inputs and must give the
same values. course has no ``clone()``: a replacement tensor is built with ``course.tensor``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import course
from course import nn

RNG = np.random.default_rng(11)
LR = 0.1


def values(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def leaf_pair(x):
    return course.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def same(ours, theirs, what):
    want = theirs.detach().numpy()
    assert ours.dtype == want.dtype, f"{what}: dtype {ours.dtype}, torch {want.dtype}"
    np.testing.assert_allclose(ours.detach().numpy(), want, rtol=1e-6, atol=1e-6, err_msg=what)


def with_grad(x):
    """A leaf pair whose .grad is d(sum(p**3))/dp, computed by each library."""
    p, pt = leaf_pair(x)
    (p**3).sum().backward()
    (pt**3).sum().backward()
    return p, pt


@pytest.mark.parametrize(
    "update",
    [
        lambda p, lib: p.data.add_(p.grad, alpha=-LR),
        lambda p, lib: p.data.add_(p.grad.data, alpha=-LR),
        lambda p, lib: p.data.sub_(LR * p.grad.data),
        lambda p, lib: p.data.mul_(0.5),
        lambda p, lib: p.data.div_(4.0),
        lambda p, lib: p.data.zero_(),
        lambda p, lib: p.data.fill_(2.5),
        lambda p, lib: p.data.clamp_(-0.2, 0.3),
        lambda p, lib: p.data.copy_(lib.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))),
        lambda p, lib: p.data.copy_(lib.tensor(np.arange(3, dtype=np.float32))),  # broadcast
    ],
    ids=[
        "add_-alpha", "add_-grad.data", "sub_", "mul_", "div_", "zero_", "fill_", "clamp_",
        "copy_", "copy_-broadcast",
    ],
)  # fmt: skip
def test_in_place_methods_on_data_write_into_the_tensor(update):
    x = values(2, 3)
    p, pt = with_grad(x)
    memory = p.array
    ret = update(p, course)
    ret_t = update(pt, torch)
    same(p, pt, "the tensor after the update through .data")
    same(ret, ret_t, "the tensor the in-place method returns")
    assert p.array is memory, "an in-place update through .data must not replace the array"
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


@pytest.mark.parametrize("op", ["-=", "+=", "*=", "/="])
def test_augmented_assignment_on_data_updates_in_place(op):
    x = values(4)
    p, pt = with_grad(x)
    memory = p.array
    step = {"-=": "p.data -= LR * p.grad.data", "+=": "p.data += LR * p.grad.data",
            "*=": "p.data *= 0.5", "/=": "p.data /= 4.0"}[op]  # fmt: skip
    for target in (p, pt):
        exec(step, {"LR": LR, "p": target})
    same(p, pt, f"p.data {op} ...")
    assert p.array is memory, f"p.data {op} ... must write into p's own array"
    assert p.requires_grad and p.grad_fn is None and p.grad is not None


def test_sgd_by_hand_inside_no_grad_too():
    x = values(3, 2)
    p, pt = with_grad(x)
    with course.no_grad():
        p.data -= LR * p.grad.data
    with torch.no_grad():
        pt.data -= LR * pt.grad.data
    same(p, pt, "p.data -= lr * p.grad.data inside no_grad")


def test_replacing_data_keeps_requires_grad_and_shares_the_new_memory():
    p, pt = leaf_pair(values(3))
    new = values(3)
    replacement = course.tensor(new)  # course has no clone(): a fresh tensor of the same values
    replacement_t = torch.tensor(new).clone()
    p.data = replacement
    pt.data = replacement_t
    same(p, pt, "p.data = new tensor")
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert p.array is replacement.array, "p.data = t makes p use t's memory, as in torch"
    replacement.fill_(7.0)
    replacement_t.fill_(7.0)
    same(p, pt, "p after writing into the tensor it took its data from")
    (p * p).sum().backward()
    (pt * pt).sum().backward()
    same(p.grad, pt.grad, "a gradient after p.data = ...")


def test_data_can_take_another_shape_and_a_raw_array():
    p, pt = leaf_pair(values(2, 2))
    p.data = course.tensor(values(5))
    pt.data = torch.zeros(5)
    assert p.shape == tuple(pt.shape) == (5,)
    raw = values(3)
    p.data = raw  # course also takes a raw NumPy array (torch wants a tensor)
    assert p.array is raw and p.shape == (3,)


def test_data_is_detached_and_shares_memory():
    x = values(2, 3)
    p, pt = leaf_pair(x)
    y, yt = p * 2, pt * 2
    for ours, theirs in ((p, pt), (y, yt)):
        d, dt = ours.data, theirs.data
        assert type(d) is course.Tensor
        assert d.requires_grad is dt.requires_grad is False
        assert d.grad_fn is None and dt.grad_fn is None
        assert d.is_leaf is dt.is_leaf is True
        assert d.grad is None and dt.grad is None
        assert d.array is ours.array, ".data shares its tensor's memory"
        same(d, dt, ".data values")
    p.data.add_(1.0)
    pt.data.add_(1.0)
    same(p, pt, "a write through .data shows in the tensor")
    np.testing.assert_array_equal(p.detach().numpy(), x + 1)


def test_data_of_a_parameter_is_a_plain_tensor():
    p = nn.Parameter(course.tensor(values(3)))
    pt = torch.nn.Parameter(torch.tensor(values(3)))
    assert type(p.data) is course.Tensor and type(pt.data) is torch.Tensor
    assert isinstance(p, nn.Parameter) and not isinstance(p.data, nn.Parameter)


def test_a_write_through_data_is_not_seen_by_autograd_as_in_torch():
    """torch's .data has its own version counter: backward uses the new values, no error."""
    x = values(4)
    p, pt = leaf_pair(x)
    y, yt = (p * p).sum(), (pt * pt).sum()
    p.data.mul_(3.0)
    pt.data.mul_(3.0)
    y.backward()
    yt.backward()
    same(p.grad, pt.grad, "gradient after a write through .data")


def test_manual_training_loop_matches_torch_step_for_step():
    X, y = values(16, 3), values(16, 1)
    W0, b0 = values(3, 1) * 0.5, values(1)
    runs = {}
    for lib in (course, torch):
        W = lib.tensor(W0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        Xl, yl = lib.tensor(X), lib.tensor(y)
        losses = []
        for _ in range(5):
            loss = ((Xl @ W + b - yl) ** 2).mean()
            losses.append(loss.item())
            loss.backward()
            for p in (W, b):
                p.data -= LR * p.grad.data  # the update between steps, outside no_grad
                p.grad.data.zero_()
        runs[lib.__name__] = (np.array(losses), W.detach().numpy(), b.detach().numpy())
    (ours, w_ours, b_ours), (theirs, w_theirs, b_theirs) = runs["course"], runs["torch"]
    assert not np.allclose(ours[0], ours[-1]), "the loop must train"
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg="losses per step")
    np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-5, atol=1e-6, err_msg="W at the end")
    np.testing.assert_allclose(b_ours, b_theirs, rtol=1e-5, atol=1e-6, err_msg="b at the end")


def test_optimizer_step_after_replacing_data():
    p, pt = leaf_pair(values(3))
    opt, opt_t = (
        course.optim.SGD([p], lr=LR, momentum=0.9),
        torch.optim.SGD([pt], lr=LR, momentum=0.9),
    )
    new = values(3)
    for step in range(3):
        if step == 1:
            p.data = course.tensor(new)
            pt.data = torch.tensor(new)
        opt.zero_grad()
        opt_t.zero_grad()
        (p**2).sum().backward()
        (pt**2).sum().backward()
        opt.step()
        opt_t.step()
        same(p, pt, f"SGD step {step}")


def test_data_numpy_works_where_numpy_refuses():
    x = values(2, 2)
    p, pt = leaf_pair(x)
    with pytest.raises(RuntimeError):
        p.numpy()
    with pytest.raises(RuntimeError):
        pt.numpy()
    got, want = p.data.numpy(), pt.data.numpy()
    np.testing.assert_array_equal(got, want)
    assert np.shares_memory(got, p.array)


@pytest.mark.parametrize("bad", [[1.0, 2.0], 3.0, "abc", None])
def test_setting_data_to_something_else_raises_type_error(bad):
    p, pt = leaf_pair(values(2))
    with pytest.raises(TypeError):
        pt.data = bad
    with pytest.raises(TypeError, match=type(bad).__name__):
        p.data = bad
    assert p.shape == (2,) and p.requires_grad


def test_array_is_the_raw_numpy_array():
    x = course.tensor(values(2, 3), requires_grad=True)
    assert isinstance(x.array, np.ndarray)
    assert not isinstance(x.data, np.ndarray) and isinstance(x.data, course.Tensor)
    assert x.array.shape == x.shape and x.array.dtype == x.dtype
    assert x.grad is None
    x.sum().backward()
    assert isinstance(x.grad.array, np.ndarray) and isinstance(x.grad.data, course.Tensor)
    assert not hasattr(torch.zeros(1), "array"), "torch has no .array: course's own name"
