"""Matrix multiplication with NumPy's rules: 1-D, 2-D, batched and broadcast batch dims."""

from __future__ import annotations

from course.autograd import Function, Tensor
from course.backend import get_array_module
from course.ops.elementwise import _pair, sum_to


class MatMul(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        a, b = self.a, self.b
        need_a, need_b = self.needs_grad
        if not grad.flags.c_contiguous:
            # A broadcast gradient (from sum/mean) has zero strides: BLAS cannot take it and
            # NumPy falls back to a loop 20x slower than one copy.
            grad = get_array_module(grad).ascontiguousarray(grad)
        if a.ndim == 2 and b.ndim == 2:  # the common case, no reshaping
            return (grad @ b.T if need_a else None, a.T @ grad if need_b else None)
        if a.ndim == 1 and b.ndim == 1:
            return (grad * b if need_a else None, grad * a if need_b else None)
        xp = get_array_module(grad)
        # Promote 1-D operands to matrices, as forward did, and give grad the same dims.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if a.ndim == 1:
            grad = xp.expand_dims(grad, -2)
        if b.ndim == 1:
            grad = xp.expand_dims(grad, -1)
        ga = gb = None
        if need_a:
            ga = sum_to(grad @ xp.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if need_b:
            if b2.ndim == 2:  # one weight matrix shared by a batch: fold the batch into rows
                k = a2.shape[-1]
                gb = a2.reshape(-1, k).T @ grad.reshape(-1, grad.shape[-1])
            else:
                gb = sum_to(xp.swapaxes(a2, -1, -2) @ grad, b2.shape)
            gb = gb.reshape(b.shape)
        return ga, gb


def matmul(a, b) -> Tensor:
    """a @ b. Batch dims broadcast; a 1-D operand is a row (left) or column (right) vector."""
    a, b = _pair(a, b)
    sa, sb = a.shape, b.shape
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both operands need at least 1 dim, got shapes {sa} and {sb}")
    k_a = sa[-1]
    k_b = sb[0] if b.ndim == 1 else sb[-2]
    if k_a != k_b:
        raise RuntimeError(
            f"matmul: shapes {tuple(sa)} and {tuple(sb)} do not align: {k_a} != {k_b}"
        )
    if a.ndim > 2 and b.ndim > 2:
        batch_a, batch_b = sa[:-2], sb[:-2]
        for x, y in zip(reversed(batch_a), reversed(batch_b)):
            if x != y and x != 1 and y != 1:
                raise RuntimeError(
                    f"matmul: batch dims of shapes {tuple(sa)} and {tuple(sb)} do not broadcast"
                )
    return MatMul.apply(a, b)
