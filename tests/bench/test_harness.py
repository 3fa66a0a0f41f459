"""The timing harness counts calls, warms up, and reports medians (no timed assertions)."""

import numpy as np
import pytest

from course.bench import Timing, compare, describe, format_ratio, format_seconds, measure


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
    spread = max(result["ours"].spread, result["torch"].spread)
    assert result["spread"] == spread and result["noisy"] == (spread > 0.15)


def test_compare_settles_before_the_reference_even_in_quick_mode(monkeypatch):
    import course.bench as bench

    slept = []
    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    compare(lambda: None, lambda: None, warmup=0, repeat=3, rounds=2)
    assert slept == [0.0, 0.12, 0.0, 0.12], "ours unsettled (quick), torch after a settle"


@pytest.mark.parametrize(
    ("ratio", "text"), [(39.4, "39x"), (1.234, "1.23x"), (0.0412, "0.041x"), (0.004, "0.004x")]
)
def test_format_ratio_never_rounds_a_ratio_away(ratio, text):
    assert format_ratio(ratio) == text


def test_describe_warns_about_a_noisy_ratio():
    quiet = describe({"ratio": 0.91, "spread": 0.05, "noisy": False})
    assert quiet == "0.91x torch"
    noisy = describe({"ratio": 39.0, "spread": 0.6, "noisy": True}, against="NumPy")
    assert noisy.startswith("39x NumPy (noisy:") and "60 %" in noisy and "do not trust" in noisy


@pytest.mark.parametrize(
    ("seconds", "text"), [(2.5, "2.5 s"), (0.0123, "12.3 ms"), (4.5e-6, "4.5 us"), (3e-9, "3 ns")]
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def _row(name, ratio, ours_spread, torch_spread=0.02):
    return {
        "workload": name, "ours_ms": 1.0, "torch_ms": 1.0 / ratio, "ratio": ratio,
        "ours_spread": ours_spread, "torch_spread": torch_spread,
    }  # fmt: skip


def test_format_table_flags_noisy_rows_and_says_how_to_rerun():
    from course.bench.run import NOISY_SPREAD, format_table

    quiet = format_table([_row("mlp", 0.9, 0.05), _row("cnn", 1.5, NOISY_SPREAD)])
    assert "*" not in quiet and "noisy" not in quiet
    text = format_table([_row("mlp", 1.49, 0.58), _row("cnn", 1.5, 0.03),
                         _row("matmul256", 1.1, 0.03, torch_spread=0.2)])  # fmt: skip
    lines = text.splitlines()
    assert lines[1].startswith("mlp") and lines[1].endswith("58% *")
    assert lines[2].endswith("3%")
    assert lines[3].endswith("20% *")
    assert "noisy (mlp, matmul256)" in lines[-1]
    assert "`course bench mlp matmul` again" in lines[-1]
    tiny = format_table([_row("tiny", 0.004, 0.05)])
    assert "0.004x" in tiny.splitlines()[1], "a small ratio is never rounded to 0.00"
