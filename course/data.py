"""Datasets and the `DataLoader`: batches of course Tensors, shuffled with a seed.

>>> import numpy as np
>>> from course.data import DataLoader, TensorDataset
>>> X, y = np.zeros((10, 3), np.float32), np.arange(10)
>>> loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, seed=0)
>>> len(loader), [tuple(xb.shape) for xb, yb in loader]
(3, [(4, 3), (4, 3), (2, 3)])

A `TensorDataset` is gathered one fancy index per tensor per batch (``X[idx]``), never
item by item in Python: that is what keeps the loader off the training loop's profile.
Any other `Dataset` is read item by item and collated with ``np.stack``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course import backend
from course.autograd import Tensor
from course.random import generator


class Dataset:
    """A sized collection of examples: ``dataset[i]`` is example ``i`` of ``len(dataset)``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")


def _raw(x) -> Any:
    """The array behind a Tensor, or ``x`` itself when it already is an array."""
    if isinstance(x, Tensor):
        return x.array
    if isinstance(x, backend.ARRAY_TYPES):
        return x
    return np.asarray(x)


class TensorDataset(Dataset):
    """Example ``i`` is ``(t[i] for t in tensors)``; all tensors share their first dimension."""

    def __init__(self, *tensors) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor or array")
        self.arrays = tuple(_raw(t) for t in tensors)
        for k, a in enumerate(self.arrays):
            if a.ndim == 0:
                raise ValueError(
                    f"TensorDataset: tensor {k} is a scalar (shape ()); "
                    "each tensor needs a first dimension that indexes the examples"
                )
        lengths = [a.shape[0] for a in self.arrays]
        if len(set(lengths)) > 1:
            shapes = ", ".join(f"tensor {k}: {tuple(a.shape)}" for k, a in enumerate(self.arrays))
            raise ValueError(
                f"TensorDataset: tensors have different lengths {lengths} "
                f"along dimension 0 ({shapes}); every tensor needs one row per example"
            )

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        return tuple(Tensor(backend.get_array_module(a).asarray(a[index])) for a in self.arrays)

    def __len__(self) -> int:
        return self.arrays[0].shape[0]


def _stack(values: Sequence[Any]):
    """One field of a batch as one array; Python numbers follow ``course.tensor``'s dtypes."""
    if isinstance(values[0], Tensor):
        values = [v.array for v in values]
    if isinstance(values[0], backend.ARRAY_TYPES + (np.generic,)):
        return backend.get_array_module(values[0]).stack(values)
    return backend.as_array(values)  # Python floats -> float32, ints -> int64


def default_collate(items: Sequence[Any]) -> Tensor | tuple[Tensor, ...]:
    """Stack a list of items into batch Tensors, keeping the items' structure (tuple or not)."""
    if isinstance(items[0], (tuple, list)):
        return tuple(Tensor(_stack(field)) for field in zip(*items))
    return Tensor(_stack(items))


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` examples as course Tensors.

    ``shuffle=True`` draws a new permutation every epoch (every ``iter(loader)``) from a
    generator seeded by ``seed``, or from ``course.random.generator()`` (set by
    ``course.manual_seed``) when ``seed`` is None: the same seed gives the same sequence of
    epochs. ``drop_last=True`` drops the final batch when it has fewer than ``batch_size``
    examples. Batches of a `TensorDataset` are tuples with one Tensor per dataset tensor.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self._rng if self._rng is not None else generator()
        return rng.permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        n, b = len(order), self.batch_size
        bounds = [(start, min(start + b, n)) for start in range(0, len(self) * b, b)]
        if isinstance(self.dataset, TensorDataset):
            # Fast path: one fancy index per tensor per batch, the index on the tensor's device.
            arrays = self.dataset.arrays
            orders = [backend.to_device(order, backend.device_of(a)) for a in arrays]
            for start, stop in bounds:
                yield tuple(Tensor(a[o[start:stop]]) for a, o in zip(arrays, orders))
        else:
            for start, stop in bounds:
                yield default_collate([self.dataset[int(i)] for i in order[start:stop]])


# The offline datasets, so that ``from course.data import load_digits`` works too. Loaded on
# first use (PEP 562): ``import course`` brings this module, and the datasets' own imports
# (gzip, tempfile, importlib.resources, dataclasses ...) would add ~10 ms to it.
if TYPE_CHECKING:
    from course.datasets import (
        CharCorpus,
        load_digits,
        load_mnist,
        load_stdlib_corpus,
        make_sequences,
    )

_DATASETS = ("CharCorpus", "load_digits", "load_mnist", "load_stdlib_corpus", "make_sequences")


def __getattr__(name: str) -> Any:
    if name in _DATASETS:
        import course.datasets

        value = getattr(course.datasets, name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_DATASETS))


__all__ = [
    "CharCorpus", "DataLoader", "Dataset", "TensorDataset", "default_collate", "load_digits",
    "load_mnist", "load_stdlib_corpus", "make_sequences",
]  # fmt: skip
