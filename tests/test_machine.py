"""Machine facts that `course doctor` and the benchmarks report."""

import sys

import pytest

from course import machine


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/meminfo")
def test_memory_total_and_available():
    mem = machine.memory()
    assert mem["total"] >= mem["available"] > 0


def test_nvidia_smi_absent_or_lists_gpus():
    found = machine.nvidia_smi()
    assert found is None or (found and all("," in line for line in found))


def test_cores_are_logical_and_physical_apart(monkeypatch, tmp_path):
    """SMT siblings (same package and core id) count once as physical cores."""
    import builtins
    import os

    topology = {0: ("0", "0"), 1: ("0", "0"), 2: ("0", "1"), 3: ("0", "1")}
    real_open = builtins.open

    def fake_open(path, *args, **kwargs):
        path = str(path)
        if path.startswith("/sys/devices/system/cpu/cpu"):
            cpu = int(path.split("/cpu/cpu")[1].split("/")[0])
            package, core = topology[cpu]
            target = tmp_path / f"{cpu}-{path.rsplit('/', 1)[1]}"
            target.write_text(package if path.endswith("physical_package_id") else core)
            return real_open(target, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(builtins, "open", fake_open)
    assert machine.logical_cpus() == 4
    assert machine.physical_cores() == 2
    assert machine.describe_cores() == "4 logical CPUs on 2 physical cores"
    topology[3] = None  # a CPU whose topology cannot be read: unknown, not a guess

    def broken_open(path, *args, **kwargs):
        if "/cpu3/" in str(path):
            raise FileNotFoundError(path)
        return fake_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", broken_open)
    assert machine.physical_cores() is None
    assert machine.describe_cores() == "4 logical CPUs"
    assert {"logical_cpus", "physical_cores"} <= set(machine.facts())
