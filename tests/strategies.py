"""Hypothesis strategies shared by all tests: shapes, broadcastable shapes, arrays per op.

Shapes include 0-d, one-element and empty dims (torch allows all of them). Array values
stay in a safe range per op: positive for log/sqrt, away from kinks (0 for relu/abs,
ties for max) where a finite-difference check would straddle the kink.
"""

from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Small and deterministic enough for CI on 2 cores; no deadline (first calls import torch).
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
FEW = settings(max_examples=10, deadline=None, derandomize=True)  # for gradcheck (slower)

DTYPES = [np.float32, np.float64]


def shapes(min_dims=0, max_dims=3, min_side=0, max_side=4):
    """Array shapes, empty dims included unless ``min_side`` >= 1."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcast_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4):
    """A tuple of ``num_shapes`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side,
    ).map(lambda b: b.input_shapes)  # fmt: skip


def elements(dtype, low=-3.0, high=3.0, gap=0.0):
    """Floats in [low, high] exactly representable in ``dtype``; |x| >= gap when gap > 0."""
    width = 32 if np.dtype(dtype) == np.float32 else 64

    def floats(lo, hi):  # bounds rounded inward to the dtype
        lo = float(np.nextafter(np.array(lo, dtype), np.inf) if dtype_of(lo) != lo else lo)
        hi = float(np.nextafter(np.array(hi, dtype), -np.inf) if dtype_of(hi) != hi else hi)
        return st.floats(lo, hi, width=width, allow_nan=False, allow_subnormal=False)

    def dtype_of(v):
        return float(np.array(v, dtype))

    if gap > 0:
        parts = []
        if low <= -gap:
            parts.append(floats(low, -gap))
        if high >= gap:
            parts.append(floats(gap, high))
        return st.one_of(*parts)
    return floats(low, high)


def arrays(dtype, shape, low=-3.0, high=3.0, gap=0.0, unique=False):
    """Arrays of ``dtype`` and ``shape`` (a shape or a strategy) with values as ``elements``."""
    return hnp.arrays(dtype, shape, elements=elements(dtype, low, high, gap), unique=unique)


def spread(dtype, shape, low=-3.0, high=3.0):
    """Arrays of distinct values at least (high - low) / (4 * size) apart: no ties, so max/min
    and their indices are unambiguous and finite differences do not cross a tie."""

    def build(seed_and_shape):
        seed, shp = seed_and_shape
        n = int(np.prod(shp))
        rng = np.random.default_rng(seed)
        grid = np.linspace(low, high, max(n, 1) * 4)
        values = rng.choice(grid, size=n, replace=False)
        return values.reshape(shp).astype(dtype)

    shape = shape if isinstance(shape, st.SearchStrategy) else st.just(shape)
    return st.tuples(st.integers(0, 2**32 - 1), shape).map(build)


@st.composite
def broadcast_arrays(draw, dtype, num=2, low=-3.0, high=3.0, gap=0.0, **shape_kw):
    """A tuple of ``num`` arrays whose shapes broadcast together."""
    shps = draw(broadcast_shapes(num_shapes=num, **shape_kw))
    return tuple(draw(arrays(dtype, s, low, high, gap)) for s in shps)


def dims(ndim: int, allow_none=True, allow_tuple=True):
    """A ``dim`` argument valid for a tensor with ``ndim`` dims: None, an int (maybe
    negative) or a tuple of distinct dims (never empty: torch reads () as all dims)."""
    options = [st.none()] if allow_none else []
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if allow_tuple:
            options.append(
                st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                    tuple
                )
            )
    return st.one_of(*options)
