"""Sequential runs ReLU -> MaxPool2d as MaxPool2d -> ReLU (course/nn/module.py): the same values
and the same gradients as torch's ReLU-then-pool, on windows where ReLU makes ties (all values
negative, zeros, mixed signs), with inf and NaN, and with overlapping, padded and ceil_mode
windows."""

import numpy as np
import pytest
import torch

import course
from course import nn

tnn = torch.nn


def _windows(dtype):
    """A (2, 3, 6, 6) input whose 2x2 windows cover the cases ReLU's ties could get wrong."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 6)).astype(dtype)
    x[0, 0, 0:2, 0:2] = [[-1.0, -2.0], [-0.5, -3.0]]  # all negative: ReLU makes four zeros
    x[0, 0, 0:2, 2:4] = [[0.0, -1.0], [0.0, 2.0]]  # zeros before the max
    x[0, 0, 2:4, 0:2] = [[0.0, 0.0], [0.0, 0.0]]  # a window of zeros
    x[0, 1, 0:2, 0:2] = [[-np.inf, -1.0], [np.inf, np.inf]]  # tied infs
    x[0, 1, 2:4, 2:4] = [[np.nan, -1.0], [3.0, np.nan]]  # NaNs: the last one takes the gradient
    x[1, 2, 4:6, 4:6] = [[-0.0, 0.0], [-1.0, -0.0]]  # signed zeros
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "pool",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 1},  # overlapping
        {"kernel_size": 3, "stride": 2, "padding": 1},  # padded with -inf
        {"kernel_size": 2, "stride": 2, "ceil_mode": True},
    ],
    ids=["2x2", "overlapping", "padded", "ceil_mode"],
)
def test_relu_then_max_pool_matches_torch(dtype, pool):
    x = _windows(dtype)
    if pool.get("ceil_mode"):
        x = x[..., :5, :5].copy()  # an odd size, so ceil_mode adds a partial window
    ours = nn.Sequential(nn.ReLU(), nn.MaxPool2d(**pool))
    theirs = tnn.Sequential(tnn.ReLU(), tnn.MaxPool2d(**pool))
    xo = course.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_array_equal(yo.detach().numpy(), yt.detach().numpy())
    g = np.random.default_rng(1).standard_normal(yt.shape).astype(dtype)
    yo.backward(course.tensor(g))
    yt.backward(torch.tensor(g))
    overlapping = pool.get("stride", pool["kernel_size"]) < pool["kernel_size"]
    if not overlapping:
        np.testing.assert_array_equal(xo.grad.numpy(), xt.grad.numpy())
    else:  # overlapping windows add up their shares in another order than torch: 1 ulp
        tol = 1e-6 if dtype == np.float32 else 1e-14
        np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


def test_a_cnn_block_matches_torch_and_its_unswapped_self():
    """conv -> ReLU -> pool twice, as `course bench cnn`: the loss and every gradient equal
    torch's, and bit for bit what the same modules give applied one by one."""
    torch.manual_seed(0)
    theirs = tnn.Sequential(
        tnn.Conv2d(1, 4, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(4, 8, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(8 * 7 * 7, 10),
    )  # fmt: skip
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 7 * 7, 10),
    )  # fmt: skip
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 1, 28, 28)).astype(np.float32)

    def grads(forward):
        ours.zero_grad()
        forward(course.tensor(x)).sum().backward()
        return [p.grad.numpy().copy() for p in ours.parameters()]

    def one_by_one(t):
        for m in ours:
            t = m(t)
        return t

    swapped, plain = grads(ours), grads(one_by_one)
    theirs(torch.tensor(x)).sum().backward()
    for a, b, p in zip(swapped, plain, theirs.parameters()):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, p.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_only_the_exact_classes_are_swapped():
    """A subclass may do anything in its forward, so its order is kept."""

    class Negated(nn.ReLU):
        def forward(self, x):
            return -super().forward(x)

    x = course.tensor(np.array([[[[1.0, 3.0], [-2.0, 0.5]]]], dtype=np.float32))
    # pool(-relu(x)) = max(-1, -3, 0, -0.5) = 0; swapped it would be -relu(pool(x)) = -3
    assert nn.Sequential(Negated(), nn.MaxPool2d(2))(x).item() == 0.0
