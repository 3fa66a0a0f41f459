"""Gradients that a mask drops (ReLU, max-pool, clamp) are 0, as torch's, even where they are
inf or NaN: grad * mask would give inf * 0 = NaN there. And a NaN that ReLU passes on (its
output is NaN) passes its gradient on, as torch's."""

import numpy as np
import pytest
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course.ops import _parallel

pytestmark = pytest.mark.lesson02

INF, NAN = np.inf, np.nan


def _grads(fn_ours, fn_torch, x, g):
    xs = course.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    fn_ours(xs).backward(course.tensor(g))
    fn_torch(xt).backward(torch.from_numpy(g))
    return xs.grad.numpy(), xt.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("pieces", ["one piece", "chunks"])
def test_relu_drops_inf_gradients_to_zero_and_passes_nan_inputs_on(monkeypatch, dtype, pieces):
    if pieces == "chunks":
        monkeypatch.setattr(_parallel, "ELEMENTWISE_MIN_BYTES", 0)
        monkeypatch.setattr(_parallel, "chunk_size", lambda *args, **kwargs: 2)
    x = np.array([[NAN, -1.0, 2.0, 0.0, -0.0], [3.0, -INF, INF, -2.0, 1.0]], dtype=dtype)
    g = np.array([[5.0, INF, 7.0, -INF, NAN], [INF, NAN, 1.0, INF, -INF]], dtype=dtype)
    ours, theirs = _grads(F.relu, torch.relu, x, g)
    np.testing.assert_array_equal(ours, theirs)
    assert ours[0, 0] == 5.0, "NaN in, NaN out: torch passes the gradient on"
    assert ours[0, 1] == 0.0, "an inf gradient where relu is 0 must give 0, not inf * 0 = NaN"


@pytest.mark.lesson04
@pytest.mark.parametrize("memory", ["NCHW", "NHWC", "HWNC"])
@pytest.mark.parametrize("kernel,stride", [(2, 2), (3, 2)], ids=["disjoint", "overlapping"])
def test_max_pool2d_drops_inf_gradients_to_zero(memory, kernel, stride):
    rng = np.random.default_rng(4)
    data = rng.integers(0, 3, (3, 2, 6, 6)).astype(np.float32)  # many ties
    data[0, 0, :2, :2] = NAN  # a window with NaNs: its gradient goes to its last NaN
    if memory != "NCHW":
        order = (0, 2, 3, 1) if memory == "NHWC" else (2, 3, 0, 1)
        data = np.ascontiguousarray(data.transpose(order)).transpose(np.argsort(order))
    out_shape = torch.nn.functional.max_pool2d(torch.tensor(data), kernel, stride).shape
    g = rng.choice(np.array([INF, -INF, 1.0, -2.0], dtype=np.float32), size=tuple(out_shape))
    ours, theirs = _grads(
        lambda t: F.max_pool2d(t, kernel, stride),
        lambda t: torch.nn.functional.max_pool2d(t, kernel, stride),
        data,
        g,
    )
    np.testing.assert_array_equal(ours, theirs)
    assert not np.isnan(ours).any(), "an inf gradient times a mask of 0 made NaN"


@pytest.mark.parametrize("low,high", [(0.0, 1.0), (0.0, None), (None, 1.0)])
def test_clamp_drops_inf_gradients_to_zero(low, high):
    x = np.array([-2.0, 0.5, 3.0, NAN], dtype=np.float32)
    g = np.array([INF, INF, -INF, INF], dtype=np.float32)
    ours, theirs = _grads(lambda t: t.clamp(low, high), lambda t: t.clamp(low, high), x, g)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # amax: inf * 0 and x / 0, as torch
@pytest.mark.parametrize("op", ["max", "min", "amax", "amin"])
@pytest.mark.parametrize(
    "data,g",
    [
        ([1.0, NAN, 3.0], 2.0),
        ([1.0, 3.0, 3.0], INF),
        ([1.0, NAN, NAN], 2.0),
        ([2.0, 3.0, 1.0], NAN),
    ],
)
def test_whole_tensor_max_and_min_share_their_gradient_as_torch(op, data, g):
    # max() and min(): a NaN result's NaNs share the gradient, the rest get exactly 0 (torch's
    # CPU rule); amax and amin multiply by the mask, as torch's, so inf * 0 is NaN there.
    x = np.array(data, dtype=np.float32)
    ours, theirs = _grads(
        lambda t: getattr(t, op)(), lambda t: getattr(t, op)(), x, np.array(g, np.float32)
    )
    np.testing.assert_array_equal(ours, theirs)
