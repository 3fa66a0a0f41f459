"""The timing harness: warm-up, repeats, medians, device synchronisation.

>>> from course.bench import measure
>>> t = measure(lambda: sum(range(1000)), repeat=5)
>>> t.median > 0
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course import backend


@dataclass
class Timing:
    """Seconds per call of one function, from ``repeat`` samples of ``number`` calls each."""

    name: str
    times: list[float] = field(repr=False)
    number: int = 1

    @property
    def median(self) -> float:
        return float(np.median(self.times))

    @property
    def q1(self) -> float:
        return float(np.percentile(self.times, 25))

    @property
    def q3(self) -> float:
        return float(np.percentile(self.times, 75))

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 = the middle half within 5%)."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0

    def __str__(self) -> str:
        return (
            f"{self.name}: {format_seconds(self.median)} per call (+-{100 * self.spread / 2:.0f}%)"
        )


def format_seconds(s: float) -> str:
    """A duration with a unit a person reads at a glance: 12.3 us, 4.56 ms, 1.23 s."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def _sync_for(device: str) -> Callable[[], None] | None:
    if device == "cpu":
        return None
    if device == "torch-cuda":
        import torch

        return torch.cuda.synchronize
    return lambda: backend.synchronize(device)


def measure(
    fn: Callable[[], object],
    *,
    name: str | None = None,
    warmup: int = 3,
    repeat: int = 20,
    number: int | None = None,
    min_sample_time: float = 2e-3,
    device: str = "cpu",
    max_time: float | None = None,
    settle: float | None = None,
) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeat`` samples of ``number`` calls.

    ``number`` is chosen so one sample takes at least ``min_sample_time`` (timer resolution
    and call overhead vanish). On a GPU device every sample ends with a synchronisation, so
    queued kernels are counted. ``max_time`` (seconds) caps the total: fewer samples, never
    fewer than 3.

    First the process sleeps ``settle`` seconds (default 0.12 on the CPU; none in a quick run
    or on a GPU, whose clocks would drop while it idles): after a call, OpenBLAS's worker
    threads keep spinning on the cores for about 0.1 s (OpenMP's, for torch, briefly too), and
    a library timed right after another fights those threads. Measured here: a 512 x 512
    torch matmul right after a NumPy one took 3x as long as alone.
    """
    if settle is None:
        quick = os.environ.get("COURSE_QUICK", "") not in ("", "0")
        settle = 0.0 if quick or device != "cpu" else 0.12
    time.sleep(settle)
    sync = _sync_for(device)
    clock = time.perf_counter
    for _ in range(warmup):
        fn()
    if sync:
        sync()
    if number is None:
        start = clock()
        fn()
        if sync:
            sync()
        once = clock() - start
        number = max(1, int(min_sample_time / max(once, 1e-9)))
    times: list[float] = []
    budget_start = clock()
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn()
        if sync:
            sync()
        times.append((clock() - start) / number)
        if max_time is not None and len(times) >= 3 and clock() - budget_start > max_time:
            break
    return Timing(name or getattr(fn, "__name__", "fn"), times, number)


def compare(ours: Callable[[], object], reference: Callable[[], object], **kwargs) -> dict:
    """Time two functions in the same process, interleaved, and return both and their ratio.

    Interleaving (ours, reference, ours, ...) spreads slow drifts of the machine (turbo,
    other load) over both, so the ratio is fairer than two back-to-back runs.
    """
    rounds = kwargs.pop("rounds", 3)
    ref_device = kwargs.pop("reference_device", kwargs.get("device", "cpu"))
    ours_times, ref_times = [], []
    for _ in range(rounds):
        ours_times += measure(ours, **kwargs).times
        ref_times += measure(reference, **{**kwargs, "device": ref_device}).times
    a = Timing(kwargs.get("name") or "ours", ours_times)
    b = Timing("torch", ref_times)
    return {"ours": a, "torch": b, "ratio": a.median / b.median}
