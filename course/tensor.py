"""Creating tensors, and the operator methods of `Tensor` (``+``, ``@``, ``.sum()`` ...)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course import backend, ops
from course.autograd import Tensor

_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``randn``, ``rand``, ``randint`` and parameter init."""
    global _rng
    _rng = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The course's random generator (seeded by ``manual_seed``)."""
    return _rng


def _as_array(data, dtype=None, device: str = "cpu"):
    """An array from Python data; floats default to float32 as in PyTorch."""
    xp = backend.xp_for(device)
    if isinstance(data, Tensor):
        data = data.array
    elif isinstance(data, np.generic):  # a NumPy scalar keeps its dtype, as in torch
        data = np.asarray(data)
    if isinstance(data, backend.ARRAY_TYPES):
        arr = backend.to_device(data, device)
        return arr if dtype is None else arr.astype(dtype, copy=False)
    if dtype is None:
        probe = np.asarray(data)
        if probe.dtype == np.float64:
            dtype = np.float32
        elif probe.dtype.kind == "i":
            dtype = np.int64
        elif probe.dtype == object:
            raise TypeError(f"tensor: cannot build a tensor from {type(data).__name__} data")
    return xp.asarray(data, dtype=dtype)


def tensor(data, dtype=None, device="cpu", requires_grad: bool = False) -> Tensor:
    """A new tensor (a copy) from a list, number or array; Python floats give float32."""
    arr = _as_array(data, dtype, backend.normalize_device(device))
    if isinstance(data, backend.ARRAY_TYPES + (Tensor,)):
        arr = arr.copy()
    return Tensor(arr, requires_grad=requires_grad)


def _factory(fill: str) -> Callable[..., Tensor]:
    def make(*shape, dtype=np.float32, device="cpu", requires_grad: bool = False) -> Tensor:
        xp = backend.xp_for(device)
        shape = ops.movement._shape_arg(shape)
        return Tensor(getattr(xp, fill)(shape, dtype=dtype), requires_grad=requires_grad)

    make.__name__ = fill
    make.__doc__ = f"A tensor of {fill[:-1]} with the given shape (float32 unless dtype says)."
    return make


zeros = _factory("zeros")
ones = _factory("ones")
empty = _factory("empty")


def full(shape, fill_value, dtype=np.float32, device="cpu", requires_grad=False) -> Tensor:
    xp = backend.xp_for(device)
    return Tensor(xp.full(tuple(shape), fill_value, dtype=dtype), requires_grad=requires_grad)


def randn(*shape, dtype=np.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the course generator."""
    shape = ops.movement._shape_arg(shape)
    data = _rng.standard_normal(shape, dtype=np.float32).astype(dtype, copy=False)
    return Tensor(backend.to_device(data, device), requires_grad=requires_grad)


def rand(*shape, dtype=np.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the course generator."""
    shape = ops.movement._shape_arg(shape)
    data = _rng.random(shape, dtype=np.float32).astype(dtype, copy=False)
    return Tensor(backend.to_device(data, device), requires_grad=requires_grad)


def randint(low: int, high: int, size, dtype=np.int64, device="cpu") -> Tensor:
    """Integers in [low, high) from the course generator."""
    data = _rng.integers(low, high, size=tuple(size), dtype=dtype)
    return Tensor(backend.to_device(data, device))


def arange(start, end=None, step=1, dtype=None, device="cpu") -> Tensor:
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if is_int else np.float32
    return Tensor(backend.xp_for(device).arange(start, end, step, dtype=dtype))


def zeros_like(x: Tensor, dtype=None) -> Tensor:
    xp = backend.get_array_module(x.array)
    return Tensor(xp.zeros_like(x.array, dtype=dtype))


def ones_like(x: Tensor, dtype=None) -> Tensor:
    xp = backend.get_array_module(x.array)
    return Tensor(xp.ones_like(x.array, dtype=dtype))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (keeps its dtype)."""
    return Tensor(array)


# -------------------------------------------------------------- operator methods


def _reflected(fn):
    return lambda self, other: fn(other, self)


def _astype(self: Tensor, dtype) -> Tensor:
    return ops.cast(self, dtype)


_methods: dict[str, object] = {
    "__add__": ops.add, "__radd__": _reflected(ops.add),
    "__sub__": ops.sub, "__rsub__": _reflected(ops.sub),
    "__mul__": ops.mul, "__rmul__": _reflected(ops.mul),
    "__truediv__": ops.div, "__rtruediv__": _reflected(ops.div),
    "__pow__": ops.pow, "__rpow__": _reflected(ops.pow),
    "__matmul__": ops.matmul, "__rmatmul__": _reflected(ops.matmul),
    "__neg__": ops.neg, "__abs__": ops.abs, "__getitem__": ops.getitem,
    "__eq__": ops.eq, "__ne__": ops.ne, "__lt__": ops.lt, "__le__": ops.le,
    "__gt__": ops.gt, "__ge__": ops.ge,
    "add": ops.add, "sub": ops.sub, "mul": ops.mul, "div": ops.div, "pow": ops.pow,
    "matmul": ops.matmul, "neg": ops.neg, "exp": ops.exp, "log": ops.log,
    "sqrt": ops.sqrt, "tanh": ops.tanh, "sigmoid": ops.sigmoid, "relu": ops.relu,
    "abs": ops.abs, "clip": ops.clip, "clamp": ops.clip, "maximum": ops.maximum,
    "minimum": ops.minimum, "eq": ops.eq, "ne": ops.ne, "lt": ops.lt, "le": ops.le,
    "gt": ops.gt, "ge": ops.ge,
    "sum": ops.sum, "mean": ops.mean, "max": ops.max, "min": ops.min, "amax": ops.amax,
    "amin": ops.amin, "argmax": ops.argmax, "argmin": ops.argmin,
    "reshape": ops.reshape, "view": ops.reshape, "permute": ops.permute,
    "transpose": ops.transpose, "squeeze": ops.squeeze, "unsqueeze": ops.unsqueeze,
    "flatten": ops.flatten, "broadcast_to": ops.broadcast_to, "expand": ops.expand,
    "astype": _astype, "type": _astype, "clone": ops.clone,
    "T": property(ops.T),
    "float": lambda self: ops.cast(self, np.float32),
    "double": lambda self: ops.cast(self, np.float64),
    "long": lambda self: ops.cast(self, np.int64),
    "int": lambda self: ops.cast(self, np.int32),
    "bool": lambda self: ops.cast(self, np.bool_),
}  # fmt: skip

# Set on the class at import; course/autograd.py declares them for the type checker.
for _name, _fn in _methods.items():
    setattr(Tensor, _name, _fn)
