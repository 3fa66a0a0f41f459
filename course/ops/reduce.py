"""Reductions: sum, mean, var/std, max/min (amax/amin), argmax/argmin, topk.

``dim`` is an int, a tuple of ints or None (all dimensions), as in PyTorch; torch's NumPy
spellings ``axis=`` and ``keepdims=`` are accepted too.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from course.autograd import Function, Tensor, constant
from course.backend import get_array_module
from course.ops.elementwise import masked, maximum, minimum
from course.ops.pointwise import sqrt


class MaxMin(NamedTuple):
    """What ``max(dim)`` and ``min(dim)`` return, as torch's ``(values, indices)``."""

    values: Tensor
    indices: Tensor


def normalize_dims(dim: int | Iterable[int] | None, ndim: int, op: str) -> tuple[int, ...] | None:
    """``dim`` as a tuple of non-negative axes (None: all), checked against ``ndim``."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    rank = builtins.max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, as in PyTorch
    out = []
    for d in dims:
        if not -rank <= d < rank:
            raise IndexError(f"{op}: dim {d} is out of range for a tensor with {ndim} dims")
        out.append(d % rank)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: dim {dim} names a dimension twice")
    return tuple(out) if ndim else None


def numpy_names(op: str, dim, keepdim: bool, aliases: dict[str, Any]) -> tuple[Any, bool]:
    """``dim`` and ``keepdim`` also given as ``axis=`` and ``keepdims=``, as torch accepts."""
    unknown = sorted(set(aliases) - {"axis", "keepdims"})
    if unknown:
        raise TypeError(f"{op}() got an unexpected keyword argument {unknown[0]!r}")
    if "axis" in aliases:
        if dim is not None:
            raise TypeError(f"{op}(): give dim or axis, not both")
        dim = aliases["axis"]
    return dim, bool(aliases.get("keepdims", keepdim))


def _expand_grad(grad, shape, dims, keepdim):
    """Reshape a reduced gradient so it broadcasts against the input of ``shape``."""
    if dims is None:
        return grad.reshape((1,) * len(shape))
    if not keepdim:
        grad = grad.reshape([1 if i in dims else n for i, n in enumerate(shape)])
    return grad


def _reduced_shape(shape, dims):
    if dims is None:
        return ()
    return tuple(n for i, n in enumerate(shape) if i not in dims)


class Sum(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, dims, keepdim):
        self.shape, self.dims, self.keepdim = x.shape, dims, keepdim
        return x.sum(axis=dims, keepdims=keepdim)

    def backward(self, grad):
        xp = get_array_module(grad)
        return xp.broadcast_to(_expand_grad(grad, self.shape, self.dims, self.keepdim), self.shape)


def sum(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (all dims when None)."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("sum", dim, keepdim, aliases)
    return Sum.apply(x, dims=normalize_dims(dim, x.ndim, "sum"), keepdim=keepdim)


class Mean(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, dims, keepdim):
        self.shape, self.dims, self.keepdim = x.shape, dims, keepdim
        return x.mean(axis=dims, keepdims=keepdim)

    def backward(self, grad):
        xp = get_array_module(grad)
        size = 1
        for i, n in enumerate(self.shape):
            if self.dims is None or i in self.dims:
                size *= n
        g = _expand_grad(grad, self.shape, self.dims, self.keepdim) / builtins.max(size, 1)
        return xp.broadcast_to(g.astype(grad.dtype, copy=False), self.shape)


def mean(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor:
    """Mean over ``dim`` (all dims when None); integer tensors are refused, as in PyTorch."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("mean", dim, keepdim, aliases)
    if x.dtype.kind not in "fc":
        raise TypeError(f"mean: needs a floating-point tensor, got dtype {x.dtype}")
    return Mean.apply(x, dims=normalize_dims(dim, x.ndim, "mean"), keepdim=keepdim)


