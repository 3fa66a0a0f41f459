"""Run one function on CPU tensors and on their CUDA copies; compare outputs and gradients."""

from __future__ import annotations

import numpy as np

import course
from course import backend
from course.testing import assert_close

ATOL, RTOL = 1e-4, 1e-4  # float32, different summation orders on the two devices


def _flat(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _weights(outs) -> list:
    rng = np.random.default_rng(1)
    return [
        rng.standard_normal(o.shape).astype(o.dtype)
        if o.dtype.kind == "f" and o.requires_grad
        else None
        for o in outs
    ]


def _objective(outs, weights, device):
    total = None
    for o, w in zip(outs, weights, strict=True):
        if w is not None:
            term = (o * course.tensor(w, device=device)).sum()
            total = term if total is None else total + term
    return total


def run(fn, arrays: list[np.ndarray], device: str, grad: bool = True):
    """fn on tensors made from ``arrays`` on ``device``; returns (outputs, input grads)."""
    xs = [
        course.tensor(a, device=device, requires_grad=grad and a.dtype.kind == "f") for a in arrays
    ]
    outs = _flat(fn(*xs))
    loss = _objective(outs, _weights(outs), device)
    if loss is not None:
        loss.backward()
    return outs, [x.grad for x in xs]


def compare(name: str, fn, arrays: list[np.ndarray], grad: bool = True) -> None:
    """CPU vs CUDA: same dtypes, values within float32 tolerances, gradients too."""
    cpu_out, cpu_grads = run(fn, arrays, "cpu", grad)
    gpu_out, gpu_grads = run(fn, arrays, "cuda", grad)
    assert len(cpu_out) == len(gpu_out), name
    for k, (c, g) in enumerate(zip(cpu_out, gpu_out, strict=True)):
        assert g.device == "cuda", f"{name}: output {k} is on {g.device}"
        assert g.dtype == c.dtype, f"{name}: output {k} dtype {g.dtype} on cuda, {c.dtype} on cpu"
        assert_close(g.detach().numpy(), c.detach().numpy(), ATOL, RTOL, name=f"{name} output {k}")
    for k, (c, g) in enumerate(zip(cpu_grads, gpu_grads, strict=True)):
        assert (c is None) == (g is None), f"{name}: gradient {k} exists on one device only"
        if c is not None:
            assert backend.device_of(g.array) == "cuda", f"{name}: gradient {k} on the CPU"
            assert_close(
                g.detach().numpy(), c.detach().numpy(), ATOL, RTOL, name=f"{name} grad of input {k}"
            )
