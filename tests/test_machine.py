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