class Extreme(Function):
    """amax/amin: the gradient is shared evenly between tied extremes (as PyTorch).

    ``whole`` (max() and min() of a whole tensor) follows torch's CPU rule for those: when the
    result is NaN its NaNs share the gradient, and the other elements get exactly 0, even from
    an inf or NaN gradient. amax/amin multiply by the mask, as torch's amax, so there they get
    NaN.
    """

    def forward(self, x, dims, keepdim, largest, whole=False):
        if x.size == 0:
            raise RuntimeError(f"{'amax' if largest else 'amin'}: the tensor is empty")
        self.x, self.dims, self.keepdim, self.whole = x, dims, keepdim, whole
        out = x.max(axis=dims, keepdims=True) if largest else x.min(axis=dims, keepdims=True)
        self.out = out
        return out if keepdim else out.reshape(_reduced_shape(x.shape, dims))

    def backward(self, grad):
        xp = get_array_module(grad)
        mask = self.x == self.out
        if self.whole:  # a NaN result: its NaNs (no `if`: on a GPU that would be a host sync)
            mask = xp.where(xp.isnan(self.out), xp.isnan(self.x), mask)
        count = mask.sum(axis=self.dims, keepdims=True)
        g = _expand_grad(grad, self.x.shape, self.dims, self.keepdim)
        if self.whole:
            return masked((g / count).astype(grad.dtype, copy=False), mask)
        return (mask * (g / count)).astype(grad.dtype, copy=False)


