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


# A comparison whose middle half of samples spans more than this share of its median is
# flagged: on a shared or throttling machine one slow phase can move a ratio by half (seen
# here: mlp read 1.49 with a 58 % spread, then 0.91 three times in a row with 5-7 %; a learner
# on a busy 2-core host saw ratios from 0.04x to 39x).
NOISY_SPREAD = 0.15


def compare(ours: Callable[[], object], reference: Callable[[], object], **kwargs) -> dict:
    """Time two functions in the same process, interleaved, and return both and their ratio.

    Interleaving (ours, reference, ours, ...) spreads slow drifts of the machine (turbo,
    other load) over both, so the ratio is fairer than two back-to-back runs. The reference
    is timed after a settle on the CPU even in a quick run (see `measure`), so the threads
    of ours do not slow it. The result's ``spread`` is the larger of the two and ``noisy``
    says whether it is over `NOISY_SPREAD`; `describe` words it.
    """
    rounds = kwargs.pop("rounds", 3)
    ref_device = kwargs.pop("reference_device", kwargs.get("device", "cpu"))
    ref_kwargs = {**kwargs, "device": ref_device}
    if ref_device == "cpu":
        ref_kwargs.setdefault("settle", 0.12)
    ours_times, ref_times = [], []
    for _ in range(rounds):
        ours_times += measure(ours, **kwargs).times
        ref_times += measure(reference, **ref_kwargs).times
    a = Timing(kwargs.get("name") or "ours", ours_times)
    b = Timing("torch", ref_times)
    spread = max(a.spread, b.spread)
    return {
        "ours": a,
        "torch": b,
        "ratio": a.median / b.median,
        "spread": spread,
        "noisy": spread > NOISY_SPREAD,
    }


def format_ratio(ratio: float) -> str:
    """A time ratio with the digits that matter, never rounded to 0: 12x, 1.23x, 0.041x."""
    if ratio >= 10:
        return f"{ratio:.0f}x"
    if ratio >= 0.1:
        return f"{ratio:.2f}x"
    return f"{ratio:.2g}x"


def describe(result: dict, against: str = "torch") -> str:
    """One line for a `compare` result: the ratio, and a warning when it is noisy.

    >>> describe({"ratio": 0.0412, "spread": 0.05, "noisy": False})
    '0.041x torch'
    >>> describe({"ratio": 1.5, "spread": 0.4, "noisy": True})  # doctest: +ELLIPSIS
    '1.50x torch (noisy: ... spans 40 % of the median...'
    """
    text = f"{format_ratio(result['ratio'])} {against}"
    if result.get("noisy"):
        text += (
            f" (noisy: the middle half of the samples spans {100 * result['spread']:.0f} % of the "
            "median, so do not trust this ratio; something else used the CPU while it ran. Rerun "
            "the cell, ideally with nothing else running)"
        )
    return text
