"""conv2d, max_pool2d, avg_pool2d against torch: values and gradients over a grid of geometries."""

import itertools

import numpy as np
import pytest
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course.testing import compare_with_torch

pytestmark = pytest.mark.lesson04


def _pair(shape, rng, ints=False):
    x = rng.integers(0, 3, shape).astype(np.float32) if ints else rng.standard_normal(shape)
    x = x.astype(np.float32)
    return course.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _check(ours, theirs, atol=1e-4, what="value"):
    assert ours.dtype == np.float32, f"{what}: dtype {ours.dtype}"
    expect = theirs.detach().numpy()
    got = ours.numpy() if not ours.requires_grad else ours.detach().numpy()
    assert got.shape == expect.shape, f"{what}: shape {got.shape} != {expect.shape}"
    np.testing.assert_allclose(got, expect, atol=atol, rtol=1e-4, err_msg=what)


GRID = list(itertools.product((1, 2, 3, 5), (1, 2, 3), (0, 1, 2)))


@pytest.mark.parametrize("k,stride,padding", GRID)
def test_conv2d_grid_matches_torch(k, stride, padding):
    rng = np.random.default_rng(k * 100 + stride * 10 + padding)
    x, xt = _pair((2, 3, 9, 11), rng)  # non-square input
    w, wt = _pair((4, 3, k, k), rng)
    b, bt = _pair((4,), rng)
    out = F.conv2d(x, w, b, stride=stride, padding=padding)
    out_t = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=padding)
    _check(out, out_t, what="output")
    g = rng.standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    for ours, theirs, name in ((x, xt, "x"), (w, wt, "weight"), (b, bt, "bias")):
        _check(ours.grad, theirs.grad, what=f"grad of {name}")


@pytest.mark.parametrize(
    "kernel,stride,padding,dilation",
    [((3, 2), (1, 2), (1, 0), (2, 1)), ((2, 3), (2, 1), (0, 2), (2, 3)), (3, 1, 2, 2)],
)
def test_conv2d_rectangular_kernels_and_dilation(kernel, stride, padding, dilation):
    rng = np.random.default_rng(1)
    x, xt = _pair((1, 2, 10, 7), rng)  # batch 1
    w, wt = _pair((3, 2) + ((kernel,) * 2 if isinstance(kernel, int) else kernel), rng)
    out = F.conv2d(x, w, None, stride, padding, dilation)
    out_t = torch.nn.functional.conv2d(xt, wt, None, stride, padding, dilation)
    _check(out, out_t, what="output")
    out.sum().backward()
    out_t.sum().backward()
    _check(x.grad, xt.grad, what="grad of x")
    _check(w.grad, wt.grad, what="grad of weight")


def test_conv2d_skips_input_gradient_when_not_needed():
    rng = np.random.default_rng(2)
    x = course.tensor(rng.standard_normal((2, 1, 6, 6)).astype(np.float32))
    w, wt = _pair((2, 1, 3, 3), rng)
    F.conv2d(x, w).sum().backward()
    torch.nn.functional.conv2d(torch.from_numpy(x.numpy()), wt).sum().backward()
    assert x.grad is None
    _check(w.grad, wt.grad, what="grad of weight")


def test_conv2d_chain_keeps_gradients_right_through_channels_last_views():
    """conv -> relu -> pool -> conv: the NHWC views handed between ops must give torch's grads."""
    rng = np.random.default_rng(3)
    x, xt = _pair((3, 2, 8, 8), rng)
    w1, w1t = _pair((5, 2, 3, 3), rng)
    w2, w2t = _pair((4, 5, 3, 3), rng)
    y = F.conv2d(F.max_pool2d(F.conv2d(x, w1, padding=1).relu(), 2), w2, padding=1)
    tf = torch.nn.functional
    yt = tf.conv2d(tf.max_pool2d(tf.conv2d(xt, w1t, padding=1).relu(), 2), w2t, padding=1)
    _check(y, yt, what="output")
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    for ours, theirs, name in ((x, xt, "x"), (w1, w1t, "w1"), (w2, w2t, "w2")):
        _check(ours.grad, theirs.grad, atol=1e-3, what=f"grad of {name}")


def test_conv2d_errors_name_the_shapes():
    x = course.randn(2, 3, 8, 8)
    with pytest.raises(RuntimeError, match=r"3 channels.*expects 4"):
        F.conv2d(x, course.randn(5, 4, 3, 3))
    with pytest.raises(RuntimeError, match="4-D"):
        F.conv2d(course.randn(3, 8, 8), course.randn(5, 3, 3, 3))
    with pytest.raises(RuntimeError, match="does not fit"):
        F.conv2d(x, course.randn(5, 3, 9, 9))


POOLS = [
    # kernel, stride, padding, shape
    (2, None, 0, (2, 3, 8, 8)),
    (2, None, 0, (1, 2, 7, 9)),  # odd sizes: the last row/column is dropped
    (3, None, 0, (2, 2, 10, 11)),
    (3, 2, 1, (2, 2, 9, 7)),  # overlapping windows with padding
    (3, 1, 0, (1, 1, 6, 5)),
    ((2, 3), (1, 2), (1, 1), (2, 2, 7, 8)),
]


@pytest.mark.parametrize("kernel,stride,padding,shape", POOLS)
@pytest.mark.parametrize("ints", [False, True], ids=["random", "ties"])
def test_max_pool2d_matches_torch_including_ties(kernel, stride, padding, shape, ints):
    rng = np.random.default_rng(4)
    x, xt = _pair(shape, rng, ints=ints)
    out = F.max_pool2d(x, kernel, stride, padding)
    out_t = torch.nn.functional.max_pool2d(xt, kernel, stride, padding)
    _check(out, out_t, what="output")
    g = rng.standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(x.grad, xt.grad, what="grad (one winner per window, the first maximum)")


