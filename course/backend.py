"""Array backends: the one module that imports CuPy.

Every op asks this module for the array module (``xp``) of its inputs and then
writes one code path that works for NumPy and CuPy alike.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, TypeAlias

import numpy as np

try:  # CuPy is optional: the `gpu` extra. Import errors and missing drivers both mean "no GPU".
    import cupy as cp

    try:
        _CUDA = cp.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - any CUDA runtime failure means no usable GPU
        _CUDA = False
except Exception:  # noqa: BLE001
    cp = None
    _CUDA = False

ARRAY_TYPES: tuple[type, ...] = (np.ndarray,) if cp is None else (np.ndarray, cp.ndarray)

# A NumPy or CuPy array, for the type checker: the two share no base class (or stubs).
Array: TypeAlias = Any


def cuda_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    return _CUDA


def cuda_device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy or a GPU)."""
    return int(cp.cuda.runtime.getDeviceCount()) if _CUDA else 0


class device:  # noqa: N801 - PyTorch's name
    """A device, as ``torch.device``: ``device("cpu")``, ``device("cuda")``, ``device("cuda:0")``.

    Its ``type`` is ``'cpu'`` or ``'cuda'``; it prints and compares like that name, so code that
    compares ``x.device == "cpu"`` and code that passes ``device`` objects both work.
    """

    __slots__ = ("type", "index")

    def __init__(self, type: object, index: int | None = None):
        name = str(type)
        kind, _, number = name.partition(":")
        if kind not in ("cpu", "cuda"):
            raise ValueError(f"unknown device {name!r}: use 'cpu' or 'cuda'")
        if number:
            if index is not None or not number.isdigit():
                raise ValueError(f"device: cannot read {name!r} with index {index}")
            index = int(number)
        self.type = kind
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except ValueError:
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash(str(self))  # equal to its name, so hashed as its name


DEVICES = {"cpu": device("cpu"), "cuda": device("cuda")}  # what Tensor.device returns


def devices() -> list[str]:
    """Devices usable on this machine, e.g. ``['cpu']`` or ``['cpu', 'cuda']``."""
    return ["cpu", "cuda"] if _CUDA else ["cpu"]


def normalize_device(device: object) -> str:
    """Canonical device name: 'cpu' or 'cuda' (accepts 'cuda:0' and torch.device)."""
    name = str(device)
    if name == "cpu":
        return "cpu"
    if name == "cuda" or name.startswith("cuda:"):
        if not _CUDA:
            raise RuntimeError(
                f"device {name!r} asked for, but no CUDA GPU is usable here "
                "(install the `gpu` extra on a machine with an NVIDIA GPU; "
                "`course doctor` says what is missing)"
            )
        return "cuda"
    raise ValueError(f"unknown device {name!r}: use 'cpu' or 'cuda'")


def get_array_module(x: Array) -> ModuleType:
    """The array module (numpy or cupy) that owns array ``x``."""
    if cp is not None and isinstance(x, cp.ndarray):
        return cp
    return np


def xp_for(device: object) -> ModuleType:
    """The array module for a device name."""
    return cp if normalize_device(device) == "cuda" else np


def device_of(x: Array) -> str:
    """'cuda' for a CuPy array, 'cpu' otherwise."""
    return "cuda" if cp is not None and isinstance(x, cp.ndarray) else "cpu"


def to_numpy(x: Array) -> np.ndarray:
    """A NumPy array with the values of ``x`` (copies from the GPU if needed)."""
    if cp is not None and isinstance(x, cp.ndarray):
        return cp.asnumpy(x)
    return np.asarray(x)


def to_device(x: Array, device: object) -> Array:
    """Array ``x`` on ``device``; no copy when it is already there."""
    device = normalize_device(device)
    if device == "cuda":
        return cp.asarray(x)
    return to_numpy(x)


def synchronize(device: object = "cpu") -> None:
    """Wait until all queued work on ``device`` has finished (a no-op on the CPU)."""
    if normalize_device(device) == "cuda":
        cp.cuda.get_current_stream().synchronize()


def writeable(x: Array) -> bool:
    """True when ``x`` may be edited in place without touching memory that other arrays see.

    NumPy marks broadcast views read-only. CuPy has no such flag (its ``flags`` lack
    ``writeable``), so there a view with a zero stride over more than one element counts
    as read-only: writing one of its elements would change many.
    """
    flags = x.flags
    if hasattr(flags, "writeable"):
        return bool(flags.writeable)
    return all(step != 0 for step, n in zip(x.strides, x.shape, strict=True) if n > 1)


def as_array(data: Any, dtype: Any = None, device: object = "cpu") -> Array:
    """An array on ``device`` from Python data or an array; floats default to float32 and
    integers to int64, as in PyTorch. Arrays keep their dtype unless ``dtype`` says."""
    if isinstance(data, np.generic):  # a NumPy scalar keeps its dtype, as in torch
        data = np.asarray(data)
    if isinstance(data, ARRAY_TYPES):
        arr = to_device(data, device)
        return arr if dtype is None else arr.astype(np.dtype(dtype), copy=False)
    if dtype is None:
        probe = np.asarray(data)
        if probe.dtype == np.float64:
            dtype = np.float32
        elif probe.dtype.kind == "i":
            dtype = np.int64
        elif probe.dtype == object:
            raise TypeError(f"tensor: cannot build a tensor from {type(data).__name__} data")
    return xp_for(device).asarray(data, dtype=None if dtype is None else np.dtype(dtype))


def scatter_add(out: Array, index: Any, values: Array) -> None:
    """``out[index] += values`` where repeated indices add up (unbuffered).

    ``add.at`` on either array module (CuPy 13 deprecated ``cupyx.scatter_add`` for it)."""
    get_array_module(out).add.at(out, index, values)
