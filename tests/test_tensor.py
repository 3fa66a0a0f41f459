"""Tensor creation and conversion, and dtypes: float32 stays float32 in forward and backward."""

import numpy as np
import pytest
import torch

import course
from course.testing import assert_close, compare_with_torch, from_torch, to_torch

pytestmark = pytest.mark.lesson01

# ------------------------------------------------------------------------ creation


@pytest.mark.parametrize(
    "data", [[1.0, 2.0], [1, 2], [True, False], 3.5, 7, [[1.0], [2.0]], np.float64(0.5)]
)
def test_tensor_from_python_data_has_torch_dtype_and_values(data):
    ours, theirs = course.tensor(data), torch.tensor(data)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "course.")
    assert_close(ours, theirs, atol=0, rtol=0, name=f"tensor({data!r})")


def test_tensor_from_an_array_keeps_its_dtype_and_copies():
    a = np.arange(3, dtype=np.float64)
    t = course.tensor(a)
    a[0] = 9
    assert t.dtype == np.float64 and t.tolist() == [0.0, 1.0, 2.0]
    shared = course.from_numpy(a)
    a[1] = 8
    assert shared.tolist() == [9.0, 8.0, 2.0]
    assert course.tensor(a, dtype=np.float32).dtype == np.float32


def test_factories_match_torch_shapes_and_dtypes():
    pairs = [
        (course.zeros(2, 3), torch.zeros(2, 3)),
        (course.ones((2, 3)), torch.ones((2, 3))),
        (course.full((2,), 1.5), torch.full((2,), 1.5)),
        (course.arange(5), torch.arange(5)),
        (course.arange(0, 1, 0.25), torch.arange(0, 1, 0.25)),
        (course.zeros_like(course.ones(3, dtype=np.float64)), torch.zeros(3, dtype=torch.float64)),
        (course.ones(2, dtype=np.float64), torch.ones(2, dtype=torch.float64)),
    ]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "course.")
        assert_close(ours, theirs, atol=0, rtol=0, name="factory")
    for make in (course.randn, course.rand, course.empty):
        assert make(2, 3).shape == (2, 3) and make(2, 3).dtype == np.float32
    assert course.randint(0, 5, (4,)).dtype == np.int64


def test_manual_seed_makes_randomness_reproducible():
    course.manual_seed(3)
    a = course.randn(4).numpy().copy()
    course.manual_seed(3)
    assert np.array_equal(a, course.randn(4).numpy())


def test_conversions_and_python_protocols():
    t = course.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\).numpy\(\)"):
        t.numpy()
    assert t.detach().numpy().shape == (2, 2)
    assert t[1, 0].item() == 3.0 and float(t[0, 1]) == 2.0
    with pytest.raises(ValueError, match=r"one element, got shape \(2, 2\)"):
        t.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(t)
    assert len(t) == 2 and t.shape == (2, 2) and t.ndim == 2 and t.numel() == 4
    assert t.size() == (2, 2) and t.size(1) == 2 and t.dim() == 2
    assert "requires_grad=True" in repr(t) and "grad_fn=<MulBackward>" in repr(t * 2)
    assert t.device == "cpu" and t.to("cpu") is t
    assert t.to(dtype=np.float64).dtype == np.float64
    i = course.tensor([2])
    assert [10, 20, 30][i] == 30


def test_to_torch_and_from_torch_round_trip():
    t = course.tensor([[1.5, -2.0]], requires_grad=True)
    tt = to_torch(t)
    assert tt.dtype == torch.float32 and tt.requires_grad and tt.shape == (1, 2)
    back = from_torch(tt)
    assert back.requires_grad and back.dtype == np.float32
    assert_close(back, t, atol=0, rtol=0, name="round trip")
    assert not to_torch(course.tensor([1, 2])).requires_grad


def test_numpy_array_on_the_left_gives_a_tensor():
    t = course.ones(3, requires_grad=True)
    for out in (np.float64(2.0) * t, np.array(0.5) * t, np.ones(3, np.float32) - t):
        assert isinstance(out, course.Tensor) and out.requires_grad and out.dtype == np.float32
    assert (np.ones(3) + t).dtype == np.float64  # a dimensioned float64 array promotes


# --------------------------------------------------------------------------- dtypes

