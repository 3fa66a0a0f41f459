"""Movement ops against PyTorch: reshape, permute, broadcast, squeeze, getitem, cat, stack."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import DTYPES, FEW, SETTINGS, arrays, broadcast_shapes, shapes

import course
from course.testing import assert_close, compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02


def _reshape_targets(shape):
    n = int(np.prod(shape))
    targets = [(n,), (-1,), tuple(reversed(shape)), shape + (1,), (1,) + shape]
    if len(shape) >= 2 and n:
        targets.append((shape[0], -1))
    return st.sampled_from(targets)


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_reshape_flatten_match_torch(dtype, data):
    x = data.draw(arrays(dtype, shapes()), label="x")
    target = data.draw(_reshape_targets(x.shape), label="shape")
    compare_with_torch(lambda t: t.reshape(target), x, name=f"reshape{target}")
    compare_with_torch(lambda t: t.view(target), x, name=f"view{target}")
    compare_with_torch(lambda t: t.flatten(), x, name="flatten")
    if x.ndim:
        start = data.draw(st.integers(-x.ndim, x.ndim - 1), label="start_dim")
        end = data.draw(st.integers(start % x.ndim, x.ndim - 1), label="end_dim")
        compare_with_torch(lambda t: t.flatten(start, end), x, name=f"flatten({start}, {end})")


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_permute_transpose_T_match_torch(dtype, data):
    x = data.draw(arrays(dtype, shapes(max_dims=4)), label="x")
    perm = tuple(data.draw(st.permutations(range(x.ndim)), label="dims"))
    compare_with_torch(lambda t: t.permute(perm), x, name=f"permute({tuple(perm)})")
    if x.ndim:
        compare_with_torch(lambda t: t.permute(*perm), x, name=f"permute{tuple(perm)}")
    compare_with_torch(lambda t: course.permute(t, perm), x, torch_fn=lambda t: t.permute(perm))
    compare_with_torch(
        lambda t: t.T, x, torch_fn=lambda t: t.permute(tuple(reversed(range(t.ndim)))), name="T"
    )
    if x.ndim:
        d0, d1 = data.draw(st.tuples(*[st.integers(-x.ndim, x.ndim - 1)] * 2), label="dims")
        compare_with_torch(lambda t: t.transpose(d0, d1), x, name=f"transpose({d0}, {d1})")


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_broadcast_to_expand_match_torch(dtype, data):
    small, other = data.draw(broadcast_shapes(), label="shapes")
    target = np.broadcast_shapes(small, other)
    x = data.draw(arrays(dtype, small), label="x")
    compare_with_torch(lambda t: t.broadcast_to(target), x, name=f"broadcast_to{target}")
    keep = (-1,) * len(small)  # expand's -1 keeps a dim
    spec = target[: len(target) - len(small)] + keep
    compare_with_torch(lambda t: t.expand(spec), x, name=f"expand{spec}")


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_squeeze_unsqueeze_match_torch(dtype, data):
    ones = st.sampled_from([1, 1, 0, 2])  # many size-1 dims
    x = data.draw(hnp.arrays(dtype, st.lists(ones, max_size=4).map(tuple)), label="x")
    compare_with_torch(lambda t: t.squeeze(), x, name="squeeze()")
    if x.ndim:
        d = data.draw(st.integers(-x.ndim, x.ndim - 1), label="dim")
        compare_with_torch(lambda t: t.squeeze(d), x, name=f"squeeze({d})")
        ds = tuple(data.draw(st.lists(st.integers(0, x.ndim - 1), unique=True, min_size=1)))
        compare_with_torch(lambda t: t.squeeze(ds), x, name=f"squeeze({ds})")
    u = data.draw(st.integers(-x.ndim - 1, x.ndim), label="unsqueeze dim")
    compare_with_torch(lambda t: t.unsqueeze(u), x, name=f"unsqueeze({u})")


@FEW
@given(data=st.data())
def test_movement_gradcheck(data):
    x = data.draw(arrays(np.float64, shapes(min_dims=1, min_side=1, max_side=3)), label="x")
    perm = data.draw(st.permutations(range(x.ndim)), label="dims")
    gradcheck(lambda t: t.permute(*perm), x, name="permute")
    gradcheck(lambda t: t.transpose(0, -1).flatten(), x, name="transpose, flatten")
    gradcheck(lambda t: t.reshape(-1)[::2], x, name="reshape then slice")
    gradcheck(lambda t: t.T.unsqueeze(0).broadcast_to((2,) + x.shape[::-1]), x, name="expand")
    gradcheck(lambda t: course.stack([t, t * 2], dim=-1).squeeze(), x, name="stack")
    gradcheck(lambda t: course.cat([t, t[:1] * 3], dim=0), x, name="cat")


# ---------------------------------------------------------------------------- getitem


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_getitem_basic_indices_match_numpy(dtype, data):
    """Any basic index NumPy accepts (negative steps too, which torch refuses): values are
    NumPy's, and the gradient lands where the values came from."""
    x = data.draw(arrays(dtype, shapes(max_dims=3)), label="x")
    index = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True), label="index")
    t = course.tensor(x, requires_grad=True)
    out = t[index]
    assert_close(out.detach().numpy(), np.asarray(x[index]), atol=0, rtol=0, name=f"x[{index!r}]")
    assert out.dtype == x.dtype
    g = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    out.backward(course.tensor(g))
    expected = np.zeros_like(x)
    expected[index] = g  # basic indices never repeat an element
    assert_close(t.grad.numpy(), expected, atol=0, rtol=0, name=f"gradient of x[{index!r}]")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda t: t[1], None),
        (lambda t: t[-1, 2:, ::2], None),
        (lambda t: t[None, ..., 1], None),
        (lambda t: t[..., None, :2], None),
        (lambda t: t[::-1], lambda t: t.flip(0)),
        (lambda t: t[1, ::-2, :], lambda t: t[1].flip(0)[::2]),
        (lambda t: t[:, :, ::-1][0], lambda t: t.flip(2)[0]),
    ],
)
def test_getitem_slices_ints_none_ellipsis_match_torch(dtype, ours, theirs):
    x = np.arange(60, dtype=dtype).reshape(3, 4, 5) / 7
    compare_with_torch(ours, x, torch_fn=theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "fn",
    [
        lambda t, i, m: t[i],  # repeated rows: their gradients add up
        lambda t, i, m: t[i, 1:],
        lambda t, i, m: t[:, i[:3]],
        lambda t, i, m: t[i, i],  # two index arrays broadcast together
        lambda t, i, m: t[i[:, None], i[None, :2]],
        lambda t, i, m: t[m],  # boolean mask over rows
        lambda t, i, m: t[m, 2],
        lambda t, i, m: t[t > 0.5],  # mask from a comparison, flattens
        lambda t, i, m: t[[0, 0, 2]],  # a Python list of ints
        lambda t, i, m: t[..., [1, 1]],
    ],
)
def test_getitem_advanced_indices_match_torch(dtype, fn):
    x = np.linspace(-1, 2, 20, dtype=dtype).reshape(4, 5)
    index = np.array([0, 2, 0, 3, 0])
    mask = np.array([True, False, True, True])
    compare_with_torch(fn, x, index, mask, name="advanced getitem")


