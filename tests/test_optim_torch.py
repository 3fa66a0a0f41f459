"""Every optimizer against torch.optim, step for step: same parameters, same gradients, two
parameter groups with different hyper-parameters, float32 and float64, several steps."""

import numpy as np
import pytest
import torch

import course
from course import nn, optim

pytestmark = pytest.mark.lesson03

CASES = [
    ("SGD", dict(lr=0.1), dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01), dict(momentum=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.2, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9, maximize=True), dict(lr=0.01)),
    ("Adam", dict(lr=0.01), dict(lr=0.1, betas=(0.5, 0.9), weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01), dict(eps=1e-3, amsgrad=False)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.8), decoupled_weight_decay=True, weight_decay=0.1), {}),
    ("AdamW", dict(), dict(lr=0.05, weight_decay=0.0)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True), dict(betas=(0.8, 0.99))),
    ("AdamW", dict(lr=0.01, maximize=True), dict(weight_decay=0.5)),
    ("Adagrad", dict(), dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5), dict(eps=1e-3)),
    ("Adadelta", dict(), dict(lr=0.5, rho=0.5, weight_decay=0.1)),
    ("Adadelta", dict(rho=0.95, eps=1e-4, weight_decay=0.01, maximize=True), dict(lr=2.0)),
    ("RMSprop", dict(), dict(lr=0.001, alpha=0.9, weight_decay=0.1)),
    ("RMSprop", dict(momentum=0.9, centered=True), dict(centered=False, momentum=0.0)),
    ("RMSprop", dict(lr=0.001, momentum=0.5, weight_decay=0.01), dict(centered=True, eps=1e-4)),
]

TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def _gradient(p: np.ndarray, target: np.ndarray) -> np.ndarray:
    """A nonlinear gradient (of sum(p^2/2 - cos(3p)/3 - target*p)): errors would compound."""
    return p + np.sin(3 * p) - target


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs,second_group", CASES)
def test_optimizer_steps_equal_torch(name, kwargs, second_group, dtype):
    rng = np.random.default_rng(0)
    starts = [rng.standard_normal(shape).astype(dtype) for shape in [(3, 4), (4,), (5,)]]
    targets = [rng.standard_normal(a.shape).astype(dtype) for a in starts]
    ours = [nn.Parameter(course.tensor(a, dtype=dtype)) for a in starts]
    theirs = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in starts]
    opt = getattr(optim, name)(
        [{"params": ours[:2]}, {"params": ours[2:], **second_group}], **kwargs
    )
    opt_t = getattr(torch.optim, name)(
        [{"params": theirs[:2]}, {"params": theirs[2:], **second_group}], **kwargs
    )
    for step in range(8):
        for p, q, t in zip(ours, theirs, targets):
            p.grad = course.tensor(_gradient(p.array, t), dtype=dtype)
            q.grad = torch.from_numpy(_gradient(q.detach().numpy(), t))
        opt.step()
        opt_t.step()
        for i, (p, q) in enumerate(zip(ours, theirs)):
            assert p.array.dtype == dtype
            np.testing.assert_allclose(
                p.array, q.detach().numpy(), **TOL[dtype], err_msg=f"{name} step {step}, param {i}"
            )


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop"])
def test_state_dict_round_trip_continues_like_the_original(name):
    def make():
        return nn.Parameter(course.tensor(np.linspace(-1, 1, 6)))

    extra = dict(momentum=0.9) if name in ("SGD", "RMSprop") else {}
    a, b = make(), make()
    opt_a = getattr(optim, name)([a], lr=0.1, **extra)
    opt_b = getattr(optim, name)([b], lr=0.5, **extra)
    target = np.full(6, 0.3, dtype=np.float32)
    for _ in range(3):
        a.grad = course.tensor(_gradient(a.array, target))
        opt_a.step()
    b.array[...] = a.array
    saved = opt_a.state_dict()
    assert saved["param_groups"][0]["params"] == [0] and set(saved["state"]) == {0}
    opt_b.load_state_dict(saved)
    assert opt_b.param_groups[0]["lr"] == 0.1
    for _ in range(3):
        a.grad = course.tensor(_gradient(a.array, target))
        b.grad = course.tensor(_gradient(b.array, target))
        opt_a.step()
        opt_b.step()
    np.testing.assert_array_equal(a.array, b.array)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop"])
def test_param_groups_and_saved_state_have_torchs_keys(name):
    extra = dict(momentum=0.9) if name in ("SGD", "RMSprop") else {}
    p, q = nn.Parameter(course.ones(2)), torch.nn.Parameter(torch.ones(2))
    ours, theirs = getattr(optim, name)([p], **extra), getattr(torch.optim, name)([q], **extra)
    ours_group = {k: v for k, v in ours.param_groups[0].items() if k != "params"}
    theirs_group = {k: v for k, v in theirs.param_groups[0].items() if k != "params"}
    assert ours_group == theirs_group  # same names, same defaults
    p.grad, q.grad = course.ones(2), torch.ones(2)
    ours.step()
    theirs.step()
    assert ours.state_dict()["state"][0].keys() == theirs.state_dict()["state"][0].keys()


@pytest.mark.parametrize(
    "name,flag", [("Adam", "fused"), ("AdamW", "capturable"), ("RMSprop", "differentiable")]
)
def test_unimplemented_switches_are_named(name, flag):
    with pytest.raises(NotImplementedError, match=flag):
        getattr(optim, name)([nn.Parameter(course.zeros(2))], **{flag: True})
