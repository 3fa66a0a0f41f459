"""Creating tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``randn`` ...

Names, arguments and default dtypes follow PyTorch: Python floats give float32 and
Python ints int64; the size is given as ``zeros(2, 3)``, ``zeros((2, 3))`` or
``zeros(size=(2, 3))``. Random tensors come from the course generator (``course.random``),
or from the ``generator=`` passed in (a `course.Generator`, or a NumPy Generator).
"""

from __future__ import annotations

import operator

import numpy as np

from course import backend, dtypes
from course.autograd import Tensor
from course.ops.movement import shape_arg
from course.random import numpy_generator


def tensor(data, dtype=None, device="cpu", requires_grad: bool = False) -> Tensor:
    """A new tensor (a copy) from a list, number or array; Python floats give float32."""
    if isinstance(data, Tensor):
        data = data.array
    arr = backend.as_array(data, dtype, backend.normalize_device(device))
    if isinstance(data, backend.ARRAY_TYPES):
        arr = arr.copy()
    return Tensor(arr, requires_grad=requires_grad)


def _size(op: str, args: tuple, size) -> tuple[int, ...]:
    """The size given as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``, as a tuple."""
    if size is not None:
        if args:
            raise TypeError(f"{op}: give the size as arguments or as size=, not both")
        args = (size,)
    try:
        return shape_arg(args)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: the size must be ints, got {args!r}") from None


_rng = numpy_generator


def zeros(
    *args, size=None, dtype=dtypes.float32, device="cpu", requires_grad: bool = False
) -> Tensor:
    """A tensor of zeros of the given size (float32 unless dtype says)."""
    xp = backend.xp_for(device)
    shape = _size("zeros", args, size)
    return Tensor(xp.zeros(shape, dtype=np.dtype(dtype)), requires_grad=requires_grad)


def ones(
    *args, size=None, dtype=dtypes.float32, device="cpu", requires_grad: bool = False
) -> Tensor:
    """A tensor of ones of the given size (float32 unless dtype says)."""
    xp = backend.xp_for(device)
    shape = _size("ones", args, size)
    return Tensor(xp.ones(shape, dtype=np.dtype(dtype)), requires_grad=requires_grad)


def empty(
    *args, size=None, dtype=dtypes.float32, device="cpu", requires_grad: bool = False
) -> Tensor:
    """A tensor of the given size whose values are whatever the memory held."""
    xp = backend.xp_for(device)
    shape = _size("empty", args, size)
    return Tensor(xp.empty(shape, dtype=np.dtype(dtype)), requires_grad=requires_grad)


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


