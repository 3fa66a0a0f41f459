"""Lesson 06 on a real GPU: the solution notebook, run top to bottom with the simulator off, so
every kernel the learner writes runs on CuPy arrays on the device and is checked by the lesson's
own tests (visible and hidden) against its NumPy reference. Part of `course doctor --gpu-check`."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import config
from autograder.sources import source_notebook
from course.repo import repo_root

pytestmark = pytest.mark.gpu

# Appended to the lesson: proves its kernels ran on the device, not in Numba's simulator.
ON_THE_GPU = """\
from numba import config, cuda
assert not config.ENABLE_CUDASIM, "lesson 06's kernels ran in the CUDA simulator"
print("KERNELS RAN ON", cuda.get_current_device().name)
"""


def test_lesson_06_solution_runs_every_kernel_on_the_gpu(tmp_path):
    root = repo_root()
    nb = source_notebook("06_gpu", root)
    nb.cells.append(nbformat.v4.new_code_cell(ON_THE_GPU))
    env = {**config.kernel_environment(root, quick=False), "NUMBA_ENABLE_CUDASIM": "0"}
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with config.environment(**env):
        client.execute()
    printed = "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))
    assert "KERNELS RAN ON" in printed, printed[-2000:]
