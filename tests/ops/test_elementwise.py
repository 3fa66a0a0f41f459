"""Elementwise ops against PyTorch: values and gradients, float32 and float64, broadcasting."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import (
    DTYPES,
    FEW,
    SETTINGS,
    arrays,
    broadcast_arrays,
    broadcast_shapes,
    shapes,
)

import course
from course.ops import sum_to
from course.testing import compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02

# name: (fn on both libraries, torch_fn or None, value range for comparing, for gradcheck)
ANY, POS, AWAY = {}, {"low": 0.1, "high": 4.0}, {"gap": 0.05}
UNARY = {
    "neg": (lambda x: -x, None, ANY, ANY),
    "exp": (lambda x: x.exp(), None, ANY, ANY),
    "log": (lambda x: x.log(), None, POS, POS),
    "sqrt": (lambda x: x.sqrt(), None, POS, POS),
    "tanh": (lambda x: x.tanh(), None, ANY, ANY),
    "sigmoid": (lambda x: x.sigmoid(), None, {"low": -20.0, "high": 20.0}, ANY),
    "relu": (lambda x: x.relu(), None, ANY, AWAY),  # values hit 0 exactly: gradient 0 there
    "relu_fn": (course.relu, torch.relu, ANY, AWAY),
    "abs": (lambda x: abs(x), None, ANY, AWAY),
    "clip": (lambda x: x.clip(-1.0, 1.5), None, ANY, ANY),  # boundaries are inclusive
    "clip_min": (lambda x: course.clip(x, min=0.5), lambda x: torch.clamp(x, min=0.5), ANY, ANY),
    "clip_max": (lambda x: x.clamp(max=-0.25), None, ANY, ANY),
    "square": (lambda x: x**2, None, ANY, ANY),
    "cube_int": (lambda x: x**3, None, ANY, ANY),
    "pow_half": (lambda x: x**0.5, None, POS, POS),
    "pow_neg": (lambda x: x**-1.5, None, POS, POS),
    "rpow": (lambda x: 2.0**x, None, ANY, ANY),
    "scalars": (lambda x: (x * 2.5 + 1) - x / 4, None, ANY, ANY),
    "rsub": (lambda x: 1.5 - x, None, ANY, ANY),
    "rdiv": (lambda x: 2.0 / x, None, AWAY, {"gap": 0.3}),
    "rmul_radd": (lambda x: 3 * x + 2, None, ANY, ANY),
}
# Kinks of clip moved off the lattice hypothesis likes, for finite differences.
# Boundaries no drawn value hits: at a kink finite differences see half the slope.
GRADCHECK_FN = {
    "clip": lambda x: x.clip(-0.7071, 1.2345),
    "clip_min": lambda x: course.clip(x, min=0.5123),
    "clip_max": lambda x: x.clamp(max=-0.2468),
}

BINARY = {
    "add": (lambda a, b: a + b, None, ANY, ANY),
    "sub": (lambda a, b: a - b, None, ANY, ANY),
    "mul": (lambda a, b: a * b, None, ANY, ANY),
    "div": (lambda a, b: a / b, None, AWAY, AWAY),
    "pow": (lambda a, b: a**b, None, {"low": 0.25, "high": 3.0}, {"low": 0.25, "high": 3.0}),
    "maximum": (lambda a, b: a.maximum(b), None, ANY, None),
    "minimum": (course.minimum, torch.minimum, ANY, None),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_unary_matches_torch(name, dtype, data):
    fn, torch_fn, values, _ = UNARY[name]
    x = data.draw(arrays(dtype, shapes(), **values), label="x")
    compare_with_torch(fn, x, torch_fn=torch_fn, name=name)


@pytest.mark.parametrize("name", sorted(UNARY))
@FEW
@given(data=st.data())
def test_unary_gradcheck(name, data):
    fn, _, _, values = UNARY[name]
    x = data.draw(arrays(np.float64, shapes(max_dims=2, min_side=1, max_side=3), **values))
    gradcheck(GRADCHECK_FN.get(name, fn), x, name=name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data())
def test_binary_broadcasting_matches_torch(name, dtype, data):
    fn, torch_fn, values, _ = BINARY[name]
    a, b = data.draw(broadcast_arrays(dtype, **values), label="a, b")
    compare_with_torch(fn, a, b, torch_fn=torch_fn, name=name)


@pytest.mark.parametrize("name", sorted(BINARY))
@FEW
@given(data=st.data())
def test_binary_gradcheck(name, data):
    fn, _, _, values = BINARY[name]
    sa, sb = data.draw(broadcast_shapes(max_dims=2, min_side=1, max_side=3))
    if values is None:  # max/min: a on the half-integers, b on the integers, never tied
        lattice = st.integers(-3, 3).map(float)
        a = data.draw(hnp.arrays(np.float64, sa, elements=lattice)) + 0.5
        b = data.draw(hnp.arrays(np.float64, sb, elements=lattice))
    else:
        a = data.draw(arrays(np.float64, sa, **values))
        b = data.draw(arrays(np.float64, sb, **values))
    gradcheck(fn, a, b, name=name)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_max_min_ties_split_the_gradient_like_torch(name):
    a = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    b = np.array([1.0, 0.0, 3.0], dtype=np.float32)
    compare_with_torch(lambda x, y: getattr(x, name)(y), a, b, name=name)


@pytest.mark.parametrize("op", ["eq", "ne", "lt", "le", "gt", "ge"])
@SETTINGS
@given(data=st.data())
def test_comparisons_match_torch(op, data):
    lattice = st.integers(-2, 2).map(float)  # small lattice: ties happen
    sa, sb = data.draw(broadcast_shapes())
    a = data.draw(hnp.arrays(np.float32, sa, elements=lattice))
    b = data.draw(hnp.arrays(np.float32, sb, elements=lattice))
    symbol = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
    compare_with_torch(eval(f"lambda x, y: x {symbol} y"), a, b, name=op)
    compare_with_torch(eval(f"lambda x: x {symbol} 0.0"), a, name=f"{op} scalar")
    compare_with_torch(lambda x, y: getattr(x, op)(y), a, b, name=f"Tensor.{op}")


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_where_matches_torch(dtype, data):
    sc, sa, sb = data.draw(broadcast_shapes(num_shapes=3))
    cond = data.draw(hnp.arrays(np.bool_, sc))
    a = data.draw(arrays(dtype, sa))
    b = data.draw(arrays(dtype, sb))
    compare_with_torch(course.where, cond, a, b, torch_fn=torch.where, name="where")
    compare_with_torch(course.where, cond, a, 0.0, torch_fn=torch.where, name="where scalar")


def test_where_gradcheck():
    cond = np.array([[True, False, True], [False, False, True]])
    gradcheck(lambda a, b: course.where(course.tensor(cond), a, b), np.ones((2, 3)), np.ones(3))


@SETTINGS
@given(data=st.data())
def test_sum_to_matches_torch_sum_to_size(data):
    small, big = data.draw(broadcast_shapes(min_side=1))
    target = np.broadcast_shapes(small, big)
    grad = data.draw(arrays(np.float64, target))
    got = sum_to(grad, small)
    expected = torch.from_numpy(grad).sum_to_size(small) if small else torch.tensor(grad.sum())
    assert got.shape == small
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ dtypes


@pytest.mark.parametrize(
    "da, db", [(np.float32, np.float64), (np.float64, np.float32), (np.int64, np.float32)]
)
def test_mixed_dtypes_promote_like_torch(da, db):
    a = (np.arange(6).reshape(2, 3) + 1).astype(da)
    b = np.linspace(0.5, 1.5, 3).astype(db)
    for fn in (lambda x, y: x * y, lambda x, y: x + y, lambda x, y: x / y):
        compare_with_torch(fn, a, b, name=f"{np.dtype(da)} with {np.dtype(db)}")


def test_zero_dim_tensor_does_not_promote_a_dimensioned_one():
    x = np.linspace(-1, 1, 4).astype(np.float32)
    compare_with_torch(lambda a, s: a * s, x, np.array(0.5), name="float32 * 0-d float64")
    compare_with_torch(lambda a, s: s - a, x, np.array(2.0), name="0-d float64 - float32")
    # Two 0-d tensors promote as usual.
    compare_with_torch(lambda a, s: a * s, np.array(2.0, np.float32), np.array(0.5))


def test_integer_tensors_with_python_numbers_like_torch():
    i = np.array([1, 2, 3])
    compare_with_torch(lambda x: x * 0.5, i, name="int * float")
    compare_with_torch(lambda x: x * 2, i, name="int * int")
    compare_with_torch(lambda x: x / 2, i, name="int / int")
    compare_with_torch(lambda x, y: x / y, i, np.array([2, 4, 6]), name="int / int tensor")


@pytest.mark.parametrize("to", ["double", "float"])
def test_cast_gradient_returns_in_the_input_dtype(to):
    x = np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float64 if to == "float" else np.float32)
    compare_with_torch(lambda t: getattr(t, to)() * 3.0, x, name=to)
    gradcheck(lambda t: t.float().double() * 2.0, x, eps=1e-2, atol=1e-4)  # via float32


def test_cast_to_integer_has_no_gradient():
    x = course.tensor([1.7, -2.2], requires_grad=True)
    y = x.long()
    assert y.dtype == np.int64 and not y.requires_grad
    np.testing.assert_array_equal(y.numpy(), [1, -2])


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_tails_are_accurate_relative_to_torch(dtype):
    x = np.array([-100.0, -30.0, -20.0, -17.0, -10.0, 0.0, 10.0, 30.0, 100.0], dtype=dtype)
    compare_with_torch(lambda t: t.sigmoid(), x, atol=0.0, rtol=1e-5, name="sigmoid tails")
