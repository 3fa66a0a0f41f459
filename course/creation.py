"""Creating tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``randn`` ...

Names, arguments and default dtypes follow PyTorch: Python floats give float32 and
Python ints int64; random tensors come from the course generator (``course.random``).
"""

from __future__ import annotations

import numpy as np

from course import backend, dtypes
from course.autograd import Tensor
from course.ops.movement import shape_arg
from course.random import generator


def tensor(data, dtype=None, device="cpu", requires_grad: bool = False) -> Tensor:
    """A new tensor (a copy) from a list, number or array; Python floats give float32."""
    if isinstance(data, Tensor):
        data = data.array
    arr = backend.as_array(data, dtype, backend.normalize_device(device))
    if isinstance(data, backend.ARRAY_TYPES):
        arr = arr.copy()
    return Tensor(arr, requires_grad=requires_grad)


def zeros(*size, dtype=dtypes.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given size (float32 unless dtype says)."""
    xp = backend.xp_for(device)
    return Tensor(xp.zeros(shape_arg(size), dtype=np.dtype(dtype)), requires_grad=requires_grad)


def ones(*size, dtype=dtypes.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given size (float32 unless dtype says)."""
    xp = backend.xp_for(device)
    return Tensor(xp.ones(shape_arg(size), dtype=np.dtype(dtype)), requires_grad=requires_grad)


def empty(*size, dtype=dtypes.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """A tensor of the given size whose values are whatever the memory held."""
    xp = backend.xp_for(device)
    return Tensor(xp.empty(shape_arg(size), dtype=np.dtype(dtype)), requires_grad=requires_grad)


def full(size, fill_value, dtype=dtypes.float32, device="cpu", requires_grad=False) -> Tensor:
    """A tensor of the given size filled with ``fill_value``."""
    xp = backend.xp_for(device)
    return Tensor(
        xp.full(shape_arg(size), fill_value, dtype=np.dtype(dtype)), requires_grad=requires_grad
    )


def zeros_like(x: Tensor, dtype=None) -> Tensor:
    """Zeros with the shape, device and (unless dtype says) dtype of ``x``."""
    xp = backend.get_array_module(x.array)
    return Tensor(xp.zeros_like(x.array, dtype=dtypes.to_numpy(dtype)))


def ones_like(x: Tensor, dtype=None) -> Tensor:
    """Ones with the shape, device and (unless dtype says) dtype of ``x``."""
    xp = backend.get_array_module(x.array)
    return Tensor(xp.ones_like(x.array, dtype=dtypes.to_numpy(dtype)))


def arange(start, end=None, step=1, dtype=None, device="cpu") -> Tensor:
    """Values from ``start`` up to (not including) ``end``; int64 for ints, else float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if is_int else np.float32
    return Tensor(backend.xp_for(device).arange(start, end, step, dtype=np.dtype(dtype)))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (keeps its dtype)."""
    return Tensor(array)


def randn(*size, dtype=dtypes.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the course generator."""
    data = generator().standard_normal(shape_arg(size), dtype=np.float32)
    data = backend.to_device(data.astype(np.dtype(dtype), copy=False), device)
    return Tensor(data, requires_grad=requires_grad)


def rand(*size, dtype=dtypes.float32, device="cpu", requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the course generator."""
    data = generator().random(shape_arg(size), dtype=np.float32)
    data = backend.to_device(data.astype(np.dtype(dtype), copy=False), device)
    return Tensor(data, requires_grad=requires_grad)


def randint(low: int, high: int, size, dtype=dtypes.int64, device="cpu") -> Tensor:
    """Integers in [low, high) from the course generator."""
    data = generator().integers(low, high, size=tuple(size), dtype=np.dtype(dtype))
    return Tensor(backend.to_device(data, device))


def _grid(op: str, start, end, steps) -> np.ndarray:
    """``steps`` evenly spaced float64 values from start to end (rounded once, to the dtype)."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"{op}: steps must be a non-negative int, got {steps!r}")
    start, end = (float(v.item()) if isinstance(v, Tensor) else float(v) for v in (start, end))
    return np.linspace(start, end, int(steps), dtype=np.float64)


def linspace(
    start: float, end: float, steps: int, dtype=None, device="cpu", requires_grad: bool = False
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included (float32 unless
    dtype says; integer dtypes truncate toward zero, as torch)."""
    values = _grid("linspace", start, end, steps).astype(
        np.dtype(np.float32 if dtype is None else dtype)
    )
    return Tensor(backend.to_device(values, device), requires_grad=requires_grad)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    dtype=None,
    device="cpu",
    requires_grad: bool = False,
) -> Tensor:
    """base ** linspace(start, end, steps): values evenly spaced on a log scale."""
    values = float(base) ** _grid("logspace", start, end, steps)
    values = values.astype(np.dtype(np.float32 if dtype is None else dtype))
    return Tensor(backend.to_device(values, device), requires_grad=requires_grad)
