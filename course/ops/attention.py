"""Scaled dot-product attention, softmax(q k^T * scale + mask) v, as one `Function`.

One node instead of five (matmul, scale, mask, softmax, matmul) keeps the attention
probabilities once for backward. Masks follow ``torch.nn.functional``: a bool mask says
which keys a query may attend to (True: allowed); a float mask is added to the scores.
"""

from __future__ import annotations

import math

import numpy as np

from course.autograd import Function, Tensor, constant
from course.backend import Array, get_array_module, to_device
from course.ops.elementwise import sum_to
from course.random import generator


class ScaledDotProductAttention(Function):
    """out = dropout(softmax(q @ k^T * scale + mask)) @ v over the last two dims.

    With p the probabilities, d = p * keep (the dropout mask, already scaled) and out = d v,
    the gradients are: dv = d^T g; dp = (g v^T) * keep; ds = p * (dp - r) with r = sum(dp *
    p) over the keys = sum(g * out) over the features (FlashAttention's trick: a (.., L, Ev)
    product instead of an (.., L, S) one); dq = ds k * scale; dk = ds^T q * scale; a float
    mask gets ds (summed to its shape). The (.., L, S) arrays are updated in place.
    """

    def forward(self, q, k, v, *mask, scale, keep, mask_kind):
        xp = get_array_module(q)
        scale = q.dtype.type(scale)
        # scaling q (.., L, E) costs less than scaling the scores (.., L, S) when E < S
        scores = ((q * scale) @ xp.swapaxes(k, -1, -2)) if q.shape[-1] < k.shape[-2] else None
        if scores is None:
            scores = q @ xp.swapaxes(k, -1, -2)
            scores *= scale
        if mask_kind == "bool":
            if _fits(mask[0].shape, scores.shape):
                xp.copyto(scores, -xp.inf, where=~mask[0])
            else:
                scores = xp.where(mask[0], scores, -xp.inf).astype(q.dtype, copy=False)
        elif mask_kind == "float":
            if _fits(mask[0].shape, scores.shape):
                scores += mask[0]
            else:
                scores = scores + mask[0]
        with np.errstate(invalid="ignore"):  # a row with every key masked gives NaN, as torch
            p = scores
            p -= p.max(axis=-1, keepdims=True)
            xp.exp(p, out=p)
            # row sums as a product with ones: BLAS beats a reduction over short rows
            p /= (p @ xp.ones(p.shape[-1], dtype=p.dtype))[..., None]
        d = p if keep is None else p * keep
        out = d @ v
        self.q, self.k, self.v, self.p, self.d, self.keep = q, k, v, p, d, keep
        self.out, self.scale, self.has_mask = out, scale, bool(mask)
        self.mask_shape = mask[0].shape if mask_kind == "float" else None
        return out

    def backward(self, grad):
        xp = get_array_module(grad)
        q, k, v, p, need = self.q, self.k, self.v, self.p, self.needs_grad
        gv = sum_to(xp.swapaxes(self.d, -1, -2) @ grad, v.shape) if need[2] else None
        ds = grad @ xp.swapaxes(v, -1, -2)  # dp, turned into ds in place
        if self.keep is not None:
            ds *= self.keep
        with np.errstate(invalid="ignore"):  # NaN rows (every key masked) stay NaN, as torch
            out = self.out
            ds -= ((grad * out) @ xp.ones(out.shape[-1], dtype=out.dtype))[..., None]
            ds *= p
        gq = gk = None
        if need[0]:
            gq = ds @ k
            gq *= self.scale
            gq = sum_to(gq, q.shape)
        if need[1]:
            gk = xp.swapaxes(ds, -1, -2) @ q
            gk *= self.scale
            gk = sum_to(gk, k.shape)
        if not self.has_mask:
            return gq, gk, gv
        if self.mask_shape is None or not need[3]:  # a bool mask has no gradient
            return gq, gk, gv, None
        return gq, gk, gv, sum_to(ds, self.mask_shape)


def _fits(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` broadcasts to ``target`` without growing it."""
    return np.broadcast_shapes(shape, target) == tuple(target)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | Array | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value; query (..., L, E), key (..., S, E),
    value (..., S, Ev); scale defaults to 1/sqrt(E); is_causal lets query i see keys <= i."""
    op = "scaled_dot_product_attention"
    q, k, v = query, key, value
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError(f"{op}: query, key and value need at least 2 dims (..., L, E)")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise RuntimeError(
            f"{op}: query {tuple(q.shape)}, key {tuple(k.shape)} and value {tuple(v.shape)} "
            "do not fit: query and key need the same last dim, key and value the same "
            "sequence length (dim -2)"
        )
    if not 0 <= dropout_p <= 1:
        raise ValueError(f"{op}: dropout_p must be in [0, 1], got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{op}: give attn_mask or is_causal=True, not both")
    xp = get_array_module(q.array)
    length, source = q.shape[-2], k.shape[-2]
    masks: list[Tensor] = []
    kind = "none"
    if is_causal:
        masks, kind = [constant(xp.tril(xp.ones((length, source), dtype=bool)))], "bool"
    elif attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else constant(xp.asarray(attn_mask))
        try:
            np.broadcast_shapes(tuple(mask.shape), tuple(q.shape[:-1]) + (source,))
        except ValueError:
            raise RuntimeError(
                f"{op}: attn_mask of shape {tuple(mask.shape)} does not broadcast to the "
                f"scores' shape {tuple(q.shape[:-1]) + (source,)}"
            ) from None
        kind = "bool" if mask.dtype == np.bool_ else "float"
        if kind == "float" and mask.dtype != q.dtype:
            raise TypeError(f"{op}: a float attn_mask must have query's dtype {q.dtype}")
        masks = [mask]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    keep = None
    if dropout_p > 0:
        shape = np.broadcast_shapes(tuple(q.shape[:-1]), tuple(k.shape[:-2]) + (1,))
        drawn = generator().random(shape + (source,), dtype=np.float32) >= dropout_p
        scaled = drawn.astype(q.dtype) * (
            0 if dropout_p == 1 else q.dtype.type(1 / (1 - dropout_p))
        )
        keep = to_device(scaled, q.device)
    return ScaledDotProductAttention.apply(q, k, v, *masks, scale=scale, keep=keep, mask_kind=kind)
