"""`course doctor --gpu-check` without a GPU: the refusal, the JSON writer (with fakes)."""

import datetime as dt
import json

from course import cli, gpu_check, machine


def test_without_cuda_it_refuses_clearly_and_writes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(machine, "nvidia_smi", lambda: None)
    out = tmp_path / "r.json"
    assert cli.main(["doctor", "--gpu-check", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no usable CUDA GPU here (no CUDA device)" in err
    assert "no results file was written" in err
    assert not out.exists()


def test_a_driver_without_cupy_is_named(monkeypatch, capsys):
    monkeypatch.setattr(machine, "nvidia_smi", lambda: ["NVIDIA H100, 550.54, 81559 MiB"])
    assert gpu_check.main(cuda_available=lambda: False) == 2
    assert "nvidia-smi sees NVIDIA H100" in capsys.readouterr().err


def fake_check(monkeypatch, tests, rows):
    monkeypatch.setattr(gpu_check, "run_gpu_tests", lambda: tests)
    monkeypatch.setattr(gpu_check, "run_bench", lambda deadline: rows)
    monkeypatch.setattr(machine, "facts", lambda: {"gpu": "NVIDIA H100 80GB HBM3", "cupy": "13"})
    monkeypatch.setattr(machine, "gpu_details", lambda: {"name": "NVIDIA H100 80GB HBM3"})


def test_the_results_file_holds_counts_rows_and_machine(monkeypatch, tmp_path):
    tests = {"total": 90, "passed": 90, "failed": 0, "errors": 0, "skipped": 0}
    rows = [{"workload": "mlp", "scale": 1, "ours_ms": 1.0, "torch_ms": 0.5, "ratio": 2.0}]
    fake_check(monkeypatch, tests, rows)
    out = tmp_path / "results" / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 0
    data = json.loads(out.read_text())
    assert data["device"] == "cuda" and data["scale"] == [1, 16]
    assert data["tests"] == tests and data["results"] == rows
    assert data["machine"]["gpu"] == "NVIDIA H100 80GB HBM3"
    assert data["gpu"] == {"name": "NVIDIA H100 80GB HBM3"}
    dt.datetime.fromisoformat(data["date"])


def test_failures_make_the_exit_status_non_zero(monkeypatch, tmp_path):
    tests = {"total": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0}
    fake_check(monkeypatch, tests, [])
    assert gpu_check.main(str(tmp_path / "a.json"), cuda_available=lambda: True) == 1
    ok = {"total": 1, "passed": 1, "failed": 0, "errors": 0, "skipped": 0}
    fake_check(monkeypatch, ok, [{"workload": "cnn", "scale": 16, "error": "RuntimeError: x"}])
    assert gpu_check.main(str(tmp_path / "b.json"), cuda_available=lambda: True) == 1
    assert (tmp_path / "b.json").exists()


def test_default_path_names_card_and_date(tmp_path):
    path = gpu_check.default_path("NVIDIA H100 80GB HBM3", dt.date(2025, 1, 2), tmp_path)
    assert path == tmp_path / "benchmarks/results/gpu-nvidia-h100-80gb-hbm3-2025-01-02.json"
    assert gpu_check.card_slug(None) == "unknown-gpu"


def test_junit_counts(tmp_path):
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest" tests="10" failures="1" errors="2" skipped="3">'
        "</testsuite></testsuites>"
    )
    assert gpu_check.junit_counts(xml) == {
        "total": 10, "passed": 4, "failed": 1, "errors": 2, "skipped": 3,
    }  # fmt: skip


def test_the_bench_runs_every_workload_at_both_scales_and_records_errors(monkeypatch):
    import course.bench.run as run

    def training(names, device, scale, repeat):
        if names == ["lstm"] and scale == 16:
            raise RuntimeError("out of memory")
        return [{"workload": names[0], "device": device}]

    monkeypatch.setattr(run, "run_training", training)
    monkeypatch.setattr(run, "run_matmul", lambda sizes, device, repeat: [{"workload": "mm"}])
    rows = gpu_check.run_bench(deadline=float("inf"))
    got = {(r["workload"], r["scale"]) for r in rows}
    assert got == {(w, s) for w in ("mlp", "cnn", "lstm", "tiny") for s in (1, 16)} | {("mm", 1)}
    assert [r["error"] for r in rows if "error" in r] == ["RuntimeError: out of memory"]
    late = gpu_check.run_bench(deadline=0.0)
    assert all(r["error"] == "skipped: time budget" for r in late) and len(late) == 9


def test_a_failing_run_keeps_pytest_s_whole_output_next_to_the_results(monkeypatch, tmp_path):
    long_output = "FAILED tests/gpu/test_x.py::test_y\n" + "traceback line\n" * 500
    tests = {"total": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0,
             "tail": long_output[-2000:], "output": long_output}  # fmt: skip
    fake_check(monkeypatch, tests, [])
    out = tmp_path / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 1
    data = json.loads(out.read_text())
    assert "output" not in data["tests"] and data["tests"]["log"] == "gpu.pytest.log"
    assert (tmp_path / "gpu.pytest.log").read_text() == long_output


def test_a_passing_run_writes_no_log(monkeypatch, tmp_path):
    tests = {"total": 1, "passed": 1, "failed": 0, "errors": 0, "skipped": 0, "output": "1 passed"}
    fake_check(monkeypatch, tests, [])
    assert gpu_check.main(str(tmp_path / "gpu.json"), cuda_available=lambda: True) == 0
    assert not (tmp_path / "gpu.pytest.log").exists()
    assert "output" not in json.loads((tmp_path / "gpu.json").read_text())["tests"]


def test_a_timed_out_test_run_counts_as_failed(monkeypatch, tmp_path):
    tests = {"error": "pytest -m gpu did not finish in 180 s", "output": "partial"}
    fake_check(monkeypatch, tests, [])
    assert gpu_check.main(str(tmp_path / "gpu.json"), cuda_available=lambda: True) == 1
    assert (tmp_path / "gpu.pytest.log").read_text() == "partial"
