"""``course.utils.data``, as ``torch.utils.data``: the names of `course.data`, so that
``from torch.utils.data import DataLoader, random_split`` runs on course unchanged.

>>> from course.utils.data import DataLoader, TensorDataset
>>> import course
>>> len(DataLoader(TensorDataset(course.zeros(5, 2)), batch_size=2))
3
"""

from course.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    get_worker_info,
    random_split,
)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler",
    "TensorDataset", "default_collate", "get_worker_info", "random_split",
]  # fmt: skip
