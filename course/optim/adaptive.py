"""Per-coordinate step sizes from the gradients' squares: torch.optim's Adagrad, Adadelta, RMSprop.

Each divides the gradient by the square root of a sum (Adagrad) or a moving average (RMSprop,
Adadelta) of its past squares, so coordinates with large gradients take smaller steps.
"""

from __future__ import annotations

from collections.abc import Iterable

from course.backend import get_array_module
from course.optim.optimizer import Optimizer, decay_addcmul_, flags, lerp_, scratch


def _check(name: str, **values: float) -> None:
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"{name}: invalid {key}={value} (must be >= 0)")


class Adagrad(Optimizer):
    """s += g^2; p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps) (Duchi et al.)."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check("Adagrad", lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps)
        switches = flags(
            "Adagrad", maximize, foreach=foreach, differentiable=differentiable, fused=fused
        )
        defaults = dict(
            lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, **switches,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
        data = p.array
        if "sum" not in state:
            state["step"] = 0
            state["sum"] = xp.full_like(data, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * data
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        tmp = scratch(state, data)
        xp.multiply(grad, grad, out=tmp)
        state["sum"] += tmp
        xp.sqrt(state["sum"], out=tmp)
        tmp += group["eps"]
        xp.divide(grad, tmp, out=tmp)
        tmp *= clr
        data -= tmp


class Adadelta(Optimizer):
    """v = rho v + (1-rho) g^2; d = sqrt(u + eps) / sqrt(v + eps) * g; u = rho u + (1-rho) d^2;
    p -= lr * d (Zeiler): the step's own running size replaces a learning rate."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check("Adadelta", lr=lr, eps=eps, weight_decay=weight_decay)
        if not 0 <= rho <= 1:
            raise ValueError(f"Adadelta: invalid rho={rho} (must be in [0, 1])")
        switches = flags(
            "Adadelta", maximize, foreach=foreach, capturable=capturable,
            differentiable=differentiable,
        )  # fmt: skip
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, **switches)
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
        data = p.array
        rho, eps = group["rho"], group["eps"]
        if "square_avg" not in state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(data)
            state["acc_delta"] = xp.zeros_like(data)
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * data
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        tmp, delta = scratch(state, data), scratch(state, data, "tmp_delta")
        decay_addcmul_(square_avg, rho, grad, grad, 1 - rho, tmp)
        xp.add(square_avg, eps, out=tmp)
        xp.sqrt(tmp, out=tmp)  # std
        xp.add(acc_delta, eps, out=delta)
        xp.sqrt(delta, out=delta)
        delta /= tmp
        delta *= grad
        decay_addcmul_(acc_delta, rho, delta, delta, 1 - rho, tmp)
        delta *= group["lr"]
        data -= delta


class RMSprop(Optimizer):
    """v = alpha v + (1-alpha) g^2; p -= lr * g / (sqrt(v) + eps) (Hinton's lecture 6e).

    ``centered`` subtracts the squared moving average of g from v (a variance estimate);
    ``momentum`` accumulates b = momentum * b + g / (sqrt(v) + eps) and steps p -= lr * b."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check("RMSprop", lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        switches = flags(
            "RMSprop", maximize, capturable=capturable, foreach=foreach,
            differentiable=differentiable,
        )  # fmt: skip
        defaults = dict(
            lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
            weight_decay=weight_decay, **switches,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
        data = p.array
        alpha, momentum = group["alpha"], group["momentum"]
        if "square_avg" not in state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(data)
        if momentum > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = xp.zeros_like(data)
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = xp.zeros_like(data)
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * data
        square_avg, tmp, avg = (
            state["square_avg"],
            scratch(state, data),
            scratch(state, data, "tmp_avg"),
        )
        decay_addcmul_(square_avg, alpha, grad, grad, 1 - alpha, tmp)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            lerp_(grad_avg, grad, 1 - alpha, tmp)
            xp.multiply(grad_avg, -1, out=tmp)  # square_avg.addcmul(grad_avg, grad_avg, value=-1)
            tmp *= grad_avg
            xp.add(square_avg, tmp, out=avg)
            xp.sqrt(avg, out=avg)
        else:
            xp.sqrt(square_avg, out=avg)
        avg += group["eps"]
        xp.divide(grad, avg, out=tmp)
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += tmp
            xp.multiply(buf, group["lr"], out=tmp)
        else:
            tmp *= group["lr"]
        data -= tmp
