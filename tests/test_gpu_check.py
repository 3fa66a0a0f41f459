"""`course doctor --gpu-check` without a GPU: refusal, steps, partial writes, time budget,
the results schema and its loader (fakes stand in for the GPU; subprocesses are real)."""

import datetime as dt
import functools
import json
import sys
import time

import pytest

from course import cli, gpu_check, machine
from course.repo import repo_root

OK_TESTS = {"total": 90, "passed": 90, "failed": 0, "errors": 0, "skipped": 0}
MLP = {"workload": "mlp", "scale": 1, "device": "cuda", "ours_ms": 1.0, "torch_ms": 0.5}


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


def fake_check(monkeypatch, tests=OK_TESTS, rows=None, phase=None):
    """Fake test run and bench phases; returns the list of (command, limit) phases started."""
    started = []

    def run_phase(cmd, limit, on_row):
        device = cmd[cmd.index("--device") + 1]
        started.append((device, limit))
        if phase:
            return phase(device, on_row)
        for row in rows if rows is not None else [{**MLP, "device": device}]:
            on_row(row)
        return {"status": "ok", "returncode": 0, "seconds": 0.1}

    monkeypatch.setattr(gpu_check, "run_gpu_tests", lambda timeout: dict(tests))
    monkeypatch.setattr(gpu_check, "run_phase", run_phase)
    monkeypatch.setattr(machine, "facts", lambda: {"gpu": "NVIDIA H100 80GB HBM3", "cpu": "Xeon"})
    monkeypatch.setattr(machine, "gpu_details", lambda: {"name": "NVIDIA H100 80GB HBM3"})
    return started


def test_the_results_file_holds_schema_steps_counts_rows_and_machine(monkeypatch, tmp_path):
    started = fake_check(monkeypatch)
    out = tmp_path / "results" / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 0
    data = json.loads(out.read_text())
    assert data["schema"] == 2 and data["complete"] is True and data["scale"] == [1, 16]
    assert data["tests"] == OK_TESTS
    assert {name: s["status"] for name, s in data["steps"].items()} == {
        "gpu_tests": "ok", "bench_cuda": "ok", "bench_cpu": "ok",
    }  # fmt: skip
    assert [r["device"] for r in data["results"]] == ["cuda", "cpu"]  # the host CPU too
    assert [d for d, _ in started] == ["cuda", "cpu"]
    assert data["machine"]["cpu"] == "Xeon" and data["gpu"] == {"name": "NVIDIA H100 80GB HBM3"}
    dt.datetime.fromisoformat(data["date"])
    assert not list(tmp_path.glob("results/*.tmp"))


def test_every_row_is_on_disk_before_the_next_one(monkeypatch, tmp_path):
    out = tmp_path / "gpu.json"
    seen = []

    def phase(device, on_row):
        for scale in (1, 16):
            on_row({**MLP, "device": device, "scale": scale})
            on_disk = json.loads(out.read_text())
            seen.append((on_disk["complete"], len(on_disk["results"])))
        return {"status": "ok", "returncode": 0, "seconds": 0.1}

    fake_check(monkeypatch, phase=phase)
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 0
    assert seen == [(False, 1), (False, 2), (False, 3), (False, 4)]


def test_a_step_cut_short_keeps_its_rows_and_fails_the_check(monkeypatch, tmp_path):
    def phase(device, on_row):
        on_row({**MLP, "device": device})
        return {"status": "timeout", "returncode": -9, "seconds": 100.0}

    fake_check(monkeypatch, phase=phase)
    out = tmp_path / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 1
    data = json.loads(out.read_text())
    assert data["steps"]["bench_cuda"]["status"] == "timeout" and len(data["results"]) == 2


def test_the_time_budget_limits_each_step_and_skips_what_does_not_fit(monkeypatch, tmp_path):
    limits = {}

    def slow_tests(timeout):
        limits["gpu_tests"] = timeout
        time.sleep(0.3)
        return dict(OK_TESTS)

    started = fake_check(monkeypatch)
    monkeypatch.setattr(gpu_check, "run_gpu_tests", slow_tests)
    out = tmp_path / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True, budget=1.2) == 1
    assert limits["gpu_tests"] <= 1.2
    data = json.loads(out.read_text())
    assert data["steps"]["bench_cuda"]["status"] == "skipped"
    assert data["steps"]["bench_cpu"]["status"] == "skipped" and started == []
    assert gpu_check.main(str(out), cuda_available=lambda: True, budget=1000) == 0
    cuda_limit, cpu_limit = (limit for _, limit in started)
    assert cuda_limit == gpu_check.LIMITS["bench_cuda"]
    assert 1000 - 1 < cpu_limit <= 1000  # the last step gets what is left of the budget
    limits = gpu_check.LIMITS
    assert limits["bench_cpu"] is None  # the rest of the budget
    assert limits["gpu_tests"] + limits["bench_cuda"] + 70 <= gpu_check.BUDGET_S < 300


