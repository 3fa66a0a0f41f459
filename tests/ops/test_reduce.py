"""Reductions against PyTorch: sum, mean, amax/amin, max/min (values, indices), argmax/argmin."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import DTYPES, FEW, SETTINGS, arrays, dims, shapes, spread

import course
from course.testing import compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02

LATTICE = st.integers(-2, 2).map(float)  # ties on purpose: tied extremes share the gradient


def _call(method, d, keepdim):
    """x.method(dim=d, keepdim=keepdim), or x.method() when d is None (torch's amax has no None)."""
    if d is None:
        return lambda x: getattr(x, method)()
    return lambda x: getattr(x, method)(dim=d, keepdim=keepdim)


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["sum", "mean"])
@SETTINGS
@given(data=st.data())
def test_sum_mean_match_torch(method, dtype, data):
    x = data.draw(arrays(dtype, shapes()), label="x")
    d = data.draw(dims(x.ndim), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    compare_with_torch(_call(method, d, keepdim), x, name=f"{method}(dim={d}, keepdim={keepdim})")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["amax", "amin"])
@SETTINGS
@given(data=st.data())
def test_amax_amin_match_torch_with_ties(method, dtype, data):
    x = data.draw(hnp.arrays(dtype, shapes(min_side=1), elements=LATTICE), label="x")
    d = data.draw(dims(x.ndim), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    compare_with_torch(_call(method, d, keepdim), x, name=f"{method}(dim={d})")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["max", "min"])
@SETTINGS
@given(data=st.data())
def test_max_min_match_torch(method, dtype, data):
    x = data.draw(hnp.arrays(dtype, shapes(min_side=1), elements=LATTICE), label="x")
    compare_with_torch(lambda t: getattr(t, method)(), x, name=f"{method}()")
    # With a dim: (values, indices). Distinct values, so the index is unambiguous.
    x = data.draw(spread(dtype, shapes(min_side=1)), label="distinct x")
    d = data.draw(dims(x.ndim, allow_none=False, allow_tuple=False) if x.ndim else st.just(0))
    keepdim = data.draw(st.booleans(), label="keepdim")
    compare_with_torch(_call(method, d, keepdim), x, name=f"{method}(dim={d})")
    compare_with_torch(
        lambda t: getattr(course, method)(t, d), x, torch_fn=lambda t: getattr(torch, method)(t, d)
    )


@pytest.mark.parametrize("method", ["argmax", "argmin"])
@SETTINGS
@given(data=st.data())
def test_argmax_argmin_match_torch(method, data):
    x = data.draw(spread(np.float32, shapes(min_side=1)), label="x")
    compare_with_torch(lambda t: getattr(t, method)(), x, name=f"{method}()")
    if x.ndim:
        d = data.draw(dims(x.ndim, allow_none=False, allow_tuple=False), label="dim")
        keepdim = data.draw(st.booleans(), label="keepdim")
        compare_with_torch(_call(method, d, keepdim), x, name=f"{method}(dim={d})")


@pytest.mark.parametrize("method", ["argmax", "argmin"])
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_argmax_argmin_on_zero_dim_tensor_like_torch(method, dim, keepdim):
    """A 0-d tensor accepts dim 0 and -1 in torch (mypy found ours crashed on it)."""
    x = np.array(1.5, dtype=np.float32)
    compare_with_torch(_call(method, dim, keepdim), x, name=f"{method}(dim={dim})")


def test_max_on_zero_dim_tensor_like_torch():
    x = np.array(1.5, dtype=np.float32)
    for fn in (lambda t: t.max(0), lambda t: t.min(-1, keepdim=True), lambda t: t.sum(0)):
        compare_with_torch(fn, x)


@pytest.mark.parametrize("method", ["sum", "mean", "amax", "amin"])
@FEW
@given(data=st.data())
def test_reductions_gradcheck(method, data):
    x = data.draw(spread(np.float64, shapes(max_dims=3, min_side=1, max_side=3)), label="x")
    d = data.draw(dims(x.ndim), label="dim")
    gradcheck(_call(method, d, False), x, name=f"{method}(dim={d})")
    gradcheck(_call(method, d, True), x, name=f"{method}(dim={d}, keepdim=True)")


@FEW
@given(data=st.data())
def test_max_with_dim_gradcheck(data):
    x = data.draw(spread(np.float64, shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)))
    d = data.draw(dims(x.ndim, allow_none=False, allow_tuple=False), label="dim")
    gradcheck(lambda t: t.max(d).values, x, name=f"max(dim={d})")
    gradcheck(lambda t: t.min(d, keepdim=True)[0], x, name=f"min(dim={d}, keepdim=True)")


def test_reduction_errors_name_the_op_and_dims():
    x = course.ones(2, 3)
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor with 2 dims"):
        x.sum(2)
    with pytest.raises(ValueError, match="names a dimension twice"):
        x.mean((0, -2))
    with pytest.raises(RuntimeError, match="amax: the tensor is empty"):
        course.zeros(0, 3).amax()
    with pytest.raises(IndexError, match=r"max\(dim=0\): dimension 0 of shape \(0, 3\) is empty"):
        course.zeros(0, 3).max(0)
    with pytest.raises(TypeError, match="mean: needs a floating-point tensor"):
        course.tensor([1, 2]).mean()
