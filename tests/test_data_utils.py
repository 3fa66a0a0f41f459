"""course.utils.data as torch.utils.data: samplers, random_split, Subset, ConcatDataset,
default_collate on dicts and numbers, and torch's DataLoader arguments; checked against torch
where the result is deterministic, and by permutation properties where it is random."""

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import course
import course.utils.data as cud
from course.data import DataLoader, Dataset, TensorDataset


def make_xy(n, features=3):
    X = np.repeat(np.arange(n, dtype=np.float32)[:, None], features, axis=1)
    return X, np.arange(n, dtype=np.int64)


def both_datasets(n):
    X, y = make_xy(n)
    return TensorDataset(X, y), tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))


def assert_same_batches(ours, theirs):
    got, want = list(ours), list(theirs)
    assert len(ours) == len(theirs) and len(got) == len(want)
    for b, t in zip(got, want, strict=True):
        for bf, tf in zip(b, t, strict=True):
            assert bf.dtype == torch_dtype(tf)
            np.testing.assert_array_equal(bf.numpy(), tf.numpy())


def torch_dtype(t):
    return np.dtype(str(t.dtype).removeprefix("torch."))


def labels(loader):
    return [int(i) for _, yb in loader for i in yb.numpy()]


# ----------------------------------------------------------------------------- imports


def test_torch_style_imports_work():
    from course.utils.data import DataLoader as Loader
    from course.utils.data import Dataset as Base
    from course.utils.data import Subset, TensorDataset, random_split  # noqa: F401

    assert Loader is DataLoader and Base is Dataset
    assert course.utils.data is cud and course.utils.data.DataLoader is course.data.DataLoader
    names = {"SubsetRandomSampler", "RandomSampler", "SequentialSampler", "ConcatDataset"}
    assert names <= set(cud.__all__) and all(hasattr(tud, n) for n in cud.__all__)


# ----------------------------------------------------------------------------- DataLoader args


def test_torchs_loader_arguments_are_accepted_and_give_the_same_batches():
    ours_ds, torch_ds = both_datasets(10)
    common = dict(batch_size=3, shuffle=False, drop_last=False, pin_memory=False, timeout=0)
    ours = DataLoader(
        ours_ds, num_workers=4, worker_init_fn=None, persistent_workers=True, prefetch_factor=2,
        **common,
    )  # fmt: skip
    assert_same_batches(ours, tud.DataLoader(torch_ds, num_workers=0, **common))


@pytest.mark.parametrize(
    "sampler", [range(7, -1, -2), [3, 1, 4, 1, 5], "sequential"], ids=["range", "list", "class"]
)
@pytest.mark.parametrize("drop_last", [False, True])
def test_a_sampler_sets_the_order_as_in_torch(sampler, drop_last):
    ours_ds, torch_ds = both_datasets(8)
    ours_sampler, torch_sampler = sampler, sampler
    if sampler == "sequential":
        ours_sampler, torch_sampler = (
            cud.SequentialSampler(ours_ds),
            tud.SequentialSampler(torch_ds),
        )
    ours = DataLoader(ours_ds, batch_size=3, sampler=ours_sampler, drop_last=drop_last)
    theirs = tud.DataLoader(torch_ds, batch_size=3, sampler=torch_sampler, drop_last=drop_last)
    assert_same_batches(ours, theirs)


def test_a_sampler_works_for_a_generic_dataset_of_dicts():
    class Items(Dataset):
        def __getitem__(self, i):
            return {"x": np.full(2, i, np.float32), "y": i}

        def __len__(self):
            return 6

    batches = list(DataLoader(Items(), batch_size=2, sampler=[5, 0, 2]))
    assert [b["y"].numpy().tolist() for b in batches] == [[5, 0], [2]]
    assert batches[0]["x"].shape == (2, 2) and batches[0]["x"].dtype == np.float32


def test_shuffle_with_a_sampler_raises_as_torch():
    ours_ds, torch_ds = both_datasets(4)
    with pytest.raises(ValueError, match="mutually exclusive"):
        tud.DataLoader(torch_ds, sampler=range(4), shuffle=True)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ours_ds, sampler=range(4), shuffle=True)


