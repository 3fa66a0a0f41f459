"""The autograd engine: accumulation, seeds, no_grad, detach, graph freeing, and an MLP vs torch."""

import numpy as np
import pytest
import torch

import course
from course.testing import assert_close, compare_with_torch

pytestmark = pytest.mark.lesson02


def test_tensor_used_twice_gets_the_summed_gradient():
    compare_with_torch(lambda x: x * x + x, np.array([1.0, -2.0, 3.0], np.float32))
    compare_with_torch(lambda x: (x * 2).exp() * (x * 2), np.array([0.1, 0.2], np.float64))
    x = course.tensor([3.0], requires_grad=True)
    (x * x).backward(course.ones(1))
    assert x.grad.tolist() == [6.0]


def test_diamond_graph_matches_torch():
    def fn(x):
        h = x.tanh()
        a, b = h * 2, h.exp()
        return (a * b + h).sum(0)

    compare_with_torch(fn, np.linspace(-1, 1, 6).reshape(3, 2))


def test_tensor_reached_through_paths_of_different_lengths():
    """s feeds the output directly and through exp -> sum -> log: s's gradient is complete
    only after the longer path is done (a wrong topological order gets this wrong)."""

    def log_softmax(x):
        s = x - x.amax(dim=1, keepdim=True).detach()
        return s - s.exp().sum(dim=1, keepdim=True).log()

    compare_with_torch(log_softmax, np.linspace(-2, 2, 12).reshape(4, 3))
    compare_with_torch(lambda x: x + x.exp().exp().exp().sum(), np.array([0.1, 0.3]))


def test_backward_with_a_gradient_for_non_scalars():
    x = course.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (x * 3).backward(course.tensor([[1.0, 0.0], [0.5, 2.0]]))
    assert_close(x.grad, course.tensor([[3.0, 0.0], [1.5, 6.0]]), name="x.grad")
    y = course.tensor([1.0, 2.0], requires_grad=True)
    (y * y).backward(np.array([1.0, 1.0]))  # a plain array works too; dtype follows y
    assert y.grad.dtype == np.float32


def test_backward_on_non_scalar_without_gradient_says_what_to_pass():
    x = course.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\) needs a gradient.*t.sum\(\).backward"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the tensor has shape"):
        (x * 2).backward(course.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        course.ones(2).sum().backward()


def test_no_grad_records_nothing_and_restores_the_mode():
    x = course.ones(3, requires_grad=True)
    with course.no_grad():
        y = x * 2
        assert not course.is_grad_enabled()
        with course.enable_grad():
            z = x * 2
    assert course.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @course.no_grad()
    def step(t):
        return t * 2

    assert not step(x).requires_grad
    assert course.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError), course.no_grad():
        1 / 0  # noqa: B018
    assert course.is_grad_enabled()


def test_detach_shares_values_and_cuts_the_graph():
    x = course.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = (x * d).sum()
    y.backward()
    assert_close(x.grad, course.tensor([2.0, 4.0]), name="x.grad through detach")
    e = x.detach()
    e.array[0] = 10.0  # same memory, as in torch
    assert x.array[0] == 10.0


def test_requires_grad_propagates():
    a = course.ones(2, requires_grad=True)
    b = course.ones(2)
    assert (a + b).requires_grad and (b * a).requires_grad
    assert not (b + b).requires_grad
    assert (a.sum() + 1).requires_grad
    assert not (a > b).requires_grad  # comparisons carry no gradient
    assert a.is_leaf and not (a * 1).is_leaf
    with pytest.raises(RuntimeError, match="only floating-point"):
        course.tensor([1, 2], requires_grad=True)


def test_only_leaves_that_require_grad_get_grad():
    a = course.ones(2, requires_grad=True)
    b = course.ones(2)
    h = a * 2
    (h * b).sum().backward()
    assert b.grad is None and h.grad is None and a.grad is not None


