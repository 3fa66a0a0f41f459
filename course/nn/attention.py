"""`MultiheadAttention` with PyTorch's parameters (``in_proj_weight``, ``out_proj``) and masks."""

from __future__ import annotations

import math

import numpy as np

from course import functional as F  # noqa: N812 - PyTorch's convention
from course.autograd import Tensor, constant
from course.backend import Array, get_array_module
from course.nn import init
from course.nn.layers import Linear
from course.nn.module import Module, Parameter


def _additive(mask: Tensor | Array | None, name: str, dtype) -> Tensor | None:
    """A mask as scores to add: a bool one (True: do not attend) becomes 0 / -inf."""
    if mask is None:
        return None
    array = mask.array if isinstance(mask, Tensor) else mask
    xp = get_array_module(array)
    if array.dtype == np.bool_:
        return constant(xp.where(array, -xp.inf, 0).astype(dtype))
    if array.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: {name} must be bool or float, got {array.dtype}")
    return constant(array.astype(dtype, copy=False))


class MultiheadAttention(Module):
    """softmax(Q K^T / sqrt(d)) V in ``num_heads`` heads of size d = embed_dim / num_heads,
    Q, K, V projected by one (3 * embed_dim, embed_dim) weight, heads merged by ``out_proj``.

    ``forward`` returns (output, attention weights averaged over heads, or None when
    ``need_weights=False``). Bool masks are True where attention is *not* allowed, as torch.
    """

    in_proj_bias: Parameter | None

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim {embed_dim} must be divisible by num_heads "
                f"{num_heads}"
            )
        if (
            add_bias_kv
            or add_zero_attn
            or kdim not in (None, embed_dim)
            or vdim
            not in (
                None,
                embed_dim,
            )
        ):
            raise NotImplementedError(
                "MultiheadAttention: add_bias_kv, add_zero_attn and kdim/vdim other than "
                "embed_dim are not implemented"
            )
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), np.float32))
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, np.float32)) if bias else None
        self.register_parameter("in_proj_bias", self.in_proj_bias)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        init.xavier_uniform_(self.in_proj_weight)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        e, h, d = self.embed_dim, self.num_heads, self.head_dim
        if query.ndim not in (2, 3) or query.shape[-1] != e:
            raise RuntimeError(
                f"MultiheadAttention: query of shape {tuple(query.shape)} must be (L, N, "
                f"{e}), (N, L, {e}) with batch_first, or unbatched (L, {e})"
            )
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: is_causal is a hint; give attn_mask too")
        batched = query.ndim == 3
        if not batched:
            query, key, value = (t.unsqueeze(0) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.reshape(1, -1)
        elif not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n, length, source = query.shape[0], query.shape[1], key.shape[1]
        w, b = self.in_proj_weight, self.in_proj_bias
        q, k, v = (
            F.linear(x, w[i * e : (i + 1) * e], None if b is None else b[i * e : (i + 1) * e])
            .reshape(n, -1, h, d)
            .permute(0, 2, 1, 3)
            for i, x in enumerate((query, key, value))
        )
        mask = self._mask(attn_mask, key_padding_mask, n, length, source, query.dtype)
        p_drop = self.dropout if self.training else 0.0
        if need_weights:
            scores = (q @ k.transpose(-2, -1)) * (1 / math.sqrt(d))
            weights = F.dropout(F.softmax(scores if mask is None else scores + mask, -1), p_drop)
            out = weights @ v
        else:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p_drop)
        out = self.out_proj(out.permute(0, 2, 1, 3).reshape(n, length, e))
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, (weights if batched else weights.squeeze(0))

    def _mask(self, attn_mask, key_padding_mask, n, length, source, dtype) -> Tensor | None:
        """attn_mask (L, S) or (N * H, L, S) and key_padding_mask (N, S) as one float mask
        broadcasting to the scores (N, H, L, S)."""
        mask = _additive(attn_mask, "attn_mask", dtype)
        if mask is not None:
            if tuple(mask.shape) == (n * self.num_heads, length, source):
                mask = mask.reshape(n, self.num_heads, length, source)
            elif tuple(mask.shape) != (length, source):
                raise RuntimeError(
                    f"MultiheadAttention: attn_mask of shape {tuple(mask.shape)} must be "
                    f"({length}, {source}) or ({n * self.num_heads}, {length}, {source})"
                )
        pad = _additive(key_padding_mask, "key_padding_mask", dtype)
        if pad is not None:
            if tuple(pad.shape) != (n, source):
                raise RuntimeError(
                    f"MultiheadAttention: key_padding_mask of shape {tuple(pad.shape)} must "
                    f"be (N, S) = ({n}, {source})"
                )
            pad = pad.reshape(n, 1, 1, source)
            mask = pad if mask is None else mask + pad
        return mask

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
