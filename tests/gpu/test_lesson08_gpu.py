"""Lesson 08's fused attention kernel on a real GPU: the solution kernel
(course.lesson_kernels.flash_attention) on CuPy arrays against its NumPy reference, at the
lesson's simulator sizes and at a GPT's, and the lesson notebook run with the simulator off.
Part of `course doctor --gpu-check`."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from autograder import config
from autograder.sources import source_notebook
from course import backend
from course.lesson_kernels import flash_attention as fa
from course.repo import repo_root
from course.testing import assert_close

pytestmark = [pytest.mark.gpu, pytest.mark.lesson08]

ON_THE_GPU = """\
from numba import config, cuda
assert not config.ENABLE_CUDASIM, "lesson 08's kernel ran in the CUDA simulator"
print("KERNELS RAN ON", cuda.get_current_device().name)
"""


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 21, 8), (1, 32, 16), (8, 1000, 64)])
def test_flash_attention_kernel_on_the_gpu_matches_the_numpy_reference(shape):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(shape).astype(np.float32) for _ in range(3))
    got = fa.flash_attention(*(backend.to_device(a, "cuda") for a in (q, k, v)))
    assert backend.device_of(got) == "cuda"
    assert_close(backend.to_numpy(got), fa.attention_reference(q, k, v), atol=1e-4,
                 name=f"flash_attention on the GPU {shape}")  # fmt: skip


def test_lesson_08_solution_runs_its_kernel_on_the_gpu(tmp_path):
    root = repo_root()
    nb = source_notebook("08_attention", root)
    nb.cells.append(nbformat.v4.new_code_cell(ON_THE_GPU))
    env = {**config.kernel_environment(root, quick=False), "NUMBA_ENABLE_CUDASIM": "0"}
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with config.environment(**env):
        client.execute()
    printed = "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))
    assert "KERNELS RAN ON" in printed, printed[-2000:]
