"""``c += a @ b`` in one BLAS call, where NumPy has no way to say it.

``np.matmul(a, b, out=c)`` overwrites ``c``; adding a product into an existing matrix takes a
temporary and a pass of ``+=``. BLAS's GEMM computes ``C = alpha A B + beta C`` and with
beta = 1 adds the product where it lands, while C is still in the cache of the core that made
it. The convolution's input gradient (course/ops/conv.py, ``_col2im_stride1``) adds nine such
products into overlapping windows of one buffer; this saves it nine temporaries and nine passes.

We call the OpenBLAS that NumPy loaded (its wheels bundle one) through ctypes, found with
threadpoolctl as in course/ops/_parallel.py. ctypes releases the GIL during the call, so the
chunk pool's threads run these GEMMs side by side. Where there is none (Accelerate, MKL, a BLAS
without the CBLAS symbols), for CuPy arrays and for dtypes other than float32/float64,
``available`` says no and the caller takes its NumPy path.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

# CBLAS enums (cblas.h)
_ROW_MAJOR, _NO_TRANS = 101, 111
ENABLED = True  # False: never available (tests use it to run the NumPy path)
_state: dict[str, Any] = {}


def _load() -> dict:
    """{dtype: the cblas_?gemm function}, from the first OpenBLAS loaded; {} if none."""
    from course.ops._parallel import _blas as blas_libraries  # threadpoolctl's controllers

    for lib in blas_libraries():
        if lib.internal_api != "openblas":
            continue
        get = getattr(lib, "_get_symbol", None)  # the symbol with the library's affixes
        config = None if get is None else get("openblas_get_config")
        if get is None or config is None:
            continue
        config.restype = ctypes.c_char_p
        # USE64BITINT: the library's integers are 64-bit (numpy's "64_" builds)
        blas_int = ctypes.c_int64 if b"USE64BITINT" in (config() or b"") else ctypes.c_int32
        found = {}
        for dtype, name, scalar in (
            (np.dtype(np.float32), "cblas_sgemm", ctypes.c_float),
            (np.dtype(np.float64), "cblas_dgemm", ctypes.c_double),
        ):
            fn = get(name)
            if fn is None:
                continue
            p, n = ctypes.c_void_p, blas_int
            fn.argtypes = [ctypes.c_int] * 3 + [n, n, n, scalar, p, n, p, n, scalar, p, n]
            fn.restype = None
            found[dtype] = fn
        return found
    return {}


def _rows(m) -> int | None:
    """The row stride of a 2-D NumPy matrix in elements, if its rows are unit-stride runs
    that BLAS can read (leading dimension at least the row's length); else None."""
    (rows, cols), (step, unit), size = m.shape, m.strides, m.itemsize
    if not m.flags.aligned or cols > 1 and unit != size:
        return None
    if rows == 1:  # NumPy may give a length-1 axis any stride
        return max(1, cols)
    if step <= 0 or step % size or step // size < max(1, cols):
        return None
    return step // size


def available(dtype) -> bool:
    """Whether ``addmm_`` can run on NumPy matrices of ``dtype`` here."""
    if not ENABLED:
        return False
    if "gemm" not in _state:
        _state["gemm"] = _load()
    return np.dtype(dtype) in _state["gemm"]


def addmm_(c, a, b) -> None:
    """``c += a @ b`` in place, in one BLAS call. NumPy matrices of one dtype that
    ``available`` accepts, each with unit-stride rows; ``c`` must not overlap ``a`` or ``b``."""
    if not all(type(m) is np.ndarray and m.ndim == 2 for m in (a, b, c)):
        raise TypeError("addmm_: needs 2-D NumPy arrays")
    if not (a.dtype == b.dtype == c.dtype) or not available(c.dtype):
        raise TypeError(f"addmm_: no BLAS GEMM here for {a.dtype}, {b.dtype} into {c.dtype}")
    (m, k), (k2, n) = a.shape, b.shape
    if c.shape != (m, n) or k2 != k:
        raise ValueError(f"addmm_: cannot add {a.shape} @ {b.shape} into {c.shape}")
    lda, ldb, ldc = _rows(a), _rows(b), _rows(c)
    if lda is None or ldb is None or ldc is None or not c.flags.writeable:
        raise ValueError("addmm_: each matrix needs unit-stride rows, and c must be writeable")
    if 0 in (m, n, k):
        return
    args = (m, n, k, 1.0, a.ctypes.data, lda, b.ctypes.data, ldb, 1.0, c.ctypes.data, ldc)
    _state["gemm"][c.dtype](_ROW_MAJOR, _NO_TRANS, _NO_TRANS, *args)