def test_graph_is_freed_after_backward_and_retain_graph_keeps_it():
    x = course.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()
    z = (x.exp() * x).sum()
    z.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    z.backward()
    x0 = np.array([1.0, 2.0])
    expected = 2 * x0 + 2 * np.exp(x0) * (1 + x0)  # y's gradient, then z's twice
    assert_close(
        x.grad.numpy(), expected.astype(np.float32), name="x.grad after two backward calls"
    )
    assert not np.allclose(first, x.grad.numpy())


def test_grad_accumulates_across_backward_calls_like_torch():
    values = np.array([0.5, -1.0, 2.0], np.float32)
    ours, theirs = course.tensor(values, requires_grad=True), torch.tensor(values).requires_grad_()
    for lib, t in ((course, ours), (torch, theirs)):
        (t * t).sum().backward()
        (t.exp()).sum().backward()
        lib.tanh(t).sum().backward()
    assert_close(ours.grad, theirs.grad, name="accumulated grad")


def test_leaves_get_independent_grad_arrays():
    a = course.ones(3, requires_grad=True)
    b = course.ones(3, requires_grad=True)
    (a + b).sum().backward()  # both gradients come from one upstream array
    a.grad.array[0] = 100.0
    assert b.grad.array[0] == 1.0
    c = course.ones(3, requires_grad=True)
    c.sum().backward()  # a broadcast (read-only) gradient becomes a writable array
    c.grad.array += 1
    assert c.grad.tolist() == [2.0, 2.0, 2.0]


def test_backward_on_a_leaf_seeds_its_gradient():
    x = course.ones(2, requires_grad=True)
    seed = course.tensor([1.0, 2.0])
    x.backward(seed)
    seed.array[0] = 50.0
    assert x.grad.tolist() == [1.0, 2.0]
    a, b = course.ones(2, requires_grad=True), course.ones(2, requires_grad=True)
    (a + b).backward(seed)  # Add hands the seed on unchanged
    seed.array[1] = 50.0
    assert a.grad.tolist() == [50.0, 2.0] and b.grad.tolist() == [50.0, 2.0]


def test_unused_input_gets_no_gradient_and_the_used_one_does():
    a = course.ones(2, requires_grad=True)
    b = course.ones(2, requires_grad=True)
    c = a * 2
    (c.sum() + (b * 0).sum()).backward()
    assert a.grad.tolist() == [2.0, 2.0] and b.grad.tolist() == [0.0, 0.0]


# ------------------------------------------------------------------ two-layer MLP vs torch


def _mlp_loss(X, W1, b1, W2, b2, y_onehot):  # noqa: N803 - the course vocabulary
    """x @ W1 + b1 -> relu -> @ W2 + b2 -> log-softmax (by hand) -> mean NLL."""
    h = (X @ W1 + b1).relu()
    logits = h @ W2 + b2
    m = logits.amax(dim=1, keepdim=True).detach()
    shifted = logits - m
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -(log_probs * y_onehot).sum(dim=1).mean()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_two_layer_mlp_loss_and_gradients_match_torch(dtype):
    rng = np.random.default_rng(0)
    n, d, hidden, classes = 16, 8, 12, 5
    X = rng.standard_normal((n, d)).astype(dtype)
    W1 = (rng.standard_normal((d, hidden)) / np.sqrt(d)).astype(dtype)
    b1 = (rng.standard_normal(hidden) * 0.1).astype(dtype)
    W2 = (rng.standard_normal((hidden, classes)) / np.sqrt(hidden)).astype(dtype)
    b2 = np.zeros(classes, dtype)
    y_onehot = np.eye(classes, dtype=dtype)[rng.integers(0, classes, n)]
    # X and y_onehot come in as arrays, so they require grad too: torch must agree on those.
    compare_with_torch(_mlp_loss, X, W1, b1, W2, b2, y_onehot, name="mlp loss")
    # And the loss itself, against torch's own cross-entropy.
    loss = _mlp_loss(*[course.tensor(v) for v in (X, W1, b1, W2, b2, y_onehot)])
    tX, tW1, tb1, tW2, tb2 = (torch.from_numpy(v) for v in (X, W1, b1, W2, b2))
    logits = torch.relu(tX @ tW1 + tb1) @ tW2 + tb2
    expected = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y_onehot.argmax(1)))
    assert loss.dtype == dtype
    assert_close(loss, expected, name="mlp loss vs torch cross_entropy")


