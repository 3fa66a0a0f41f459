"""Every layer against its torch twin with copied weights: outputs, input and parameter grads."""

import numpy as np
import pytest
import torch

import course
from course import nn

tnn = torch.nn
pytestmark = pytest.mark.lesson03


def compare(ours, theirs, shape, atol=1e-5, seed=0, input_grad=True):
    """Copy weights, run both on the same input, check output, input grad and every param grad."""
    ours.load_state_dict(theirs.state_dict())
    x_np = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    x = course.tensor(x_np, requires_grad=input_grad)
    xt = torch.tensor(x_np, requires_grad=input_grad)
    out, out_t = ours(x), theirs(xt)
    assert out.dtype == np.float32, f"{ours!r}: output dtype {out.dtype}"
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), atol=atol, rtol=1e-5)
    g = np.random.default_rng(seed + 1).standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    if input_grad:
        assert x.grad.dtype == np.float32
        np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=atol, rtol=1e-5)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert p.grad is not None and p.grad.dtype == np.float32, f"grad of {name}"
        np.testing.assert_allclose(
            p.grad.numpy(), theirs_params[name].grad.numpy(), atol=atol, rtol=1e-5, err_msg=name
        )
    return out


@pytest.mark.parametrize(
    "make,shape",
    [
        (lambda m: m.Linear(7, 5), (4, 7)),
        (lambda m: m.Linear(7, 5, bias=False), (2, 3, 7)),
        (lambda m: m.Conv2d(3, 4, 3, padding=1), (2, 3, 8, 6)),
        (lambda m: m.Conv2d(3, 4, (2, 3), stride=2, bias=False), (1, 3, 9, 9)),
        (lambda m: m.MaxPool2d(2), (2, 3, 7, 8)),
        (lambda m: m.MaxPool2d(3, stride=2, padding=1), (2, 3, 7, 8)),
        (lambda m: m.AvgPool2d(2), (2, 3, 8, 8)),
        (lambda m: m.Flatten(), (2, 3, 4, 5)),
        (lambda m: m.ReLU(), (4, 5)),
        (lambda m: m.Tanh(), (4, 5)),
        (lambda m: m.Sigmoid(), (4, 5)),
    ],
)
def test_layer_matches_torch(make, shape):
    compare(make(nn), make(tnn), shape)


def test_small_cnn_matches_torch_end_to_end():
    def build(m):
        return m.Sequential(
            m.Conv2d(1, 4, 3, padding=1), m.ReLU(), m.MaxPool2d(2),
            m.Conv2d(4, 6, 3, padding=1), m.ReLU(), m.MaxPool2d(2),
            m.Flatten(), m.Linear(6 * 7 * 7, 10),
        )  # fmt: skip

    compare(build(nn), build(tnn), (3, 1, 28, 28), atol=1e-4)


def test_embedding_matches_torch():
    ours, theirs = nn.Embedding(10, 4), tnn.Embedding(10, 4)
    ours.load_state_dict(theirs.state_dict())
    idx = np.array([[1, 2, 1], [9, 0, 1]])
    out, out_t = ours(course.tensor(idx)), theirs(torch.from_numpy(idx))
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy())
    (out * out).sum().backward()
    (out_t * out_t).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6)


def test_dropout_layer_train_and_eval():
    d = nn.Dropout(0.5)
    x = course.ones(100, 100)
    assert (d(x).numpy() == 0).mean() == pytest.approx(0.5, abs=0.03)
    d.eval()
    np.testing.assert_array_equal(d(x).numpy(), x.numpy())


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm2d_train_then_eval_matches_torch(momentum):
    ours, theirs = nn.BatchNorm2d(3, momentum=momentum), tnn.BatchNorm2d(3, momentum=momentum)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-0.5, 0.5)
    for seed in range(3):  # a few training steps move the running statistics
        ours.zero_grad()
        theirs.zero_grad()
        state = {k: v.clone() for k, v in theirs.state_dict().items()}
        compare(ours, theirs, (4, 3, 5, 6), atol=1e-4, seed=seed)
        for key in ("running_mean", "running_var", "num_batches_tracked"):
            np.testing.assert_allclose(
                ours.state_dict()[key].numpy(), theirs.state_dict()[key].numpy(), rtol=1e-5
            )
        assert state["num_batches_tracked"] + 1 == theirs.num_batches_tracked
    ours.eval(), theirs.eval()
    ours.zero_grad()
    theirs.zero_grad()
    compare(ours, theirs, (2, 3, 4, 4), atol=1e-4, seed=7)


def test_float32_is_kept_through_a_training_step():
    model = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    x = course.randn(4, 6)
    out = model(x)
    loss = course.functional.cross_entropy(out, course.tensor([0, 1, 2, 0]))
    loss.backward()
    assert out.dtype == loss.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


def test_wrong_input_shapes_say_so():
    with pytest.raises(RuntimeError, match=r"in_features=784.*\(3, 100\)|\(3, 100\).*784"):
        nn.Linear(784, 10)(course.randn(3, 100))
    with pytest.raises(
        RuntimeError, match=r"expected input \(N, 3, H, W\), got shape \(2, 1, 8, 8\)"
    ):
        nn.Conv2d(3, 4, 3)(course.randn(2, 1, 8, 8))
    with pytest.raises(RuntimeError, match="expected input"):
        nn.BatchNorm2d(3)(course.randn(2, 4, 3, 3))


def test_clip_grad_norm_matches_torch():
    ours, theirs = nn.Linear(5, 4), tnn.Linear(5, 4)
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32) * 10
    ours(course.tensor(x)).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    norm = nn.utils.clip_grad_norm_(ours.parameters(), 1.0)
    norm_t = tnn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
    assert float(norm) == pytest.approx(float(norm_t), rel=1e-5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)
