"""Loss modules with PyTorch's names and arguments: ``criterion = nn.CrossEntropyLoss()``,
then ``loss = criterion(y_hat, y)``. Each holds its options and calls the functional loss."""

from __future__ import annotations

from course import functional as F  # noqa: N812 - PyTorch's convention
from course.autograd import Tensor
from course.backend import Array
from course.nn.module import Module


def _reduction(cls: str, reduction: str) -> str:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{cls}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")
    return reduction


class MSELoss(Module):
    """mean((y_hat - y) ** 2), or its sum, or each term (``reduction``)."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction("MSELoss", reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(Module):
    """A classification loss: optional per-class ``weight`` (a buffer, as torch's: it moves
    with ``.to(device)`` and is saved in the state dict) and ``ignore_index``."""

    weight: Tensor | None

    def __init__(self, weight: Tensor | None, ignore_index: int, reduction: str) -> None:
        super().__init__()
        if weight is not None and not isinstance(weight, Tensor):
            raise TypeError(
                f"{type(self).__name__}: weight must be a tensor of one value per class, "
                f"got {type(weight).__name__}"
            )
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = _reduction(type(self).__name__, reduction)


class CrossEntropyLoss(_WeightedLoss):
    """-log softmax(y_hat)[y], averaged over the targets; y_hat holds logits (N, C, ...)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, ignore_index, reduction)
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor | Array) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """-y_hat[y], averaged over the targets; y_hat holds log-probabilities (N, C, ...)."""

    def __init__(
        self, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, ignore_index, reduction)

    def forward(self, input: Tensor, target: Tensor | Array) -> Tensor:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )
