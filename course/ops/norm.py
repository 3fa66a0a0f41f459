"""Layer normalisation: one `Function` over the last k dims, plus its checked wrapper.

Batch norm (statistics over the batch, per channel) lives in ``course.ops.fused``; layer norm
takes its statistics per sample over the trailing ``normalized_shape`` dims, so it needs no
running buffers and behaves the same in training and eval (what transformers use).
"""

from __future__ import annotations

from collections.abc import Sequence

from course.autograd import Function, Tensor
from course.backend import get_array_module


class LayerNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b, mean and (biased) var over the last k dims.

    With xhat the normalised input and g = grad * w, the input gradient is
    (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps), means over the same dims.
    """

    def forward(self, x, *params, k, eps, has_weight, has_bias):
        xp = get_array_module(x)
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        inv_std = (1 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat = (x - mean) * inv_std
        w = params[0] if has_weight else None
        b = params[-1] if has_bias else None
        self.xhat, self.inv_std, self.w, self.axes = xhat, inv_std, w, axes
        out = xhat if w is None else xhat * w
        return out if b is None else out + b

    def backward(self, grad):
        xhat, axes, w = self.xhat, self.axes, self.w
        lead = tuple(range(grad.ndim - len(axes)))  # the dims the affine params broadcast over
        grads = []
        if self.needs_grad[0]:
            g = grad if w is None else grad * w
            gx = g - g.mean(axis=axes, keepdims=True)
            gx -= xhat * (g * xhat).mean(axis=axes, keepdims=True)
            gx *= self.inv_std
            grads.append(gx)
        else:
            grads.append(None)
        if w is not None:
            grads.append((grad * xhat).sum(axis=lead) if self.needs_grad[1] else None)
        if len(self.needs_grad) > len(grads):
            grads.append(grad.sum(axis=lead) if self.needs_grad[-1] else None)
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
