"""Movement ops: reshape, permute, broadcast, indexing, cat and stack.

Most return views of the input array (no copy), as NumPy and PyTorch do; their
backward moves the gradient back into the input's layout.
"""

from __future__ import annotations

import math

from course import backend
from course.autograd import Function, Tensor
from course.backend import get_array_module
from course.ops.elementwise import cast, promote_types, sum_to


def shape_arg(shape) -> tuple[int, ...]:
    """A shape given as ``f(2, 3)`` or ``f((2, 3))``, as a tuple of ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(n) for n in shape)


class Reshape(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, shape):
        self.shape = x.shape
        return x.reshape(shape)

    def backward(self, grad):
        return grad.reshape(self.shape)


def reshape(x: Tensor, *shape) -> Tensor:
    """The same values in a new shape (one entry may be -1)."""
    shape = shape_arg(shape)
    known = math.prod(n for n in shape if n != -1)
    if (
        shape.count(-1) > 1
        or (-1 not in shape and known != x.array.size)
        or (-1 in shape and (known == 0 or x.array.size % known))
    ):
        raise RuntimeError(
            f"reshape: cannot view a tensor of shape {tuple(x.shape)} ({x.array.size} elements) "
            f"as shape {shape}"
        )
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape=shape)


def squeeze(x: Tensor, dim=None) -> Tensor:
    """Drop size-1 dims (only ``dim`` when given; a dim of other size is left as is)."""
    if dim is None:
        shape = tuple(n for n in x.shape if n != 1)
    else:
        dims = {d % max(x.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)}
        shape = tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1))
    return reshape(x, shape)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim``."""
    if not -x.ndim - 1 <= dim <= x.ndim:
        raise IndexError(f"unsqueeze: dim {dim} out of range for {x.ndim} dims")
    dim = dim % (x.ndim + 1)
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    if x.ndim == 0:
        return reshape(x, (1,))
    start, end = start_dim % x.ndim, end_dim % x.ndim
    merged = math.prod(x.shape[start : end + 1])  # not -1: ambiguous when a dim is 0
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1 :])


class Permute(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, dims):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, grad):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return grad.transpose(inverse)


def permute(x: Tensor, *dims) -> Tensor:
    """Reorder dimensions: output dim i is input dim ``dims[i]``."""
    dims = shape_arg(dims)
    if sorted(d % max(x.ndim, 1) for d in dims) != list(range(x.ndim)):
        raise RuntimeError(
            f"permute: {dims} is not a permutation of the {x.ndim} dims of {x.shape}"
        )
    return Permute.apply(x, dims=tuple(d % x.ndim for d in dims))


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    if x.ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return x
    dims = list(range(x.ndim))
    dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
    return Permute.apply(x, dims=tuple(dims))


def T(x: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    """All dimensions reversed (for a matrix: its transpose)."""
    if x.ndim < 2:
        return x
    return Permute.apply(x, dims=tuple(reversed(range(x.ndim))))


def t(x: Tensor) -> Tensor:
    """The transpose of a matrix; a tensor with fewer than 2 dims as it is (torch.t)."""
    if x.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, got {x.ndim} (shape {tuple(x.shape)}): "
            "use transpose(dim0, dim1) or permute"
        )
    return transpose(x, 0, 1) if x.ndim == 2 else x


class BroadcastTo(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, shape):
        self.shape = x.shape
        return get_array_module(x).broadcast_to(x, shape)

    def backward(self, grad):
        return sum_to(grad, self.shape)


def broadcast_to(x: Tensor, *shape) -> Tensor:
    """``x`` repeated (without copying) to ``shape`` by the broadcasting rules."""
    shape = shape_arg(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise RuntimeError(f"broadcast_to: cannot broadcast shape {x.shape} to fewer dims {shape}")
    target = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    for i, n in enumerate(x.shape):
        if n != 1 and n != target[lead + i]:
            raise RuntimeError(
                f"broadcast_to: shape {tuple(x.shape)} cannot broadcast to {target} "
                f"(dim {lead + i}: {n} vs {target[lead + i]})"
            )
    if target == x.shape:
        return x
    return BroadcastTo.apply(x, shape=target)


expand = broadcast_to


def _index_data(index, device: object = "cpu"):
    """Replace tensors inside an index by their arrays on ``device`` (lists and NumPy
    index arrays move to the indexed tensor's device); tell whether it is advanced."""
    items = index if isinstance(index, tuple) else (index,)
    out, advanced = [], False
    for item in items:
        if isinstance(item, Tensor):
            item = item.array
        elif isinstance(item, list):
            item = backend.to_device(item, device)
        if isinstance(item, backend.ARRAY_TYPES):
            advanced = True
            if backend.device_of(item) != device:
                item = backend.to_device(item, device)
        out.append(item)
    return (tuple(out) if isinstance(index, tuple) else out[0]), advanced


class GetItem(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, index, advanced):
        self.shape, self.index, self.advanced = x.shape, index, advanced
        return x[index]

    def backward(self, grad):
        xp = get_array_module(grad)
        out = xp.zeros(self.shape, dtype=grad.dtype)
        if self.advanced:  # repeated indices must add up, so no plain assignment
            backend.scatter_add(out, self.index, grad)
        else:
            out[self.index] = grad
        return out


def getitem(x: Tensor, index) -> Tensor:
    """``x[index]``: slices (any step), ints, None, Ellipsis, integer arrays and bool masks."""
    index, advanced = _index_data(index, x.device)
    return GetItem.apply(x, index=index, advanced=advanced)


class Cat(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, *arrays, dim):
        xp = get_array_module(arrays[0])
        self.dim = dim
        self.sizes = [a.shape[dim] for a in arrays]
        return xp.concatenate(arrays, axis=dim)

    def backward(self, grad):
        out, start = [], 0
        for need, size in zip(self.needs_grad, self.sizes):
            if need:
                index = [slice(None)] * grad.ndim
                index[self.dim] = slice(start, start + size)
                out.append(grad[tuple(index)])
            else:
                out.append(None)
            start += size
        return tuple(out)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dim; all other dims must match."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: needs at least one tensor")
    first = tensors[0]
    d = dim % max(first.ndim, 1)
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or any(
            a != b for j, (a, b) in enumerate(zip(t.shape, first.shape)) if j != d
        ):
            raise RuntimeError(
                f"cat: tensor {i} has shape {tuple(t.shape)}, tensor 0 has shape "
                f"{tuple(first.shape)}: all dims but dim {dim} must match"
            )
    dtype = promote_types(*[t.dtype for t in tensors])
    tensors = [cast(t, dtype) for t in tensors]
    return Cat.apply(*tensors, dim=d)


concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack: tensor {i} has shape {tuple(t.shape)}, tensor 0 has shape "
                f"{tuple(tensors[0].shape)}: all must have the same shape"
            )
    return cat([unsqueeze(t, dim) for t in tensors], dim=dim % (tensors[0].ndim + 1))
