"""Checking gradients and comparing with PyTorch: the helpers behind every test.

``gradcheck`` compares ``backward`` with central finite differences in float64;
``compare_with_torch`` runs one function on course tensors and on torch tensors and
compares shapes, dtypes, values and input gradients. Failures name the op, the input,
the first bad index, expected and got, so a learner knows where to look.

>>> import course, numpy as np
>>> gradcheck(lambda x: x * x, course.tensor([1.0, 2.0], requires_grad=True))
>>> compare_with_torch(lambda x: x.exp(), np.array([0.5, 1.5], dtype=np.float32))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course import backend
from course.autograd import Tensor, no_grad

# (atol, rtol) per dtype: loose enough for a different summation order, tight enough
# that a wrong formula fails.
TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-2),
    np.dtype(np.float32): (1e-5, 1e-4),
    np.dtype(np.float64): (1e-10, 1e-7),
}


def tolerances(dtype, atol: float | None = None, rtol: float | None = None):
    """(atol, rtol) for ``dtype``: the given ones, else the dtype's defaults (0, 0 if exact)."""
    default = TOLERANCES.get(np.dtype(dtype), (0.0, 0.0))
    return (default[0] if atol is None else atol), (default[1] if rtol is None else rtol)


def _numpy(x) -> np.ndarray:
    """Values of a course Tensor, torch tensor, array or number as a NumPy array."""
    if isinstance(x, Tensor):
        return backend.to_numpy(x.array)
    if type(x).__module__.startswith("torch"):
        return x.detach().cpu().numpy()
    return np.asarray(backend.to_numpy(x))


def _dtype_name(x) -> str:
    if hasattr(x, "dtype"):  # torch.float32, course.float32 or NumPy's float32: 'float32'
        return str(x.dtype).removeprefix("torch.").removeprefix("course.")
    return type(x).__name__


def to_torch(t, requires_grad: bool | None = None):
    """A torch tensor (CPU, a copy) with the values of a course Tensor or array."""
    import torch

    if requires_grad is None:
        requires_grad = bool(getattr(t, "requires_grad", False))
    out = torch.from_numpy(np.array(_numpy(t), copy=True))
    return out.requires_grad_(requires_grad and out.is_floating_point())


def from_torch(t, device: str = "cpu") -> Tensor:
    """A course Tensor (a copy) with the values of a torch tensor, keeping requires_grad."""
    data = backend.to_device(t.detach().cpu().numpy().copy(), device)
    return Tensor(data, requires_grad=bool(t.requires_grad))


def _index(flat: int, shape) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


def _is_array(x) -> bool:
    """A NumPy or CuPy ndarray (CuPy's is recognised without importing CuPy)."""
    return isinstance(x, np.ndarray) or type(x).__module__.startswith("cupy")


def _is_torch(x) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _kind(x) -> str:
    """What ``x`` is, in the words a failure message uses."""
    if isinstance(x, Tensor):
        return "a course Tensor"
    if _is_array(x):
        return "an ndarray"
    if _is_torch(x):
        return "a torch tensor"
    if isinstance(x, (bool, np.bool_)):
        return "a bool"
    if isinstance(x, (int, np.integer)):
        return "an int"
    if isinstance(x, (float, np.floating)):
        return "a float"
    return f"a {type(x).__name__}"


def _check_type(actual, expected, name: str) -> None:
    """``actual`` must be the kind of thing ``expected`` is, before anything compares values:
    an object whose ``==`` says yes to everything (or that fakes NumPy's protocols) fails here."""
    if isinstance(expected, Tensor):
        ok = isinstance(actual, Tensor)
    elif _is_array(expected):
        ok = _is_array(actual)
    elif _is_torch(expected):  # the oracle: course's answer may be a Tensor or an array
        ok = isinstance(actual, Tensor) or _is_torch(actual) or _is_array(actual)
    elif isinstance(expected, (bool, np.bool_)):
        ok = isinstance(actual, (bool, np.bool_))
    elif isinstance(expected, (int, np.integer)):
        ok = isinstance(actual, (int, np.integer)) and not isinstance(actual, (bool, np.bool_))
    elif isinstance(expected, (float, np.floating)):
        ok = isinstance(actual, (int, float, np.integer, np.floating)) and not isinstance(
            actual, (bool, np.bool_)
        )
    else:
        raise TypeError(f"assert_close cannot compare with {_kind(expected)} ({name})")
    if not ok:
        raise AssertionError(f"{name}: expected {_kind(expected)}, got {_kind(actual)}")


