"""Lesson 08's fused attention kernel (Numba's CUDA simulator here) and its NumPy reference,
both against torch's scaled_dot_product_attention; on a GPU: tests/gpu/test_lesson08_gpu.py and
tests/gpu/test_lessons_gpu.py."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from course.lesson_kernels import flash_attention as fa
from course.testing import assert_close

pytestmark = pytest.mark.lesson08
RNG = np.random.default_rng(0)


def qkv(*shape, scale=1.0):
    return [np.asarray(RNG.standard_normal(shape) * scale, np.float32) for _ in range(3)]


def torch_attention(q, k, v, causal=True):
    t = [torch.from_numpy(a) for a in (q, k, v)]
    return torch.nn.functional.scaled_dot_product_attention(*t, is_causal=causal)


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 7, 4), (3, 2, 5, 8), (1, 40, 16)])
@pytest.mark.parametrize("causal", [True, False])
def test_reference_matches_torch(shape, causal):
    q, k, v = qkv(*shape)
    got = fa.attention_reference(q, k, v, causal=causal)
    assert got.dtype == np.float32
    assert_close(got, torch_attention(q, k, v, causal), name="attention_reference")


def test_reference_is_stable_for_huge_scores():
    q, k, v = qkv(1, 6, 4, scale=300.0)
    got = fa.attention_reference(q, k, v)
    assert np.isfinite(got).all()
    assert_close(got, torch_attention(q, k, v), atol=1e-3, name="attention_reference, huge scores")


@pytest.mark.parametrize(
    "shape", [(1, 1, 1), (2, 21, 8), (1, 32, 16), (1, 16, 3), (2, 17, 5)]
)  # T below, at and across the 16-row tile; head sizes up to 16
def test_kernel_matches_reference_in_the_simulator(shape):
    q, k, v = qkv(*shape)
    got = fa.flash_attention(q, k, v)
    assert got.dtype == np.float32 and got.shape == shape
    assert_close(got, torch_attention(q, k, v), atol=1e-5, name=f"flash_attention {shape}")


def test_kernel_with_a_small_tile_and_large_scores():
    q, k, v = qkv(2, 11, 4, scale=30.0)  # the running max changes often and by a lot
    got = fa.flash_attention(q, k, v, tile=4, head_max=4)
    assert_close(got, fa.attention_reference(q, k, v), atol=1e-4, name="flash_attention tile=4")


def test_kernel_rejects_bad_shapes():
    q, k, v = qkv(1, 4, 8)
    with pytest.raises(ValueError, match="share one"):
        fa.flash_attention(q, k[:, :3], v)
    with pytest.raises(ValueError, match="head size 8 > head_max 4"):
        fa.flash_attention(q, k, v, head_max=4)


def test_importing_the_module_imports_no_numba_cuda():
    code = (
        "import sys, course.lesson_kernels.flash_attention; "
        "assert 'numba.cuda' not in sys.modules and 'cupy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
