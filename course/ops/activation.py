"""Smooth activations of transformers and modern CNNs: GELU, SiLU, and LeakyReLU.

Each is one `Function` (forward and backward on whole arrays) plus its lowercase wrapper,
named as in ``torch.nn.functional``. NumPy has no ``erf``, so the exact GELU uses `erf`
below: two classical expansions, each where it converges fast, in float64.
"""

from __future__ import annotations

import math

from course.autograd import Function, Tensor
from course.backend import Array, get_array_module

_SQRT_PI = math.sqrt(math.pi)


def erf(x: Array) -> Array:
    """The error function 2/sqrt(pi) * int_0^x exp(-t^2) dt, to float64 precision (~1e-15).

    |x| < 2.5: the series exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), whose terms
    are all positive (no cancellation; 40 terms). Beyond: 1 - erfc, erfc from its continued
    fraction exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (30 levels).
    """
    xp = get_array_module(x)
    a = xp.abs(x.astype(xp.float64))
    small = xp.minimum(a, 2.5)
    two_x2 = 2 * small * small
    term, total = small.copy(), small.copy()
    for n in range(1, 41):
        term *= two_x2 / (2 * n + 1)
        total += term
    series = (2 / _SQRT_PI) * xp.exp(-small * small) * total
    big = xp.maximum(a, 2.5)
    t = big.copy()
    for k in range(30, 0, -1):
        t = big + (k / 2) / t
    fraction = 1 - xp.exp(-big * big) / (_SQRT_PI * t)
    out = xp.where(a < 2.5, series, fraction)
    return (xp.sign(x) * out).astype(x.dtype, copy=False)


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


class GELU(Function):
    """x * Phi(x), Phi the standard normal CDF; 'tanh': torch's tanh approximation of it."""

    def forward(self, x, approximate):
        xp = get_array_module(x)
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            return 0.5 * x * (1 + self.t)
        self.cdf = 0.5 * (1 + erf(x * (1 / math.sqrt(2))))
        return x * self.cdf

    def backward(self, grad):
        xp = get_array_module(grad)
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        pdf = xp.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
        return grad * (self.cdf + x * pdf)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (Phi the normal CDF, via erf); approximate='tanh': 0.5 x (1 + tanh(
    sqrt(2/pi) (x + 0.044715 x^3)))."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
    _check_float("gelu", x)
    return GELU.apply(x, approximate=approximate)


class SiLU(Function):
    """x * sigmoid(x); the gradient is s * (1 + x * (1 - s))."""

    def forward(self, x):
        xp = get_array_module(x)
        s = 0.5 * (1 + xp.tanh(0.5 * x))  # sigmoid without exp overflow
        self.x, self.s = x, s
        return x * s

    def backward(self, grad):
        s = self.s
        return grad * (s * (1 + self.x * (1 - s)))


def silu(x: Tensor) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    _check_float("silu", x)
    return SiLU.apply(x)


class LeakyReLU(Function):
    """x where x > 0, negative_slope * x elsewhere."""

    def forward(self, x, negative_slope):
        xp = get_array_module(x)
        self.positive, self.slope = x > 0, negative_slope
        return xp.where(self.positive, x, x * negative_slope)

    def backward(self, grad):
        xp = get_array_module(grad)
        return xp.where(self.positive, grad, grad * self.slope)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """max(x, 0) + negative_slope * min(x, 0)."""
    _check_float("leaky_relu", x)
    return LeakyReLU.apply(x, negative_slope=float(negative_slope))


def _check_float(op: str, x: Tensor) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point tensor, got {x.dtype}")