def test_failed_tests_or_rows_make_the_exit_status_non_zero(monkeypatch, tmp_path):
    failed = {"total": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0}
    fake_check(monkeypatch, tests=failed)
    assert gpu_check.main(str(tmp_path / "a.json"), cuda_available=lambda: True) == 1
    bad_row = {"workload": "cnn", "scale": 16, "device": "cuda", "error": "RuntimeError: x"}
    fake_check(monkeypatch, rows=[bad_row])
    assert gpu_check.main(str(tmp_path / "b.json"), cuda_available=lambda: True) == 1
    assert json.loads((tmp_path / "b.json").read_text())["results"][0] == bad_row


def test_a_failing_run_keeps_pytest_s_whole_output_next_to_the_results(monkeypatch, tmp_path):
    long_output = "FAILED tests/gpu/test_x.py::test_y\n" + "traceback line\n" * 500
    tests = {"total": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0,
             "tail": long_output[-2000:], "output": long_output}  # fmt: skip
    fake_check(monkeypatch, tests=tests)
    out = tmp_path / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 1
    data = json.loads(out.read_text())
    assert "output" not in data["tests"] and data["tests"]["log"] == "gpu.pytest.log"
    assert data["steps"]["gpu_tests"]["status"] == "failed"
    assert (tmp_path / "gpu.pytest.log").read_text() == long_output


def test_a_timed_out_test_run_is_a_timeout_with_its_log(monkeypatch, tmp_path):
    tests = {"error": "pytest -m gpu did not finish in 110 s", "output": "partial"}
    fake_check(monkeypatch, tests=tests)
    assert gpu_check.main(str(tmp_path / "gpu.json"), cuda_available=lambda: True) == 1
    assert (tmp_path / "gpu.pytest.log").read_text() == "partial"
    data = json.loads((tmp_path / "gpu.json").read_text())
    assert data["steps"]["gpu_tests"]["status"] == "timeout"


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


# ---------------------------------------------------------------- a phase's subprocess
def script(code: str) -> list[str]:
    return [sys.executable, "-c", code]


ROWS_THEN = (
    "import json, sys, time\nfor i in range(2): print('ROW ' + json.dumps({'i': i}), flush=True)\n"
)


def test_a_phase_hands_over_rows_as_they_come():
    rows = []
    phase = gpu_check.run_phase(script(ROWS_THEN + "print('not a row')"), 30, rows.append)
    assert rows == [{"i": 0}, {"i": 1}] and phase["status"] == "ok"


def test_a_phase_past_its_limit_is_killed_and_keeps_its_rows():
    rows = []
    start = time.perf_counter()
    phase = gpu_check.run_phase(script(ROWS_THEN + "time.sleep(60)"), 1.5, rows.append)
    assert phase["status"] == "timeout" and rows == [{"i": 0}, {"i": 1}]
    assert time.perf_counter() - start < 10


def test_a_phase_that_crashes_is_an_error():
    phase = gpu_check.run_phase(script(ROWS_THEN + "sys.exit(3)"), 30, lambda row: None)
    assert phase == {**phase, "status": "error", "returncode": 3}


