"""Fused neural-network ops: linear, softmax family, cross-entropy, embedding, dropout, norm.

Each is one `Function` whose forward and backward work on whole arrays, so a layer costs a
few array calls instead of one graph node per primitive, followed by its checked lowercase
wrapper (``linear``, ``softmax`` ...) that ``course.functional`` re-exports under
``torch.nn.functional``'s names. The recurrent layers live in ``course.ops.rnn``, convolution
and pooling in ``course.ops.conv``.
"""

from __future__ import annotations

import numpy as np

from course import backend
from course.autograd import Function, Tensor, constant
from course.backend import Array, get_array_module, to_device, to_numpy
from course.ops.reduce import normalize_dims
from course.random import generator


def _dim(dim: int, x: Tensor, op: str) -> int:
    dims = normalize_dims(dim, x.ndim, op)
    return 0 if dims is None else dims[0]  # None: a 0-d tensor, whose dim 0 or -1 is 0


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


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias over the last dim of x; weight is (out_features, in_features)."""
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"linear: input of shape {tuple(x.shape)} does not fit weight of shape "
            f"{tuple(weight.shape)}: the last dim of the input must be in_features="
            f"{weight.shape[1]}"
        )
    if bias is None:
        return Linear.apply(x, weight)
    return Linear.apply(x, weight, bias)


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


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x_i - log sum_j exp(x_j) along ``dim``, stable for any finite logits."""
    return LogSoftmax.apply(x, dim=_dim(dim, x, "log_softmax"))


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


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (shifted by the max: no overflow)."""
    d = _dim(dim, x, "softmax")  # checks dim, for a 0-d tensor too
    if x.ndim == 0:  # NumPy's 0-d arithmetic gives scalars, which Softmax cannot write into
        return Softmax.apply(x.reshape(1), dim=0).reshape(())
    return Softmax.apply(x, dim=d)


class CrossEntropy(Function):
    """-log softmax(x)[target] per row of x (M, C); the gradient is softmax - onehot.

    Softmax is computed once in forward and saved; the target logits are read, and the
    gradient's target entries written, through flat positions ``row * C + target``: one
    gather and one scatter, and no one-hot matrix. ``n_valid`` (targets that are not
    ``ignore_index``) is known on the host (``cross_entropy`` counts it while checking the
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


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _class_rows(op: str, input: Tensor, target: Tensor | Array, ignore_index: int):
    """Check class targets; give input as rows (M, C), target as (M,), the shape of a 'none'
    reduction and the count of targets that are not ``ignore_index``."""
    t = target.array if isinstance(target, Tensor) else target
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold class indices (integers), got {t.dtype}")
    x = input
    if x.ndim == 1:  # one sample without a batch dim
        x, t = x.reshape(1, -1), t.reshape(1)
    expect = (x.shape[0],) + tuple(x.shape[2:])
    if x.ndim < 2 or t.shape != expect:
        raise RuntimeError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape "
            f"{expect}, got {tuple(t.shape)}"
        )
    c = x.shape[1]
    xp = get_array_module(t)
    ignored = t == ignore_index
    bad = ~ignored & ((t < 0) | (t >= c))
    # One transfer answers both questions: on a GPU, one wait for the device instead of two.
    counts = to_numpy(xp.stack([xp.count_nonzero(bad), xp.count_nonzero(ignored)]))
    if counts[0]:
        raise IndexError(
            f"{op}: target holds class {int(t[bad][0])}, outside [0, {c}) for {c} classes"
        )
    if x.ndim > 2:  # classes last, one row per position
        x = x.permute(0, *range(2, x.ndim), 1).reshape(-1, c)
        t = t.reshape(-1)
    return x, t, (expect if input.ndim > 1 else ()), t.size - int(counts[1])


def _class_weight(op: str, weight: Tensor | Array | None, x: Tensor):
    """The per-class weights as an array of x's dtype, checked to hold one per class."""
    if weight is None:
        return None
    w = weight.array if isinstance(weight, Tensor) else get_array_module(x.array).asarray(weight)
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    if w.shape != (c,):
        raise RuntimeError(
            f"{op}: weight must hold one value per class, shape ({c},), got {tuple(w.shape)}"
        )
    return w.astype(x.dtype, copy=False)


