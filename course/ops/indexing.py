"""Pieces of a tensor along one dim (narrow, split, chunk), roll, and masks (tril, triu,
masked_fill).

The pieces are slices (``getitem``), so their gradient comes from indexing's backward;
roll and the triangles are `Function`s whose backward applies the same move to the gradient.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from course.autograd import Function, Tensor, constant
from course.backend import get_array_module
from course.ops.elementwise import where
from course.ops.movement import getitem, reshape


def _dim(x: Tensor, dim: int, op: str) -> int:
    """``dim`` as a non-negative axis of ``x`` (IndexError naming the op when out of range)."""
    rank = max(x.ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {x.ndim} dims")
    return dim % rank


def _slice(x: Tensor, dim: int, start: int, stop: int) -> Tensor:
    index = (slice(None),) * dim + (slice(start, stop),)
    return getitem(x, index)


def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """x's elements ``start .. start + length - 1`` along ``dim`` (a negative start counts
    from the end), as torch.narrow."""
    if x.ndim == 0:
        raise RuntimeError("narrow: cannot narrow a 0-d tensor")
    d = _dim(x, dim, "narrow")
    size = x.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size}")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(
            f"narrow: start ({start}) + length ({length}) exceeds dimension size ({size}), "
            "or length is negative"
        )
    return _slice(x, d, start, start + length)


def split(x: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple:
    """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the
    listed sizes, which must add up to the dim's size."""
    if x.ndim == 0:
        raise RuntimeError("split: cannot split a 0-d tensor")
    d = _dim(x, dim, "split")
    size = x.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and size):
            raise RuntimeError(f"split: split_size must be positive, got {step}")
        sizes = [min(step, size - s) for s in range(0, size, step)] if size else [0]
    else:
        sizes = [int(n) for n in split_size_or_sections]
        if sum(sizes) != size or any(n < 0 for n in sizes):
            raise RuntimeError(
                f"split: split sizes {sizes} must be non-negative and add up to {size}, the "
                f"size of dim {dim}"
            )
    pieces, start = [], 0
    for n in sizes:
        pieces.append(_slice(x, d, start, start + n))
        start += n
    return tuple(pieces)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple:
    """At most ``chunks`` pieces of equal size along ``dim`` (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk: chunks must be positive, got {chunks}")
    if x.ndim == 0:
        raise RuntimeError("chunk: cannot chunk a 0-d tensor")
    size = x.shape[_dim(x, dim, "chunk")]
    return split(x, max(math.ceil(size / chunks), 1), dim)


class Roll(Function):
    saves_values = False  # backward rolls the gradient back

    def forward(self, x, shifts, dims):
        self.shifts, self.dims = shifts, dims
        return get_array_module(x).roll(x, shifts, axis=dims)

    def backward(self, grad):
        return get_array_module(grad).roll(grad, tuple(-s for s in self.shifts), axis=self.dims)


def roll(x: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Elements shifted along ``dims`` (over the flattened tensor when None), wrapping around."""
    shift_list = [shifts] if isinstance(shifts, int) else list(shifts)
    if dims is None:
        if len(shift_list) != 1:
            raise RuntimeError(f"roll: give dims with several shifts {tuple(shift_list)}")
        flat = reshape(x, (-1,))
        return reshape(Roll.apply(flat, shifts=tuple(shift_list), dims=(0,)), x.shape)
    dim_list = [dims] if isinstance(dims, int) else list(dims)
    if len(shift_list) != len(dim_list):
        raise RuntimeError(
            f"roll: shifts {tuple(shift_list)} and dims {tuple(dim_list)} must have the same length"
        )
    axes = tuple(_dim(x, d, "roll") for d in dim_list)
    return Roll.apply(x, shifts=tuple(shift_list), dims=axes)


class Triangle(Function):
    """tril/triu: the gradient keeps the same triangle."""

    saves_values = False  # backward needs the diagonal only

    def forward(self, x, upper, diagonal):
        self.upper, self.diagonal = upper, diagonal
        xp = get_array_module(x)
        return (xp.triu if upper else xp.tril)(x, diagonal)

    def backward(self, grad):
        xp = get_array_module(grad)
        return (xp.triu if self.upper else xp.tril)(grad, self.diagonal)


def _triangle(x: Tensor, diagonal: int, upper: bool) -> Tensor:
    name = "triu" if upper else "tril"
    if x.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got {x.ndim}")
    return Triangle.apply(x, upper=upper, diagonal=int(diagonal))


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims (on and below ``diagonal``), zeros above."""
    return _triangle(x, diagonal, upper=False)


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims (on and above ``diagonal``), zeros below."""
    return _triangle(x, diagonal, upper=True)


def masked_fill(x: Tensor, mask: object, value: float | Tensor) -> Tensor:
    """``value`` where the bool ``mask`` holds, else ``x`` (broadcasting); keeps x's dtype.
    A 0-d tensor ``value`` gets the gradient of the filled places."""
    if not isinstance(mask, Tensor) or mask.dtype.kind != "b":
        got = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_fill: the mask must be a bool tensor, got {got}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}"
            )
        fill = value if value.dtype == x.dtype else value.astype(x.dtype)
    else:
        fill = constant(get_array_module(x.array).asarray(value, dtype=x.array.dtype))
    return where(mask, fill, x)
