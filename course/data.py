"""Datasets, samplers and the `DataLoader`: batches of course Tensors, as ``torch.utils.data``.

>>> import numpy as np
>>> from course.data import DataLoader, TensorDataset
>>> X, y = np.zeros((10, 3), np.float32), np.arange(10)
>>> loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, seed=0)
>>> len(loader), [tuple(xb.shape) for xb, yb in loader]
(3, [(4, 3), (4, 3), (2, 3)])

A `TensorDataset` (or a `Subset` of one, as `random_split` makes) is gathered one fancy index
per tensor per batch (``X[idx]``), never item by item in Python: that is what keeps the loader
off the training loop's profile. Any other `Dataset` is read item by item and collated by
`default_collate`. The same names are reachable as ``course.utils.data``, as in torch.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course import backend
from course.autograd import Tensor
from course.random import Generator, numpy_generator

AnyGenerator = Generator | np.random.Generator | None  # what generator= takes


class Dataset:
    """A sized collection of examples: ``dataset[i]`` is example ``i`` of ``len(dataset)``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of examples: ``iter(dataset)`` yields them (no indexing, maybe no length).

    A `DataLoader` reads it in order, ``batch_size`` examples per batch; it takes no sampler
    and no shuffle (shuffle the stream itself). course loads in the main process, so a
    stream is read once whatever ``num_workers`` says (`get_worker_info` gives None).
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __len__(self) -> int:  # a stream may define it; without, len() fails as torch's
        raise TypeError(f"object of type {type(self).__name__!r} has no len()")

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """The examples of several iterable datasets, one stream after the other."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            yield from d  # type: ignore[misc]

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


def get_worker_info() -> None:
    """None: course loads in the main process, where torch's also answers None."""
    return None


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

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The dataset's tensors, as torch's ``TensorDataset.tensors`` (sharing memory)."""
        return tuple(Tensor(a) for a in self.arrays)

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        return tuple(Tensor(backend.get_array_module(a).asarray(a[index])) for a in self.arrays)

    def __len__(self) -> int:
        return self.arrays[0].shape[0]


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order: ``subset[i]`` is
    ``dataset[indices[i]]``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The examples of several datasets one after another (``ds1 + ds2`` makes one)."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError("ConcatDataset: absolute value of index exceeds its length")
            index += len(self)
        k = bisect.bisect_right(self.cumulative_sizes, index)
        return self.datasets[k][index - (self.cumulative_sizes[k - 1] if k else 0)]


def random_split(
    dataset: Dataset, lengths: Sequence[int | float], generator: AnyGenerator = None
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random `Subset`s of the given lengths, as torch's.

    ``lengths`` are example counts summing to ``len(dataset)``, or fractions summing to 1 (the
    remainder after flooring is dealt one by one to the first splits, as torch 2.x does). The
    permutation comes from ``generator`` or, when None, the course generator
    (``course.manual_seed``).
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"random_split: fraction at index {i} is not between 0 and 1")
        counts = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(c) for c in lengths]
        if counts != list(lengths) or min(counts, default=0) < 0:
            raise ValueError(
                f"random_split: lengths must be counts >= 0 or fractions summing to 1, "
                f"got {list(lengths)}"
            )
    if sum(counts) != n:
        raise ValueError(
            f"random_split: the lengths {list(lengths)} sum to {sum(counts)}, but the dataset "
            f"has {n} examples (give counts summing to {n}, or fractions summing to 1)"
        )
    order = _rng(generator).permutation(n).tolist()
    ends = np.cumsum(counts).tolist()
    return [Subset(dataset, order[end - c : end]) for end, c in zip(ends, counts)]


# ----------------------------------------------------------------------------- samplers


_rng = numpy_generator


class Sampler:
    """Base class of the index iterables a `DataLoader` reads its examples in the order of."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source: Sequence[Any] | Dataset) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random permutation of the indices every epoch; with ``replacement=True``,
    ``num_samples`` independent draws. Without replacement, ``num_samples`` larger than the
    dataset chains permutations, as torch's."""

    def __init__(
        self,
        data_source: Sequence[Any] | Dataset,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: AnyGenerator = None,
    ) -> None:
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        if isinstance(num_samples, bool) or not isinstance(self.num_samples, int):
            raise TypeError(f"RandomSampler: num_samples must be an int, got {num_samples!r}")
        if num_samples is not None and num_samples <= 0:
            raise ValueError(f"RandomSampler: num_samples must be positive, got {num_samples}")
        _rng(generator)  # check its type now

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), _rng(self.generator)
        if n == 0:
            return iter([])
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        perms = [rng.permutation(n) for _ in range(-(-self.num_samples // n))]
        return iter(np.concatenate(perms)[: self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order every epoch."""

    def __init__(self, indices: Sequence[int], generator: AnyGenerator = None):
        _rng(generator)  # check its type now
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        for i in _rng(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``; the last may be short unless
    ``drop_last``."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.sampler, self.drop_last = sampler, drop_last
        self.batch_size = _check_batch_size(batch_size)

    def __iter__(self) -> Iterator[list[int]]:  # type: ignore[override]
        batch: list[int] = []
        for i in self.sampler:
            batch.append(int(i))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}")
    return int(batch_size)


# ----------------------------------------------------------------------------- collation


def _stack(values: Sequence[Any]):
    """One field of a batch as one array; Python numbers follow ``course.tensor``'s dtypes."""
    if isinstance(values[0], Tensor):
        values = [v.array for v in values]
    if isinstance(values[0], backend.ARRAY_TYPES + (np.generic,)):
        return backend.get_array_module(values[0]).stack(values)
    return backend.as_array(values)  # Python floats -> float32, ints -> int64, bools -> bool


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of examples into batch Tensors, keeping the examples' structure.

    As torch's: tensors, arrays and numbers become one Tensor with a new first dimension;
    dicts become a dict of collated values; tuples and lists are collated field by field
    (a namedtuple stays one); strings stay a list. Unlike torch, a tuple stays a tuple, and
    Python floats become float32 (``course.tensor``'s default dtype), not float64.
    """
    elem = batch[0]
    if isinstance(elem, (Tensor, int, float, complex, np.generic) + backend.ARRAY_TYPES):
        return Tensor(_stack(batch))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        kind: Any = type(elem)
        try:
            return kind(collated)  # an OrderedDict stays one
        except TypeError:
            return collated
    if isinstance(elem, Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("default_collate: each element in the batch should be of equal size")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        if hasattr(elem, "_fields"):  # a namedtuple
            return type(elem)(*fields)
        return tuple(fields) if isinstance(elem, tuple) else fields
    raise TypeError(
        "default_collate: a batch must hold tensors, NumPy arrays, numbers, strings, dicts or "
        f"lists; found {type(elem).__name__}"
    )


# ----------------------------------------------------------------------------- DataLoader


def _tensor_source(dataset: Dataset) -> tuple[tuple[Any, ...], np.ndarray | None] | None:
    """The arrays of a `TensorDataset` behind ``dataset`` (itself or nested `Subset`s), and
    the map from ``dataset``'s indices to rows of those arrays (None: the identity)."""
    rows: np.ndarray | None = None
    while isinstance(dataset, Subset):
        idx = np.asarray(dataset.indices, dtype=np.int64).reshape(-1)
        rows = idx if rows is None else idx[rows]
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset):
        return dataset.arrays, rows
    return None


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` examples as course Tensors.

    The order of the examples: ``shuffle=True`` draws a new permutation every epoch (every
    ``iter(loader)``) from ``generator`` (a `course.Generator`), from a generator
    seeded by ``seed`` (course's own argument), or from the course generator
    (``course.manual_seed``); ``sampler`` gives the indices instead (any finite iterable: a
    ``range``, a list, a `SubsetRandomSampler` ...), and ``batch_sampler`` gives whole
    batches of indices. ``drop_last=True`` drops the final batch when it is short.
    ``collate_fn`` turns a list of examples into a batch (`default_collate` when None).

    torch's process arguments are accepted so that its programs run: course loads in the main
    process, so any ``num_workers`` gives the same batches (loading is a fancy index, rarely
    worth a worker), and ``pin_memory``, ``timeout``, ``worker_init_fn``,
    ``multiprocessing_context``, ``prefetch_factor``, ``persistent_workers``,
    ``pin_memory_device`` and ``in_order`` are ignored.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[Sequence[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Any = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Any = None,
        multiprocessing_context: Any = None,
        generator: AnyGenerator = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
        seed: int | None = None,
    ) -> None:
        if num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be an int >= 0, got {num_workers!r}")
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout must be >= 0, got {timeout!r}")
        if isinstance(dataset, IterableDataset):
            for option, value in (("shuffle", shuffle), ("sampler", sampler)):
                if value not in (None, False):
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified {option} "
                        f"option, but got {option}={value!r}"
                    )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler!r}"
                )
            shuffle = False
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                    "shuffle, sampler, and drop_last"
                )
            batch_size = None
        elif batch_size is None:
            raise ValueError(
                "DataLoader: batch_size=None (no automatic batching) is not supported by "
                "course; give a batch_size"
            )
        else:
            batch_size = _check_batch_size(batch_size)
        if seed is not None and generator is not None:
            raise ValueError("DataLoader: give seed or generator, not both")
        if isinstance(dataset, IterableDataset):
            sampler = None  # the stream gives the order
        elif sampler is None:
            if shuffle:
                rng = np.random.default_rng(seed) if seed is not None else generator
                sampler = RandomSampler(dataset, generator=rng)
            else:
                sampler = SequentialSampler(dataset)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.collate_fn = sampler, batch_sampler, collate_fn
        self.shuffle, self.seed, self.generator = bool(shuffle), seed, generator
        self.num_workers, self.pin_memory = num_workers, pin_memory

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n, b = len(self.dataset), self.batch_size  # TypeError for a stream without length
            assert b is not None
            return n // b if self.drop_last else math.ceil(n / b)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        n, b = len(self.sampler), self.batch_size  # type: ignore[arg-type]
        assert b is not None
        return n // b if self.drop_last else math.ceil(n / b)

    def _index_batches(self) -> Iterator[np.ndarray]:
        if self.batch_sampler is not None:
            for batch in self.batch_sampler:
                yield np.asarray(list(batch), dtype=np.int64).reshape(-1)
            return
        assert self.sampler is not None  # only an IterableDataset has none
        order = np.fromiter(self.sampler, dtype=np.int64)  # finite, as len(loader) needs
        n, b = len(order), self.batch_size
        assert b is not None
        stop = n - n % b if self.drop_last else n
        for start in range(0, stop, b):
            yield order[start : min(start + b, stop)]

    def _stream_batches(self) -> Iterator[list[Any]]:
        """Lists of ``batch_size`` examples read in order from an `IterableDataset`."""
        batch: list[Any] = []
        for example in self.dataset:  # type: ignore[attr-defined]
            batch.append(example)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            collate = default_collate if self.collate_fn is None else self.collate_fn
            for examples in self._stream_batches():
                yield collate(examples)
            return
        source = _tensor_source(self.dataset) if self.collate_fn is None else None
        if source is None:
            collate = default_collate if self.collate_fn is None else self.collate_fn
            for idx in self._index_batches():
                yield collate([self.dataset[int(i)] for i in idx])
            return
        # Fast path: one fancy index per tensor per batch, the index on the tensor's device.
        arrays, rows = source
        devices = [backend.device_of(a) for a in arrays]
        for idx in self._index_batches():
            if rows is not None:
                idx = rows[idx]
            on = {d: backend.to_device(idx, d) for d in set(devices)}
            yield tuple(Tensor(a[on[d]]) for a, d in zip(arrays, devices))


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
    "BatchSampler", "ChainDataset", "CharCorpus", "ConcatDataset", "DataLoader", "Dataset",
    "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "Subset",
    "SubsetRandomSampler", "TensorDataset", "default_collate", "get_worker_info", "load_digits",
    "load_mnist", "load_stdlib_corpus", "make_sequences", "random_split",
]  # fmt: skip
