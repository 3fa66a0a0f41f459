"""SGD and Adam against torch.optim over 5 steps on a small model with identical weights."""

import numpy as np
import pytest
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course import nn, optim

pytestmark = pytest.mark.lesson03


def _models():
    ours = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", dict(lr=0.1)),
        ("SGD", dict(lr=0.1, momentum=0.9)),
        ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
        ("SGD", dict(lr=0.1, weight_decay=0.01)),
        ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.01, nesterov=True)),
        ("Adam", dict(lr=0.01)),
        ("Adam", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6)),
        ("Adam", dict(lr=0.01, weight_decay=0.05)),
    ],
)
def test_optimizer_steps_equal_torch(name, kwargs):
    ours, theirs = _models()
    opt = getattr(optim, name)(ours.parameters(), **kwargs)
    opt_t = getattr(torch.optim, name)(theirs.parameters(), **kwargs)
    rng = np.random.default_rng(0)
    for step in range(5):
        x = rng.standard_normal((4, 6)).astype(np.float32)
        y = rng.integers(0, 3, 4)
        opt.zero_grad()
        opt_t.zero_grad()
        F.cross_entropy(ours(course.tensor(x)), course.tensor(y)).backward()
        torch.nn.functional.cross_entropy(
            theirs(torch.from_numpy(x)), torch.from_numpy(y)
        ).backward()
        opt.step()
        opt_t.step()
        for (pname, p), q in zip(ours.named_parameters(), theirs.parameters()):
            assert p.dtype == np.float32
            np.testing.assert_allclose(
                p.array, q.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=f"step {step}: {pname}"
            )


def test_zero_grad_sets_none_and_step_updates_in_place():
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.5)
    weight_array = model.weight.array
    model(course.randn(4, 3)).sum().backward()
    before = weight_array.copy()
    opt.step()
    assert model.weight.array is weight_array and not np.array_equal(before, weight_array)
    assert model.weight.requires_grad and model.weight.grad_fn is None
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    opt.step()  # no gradients: nothing moves
    np.testing.assert_array_equal(model.weight.array, weight_array)


def test_param_groups_take_their_own_lr():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    opt = optim.SGD([{"params": a.parameters()}, {"params": b.parameters(), "lr": 0.0}], lr=1.0)
    before_b = b.weight.array.copy()
    (a(course.ones(1, 2)).sum() + b(course.ones(1, 2)).sum()).backward()
    opt.step()
    np.testing.assert_array_equal(b.weight.array, before_b)
    with pytest.raises(ValueError, match="empty"):
        optim.Adam([])
