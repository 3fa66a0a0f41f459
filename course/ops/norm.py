"""Layer normalisation: one `Function` over the last k dims, plus its checked wrapper.

Batch norm (statistics over the batch, per channel) lives in ``course.ops.fused``; layer norm
takes its statistics per sample over the trailing ``normalized_shape`` dims, so it needs no
running buffers and behaves the same in training and eval (what transformers use).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from course.autograd import Function, Tensor
from course.backend import get_array_module


class LayerNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b, mean and (biased) var over the last k dims.

    With xhat the normalised input and g = grad * w, the input gradient is
    (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps), means over the same dims. Both
    passes work on x as (N, D), D the normalised size: the per-row means of g and g * xhat
    are matrix-vector products with w (BLAS), not elementwise products and reductions.
    """

    def forward(self, x, *params, k, eps, has_weight, has_bias):
        xp = get_array_module(x)
        shape, d = x.shape, math.prod(x.shape[x.ndim - k :])
        x2 = x.reshape(-1, d)
        # row sums as (N, D) @ ones(D) products: BLAS beats a reduction over short rows
        ones = xp.ones(d, dtype=x.dtype)
        mean = (x2 @ ones)[:, None]
        mean *= 1 / d
        xhat = x2 - mean
        var = (xp.square(xhat) @ ones)[:, None]
        var *= 1 / d
        var += eps
        inv_std = xp.sqrt(var)
        xp.divide(1, inv_std, out=inv_std)
        inv_std = inv_std.astype(x.dtype, copy=False)
        xhat *= inv_std
        w = params[0].reshape(d) if has_weight else None
        b = params[-1].reshape(d) if has_bias else None
        self.xhat, self.inv_std, self.w = xhat, inv_std, w
        self.shape, self.norm_shape = shape, shape[x.ndim - k :]
        if w is None:
            out = xhat if b is None else xhat + b
        else:
            out = xhat * w
            if b is not None:
                out += b
        return out.reshape(shape)

    def backward(self, grad):
        xhat, w, need = self.xhat, self.w, self.needs_grad
        d = xhat.shape[1]
        g2 = grad.reshape(-1, d)
        gxhat = g2 * xhat  # for the weight's gradient and for mean(g * xhat)
        grads = [None]
        if need[0]:
            if w is None:
                mean_g = g2.mean(axis=1, keepdims=True)
                mean_gx = gxhat.mean(axis=1, keepdims=True)
                gx = g2 - mean_g
            else:  # the means of g = grad * w and of g * xhat, as (N, D) @ (D,) products
                mean_g = (g2 @ w)[:, None]
                mean_gx = (gxhat @ w)[:, None]
                mean_g *= 1 / d
                mean_gx *= 1 / d
                gx = g2 * w
                gx -= mean_g
            gx -= xhat * mean_gx
            gx *= self.inv_std
            grads[0] = gx.reshape(self.shape)
        if w is not None:
            grads.append(gxhat.sum(axis=0).reshape(self.norm_shape) if need[1] else None)
        if len(need) > len(grads):
            grads.append(g2.sum(axis=0).reshape(self.norm_shape) if need[-1] else None)
        return tuple(grads)


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, statistics over the trailing
    ``normalized_shape`` dims of each sample."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k :]) != shape:
        raise RuntimeError(
            f"layer_norm: input of shape {tuple(input.shape)} does not end with "
            f"normalized_shape {shape}"
        )
    if input.dtype.kind != "f":
        raise TypeError(f"layer_norm: expected a floating-point input, got {input.dtype}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise RuntimeError(
                f"layer_norm: {name} of shape {tuple(p.shape)} must have normalized_shape {shape}"
            )
    params = [p for p in (weight, bias) if p is not None]
    return LayerNorm.apply(
        input, *params, k=k, eps=eps, has_weight=weight is not None, has_bias=bias is not None
    )
