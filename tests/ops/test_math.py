"""Math functions (sin, cos, log1p, rsqrt, floor ...) and linspace/logspace against PyTorch:
values, dtypes and gradients, float32 and float64, as torch functions and Tensor methods."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import DTYPES, FEW, SETTINGS, arrays, broadcast_arrays, shapes

import course
from course.testing import compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02

ANY, POS, ABOVE_MINUS_ONE = {}, {"low": 0.1, "high": 4.0}, {"low": -0.9, "high": 3.0}
# name: value range (float inputs); every op runs as torch.<name>(x) and as x.<name>().
SMOOTH = {
    "sin": ANY,
    "cos": ANY,
    "exp": ANY,
    "log": POS,
    "log1p": ABOVE_MINUS_ONE,
    "expm1": ANY,
    "sqrt": POS,
    "rsqrt": POS,
    "square": ANY,
    "reciprocal": {"gap": 0.1},
    "log2": POS,
    "log10": POS,
}
STEP = ["sign", "floor", "ceil", "round"]  # piecewise constant: zero gradient, as torch


def _function(name):
    return lambda x: getattr(course, name)(x)


def _torch_function(name):
    return lambda x: getattr(torch, name)(x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(SMOOTH) + STEP)
@SETTINGS
@given(data=st.data())
def test_math_function_matches_torch(name, dtype, data):
    x = data.draw(arrays(dtype, shapes(), **SMOOTH.get(name, ANY)), label="x")
    compare_with_torch(_function(name), x, torch_fn=_torch_function(name), name=name)
    method = lambda t: getattr(t, name)()  # noqa: E731 - the same call on both libraries
    compare_with_torch(method, x, name=f"Tensor.{name}")


@pytest.mark.parametrize("name", sorted(SMOOTH))
@FEW
@given(data=st.data())
def test_math_function_gradcheck(name, data):
    x = data.draw(arrays(np.float64, shapes(max_dims=2, min_side=1, max_side=3), **SMOOTH[name]))
    gradcheck(_function(name), x, name=name)


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_math_functions_compose_with_broadcasting(dtype, data):
    a, b = data.draw(broadcast_arrays(dtype, low=0.1, high=3.0), label="a, b")
    fn = lambda x, y: x.sin() * y.rsqrt() + (x * y).log1p().square()  # noqa: E731
    compare_with_torch(fn, a, b, name="sin * rsqrt + log1p(x * y) ** 2")


def test_round_halves_to_even_and_takes_decimals_like_torch():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.125, 1.2345], dtype=np.float32)
    compare_with_torch(lambda t: t.round(), x, name="round")
    for d in (1, 2):
        compare_with_torch(
            lambda t, d=d: course.round(t, decimals=d),
            x,
            torch_fn=lambda t, d=d: torch.round(t, decimals=d),
            name=f"round {d}",
        )


def test_step_functions_pass_zero_gradient_like_torch():
    x = course.tensor([-1.5, 0.0, 0.3, 2.0], requires_grad=True)
    (x.sign() + x.floor() + x.ceil() + x.round() + x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0, 2.0]


@pytest.mark.parametrize("name", sorted(SMOOTH) + STEP)
def test_integer_inputs_give_torchs_dtype(name):
    """sin, rsqrt ... of an int64 tensor are float32 in torch; square, sign, floor stay int64."""
    x = np.array([[1, 2, 3], [4, 5, 7]])
    compare_with_torch(_function(name), x, torch_fn=_torch_function(name), name=name)


@pytest.mark.parametrize("name", ["rsqrt", "reciprocal", "log1p", "log2", "log10", "expm1"])
def test_edge_values_give_torchs_infinities_and_nans(name):
    x = np.array([0.0, -0.0, -1.0, 1e-30, 1e30, np.inf], dtype=np.float32)
    with np.errstate(all="ignore"):
        compare_with_torch(_function(name), x, torch_fn=_torch_function(name), grad=False)


def test_tiny_values_stay_exact_in_log1p_and_expm1():
    x = np.array([1e-10, -1e-12, 3e-8], dtype=np.float64)
    compare_with_torch(course.log1p, x, torch_fn=torch.log1p, rtol=1e-15, atol=0.0)
    compare_with_torch(course.expm1, x, torch_fn=torch.expm1, rtol=1e-15, atol=0.0)


# ------------------------------------------------------------------- linspace, logspace


@pytest.mark.parametrize(
    "start, end, steps",
    [(0, 1, 5), (-3, 7, 11), (2.5, -1.25, 4), (0, 10, 1), (5, 5, 3), (0, 1, 0), (-1, 1, 100)],
)
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
def test_linspace_matches_torch(start, end, steps, dtype):
    ours = course.linspace(
        start, end, steps, dtype=None if dtype is None else getattr(course, dtype)
    )
    theirs = torch.linspace(
        start, end, steps, dtype=None if dtype is None else getattr(torch, dtype)
    )
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("base", [10.0, 2.0])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_logspace_matches_torch(base, dtype):
    ours = course.logspace(-2, 3, 7, base=base, dtype=None if dtype is None else course.float64)
    theirs = torch.logspace(-2, 3, 7, base=base, dtype=None if dtype is None else torch.float64)
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_linspace_requires_grad_and_checks_steps():
    x = course.linspace(0, 1, 3, requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 1.0, 2.0])
    for bad in (-1, 2.0, True):
        with pytest.raises(ValueError, match=r"linspace: steps must be a non-negative int"):
            course.linspace(0, 1, bad)
