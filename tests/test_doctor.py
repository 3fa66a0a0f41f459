"""`course doctor` names what the machine has and the fix for each gap."""

import json

from course import doctor
from course.cli import main


def test_doctor_lists_the_essentials():
    names = [what for what, _, _ in doctor.checks()]
    assert names[0] == "Python"
    assert any(n.startswith("NumPy") for n in names)
    assert "PyTorch" in names and "GPU" in names


def test_every_gap_has_a_fix(capsys):
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("-> "):
            assert "fix:" in lines[i + 1], f"no fix printed after {line!r}"


def row(name):
    [found] = [r for r in doctor.checks() if r[0] == name]
    return found


def test_memory_is_reported_and_low_memory_is_a_gap(monkeypatch):
    _, found, fix = row("Memory")
    assert "GB total" in found and "available" in found
    monkeypatch.setattr(doctor.machine, "memory", lambda: {"total": 2**31, "available": 2**30})
    _, found, fix = row("Memory")
    assert found == "2.0 GB total, 1.0 GB available" and "1.5 GB" in fix


def missing(monkeypatch, *names):
    real = doctor.machine.version
    monkeypatch.setattr(doctor.machine, "version", lambda d: None if d in names else real(d))


def test_missing_tools_get_the_pinned_install_command(monkeypatch):
    missing(monkeypatch, "ipywidgets")
    assert row("ipywidgets")[2] == f"pip install ipywidgets=={doctor.pins()['ipywidgets']}"


def test_learners_doctor_names_no_instructor_tool():
    names = {what for what, _, _ in doctor.checks()}
    assert not {n for n in names if "nbgrader" in n or "jupytext" in n}, names


def test_missing_torch_gets_the_cpu_wheel(monkeypatch):
    missing(monkeypatch, "torch")
    _, found, fix = row("PyTorch")
    assert "missing" in found
    assert fix == "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"


def test_gpu_present_without_cupy(monkeypatch):
    missing(monkeypatch, "cupy", "cupy-cuda12x")
    monkeypatch.setattr(doctor.machine, "gpu_details", lambda: None)
    monkeypatch.setattr(doctor.machine, "nvidia_smi", lambda: ["NVIDIA H100, 550.54, 81559 MiB"])
    _, found, fix = row("GPU")
    assert "NVIDIA H100" in found and "CuPy missing" in found
    assert fix == "pip install -e '.[gpu]'"


def test_working_gpu_shows_cuda_details(monkeypatch):
    details = {
        "name": "NVIDIA H100",
        "memory_gb": 79.1,
        "compute_capability": "9.0",
        "cuda_runtime": "12.4",
        "cuda_driver": "12.4",
        "devices": 1,
    }
    monkeypatch.setattr(doctor.machine, "gpu_details", lambda: details)
    _, found, fix = row("GPU")
    assert fix is None and "compute 9.0" in found and "CUDA runtime 12.4" in found


def test_no_gpu_is_optional(monkeypatch):
    missing(monkeypatch, "cupy", "cupy-cuda12x")
    monkeypatch.setattr(doctor.machine, "gpu_details", lambda: None)
    monkeypatch.setattr(doctor.machine, "nvidia_smi", lambda: None)
    _, found, fix = row("GPU")
    assert found.startswith("none (fine") and fix.startswith("optional")


def test_json_output(capsys):
    assert main(["doctor", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"what", "found", "fix"} == set(rows[0]) and rows[0]["what"] == "Python"