def test_batch_sampler_gives_whole_batches_as_torch():
    ours_ds, torch_ds = both_datasets(7)
    batches = [[6, 0], [1, 2, 3], [5]]
    assert_same_batches(
        DataLoader(ours_ds, batch_sampler=batches), tud.DataLoader(torch_ds, batch_sampler=batches)
    )
    ours_bs = cud.BatchSampler(cud.SequentialSampler(range(7)), 3, drop_last=False)
    torch_bs = tud.BatchSampler(tud.SequentialSampler(range(7)), 3, drop_last=False)
    assert list(ours_bs) == list(torch_bs) and len(ours_bs) == len(torch_bs)
    for kwargs in (dict(batch_size=2), dict(shuffle=True), dict(drop_last=True)):
        with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
            DataLoader(ours_ds, batch_sampler=batches, **kwargs)


def test_collate_fn_gets_the_list_of_examples():
    ours_ds, _ = both_datasets(5)
    seen = []
    loader = DataLoader(
        ours_ds, batch_size=2, collate_fn=lambda items: seen.append(items) or len(items)
    )
    assert list(loader) == [2, 2, 1]
    assert isinstance(seen[0], list) and isinstance(seen[0][0], tuple)


def test_generator_argument_makes_shuffling_reproducible():
    ds, _ = both_datasets(30)

    def epoch(seed):
        return labels(
            DataLoader(ds, batch_size=4, shuffle=True, generator=np.random.default_rng(seed))
        )

    assert epoch(1) == epoch(1) != epoch(2)
    assert sorted(epoch(1)) == list(range(30))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        DataLoader(ds, shuffle=True, generator=torch.Generator())


@pytest.mark.parametrize("kwargs", [dict(num_workers=-1), dict(timeout=-1), dict(batch_size=None)])
def test_bad_loader_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        DataLoader(both_datasets(3)[0], **kwargs)


# ----------------------------------------------------------------------------- samplers


def test_subset_random_sampler_permutes_its_indices_each_epoch():
    indices = [10, 3, 7, 22, 5]
    sampler = cud.SubsetRandomSampler(indices)
    course.manual_seed(0)
    first, second = list(sampler), list(sampler)
    assert sorted(first) == sorted(indices) == sorted(second) and first != second
    course.manual_seed(0)
    assert list(sampler) == first and len(sampler) == len(tud.SubsetRandomSampler(indices))
    ours_ds, _ = both_datasets(30)
    loader = DataLoader(ours_ds, batch_size=2, sampler=cud.SubsetRandomSampler(indices))
    assert len(loader) == 3 and sorted(labels(loader)) == sorted(indices)


def test_random_sampler_semantics_match_torch():
    data = range(6)
    course.manual_seed(1)
    perm = list(cud.RandomSampler(data))
    assert sorted(perm) == list(range(6)) and len(cud.RandomSampler(data)) == 6
    chained = list(cud.RandomSampler(data, num_samples=14))  # permutations one after another
    assert len(chained) == 14 == len(list(tud.RandomSampler(data, num_samples=14)))
    assert sorted(chained[:6]) == sorted(chained[6:12]) == list(range(6))
    drawn = cud.RandomSampler(data, replacement=True, num_samples=50)
    values = list(drawn)
    assert len(drawn) == len(values) == 50 and set(values) <= set(range(6))
    assert len(set(values)) < 50  # with replacement: repeats
    assert list(cud.SequentialSampler(data)) == list(tud.SequentialSampler(data))
    with pytest.raises(ValueError, match="num_samples"):
        cud.RandomSampler(data, num_samples=0)


# ----------------------------------------------------------------------------- splits, subsets


@pytest.mark.parametrize(
    "n, lengths",
    [
        (10, [3, 7]),
        (10, [0.3, 0.7]),
        (11, [0.5, 0.5]),
        (7, [0.1, 0.2, 0.7]),
        (103, [0.8, 0.1, 0.1]),
    ],
)
def test_random_split_lengths_equal_torchs(n, lengths):
    course.manual_seed(0)
    ours = cud.random_split(range(n), lengths)
    theirs = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    got = [x for s in ours for x in (s[i] for i in range(len(s)))]
    assert sorted(got) == list(range(n))  # disjoint, and together the whole dataset


