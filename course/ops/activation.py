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


# erf(x) ~ x P(x^2) / Q(x^2) on [-4, 4] (Eigen's and XLA's float32 erf; beyond 4, erf
# rounds to +-1 in float32). P's coefficients from x^1 up, Q's from x^0 up.
_ERF_P = (
    -1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04, -5.69250639462346e-05,
    -2.10102402082508e-06, 2.77068142495902e-08, -2.72614225801306e-10,
)  # fmt: skip
_ERF_Q = (
    -1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03, -2.13374055278905e-04,
    -1.45660718464996e-05,
)  # fmt: skip


def _erf_float32(x: Array, scale: float = 1.0) -> Array:
    """erf(x * scale) for float32 (and narrower) in float32 arithmetic, within 4e-7 of the
    exact value: two dozen whole-array passes instead of the float64 series' hundred-odd."""
    xp = get_array_module(x)
    f = xp.float32
    z = x.astype(f) if scale == 1.0 else x * f(scale)  # a new array, clipped in place
    xp.clip(z, -4, 4, out=z)
    z2 = z * z
    p, q = z2 * f(_ERF_P[-1]), z2 * f(_ERF_Q[-1])
    for c in _ERF_P[-2:0:-1]:  # Horner, in place: no new array per term
        p += f(c)
        p *= z2
    p += f(_ERF_P[0])
    p *= z
    for c in _ERF_Q[-2:0:-1]:
        q += f(c)
        q *= z2
    q += f(_ERF_Q[0])
    p /= q
    return p.astype(x.dtype, copy=False)


def erf(x: Array) -> Array:
    """The error function 2/sqrt(pi) * int_0^x exp(-t^2) dt: to float64 precision (~1e-15)
    for float64, and within 4e-7 (a few float32 ulps) for float32 (`_erf_float32`).

    float64, |x| < 2.5: the series exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), whose
    terms are all positive (no cancellation; 40 terms). Beyond: 1 - erfc, erfc from its
    continued fraction exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (30
    levels).
    """
    xp = get_array_module(x)
    if x.dtype.itemsize <= 4:
        return _erf_float32(x)
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
        if x.dtype.itemsize <= 4:
            cdf = _erf_float32(x, 1 / math.sqrt(2))
        else:
            cdf = erf(x * (1 / math.sqrt(2)))
        cdf += 1  # in place from here on: a GPT's MLP makes these arrays large
        cdf *= 0.5
        self.cdf = cdf
        return x * cdf

    def backward(self, grad):
        xp = get_array_module(grad)
        x = self.x
        if self.approximate == "tanh":
            t = self.t
            du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        g = x * x  # grad * (cdf + x * pdf), pdf = exp(-x^2 / 2) / sqrt(2 pi), in one buffer
        g *= -0.5
        xp.exp(g, out=g)
        g *= x * (1 / math.sqrt(2 * math.pi))
        g += self.cdf
        g *= grad
        return g


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
