"""Elementwise ops on two tensors: arithmetic, max/min, comparisons and `where`.

Binary ops broadcast their inputs; their backward reduces the gradient back to each
input's shape with the one `sum_to` rule. Python scalars take the tensor's dtype, so
float32 stays float32 (NumPy 2 would promote ``float32 * np.array(0.5)`` to float64).
Math on one tensor (exp, log, sigmoid ...) is in pointwise.py.
"""

from __future__ import annotations

import numpy as np

from course.autograd import Function, Tensor, constant
from course.backend import get_array_module

# ------------------------------------------------------------------------------ helpers


def sum_to(grad, shape: tuple[int, ...]):
    """Sum ``grad`` over the axes that broadcasting expanded, giving an array of ``shape``."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    out = grad.sum(axis=axes, keepdims=True)
    return out.reshape(shape)


def masked(values, keep, out=None):
    """``values`` where ``keep``, +0 elsewhere, as torch's masked gradients (ReLU, max-pool,
    clamp): a dropped inf or NaN gives 0, a kept one stays itself. ``values * keep`` would turn a
    dropped inf into NaN (inf * 0). The float bits are multiplied by the mask as integers
    instead: one pass, as fast as the float multiply. ``out`` may be any view of values' dtype
    (a strided window of a gradient buffer)."""
    xp = get_array_module(values)
    if values.dtype.kind != "f":
        return xp.multiply(values, keep, out=out)
    if out is None:
        out = xp.empty(np.broadcast_shapes(values.shape, keep.shape), dtype=values.dtype)
    ints = xp.dtype(f"i{values.dtype.itemsize}")
    xp.multiply(values.view(ints), keep, out=out.view(ints))
    return out


def _category(dtype) -> int:
    return {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}[dtype.kind]


def promote_types(*dtypes):
    """PyTorch's promotion among dimensioned tensors: the highest category (bool < int <
    float < complex) wins, and within it NumPy's rule (int64 with float32 gives float32)."""
    top = max(_category(np.dtype(d)) for d in dtypes)
    return np.result_type(*[d for d in dtypes if _category(np.dtype(d)) == top])


def result_dtype(a, b):
    """Result dtype of a binary op on arrays ``a`` and ``b``, following PyTorch's rules.

    A 0-d operand does not promote a dimensioned one of the same or higher category
    (float32 tensor * float64 0-d tensor stays float32), unlike NumPy 2. Across categories
    the higher one's dtype wins as it is (int64 tensor * float32 tensor is float32).
    """
    if a.dtype == b.dtype:
        return a.dtype
    ca, cb = _category(a.dtype), _category(b.dtype)
    a0, b0 = a.ndim == 0, b.ndim == 0
    if a0 != b0:
        dim, zero = (b, a) if a0 else (a, b)
        return dim.dtype if _category(zero.dtype) <= _category(dim.dtype) else zero.dtype
    if ca != cb:
        return a.dtype if ca > cb else b.dtype
    return np.result_type(a.dtype, b.dtype)


def lift(x, like: Tensor) -> Tensor:
    """``x`` as a Tensor; Python numbers take ``like``'s dtype (or float32 for a float
    meeting an integer tensor, as PyTorch does)."""
    if isinstance(x, Tensor):
        return x
    data = like.array
    xp = get_array_module(data)
    if isinstance(x, (bool, int, float)):
        dtype = data.dtype
        if isinstance(x, float) and dtype.kind in "biu":
            dtype = np.float32
        elif isinstance(x, int) and not isinstance(x, bool) and dtype.kind == "b":
            dtype = np.int64
        return constant(xp.asarray(x, dtype=dtype))
    return constant(xp.asarray(x))


def _pair(a, b) -> tuple[Tensor, Tensor]:
    """Two tensors of one dtype from a tensor and a tensor-or-number (either order)."""
    if not isinstance(a, Tensor):
        a = lift(a, b)
    elif not isinstance(b, Tensor):
        b = lift(b, a)
    if a.array.dtype != b.array.dtype:
        dtype = result_dtype(a.array, b.array)
        if a.array.dtype != dtype:
            a = cast(a, dtype)
        if b.array.dtype != dtype:
            b = cast(b, dtype)
    return a, b


