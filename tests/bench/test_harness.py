"""The timing harness counts calls, warms up, and reports medians (no timed assertions)."""

import numpy as np
import pytest

from course.bench import Timing, compare, format_seconds, measure


def test_measure_warms_up_and_repeats():
    calls = []
    timing = measure(lambda: calls.append(1), warmup=2, repeat=5, number=3)
    assert len(timing.times) == 5
    assert len(calls) == 2 + 5 * 3
    assert timing.median > 0


def test_measure_calibrates_number_for_fast_functions():
    timing = measure(lambda: None, warmup=1, repeat=3, min_sample_time=1e-3)
    assert timing.number > 1


def test_timing_statistics():
    t = Timing("x", [1.0, 2.0, 3.0, 4.0, 100.0])
    assert t.median == 3.0
    assert t.q1 == 2.0 and t.q3 == 4.0
    assert t.spread == pytest.approx(2 / 3)


def test_compare_reports_a_ratio():
    a = np.ones((64, 64), dtype=np.float32)
    result = compare(lambda: a @ a, lambda: a + a, warmup=1, repeat=3, rounds=2)
    assert len(result["ours"].times) == 6
    assert result["ratio"] == result["ours"].median / result["torch"].median


@pytest.mark.parametrize(
    ("seconds", "text"), [(2.5, "2.5 s"), (0.0123, "12.3 ms"), (4.5e-6, "4.5 us"), (3e-9, "3 ns")]
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text