def amax(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor:
    """Largest values over ``dim``; tied maxima share the gradient."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("amax", dim, keepdim, aliases)
    return Extreme.apply(x, dims=normalize_dims(dim, x.ndim, "amax"), keepdim=keepdim, largest=True)


def amin(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor:
    """Smallest values over ``dim``; tied minima share the gradient."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("amin", dim, keepdim, aliases)
    return Extreme.apply(
        x, dims=normalize_dims(dim, x.ndim, "amin"), keepdim=keepdim, largest=False
    )


class TakeAlong(Function):
    """Values at ``index`` along ``dim`` (the gradient goes back to those positions)."""

    def forward(self, x, index, dim, keepdim):
        xp = get_array_module(x)
        self.shape, self.index, self.dim, self.keepdim = x.shape, index, dim, keepdim
        out = xp.take_along_axis(x, index, axis=dim)
        return out if keepdim else out.squeeze(dim)

    def backward(self, grad):
        xp = get_array_module(grad)
        if not self.keepdim:
            grad = xp.expand_dims(grad, self.dim)
        out = xp.zeros(self.shape, dtype=grad.dtype)
        xp.put_along_axis(out, self.index, grad, axis=self.dim)
        return out


def _extreme_along(x: Tensor, dim: int, keepdim: bool, largest: bool) -> MaxMin:
    name = "max" if largest else "min"
    if not isinstance(dim, int):
        raise TypeError(f"{name}(dim): dim must be one int; use amax/amin for several dims")
    (d,) = normalize_dims(dim, x.ndim, name) or (0,)
    data = x.array if x.ndim else x.array.reshape(1)
    if data.shape[d] == 0:
        raise IndexError(f"{name}(dim={dim}): dimension {dim} of shape {x.shape} is empty")
    xp = get_array_module(data)
    index = (xp.argmax if largest else xp.argmin)(data, axis=d, keepdims=True)
    src = x if x.ndim else x.reshape(1)
    values = TakeAlong.apply(src, index=index, dim=d, keepdim=keepdim or x.ndim == 0)
    if x.ndim == 0:
        values = values.reshape(())
    idx = index if keepdim else index.squeeze(d)
    return MaxMin(values, constant(idx.reshape(values.shape)))


def max(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor | MaxMin:  # noqa: A001
    """max() -> the largest value; max(dim) -> (values, indices); max(other) -> the
    elementwise maximum with tensor ``other``, as in PyTorch."""
    if isinstance(dim, Tensor):
        return maximum(x, dim)
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("max", dim, keepdim, aliases)
    if dim is None:
        return Extreme.apply(x, dims=None, keepdim=False, largest=True, whole=True)
    return _extreme_along(x, dim, keepdim, largest=True)


def min(x: Tensor, dim=None, keepdim: bool = False, **aliases) -> Tensor | MaxMin:  # noqa: A001
    """min() -> the smallest value; min(dim) -> (values, indices); min(other) -> the
    elementwise minimum with tensor ``other``, as in PyTorch."""
    if isinstance(dim, Tensor):
        return minimum(x, dim)
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("min", dim, keepdim, aliases)
    if dim is None:
        return Extreme.apply(x, dims=None, keepdim=False, largest=False, whole=True)
    return _extreme_along(x, dim, keepdim, largest=False)


def _arg_extreme(x: Tensor, dim: int | None, keepdim: bool, name: str) -> Tensor:
    xp = get_array_module(x.array)
    find = getattr(xp, name)
    dims = None if dim is None else normalize_dims(dim, x.ndim, name)
    if dims is None:  # all dims, or a 0-d tensor (whose dim 0 or -1 PyTorch accepts)
        return constant(xp.asarray(find(x.array)))
    (d,) = dims
    return constant(find(x.array, axis=d, keepdims=keepdim))


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False, **aliases) -> Tensor:
    """Index of the largest value (over the flattened tensor when ``dim`` is None)."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("argmax", dim, keepdim, aliases)
    return _arg_extreme(x, dim, keepdim, "argmax")


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False, **aliases) -> Tensor:
    """Index of the smallest value (over the flattened tensor when ``dim`` is None)."""
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("argmin", dim, keepdim, aliases)
    return _arg_extreme(x, dim, keepdim, "argmin")


class TopK(NamedTuple):
    """What ``topk`` returns, as torch's ``(values, indices)``."""

    values: Tensor
    indices: Tensor


def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopK:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first
    (smallest first for largest=False); the gradient goes back to the chosen places."""
    (d,) = normalize_dims(dim, x.ndim, "topk") or (0,)
    data = x.array if x.ndim else x.array.reshape(1)
    if not 0 <= k <= data.shape[d]:
        raise RuntimeError(
            f"topk: k ({k}) is out of range for dim {dim} of size {data.shape[d]} (shape "
            f"{tuple(x.shape)})"
        )
    xp = get_array_module(data)
    order = xp.argsort(data, axis=d, kind="stable")  # NaN sorts last: the largest, as torch
    if largest:
        order = xp.flip(order, axis=d)
    index = order[(slice(None),) * d + (slice(0, k),)]
    src = x if x.ndim else x.reshape(1)
    values = TakeAlong.apply(src, index=index, dim=d, keepdim=True)
    if x.ndim == 0:
        return TopK(values.reshape(()), constant(index.reshape(())))
    return TopK(values, constant(index))


def var(
    x: Tensor,
    dim=None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    **aliases,
) -> Tensor:
    """sum((x - mean) ** 2) / (N - correction) over ``dim``; correction is 1 (Bessel's)
    unless ``unbiased=False`` or ``correction`` says. ``var(False)`` reads as unbiased=False."""
    if isinstance(dim, bool):  # torch's old var(unbiased) form
        dim, unbiased = None, dim
    if aliases:  # axis=, keepdims= (looked at only when given: reductions are on hot paths)
        dim, keepdim = numpy_names("var", dim, keepdim, aliases)
    if unbiased is not None and correction is not None:
        raise TypeError("var: give unbiased or correction, not both")
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"var/std: needs a floating-point tensor, got dtype {x.dtype}")
    dims = normalize_dims(dim, x.ndim, "var")
    if correction is None:
        correction = 0 if unbiased is False else 1
    count = 1
    for i, n in enumerate(x.shape):
        if dims is None or i in dims:
            count *= n
    centered = x - mean(x, dims, keepdim=True)
    total = sum(centered * centered, dims, keepdim)
    dof = builtins.max(count - correction, 0)
    if dof == 0:  # torch gives inf, or NaN where the sum is 0 too (0 / 0)
        xp = get_array_module(total.array)
        with np.errstate(divide="ignore", invalid="ignore"):
            return total / xp.zeros((), dtype=total.array.dtype)
    return total / dof


def std(
    x: Tensor,
    dim=None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    **aliases,
) -> Tensor:
    """sqrt(var(x, ...)): the standard deviation over ``dim`` (see `var`)."""
    return sqrt(var(x, dim, unbiased, keepdim, correction=correction, **aliases))
