"""dtypes as torch's: ``course.float32`` (``course.float``), ``course.long``, ``course.bool`` ...

A `dtype` prints like torch's (``course.float32``) and is what ``Tensor.dtype`` returns. It
stands for one NumPy dtype and compares equal to it, in any spelling NumPy accepts
(``x.dtype == np.float32``, ``== "float32"``), and NumPy and CuPy take it wherever they take a
dtype (it carries the NumPy dtype as ``.dtype``, NumPy's protocol for dtype-like objects).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class dtype:  # noqa: N801 - PyTorch's name
    """One element type of tensors; see the module docstring.

    This module defines ``bool``, ``int`` and ``float`` (torch's names), so the builtins are
    spelled ``builtins.bool`` ... here."""

    __slots__ = ("dtype",)
    dtype: np.dtype[Any]  # the NumPy dtype it stands for

    def __init__(self, numpy_dtype: Any):
        self.dtype = np.dtype(numpy_dtype)

    @property
    def name(self) -> str:
        """NumPy's name, e.g. ``'float32'``."""
        return self.dtype.name

    @property
    def kind(self) -> str:
        """NumPy's kind letter: ``'b'`` bool, ``'i'``/``'u'`` integers, ``'f'`` floats, ``'c'``."""
        return self.dtype.kind

    @property
    def type(self) -> type:
        """The NumPy scalar type, e.g. ``np.float32`` (``x.dtype.type(0.5)`` makes a scalar)."""
        return self.dtype.type

    @property
    def itemsize(self) -> builtins.int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def is_floating_point(self) -> builtins.bool:
        return self.dtype.kind == "f"

    @property
    def is_complex(self) -> builtins.bool:
        return self.dtype.kind == "c"

    @property
    def is_signed(self) -> builtins.bool:
        return self.dtype.kind in "ifc"

    def __repr__(self) -> str:
        return f"course.{self.dtype.name}"

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        if other is None:  # np.dtype(None) would be float64
            return False
        try:
            return builtins.bool(self.dtype == np.dtype(other))  # type: ignore[call-overload]
        except TypeError:
            return NotImplemented

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)  # equal NumPy dtypes hash alike


bool = dtype(np.bool_)  # noqa: A001 - PyTorch's names, shadowing builtins in this module
uint8 = dtype(np.uint8)
int8 = dtype(np.int8)
int16 = short = dtype(np.int16)
int32 = int = dtype(np.int32)  # noqa: A001
int64 = long = dtype(np.int64)
float16 = half = dtype(np.float16)
float32 = float = dtype(np.float32)  # noqa: A001
float64 = double = dtype(np.float64)
complex64 = cfloat = dtype(np.complex64)
complex128 = cdouble = dtype(np.complex128)

_BY_NUMPY = {
    d.dtype: d
    for d in (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64,
              complex128)
}  # fmt: skip


def of(numpy_dtype: np.dtype[Any]) -> dtype:
    """The course dtype standing for a NumPy dtype (made on first use for unusual ones)."""
    found = _BY_NUMPY.get(numpy_dtype)
    if found is None:
        found = _BY_NUMPY[numpy_dtype] = dtype(numpy_dtype)
    return found


def to_numpy(d: Any) -> np.dtype[Any] | None:
    """The NumPy dtype of any dtype-like (a course dtype, np.float32, 'float32'); None stays."""
    return None if d is None else np.dtype(d)


NAMES = (
    "bool", "uint8", "int8", "int16", "short", "int32", "int", "int64", "long", "float16",
    "half", "float32", "float", "float64", "double", "complex64", "cfloat", "complex128",
    "cdouble",
)  # fmt: skip