# ---------------------------------------------------------------- the bench rows
def test_bench_rows_cover_every_workload_at_both_scales_and_record_errors(monkeypatch):
    import course.bench.run as run

    def training(names, device, scale, repeat):
        if names == ["lstm"] and scale == 16:
            raise RuntimeError("out of memory")
        return [{"workload": names[0], "ours_ms": 2.0, "torch_ms": 1.0, "ratio": 2.0}]

    def timed_graphed(name, device, scale, repeat):
        if name == "cnn":
            return {"torch_graphed_ms": 0.3, "ours_graphed_error": "graphed: ... a matmul"}
        return {"ours_graphed_ms": 0.5, "torch_graphed_ms": 0.4}

    class Pair:
        def __init__(self, name, device, scale):
            if name == "tiny":
                raise RuntimeError("no profiler here")
            self.ours, self.torch = f"{name} ours x{scale}", f"{name} torch x{scale}"

    def count(step):
        return {"ours": 120.0, "torch": 40.0}[step.split()[1]]

    monkeypatch.setattr(run, "run_training", training)
    monkeypatch.setattr(run, "run_matmul", lambda sizes, device, repeat: [{"workload": "mm"}])
    monkeypatch.setattr(gpu_check, "_timed_graphed", timed_graphed)
    monkeypatch.setattr(gpu_check, "kernels_per_step", count)
    import course.bench.workloads as W

    monkeypatch.setattr(W, "TRAINING", {n: functools.partial(Pair, n) for n in W.TRAINING})
    names = ["mlp", "cnn", "gpt", "lstm", "tiny"]
    rows = list(gpu_check.bench_rows("cuda", names=names))
    assert [r["workload"] for r in rows[-3:]] == ["gpt", "gpt", "mm"]  # costly rows last
    got = {(r["workload"], r["scale"]) for r in rows}
    assert got == {(w, s) for w in names for s in (1, 16)} | {("mm", 1)}
    assert all(r["device"] == "cuda" for r in rows)
    assert [r["error"] for r in rows if "error" in r] == ["RuntimeError: out of memory"]
    mlp = next(r for r in rows if r["workload"] == "mlp")
    assert mlp["best_ours"] == "graphed" and mlp["best_ratio"] == 0.5
    cnn = next(r for r in rows if r["workload"] == "cnn")
    assert cnn["best_ours"] == "eager" and cnn["best_ratio"] == 2.0
    assert "a matmul" in cnn["ours_graphed_error"]
    assert (mlp["ours_kernels_per_step"], mlp["torch_kernels_per_step"]) == (120.0, 40.0)
    tiny = next(r for r in rows if r["workload"] == "tiny")
    assert tiny["kernels_error"] == "RuntimeError: no profiler here" and "ours_ms" in tiny
    assert not any("kernels" in key for r in rows if r["scale"] == 16 for key in r)  # once
    cpu = list(gpu_check.bench_rows("cpu", names=names))
    assert len(cpu) == 10 and not any("torch_graphed_ms" in r for r in cpu)  # no graphs on a CPU


def test_kernels_are_the_device_events_that_are_not_copies_or_sets():
    from types import SimpleNamespace as Event

    from torch.autograd import DeviceType

    events = [
        Event(name="void gemmSN_TN_kernel<float>", device_type=DeviceType.CUDA),
        Event(name="cupy_multiply__float32_float32_float32", device_type=DeviceType.CUDA),
        Event(name="Memcpy HtoD (Pageable -> Device)", device_type=DeviceType.CUDA),
        Event(name="Memset (Device)", device_type=DeviceType.CUDA),
        Event(name="cudaLaunchKernel", device_type=DeviceType.CPU),  # the launch, not the kernel
        Event(name="aten::mm", device_type=DeviceType.CPU),
    ]
    assert gpu_check.count_kernels(events) == 2


def test_a_cpu_only_profile_counts_no_kernels():
    import torch
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        torch.ones(8, 8) @ torch.ones(8, 8)
    assert len(prof.events()) > 0 and gpu_check.count_kernels(prof.events()) == 0


@pytest.mark.slow
def test_the_worker_measures_the_host_cpu_end_to_end():
    rows = []
    cmd = gpu_check.worker_command("cpu", 3) + ["--workloads", "tiny", "--scales", "1"]
    phase = gpu_check.run_phase(cmd, 120, rows.append)
    assert phase["status"] == "ok", phase
    [row] = rows
    assert (row["workload"], row["scale"], row["device"]) == ("tiny", 1, "cpu")
    assert row["ours_ms"] > 0 and row["torch_ms"] > 0 and row["best_ours"] == "eager"


# ---------------------------------------------------------------- reading results files
OLD = "gpu-nvidia-h100-80gb-hbm3-2026-11-26.json"


def test_the_first_results_file_loads_with_rows_per_scale():
    data = gpu_check.load_results(repo_root() / "benchmarks" / "results" / OLD)
    assert data["schema"] == 1 and data["complete"] is True
    keyed = {gpu_check.row_key(r): r for r in data["results"]}
    assert len(keyed) == len(data["results"])  # x16 rows no longer overwrite x1 rows
    x1, x16 = keyed[("mlp", 1, "cuda")], keyed[("mlp", 16, "cuda")]
    assert x1["ratio"] == pytest.approx(2.03, abs=0.01)
    assert x16["ratio"] == pytest.approx(2.09, abs=0.01)
    assert x1["best_ours"] == "eager" and x1["best_ratio"] == x1["ratio"]


def test_a_new_file_round_trips(tmp_path):
    path = tmp_path / "gpu-x-2026-12-06.json"
    results = gpu_check.Results(path, {"gpu": "X", "cpu": "Y"}, dt.datetime(2026, 12, 6))
    results.add_row(gpu_check.with_best({**MLP, "ours_graphed_ms": 0.25}))
    results.add_row({**MLP, "device": "cpu", "ours_ms": 9.0, "torch_ms": 3.0})
    data = gpu_check.load_results(path)
    assert data["schema"] == 2 and data["complete"] is False
    keyed = {gpu_check.row_key(r): r for r in data["results"]}
    assert keyed[("mlp", 1, "cuda")]["best_ratio"] == 0.5
    assert keyed[("mlp", 1, "cpu")]["best_ratio"] == 3.0


