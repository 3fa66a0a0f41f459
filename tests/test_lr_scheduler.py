"""Learning-rate schedulers against torch.optim.lr_scheduler: the same rates, step after step."""

import math

import pytest
import torch

import course
from course import nn, optim
from course.optim import lr_scheduler

pytestmark = pytest.mark.lesson03


def _optimizers(name="SGD", **kwargs):
    """Ours and torch's, with two parameter groups at different rates."""
    ours = getattr(optim, name)(
        [
            {"params": [nn.Parameter(course.zeros(2))]},
            {"params": [nn.Parameter(course.zeros(1))], "lr": 0.02},
        ],
        lr=0.1,
        **kwargs,
    )
    theirs = getattr(torch.optim, name)(
        [
            {"params": [torch.nn.Parameter(torch.zeros(2))]},
            {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.02},
        ],
        lr=0.1,
        **kwargs,
    )
    return ours, theirs


SCHEDULERS = [
    ("StepLR", dict(step_size=7)),
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 11, 20], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95**epoch / (1 + epoch % 4))),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 5)])),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=31)),
    ("OneCycleLR", dict(max_lr=[1.0, 0.3], epochs=4, steps_per_epoch=8, anneal_strategy="linear")),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=40, three_phase=True, pct_start=0.2)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=31, cycle_momentum=False, div_factor=5.0)),
]


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("name,kwargs", SCHEDULERS)
def test_learning_rates_equal_torch(name, kwargs, optimizer):
    extra = dict(momentum=0.9) if optimizer == "SGD" else {}
    opt, opt_t = _optimizers(optimizer, **extra)
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kwargs)
    assert [g["initial_lr"] for g in opt.param_groups] == [
        g["initial_lr"] for g in opt_t.param_groups
    ]
    for epoch in range(31):
        assert sched.get_last_lr() == sched_t.get_last_lr(), f"{name} epoch {epoch}"
        assert sched.last_epoch == sched_t.last_epoch
        for g, g_t in zip(opt.param_groups, opt_t.param_groups):
            assert g["lr"] == g_t["lr"]
            key = "momentum" if optimizer == "SGD" else "betas"
            assert g[key] == g_t[key], f"{name} epoch {epoch}: {key}"
        opt.step()
        opt_t.step()
        sched.step()
        sched_t.step()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(patience=2, factor=0.5),
        dict(mode="max", patience=1, threshold=0.05, cooldown=2, min_lr=0.004),
        dict(patience=0, threshold_mode="abs", threshold=0.1, min_lr=[0.01, 0.0]),
        dict(mode="max", threshold_mode="abs", patience=3, eps=0.05),
    ],
)
def test_reduce_on_plateau_equals_torch(kwargs):
    opt, opt_t = _optimizers()
    sched = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    sched_t = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_t, **kwargs)
    for epoch in range(40):
        metric = 1 / (1 + epoch) + 0.2 * math.sin(epoch) ** 2  # improves, stalls, wobbles
        sched.step(metric)
        sched_t.step(metric)
        assert sched.get_last_lr() == sched_t.get_last_lr(), f"epoch {epoch}"
        assert (sched.best, sched.num_bad_epochs) == (sched_t.best, sched_t.num_bad_epochs)


def test_state_dict_resumes_the_schedule():
    opt, _ = _optimizers()
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=12)
    for _ in range(5):
        sched.step()
    saved = sched.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 5
    opt2, _ = _optimizers()
    opt2.load_state_dict(opt.state_dict())
    resumed = lr_scheduler.CosineAnnealingLR(opt2, T_max=12, last_epoch=4)
    resumed.load_state_dict(saved)
    for _ in range(6):
        sched.step()
        resumed.step()
        assert sched.get_last_lr() == resumed.get_last_lr()


def test_resuming_without_initial_lr_is_refused_and_one_cycle_checks_its_length():
    opt, _ = _optimizers()
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="total steps is 2"):
        sched.step()
