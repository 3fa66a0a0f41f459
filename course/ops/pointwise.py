"""Pointwise math on one tensor: exp, log, sqrt, tanh, sigmoid, relu, abs, clip, sin ... floor.

Each is a `Function` whose backward multiplies the output gradient by the local derivative.
Integer inputs of the transcendental functions (exp, log, sin ...) give float32, as in torch;
the step functions (sign, floor, ceil, round) have a zero gradient, as torch's.
"""

from __future__ import annotations

import math

import numpy as np

from course.autograd import Function, Tensor
from course.backend import get_array_module
from course.ops._parallel import map_chunks, split
from course.ops.elementwise import cast, masked


def _floating(x: Tensor) -> Tensor:
    """Integer and bool tensors as float32: sin, log1p ... of an integer give floats in torch."""
    return cast(x, np.float32) if x.array.dtype.kind in "biu" else x


# ------------------------------------------------------------ activations and exp/log


class Exp(Function):
    def forward(self, x):
        self.out = get_array_module(x).exp(x)
        return self.out

    def backward(self, grad):
        return grad * self.out


def exp(x: Tensor) -> Tensor:
    """e ** x."""
    return Exp.apply(_floating(x))


class Log(Function):
    def forward(self, x):
        self.x = x
        return get_array_module(x).log(x)

    def backward(self, grad):
        return grad / self.x


def log(x: Tensor) -> Tensor:
    """Natural logarithm."""
    return Log.apply(_floating(x))


class Sqrt(Function):
    def forward(self, x):
        self.out = get_array_module(x).sqrt(x)
        return self.out

    def backward(self, grad):
        return grad / (2 * self.out)


def sqrt(x: Tensor) -> Tensor:
    return Sqrt.apply(_floating(x))


class Tanh(Function):
    def forward(self, x):
        self.out = get_array_module(x).tanh(x)
        return self.out

    def backward(self, grad):
        out = self.out
        return grad * (1 - out * out)


def tanh(x: Tensor) -> Tensor:
    return Tanh.apply(x)


