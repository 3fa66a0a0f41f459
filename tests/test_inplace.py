"""In-place ops follow torch: the same values, the same errors, and never a silent no-op.

Each test runs one program on course and on torch (the oracle) and compares what happens.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import course
from course import nn

RNG = np.random.default_rng(7)


def pair(*shape, dtype=np.float32, requires_grad=False):
    x = RNG.standard_normal(shape).astype(dtype)
    return (
        course.tensor(x, requires_grad=requires_grad),
        torch.tensor(x, requires_grad=requires_grad),
    )


def same(ours, theirs, what):
    assert ours.dtype == theirs.detach().numpy().dtype, f"{what}: dtype {ours.dtype}"
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6, err_msg=what
    )


@pytest.mark.parametrize(
    "op",
    [
        lambda t, o: t.add_(o),
        lambda t, o: t.add_(o, alpha=-0.5),
        lambda t, o: t.sub_(o),
        lambda t, o: t.mul_(o),
        lambda t, o: t.div_(o),
        lambda t, o: t.add_(2.5),
        lambda t, o: t.mul_(-3),
        lambda t, o: t.clamp_(-0.5, 0.25),
        lambda t, o: t.clamp_(min=0.1),
        lambda t, o: t.zero_(),
        lambda t, o: t.fill_(1.5),
        lambda t, o: t.copy_(o),
    ],
    ids=[
        "add_", "add_alpha", "sub_", "mul_", "div_", "add_scalar", "mul_scalar", "clamp_",
        "clamp_min", "zero_", "fill_", "copy_",
    ],
)  # fmt: skip
def test_in_place_ops_match_torch_and_return_self(op):
    (x, xt), (o, ot) = pair(4, 5), pair(5)  # the operand broadcasts over the rows
    out, out_t = op(x, o), op(xt, ot)
    assert out is x, "an in-place op returns the tensor itself"
    same(x, xt, "in-place result")
    same(out, out_t, "returned tensor")


@pytest.mark.parametrize("name", ["+=", "-=", "*=", "/="])
def test_augmented_assignment_writes_in_place(name):
    (x, xt), (o, ot) = pair(3, 4), pair(3, 4)
    alias, alias_t = x, xt
    code = f"x {name} o"
    ns = {"x": x, "o": o}
    exec(code, ns)  # noqa: S102 - the operator under test
    ns_t = {"x": xt, "o": ot}
    exec(code, ns_t)  # noqa: S102
    assert ns["x"] is alias and ns_t["x"] is alias_t, f"{code} must not rebind x"
    same(alias, alias_t, code)


def test_manual_sgd_learns_inside_no_grad_as_in_torch():
    """The loop of 'Learning PyTorch with examples': `p -= lr * p.grad` under no_grad."""
    torch.manual_seed(0)
    model_t = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    model.load_state_dict({k: v.detach().numpy() for k, v in model_t.state_dict().items()})
    X, y = pair(16, 3)[0].numpy(), pair(16, 1)[0].numpy()
    losses, losses_t = [], []
    for _ in range(20):
        for net, xs, ys, record, lib in (
            (model, course.tensor(X), course.tensor(y), losses, course),
            (model_t, torch.tensor(X), torch.tensor(y), losses_t, torch),
        ):
            loss = ((net(xs) - ys) ** 2).mean()
            net.zero_grad()
            loss.backward()
            with lib.no_grad():
                for p in net.parameters():
                    p -= 0.1 * p.grad
            record.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], f"training learned nothing: {losses[0]} -> {losses[-1]}"
    np.testing.assert_allclose(losses, losses_t, rtol=1e-4, err_msg="losses differ from torch's")


@pytest.mark.parametrize("update", ["p -= 0.1 * p.grad", "p.add_(p.grad, alpha=-0.1)"])
def test_updating_a_parameter_outside_no_grad_raises_like_torch(update):
    for lib, p in ((course, course.ones(3, requires_grad=True)), (torch, torch.ones(3))):
        p.requires_grad_(True)
        (p * p).sum().backward()
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            exec(update, {"p": p})  # noqa: S102
        assert (p.detach().numpy() == 1).all(), f"{lib.__name__}: the failed update wrote"


def test_a_saved_value_written_in_place_makes_backward_refuse_like_torch():
    for lib in (course, torch):
        a = lib.ones(3, requires_grad=True)
        e = a.exp()  # exp saves its output
        with lib.no_grad():
            e.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            e.sum().backward()


def test_an_optimizer_step_between_forward_and_backward_is_caught():
    (x, _), lin = pair(4, 3), nn.Linear(3, 2)
    loss = lin(x).sum()
    opt = course.optim.SGD(lin.parameters(), lr=0.1)
    for p in lin.parameters():
        p.grad = course.zeros_like(p)
    opt.step()  # writes the weight Linear saved
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_writing_a_value_no_op_saved_keeps_backward_working_like_torch():
    grads = []
    for lib in (course, torch):
        a = lib.ones(3, requires_grad=True)
        b = a * 2
        c = b + 1  # add keeps no values
        with lib.no_grad():
            c.add_(1)
        c.sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_accumulating_a_loss_with_plus_equals_gives_torchs_gradient():
    (w, wt) = pair(3, requires_grad=True)
    for p in (w, wt):
        total = 0
        for k in range(3):
            total += (p * (k + 1)).sum()
        total += p.sum()  # += on a result that requires grad
        total.backward()
    same(w.grad, wt.grad, "gradient of an accumulated loss")


def test_in_place_on_a_graph_result_says_what_course_lacks():
    a = course.ones(3, requires_grad=True)
    b = a * 2
    with pytest.raises(RuntimeError, match="part of the autograd graph.*not supported by course"):
        b.mul_(2)


def test_integer_tensor_cannot_take_a_float_result_like_torch():
    for lib in (course, torch):
        n = lib.arange(4)
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            n += 0.5
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            n.div_(2)
        n *= 3  # integer results stay allowed
    assert n.tolist() == [0, 3, 6, 9]


def test_shape_mismatch_and_read_only_views_are_errors():
    x = course.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"add_: output with shape \(2, 3\)"):
        x.add_(course.ones(4, 2, 3))
    view = course.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="read-only"):
        view.fill_(1)


@pytest.mark.parametrize("fill", ["normal_", "uniform_"])
def test_random_fills_write_in_place_from_the_course_generator(fill):
    x = course.zeros(2000)
    memory = x.array
    course.manual_seed(3)
    first = getattr(x, fill)().numpy().copy()
    assert x.array is memory, f"{fill} must write into the tensor's own memory"
    course.manual_seed(3)
    assert (getattr(x, fill)().numpy() == first).all(), f"{fill} ignores manual_seed"
    mean, std = (0.0, 1.0) if fill == "normal_" else (0.5, 12**-0.5)
    assert abs(first.mean() - mean) < 0.1 and abs(first.std() - std) < 0.1


def test_gradient_of_a_zero_dim_leaf_is_a_tensor_like_any_other():
    w, wt = course.tensor(2.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    for _ in range(2):  # the first gradient, then an accumulated one
        (w * w * 3).backward()
        (wt * wt * 3).backward()
    assert isinstance(w.grad.array, np.ndarray) and w.grad.shape == ()
    same(w.grad * 0.1, wt.grad * 0.1, "a 0-d gradient times a number")


def test_setitem_matches_torch():
    ours, theirs = pair(3, 4)
    for index, value in [((0, 1), 5.0), (slice(1, 3), -1.0), ((slice(None), 2), [1.0, 2.0, 3.0])]:
        ours[index] = value
        theirs[index] = torch.tensor(value) if isinstance(value, list) else value
    mask = ours > 0
    ours[mask] = 0
    theirs[theirs > 0] = 0
    same(ours, theirs, "x[index] = value")


def test_setitem_into_a_graph_tensor_names_the_missing_feature():
    x = course.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[0] = 0
    y = x * 2
    with pytest.raises(RuntimeError, match="__setitem__.*not supported by course.*rebases"):
        y[0] = 0
    with course.no_grad():
        x[0] = 5
    assert x.tolist() == [5.0, 1.0, 1.0]