def test_random_split_is_reproducible_and_checks_lengths():
    def split(**kwargs):
        return [list(s.indices) for s in cud.random_split(range(20), [5, 15], **kwargs)]

    course.manual_seed(4)
    first = split()
    course.manual_seed(4)
    assert split() == first != split()
    assert split(generator=np.random.default_rng(3)) == split(generator=np.random.default_rng(3))
    with pytest.raises(ValueError, match=r"sum to 19, but the dataset has 20"):
        cud.random_split(range(20), [5, 14])
    with pytest.raises(ValueError, match="between 0 and 1"):
        cud.random_split(range(20), [1.5, -0.5])


def test_a_loader_over_a_split_uses_the_fast_path_and_matches_torch():
    class NoItems(TensorDataset):
        def __getitem__(self, i):
            raise AssertionError("the DataLoader read an item one by one")

    X, y = make_xy(12)
    train, _ = cud.random_split(NoItems(X, y), [0.75, 0.25])
    inner = cud.Subset(train, [8, 0, 3, 5])  # a subset of a subset
    want = [train.indices[i] for i in [8, 0, 3, 5]]
    batches = list(DataLoader(inner, batch_size=3))
    assert [yb.numpy().tolist() for _, yb in batches] == [want[:3], want[3:]]
    torch_ds = tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    assert_same_batches(
        DataLoader(cud.Subset(TensorDataset(X, y), want), batch_size=3),
        tud.DataLoader(tud.Subset(torch_ds, want), batch_size=3),
    )


def test_subset_and_concat_dataset_index_as_torchs():
    ours_ds, torch_ds = both_datasets(5)
    sub, tsub = cud.Subset(ours_ds, [4, 2]), tud.Subset(torch_ds, [4, 2])
    assert len(sub) == len(tsub) == 2 and sub[0][1].item() == tsub[0][1].item() == 4
    cat = cud.ConcatDataset([ours_ds, sub])
    tcat = tud.ConcatDataset([torch_ds, tsub])
    assert len(cat) == len(tcat) == 7 and cat.cumulative_sizes == tcat.cumulative_sizes
    for i in [0, 4, 5, 6, -1, -7]:
        assert cat[i][1].item() == tcat[i][1].item()
    assert len(ours_ds + sub) == 7
    assert labels(DataLoader(cat, batch_size=3)) == [0, 1, 2, 3, 4, 4, 2]
    with pytest.raises(ValueError, match="empty"):
        cud.ConcatDataset([])


# ----------------------------------------------------------------------------- default_collate

Point = namedtuple("Point", "x y")


@pytest.mark.parametrize(
    "batch",
    [
        [{"a": 1, "b": np.ones(2, np.float32)}, {"a": 2, "b": np.zeros(2, np.float32)}],
        [(1, np.int32(2)), (3, np.int32(4))],
        [[True, 1], [False, 2]],
        [{"nested": (np.zeros((2, 2)), 7)}, {"nested": (np.ones((2, 2)), 8)}],
        [Point(1, 2), Point(3, 4)],
        [OrderedDict(z=np.float64(1.0), a=2), OrderedDict(z=np.float64(3.0), a=4)],
    ],
)
def test_default_collate_structures_equal_torchs(batch):
    ours, theirs = cud.default_collate(batch), tud.default_collate(batch)

    def compare(o, t):
        if isinstance(t, torch.Tensor):
            assert isinstance(o, course.Tensor) and o.shape == tuple(t.shape)
            assert o.dtype == torch_dtype(t)
            np.testing.assert_array_equal(o.numpy(), t.numpy())
        elif isinstance(t, dict):
            assert type(o) is type(t) and list(o) == list(t)
            for k in t:
                compare(o[k], t[k])
        else:  # torch turns a tuple into a list; course keeps the tuple
            assert len(o) == len(t) and (type(o) is type(t) or isinstance(o, tuple))
            for a, b in zip(o, t):
                compare(a, b)

    compare(ours, theirs)