class Sigmoid(Function):
    def forward(self, x):
        # 1 / (1 + e**-x) keeps both tails exact (0.5 * (1 + tanh(x / 2)) cancels to 0 for
        # x < -17 in float32). e**-x overflows to inf for x < -88, giving the right limit 0.
        xp = get_array_module(x)
        out = xp.negative(x, out=xp.empty_like(x))  # one buffer, updated in place
        with np.errstate(over="ignore"):
            xp.exp(out, out=out)
        out += 1
        xp.reciprocal(out, out=out)
        self.out = out
        return out

    def backward(self, grad):
        out = self.out
        return grad * (out * (1 - out))


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e ** -x), computed without overflow."""
    return Sigmoid.apply(x)


class Relu(Function):
    """On the CPU a large tensor is done in chunks of its first axis on the thread pool of
    course/ops/_parallel.py (NumPy's loops release the GIL): both cores share the pass."""

    def forward(self, x):
        xp = get_array_module(x)
        out = self.out = xp.empty_like(x)  # x's memory order: NHWC stays NHWC
        map_chunks(lambda s: _max_zero(x[s], out[s]), split(x))
        return out

    def backward(self, grad):
        xp, out = get_array_module(grad), self.out
        gx = xp.empty_like(grad)
        # out != 0: a NaN output passes its gradient on, as torch (NaN > 0 is false)
        map_chunks(lambda s: masked(grad[s], out[s] != 0, out=gx[s]), split(grad, 3))
        return gx


_ZERO_ROW = 16384


def _max_zero(x, out):
    """out = max(x, 0), for ``out`` laid out as ``x``.

    NumPy 2.4's maximum against a scalar runs a slow loop: 3x its maximum of two arrays
    (295 against 110 us for 3.2 MB of float32, 2-core AMD EPYC). So the memory of x is taken
    as rows, and their maximum with one row of zeros takes the fast loop. Rows of 16384 values:
    for 6.4 MB, 0.26-0.29 ms, against 0.42-0.60 with rows of 4096 and 0.59 for the scalar.
    """
    xp = get_array_module(x)
    flat, flat_out = _memory(x), _memory(out)
    if xp is not np or flat is None or flat_out is None or flat.size < _ZERO_ROW:
        return xp.maximum(x, 0, out=out)
    body = flat.size - flat.size % _ZERO_ROW
    zeros = np.zeros(_ZERO_ROW, dtype=out.dtype)
    rows, rows_out = (a[:body].reshape(-1, _ZERO_ROW) for a in (flat, flat_out))
    np.maximum(rows, zeros, out=rows_out)
    np.maximum(flat[body:], 0, out=flat_out[body:])
    return out


def _memory(a):
    """``a`` as a 1-D view in its memory order, or None if it is not one dense block."""
    # outermost first, by |stride| (this module's `abs` is the Tensor op)
    order = sorted(range(a.ndim), key=lambda d: -max(a.strides[d], -a.strides[d]))
    dense = a.transpose(order)
    if not dense.flags.c_contiguous:
        return None
    return dense.reshape(-1)


def relu(x: Tensor) -> Tensor:
    """max(x, 0); the gradient at 0 is 0, as PyTorch."""
    return Relu.apply(x)


class Abs(Function):
    def forward(self, x):
        self.x = x
        return get_array_module(x).abs(x)

    def backward(self, grad):
        return grad * get_array_module(grad).sign(self.x)


def abs(x: Tensor) -> Tensor:  # noqa: A001 - PyTorch's name
    """|x|; the gradient at 0 is 0."""
    return Abs.apply(x)


class Clip(Function):
    def forward(self, x, low, high):
        self.x, self.low, self.high = x, low, high
        return get_array_module(x).clip(x, low, high)

    def backward(self, grad):
        x, inside = self.x, None
        if self.low is not None:
            inside = x >= self.low
        if self.high is not None:
            below = x <= self.high
            inside = below if inside is None else inside & below
        return grad if inside is None else masked(grad, inside)


def clip(x: Tensor, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's names
    """x limited to [min, max]; the gradient passes where min <= x <= max."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    return Clip.apply(x, low=min, high=max)


# ----------------------------------------------------------------------- math functions


class Sin(Function):
    def forward(self, x):
        self.x = x
        return get_array_module(x).sin(x)

    def backward(self, grad):
        return grad * get_array_module(grad).cos(self.x)


def sin(x: Tensor) -> Tensor:
    """sin(x), x in radians."""
    return Sin.apply(_floating(x))


class Cos(Function):
    def forward(self, x):
        self.x = x
        return get_array_module(x).cos(x)

    def backward(self, grad):
        return -grad * get_array_module(grad).sin(self.x)


def cos(x: Tensor) -> Tensor:
    """cos(x), x in radians."""
    return Cos.apply(_floating(x))


class Log1p(Function):
    def forward(self, x):
        self.x = x
        return get_array_module(x).log1p(x)

    def backward(self, grad):
        return grad / (1 + self.x)


def log1p(x: Tensor) -> Tensor:
    """log(1 + x), exact for tiny x (where 1 + x would round to 1)."""
    return Log1p.apply(_floating(x))


class Expm1(Function):
    def forward(self, x):
        self.out = get_array_module(x).expm1(x)
        return self.out

    def backward(self, grad):
        return grad * (self.out + 1)


def expm1(x: Tensor) -> Tensor:
    """e ** x - 1, exact for tiny x."""
    return Expm1.apply(_floating(x))


class LogBase(Function):
    """log2 or log10: the gradient is 1 / (x ln base)."""

    def forward(self, x, base):
        self.x, self.ln_base = x, math.log(base)  # a Python float: keeps float32 float32
        return get_array_module(x).log2(x) if base == 2 else get_array_module(x).log10(x)

    def backward(self, grad):
        return grad / (self.x * self.ln_base)


def log2(x: Tensor) -> Tensor:
    """Logarithm in base 2."""
    return LogBase.apply(_floating(x), base=2)


def log10(x: Tensor) -> Tensor:
    """Logarithm in base 10."""
    return LogBase.apply(_floating(x), base=10)


class Rsqrt(Function):
    def forward(self, x):
        xp = get_array_module(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # inf at 0, NaN below, as torch
            self.out = xp.reciprocal(xp.sqrt(x))
        return self.out

    def backward(self, grad):
        out = self.out
        return grad * (-0.5 * out * out * out)


def rsqrt(x: Tensor) -> Tensor:
    """1 / sqrt(x)."""
    return Rsqrt.apply(_floating(x))


class Reciprocal(Function):
    def forward(self, x):
        with np.errstate(divide="ignore"):  # 1 / 0 is inf, as in torch
            self.out = get_array_module(x).reciprocal(x)
        return self.out

    def backward(self, grad):
        return -grad * self.out * self.out


def reciprocal(x: Tensor) -> Tensor:
    """1 / x; integer inputs give float32, as torch."""
    return Reciprocal.apply(_floating(x))


class Square(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return grad * (2 * self.x)


def square(x: Tensor) -> Tensor:
    """x * x (integers stay integers)."""
    return Square.apply(x)


class Step(Function):
    """sign, floor, ceil, round: piecewise constant, so their gradient is zero (as torch's)."""

    saves_values = False  # the gradient is zero whatever the input

    def forward(self, x, name, decimals=0):
        xp = get_array_module(x)
        if name == "round":
            return xp.round(x, decimals)
        if name != "sign" and x.dtype.kind in "biu":  # floor of an integer is itself
            return x.copy()
        return getattr(xp, name)(x)

    def backward(self, grad):
        return get_array_module(grad).zeros_like(grad)


def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 as x is negative, zero or positive; zero gradient."""
    return Step.apply(x, name="sign")


def floor(x: Tensor) -> Tensor:
    """The largest integer <= x (same dtype); zero gradient."""
    return Step.apply(x, name="floor")


def ceil(x: Tensor) -> Tensor:
    """The smallest integer >= x (same dtype); zero gradient."""
    return Step.apply(x, name="ceil")


def round(x: Tensor, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
    """x rounded to ``decimals`` places, halves to even (as torch); zero gradient."""
    return Step.apply(x, name="round", decimals=decimals)
