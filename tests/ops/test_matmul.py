"""matmul against PyTorch: 1-D, 2-D, batched, broadcast batch dims; gradients; error messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import DTYPES, FEW, SETTINGS, arrays, broadcast_shapes

import course
from course.testing import compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02

SHAPES = [
    ((3,), (3,)),  # dot product, 0-d result
    ((3,), (3, 4)),  # row vector @ matrix
    ((2, 3), (3,)),  # matrix @ column vector
    ((2, 3), (3, 4)),
    ((1, 1), (1, 1)),
    ((0, 3), (3, 4)),  # empty rows
    ((2, 0), (0, 4)),  # empty inner dim: zeros
    ((5, 2, 3), (5, 3, 4)),  # batched
    ((5, 2, 3), (3, 4)),  # a batch against one weight matrix
    ((2, 3), (5, 3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((2, 1, 2, 3), (5, 3, 4)),  # batch dims broadcast
    ((1, 5, 2, 3), (4, 1, 3, 2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa, sb", SHAPES)
def test_matmul_shapes_match_torch(sa, sb, dtype):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    compare_with_torch(lambda x, y: x @ y, a, b, name=f"matmul {sa} @ {sb}")
    compare_with_torch(lambda x, y: y.__rmatmul__(x), a, b, name="rmatmul")


@pytest.mark.parametrize("sa, sb", [s for s in SHAPES if 0 not in s[0] + s[1]])
def test_matmul_gradcheck(sa, sb):
    rng = np.random.default_rng(1)
    gradcheck(lambda x, y: x @ y, rng.standard_normal(sa), rng.standard_normal(sb), name="matmul")


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_batched_matmul_with_broadcast_batch_dims_matches_torch(dtype, data):
    ba, bb = data.draw(broadcast_shapes(max_dims=2, min_side=1, max_side=3), label="batch")
    m, k, n = data.draw(st.tuples(*[st.integers(1, 4)] * 3), label="m, k, n")
    a = data.draw(arrays(dtype, ba + (m, k)), label="a")
    b = data.draw(arrays(dtype, bb + (k, n)), label="b")
    # Sums of up to 4 products of values up to 3: float32 error stays near 1e-5 relative.
    compare_with_torch(course.matmul, a, b, torch_fn=lambda x, y: x @ y, atol=1e-4)


@FEW
@given(data=st.data())
def test_batched_matmul_gradcheck(data):
    ba, bb = data.draw(broadcast_shapes(max_dims=2, min_side=1, max_side=2), label="batch")
    a = data.draw(arrays(np.float64, ba + (2, 3)), label="a")
    b = data.draw(arrays(np.float64, bb + (3, 2)), label="b")
    gradcheck(course.matmul, a, b)


def test_matmul_with_only_one_input_needing_grad():
    a = course.randn(4, 2, 3, requires_grad=True)
    w = course.randn(3, 5)
    (a @ w).sum().backward()
    assert w.grad is None and a.grad.shape == (4, 2, 3)
    np.testing.assert_allclose(a.grad.numpy(), np.broadcast_to(w.numpy().sum(1), (4, 2, 3)))


def test_matmul_errors_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(32, 64\) and \(32, 10\) do not"):
        course.ones(32, 64) @ course.ones(32, 10)
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(3,\) and \(4,\) do not align: 3"):
        course.ones(3) @ course.ones(4)
    with pytest.raises(RuntimeError, match=r"batch dims of shapes \(2, 2, 3\) and \(3, 3, 4\)"):
        course.ones(2, 2, 3) @ course.ones(3, 3, 4)
    with pytest.raises(RuntimeError, match="at least 1 dim"):
        course.matmul(course.ones(()), course.ones(3))
