"""Run one program on PyTorch and on course, from the same starting weights; compare losses.

A program is a module in ``programs/`` with a function
``program(torch, nn, F, optim, data, start)``: the same source runs with torch's modules and with
course's. ``start(model)`` is the one line a program adds to textbook code: on the torch run it
records the model's initial ``state_dict()``, on the course run it loads those values, so both
runs begin from the same weights (the two libraries' random initialisations never match). It
returns the model, so ``model = start(Net())``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

FIRST = 10  # the first losses must agree closely ...
FIRST_RTOL = 1e-5
FINAL_RTOL = 1e-3  # ... and the final one loosely (float32 drift grows with the steps)
ATOL = 1e-7  # for losses that reach (nearly) zero


def torch_modules() -> tuple[ModuleType, ...]:
    import torch
    import torch.nn
    import torch.nn.functional
    import torch.optim
    import torch.utils.data

    return torch, torch.nn, torch.nn.functional, torch.optim, torch.utils.data


def course_modules() -> tuple[ModuleType, ...]:
    import course
    import course.functional
    import course.nn
    import course.optim
    import course.utils.data

    return course, course.nn, course.functional, course.optim, course.utils.data


def load(name: str) -> ModuleType:
    return importlib.import_module(f"compat.programs.{name}")


def run_both(name: str) -> tuple[list[float], list[float]]:
    """The losses of program `name` on torch, then on course (started from torch's weights)."""
    program = load(name).program
    recorded: list[dict] = []  # the initial state_dicts of the torch run, in start() order
    copied: list = []

    def record(model):
        recorded.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        return model

    def copy(model):
        # course's load_state_dict accepts torch tensors, NumPy arrays or course tensors;
        # NumPy arrays are the neutral form, as a user without torch at hand would pass them.
        state = recorded[len(copied)]
        copied.append(model)
        model.load_state_dict({k: v.numpy() for k, v in state.items()})
        return model

    import torch

    torch.manual_seed(0)
    theirs = [float(x) for x in program(*torch_modules(), record)]
    ours = [float(x) for x in program(*course_modules(), copy)]
    return theirs, ours


def check(name: str) -> None:
    """Run program `name` on both libraries and assert its losses agree."""
    theirs, ours = run_both(name)
    assert len(ours) == len(theirs), f"{name}: {len(ours)} losses on course, {len(theirs)} on torch"
    assert len(theirs) >= 2, f"{name}: returned {len(theirs)} losses"
    np.testing.assert_allclose(
        ours[:FIRST],
        theirs[:FIRST],
        rtol=FIRST_RTOL,
        atol=ATOL,
        err_msg=f"{name}: the first {FIRST} losses differ (course vs torch)",
    )
    np.testing.assert_allclose(
        ours[-1],
        theirs[-1],
        rtol=FINAL_RTOL,
        atol=ATOL,
        err_msg=f"{name}: the final loss differs (course vs torch)",
    )
