"""Lesson 08's fused attention kernel on a real GPU: the solution kernel
(course.lesson_kernels.flash_attention) on CuPy arrays against its NumPy reference, at the
lesson's simulator sizes and at a GPT's (the lesson notebook itself: test_lessons_gpu.py).
Part of `course doctor --gpu-check`."""

from __future__ import annotations

import numpy as np
import pytest

from course import backend
from course.lesson_kernels import flash_attention as fa
from course.testing import assert_close

pytestmark = [pytest.mark.gpu, pytest.mark.lesson08]


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 21, 8), (1, 32, 16), (8, 1000, 64)])
def test_flash_attention_kernel_on_the_gpu_matches_the_numpy_reference(shape):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(shape).astype(np.float32) for _ in range(3))
    got = fa.flash_attention(*(backend.to_device(a, "cuda") for a in (q, k, v)))
    assert backend.device_of(got) == "cuda"
    assert_close(backend.to_numpy(got), fa.attention_reference(q, k, v), atol=1e-4,
                 name=f"flash_attention on the GPU {shape}")  # fmt: skip