def test_newest_results_picks_the_latest_date_and_skips_broken_files(tmp_path, capsys):
    for name, date in (
        ("gpu-a.json", "2026-11-26T10:00:00"),
        ("gpu-b.json", "2026-12-06T10:00:00"),
    ):
        (tmp_path / name).write_text(json.dumps({"date": date, "results": [MLP]}))
    (tmp_path / "gpu-broken.json").write_text("{not json")
    (tmp_path / "gpu-future.json").write_text(json.dumps({"schema": 99, "date": "2099"}))
    payload, path = gpu_check.newest_results(tmp_path)
    assert path.name == "gpu-b.json" and payload["results"][0]["device"] == "cuda"
    assert "gpu-broken.json" in capsys.readouterr().err
    assert gpu_check.newest_results(tmp_path / "missing") is None


def test_graphed_timing_says_which_capture_was_refused(monkeypatch):
    import course.bench
    from course import cuda_graphs
    from course.bench import Timing
    from course.bench import workloads as W

    losses = {"ours": 2.0, "torch": 2.0}
    pair = W.Pair(lambda: losses["ours"], lambda: losses["torch"], "fake", rtol=1e-4)
    monkeypatch.setitem(W.TRAINING, "fake", lambda device, scale: pair)
    monkeypatch.setattr(course.bench, "measure", lambda fn, **kw: Timing("t", [1e-3]))

    def compare(ours, torch, **kw):
        return {"ours": Timing("o", [2e-3]), "torch": Timing("t", [1e-3]), "ratio": 2.0,
                "spread": 0.0}  # fmt: skip

    def refuse(step):
        raise cuda_graphs.GraphCaptureError("graphed: this step cannot be captured: a matmul")

    monkeypatch.setattr(course.bench, "compare", compare)
    monkeypatch.setattr(cuda_graphs, "graphed", lambda step: step)
    monkeypatch.setattr(cuda_graphs, "torch_graphed", lambda step: step)
    both = gpu_check._timed_graphed("fake", "cuda", 1, 3)
    assert both["ours_graphed_ms"] == 2.0 and both["graphed_ratio"] == 2.0
    assert both["graphed_losses_agree"] is True
    losses["ours"] = 2.5  # a graph that computes something else is flagged
    assert gpu_check._timed_graphed("fake", "cuda", 1, 3)["graphed_losses_agree"] is False

    monkeypatch.setattr(cuda_graphs, "graphed", refuse)
    ours_refused = gpu_check._timed_graphed("fake", "cuda", 1, 3)
    assert "a matmul" in ours_refused["ours_graphed_error"]
    assert ours_refused["torch_graphed_ms"] == 1.0 and "ours_graphed_ms" not in ours_refused

    monkeypatch.setattr(cuda_graphs, "graphed", lambda step: step)
    monkeypatch.setattr(cuda_graphs, "torch_graphed", lambda step: 1 / 0)
    torch_refused = gpu_check._timed_graphed("fake", "cuda", 1, 3)
    assert torch_refused["torch_graphed_error"].startswith("ZeroDivisionError")
    assert torch_refused["ours_graphed_ms"] == 1.0


def test_run_bench_emits_each_row_and_starts_none_after_its_deadline(monkeypatch):
    import course.bench.run as run

    monkeypatch.setattr(run, "run_training", lambda names, *a: [{"workload": names[0]}])
    monkeypatch.setattr(run, "run_matmul", lambda *a, **k: [])
    emitted = []
    rows = gpu_check.run_bench(device="cpu", names=["mlp", "cnn"], emit=emitted.append)
    assert rows == emitted and len(rows) == 4
    assert len(gpu_check.run_bench(deadline=0.0, device="cpu", names=["mlp", "cnn"])) == 1


def test_a_step_that_cannot_start_is_an_error_and_the_next_step_runs(monkeypatch, tmp_path):
    calls = []

    def phase(device, on_row):
        calls.append(device)
        if device == "cuda":
            raise OSError("cannot start the worker")
        on_row({**MLP, "device": device})
        return {"status": "ok", "returncode": 0, "seconds": 0.1}

    fake_check(monkeypatch, phase=phase)
    out = tmp_path / "gpu.json"
    assert gpu_check.main(str(out), cuda_available=lambda: True) == 1
    steps = json.loads(out.read_text())["steps"]
    assert (
        steps["bench_cuda"]["status"] == "error" and "cannot start" in steps["bench_cuda"]["detail"]
    )
    assert steps["bench_cpu"]["status"] == "ok" and calls == ["cuda", "cpu"]