def test_getitem_repeated_indices_gradcheck():
    x = np.linspace(-1, 2, 20).reshape(4, 5)
    gradcheck(lambda t: t[np.array([0, 2, 0, 0])] * t[[1, 1]].sum(), x, name="repeated rows")
    gradcheck(lambda t: t[np.array([True, False, True, True]), ::-2], x, name="mask and slice")


# ------------------------------------------------------------------------ cat, stack


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_cat_stack_match_torch(dtype, data):
    base = data.draw(shapes(min_dims=1), label="shape")
    d = data.draw(st.integers(-len(base), len(base) - 1), label="dim")
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3), label="sizes")
    parts = []
    for n in sizes:
        shape = list(base)
        shape[d] = n
        parts.append(data.draw(arrays(dtype, tuple(shape))))
    cat_fn = lambda *ts: course.cat(ts, dim=d)  # noqa: E731
    compare_with_torch(cat_fn, *parts, torch_fn=lambda *ts: torch.cat(ts, dim=d), name="cat")
    same = [data.draw(arrays(dtype, base)) for _ in sizes]
    s = data.draw(st.integers(-len(base) - 1, len(base)), label="stack dim")
    compare_with_torch(
        lambda *ts: course.stack(ts, s), *same, torch_fn=lambda *ts: torch.stack(ts, s)
    )


def test_cat_promotes_dtypes_like_torch():
    for other in (np.float64, np.int64):
        a = np.ones((2, 2), np.float32)
        b = np.arange(4).reshape(2, 2).astype(other)
        compare_with_torch(
            lambda x, y: course.cat([x, y]), a, b, torch_fn=lambda x, y: torch.cat([x, y])
        )


# ------------------------------------------------------------------------------ errors


def test_movement_errors_name_the_op_and_both_shapes():
    x = course.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"reshape: .*shape \(2, 3\) \(6 elements\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(RuntimeError, match=r"cat: tensor 1 has shape \(2, 4\), tensor 0 has sha"):
        course.cat([x, course.ones(2, 4)], dim=0)
    with pytest.raises(RuntimeError, match=r"stack: tensor 1 has shape \(3,\)"):
        course.stack([x, course.ones(3)])
    with pytest.raises(RuntimeError, match=r"broadcast_to: shape \(2, 3\) cannot broadcast"):
        x.broadcast_to(2, 4)
    with pytest.raises(RuntimeError, match=r"permute: \(0, 0\) is not a permutation"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match=r"Add: .*\(2,3\) \(4,\)"):
        x + course.ones(4)