# ----------------------------------------------------------------------- dtype and copy


class Cast(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x, dtype):
        self.dtype = x.dtype
        return x.astype(dtype)

    def backward(self, grad):
        return grad.astype(self.dtype)


def cast(x: Tensor, dtype) -> Tensor:
    """``x`` converted to ``dtype`` (differentiable between float types)."""
    dtype = np.dtype(dtype)
    if x.array.dtype == dtype:
        return x
    if dtype.kind not in "fc":  # integer/bool results carry no gradient
        return constant(x.array.astype(dtype))
    return Cast.apply(x, dtype=dtype)


class Clone(Function):
    saves_values = False  # the gradient passes through unchanged

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        return grad


def clone(x: Tensor) -> Tensor:
    """A copy of ``x`` in new memory that stays in the graph (its gradient flows back to x)."""
    return Clone.apply(x)


# --------------------------------------------------------------------------- binary ops


class Add(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a + b

    def backward(self, grad):
        sa, sb = self.shapes
        need_a, need_b = self.needs_grad
        return (sum_to(grad, sa) if need_a else None, sum_to(grad, sb) if need_b else None)


def add(a, b) -> Tensor:
    """a + b, broadcasting."""
    return Add.apply(*_pair(a, b))


class Sub(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a - b

    def backward(self, grad):
        sa, sb = self.shapes
        need_a, need_b = self.needs_grad
        return (sum_to(grad, sa) if need_a else None, sum_to(-grad, sb) if need_b else None)


def sub(a, b) -> Tensor:
    """a - b, broadcasting."""
    return Sub.apply(*_pair(a, b))


class Mul(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        a, b = self.a, self.b
        need_a, need_b = self.needs_grad
        return (
            sum_to(grad * b, a.shape) if need_a else None,
            sum_to(grad * a, b.shape) if need_b else None,
        )


def mul(a, b) -> Tensor:
    """a * b, broadcasting."""
    return Mul.apply(*_pair(a, b))


class Div(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, grad):
        a, b = self.a, self.b
        need_a, need_b = self.needs_grad
        ga = grad / b
        return (
            sum_to(ga, a.shape) if need_a else None,
            sum_to(-ga * a / b, b.shape) if need_b else None,
        )


def div(a, b) -> Tensor:
    """a / b, broadcasting; integer inputs give float32 (true division, as PyTorch)."""
    a, b = _pair(a, b)
    if a.array.dtype.kind in "biu":
        a, b = cast(a, np.float32), cast(b, np.float32)
    return Div.apply(a, b)


class Pow(Function):
    """a ** b for two tensors (see `PowScalar` for a number exponent)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, grad):
        a, b, out = self.a, self.b, self.out
        xp = get_array_module(a)
        need_a, need_b = self.needs_grad
        ga = sum_to(grad * b * a ** (b - 1), a.shape) if need_a else None
        gb = None
        if need_b:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = sum_to(grad * out * xp.log(a), b.shape)
        return ga, gb


class PowScalar(Function):
    def forward(self, x, exponent):
        self.x, self.exponent = x, exponent
        return x**exponent

    def backward(self, grad):
        p = self.exponent
        return grad * (p * self.x ** (p - 1))


def pow(a, b) -> Tensor:  # noqa: A001 - PyTorch's name
    """a ** b; a number exponent keeps the tensor's dtype."""
    if isinstance(a, Tensor) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return PowScalar.apply(a, exponent=b)
    return Pow.apply(*_pair(a, b))


def _no_zero_divisor(b, op: str) -> None:
    """Integer division by zero raises, as in torch (NumPy would give 0 and a warning)."""
    if b.dtype.kind in "biu" and bool((b == 0).any()):
        raise ZeroDivisionError(f"{op}: integer division by zero")


class FloorDivide(Function):
    """a // b; torch gives it no derivative, so backward raises as torch's does."""

    saves_values = False

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):  # inf and NaN, as torch
            return get_array_module(a).floor_divide(a, b)

    def backward(self, grad):
        raise RuntimeError("the derivative of floor_divide (//) is not implemented, as in torch")


def floor_divide(a, b) -> Tensor:
    """a // b rounded toward minus infinity (Python's //), broadcasting; not differentiable."""
    a, b = _pair(a, b)
    _no_zero_divisor(b.array, "floor_divide")
    return FloorDivide.apply(a, b)


class Remainder(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            return get_array_module(a).remainder(a, b)

    def backward(self, grad):
        a, b = self.a, self.b
        need_a, need_b = self.needs_grad
        gb = None
        if need_b:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = sum_to(-grad * get_array_module(a).floor_divide(a, b), b.shape)
        return (sum_to(grad, a.shape) if need_a else None, gb)


def remainder(a, b) -> Tensor:
    """a % b with the sign of b (Python's %), broadcasting; d/da = 1, d/db = -(a // b)."""
    a, b = _pair(a, b)
    _no_zero_divisor(b.array, "remainder")
    return Remainder.apply(a, b)


def _select_grads(fn, grad, a_wins):
    """Gradient of max/min: to the winner, split evenly on ties (as PyTorch)."""
    a, b = fn.a, fn.b
    tie = a == b
    wa = a_wins + 0.5 * tie
    wa = wa.astype(grad.dtype, copy=False)
    need_a, need_b = fn.needs_grad
    return (
        sum_to(grad * wa, a.shape) if need_a else None,
        sum_to(grad * (1 - wa), b.shape) if need_b else None,
    )


class Maximum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return get_array_module(a).maximum(a, b)

    def backward(self, grad):
        return _select_grads(self, grad, self.a > self.b)


def maximum(a, b) -> Tensor:
    """Elementwise max; on ties each input gets half the gradient."""
    return Maximum.apply(*_pair(a, b))


class Minimum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return get_array_module(a).minimum(a, b)

    def backward(self, grad):
        return _select_grads(self, grad, self.a < self.b)


def minimum(a, b) -> Tensor:
    """Elementwise min; on ties each input gets half the gradient."""
    return Minimum.apply(*_pair(a, b))


class Where(Function):
    def forward(self, cond, a, b):
        self.cond = cond
        self.shapes = a.shape, b.shape
        return get_array_module(a).where(cond, a, b)

    def backward(self, grad):
        xp = get_array_module(grad)
        sa, sb = self.shapes
        _, need_a, need_b = self.needs_grad
        zero = xp.zeros((), dtype=grad.dtype)
        return (
            None,
            sum_to(xp.where(self.cond, grad, zero), sa) if need_a else None,
            sum_to(xp.where(self.cond, zero, grad), sb) if need_b else None,
        )


def where(condition, a, b) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcasting all three)."""
    if not isinstance(condition, Tensor):
        condition = Tensor(condition)
    a, b = _pair(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else (Tensor(a), Tensor(b))
    if condition.array.dtype != np.bool_:
        condition = constant(condition.array.astype(bool))
    return Where.apply(condition, a, b)


# ----------------------------------------------------------------------------- negation


class Neg(Function):
    saves_values = False  # backward needs shapes only

    def forward(self, x):
        return -x

    def backward(self, grad):
        return -grad


def neg(x: Tensor) -> Tensor:
    return Neg.apply(x)


# ------------------------------------------------------------ comparisons (no gradient)


def _compare(ufunc_name: str):
    def compare(a, b) -> Tensor:
        a, b = _pair(a, b)
        xp = get_array_module(a.array)
        out = getattr(xp, ufunc_name)(a.array, b.array)
        return constant(xp.asarray(out))

    compare.__name__ = ufunc_name
    compare.__doc__ = f"Elementwise {ufunc_name} as a bool tensor (no gradient)."
    return compare


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")
