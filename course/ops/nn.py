"""Fused neural-network ops: linear, softmax family, cross-entropy, embedding, dropout, norm.

Each is one `Function` whose forward and backward work on whole arrays, so a layer costs a
few array calls instead of one graph node per primitive. The recurrent layers live in
``course.ops.rnn``, convolution and pooling in ``course.ops.conv``.
"""

from __future__ import annotations

from course import backend
from course.autograd import Function
from course.backend import get_array_module


def weight_grad(g, x2, w):
    """g.T @ x2, the gradient of a linear layer's weight, laid out in w's memory order.

    nn.Linear keeps W in F order, so (x2.T @ g).T; the optimizer then updates two arrays
    laid out alike."""
    if w.flags.f_contiguous and not w.flags.c_contiguous:
        return (x2.T @ g).T
    return g.T @ x2


class Linear(Function):
    """y = x @ W.T + b over the last dim of x; the bias is optional."""

    def forward(self, x, w, b=None):
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        self.x2, self.w, self.x_shape = x2, w, x.shape
        out = x2 @ w.T
        if b is not None:
            out += b
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + (w.shape[0],))

    def backward(self, grad):
        g = grad if grad.ndim == 2 else grad.reshape(-1, grad.shape[-1])
        need = self.needs_grad
        gx = (g @ self.w).reshape(self.x_shape) if need[0] else None
        gw = weight_grad(g, self.x2, self.w) if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (g.sum(axis=0) if need[2] else None)


class LogSoftmax(Function):
    def forward(self, x, dim):
        xp = get_array_module(x)
        out = x - x.max(axis=dim, keepdims=True)  # shift by the max: exp never overflows
        lse = xp.log(xp.exp(out).sum(axis=dim, keepdims=True))
        out -= lse
        self.out, self.dim = out, dim
        return out

    def backward(self, grad):
        xp = get_array_module(grad)
        return grad - xp.exp(self.out) * grad.sum(axis=self.dim, keepdims=True)


class Softmax(Function):
    def forward(self, x, dim):
        xp = get_array_module(x)
        out = x - x.max(axis=dim, keepdims=True)
        xp.exp(out, out=out)
        out /= out.sum(axis=dim, keepdims=True)
        self.out, self.dim = out, dim
        return out

    def backward(self, grad):
        out = self.out
        return out * (grad - (grad * out).sum(axis=self.dim, keepdims=True))


class CrossEntropy(Function):
    """-log softmax(x)[target] per row of x (M, C); the gradient is softmax - onehot.

    Softmax is computed once in forward and saved; the target logits are read, and the
    gradient's target entries written, through flat positions ``row * C + target``: one
    gather and one scatter, and no one-hot matrix. ``n_valid`` (targets that are not
    ``ignore_index``) is known on the host (F.cross_entropy counts it while checking the
    targets), so nothing here waits for a GPU, and the common case, no ignored target,
    skips the masking altogether.
    """

    def forward(self, x, target, reduction, ignore_index, n_valid):
        xp = get_array_module(x)
        m, c = x.shape
        if n_valid == m:
            valid, safe = None, target
        else:
            valid = target != ignore_index
            safe = xp.where(valid, target, 0)
        shifted = x - x.max(axis=1, keepdims=True)
        idx = xp.arange(m) * c + safe  # flat positions of the target logits
        p = xp.exp(shifted)
        total = p.sum(axis=1)
        losses = xp.log(total)
        losses -= xp.take(shifted.reshape(-1), idx)
        if valid is not None:
            losses *= valid
        p /= total[:, None]
        self.p, self.idx, self.valid, self.reduction = p, idx, valid, reduction
        if reduction == "none":
            return losses
        if reduction == "sum":
            return losses.sum()
        # A NumPy scalar of x's dtype keeps float32 float32; all targets ignored gives NaN,
        # as in torch.
        self.inv_count = x.dtype.type(1.0 / n_valid if n_valid else float("nan"))
        return losses.sum() * self.inv_count

    def backward(self, grad):
        p, valid = self.p, self.valid
        scale = grad * self.inv_count if self.reduction == "mean" else grad
        if valid is not None:  # ignored rows get no gradient (not NaN when all are ignored)
            scale = get_array_module(p).where(valid, scale, 0).astype(p.dtype, copy=False)
        gx = p * (scale[:, None] if scale.ndim else scale)
        flat = gx.reshape(-1)
        flat[self.idx] -= scale
        return gx, None


class Embedding(Function):
    def forward(self, weight, index):
        self.index, self.shape = index, weight.shape
        return weight[index]

    def backward(self, grad):
        xp = get_array_module(grad)
        out = xp.zeros(self.shape, dtype=grad.dtype)
        backend.scatter_add(out, self.index.reshape(-1), grad.reshape(-1, self.shape[1]))
        return out, None


class MaskMul(Function):
    """x * mask for a fixed mask (dropout): the gradient is grad * mask."""

    def forward(self, x, mask):
        self.mask = mask
        return x * mask

    def backward(self, grad):
        return grad * self.mask, None


class BatchNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b, statistics over every dim but dim 1.

    In training the batch statistics are used (and the gradient flows through them) and
    the running buffers, when given, are updated in place; otherwise the running ones.
    """

    def forward(self, x, w, b, running_mean, running_var, training, momentum, eps):
        xp = get_array_module(x)
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        self.batch_stats = training or running_mean is None
        if self.batch_stats:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            if training and running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += (momentum * n / max(n - 1, 1)) * var  # unbiased, as PyTorch
        else:
            mean, var = running_mean, running_var
        inv_std = (1 / xp.sqrt(var + eps)).astype(x.dtype)
        xhat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
        self.xhat, self.inv_std, self.w, self.axes, self.shape = xhat, inv_std, w, axes, shape
        return xhat * w.reshape(shape) + b.reshape(shape)

    def backward(self, grad):
        xhat, axes, shape = self.xhat, self.axes, self.shape
        gw = (grad * xhat).sum(axis=axes)
        gb = grad.sum(axis=axes)
        gx = None
        if self.needs_grad[0]:
            scale = (self.w * self.inv_std).reshape(shape)
            if self.batch_stats:
                n = grad.size // grad.shape[1]
                gx = grad - (gb / n).reshape(shape) - xhat * (gw / n).reshape(shape)
                gx *= scale
            else:
                gx = grad * scale
        return gx, gw, gb
