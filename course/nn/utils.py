"""Gradient utilities."""

from __future__ import annotations

from collections.abc import Iterable

from course.autograd import Tensor, constant
from course.backend import get_array_module


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor, max_norm: float, norm_type: float = 2.0
) -> Tensor:
    """Scale all gradients in place so their joint norm is at most max_norm; return the norm."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad.array for p in params if p.grad is not None]
    if not grads:
        return Tensor(0.0)
    xp = get_array_module(grads[0])
    if norm_type == float("inf"):
        total = max(xp.abs(g).max() for g in grads)
    else:
        total = sum(float((xp.abs(g) ** norm_type).sum()) for g in grads) ** (1.0 / norm_type)
    total = float(total)
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads:
            g *= g.dtype.type(coef)
    return constant(xp.asarray(total, dtype=grads[0].dtype))
