"""course.data: TensorDataset, DataLoader (batching, seeded shuffling, drop_last, dtypes)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import course
from course.data import DataLoader, Dataset, TensorDataset


def make_xy(n, features=3):
    """X[i] is filled with i (so rows can be traced back), y[i] = i."""
    X = np.repeat(np.arange(n, dtype=np.float32)[:, None], features, axis=1)
    return X, np.arange(n, dtype=np.int64)


def loaded_indices(loader):
    return [yb.numpy().tolist() for _, yb in loader]


class ListDataset(Dataset):
    """A generic (non-Tensor) dataset: items are (array, int) pairs built on the fly."""

    def __init__(self, inputs, labels):
        self.X, self.y = inputs, labels

    def __getitem__(self, i):
        return self.X[i], int(self.y[i])

    def __len__(self):
        return len(self.y)


# ----------------------------------------------------------------------------- TensorDataset


def test_tensor_dataset_accepts_tensors_and_arrays():
    X, y = make_xy(5)
    ds = TensorDataset(course.tensor(X), y)
    assert len(ds) == 5
    xi, yi = ds[2]
    assert isinstance(xi, course.Tensor) and isinstance(yi, course.Tensor)
    np.testing.assert_array_equal(xi.numpy(), X[2])
    assert yi.item() == 2 and yi.dtype == np.int64


def test_tensor_dataset_length_mismatch_names_the_lengths():
    with pytest.raises(ValueError, match=r"different lengths \[4, 3\].*\(4, 2\).*\(3,\)"):
        TensorDataset(np.zeros((4, 2)), np.zeros(3))


@pytest.mark.parametrize("args", [(), (np.float32(1.0),)])
def test_tensor_dataset_needs_tensors_with_a_first_dimension(args):
    with pytest.raises(ValueError, match="TensorDataset"):
        TensorDataset(*args)


def test_dataset_base_class_is_abstract():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    with pytest.raises(NotImplementedError):
        len(Dataset())


# ----------------------------------------------------------------------------- batching


@pytest.mark.parametrize("n, batch_size", [(10, 3), (9, 3), (1, 4), (0, 2), (7, 1)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_sequential_batches_equal_torch(n, batch_size, drop_last):
    X, y = make_xy(n)
    ours = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    ref = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    assert len(ours) == len(ref)
    got, want = list(ours), list(ref)
    assert len(got) == len(want)
    for (xb, yb), (xt, yt) in zip(got, want):
        assert xb.dtype == np.float32 and yb.dtype == np.int64
        np.testing.assert_array_equal(xb.numpy(), xt.numpy())
        np.testing.assert_array_equal(yb.numpy(), yt.numpy())


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_example_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    X, y = make_xy(n)
    loader = DataLoader(
        TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed
    )
    batches = list(loader)
    expected_len = n // batch_size if drop_last else math.ceil(n / batch_size)
    assert len(loader) == expected_len == len(batches)
    seen = [int(i) for _, yb in batches for i in yb.numpy()]
    assert all(len(yb) == batch_size for _, yb in batches[:-1])
    if drop_last:
        assert len(seen) == expected_len * batch_size
    else:
        assert sorted(seen) == list(range(n))  # a permutation: each example exactly once
    assert len(set(seen)) == len(seen)
    for xb, yb in batches:  # inputs stay paired with their labels
        np.testing.assert_array_equal(xb.numpy()[:, 0], yb.numpy().astype(np.float32))
    if not shuffle:
        assert seen == list(range(len(seen)))


def test_batches_are_course_tensors_that_keep_dtypes():
    X = np.random.default_rng(0).random((6, 1, 2, 2)).astype(np.float32)
    y = np.arange(6)
    w = np.linspace(0, 1, 6)  # float64 stays float64: the loader never casts
    xb, yb, wb = next(iter(DataLoader(TensorDataset(X, y, w), batch_size=4, shuffle=True)))
    assert all(isinstance(t, course.Tensor) for t in (xb, yb, wb))
    assert (xb.dtype, yb.dtype, wb.dtype) == (np.float32, np.int64, np.float64)
    assert xb.shape == (4, 1, 2, 2) and not xb.requires_grad


def test_batches_are_copies_not_views_of_the_dataset():
    X, y = make_xy(4)
    xb, _ = next(iter(DataLoader(TensorDataset(X, y), batch_size=2)))
    xb.array[...] = -1
    assert X.min() == 0


def test_tensor_dataset_fast_path_never_indexes_items_one_by_one():
    class NoItems(TensorDataset):
        def __getitem__(self, i):
            raise AssertionError("the DataLoader read an item one by one")

    X, y = make_xy(10)
    batches = list(DataLoader(NoItems(X, y), batch_size=4, shuffle=True, seed=0))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]


def test_generic_dataset_collates_like_the_fast_path():
    X, y = make_xy(11)
    generic = DataLoader(ListDataset(X, y), batch_size=4, shuffle=True, seed=7)
    fast = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, seed=7)
    for _ in range(2):  # two epochs
        for (xg, yg), (xf, yf) in zip(generic, fast, strict=True):
            assert (xg.dtype, yg.dtype) == (np.float32, np.int64)  # Python int -> int64
            np.testing.assert_array_equal(xg.numpy(), xf.numpy())
            np.testing.assert_array_equal(yg.numpy(), yf.numpy())


def test_generic_dataset_single_items_and_python_floats():
    class Squares(Dataset):
        def __getitem__(self, i):
            return float(i * i)

        def __len__(self):
            return 5

    batches = list(DataLoader(Squares(), batch_size=2))
    assert all(isinstance(b, course.Tensor) and b.dtype == np.float32 for b in batches)
    assert [b.numpy().tolist() for b in batches] == [[0.0, 1.0], [4.0, 9.0], [16.0]]


# ----------------------------------------------------------------------------- shuffling


def test_shuffle_is_reproducible_per_seed_and_new_each_epoch():
    X, y = make_xy(50)

    def two_epochs(seed):
        loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True, seed=seed)
        return loaded_indices(loader), loaded_indices(loader)

    first, second = two_epochs(seed=1)
    assert two_epochs(seed=1) == (first, second)  # same seed, same sequence of epochs
    assert first != second  # a new permutation each epoch
    assert two_epochs(seed=2)[0] != first
    assert first != loaded_indices(DataLoader(TensorDataset(X, y), batch_size=8))


def test_shuffle_without_seed_follows_course_manual_seed():
    X, y = make_xy(50)
    loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True)
    course.manual_seed(123)
    first = loaded_indices(loader)
    course.manual_seed(123)
    assert loaded_indices(loader) == first
    assert loaded_indices(loader) != first


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (2.0, TypeError)])
def test_batch_size_is_checked(bad, error):
    with pytest.raises(error, match="batch_size"):
        DataLoader(TensorDataset(np.zeros(3)), batch_size=bad)
