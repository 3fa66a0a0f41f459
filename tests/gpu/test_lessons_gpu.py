"""The lessons with kernels on a real GPU: each solution notebook, run top to bottom with the
simulator off, so every kernel the learner writes runs on CuPy arrays on the device and is checked
by the lesson's own tests (visible and hidden) against its NumPy reference. Part of
`course doctor --gpu-check`."""

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
assert not config.ENABLE_CUDASIM, "the lesson's kernels ran in the CUDA simulator"
print("KERNELS RAN ON", cuda.get_current_device().name)
"""


@pytest.mark.parametrize(
    "lesson_id",
    [
        pytest.param("06_gpu", marks=pytest.mark.lesson06),
        pytest.param("08_attention", marks=pytest.mark.lesson08),
    ],
)
def test_lesson_solution_runs_its_kernels_on_the_gpu(lesson_id, tmp_path):
    root = repo_root()
    nb = source_notebook(lesson_id, root)
    nb.cells.append(nbformat.v4.new_code_cell(ON_THE_GPU))
    env = {**config.kernel_environment(root, quick=False), "NUMBA_ENABLE_CUDASIM": "0"}
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with config.environment(**env):
        client.execute()
    printed = "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))
    assert "KERNELS RAN ON" in printed, printed[-2000:]