def assert_close(
    actual,
    expected,
    atol: float | None = None,
    rtol: float | None = None,
    name: str = "value",
    check_dtype: bool = True,
) -> None:
    """Assert that ``actual`` is what ``expected`` is: the same type, dtype and shape, then
    |actual - expected| <= atol + rtol * |expected| elementwise.

    The checks run in that order and each failure says which one failed, so a wrong dtype
    reads as a wrong dtype, not as a value error. Types: a course Tensor must be a Tensor, an
    ndarray an ndarray (NumPy or CuPy), a torch tensor (the oracle) a tensor or an ndarray, a
    bool a bool, an int an int, a float a number, a str an equal str; tuples, lists and dicts
    are compared item by item. So an object whose ``==`` says yes to everything fails. With
    ``check_dtype=False`` only the values are compared (an int array may match a float one).
    Default tolerances come from ``expected``'s dtype (exact for integers and bools). NaNs
    must sit at the same places.
    """
    if isinstance(expected, str):
        if not isinstance(actual, str):
            raise AssertionError(f"{name}: expected a str, got {_kind(actual)}")
        if actual != expected:
            raise AssertionError(f"{name}: expected {expected!r}, got {actual!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise AssertionError(f"{name}: expected a dict, got {_kind(actual)}")
        if set(actual) != set(expected):
            missing, extra = set(expected) - set(actual), set(actual) - set(expected)
            raise AssertionError(
                f"{name}: keys missing {sorted(map(repr, missing))}, "
                f"unexpected {sorted(map(repr, extra))}"
            )
        for key, e in expected.items():
            assert_close(
                actual[key], e, atol, rtol, name=f"{name}[{key!r}]", check_dtype=check_dtype
            )
        return
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            raise AssertionError(
                f"{name}: expected a {type(expected).__name__}, got {_kind(actual)}"
            )
        if len(actual) != len(expected):
            raise AssertionError(
                f"{name}: expected {len(expected)} items, got {len(actual)}: {actual!r}"
            )
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, atol, rtol, name=f"{name}[{i}]", check_dtype=check_dtype)
        return
    _check_type(actual, expected, name)
    got, want = _numpy(actual), _numpy(expected)
    if check_dtype and hasattr(expected, "dtype") and got.dtype != want.dtype:
        raise AssertionError(
            f"{name}: dtype {_dtype_name(actual)}, expected {_dtype_name(expected)}"
        )
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape} (got) != {want.shape} (expected)")
    atol, rtol = tolerances(want.dtype if want.dtype.kind == "f" else got.dtype, atol, rtol)
    if got.size == 0:
        return
    g, w = got.astype(np.float64), want.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(g - w)
        same = (g == w) | (np.isnan(g) & np.isnan(w))  # equal infinities and NaNs agree
        bad = ~same & ~((err <= atol + rtol * np.abs(w)) & np.isfinite(w))  # inf only equals inf
    if not bad.any():
        return
    first = _index(int(np.flatnonzero(bad)[0]), got.shape)
    finite = np.where(np.isfinite(err), err, np.inf)
    worst = _index(int(np.argmax(finite)), got.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = float(np.nan_to_num(np.where(bad, err / np.abs(w), 0.0), nan=np.inf).max())
    raise AssertionError(
        f"{name}: differs at index {first}: expected {want[first]}, got {got[first]}; "
        f"{int(bad.sum())} of {got.size} elements outside atol={atol:g} + rtol={rtol:g}*|expected|"
        f" (max abs error {float(finite.max()):.3g} at {worst}, max rel error {rel:.3g})"
    )


# -------------------------------------------------------------------------- gradcheck


def _outputs(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _op_name(fn, out) -> str:
    name = getattr(fn, "__name__", "fn")
    if name == "<lambda>":
        ctx = getattr(_outputs(out)[0], "_ctx", None)
        name = f"lambda ({ctx.name})" if ctx is not None else name
    return name


def _projection(outs, seed: int = 0) -> list:
    """Fixed random weights, one array per float output: sum-preserving wrong grads show up."""
    rng = np.random.default_rng(seed)
    weights = []
    for o in outs:
        if isinstance(o, Tensor) and o.dtype.kind == "f":
            w = rng.uniform(0.5, 1.5, o.shape) * rng.choice([-1.0, 1.0], o.shape)
            xp = backend.get_array_module(o.array)
            weights.append(Tensor(xp.asarray(w.astype(o.dtype))))
        else:
            weights.append(None)
    return weights


def _objective(outs, weights) -> Tensor | float:
    total = 0.0
    for o, w in zip(outs, weights):
        if w is not None:
            total = (o * w).sum() + total
    return total


def gradcheck(
    fn: Callable[..., Any],
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    name: str | None = None,
) -> None:
    """Check ``backward`` of ``fn`` against central differences (f(x+eps)-f(x-eps))/(2 eps).

    Works on float64 copies of the inputs. Every element of every input that requires grad
    (or is a float NumPy array) is perturbed; the objective is ``(fn(*x) * w).sum()`` for a
    fixed random ``w``. Other arguments are passed through unchanged.
    """
    xs, wants = [], []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            xs.append(Tensor(x.array.astype(np.float64), requires_grad=x.requires_grad))
        elif isinstance(x, (np.ndarray, np.floating)):
            xs.append(Tensor(np.array(x, dtype=np.float64), requires_grad=True))
        else:
            xs.append(x)
        wants.append(isinstance(xs[-1], Tensor) and xs[-1].requires_grad)
    if not any(wants):
        raise ValueError("gradcheck: no input requires grad: pass requires_grad=True tensors")

    outs = _outputs(fn(*xs))
    name = name or _op_name(fn, outs)
    weights = _projection(outs)
    objective = _objective(outs, weights)
    if not isinstance(objective, Tensor) or not objective.requires_grad:
        raise AssertionError(f"gradcheck {name}: the output does not require grad")
    objective.backward()

    for pos, (x, want) in enumerate(zip(xs, wants)):
        if not want:
            continue
        got = np.zeros(x.shape) if x.grad is None else _numpy(x.grad)
        if got.shape != x.shape or got.dtype != np.float64:
            raise AssertionError(
                f"gradcheck {name}: input {pos} has shape {x.shape} and dtype float64, but its "
                f"gradient has shape {got.shape} and dtype {got.dtype}"
            )
        expected = _numerical_grad(fn, xs, x, weights, eps)
        bad = ~(np.abs(got - expected) <= atol + rtol * np.abs(expected))
        if bad.any():
            i = _index(int(np.flatnonzero(bad)[0]), x.shape)
            raise AssertionError(
                f"gradcheck {name}: gradient of input {pos} (shape {tuple(x.shape)}) is wrong "
                f"at index {i}: expected {expected[i]:.6g} (finite differences), got "
                f"{got[i]:.6g} (backward); {int(bad.sum())} of {got.size} elements wrong, "
                f"max abs error {float(np.abs(got - expected).max()):.3g}"
            )


def _numerical_grad(fn, xs, x: Tensor, weights, eps: float) -> np.ndarray:
    host = backend.to_numpy(x.array).copy()
    grad = np.zeros(host.shape)
    xp = backend.get_array_module(x.array)
    original = x.array
    with no_grad():
        for i in np.ndindex(*host.shape):
            values = []
            for step in (eps, -eps):
                perturbed = host.copy()
                perturbed[i] += step
                x.array = xp.asarray(perturbed)
                values.append(float(_numpy(_objective(_outputs(fn(*xs)), weights))))
            grad[i] = (values[0] - values[1]) / (2 * eps)
    x.array = original
    return grad


# ----------------------------------------------------------------- compare_with_torch


def compare_with_torch(
    fn: Callable[..., Any],
    *arrays,
    torch_fn: Callable[..., Any] | None = None,
    dtype=None,
    atol: float | None = None,
    rtol: float | None = None,
    grad: bool = True,
    name: str | None = None,
    device: str = "cpu",
) -> None:
    """Run ``fn`` on course tensors and ``torch_fn`` (default ``fn``) on torch tensors made
    from the same arrays; compare shapes, dtypes, values and, when ``grad``, the input
    gradients after backward with one random upstream gradient.

    NumPy arrays become tensors (float ones require grad; ``dtype`` recasts float arrays);
    other arguments pass through. Outputs may be a tensor or a tuple of tensors.
    """
    import torch

    ours, theirs = [], []
    for a in arrays:
        if isinstance(a, (np.ndarray, np.generic)):
            a = np.asarray(a)
            if dtype is not None and a.dtype.kind == "f":
                a = a.astype(dtype)
            float_input = grad and a.dtype.kind == "f"
            ours.append(Tensor(backend.to_device(a.copy(), device), requires_grad=float_input))
            theirs.append(torch.from_numpy(a.copy()).requires_grad_(float_input))
        else:
            ours.append(a)
            theirs.append(a)

    out_c = _outputs(fn(*ours))
    out_t = _outputs((torch_fn or fn)(*theirs))
    name = name or _op_name(fn, out_c)
    if len(out_c) != len(out_t):
        raise AssertionError(f"{name}: {len(out_c)} outputs (course) != {len(out_t)} (torch)")
    for k, (c, t) in enumerate(zip(out_c, out_t)):
        label = name if len(out_c) == 1 else f"{name} output {k}"
        if _dtype_name(c) != _dtype_name(t):
            raise AssertionError(
                f"{label}: dtype {_dtype_name(c)} (course) != {_dtype_name(t)} (torch)"
            )
        assert_close(c, t, *tolerances(_numpy(t).dtype, atol, rtol), name=label)

    if not grad:
        return
    rng = np.random.default_rng(1)
    seeds_c, seeds_t, roots_c, roots_t = [], [], [], []
    for k, (c, t) in enumerate(zip(out_c, out_t)):
        if not (isinstance(t, torch.Tensor) and t.requires_grad):
            continue
        if not (isinstance(c, Tensor) and c.requires_grad):
            raise AssertionError(f"{name}: output {k} requires grad in torch but not in course")
        g = rng.standard_normal(tuple(t.shape)).astype(_numpy(t).dtype)
        roots_c.append(c)
        roots_t.append(t)
        seeds_c.append(Tensor(backend.to_device(g, device)))
        seeds_t.append(torch.from_numpy(g))
    if not roots_t:
        return
    _objective(roots_c, seeds_c).backward()
    torch.autograd.backward(roots_t, seeds_t)
    for pos, (c, t) in enumerate(zip(ours, theirs)):
        if not (isinstance(t, torch.Tensor) and t.requires_grad):
            continue
        label = f"{name}: gradient of input {pos} (shape {tuple(t.shape)}, {_dtype_name(t)})"
        got = c.grad if c.grad is not None else np.zeros(c.shape, c.dtype)
        want = t.grad if t.grad is not None else torch.zeros_like(t)
        if _dtype_name(got) != _dtype_name(t):
            raise AssertionError(f"{label}: gradient dtype is {_dtype_name(got)}")
        assert_close(got, want, *tolerances(_numpy(t).dtype, atol, rtol), name=label)
