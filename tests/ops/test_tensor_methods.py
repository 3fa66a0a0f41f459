"""The long tail of torch's Tensor methods against PyTorch: t, narrow, split/chunk, roll, topk,
var/std, // and %, tril/triu, masked_fill, new_*, *_as, contiguous, and NumPy keyword names."""

import numpy as np
import pytest
import torch

import course
from course.testing import compare_with_torch, gradcheck

DTYPES = [np.float32, np.float64]
RNG = np.random.default_rng(0)


def _x(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.t(),
        lambda x: x.narrow(1, 1, 2),
        lambda x: x.narrow(0, -2, 2),
        lambda x: x.narrow(1, 4, 0),
        lambda x: x.split(2, 1),
        lambda x: x.split([1, 0, 3], 1),
        lambda x: x.chunk(3, 1),
        lambda x: x.chunk(2),
        lambda x: x.roll(1),
        lambda x: x.roll(-2, 1),
        lambda x: x.roll((1, 3), (0, 1)),
        lambda x: x.tril(),
        lambda x: x.triu(1),
        lambda x: x.tril(-1),
        lambda x: x.var(),
        lambda x: x.var(1),
        lambda x: x.var(0, keepdim=True),
        lambda x: x.var(False),
        lambda x: x.var(1, unbiased=False),
        lambda x: x.var((0, 1), correction=2),
        lambda x: x.std(),
        lambda x: x.std(dim=0, keepdim=True),
        lambda x: x.topk(2),
        lambda x: x.topk(2, dim=0, largest=False),
        lambda x: x.topk(0),
        lambda x: x % 0.7,
        lambda x: x.remainder(x.detach() * 0.3 + 1),
        lambda x: x.masked_fill(x.detach() > 0, -1.5),
        lambda x: x.contiguous(),
        lambda x: x.T.contiguous(),
    ],
)
def test_methods_match_torch(fn, dtype):
    compare_with_torch(fn, _x(3, 4), dtype=dtype)


@pytest.mark.parametrize("name", ["split", "chunk"])
def test_course_functions_match_torch(name):
    compare_with_torch(lambda x: getattr(x, name)(2, -1), _x(2, 5))
    for mod, lib in ((course, torch), (course, torch)):
        ours = getattr(mod, name)(course.tensor(_x(4, 2)), 3)
        assert len(ours) == len(getattr(lib, name)(torch.zeros(4, 2), 3))


def _namespace_call(name, *args):
    """``course.name(x, *args)`` on course tensors, ``torch.name(x, *args)`` on torch's."""

    def call(x):
        return getattr(course if isinstance(x, course.Tensor) else torch, name)(x, *args)

    return call


@pytest.mark.parametrize(
    "name, args", [("var", (1,)), ("std", (0,)), ("roll", (1, 0)), ("tril", (0,)),
                   ("triu", (-1,)), ("narrow", (1, 0, 2)), ("t", ())]
)  # fmt: skip
def test_functions_in_the_course_namespace(name, args):
    compare_with_torch(_namespace_call(name, *args), _x(3, 4), name=name)


def test_masked_fill_gives_the_value_its_gradient_and_broadcasts():
    x = _x(2, 3)
    mask = np.array([True, False, True])
    value = np.array(0.5)
    compare_with_torch(
        lambda a, m, v: a.masked_fill(m, v), x, mask, value, name="masked_fill(tensor value)"
    )
    ours = course.ones(3).masked_fill(course.tensor([[True], [False]]), 0)
    assert ours.shape == torch.ones(3).masked_fill(torch.tensor([[True], [False]]), 0).shape
    ints = course.tensor([1, 2, 3]).masked_fill(course.tensor([True, False, True]), 7.9)
    assert ints.dtype == course.int64 and ints.tolist() == [7, 2, 7]


def test_gradchecks():
    x = course.tensor(_x(3, 4), requires_grad=True)
    gradcheck(lambda a: a.var(1), x)
    gradcheck(lambda a: a.std(0), x)
    gradcheck(lambda a: a.topk(2, 1).values, x)
    gradcheck(lambda a: a.roll((1, -1), (0, 1)), x)
    gradcheck(lambda a: a.triu(), x)
    gradcheck(lambda a: a.chunk(2, 1)[1] * 2 + a.chunk(2, 1)[0], x)