def test_default_collate_python_floats_and_strings():
    floats = cud.default_collate([1.5, 2.5])
    assert floats.dtype == np.float32  # course's default float (torch's collate gives float64)
    assert cud.default_collate([("a", 1), ("b", 2)])[0] == ["a", "b"]
    with pytest.raises(RuntimeError, match="equal size"):
        cud.default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="found object"):
        cud.default_collate([object(), object()])


@pytest.mark.gpu
def test_a_split_of_a_gpu_dataset_batches_on_the_gpu():
    if not course.cuda.is_available():
        pytest.skip("skipped: no GPU")
    X, y = make_xy(10)
    ds = TensorDataset(course.tensor(X).to("cuda"), y)  # one tensor on each device
    train, _ = cud.random_split(ds, [0.6, 0.4])
    batches = list(DataLoader(train, batch_size=4, sampler=[5, 0, 3, 1, 2]))
    assert [(xb.device, yb.device) for xb, yb in batches] == [("cuda", "cpu")] * 2
    want = [train.indices[i] for i in [5, 0, 3, 1, 2]]
    assert labels(batches) == want
    np.testing.assert_array_equal(batches[0][0].numpy()[:, 0], want[:4])


# ------------------------------------------------------------------ IterableDataset
def stream(lib, n, sized=False):
    class Stream(lib.IterableDataset):
        def __iter__(self):
            for i in range(n):
                yield np.full(2, i, np.float32), i

    class SizedStream(Stream):
        def __len__(self):
            return n

    return SizedStream() if sized else Stream()


@pytest.mark.parametrize("batch_size, drop_last", [(3, False), (3, True), (5, False), (1, True)])
def test_iterable_dataset_batches_match_torch(batch_size, drop_last):
    options = {"batch_size": batch_size, "drop_last": drop_last}
    assert_same_batches(
        cud.DataLoader(stream(cud, 10, sized=True), **options),
        tud.DataLoader(stream(tud, 10, sized=True), **options),
    )


def test_iterable_dataset_with_collate_fn_and_chain():
    def collate(examples):
        return [label for _, label in examples]

    ours = cud.DataLoader(stream(cud, 3) + stream(cud, 2), batch_size=2, collate_fn=collate)
    theirs = tud.DataLoader(stream(tud, 3) + stream(tud, 2), batch_size=2, collate_fn=collate)
    assert list(ours) == list(theirs) == [[0, 1], [2, 0], [1]]
    with pytest.raises(TypeError):  # a stream without __len__ has no length, as in torch
        len(cud.DataLoader(stream(cud, 3)))


@pytest.mark.parametrize(
    "option, value", [("shuffle", True), ("sampler", [0, 1]), ("batch_sampler", [[0]])]
)
def test_iterable_dataset_refuses_an_order_as_torch(option, value):
    message = f"DataLoader with IterableDataset: expected unspecified {option} option"
    for lib in (cud, tud):
        with pytest.raises(ValueError, match=message):
            lib.DataLoader(stream(lib, 3), **{option: value})


# ------------------------------------------------------------------ Generator
def test_generator_makes_splits_and_shuffles_repeatable_and_independent():
    def split(seed):
        course.manual_seed(seed)  # the global seed must not matter
        g = course.Generator().manual_seed(42)
        return [s.indices for s in cud.random_split(range(10), [6, 4], generator=g)]

    first, second = split(0)
    assert split(1) == [first, second]
    assert sorted(first + second) == list(range(10))
    assert split(0) != [s.indices for s in cud.random_split(range(10), [6, 4])]

    def order(seed):
        g = course.Generator().manual_seed(seed)
        loader = DataLoader(TensorDataset(np.arange(8)), batch_size=8, shuffle=True, generator=g)
        return [batch[0].tolist() for batch in loader] + [next(iter(loader))[0].tolist()]

    assert order(3) == order(3) and order(3)[0] != order(3)[1]  # a new order each epoch
    with pytest.raises(TypeError, match="generator must be a course.Generator"):
        cud.RandomSampler(range(3), generator=torch.Generator())
