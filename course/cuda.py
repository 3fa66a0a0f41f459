"""``course.cuda``: the calls of ``torch.cuda`` that programs make before they pick a device.

>>> import course
>>> device = course.device("cuda" if course.cuda.is_available() else "cpu")

course draws every random number from the one generator ``course.manual_seed`` seeds (on the host,
then moved), so ``manual_seed`` here only checks its argument: seeding the CPU seeds the GPU too.

``graphed(step_fn, example_batch)`` captures a whole training step as a CUDA graph and replays
it with one launch (course/cuda_graphs.py: how, and what cannot be captured).
"""

from __future__ import annotations

from course import backend
from course.cuda_graphs import GraphCaptureError, graphed

__all__ = [
    "GraphCaptureError", "device_count", "graphed", "is_available", "manual_seed",
    "manual_seed_all", "synchronize",
]  # fmt: skip


def is_available() -> bool:
    """True when CuPy is installed and sees a CUDA device (``pip install -e '.[gpu]'``)."""
    return backend.cuda_available()


def device_count() -> int:
    """How many CUDA devices CuPy sees (0 without a GPU or without CuPy)."""
    return backend.cuda_device_count()


def synchronize(device: object = None) -> None:
    """Wait until every queued kernel has finished; an error when there is no GPU, as in torch."""
    backend.synchronize("cuda" if device is None else device)


def manual_seed(seed: int) -> None:
    """Accepted for torch's programs; course's one generator is seeded by ``course.manual_seed``."""
    if not isinstance(seed, int):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")


manual_seed_all = manual_seed
