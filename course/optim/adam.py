"""Adam (Kingma & Ba), its AMSGrad variant, and AdamW (decoupled weight decay), as torch.optim."""

from __future__ import annotations

from collections.abc import Iterable

from course.backend import get_array_module
from course.optim.optimizer import Optimizer, decay_addcmul_, flags, lerp_, scratch


class Adam(Optimizer):
    """m, v = moving averages of g and g^2; p -= lr * m_hat / (sqrt(v_hat) + eps).

    ``amsgrad=True`` divides by the running maximum of v instead of v; ``decoupled_weight_decay``
    (what AdamW does) shrinks p by ``lr * weight_decay`` instead of adding ``weight_decay * p``
    to the gradient."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        name = type(self).__name__
        if lr < 0 or eps < 0 or weight_decay < 0 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"{name}: invalid lr={lr}, betas={betas}, eps={eps} or weight_decay")
        switches = flags(
            name, maximize, foreach=foreach, capturable=capturable,
            differentiable=differentiable, fused=fused,
        )  # fmt: skip
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            **switches, decoupled_weight_decay=decoupled_weight_decay,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p, grad, group, state) -> None:
        xp = get_array_module(grad)
        data = p.array
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        if not state.get("step"):
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(data)
            state["exp_avg_sq"] = xp.zeros_like(data)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = xp.zeros_like(data)
        if wd and group["decoupled_weight_decay"]:
            data *= 1 - lr * wd
        elif wd:
            grad = grad + wd * data
        state["step"] += 1
        t = state["step"]
        m, v, tmp = state["exp_avg"], state["exp_avg_sq"], scratch(state, data)
        lerp_(m, grad, 1 - beta1, tmp)
        decay_addcmul_(v, beta2, grad, grad, 1 - beta2, tmp)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"]
            xp.maximum(v, state["exp_avg_sq"], out=v)
        # denominator as PyTorch: sqrt(v) / sqrt(1 - beta2^t) + eps
        xp.sqrt(v, out=tmp)
        tmp /= (1 - beta2**t) ** 0.5
        tmp += group["eps"]
        xp.divide(m, tmp, out=tmp)
        tmp *= lr / (1 - beta1**t)
        data -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr * weight_decay first."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
            capturable=capturable, differentiable=differentiable, fused=fused,
            decoupled_weight_decay=True,
        )  # fmt: skip