# ---------------------------------------------------------- torch-style custom Functions
def _clamped_relu(lib):
    """The same torch-style Function written against torch or course (``lib``)."""

    class ClampedReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, limit):
            assert not lib.is_grad_enabled(), "forward runs with gradients off"
            ctx.save_for_backward(x)
            ctx.limit = limit
            ctx.needs = ctx.needs_input_grad
            return x.clamp(min=0, max=limit)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            grad = grad_output.clone()
            grad[(x < 0) | (x > ctx.limit)] = 0
            return grad, None

    return ClampedReLU


def test_ctx_function_matches_torch():
    x = np.random.default_rng(0).uniform(-2, 5, (4, 3)).astype(np.float32)
    compare_with_torch(
        lambda t: _clamped_relu(course).apply(t * 2, 3.0),
        x,
        torch_fn=lambda t: _clamped_relu(torch).apply(t * 2, 3.0),
        name="ClampedReLU.apply",
    )


def test_ctx_function_needs_input_grad_and_graph():
    fn = _clamped_relu(course)
    x = course.tensor([1.0, -1.0], requires_grad=True)
    y = fn.apply(x, 3.0)
    assert y.requires_grad and y.grad_fn.name == "ClampedReLU"
    assert y.grad_fn.ctx.needs == (True, False)
    assert not fn.apply(x.detach(), 3.0).requires_grad  # no input needs grad: no graph
    with course.no_grad():
        assert not fn.apply(x, 3.0).requires_grad


def test_ctx_function_with_two_outputs_and_keyword_arguments():
    def split(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b, scale=2.0):
                ctx.save_for_backward(a, b)
                ctx.scale = scale
                return a * b * scale, a + b

            @staticmethod
            def backward(ctx, g_prod, g_sum):
                a, b = ctx.saved_tensors
                return g_prod * b * ctx.scale + g_sum, g_prod * a * ctx.scale + g_sum, None

        return Split

    a, b = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    compare_with_torch(
        lambda a, b: split(course).apply(a, b, scale=3.0),
        a, b,
        torch_fn=lambda a, b: split(torch).apply(a, b, scale=3.0),
        name="Split.apply",
    )  # fmt: skip
    x = course.tensor([1.0, 2.0], requires_grad=True)
    prod, _ = split(course).apply(x, x)  # only one output used: the other's gradient is zeros
    prod.sum().backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_ctx_function_with_setup_context():
    class Exp(course.autograd.Function):
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    x = course.tensor([0.0, 1.0], requires_grad=True)
    Exp.apply(x).sum().backward()
    assert_close(x.grad.numpy(), np.exp([0.0, 1.0]).astype(np.float32))


def test_ctx_function_backward_mistakes_are_named():
    class Twice(course.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * 2, g

    x = course.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="TwiceBackward returned a gradient different than None"):
        Twice.apply(x, 2.0).sum().backward()

    class Short(course.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match=r"incorrect number of gradients \(expected 2, got 1\)"):
        Short.apply(x, 2.0).sum().backward()


def test_array_style_functions_keep_the_plain_apply():
    # The ops' hot path: only a static forward gets the ctx-style apply.
    from course.ops.elementwise import Add

    assert Add.apply.__func__ is course.Function.apply.__func__
    assert course.autograd.Function is course.Function


def test_inference_mode_is_no_grad_as_context_and_decorator():
    x = course.ones(2, requires_grad=True)
    with course.inference_mode():
        assert course.is_inference_mode_enabled() and not (x * 2).requires_grad
    with course.inference_mode(False):
        assert (x * 2).requires_grad and not course.is_inference_mode_enabled()

    @course.inference_mode
    def bare():
        return (x * 2).requires_grad

    @course.inference_mode()
    def called():
        return (x * 2).requires_grad

    assert not bare() and not called() and (x * 2).requires_grad


def test_enable_grad_as_a_decorator_enables():
    @course.enable_grad()
    def inside():
        return course.is_grad_enabled()

    with course.no_grad():
        assert inside()
