"""Optimizers `SGD` and `Adam`, step for step equal to PyTorch's (same update formulas).

``step()`` updates each parameter's array (``p.array``) in place, without recording a graph,
reusing per-parameter state buffers so that a step allocates almost nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from course import backend
from course.autograd import Tensor, no_grad
from course.backend import get_array_module


class Optimizer:
    """Holds parameter groups (dicts with 'params' and hyper-parameters) and per-parameter state."""

    def __init__(self, params, defaults: dict) -> None:
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = defaults
        self.param_groups: list[dict] = []
        for g in groups:
            group = {**defaults, **g, "params": list(g["params"])}
            for p in group["params"]:
                if not isinstance(p, Tensor) or not p.requires_grad:
                    raise TypeError(
                        f"{type(self).__name__}: can only optimise tensors that require grad"
                    )
            self.param_groups.append(group)
        self.state: dict[int, dict] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (set them to None, as PyTorch does by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def step(self) -> None:
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    grad = p.grad
                    if grad is not None:
                        state = self.state.setdefault(id(p), {})
                        self._follow_device(p, grad, state)
                        self._update(p, grad.array, group, state)
                        p._wrote()  # written in place: a graph that saved p refuses backward

    def _follow_device(self, p: Tensor, grad: Tensor, state: dict) -> None:
        """Check that p's gradient is on p's device, and move p's state buffers there
        (after ``model.to(device)``, the state follows the parameters)."""
        kind = p.array.__class__
        if grad.array.__class__ is not kind:
            raise RuntimeError(
                f"{type(self).__name__}: a parameter of shape {tuple(p.shape)} is on {p.device} "
                f"but its gradient is on {grad.device}; move the model before backward"
            )
        for key, value in state.items():
            if isinstance(value, backend.ARRAY_TYPES) and value.__class__ is not kind:
                state[key] = backend.to_device(value, p.device)

    def _update(self, p: Tensor, grad, group: dict, state: dict) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent: v = momentum * v + (1 - dampening) * g; p -= lr * v."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
            weight_decay=weight_decay,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
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
        tmp = state.get("tmp")
        if tmp is None or tmp.shape != data.shape:
            tmp = state["tmp"] = xp.empty_like(data)
        xp.multiply(grad, lr, out=tmp)
        data -= tmp


class Adam(Optimizer):
    """m, v = moving averages of g and g^2; p -= lr * m_hat / (sqrt(v_hat) + eps) (Kingma & Ba)."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
        data = p.array
        beta1, beta2 = group["betas"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * data
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(data)
            state["exp_avg_sq"] = xp.zeros_like(data)
            state["tmp"] = xp.empty_like(data)
        state["step"] += 1
        t = state["step"]
        m, v, tmp = state["exp_avg"], state["exp_avg_sq"], state["tmp"]
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        xp.multiply(grad, grad, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        step_size = group["lr"] / (1 - beta1**t)
        # denominator as PyTorch: sqrt(v) / sqrt(1 - beta2^t) + eps
        xp.sqrt(v, out=tmp)
        tmp *= 1 / math.sqrt(1 - beta2**t)
        tmp += group["eps"]
        xp.divide(m, tmp, out=tmp)
        tmp *= step_size
        data -= tmp


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course.optim'", "torch.optim", name)