F32 = np.float32
X = np.array([[0.5, 1.5, 2.0], [1.0, 0.25, 3.0]], F32)
Y = np.array([[1.0, 2.0, 0.5], [0.75, 1.25, 2.5]], F32)
OPS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
    "pow scalar": lambda x, y: x**2 + x**0.5 + x**-1,
    "rpow": lambda x, y: 2.0**x,
    "python scalars": lambda x, y: (x * 0.5 + 1) / 3 - 2.5,
    "numpy 0-d float64": lambda x, y: x * np.array(0.5) + np.array(1.0) - np.float64(2) / x,
    "numpy float64 scalar": lambda x, y: np.float64(0.5) * x + np.float64(1.5),
    "float64 0-d tensor": lambda x, y: x * course.tensor(0.5, dtype=np.float64),
    "neg exp log sqrt": lambda x, y: (-x).exp() + x.log() + x.sqrt(),
    "tanh sigmoid relu abs": lambda x, y: x.tanh() + x.sigmoid() + (x - 1).relu() + abs(x - 1),
    "clip": lambda x, y: x.clip(0.6, 1.8),
    "maximum minimum": lambda x, y: x.maximum(y) + x.minimum(y),
    "where": lambda x, y: course.where(x > y, x, y),
    "where scalar": lambda x, y: course.where(x > 1, x, 0.0),
    "sum mean": lambda x, y: x.sum(0) + x.mean(0),
    "amax amin": lambda x, y: x.amax(1) + x.amin(),
    "max(dim)": lambda x, y: x.max(1).values + x.min(0, keepdim=True)[0].sum(),
    "movement": lambda x, y: x.reshape(3, 2).T.permute(1, 0).unsqueeze(0).squeeze(0),
    "broadcast": lambda x, y: x[:, :1].broadcast_to(2, 3) + x.flatten()[3:],
    "getitem": lambda x, y: x[np.array([0, 0, 1])][:, ::-1] + x[x > 1].sum(),
    "cat stack": lambda x, y: course.cat([x, y], 1).sum(1) + course.stack([x, y]).sum((0, 2)),
    "matmul": lambda x, y: (x @ y.T).sum() + (x[0] @ y[0]) + (x @ y[0]).sum(),
    "batched matmul": lambda x, y: (x.reshape(1, 2, 3) @ y.T.reshape(1, 3, 2)).sum(),
    "mean over ints cast": lambda x, y: x * course.tensor([1, 2, 3]).float().mean(),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_float32_stays_float32_forward_and_backward(name):
    compare_with_torch(OPS[name], X, Y, name=name) if _torch_has(name) else None
    x = course.tensor(X, requires_grad=True)
    y = course.tensor(Y, requires_grad=True)
    out = OPS[name](x, y)
    assert out.dtype == F32, f"{name}: forward gave {out.dtype}"
    _check_backward_dtypes(out, name)
    out.sum().backward()
    for t in (x, y):
        assert t.grad is None or t.grad.dtype == F32, f"{name}: .grad is {t.grad.dtype}"


def _torch_has(name):
    skip = ("where", "float64 0-d", "numpy", "mean over", "cat", "getitem")  # course-only calls
    return not name.startswith(skip)


def _check_backward_dtypes(out, name):
    """Call every Function's backward directly: each must return float32 gradients itself,
    not rely on the engine's cast (a float64 detour is twice the memory and time)."""
    stack, seen = [out], set()
    while stack:
        t = stack.pop()
        if t._ctx is None or id(t) in seen:
            continue
        seen.add(id(t))
        grads = t._ctx.backward(np.ones_like(t.array))
        grads = grads if isinstance(grads, tuple) else (grads,)
        for inp, g in zip(t._ctx.inputs, grads):
            if g is not None:
                assert g.dtype == inp.dtype, (
                    f"{name}: {t._ctx.name}.backward returned {g.dtype} for a {inp.dtype} input"
                )
        stack.extend(t._ctx.inputs)


def test_int_tensor_times_python_float_is_float32_like_torch():
    compare_with_torch(lambda t: t * 0.5 + 1.5, np.array([1, 2, 3]))
    assert (course.tensor([1, 2]) * 2).dtype == np.int64
    assert (course.tensor([True, False]) + 1).dtype == np.int64
