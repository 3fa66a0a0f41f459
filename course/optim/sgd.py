"""Stochastic gradient descent with momentum, dampening, Nesterov, weight decay: torch.optim.SGD."""

from __future__ import annotations

from collections.abc import Iterable

from course.backend import get_array_module
from course.optim.optimizer import Optimizer, flags, scratch


class SGD(Optimizer):
    """v = momentum * v + (1 - dampening) * g (v = g on the first step); p -= lr * v
    (Nesterov: p -= lr * (g + momentum * v))."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: invalid lr={lr}, momentum={momentum} or weight_decay")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")
        switches = flags(
            "SGD", maximize, foreach=foreach, differentiable=differentiable, fused=fused
        )
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
            nesterov=nesterov, **switches,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        data = p.array
        lr, momentum, wd = group["lr"], group["momentum"], group["weight_decay"]
        if wd:
            grad = grad + wd * data
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        tmp = scratch(state, data)
        get_array_module(data).multiply(grad, lr, out=tmp)
        data -= tmp
