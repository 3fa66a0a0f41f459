"""Sampling as torch's: randperm, multinomial, normal, the size= keyword, randint's forms and the
*_like creators. Random values differ from torch's, so the checks are on shapes, dtypes, ranges,
frequencies and repeatability with course.manual_seed (or a NumPy generator passed in)."""

import numpy as np
import pytest
import torch

import course


def test_size_keyword_and_forms_match_torch():
    for name in ["randn", "rand", "zeros", "ones", "empty"]:
        ours, theirs = getattr(course, name), getattr(torch, name)
        for args, kwargs in [((2, 3), {}), (((2, 3),), {}), ((), {"size": (2, 3)}), ((4,), {})]:
            got, want = ours(*args, **kwargs), theirs(*args, **kwargs)
            assert got.shape == tuple(want.shape) and str(got.dtype)[7:] == str(want.dtype)[6:]
    with pytest.raises(TypeError, match="not both"):
        course.zeros(2, size=(2,))
    for args, kwargs in [((10, (3,)), {}), ((2, 10, (3, 2)), {}), ((10,), {"size": (4,)})]:
        got, want = course.randint(*args, **kwargs), torch.randint(*args, **kwargs)
        assert got.shape == tuple(want.shape) and got.dtype == course.int64
    assert 2 <= course.randint(2, 10, size=(100,)).amin().item()
    assert course.randint(2, 10, size=(100,)).amax().item() < 10
    with pytest.raises(RuntimeError, match="low \\(5\\) must be less than high \\(5\\)"):
        course.randint(5, 5, (2,))


def test_like_creators_take_shape_dtype_and_device():
    x = course.zeros(2, 3, dtype=course.float64)
    for name in ["randn_like", "rand_like", "empty_like"]:
        y = getattr(course, name)(x)
        assert y.shape == (2, 3) and y.dtype == course.float64 and y.device == x.device
    assert course.rand_like(x, dtype=course.float32).dtype == course.float32
    assert course.full_like(x, 7).tolist() == [[7.0] * 3] * 2
    ints = course.randint_like(course.zeros(50, dtype=course.int32), 3)
    assert ints.dtype == course.int32 and set(ints.tolist()) <= {0, 1, 2}
    assert set(course.randint_like(course.zeros(50), 4, 6).tolist()) <= {4.0, 5.0}
    u = course.rand_like(course.zeros(1000))
    assert 0 <= u.amin().item() and u.amax().item() < 1


def test_randperm_is_a_permutation_and_repeatable():
    course.manual_seed(3)
    p = course.randperm(10)
    assert sorted(p.tolist()) == list(range(10)) and p.dtype == course.int64
    course.manual_seed(3)
    assert course.randperm(10).tolist() == p.tolist()
    assert course.randperm(0).shape == (0,) == tuple(torch.randperm(0).shape)
    assert course.randperm(5, dtype=course.int32).dtype == course.int32
    one = course.randperm(20, generator=np.random.default_rng(1))
    assert one.tolist() == course.randperm(20, generator=np.random.default_rng(1)).tolist()
    with pytest.raises(RuntimeError, match="non-negative"):
        course.randperm(-1)
    with pytest.raises(TypeError, match="n must be an int"):
        course.randperm(2.5)


def test_multinomial_draws_by_the_weights():
    course.manual_seed(0)
    weights = course.tensor([0.0, 1.0, 3.0])
    draws = course.multinomial(weights, 4000, replacement=True)
    assert draws.shape == (4000,) and draws.dtype == course.int64
    counts = np.bincount(draws.numpy(), minlength=3)
    assert counts[0] == 0 and abs(counts[2] / counts[1] - 3) < 0.4
    rows = course.multinomial(course.tensor([[1.0, 1.0, 1.0, 0.0], [0.0, 2.0, 1.0, 1.0]]), 3)
    assert rows.shape == (2, 3)
    for row, zero in zip(rows.tolist(), (3, 0)):
        assert len(set(row)) == 3 and zero not in row  # no repeats, no zero-weight category
    assert tuple(torch.multinomial(torch.ones(2, 4), 3).shape) == rows.shape


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((course.tensor([1.0, 1.0]), 3), {}, "cannot sample 3 > 2 categories"),
        ((course.tensor([1.0, 0.0, 0.0]), 2), {}, "fewer than 2 categories have a positive"),
        ((course.tensor([1.0, -1.0]), 1), {}, "finite and non-negative"),
        ((course.tensor([0.0, 0.0]), 1), {}, "positive sum"),
        ((course.tensor([1.0]), 0), {}, "cannot sample 0 <= 0"),
        ((course.ones(2, 2, 2), 1), {}, "1-D or 2-D"),
    ],
)
def test_multinomial_bad_input_names_the_problem(args, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        course.multinomial(*args, **kwargs)


def test_normal_forms():
    course.manual_seed(0)
    x = course.normal(2.0, 0.5, (20000,))
    assert x.dtype == course.float32 and abs(x.mean().item() - 2) < 0.02
    assert abs(x.std().item() - 0.5) < 0.02
    mean = course.tensor([0.0, 100.0], dtype=course.float64)
    y = course.normal(mean, 1e-6)
    assert y.dtype == course.float64 and np.allclose(y.numpy(), [0, 100], atol=1e-3)
    z = course.normal(mean, course.tensor([[1e-6], [1e-6]], dtype=course.float64))
    assert z.shape == (2, 2)
    assert course.normal(1.0, course.zeros(3)).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match="give size"):
        course.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="std must be >= 0"):
        course.normal(course.zeros(2), -1.0)


def test_generator_is_repeatable_and_independent_of_the_global_seed():
    def draws(seed):
        g = course.Generator().manual_seed(seed)
        course.manual_seed(seed + 1)  # moving the global generator changes nothing
        return [
            course.randperm(6, generator=g).tolist(),
            course.randn(3, generator=g).tolist(),
            course.rand(2, generator=g).tolist(),
            course.randint(0, 9, (4,), generator=g).tolist(),
            course.multinomial(course.ones(5), 2, generator=g).tolist(),
        ]

    assert draws(0) == draws(0) and draws(0) != draws(1)
    g = course.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    state = g.get_state()
    first = course.rand(3, generator=g).tolist()
    assert course.rand(3, generator=g.set_state(state)).tolist() == first
