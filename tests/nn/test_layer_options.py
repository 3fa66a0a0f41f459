"""Layer options transformer and textbook programs use: Embedding(padding_idx=) and
Conv2d(padding='same' | 'valid'), against torch with copied weights."""

import numpy as np
import pytest
import torch

import course
from course import nn
from course.testing import assert_close

tnn = torch.nn


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("padding_idx", [0, 3, -1])
def test_embedding_padding_row_gets_no_gradient_like_torch(padding_idx, dtype):
    theirs = tnn.Embedding(6, 4, padding_idx=padding_idx)
    ours = nn.Embedding(6, 4, padding_idx=padding_idx)
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours.weight.detach().numpy()[padding_idx], 0)
    with torch.no_grad():
        theirs.weight.normal_()  # a nonzero padding row shows it is read, not zeroed
    ours.load_state_dict(theirs.state_dict())
    ours.to(dtype=dtype)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    idx = np.array([[0, 3, 5, 3], [1, 5, 0, 2]])
    out, out_t = ours(course.tensor(idx)), theirs(torch.from_numpy(idx))
    assert_close(out, out_t)
    g = np.random.default_rng(0).standard_normal(out_t.shape).astype(dtype)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    assert_close(ours.weight.grad, theirs.weight.grad)
    np.testing.assert_array_equal(ours.weight.grad.numpy()[padding_idx], 0)


def test_embedding_padding_idx_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="padding_idx 6 must be within num_embeddings 6"):
        nn.Embedding(6, 2, padding_idx=6)
    with pytest.raises(ValueError, match=r"embedding: padding_idx -7 is outside \[-6, 6\)"):
        course.functional.embedding(course.tensor([0]), course.randn(6, 2), padding_idx=-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 3, "padding": "same"},
        {"kernel_size": (2, 4), "padding": "same"},  # odd total padding: one more at the end
        {"kernel_size": 3, "padding": "same", "dilation": 2},
        {"kernel_size": (2, 3), "padding": "same", "dilation": (3, 1), "bias": False},
        {"kernel_size": 3, "padding": "valid", "stride": 2},
    ],
)
def test_conv2d_string_padding_matches_torch(kwargs, dtype):
    theirs, ours = tnn.Conv2d(3, 4, **kwargs), nn.Conv2d(3, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict(theirs.state_dict())
    ours.to(dtype=dtype)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    x_np = np.random.default_rng(1).standard_normal((2, 3, 7, 6)).astype(dtype)
    x, xt = course.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, out_t = ours(x), theirs(xt)
    atol = 1e-5 if dtype == np.float32 else None
    assert_close(out, out_t, atol=atol)
    g = np.random.default_rng(2).standard_normal(out_t.shape).astype(dtype)
    out.backward(course.tensor(g))
    out_t.backward(torch.from_numpy(g))
    assert_close(x.grad, xt.grad, atol=atol, name="input gradient")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs_params[name].grad, atol=atol, name=name)


def test_conv2d_same_padding_needs_stride_one():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding must be 'same', 'valid' or ints, not 'full'"):
        nn.Conv2d(3, 4, 3, padding="full")