def full_like(x: Tensor, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``fill_value`` everywhere, with the shape, device and (unless said) dtype of ``x``."""
    return full(
        x.shape,
        fill_value,
        dtype=x.dtype if dtype is None else dtype,
        device=x.device if device is None else device,
        requires_grad=requires_grad,
    )


def empty_like(x: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uninitialized values with the shape, device and (unless said) dtype of ``x``."""
    return empty(
        x.shape,
        dtype=x.dtype if dtype is None else dtype,
        device=x.device if device is None else device,
        requires_grad=requires_grad,
    )


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


def randn(
    *args,
    size=None,
    generator=None,
    dtype=dtypes.float32,
    device="cpu",
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples from the course generator."""
    data = _rng(generator).standard_normal(_size("randn", args, size), dtype=np.float32)
    data = backend.to_device(data.astype(np.dtype(dtype), copy=False), device)
    return Tensor(data, requires_grad=requires_grad)


def rand(
    *args,
    size=None,
    generator=None,
    dtype=dtypes.float32,
    device="cpu",
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1) from the course generator."""
    data = _rng(generator).random(_size("rand", args, size), dtype=np.float32)
    data = backend.to_device(data.astype(np.dtype(dtype), copy=False), device)
    return Tensor(data, requires_grad=requires_grad)


def randint(
    low: int, high=None, size=None, *, generator=None, dtype=dtypes.int64, device="cpu"
) -> Tensor:
    """Integers in [low, high) from the course generator; ``randint(high, size)`` starts at 0."""
    if size is None and isinstance(high, (tuple, list)):  # torch's randint(high, size)
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: give a size, e.g. randint(0, 10, (3,)) or size=(3,)")
    if high <= low:
        raise RuntimeError(f"randint: low ({low}) must be less than high ({high})")
    shape = shape_arg((size,))
    data = _rng(generator).integers(low, high, size=shape, dtype=np.dtype(dtype))
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


# ------------------------------------------------------------------- more sampling


def randn_like(x: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples with the shape, device and (unless said) dtype of ``x``."""
    dtype, device = x.dtype if dtype is None else dtype, x.device if device is None else device
    return randn(x.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def rand_like(x: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) with the shape, device and (unless said) dtype of ``x``."""
    dtype, device = x.dtype if dtype is None else dtype, x.device if device is None else device
    return rand(x.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(x: Tensor, low: int, high: int | None = None, dtype=None, device=None) -> Tensor:
    """Integers in [low, high) (``randint_like(x, high)``: from 0) shaped like ``x``, in its
    dtype unless said."""
    if high is None:
        low, high = 0, low
    dtype, device = x.dtype if dtype is None else dtype, x.device if device is None else device
    data = randint(low, high, x.shape, device=device).array
    return Tensor(data.astype(np.dtype(dtype), copy=False))


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None) -> Tensor:
    """Samples of N(mean, std ** 2); ``mean`` and ``std`` are numbers (then give ``size``) or
    tensors, broadcast together. Not differentiable in mean and std."""
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors and size is None:
        raise TypeError("normal: with a number mean and std, give size, e.g. normal(0, 1, (3,))")
    if dtype is None:
        dtype = tensors[0].dtype if tensors else dtypes.float32
    if device is None:
        device = tensors[0].device if tensors else "cpu"
    m, s = (
        backend.to_numpy(v.array) if isinstance(v, Tensor) else np.asarray(v) for v in (mean, std)
    )
    if (s < 0).any():
        raise RuntimeError(f"normal: std must be >= 0, got {s.min()}")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else shape_arg((size,))
    values = m + s * _rng(generator).standard_normal(shape)
    return Tensor(backend.to_device(values.astype(np.dtype(dtype)), device))


def randperm(
    n: int, *, generator=None, dtype=dtypes.int64, device="cpu", requires_grad: bool = False
) -> Tensor:
    """A random permutation of 0 .. n - 1."""
    try:
        n = operator.index(n)  # ints and NumPy ints; not floats
    except TypeError:
        raise TypeError(f"randperm: n must be an int, got {type(n).__name__}") from None
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    data = _rng(generator).permutation(n).astype(np.dtype(dtype))
    return Tensor(backend.to_device(data, device), requires_grad=requires_grad)


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, *, generator=None
) -> Tensor:
    """Category indices drawn by the weights in each row of ``input`` (1-D or 2-D,
    non-negative, not necessarily summing to 1); without replacement no index repeats."""
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: input must be 1-D or 2-D, got {input.ndim} dims")
    weights = backend.to_numpy(input.array).astype(np.float64).reshape(-1, input.shape[-1])
    categories = weights.shape[1]
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample {num_samples} <= 0 samples")
    if not replacement and num_samples > categories:
        raise RuntimeError(
            f"multinomial: cannot sample {num_samples} > {categories} categories without "
            "replacement"
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError("multinomial: weights must be finite and non-negative")
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("multinomial: each row of weights must have a positive sum")
    if not replacement and ((weights > 0).sum(axis=1) < num_samples).any():
        raise RuntimeError(
            f"multinomial: fewer than {num_samples} categories have a positive weight, too few "
            "to draw without replacement"
        )
    rng = _rng(generator)
    rows = [
        rng.choice(categories, size=num_samples, replace=replacement, p=w / total)
        for w, total in zip(weights, totals)
    ]
    out = np.stack(rows).astype(np.int64).reshape(input.shape[:-1] + (num_samples,))
    return Tensor(backend.to_device(out, input.device))