def cross_entropy(
    input: Tensor,
    target: Tensor | Array,
    weight: Tensor | Array | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """mean_i -log softmax(input_i)[target_i]; input (N, C) or (N, C, d1, ...).

    ``target`` holds class indices (integers, input's shape without C) or class probabilities
    (floats, input's shape; see `_soft_cross_entropy`). With class ``weight`` it is
    nll_loss(log_softmax(input)), torch's definition (the mean divides by the summed weights
    of the targets); with ``label_smoothing`` see `_smoothed_cross_entropy`."""
    _check_reduction("cross_entropy", reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    t = target.array if isinstance(target, Tensor) else target
    if tuple(t.shape) == tuple(input.shape) and t.dtype.kind == "f":
        if ignore_index >= 0:
            raise RuntimeError(
                "cross_entropy: ignore_index is not supported for floating point target "
                "(class probabilities)"
            )
        return _soft_cross_entropy(input, target, weight, reduction, label_smoothing)
    if label_smoothing:
        return _smoothed_cross_entropy(
            input, target, weight, ignore_index, reduction, label_smoothing
        )
    if weight is not None:
        logp = log_softmax(input, dim=1 if input.ndim > 1 else 0)
        return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    x, t, shape, n_valid = _class_rows("cross_entropy", input, target, ignore_index)
    out = CrossEntropy.apply(
        x, constant(t), reduction=reduction, ignore_index=ignore_index, n_valid=n_valid
    )
    if reduction == "none" and tuple(out.shape) != shape:
        out = out.reshape(shape)
    return out


def _class_axis(input: Tensor, w: Array) -> Array:
    """Class weights ``w`` (C,) shaped to broadcast along input's class dim (dim 1, or 0)."""
    return w.reshape((-1,) + (1,) * (input.ndim - 2)) if input.ndim > 1 else w


def _soft_cross_entropy(input, target, weight, reduction, eps) -> Tensor:
    """Probability targets p (input's shape): -sum_c w_c p_c log softmax(input)_c per sample,
    p first smoothed to (1 - eps) p + eps / C. The mean divides by the number of samples
    (not by the weights), as torch."""
    dim = 1 if input.ndim > 1 else 0
    logp = log_softmax(input, dim=dim)
    p = target if isinstance(target, Tensor) else constant(target)
    if eps:
        p = p * (1 - eps) + eps / input.shape[dim]
    terms = logp * p
    w = _class_weight("cross_entropy", weight, input)
    if w is not None:
        terms = terms * constant(_class_axis(input, w))
    losses = -terms.sum(dim)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def _smoothed_cross_entropy(input, target, weight, ignore_index, reduction, eps) -> Tensor:
    """torch's label smoothing: each target keeps 1 - eps of its probability mass and eps is
    spread evenly over the C classes, so the loss is (1 - eps) * NLL + eps / C * smooth, with
    smooth = -sum_c w_c log p_c per sample. Samples whose target is ``ignore_index`` count for
    nothing; the mean of smooth divides by the count of the others, or by their summed class
    weights when ``weight`` is given (as nll_loss's mean does)."""
    dim = 1 if input.ndim > 1 else 0
    logp = log_softmax(input, dim=dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    xp = get_array_module(input.array)
    t = target.array if isinstance(target, Tensor) else xp.asarray(target)
    kept = xp.asarray(t != ignore_index)  # an array even for one 0-d target
    w = _class_weight("cross_entropy", weight, input)
    terms = logp if w is None else logp * constant(_class_axis(input, w))
    smooth = (-terms.sum(dim)).masked_fill(constant(xp.asarray(~kept)), 0.0)
    if reduction == "mean":
        counted = xp.count_nonzero(kept) if w is None else w[t[kept]].sum()
        with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: NaN, as torch
            smooth = smooth.sum() / constant(xp.asarray(counted, dtype=input.array.dtype))
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - eps) + smooth * (eps / input.shape[dim])


class NLLLoss(Function):
    """-weight[t] * x[row, t] per row of log-probabilities x (M, C), t the row's target.

    The gradient is -weight[t] at each row's target entry and 0 elsewhere: one scatter
    through the flat positions ``row * C + t``, as in `CrossEntropy`. Ignored rows weigh 0.
    """

    def forward(self, x, target, weight, reduction, ignore_index, n_valid):
        xp = get_array_module(x)
        m, c = x.shape
        valid = None if n_valid == m else target != ignore_index
        safe = target if valid is None else xp.where(valid, target, 0)
        self.idx = xp.arange(m) * c + safe
        w = None if weight is None else weight[safe]  # each row's class weight; None: all 1
        losses = -xp.take(x.reshape(-1), self.idx)
        if w is not None:
            losses *= w
        if valid is not None:  # where, not * valid: ignored rows give 0, not -0 or NaN
            losses = xp.where(valid, losses, 0).astype(x.dtype, copy=False)
        self.shape, self.w, self.valid, self.reduction = x.shape, w, valid, reduction
        if reduction == "none":
            return losses
        if reduction == "sum":
            return losses.sum()
        # The mean divides by the total weight of the counted targets (their number when
        # unweighted); 0 of them gives NaN, as in torch.
        if w is None:
            self.denom = x.dtype.type(n_valid)
        else:
            self.denom = (w if valid is None else xp.where(valid, w, 0)).sum(dtype=x.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            return losses.sum() / self.denom

    def backward(self, grad):
        xp = get_array_module(grad)
        if self.reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                grad = grad / self.denom
        with np.errstate(invalid="ignore"):
            g = -grad if self.w is None else -grad * self.w
        if self.valid is not None:  # ignored rows get no gradient (not NaN when all are ignored)
            g = xp.where(self.valid, g, 0).astype(grad.dtype, copy=False)
        gx = xp.zeros(self.shape, dtype=grad.dtype)
        gx.reshape(-1)[self.idx] = g
        return gx


def nll_loss(
    input: Tensor,
    target: Tensor | Array,
    weight: Tensor | Array | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """sum_i -w[t_i] * input_i[t_i] / sum_i w[t_i] (w = 1 unless ``weight``); input holds
    log-probabilities, (N, C) or (N, C, d1, ...), target the class indices (N,) or (N, d1, ...).
    """
    _check_reduction("nll_loss", reduction)
    w = _class_weight("nll_loss", weight, input)
    x, t, shape, n_valid = _class_rows("nll_loss", input, target, ignore_index)
    out = NLLLoss.apply(
        x, target=t, weight=w, reduction=reduction, ignore_index=ignore_index, n_valid=n_valid
    )
    if reduction == "none" and tuple(out.shape) != shape:
        out = out.reshape(shape)
    return out


# A composite, not a Function: its gradient comes from the elementwise ops and the mean.
def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """mean((input - target) ** 2)."""
    _check_reduction("mse_loss", reduction)
    if tuple(input.shape) != tuple(target.shape):
        raise RuntimeError(
            f"mse_loss: input shape {tuple(input.shape)} and target shape "
            f"{tuple(target.shape)} differ"
        )
    sq = (input - target) ** 2
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()


class Embedding(Function):
    def forward(self, weight, index, padding_idx=None):
        self.index, self.shape, self.padding_idx = index, weight.shape, padding_idx
        return weight[index]

    def backward(self, grad):
        xp = get_array_module(grad)
        out = xp.zeros(self.shape, dtype=grad.dtype)
        backend.scatter_add(out, self.index.reshape(-1), grad.reshape(-1, self.shape[1]))
        if self.padding_idx is not None:  # the padding row is not trained, as in torch
            out[self.padding_idx] = 0
        return out, None


def embedding(input: Tensor | Array, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by the integer indices in ``input``; row ``padding_idx``
    gets no gradient."""
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} is outside [-{n}, {n})")
        padding_idx %= n
    idx = (
        input.array if isinstance(input, Tensor) else get_array_module(weight.array).asarray(input)
    )
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError(
            f"embedding: index {int(idx.max() if idx.max() >= weight.shape[0] else idx.min())} "
            f"out of range for {weight.shape[0]} embeddings"
        )
    return Embedding.apply(weight, constant(idx), padding_idx=padding_idx)


class MaskMul(Function):
    """x * mask for a fixed mask (dropout): the gradient is grad * mask."""

    def forward(self, x, mask):
        self.mask = mask
        return x * mask

    def backward(self, grad):
        return grad * self.mask, None


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (training only)."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = generator().random(x.shape, dtype=np.float32) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1 / (1 - p))
    return MaskMul.apply(x, constant(to_device(mask, x.device)))


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


def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1)."""
    c = x.shape[1]
    xp = get_array_module(x.array)
    if weight is None:
        weight = constant(xp.ones(c, dtype=x.dtype))
    if bias is None:
        bias = constant(xp.zeros(c, dtype=x.dtype))
    if weight.shape != (c,):
        raise RuntimeError(
            f"batch_norm: input of shape {tuple(x.shape)} has {c} channels but weight has "
            f"shape {tuple(weight.shape)}"
        )
    rm = None if running_mean is None else running_mean.array
    rv = None if running_var is None else running_var.array
    return BatchNorm.apply(
        x, weight, bias, running_mean=rm, running_var=rv, training=training,
        momentum=momentum, eps=eps,
    )  # fmt: skip