@pytest.mark.parametrize("kernel,stride,padding,shape", POOLS)
def test_avg_pool2d_matches_torch(kernel, stride, padding, shape):
    rng = np.random.default_rng(5)
    x, xt = _pair(shape, rng)
    out = F.avg_pool2d(x, kernel, stride, padding)
    out_t = torch.nn.functional.avg_pool2d(xt, kernel, stride, padding)
    _check(out, out_t, what="output")
    g = rng.standard_normal(out_t.shape).astype(np.float32)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    _check(x.grad, xt.grad, what="grad")


def test_pool_errors():
    with pytest.raises(RuntimeError, match="4-D"):
        F.max_pool2d(course.randn(3, 4, 4), 2)
    with pytest.raises(RuntimeError, match="half the kernel"):
        F.max_pool2d(course.randn(1, 1, 4, 4), 2, padding=2)


@pytest.mark.parametrize("ints", [False, True], ids=["no ties", "ties"])
def test_backward_leaves_the_incoming_gradient_untouched(ints):
    rng = np.random.default_rng(6)
    x, _ = _pair((2, 3, 8, 8), rng, ints=ints)
    w, _ = _pair((4, 3, 3, 3), rng)
    y = F.max_pool2d(F.conv2d(x, w, padding=1), 2)
    g = rng.standard_normal(y.shape).astype(np.float32)
    seed = course.tensor(g)
    y.backward(seed)
    np.testing.assert_array_equal(seed.numpy(), g)


@pytest.mark.parametrize("stride,padding,dilation", [(1, 1, 1), (2, 0, 1), (1, 2, 2), (3, 1, 2)])
def test_conv2d_many_channels_take_the_window_view_path(stride, padding, dilation):
    rng = np.random.default_rng(7)
    x, xt = _pair((2, 9, 10, 8), rng)  # 9 >= 8 channels: im2col via sliding_window_view
    w, wt = _pair((5, 9, 3, 3), rng)
    b, bt = _pair((5,), rng)
    out = F.conv2d(x, w, b, stride, padding, dilation)
    out_t = torch.nn.functional.conv2d(xt, wt, bt, stride, padding, dilation)
    _check(out, out_t, what="output")
    (out * out).sum().backward()
    (out_t * out_t).sum().backward()
    for ours, theirs, name in ((x, xt, "x"), (w, wt, "weight"), (b, bt, "bias")):
        _check(ours.grad, theirs.grad, atol=1e-3, what=f"grad of {name}")


@pytest.mark.parametrize(
    "k,stride,padding",
    [
        (2, 2, 0),
        (3, 2, 0),
        (3, 2, 1),
        (2, 3, 0),
        (3, 3, 1),
        (2, 2, 1),
        (3, 1, 1),
        ((2, 3), (2, 1), 0),
    ],
)
@pytest.mark.parametrize("size", [(5, 5), (7, 6)])
def test_max_pool2d_ceil_mode_matches_torch(k, stride, padding, size):
    # compare_with_torch also checks the input gradient, ties included (integer inputs)
    rng = np.random.default_rng(sum(size))
    x = rng.integers(0, 4, (2, 3, *size)).astype(np.float32)
    options = {"stride": stride, "padding": padding, "ceil_mode": True}
    compare_with_torch(
        lambda t: F.max_pool2d(t, k, **options),
        x,
        torch_fn=lambda t: torch.nn.functional.max_pool2d(t, k, **options),
        name=f"max_pool2d(k={k}, {options})",
    )
    compare_with_torch(
        course.nn.MaxPool2d(k, stride, padding, ceil_mode=True),
        x,
        torch_fn=torch.nn.MaxPool2d(k, stride, padding, ceil_mode=True),
        name="nn.MaxPool2d(ceil_mode=True)",
    )


def test_pooling_options_course_lacks_are_named():
    x = course.zeros(1, 1, 4, 4)
    with pytest.raises(NotImplementedError, match="avg_pool2d: ceil_mode=True"):
        F.avg_pool2d(x, 2, ceil_mode=True)
    with pytest.raises(NotImplementedError, match="return_indices"):
        F.max_pool2d(x, 2, return_indices=True)
    with pytest.raises(NotImplementedError, match="dilation"):
        course.nn.MaxPool2d(2, dilation=2)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel,dilation", [(3, 1), (4, 1), ((2, 3), 1), (3, 2), ((2, 4), (1, 2))])
def test_conv2d_string_padding_matches_torch(padding, kernel, dilation):
    rng = np.random.default_rng(4)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    x = rng.standard_normal((2, 3, 9, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, kh, kw)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    compare_with_torch(
        lambda x, w, b: F.conv2d(x, w, b, padding=padding, dilation=dilation),
        x, w, b,
        torch_fn=lambda x, w, b: torch.nn.functional.conv2d(
            x, w, b, padding=padding, dilation=dilation
        ),
        atol=1e-4,
        name=f"conv2d(padding={padding!r}, kernel={kernel}, dilation={dilation})",
    )  # fmt: skip


def test_conv2d_string_padding_errors_name_the_option():
    x, w = course.zeros(1, 1, 5, 5), course.zeros(1, 1, 3, 3)
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        F.conv2d(x, w, padding="same", stride=2)
    with pytest.raises(ValueError, match="not 'full'"):
        F.conv2d(x, w, padding="full")
