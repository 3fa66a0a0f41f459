"""Activation modules of transformers and modern CNNs, and `Identity`, with torch's names."""

from __future__ import annotations

from course import functional as F  # noqa: N812 - PyTorch's convention
from course.autograd import Tensor
from course.nn.module import Module


class Identity(Module):
    """Returns its input unchanged (a placeholder that keeps a model's structure)."""

    def __init__(self, *args, **kwargs) -> None:  # torch accepts and ignores any arguments
        super().__init__()

    def forward(self, x):
        return x


class GELU(Module):
    """x * Phi(x), Phi the normal CDF; approximate='tanh' for the tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', not {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x)


class LeakyReLU(Module):
    """max(x, 0) + negative_slope * min(x, 0)."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """exp(x_i) / sum_j exp(x_j) along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, _dim(self, x))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """x_i - log sum_j exp(x_j) along ``dim``."""

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, _dim(self, x))


def _dim(module: Softmax, x: Tensor) -> int:
    if module.dim is not None:
        return module.dim
    # torch's legacy choice when dim is omitted (it warns): dim 0 for 0-, 1- and 3-d, else 1
    return 0 if x.ndim in (0, 1, 3) else 1