def test_floor_divide_matches_torch_and_has_no_derivative():
    a = np.array([5.0, -3.0, 7.0, -7.5])
    b = np.array([2.0, 2.0, -3.0, 0.5])
    ours = course.tensor(a) // course.tensor(b)
    assert ours.tolist() == (torch.tensor(a) // torch.tensor(b)).tolist()
    ints = course.tensor([5, -3, 7])
    assert (ints // 2).tolist() == [2, -2, 3] and (ints % 2).tolist() == [1, 1, 1]
    assert (7 // course.tensor([2.0, 3.0])).tolist() == [3.0, 2.0]
    assert (7 % course.tensor([2, 3])).tolist() == [1, 1]
    assert (ints // 0.5).dtype == course.float32
    assert (course.tensor([1.0, -1.0]) // 0).tolist() == [float("inf"), float("-inf")]
    with pytest.raises(ZeroDivisionError, match="floor_divide: integer division by zero"):
        ints // 0
    with pytest.raises(ZeroDivisionError, match="remainder"):
        ints % course.tensor([1, 0, 1])
    # torch has no derivative for number % tensor; course's is the one of tensor % tensor
    compare_with_torch(lambda t: 1.5 % t, b, grad=False, name="1.5 % x")
    x = course.tensor(a, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative of floor_divide"):
        (x // 2).sum().backward()


@pytest.mark.filterwarnings("ignore:var\\(\\)")
def test_var_with_no_degrees_of_freedom_is_nan_or_inf_as_torch():
    for ours, theirs in [
        (course.ones(1).var(), torch.ones(1).var()),
        (course.tensor([1.0, 2.0]).var(correction=2), torch.tensor([1.0, 2.0]).var(correction=2)),
        (course.ones(1).var(correction=0), torch.ones(1).var(correction=0)),
    ]:
        np.testing.assert_equal(ours.item(), theirs.item())


def test_topk_returns_values_and_indices_like_torch():
    x = np.array([[3.0, 1.0, 4.0, 1.5], [9.0, 2.0, 6.0, 5.0]], dtype=np.float32)
    ours, theirs = course.tensor(x).topk(3), torch.tensor(x).topk(3)
    values, indices = ours
    assert values.tolist() == theirs.values.tolist()
    assert ours.indices.tolist() == theirs.indices.tolist() and indices.dtype == course.int64
    assert course.topk(course.tensor(2.0), 1).values.item() == 2.0
    nan = course.tensor([1.0, float("nan"), 3.0]).topk(1)
    assert nan.indices.item() == torch.tensor([1.0, float("nan"), 3.0]).topk(1).indices.item()


def test_numpy_keyword_names():
    x = _x(3, 4)
    for method in ["sum", "mean", "amax", "amin", "var", "std", "argmax", "argmin"]:
        compare_with_torch(
            lambda a, m=method: getattr(a, m)(axis=1, keepdims=True), x, grad=False, name=method
        )
    for method in ["max", "min"]:
        compare_with_torch(lambda a, m=method: getattr(a, m)(axis=0, keepdims=True), x, grad=False)
    t = course.tensor(x)
    assert course.sum(t, axis=0).shape == (4,) and course.mean(t, keepdims=True).shape == (1, 1)
    with pytest.raises(TypeError, match="give dim or axis, not both"):
        t.sum(0, axis=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'axes'"):
        t.sum(axes=1)


def test_max_min_of_two_tensors_are_maximum_minimum():
    compare_with_torch(lambda a, b: a.max(b), _x(3, 4), _x(4))
    compare_with_torch(
        lambda a, b: (course if isinstance(a, course.Tensor) else torch).min(a, b), _x(3, 1), _x(4)
    )


def test_new_tensors_take_dtype_and_device():
    x = course.tensor([1, 2, 3])
    f = course.zeros(2, dtype=course.float64)
    assert f.new_zeros(2, 3).dtype == course.float64 and f.new_zeros((2, 3)).shape == (2, 3)
    assert f.new_ones(4).tolist() == [1.0] * 4 and f.new_empty(2).shape == (2,)
    assert x.new_full((2,), 3.5).tolist() == [3, 3] and x.new_full((2,), 3.5).dtype == course.int64
    assert f.new_tensor([1, 2]).dtype == course.float64
    assert f.new_zeros(2, dtype=course.int32).dtype == course.int32
    assert f.new_ones(2, requires_grad=True).requires_grad


def test_as_methods_contiguity_and_counts():
    a = course.tensor(_x(2, 6), requires_grad=True)
    b = course.zeros(3, 4)
    assert a.view_as(b).shape == (3, 4) and a.reshape_as(b).shape == (3, 4)
    assert course.ones(1, 4).expand_as(b).shape == (3, 4)
    assert a.nelement() == 12 == a.numel()
    assert a.type_as(course.zeros(1, dtype=course.float64)).dtype == course.float64
    assert course.tensor([1.5]).type_as(course.tensor([1])).dtype == course.int64
    assert a.is_contiguous() and not a.T.is_contiguous() and a.T.contiguous().is_contiguous()
    assert a.contiguous() is a
    a.T.contiguous().sum().backward()
    assert a.grad is not None and a.grad.tolist() == np.ones((2, 6)).tolist()
    assert course.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: course.ones(2, 3, 4).t(), RuntimeError, "t\\(\\) expects a tensor with <= 2"),
        (lambda: course.ones(5).narrow(0, 4, 3), RuntimeError, "exceeds dimension size"),
        (lambda: course.ones(5).narrow(0, 6, 0), IndexError, "start 6 is out of range"),
        (lambda: course.ones(5).narrow(1, 0, 1), IndexError, "narrow: dim 1 is out of range"),
        (lambda: course.ones(5).split([2, 2]), RuntimeError, "add up to 5"),
        (lambda: course.ones(5).split(0), RuntimeError, "split_size must be positive"),
        (lambda: course.ones(5).chunk(0), RuntimeError, "chunks must be positive"),
        (lambda: course.ones(5).topk(6), RuntimeError, "topk: k \\(6\\) is out of range"),
        (lambda: course.ones(5).tril(), RuntimeError, "tril: input tensor must have at least 2"),
        (lambda: course.ones(3).masked_fill(course.ones(3), 0), RuntimeError, "bool tensor"),
        (lambda: course.ones(3).masked_fill(course.ones(3) > 0, course.ones(2)), RuntimeError,
         "0-d tensor"),
        (lambda: course.ones(3).roll((1, 2), 0), RuntimeError, "same length"),
        (lambda: course.tensor([1, 2]).var(), RuntimeError, "floating-point"),
        (lambda: course.ones(3).var(unbiased=True, correction=0), TypeError, "not both"),
    ],
)  # fmt: skip
def test_bad_input_names_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()
