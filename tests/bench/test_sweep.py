"""`course bench --scales`: time per sample against batch size, and each twin's peak memory."""

import json
import sys

import pytest

from course.bench import run
from course.cli import main


def test_scales_sweep_prints_time_per_sample_by_batch(tmp_path, capsys):
    out = tmp_path / "sweep.json"
    plot = tmp_path / "sweep.png"
    args = ["bench", "cnn", "--scales", "1", "2", "--quick", "--json", str(out)]
    assert main([*args, "--plot", str(plot)]) == 0
    payload = json.loads(out.read_text())
    assert payload["scale"] == [1, 2] and payload["machine"]["cpu"]
    rows = payload["results"]
    assert [(r["scale"], r["batch"]) for r in rows] == [(1, 64), (2, 128)]
    assert {r["workload"] for r in rows} == {"cnn"}
    for r in rows:
        assert r["ours_us_per_sample"] == pytest.approx(1e3 * r["ours_ms"] / r["batch"])
        assert r["torch_us_per_sample"] == pytest.approx(1e3 * r["torch_ms"] / r["batch"])
    text = capsys.readouterr().out
    assert "us/sample" in text and "peak MB" in text and "x2" in text
    assert plot.stat().st_size > 0


def test_format_sweep_compares_each_scale_with_the_first():
    rows = [
        {"workload": "cnn", "scale": s, "batch": 64 * s, "ours_us_per_sample": us,
         "torch_us_per_sample": 100.0, "ratio": us / 100, "ours_spread": 0.01,
         "torch_spread": 0.01, "ours_peak_mb": mb, "torch_peak_mb": None}
        for s, us, mb in ((1, 200.0, 20.0), (8, 230.0, 150.0))
    ]  # fmt: skip
    lines = run.format_sweep(rows).splitlines()
    assert "1.00x" in lines[1] and "1.15x" in lines[2]
    assert lines[2].split()[-2:] == ["150", "-"]  # torch's peak unknown here: a dash


def test_batch_comes_from_the_description():
    assert run.batch_of("SGD step, CNN ..., batch 512", 8) == 512
    assert run.batch_of("forward + backward, 1-element tensors", 4) == 4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_peak_step_memory_grows_with_the_batch():
    small = run.peak_step_memory("mlp", 1, "ours")
    large = run.peak_step_memory("mlp", 16, "ours")
    assert small is not None and large is not None
    assert 0 <= small < large, (small, large)
