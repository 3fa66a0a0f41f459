"""Lesson 06's reference block reductions (the fallback for the learner's block_sum), run in
Numba's CUDA simulator: every thread of the block gets the block's sum and maximum."""

import numpy as np
import pytest
from numba import cuda, float32  # after tests/conftest.py's cudasim.setup()

from course.lesson_kernels import reductions

pytestmark = pytest.mark.lesson06


@pytest.mark.parametrize("threads", [1, 2, 16])
def test_every_thread_gets_the_block_sum_and_max(threads):
    block_sum, block_max = reductions.device_functions()

    @cuda.jit
    def both(x, sums, maxes):
        row, t = cuda.blockIdx.x, cuda.threadIdx.x
        shared = cuda.shared.array(16, float32)
        sums[row, t] = block_sum(shared, x[row, t])
        maxes[row, t] = block_max(shared, x[row, t])  # the buffer reused at once

    x = np.random.default_rng(threads).standard_normal((3, threads)).astype(np.float32)
    sums, maxes = np.zeros_like(x), np.zeros_like(x)
    both[3, threads](x, sums, maxes)
    np.testing.assert_allclose(sums, np.repeat(x.sum(1, keepdims=True), threads, 1), rtol=1e-5)
    np.testing.assert_array_equal(maxes, np.repeat(x.max(1, keepdims=True), threads, 1))
