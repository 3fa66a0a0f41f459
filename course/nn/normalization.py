"""`LayerNorm`: per-sample normalisation over the trailing dims, as transformers use it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course import functional as F  # noqa: N812 - PyTorch's convention
from course.autograd import Tensor
from course.nn import init
from course.nn.module import Module, Parameter


class LayerNorm(Module):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last len(normalized_shape) dims;
    weight starts at 1 and bias at 0."""

    weight: Parameter | None  # None unless elementwise_affine
    bias: Parameter | None  # None unless elementwise_affine and bias

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        if not self.normalized_shape or min(self.normalized_shape) <= 0:
            raise ValueError(
                f"LayerNorm: normalized_shape must be positive sizes, got {normalized_shape}"
            )
        self.eps, self.elementwise_affine = eps, elementwise_affine
        affine, with_bias = elementwise_affine, elementwise_affine and bias
        self.weight = Parameter(np.empty(self.normalized_shape, np.float32)) if affine else None
        self.bias = Parameter(np.empty(self.normalized_shape, np.float32)) if with_bias else None
        self.register_parameter("weight", self.weight)
        self.register_parameter("bias", self.bias)
        self.reset_parameters()
        self._factory(device, dtype)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
